"""Pictures without Streamlit: the picture SVG carries its title, words, sources and link; the PNG
is 2× and its QR code reads back to the link; the words name the sources of exactly the figures
drawn and "data as of" the newest of their dates; a view with no figure says so."""

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageStat

from dashboard import i18n, model, panels, picture

SVG = "{http://www.w3.org/2000/svg}"
LINK = "http://localhost:8501/?lang=en&zone=nanchang&metric=gdp"
CHART = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 380 200" class="jx-chart"><rect width="380" height="200" fill="#4c78a8"/></svg>'
WORDS = picture.Words(
    title="GDP by zone <&>",
    header=("Metric: GDP (unit: 100 million yuan (亿元))", "Year: 2022"),
    footer=(
        "Sources: 南昌高新区2022年统计公报 (2023-03) · Official",
        "⚠ Nanchang HTZ 2022: revised later",
        "Data as of Mar 2023",
    ),
    link_line=f"This view online: {LINK}",
    link=LINK,
)


@pytest.fixture(scope="module")
def facts(dataset) -> panels.Facts:
    return panels.Facts(dataset, dataset.facts)


def texts(svg: str) -> str:
    return " ".join("".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text"))


def test_wrapped_lines_fit_and_a_long_link_is_broken_not_lost():
    lines = picture.wrap("来源：" + "江西省统计局" * 20 + " " + LINK * 3, 300, 12)
    assert all(picture.text_width(line, 12) <= 300 for line in lines)
    assert "".join(lines).replace(" ", "") == ("来源：" + "江西省统计局" * 20 + LINK * 3).replace(" ", "")


def test_the_picture_svg_has_header_chart_footer_link_and_escapes_text():
    svg = picture.compose(CHART, WORDS, qr=False)
    root = ET.fromstring(svg)  # escaped: "<&>" in the title does not break the XML
    shown = texts(svg)
    for line in (WORDS.title, *WORDS.header, "Data as of Mar 2023", "南昌高新区2022年统计公报"):
        assert line in shown
    assert root.find(f".//{SVG}a").get("href") == LINK
    nested = [s for s in root.iter(f"{SVG}svg") if s is not root]
    assert len(nested) == 1 and float(nested[0].get("width")) == picture.WIDTH - 2 * picture.PAD  # the chart, scaled
    with_qr = ET.fromstring(picture.compose(CHART, WORDS, qr=True))
    assert len([s for s in with_qr.iter(f"{SVG}svg") if s.get("class") == "qr"]) == 1


def test_the_png_is_twice_the_picture_not_blank_and_its_qr_code_reads_back_to_the_link():
    svg = picture.compose(CHART, WORDS, qr=True)
    root = ET.fromstring(svg)
    image = Image.open(io.BytesIO(picture.png(svg)))
    assert image.size == (2 * int(root.get("width")), 2 * int(root.get("height")))
    assert ImageStat.Stat(image.convert("L")).var[0] > 500
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [LINK]


def test_chinese_text_is_drawn_in_the_png_not_as_empty_boxes():
    """A CJK title must draw something: without a CJK font resvg leaves its characters out, and
    the picture equals one with no title at all."""

    def ink(title: str) -> bytes:
        return picture.png(picture.compose(None, picture.Words(title=title, empty="-"), qr=False))

    assert ink("高新区分布") != ink("")


def test_the_sources_line_names_exactly_the_sources_of_the_figures_drawn(facts, dataset, resolve):
    view = resolve(zones=("nanchang",), metric="gdp")
    words = panels.picture_words("by_zone", facts, view, LINK)
    table, _ = model.metric_by_zone(facts.table, dataset, view)
    assert len(table) and set(table["zone_id"]) == {"nanchang"}
    sources_line = words.footer[0]
    for source in table["source"]:
        assert source in sources_line
    others, _ = model.metric_by_zone(facts.table, dataset, resolve(metric="gdp"))
    for source in set(others["source"]) - set(table["source"]):
        assert source not in sources_line
    newest = model.data_as_of(table)
    assert words.footer[-1] == f"数据截至：{panels.i18n.fmt_date(newest, 'zh')}（所绘数字的来源中最新的日期）"
    assert words.title == "各高新区地区生产总值（GDP）" and words.link == LINK


def test_a_view_with_no_figure_for_the_metric_says_so_in_the_picture(facts, resolve, vocab):
    empty = next(
        view
        for year in vocab.years
        for view in [resolve(zones=("ganzhou",), metric="gdp", year=year)]
        if panels.panel("by_zone", facts, view).spec is None
    )
    words = panels.picture_words("by_zone", facts, empty, LINK)
    assert words.empty == panels.panel("by_zone", facts, empty).empty and words.empty
    assert words.empty in texts(picture.compose(None, words, qr=False))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_and_the_map_make_a_picture_in_the_page_language(facts, resolve, lang):
    view = resolve(lang=lang)
    for name in (*panels.SVG_PANELS, "map"):
        words = panels.map_picture_words(facts, view, LINK) if name == "map" else panels.picture_words(name, facts, view, LINK)
        chart = panels.map_svg(facts, view, False) if name == "map" else panels.panel(name, facts, view).svg
        shown = texts(picture.compose(chart, words, qr=True))
        assert words.title in shown and ("来源" if lang == "zh" else "Source") in shown
        assert ("数据截至" if lang == "zh" else "Data as of") in shown


def test_a_vega_chart_is_drawn_as_svg_without_its_title_for_the_picture(facts, resolve):
    spec = panels.panel("enterprises", facts, resolve()).spec
    svg = picture.vega_svg(spec)
    assert "南昌高新区" in texts(svg) and spec["title"]["text"] not in texts(svg)
    assert picture.size_of(svg)[0] > 300


def test_a_fresh_machine_and_the_image_get_the_cjk_font_the_png_needs():
    """make run installs it (scripts/ensure-picture-fonts.sh), the container image too."""
    root = Path(__file__).resolve().parents[1]
    assert re.search(r"^run:.*\bpicture-fonts\b", (root / "Makefile").read_text(), flags=re.M)
    assert "fonts-noto-cjk" in (root / "scripts" / "ensure-picture-fonts.sh").read_text()
    installs = [line for line in (root / "deploy" / "Dockerfile").read_text().splitlines() if "apt-get install" in line]
    assert any("fonts-noto-cjk" in line for line in installs)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_header_names_the_unit_the_chart_draws(facts, resolve, lang):
    view = resolve(metric="gdp", lang=lang)
    for name in panels.METRIC_PANELS:
        axis = panels._value_axis(panels.panel(name, facts, view).spec)
        assert axis and axis in panels.picture_words(name, facts, view, LINK).header[0]
    header = panels.map_picture_words(facts, view, LINK).header
    assert ("billion yuan" if lang == "en" else "亿元") in header[0]
    # the cities' line names the unit of the map's colour legend (the English one had said 亿元)
    legend = i18n.t("map.legend", lang, unit="")[:-2]
    city_unit = re.search(re.escape(legend) + r"[（(]([^）)]+)[）)]", panels.map_svg(facts, view, False)).group(1)
    assert f"{city_unit}）" in header[2] if lang == "zh" else f"({city_unit})" in header[2]
    assert "亿元" not in header[2] or lang == "zh"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_picture_sends_its_reader_to_a_tooltip_it_does_not_have(facts, resolve, lang):
    view = resolve(lang=lang)
    for name in panels.BUILDERS:
        words = panels.picture_words(name, facts, view, LINK)
        said = " ".join((words.title, *words.header, *words.footer))
        assert "tooltip" not in said and "提示信息" not in said, name
