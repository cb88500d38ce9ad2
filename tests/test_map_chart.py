"""The map spec: layers, scoped selections, honest nulls, size and speed (what a click does to
the filters: tests/test_state.py)."""

import dataclasses
import logging
import re
import statistics
import timeit
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from dashboard import geo, map_chart
from dashboard.map_chart import MapTexts

logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)

CJK = re.compile(r"[\u3400-\u9fff]")
TEXTS_EN = MapTexts(
    title="National high-tech zones in Jiangxi",
    description="Map of Jiangxi's 11 cities shaded by GDP.",
    legend_title="GDP (100 million yuan)",
    no_data="no data",
    city="City",
    city_value="GDP",
    year="Year",
    vintage="Vintage",
    zone="Zone",
    approved="Approved",
    industries="Lead industries",
    zone_value="Revenue",
    source="Source",
    approx_note="Location",
    city_name_field="name_en",
    size_title="Dot area: revenue (100 million yuan)",
)
TEXTS_ZH = dataclasses.replace(
    TEXTS_EN,
    title="江西国家高新区",
    legend_title="地区生产总值（亿元）",
    no_data="无数据",
    city="城市",
    city_name_field="name_zh",
)
ZONE_CITY = {
    "nanchang": 360100,
    "xinyu": 360500,
    "jingdezhen": 360200,
    "yingtan": 360600,
    "fuzhou": 361000,
    "jian": 360800,
    "ganzhou": 360700,
    "gongqingcheng": 360400,
    "fengcheng": 360900,
}


def city_values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "adcode": [360100, 360700],
            "value": [7800.37, 4900.0],
            "value_text": ["7,800.37 亿元", "4,900.00 亿元"],
            "year": [2023, 2023],
            "vintage": ["first release", "first release"],
        }
    )


def zone_points(selected=("nanchang",)) -> pd.DataFrame:
    ids = list(ZONE_CITY)
    x, y = geo.web_mercator(
        [115.98, 114.99, 117.15, 117.05, 116.31, 114.91, 115.00, 115.80, 115.80],
        [28.69, 27.81, 29.27, 28.24, 27.97, 27.04, 25.86, 29.24, 28.19],
    )
    return pd.DataFrame(
        {
            "zone_id": ids,
            "x": x,
            "y": y,
            "label": [f"{z} HTZ" for z in ids],
            "city": "somewhere",
            "approved": "1992",
            "industries": "electronics",
            "value": [1200.0, None, float("nan"), 300.0, 0.0, None, 600.0, None, None],
            "value_text": ["over 1,200", "no data", "no data", "300", "0", "no data", "about 600", "no data", "no data"],
            "source": "a source",
            "selected": [z in selected for z in ids],
            "approx_note": "approximate",
        }
    )


NS = {"svg": "http://www.w3.org/2000/svg"}


def draw(texts: MapTexts = TEXTS_ZH, points: pd.DataFrame | None = None, cities: pd.DataFrame | None = None) -> str:
    return map_chart.map_svg(
        geo.prefecture_features(city_values() if cities is None else cities), zone_points() if points is None else points, texts
    )


@pytest.fixture(scope="module")
def svg() -> ET.Element:
    return ET.fromstring(draw())


def marks(root: ET.Element, kind: str) -> dict[str, ET.Element]:
    """The map's clickable marks of one kind by their pick id ("zone:<id>" / "city:<adcode>"), not
    the invisible hit circles under the zones."""
    found = (el for el in root.iterfind(".//svg:path[@data-pick]", NS) if el.get("class") != "hit")
    return {el.get("data-pick").split(":", 1)[1]: el for el in found if el.get("data-pick").startswith(kind + ":")}


def tooltip(el: ET.Element) -> str:
    return el.find("svg:title", NS).text


def test_eleven_cities_and_nine_zones_each_labelled_and_clickable(svg):
    cities, zones = marks(svg, "city"), marks(svg, "zone")
    assert sorted(int(c) for c in cities) == list(geo.PREFECTURE_ADCODES)
    assert set(zones) == set(ZONE_CITY)
    assert cities["360100"].get("aria-label") == "南昌市: 7,800.37 亿元"
    assert zones["nanchang"].get("aria-label") == "nanchang HTZ: over 1,200"
    assert all(z.get("role") == "button" and z.get("tabindex") == "0" for z in zones.values()), "keyboard can pick a zone"
    assert all(c.get("d").startswith("M") and c.get("d").endswith("Z") for c in cities.values())
    assert svg.get("aria-label") == TEXTS_ZH.description


