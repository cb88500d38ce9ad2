"""Issue 13, the page side: what the page shows of the round-2 data. One test (or a few) per item;
each failed on main before this branch (the data side is in tests/test_data_round2.py)."""

import io
import json
import re

import pandas as pd
import pytest

from dashboard import data, export, model, panels, state

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def facts(dataset) -> panels.Facts:
    return panels.Facts(dataset, dataset.facts)


def rows(panel: panels.Panel) -> list[dict]:
    return panel.spec["datasets"]["rows"] if panel.spec else []


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


# 1. "of N" never beside a rank larger than N ---------------------------------------------------------


def test_of_n_is_never_shown_beside_a_rank_larger_than_n(facts, dataset, resolve):
    for name in ("national_rank", "provincial_rank"):
        for r in rows(panels.panel(name, facts, resolve())):
            n = re.search(r"\d+", r["of_total"])
            assert n is None or r["value"] <= int(n.group()), r
    # a pool that contradicts a rank (as Gongqingcheng's 159 beside 157 once did) reads "not known"
    table = dataset.facts.copy()
    pool = (table.zone_id == "national") & (table.metric == "zones_ranked") & (table.year == 2019)
    assert not pool.any()
    extra = table[(table.zone_id == "national") & (table.metric == "zones_ranked")].head(1).assign(year=2019, value=157.0)
    ranks = model.national_ranks(pd.concat([table, extra]), dataset, resolve(zones=("gongqingcheng",)))
    row = ranks[ranks.year == 2019].iloc[0]
    assert row.value == 159 and "157" not in row.of_total and row.of_total == "参评总数不详"


# 2. Shares: one denominator per label, grouped ---------------------------------------------------------


def test_shares_are_labelled_and_grouped_by_their_denominator(facts, dataset, resolve):
    panel = panels.panel("industry_shares", facts, resolve())
    drawn = rows(panel)
    labels = [r["share_of_label"] for r in drawn]
    registry = dataset.metrics.set_index("metric")
    expected = {
        f"占{registry.loc[m, 'share_of_zh']}"
        for m in {"industry_share", "industry_share_of_city", "segment_share", "capacity_share", "high_tech_industry_va_share"}
    }
    assert set(labels) == expected  # five denominators, five labels
    groups = [label for i, label in enumerate(labels) if i == 0 or labels[i - 1] != label]
    assert len(groups) == len(set(groups))  # each denominator's bars together
    colour = next(layer["encoding"]["color"] for layer in layers(panel.spec) if "color" in layer.get("encoding", {}))
    assert colour["field"] == "share_of_label"
    by_label = {(r["item"], r["year"]): r["share_of_label"] for r in drawn}
    assert by_label[("南昌高新区 · 电子信息", 2022)] == "占所在城市该产业总量"  # 75 % of the city's industry
    assert by_label[("鹰潭高新区 · 再生铜", 2024)].startswith("占本区上级产业营业收入")  # 28 % of copper revenue
    en = rows(panels.panel("industry_shares", facts, resolve(lang="en")))
    assert {r["share_of_label"] for r in en} >= {
        "share of the host city's total for the same industry",
        "share of national production capacity",
    }


# 3. Derived figures in the table, the downloads and the sources view -------------------------------------


def test_the_derived_share_is_in_the_table_downloads_and_sources(facts, resolve):
    view = resolve(zones=("yingtan",))
    table = panels.facts_table(facts, view)
    derived = table[table["来源类型"] == "推算"]
    assert len(derived) == 1 and derived.iloc[0]["数值"] == "91.4%"
    assert "1150" in derived.iloc[0]["说明"] and "1258" in derived.iloc[0]["说明"]  # the formula
    for download in (panels.csv_download(facts, view, "zh"), panels.csv_download(facts, None, "en")):
        csv = pd.read_csv(io.BytesIO(download), encoding="utf-8-sig", keep_default_na=False)
        row = csv[csv.trust == "derived"].iloc[0]
        assert (row.zone_id, row.metric, row.value) == ("yingtan", "industry_share", 91.4)
        assert "1150" in row.note and "÷" in row.note_zh
    sources = panels.sources_table(facts, view)
    computed = sources[sources["来源类型"] == "推算"]
    assert (
        len(computed) == 1
        and "91.4%" in computed.iloc[0]["说明"]
        and "产业占本区工业营业收入比重" in computed.iloc[0]["用于哪些数字"]
    )


# 4. Flagged caveats in view, not only in a tooltip -------------------------------------------------------


