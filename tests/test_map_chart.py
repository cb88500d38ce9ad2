"""The map spec: layers, scoped selections, honest nulls, size and speed (what a click does to
the filters: tests/test_state.py)."""

import dataclasses
import json
import logging
import re
import statistics
import timeit

import altair as alt
import pandas as pd
import pytest

from dashboard import geo, map_chart
from dashboard.map_chart import CITY_SELECTION, ZONE_SELECTION, MapTexts

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
    zone_size_title="Revenue (100 million yuan)",
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
    return pd.DataFrame(
        {
            "zone_id": ids,
            "lon": [115.98, 114.99, 117.15, 117.05, 116.31, 114.91, 115.00, 115.80, 115.80],
            "lat": [28.69, 27.81, 29.27, 28.24, 27.97, 27.04, 25.86, 29.24, 28.19],
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


@pytest.fixture(scope="module")
def spec() -> dict:
    return map_chart.map_spec(geo.prefecture_features(city_values()), zone_points(), TEXTS_ZH)


def layer(spec: dict, name: str) -> dict:
    return next(child for child in spec["layer"] if child.get("name") == name)


# --- the spec -----------------------------------------------------------------------------------


def test_two_named_layers_fed_by_named_datasets(spec):
    cities, zones = layer(spec, map_chart.CITY_LAYER), layer(spec, map_chart.ZONE_LAYER)
    assert cities["mark"]["type"] == "geoshape" and cities["data"]["url"] == map_chart.GEOMETRY_URL
    lookup = next(t for t in cities["transform"] if "lookup" in t)
    assert lookup["from"]["data"] == {"name": "cities"} and lookup["from"]["key"] == "adcode"
    assert zones["mark"]["type"] == "circle" and zones["data"] == {"name": "zones"}
    assert {"longitude", "latitude"} <= set(zones["encoding"])
    rows = spec["datasets"]["cities"]
    assert len(rows) == 11 and all("geometry" not in row for row in rows)  # outlines travel once, as a file
    assert set(map_chart.CITY_ROW_FIELDS) <= set(rows[0])
    assert [row["zone_id"] for row in spec["datasets"]["zones"]] == list(ZONE_CITY)


def test_the_static_outlines_are_the_geo_file():
    """The browser fetches static/…geojson; it must be the committed geo/ file, byte for byte."""
    from dashboard import geo

    assert geo.STATIC_PREFECTURES_PATH.read_bytes() == geo.PREFECTURES_PATH.read_bytes()
    assert map_chart.GEOMETRY_URL.endswith(geo.STATIC_PREFECTURES_PATH.name)


def test_two_point_selections_each_scoped_to_its_own_layer(spec):
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {CITY_SELECTION, ZONE_SELECTION}
    assert params[ZONE_SELECTION]["select"]["fields"] == ["zone_id"]
    assert params[CITY_SELECTION]["select"]["fields"] == ["adcode"]
    for name, view in ((ZONE_SELECTION, "zones"), (CITY_SELECTION, "cities")):
        select = params[name]["select"]
        assert select["type"] == "point"
        assert params[name]["views"] == [view]
        assert select["on"] == f"@{view}_marks:click", "Vega-Lite names a unit's marks <name>_marks"
        assert "value" not in params[name], "Streamlit ignores preset selections"


def test_cities_without_a_figure_are_grey_and_say_no_data_not_zero(spec):
    rows = {row["adcode"]: row for row in spec["datasets"]["cities"]}
    assert rows[360100]["value"] == 7800.37 and rows[360100]["value_label"] == "7,800.37 亿元"
    assert rows[360200]["value"] is None and rows[360200]["value_label"] == "无数据"
    assert rows[360200]["year_label"] == "" and rows[360200]["vintage_label"] == ""
    color = layer(spec, "cities")["encoding"]["color"]
    assert color["condition"]["test"] == "!isValid(datum.value)"
    assert color["condition"]["value"] == map_chart.NO_VALUE_COLOR
    assert color["legend"]["title"] == "地区生产总值（亿元）"
    assert layer(spec, "cities")["mark"]["invalid"] == "show", "null cities must stay on the map"
    assert layer(spec, "cities")["mark"]["stroke"] == "#ffffff"


def test_zone_points_sized_by_value_with_a_fixed_dot_for_no_data(spec):
    rows = {row["zone_id"]: row for row in spec["datasets"]["zones"]}
    assert rows["nanchang"]["value"] == 1200.0
    assert rows["xinyu"]["value"] is None and rows["jingdezhen"]["value"] is None, "None and NaN are no data"
    assert rows["fuzhou"]["value"] == 0.0
    size = layer(spec, "zones")["encoding"]["size"]
    assert size["field"] == "value" and size["condition"]["test"] == "!isValid(datum.value)"
    assert size["condition"]["value"] == map_chart.ZONE_NO_VALUE_SIZE
    json.dumps(spec, allow_nan=False)


def test_selected_zones_are_highlighted_from_the_data_column(spec):
    rows = {row["zone_id"]: row for row in spec["datasets"]["zones"]}
    assert rows["nanchang"]["selected"] is True and rows["xinyu"]["selected"] is False
    encoding = layer(spec, "zones")["encoding"]
    assert encoding["stroke"]["condition"]["test"] == "datum.selected"
    assert encoding["strokeWidth"]["condition"]["test"] == "datum.selected"


def test_tooltips_show_the_caller_words(spec):
    city_titles = [t["title"] for t in layer(spec, "cities")["encoding"]["tooltip"]]
    assert city_titles == ["城市", "GDP", "Year", "Vintage"]
    zone_fields = [t["field"] for t in layer(spec, "zones")["encoding"]["tooltip"]]
    assert zone_fields == ["label", "city", "approved", "industries", "value_text", "source", "approx_note"]


def test_no_ui_language_is_hard_coded():
    spec = map_chart.map_spec(geo.prefecture_features(city_values()), zone_points(), TEXTS_EN)
    words = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, ensure_ascii=False)
    assert not CJK.search(words), "an English map must not carry Chinese UI text"
    assert "⟦" not in json.dumps(spec, ensure_ascii=False), "every placeholder replaced"
    assert layer(spec, "cities")["encoding"]["tooltip"][0]["field"] == "name_en"
    assert spec["title"] == TEXTS_EN.title and spec["description"] == TEXTS_EN.description


def test_map_shape_for_jiangxi(spec):
    assert spec["projection"]["type"] == "mercator"
    assert spec["width"] == "container" and 400 <= spec["height"] <= 520
    assert spec["description"]


def test_spec_is_valid_vega_lite(spec):
    alt.LayerChart.from_dict(spec, validate=True)


def test_spec_small_enough_to_send_every_rerun(spec):
    assert len(json.dumps(spec, ensure_ascii=False).encode()) <= 80 * 1024


def test_warm_rebuild_is_fast_and_leaves_the_cache_alone():
    features, points = geo.prefecture_features(city_values()), zone_points()
    first = map_chart.map_spec(features, points, TEXTS_ZH)
    first["layer"][0]["mark"]["stroke"] = "red"
    first["title"] = "changed"
    retitled = dataclasses.replace(TEXTS_ZH, title="2024 年")
    misses = map_chart._map_skeleton.cache_info().misses
    times = timeit.repeat(lambda: map_chart.map_spec(features, points, retitled), number=1, repeat=20)
    assert map_chart._map_skeleton.cache_info().misses == misses, "a new title must not rebuild"
    assert statistics.median(times) < 0.030
    again = map_chart.map_spec(features, points, retitled)
    assert again["layer"][0]["mark"]["stroke"] == "#ffffff" and again["title"] == "2024 年"


def test_missing_zone_columns_are_named():
    with pytest.raises(ValueError, match="lon"):
        map_chart.map_spec(geo.prefecture_features(), pd.DataFrame({"zone_id": ["x"], "lat": [1], "label": ["x"]}), TEXTS_EN)


def test_optional_zone_columns_may_be_left_out():
    points = zone_points()[["zone_id", "lon", "lat", "label"]]
    rows = map_chart.map_spec(geo.prefecture_features(), points, TEXTS_EN)["datasets"]["zones"]
    assert all(row["value"] is None and row["selected"] is False and row["source"] == "" for row in rows)


def test_labels_clear_their_dots_and_point_away_from_the_centre(spec):
    rows = {row["zone_id"]: row for row in spec["datasets"]["zones"]}
    assert rows["fengcheng"]["label_align"] == "right" and rows["fengcheng"]["label_dx"] < 0
    assert rows["jingdezhen"]["label_align"] == "left" and rows["jingdezhen"]["label_dx"] > 0
    assert abs(rows["nanchang"]["label_dx"]) > abs(rows["xinyu"]["label_dx"]), "bigger dot, wider gap"