def test_a_city_or_zone_without_a_figure_says_so_and_is_never_drawn_as_zero(svg):
    cities, zones = marks(svg, "city"), marks(svg, "zone")
    assert cities["360200"].get("aria-label") == "景德镇市: 无数据"
    assert cities["360200"].get("fill") == map_chart.NO_VALUE_COLOR
    assert cities["360100"].get("fill") != map_chart.NO_VALUE_COLOR
    assert zones["xinyu"].get("fill") == map_chart.ZONE_NO_VALUE_FILL == zones["jingdezhen"].get("fill")  # None and NaN
    assert zones["fuzhou"].get("fill") == map_chart.ZONE_FILL, "a 0 is a figure"
    assert "2023" not in tooltip(cities["360200"]), "no year or vintage for a missing figure"


def test_a_bigger_value_draws_a_bigger_dot_and_the_largest_city_the_darkest_shade(svg):
    zones, cities = marks(svg, "zone"), marks(svg, "city")

    def radius(el):  # "M<x-r>,<y>a<r>,<r> ..."
        return float(el.get("d").split("a", 1)[1].split(",", 1)[0])

    assert radius(zones["nanchang"]) > radius(zones["ganzhou"]) > radius(zones["yingtan"])
    assert cities["360100"].get("fill") == map_chart.BLUES[-1] and cities["360700"].get("fill") == map_chart.BLUES[0]


def test_selected_zones_wear_a_dark_ring_and_say_they_are_pressed(svg):
    zones = marks(svg, "zone")
    assert zones["nanchang"].get("stroke") == map_chart.ZONE_SELECTED_STROKE and zones["nanchang"].get("aria-pressed") == "true"
    assert zones["xinyu"].get("stroke") == map_chart.ZONE_STROKE and zones["xinyu"].get("aria-pressed") == "false"
    order = list(marks(svg, "zone"))
    assert order[-1] == "nanchang", "the selected zone is drawn last, its ring on top"


def test_tooltips_carry_the_caller_words(svg):
    city_lines = tooltip(marks(svg, "city")["360100"]).splitlines()
    assert city_lines[0].startswith("城市: 南昌") and city_lines[1] == "GDP: 7,800.37 亿元" and city_lines[2] == "Year: 2023"
    zone_lines = tooltip(marks(svg, "zone")["ganzhou"]).splitlines()
    assert zone_lines == [
        "Zone: ganzhou HTZ",
        "城市: somewhere",
        "Approved: 1992",
        "Lead industries: electronics",
        "Revenue: about 600",
        "Source: a source",
        "Location: approximate",
    ]


def test_no_ui_language_is_hard_coded():
    root = ET.fromstring(draw(TEXTS_EN))
    words = " ".join(root.itertext()) + " " + " ".join(el.get("aria-label") or "" for el in root.iter())
    assert not CJK.search(words.replace("亿元", "")), "an English map must not carry Chinese UI text"
    assert tooltip(marks(root, "city")["360100"]).startswith("City: Nanchang")


def test_every_word_and_value_is_escaped():
    points = zone_points()
    points.loc[0, "label"] = '<script>alert(1)</script>" onmouseover="x'
    points.loc[1, "source"] = "a & b </title><image href=x>"
    hostile = dataclasses.replace(TEXTS_EN, title="</text><script>x</script>", description='" onload="x')
    root = ET.fromstring(draw(hostile, points))  # still well-formed XML
    assert not list(root.iter("{http://www.w3.org/2000/svg}script")) and not list(root.iter("{http://www.w3.org/2000/svg}image"))
    assert marks(root, "zone")["nanchang"].get("aria-label").startswith("<script>")  # text, not markup
    assert root.get("aria-label") == '" onload="x' and root.get("onload") is None


def test_map_small_enough_to_send_every_rerun():
    assert len(draw().encode()) <= 40 * 1024


def test_warm_redraw_is_fast():
    features, points = geo.prefecture_features(city_values()), zone_points()
    map_chart.map_svg(features, points, TEXTS_ZH)
    times = timeit.repeat(lambda: map_chart.map_svg(features, points, TEXTS_ZH), number=1, repeat=20)
    assert statistics.median(times) < 0.030