def test_nanchang_gdp_levels_show_their_caveat_under_the_chart(facts, resolve):
    for lang, words in (("zh", "不是同一序列"), ("en", "not one series")):
        panel = panels.panel("over_years", facts, resolve(zones=("nanchang",), metric="gdp", lang=lang))
        assert {r["year"] for r in rows(panel)} == {2019, 2022, 2023, 2024}
        assert all(r["label_text"].startswith("⚠") for r in rows(panel))  # on each point
        assert len(panel.notes) == 4 and all(words in note for note in panel.notes)
    first = panels.panel("by_zone", facts, resolve())
    assert any(note.startswith("⚠ 吉安高新区 2019") for note in first.notes)


# 5. Years without a figure keep their place on every axis of years ------------------------------------------


@pytest.mark.parametrize(
    "name, filters, gap",
    [
        ("over_years", {"metric": "national_rank"}, True),
        ("national_rank", {}, True),
        ("provincial_rank", {}, False),
        ("national_context", {}, True),
    ],
)
def test_year_axes_are_continuous_so_missing_years_are_gaps(facts, resolve, name, filters, gap):
    spec = panels.panel(name, facts, resolve(**filters)).spec
    xs = [layer["encoding"]["x"] for layer in layers(spec) if "x" in layer.get("encoding", {})]
    assert xs and all(x["type"] == "quantitative" for x in xs)
    axis = next(x["axis"] for x in xs if "axis" in x)
    assert axis["format"] == "d" and axis["tickMinStep"] == 1  # whole years only
    years = {r["year"] for r in rows(panels.panel(name, facts, resolve(**filters)))}
    assert (len(years) < max(years) - min(years) + 1) == gap  # a gap to keep (no rank for 2023; no GDP for 2020)


# 6. Downloads: the grade beside the URL, no mirror URL ---------------------------------------------------


def test_downloads_carry_the_grade_beside_the_url_and_no_mirror_url(facts, dataset):
    csv = pd.read_csv(io.BytesIO(panels.csv_download(facts, None, "zh")), encoding="utf-8-sig", keep_default_na=False)
    columns = list(csv.columns)
    assert columns.index("trust") == columns.index("source_url") + 1
    mirrors = csv[csv.trust == "mirror"]
    assert len(mirrors) > 20 and mirrors.source_url.eq("").all()
    mirror_urls = set(dataset.sources.loc[dataset.sources.trust == "mirror", "url"])
    assert not set(csv.source_url) & mirror_urls
    assert csv[csv.trust == "official"].source_url.ne("").any()  # checkable links stay
    assert {"note_zh", "source_id", "baseline", "caution"} <= set(columns)
    assert export.to_csv_bytes(export.template_rows(dataset)).decode("utf-8-sig").splitlines()[0] == ",".join(data.FACT_COLUMNS)


# 7 and 11. The sources view: what it says is there, for the figures in view ---------------------------------


def test_the_sources_caption_promises_only_what_the_table_shows(facts, resolve):
    from dashboard import i18n

    for lang in ("zh", "en"):
        table = panels.sources_table(facts, resolve(lang=lang))
        caption = i18n.t("sources.caption", lang)
        for key in ("title", "publisher", "date", "grade", "figures", "note"):
            assert i18n.t(f"sources.col_{key}", lang) in table.columns
        note = table[i18n.t("sources.col_note", lang)]
        assert note.ne("").sum() > 10  # the caveats the caption promises are there
        link = table[i18n.t("sources.col_link", lang)]
        grade = table[i18n.t("sources.col_grade", lang)]
        assert link[grade == i18n.t("trust.mirror", lang)].isna().all()  # and it says mirrors are not linked
        assert ("镜像" if lang == "zh" else "mirror") in caption


def test_the_sources_view_lists_the_sources_of_the_figures_in_view(facts, dataset, resolve):
    yingtan = panels.sources_table(facts, resolve(zones=("yingtan",)))
    used = set(dataset.facts.loc[dataset.facts.zone_id == "yingtan", "source_id"])
    titles = set(dataset.sources.loc[dataset.sources.source_id.isin(used), "title"])
    assert set(yingtan["标题"]) - {"本看板推算（由两个有来源的数字计算）"} == titles
    assert len(yingtan) < 10 and not yingtan["用于哪些数字"].str.contains("南昌").any()
    everything = panels.sources_table(facts, resolve(zones=("yingtan",)), everything=True)
    assert len(everything) == len(dataset.sources) + 1  # all of them, one click away (+ the derived share)


