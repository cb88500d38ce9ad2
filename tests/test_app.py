"""The page under streamlit.testing's AppTest: URL in, what the page says out (no browser)."""

import json
import re
import xml.etree.ElementTree as ET

from streamlit.testing.v1 import AppTest

from dashboard import data

APP = str(data.BUNDLED_DATA_DIR.parent / "streamlit_app.py")


def run(params: dict | None = None, env_dir: str | None = None, monkeypatch=None) -> AppTest:
    if env_dir is not None:
        monkeypatch.setenv(data.DATA_DIR_ENV, env_dir)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def drawn(at: AppTest) -> list[tuple[str, object]]:
    """(name, element) of every chart on the page, in page order: Vega charts by their spec's
    name, the SVG ones (the map, the output charts) by their svg's class or data-name."""
    out = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if child.type == "vega_lite_chart":
                out.append((json.loads(child.proto.spec)["name"], child))
            elif child.type == "bidi_component" and "svg" in (sent := json.loads(child.proto.json)):
                svg = sent["svg"]  # the SVG component's data: {"svg", "words"} (the share control's has none)
                name = re.search(r'class="jx-map"|data-name="([^"]*)"', svg)
                out.append(("map" if name and name.group(1) is None else name.group(1) if name else "?", child))
            walk(child)

    walk(at._tree)
    return out


def the_map(at: AppTest) -> str | None:
    """The map's SVG as the page sent it to its SVG component (None: no map on the page)."""
    maps = [json.loads(c.proto.json)["svg"] for name, c in drawn(at) if name == "map"]
    assert len(maps) <= 1
    return maps[0] if maps else None


def svg_of(at: AppTest, name: str) -> ET.Element:
    return ET.fromstring(json.loads(next(c for n, c in drawn(at) if n == name).proto.json)["svg"])


def charts(at: AppTest) -> list[str]:
    """The names of the charts the page drew, in page order."""
    return [name for name, _ in drawn(at)]


def query(at: AppTest) -> dict[str, list[str]]:
    """The URL the page wrote, every value as a list (AppTest keeps single values as strings)."""
    return {k: [v] if isinstance(v, str) else list(v) for k, v in at.query_params.items()}


def test_home_page_in_chinese_with_charts_and_headline():
    at = run()
    assert at.title[0].value == "江西国家高新区"
    # above the fold: the map and the two output charts; the first tab is text (the nine zones)
    assert charts(at) == ["map", "by_zone", "over_years"]
    assert [t.label for t in at.tabs] == ["高新区一览", "企业", "产业", "全国排名与背景", "数据覆盖", "数据表", "数据来源"]
    values = {m.label: m.value for m in at.metric}
    # a figure, not a span of years: the highest of each zone's latest figure, its zone and year
    assert values["高新技术企业 · 最高：南昌高新区（2020年）"] == "560 家"
    assert values["数据覆盖"] == "4 / 9"
    assert "19.3 万亿元" in values.values() and "14.3%" in values.values()
    assert query(at) == {}  # the default view has a bare URL


def test_the_first_view_shows_at_least_four_zones_each_with_its_year():
    """Issue 13.15: with no URL parameters the first chart and the headline show ≥ 4 of the 9
    zones: each zone's latest figure, its year on the mark and in the tooltip (the row's year)."""
    at = run()
    svg = svg_of(at, "by_zone")
    bars = [el.get("aria-label") for el in svg.iter() if el.get("aria-roledescription") == "bar"]
    labels = {el.text for el in svg.iter() if el.text and re.search(r"家 \(20\d\d\)$", el.text)}
    assert {b.split(", ")[0] for b in bars} == {"南昌高新区", "吉安高新区", "九江共青城高新区", "宜春丰城高新区"}
    assert labels == {"560 家 (2020)", "⚠ 31 家 (2019)", "72 家 (2022)", "⚠ 46 家 (2019)"}
    assert all(re.search(r", 20(19|2[0-2]), ", b) for b in bars)  # the year is read out with each bar
    covered = next(m for m in at.metric if m.label == "数据覆盖").value
    assert int(covered.split(" / ")[0]) >= 4
    assert at.session_state.filters.year is None and "year" not in query(at)