def test_missing_zone_columns_are_named():
    with pytest.raises(ValueError, match="lack columns: x$"):
        map_chart.map_svg(geo.prefecture_features(), pd.DataFrame({"zone_id": ["z"], "y": [1], "label": ["z"]}), TEXTS_EN)


def test_optional_zone_columns_may_be_left_out():
    root = ET.fromstring(draw(TEXTS_EN, zone_points()[["zone_id", "x", "y", "label"]]))
    zones = marks(root, "zone")
    assert len(zones) == 9 and all(
        z.get("fill") == map_chart.ZONE_NO_VALUE_FILL and z.get("aria-pressed") == "false" for z in zones.values()
    )


def test_no_city_figure_at_all_leaves_every_city_grey_and_the_legend_says_no_data():
    root = ET.fromstring(draw(TEXTS_EN, cities=city_values().iloc[0:0]))
    assert {c.get("fill") for c in marks(root, "city").values()} == {map_chart.NO_VALUE_COLOR}
    assert "no data" in " ".join(root.find(".//svg:g[@class='legend']", NS).itertext())


def test_labels_clear_their_dots_and_point_away_from_the_centre(svg):
    labels = {el.text: el for el in svg.iterfind(".//svg:g[@class='labels']/svg:text", NS)}
    zones = marks(svg, "zone")

    def centre_x(zone):
        el = zones[zone]
        x_minus_r, rest = el.get("d")[1:].split(",", 1)
        return float(x_minus_r) + float(rest.split("a", 1)[1].split(",", 1)[0])

    assert labels["fengcheng HTZ"].get("text-anchor") == "end" and float(labels["fengcheng HTZ"].get("x")) < centre_x("fengcheng")
    assert labels["jingdezhen HTZ"].get("text-anchor") == "start" and float(labels["jingdezhen HTZ"].get("x")) > centre_x(
        "jingdezhen"
    )
    gap = {z: abs(float(labels[f"{z} HTZ"].get("x")) - centre_x(z)) for z in ("nanchang", "xinyu")}
    assert gap["nanchang"] > gap["xinyu"], "bigger dot, wider gap"


def test_the_province_fills_its_box_the_right_way_up(svg):
    _, _, width, height = (float(v) for v in svg.get("viewBox").split())
    zones = marks(svg, "zone")

    def centre_y(zone):
        return float(zones[zone].get("d")[1:].split(",", 1)[1].split("a", 1)[0])

    assert centre_y("gongqingcheng") < centre_y("ganzhou"), "north is up"
    assert width == map_chart.MAP_WIDTH and height > map_chart.MAP_HEIGHT


def test_a_tiny_map_whole(literal_svg):
    """One square city and one selected zone: the map's whole SVG (tests/literal/tiny_map.svg)."""
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1000], [1000, 1000], [1000, 0], [0, 0]]]}
    city = {"geometry": square, "adcode": 1, "name_en": "A City", "value": 5.0, "value_text": "5 亿元", "year": 2023}
    zone = {"zone_id": ["a"], "x": [500.0], "y": [500.0], "label": ["A <HTZ>"], "value": [2.0], "value_text": ["2"]}
    svg = map_chart.map_svg([{**city, "vintage": "first release"}], pd.DataFrame({**zone, "selected": [True]}), TEXTS_EN)
    literal_svg("tiny_map", svg)


def test_every_zone_has_a_hit_circle_of_at_least_the_touch_radius_under_the_dots(svg):
    hits = [el for el in svg.iter(f"{{{NS['svg']}}}path") if el.get("class") == "hit"]
    assert {el.get("data-pick") for el in hits} == {f"zone:{z}" for z in marks(svg, "zone")}
    for el in hits:
        radius = float(re.search(r"a([\d.]+),", el.get("d")).group(1))
        assert radius >= map_chart.ZONE_HIT_RADIUS
    order = [el.get("class") for el in svg.iter(f"{{{NS['svg']}}}path") if el.get("class") in ("hit", "zone")]
    assert order.index("zone") > max(i for i, c in enumerate(order) if c == "hit")  # the dots on top


def test_the_map_says_what_dot_size_means_with_the_largest_value():
    texts = [el.text for el in ET.fromstring(draw()).iter(f"{{{NS['svg']}}}text")]
    assert TEXTS_ZH.size_title in texts
    assert any(t and t.replace(",", "").isdigit() for t in texts[texts.index(TEXTS_ZH.size_title) :])