# 10. The enterprises chart never uses a figure from after the chosen year -----------------------------------


def test_enterprises_never_fall_back_to_later_figures(facts, resolve):
    panel = panels.panel("enterprises", facts, resolve(zones=("gongqingcheng",), metric="national_rank", year=2019))
    assert panel.spec is None and "2019" in panel.empty and panel.missing == ["九江共青城高新区"]  # its counts are 2022
    panel = panels.panel("enterprises", facts, resolve(metric="national_rank", year=2020))
    assert rows(panel) and max(r["year"] for r in rows(panel)) <= 2020
    assert "2020" in panel.subtitle  # the chart says up to which year


# 12. Counts and ranks read as whole numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    "name, filters",
    [
        ("by_zone", {}),
        ("enterprises", {}),
        ("over_years", {}),
        ("national_rank", {}),
        ("provincial_rank", {}),
        ("by_zone", {"metric": "national_rank"}),
    ],
)
def test_count_and_rank_axes_have_whole_number_ticks(facts, resolve, name, filters):
    spec = panels.panel(name, facts, resolve(**filters)).spec
    axes = [
        layer["encoding"][channel]["axis"]
        for layer in layers(spec)
        for channel in ("x", "y")
        if channel in layer.get("encoding", {})
        and layer["encoding"][channel].get("field") == "value"
        and "axis" in layer["encoding"][channel]
    ]
    assert axes and all(a["tickMinStep"] == 1 and a["format"] == ",d" for a in axes)


def test_amount_axes_keep_their_decimals(facts, resolve):
    spec = panels.panel("by_zone", facts, resolve(metric="industrial_revenue"))
    axis = next(layer["encoding"]["x"]["axis"] for layer in layers(spec.spec) if "x" in layer.get("encoding", {}))
    assert "format" not in axis


# 13. Baselines, the provincial rank, revenue scopes ----------------------------------------------------------


def test_baseline_rows_are_not_in_the_default_view(facts, dataset, resolve, vocab):
    baseline_metrics = set(dataset.facts.loc[dataset.facts.baseline, "metric"])
    for metric in baseline_metrics & set(vocab.metrics):
        for name in ("by_zone", "over_years"):
            assert all(r["year"] >= 2018 for r in rows(panels.panel(name, facts, resolve(metric=metric)))), (metric, name)
        for year in set(dataset.facts.loc[dataset.facts.baseline & (dataset.facts.metric == metric), "year"]):
            chosen = rows(panels.panel("by_zone", facts, resolve(metric=metric, year=year)))
            assert chosen and {r["year"] for r in chosen} == {year}  # shown when its year is chosen, said to be a baseline
            assert all("基期" in r["caveat"] for r in chosen)
    assert panels.panel("by_zone", facts, resolve(metric="main_business_revenue")).spec is None


def test_provincial_rank_has_its_own_chart_with_its_own_pool(facts, resolve):
    national = rows(panels.panel("national_rank", facts, resolve()))
    assert national and all(r["of_total"] != "" for r in national)
    assert not any("全省" in r["of_total"] for r in national)
    provincial = {(r["item"], r["year"]): r["of_total"] for r in rows(panels.panel("provincial_rank", facts, resolve()))}
    assert provincial == {
        ("南昌高新区", 2019): "全省共 99 个开发区参评",
        ("南昌高新区", 2020): "全省共 98 个开发区参评",
        ("吉安高新区", 2019): "全省共 99 个开发区参评",
    }
    nanchang_national = {r["year"]: r["value"] for r in national if r["item"] == "南昌高新区"}
    assert nanchang_national[2019] == 30 and nanchang_national[2020] == 26  # not the provincial No. 1


def test_revenue_scopes_are_separate_series(facts, dataset, resolve):
    scopes = ("revenue", "revenue_provincial", "main_business_revenue")
    for metric in scopes:
        for view in (resolve(metric=metric), resolve(metric=metric, year=2017), resolve(metric=metric, year=2020)):
            assert set(model.metric_over_years(dataset.facts, dataset, view)["metric"]) <= {metric}
            assert set(model.metric_by_zone(dataset.facts, dataset, view)[0]["metric"]) <= {metric}
    labels = model.metric_labels(dataset.metrics, "zh")
    assert len({labels[m] for m in scopes}) == 3  # and each scope says which it is


# 14. Caveats in Chinese on the Chinese page ----------------------------------------------------------------