def test_a_year_in_the_link_still_picks_one_year():
    at = run({"metric": "national_rank", "year": "2024"})
    bars = [el.get("aria-label") for el in svg_of(at, "by_zone").iter() if el.get("aria-roledescription") == "bar"]
    assert bars and all(", 2024" in b for b in bars)
    assert query(at) == {"metric": ["national_rank"], "year": ["2024"]}  # kept, though the latest
    assert any("2024年" in c.value for c in at.caption)


def test_one_zone_in_english_keeps_both_parameters(markdown_tables):
    at = run({"zone": "yingtan", "lang": "en"})
    assert at.title[0].value == "Jiangxi National High-tech Zones"
    assert at.session_state.filters.zones == ("yingtan",)
    assert query(at) == {"zone": ["yingtan"], "lang": ["en"]}
    assert any("Yingtan" in s.value for s in at.subheader)  # the zone profile
    figures = next(t for t in markdown_tables(at) if "Note" in t.columns)
    assert "125.8 billion yuan" in set(figures["Value"])  # its industrial revenue, in the profile


def test_one_zone_with_its_metric_shows_the_value_in_the_headline():
    at = run({"zone": "yingtan", "metric": "industrial_revenue", "lang": "en"})
    first = at.metric[0]
    assert first.value == "125.8 billion yuan" and "2024" in first.label


def test_junk_parameter_is_reported_and_the_rest_applies():
    at = run({"zone": ["ganzhou", "atlantis"], "colour": "blue"})
    warnings = " ".join(w.value for w in at.warning)
    assert "atlantis" in warnings and "colour" in warnings
    assert at.session_state.filters.zones == ("ganzhou",)


def test_the_upload_box_runs_its_contents_only_when_open():
    """Closed (the default), it sends no uploader and no template buttons: they cost every first
    visit and every rerun (bench/README.md). The browser tests open it and upload."""
    at = run()
    assert [e.label for e in at.expander] == ["使用自己的数据"]
    assert not at.get("file_uploader") and [b.proto.label for b in at.get("download_button")] == ["下载本视图的数据（CSV）"]


def test_every_tab_draws_its_own_charts_only_when_open():
    expected = {
        "zones": [],
        "enterprises": ["enterprises"],
        "industries": ["industry_matrix", "industry_revenue", "industry_shares"],
        "ranking": ["national_rank", "provincial_rank", "national_context"],
        "coverage": ["coverage"],
        "table": [],
        "sources": [],
    }
    for tab, tab_charts in expected.items():
        at = run({"tab": tab})
        assert charts(at) == ["map", "by_zone", "over_years", *tab_charts], tab
        assert query(at) == ({} if tab == "zones" else {"tab": [tab]})


def test_the_first_tab_lists_the_zones_in_view_with_their_figures_on_record(markdown_tables):
    everyone = next(t for t in markdown_tables(run()) if "公开数字" in t.columns)
    assert len(everyone) == 9 and everyone.loc[everyone["高新区"] == "南昌高新区", "公开数字"].item() == "33"
    assert everyone.loc[everyone["高新区"] == "鹰潭高新区", "获批国家高新区"].item() == "无数据"  # not blank, not 0
    copper = next(t for t in markdown_tables(run({"industry": "copper", "lang": "en"})) if "Figures on record" in t.columns)
    assert copper["Zone"].tolist() == ["Yingtan HTZ"] and "Copper" in copper["Lead industries"].item()


def test_industry_link_keeps_only_zones_with_that_industry():
    at = run({"industry": "copper", "tab": "table"})
    assert at.session_state.filters.industries == ("copper",)
    facts_table = next(df.value for df in at.dataframe if {"高新区", "指标"} <= set(df.value.columns))
    assert set(facts_table["高新区"]) == {"鹰潭高新区"}