def test_every_bundled_caveat_is_chinese_on_the_chinese_page(facts, dataset, resolve):
    table = panels.facts_table(facts, resolve())
    notes = table["说明"][table["说明"].ne("")]
    assert len(notes) > 80 and notes.map(lambda n: bool(HAN.search(n))).all()
    with_zh = dataset.facts[dataset.facts.note_zh.ne("")]
    sample = with_zh.iloc[0]
    assert sample.note_zh in set(table["说明"].str.removeprefix("⚠ "))
    for name in ("by_zone", "over_years", "enterprises", "industry_revenue", "industry_shares", "national_rank"):
        for r in rows(panels.panel(name, facts, resolve(metric="national_rank"))):
            assert not r["caveat"] or HAN.search(r["caveat"]), (name, r["caveat"])
    en = panels.facts_table(facts, resolve(lang="en"))
    assert sample.note in set(en["Note"].str.removeprefix("⚠ "))


def test_the_profile_and_area_notes_are_chinese_on_the_chinese_page(facts, dataset, resolve):
    for zone in data.ZONE_IDS:
        for lang in ("zh", "en"):
            note = panels.area_note(dataset, zone, lang)
            location = panels.location_note(dataset, zone, lang)
            if lang == "zh":
                assert HAN.search(note) and HAN.search(location)
                assert note == dataset.zones.set_index("zone_id").loc[zone, "area_note_zh"]
            else:
                assert note == dataset.zones.set_index("zone_id").loc[zone, "area_note"]
        figures = panels.zone_figures(facts, resolve(zones=(zone,)))
        assert figures["说明"].map(lambda n: not n or bool(HAN.search(n))).all()


def test_an_uploaded_note_is_shown_as_written(dataset, resolve):
    upload = pd.DataFrame(
        [
            {
                "zone_id": "xinyu",
                "year": 2024,
                "metric": "high_tech_enterprises",
                "industry": "",
                "value": 200.0,
                "unit": "家",
                "qualifier": "exact",
                "source_title": "my table",
                "source_url": "",
                "source_date": "2025",
                "note": "our own count, unaudited",
            }
        ]
    )
    facts = panels.Facts(dataset, model.overlay(dataset.facts, upload), upload="note-test")
    drawn = {r["item"]: r for r in rows(panels.panel("by_zone", facts, resolve()))}
    assert drawn["新余高新区"]["caveat"] == "our own count, unaudited"
    assert "用户上传" in drawn["新余高新区"]["source"]


# 15. No empty first view; a one-zone view lists every figure --------------------------------------------------


def test_the_default_view_covers_at_least_four_zones(facts, resolve):
    view = resolve()
    assert view.year is None  # "latest available" by default
    panel = panels.panel("by_zone", facts, view)
    zones = {r["item"] for r in rows(panel)}
    assert len(zones) >= 4
    assert all(f"({r['year']})" in r["label_text"] for r in rows(panel))  # the year on the mark
    assert all(str(r["year"]) in r["aria"] for r in rows(panel))  # and read out / in the tooltip
    label, value, help_text = panels.headline(facts, view)[0]
    assert (label, value) == ("高新技术企业 · 最高：南昌高新区（2020年）", "560 家")  # issue 20.4: a figure, not "2019–2022"
    assert "2019–2022" in help_text  # the years of the zones' latest figures, in the help
    assert panels.headline(facts, view)[1][1] == f"{len(zones)} / 9"


def test_a_one_zone_profile_lists_the_latest_of_each_of_its_figures(facts, dataset, resolve):
    every = model.with_derived(dataset.facts)
    for zone in data.ZONE_IDS:
        figures = panels.zone_figures(facts, resolve(zones=(zone,)))
        own = every[(every.zone_id == zone) & every.preferred]
        assert len(figures) == own.groupby(["metric", "industry"]).ngroups > 0, zone
        assert figures["来源"].ne("").all()
    yingtan = panels.zone_figures(facts, resolve(zones=("yingtan",)))
    revenue = yingtan[yingtan["指标"] == "工业营业收入"].iloc[0]
    assert (revenue["年份"], revenue["数值"]) == (2024, "1,258 亿元")
    ranks = yingtan[yingtan["指标"] == "国家高新区综合排名"]
    assert ranks["年份"].tolist() == [2024]  # the latest only, not 2021 as well
    assert panels.zone_figures(facts, resolve()).empty  # only for one zone


def test_without_a_year_in_the_link_the_view_is_latest_available(vocab):
    filters, notices = state.parse_query({}, vocab)
    assert filters.year is None and not notices
    assert state.resolve(filters, vocab).year is None