def test_a_link_with_many_bad_values_shows_one_notice_with_a_few_lines_and_a_count():
    """Issue 20.8: one notice, not a stack of boxes above the content."""
    at = run({"zone": [f"nowhere{i}" for i in range(50)], "year": "soon", "sources": "everything"})
    assert len(at.warning) == 1
    lines = at.warning[0].value.splitlines()
    assert lines[0] == "**链接中的部分内容已忽略**"
    assert len([line for line in lines if line.startswith("- ")]) == 9  # eight problems and one "… more" line
    assert "nowhere0" in lines[2] and "44" in lines[-1]


def test_a_link_with_two_problems_names_both_in_one_notice():
    at = run({"zone": ["yingtan", "mars"], "lang": ["en", "fr"], "sources": "all", "tab": "sources"})
    assert [w.value for w in at.warning] == [
        "**Parts of the link were ignored**\n\n- Ignored unknown zone in the link\\: mars\n"
        "- lang may appear only once in the link; ignored\\: fr"
    ]
    assert at.toggle(key="w_all_sources").value is True


def share_control(at: AppTest) -> dict:
    """What the page handed its share control: the link and the control's words."""
    found = [json.loads(c.proto.json) for c in at.get("bidi_component") if '"copy_link"' in c.proto.json]
    assert len(found) == 1
    return found[0]


def test_the_share_control_holds_the_link_of_the_view_in_the_pages_language():
    at = run({"zone": "yingtan", "lang": "en"})
    share = share_control(at)
    assert share["url"] == "http://localhost:8501/?zone=yingtan&lang=en"
    assert (share["copy_link"], share["copied"], share["share"]) == ("Copy link", "Link copied", "Share")
    at.multiselect(key="w_zones").set_value(["yingtan", "ganzhou"]).run()
    assert share_control(at)["url"] == "http://localhost:8501/?zone=yingtan&zone=ganzhou&lang=en"
    at.segmented_control(key="w_lang").set_value("zh").run()
    assert share_control(at)["copy_link"] == "复制链接"


def test_hostile_links_never_raise():
    run({"zone": "<script>alert(1)</script>", "metric": "x" * 10_000, "year": "２０２４", "lang": "fr"})


def test_changing_a_filter_rewrites_the_url():
    at = run()
    at.multiselect(key="w_zones").set_value(["nanchang", "ganzhou"]).run()
    assert not at.exception
    assert at.session_state.filters.zones == ("nanchang", "ganzhou")
    assert at.query_params["zone"] == ["nanchang", "ganzhou"]


def test_metric_and_year_follow_each_other():
    at = run({"metric": "national_rank", "year": "2021"})
    assert at.session_state.filters.year == 2021
    at.selectbox(key="w_metric").set_value("gdp").run()
    assert at.session_state.filters.metric == "gdp"
    assert at.session_state.filters.year is None  # gdp has no 2021 zone figure: each zone's latest
    at.selectbox(key="w_year").set_value(2022).run()
    assert at.session_state.filters.year == 2022 and query(at)["year"] == ["2022"]
    at.selectbox(key="w_year").set_value("latest").run()
    assert at.session_state.filters.year is None and "year" not in query(at)


def test_an_invalid_data_folder_shows_what_is_wrong(tmp_path, monkeypatch):
    at = run(env_dir=str(tmp_path / "nowhere"), monkeypatch=monkeypatch)
    assert at.error and "JX_DATA_DIR" in at.error[0].value
    problems = at.dataframe[0].value
    assert "does not exist" in problems["problem"].iloc[0]


def test_a_broken_facts_file_in_a_data_folder_names_file_row_and_column(tmp_path, monkeypatch):
    for name in data.BUNDLED_FILES:
        (tmp_path / name).write_bytes((data.BUNDLED_DATA_DIR / name).read_bytes())
    facts = (tmp_path / "facts.csv").read_text(encoding="utf-8").splitlines()
    facts[3] = facts[3].replace("nanchang", "nanchang_old", 1)
    (tmp_path / "facts.csv").write_text("\n".join(facts) + "\n", encoding="utf-8")
    at = run(env_dir=str(tmp_path), monkeypatch=monkeypatch)
    problems = at.dataframe[0].value
    assert problems.iloc[0]["file"] == "facts.csv"
    assert (problems.iloc[0]["row"], problems.iloc[0]["column"]) == (4, "zone_id")
    assert (data.BUNDLED_DATA_DIR / "facts.csv").read_text(encoding="utf-8").count("nanchang_old") == 0


def test_the_sources_tab_shows_the_sources_in_view_and_all_one_click_away():
    """Issue 13.11: ?zone=yingtan lists Yingtan's sources, not all of them Nanchang's first."""
    at = run({"zone": "yingtan", "tab": "sources"})
    table = next(df.value for df in at.dataframe if "用于哪些数字" in df.value.columns)
    assert len(table) == 3 and not table["用于哪些数字"].str.contains("南昌").any()
    assert any("用到 2 个来源" in c.value for c in at.caption)
    at.toggle(key="w_all_sources").set_value(True).run()
    table = next(df.value for df in at.dataframe if "用于哪些数字" in df.value.columns)
    assert len(table) > 80
    # the switch is part of the view: the link carries it, and leaving the tab keeps it
    assert query(at) == {"zone": ["yingtan"], "tab": ["sources"], "sources": ["all"]}
    assert share_control(at)["url"].endswith("?zone=yingtan&tab=sources&sources=all")
    at.multiselect(key="w_zones").set_value(["yingtan", "jian"]).run()  # another change keeps it
    assert query(at) == {"zone": ["yingtan", "jian"], "tab": ["sources"], "sources": ["all"]}
    assert at.toggle(key="w_all_sources").value is True


def test_a_one_zone_page_shows_its_caveats_in_chinese(markdown_tables):
    """Issue 13.14: area and location notes and every figure's caveat in Chinese on the Chinese page."""
    at = run({"zone": "fuzhou"})
    captions = " ".join(c.value for c in at.caption)
    assert "2013年省政府核准的开发面积" in captions and "Approved" not in captions
    figures = next(t for t in markdown_tables(at) if "说明" in t.columns)
    assert len(figures) == 6 and figures["说明"].str.contains("基期数字（2017年）").sum() == 3


def test_a_shared_zone_link_rings_that_zone_on_the_map_and_only_that_one():
    import xml.etree.ElementTree as ET

    def pressed(at):
        svg = ET.fromstring(the_map(at))
        return {el.get("data-pick") for el in svg.iter() if el.get("aria-pressed") == "true"}

    assert pressed(run({"zone": "ganzhou"})) == {"zone:ganzhou"}
    assert pressed(run()) == set(), "no filter, no ring"
    english = ET.fromstring(the_map(run({"lang": "en"})))
    assert any((el.get("aria-label") or "").startswith("Ganzhou") for el in english.iter())


def test_the_figures_in_view_download_from_every_tab():
    """Issue 20.7: the download is in the tab the reader is in (the table tab keeps its two)."""
    for tab in ("zones", "ranking", "sources"):
        at = run({"tab": tab, "lang": "en"})
        assert [b.proto.label for b in at.get("download_button")] == ["Download the figures in view (CSV)"]
    at = run({"tab": "table"})
    assert [b.proto.label for b in at.get("download_button")] == ["下载筛选后的数据（CSV）", "下载完整数据集（CSV）"]


def test_a_one_zone_view_without_the_metric_offers_one_the_zone_has():
    """Issue 20.4: Yingtan has no high-tech enterprise count (the default metric): the page says so
    and offers a metric it has; one click shows it."""
    at = run({"zone": "yingtan"})
    assert any("鹰潭高新区没有“高新技术企业”的公开数字" in i.value for i in at.info)
    offer = at.button(key="w_offer")
    offer.click().run()
    metric = at.session_state.filters.metric
    assert metric != "high_tech_enterprises" and query(at) == {"zone": ["yingtan"], "metric": [metric]}
    assert at.metric[0].value != "无数据"
    assert not [b for b in at.get("button") if b.key == "w_offer"]