def test_the_first_industry_is_the_dark_cell_in_both_languages(facts, resolve):
    """The matrix says "the darker cell is its first industry": true in Chinese too, where 主导产业
    sorts before 首位产业 and used to take the dark colour."""
    for lang in ("zh", "en"):
        spec = panels.panel("industry_matrix", facts, resolve(lang=lang)).spec
        colour = spec["encoding"]["color"] if "encoding" in spec else spec["layer"][0]["encoding"]["color"]
        assert colour["sort"] == {"field": "role_order", "op": "min"} and colour["scale"]["range"][0] == "#1f5fa8"
        first = [r for r in rows(panels.panel("industry_matrix", facts, resolve(lang=lang))) if r["role_order"] == 0]
        assert first and {r["role"] for r in first} == {"首位产业" if lang == "zh" else "first industry"}


def test_the_headline_words_a_rank_as_best_and_a_rank_change_as_a_change(facts, resolve):
    """Issue 20.4: the best rank is the smallest; a gain of eight places reads "提升 8 位", not "第 8 位"."""
    label, value, _ = panels.headline(facts, resolve(metric="national_rank", lang="en"))[0]
    assert label.startswith("National evaluation rank · best: ") and value.startswith("No. ")
    label, value, _ = panels.headline(facts, resolve(metric="national_rank_change"))[0]
    assert (label, value.removeprefix("⚠ ")) == ("综合排名提升位次 · 最高：鹰潭高新区（2024年）", "提升 8 位")
    label, value, _ = panels.headline(facts, resolve(zones=("yingtan",), metric="national_rank_change", lang="en"))[0]
    assert value.removeprefix("⚠ ") == "up 8 places" and "No." not in value


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "name, filters",
    [
        ("by_zone", {"metric": "gdp"}),
        ("over_years", {"metric": "gdp", "zones": ("nanchang",)}),
        ("industry_revenue", {}),
        ("national_context", {}),
        ("by_zone", {"metric": "gdp", "zones": ("yingtan",), "year": 2019}),
    ],
)
def test_a_money_chart_speaks_one_unit_in_axis_labels_and_tooltips(facts, resolve, name, filters, lang):
    """Issue 20.4: never "100 million yuan (亿元)" on the axis beside "billion yuan" on the bars, nor
    an axis in 亿元 under labels in 万亿元: the unit of the chart's largest figure, everywhere."""
    panel = panels.panel(name, facts, resolve(lang=lang, **filters))
    if panel.spec is None:
        return
    units = {"zh": ("万亿元", "亿元"), "en": ("trillion yuan", "billion yuan", "million yuan")}[lang]
    texts = [r["value_text"] for r in rows(panel)]
    (unit,) = {next(u for u in units if t.endswith(u)) for t in texts}  # one unit for every figure
    encodings = [layer.get("encoding", {}).get(axis, {}) for layer in layers(panel.spec) for axis in ("x", "y")]
    titles = {enc.get("title") or (enc.get("axis") or {}).get("title") for enc in encodings if enc.get("field") == "value"}
    assert titles == {unit}
    assert "100 million" not in json.dumps(panel.spec)
    for row in rows(panel):  # the drawn value is the figure in that unit
        number = float(re.search(r"[0-9][0-9,.]*", row["value_text"]).group().replace(",", ""))
        assert row["value"] == pytest.approx(number)


@pytest.mark.parametrize(
    "lang, legend, tip",
    [("en", "Prefecture GDP (billion yuan)", "732.446 billion yuan"), ("zh", "地级市生产总值（亿元）", "7,324.46 亿元")],
)
def test_the_maps_colour_legend_and_tooltips_speak_one_unit(facts, resolve, lang, legend, tip):
    """Issue 20.4: the English legend said "(亿元)" beside tooltips in billions; now one unit, and the
    legend's ends keep their digits."""
    svg = panels.map_svg(facts, resolve(metric="gdp", lang=lang), False)
    legends = [re.sub(r"<[^>]+>", " ", g) for g in re.findall(r'<g class="legend"[^>]*>(.*?)</g>', svg, re.S)]
    assert legend in legends[0] and ("732.446" if lang == "en" else "7,324.46") in legends[0]
    assert tip in svg and ("亿元" not in svg if lang == "en" else "billion" not in svg)
    assert ("(billion yuan)" if lang == "en" else "（亿元）") in legends[1]  # the dots' legend: GDP too
