"""The map: Jiangxi's cities shaded by a city metric and the zones on top (what a click does to
the filters is dashboard.state's business).

Pure builders. Altair builds and validates the layered spec once per process with placeholder
words (~200 ms, DESIGN.md); every rerun copies that small skeleton with the caller's words put
in and drops this rerun's rows into the top-level `datasets`, a few milliseconds in all. The
outlines are a static file the browser fetches once (GEOMETRY_URL); the city and zone rows travel
as Arrow beside the spec, so a view that changes only rows leaves the spec as it was and the
browser updates the drawn map instead of rebuilding it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from dashboard import state

CITY_LAYER = "cities"
ZONE_LAYER = "zones"
ZONE_LABEL_LAYER = "zone_labels"
ZONE_LABEL_HALO_LAYER = "zone_labels_halo"
# Selection parameter names: the keys of event["selection"], which dashboard.state reads.
CITY_SELECTION = state.CITY_SELECTION
ZONE_SELECTION = state.ZONE_SELECTION
# Vega-Lite names a unit's marks "<name>_marks". Listening only to clicks on those marks keeps a
# city click from emptying the zone selection (DESIGN.md) and makes empty space send nothing.
# Every click toggles its mark in the selection (toggle="true"), so each click changes the
# selection state Streamlit reports, and the map never needs a fresh key (a rebuild) per click.
_CLICK_ON = "@{}_marks:click"

# Served by Streamlit's static file serving (server.enableStaticServing): static/ holds a byte-for-byte
# copy of geo/jiangxi_prefectures.geojson, written by `python -m dashboard.geo build`. The URL is
# relative to the page, so the app works at any host (and on Streamlit Community Cloud).
GEOMETRY_URL = "app/static/jiangxi_prefectures.geojson"
# What each city row carries to the browser (joined to its outline there by adcode).
CITY_ROW_FIELDS = ("name_zh", "name_en", "value", "description", "value_label", "year_label", "vintage_label")

MAP_HEIGHT = 460
NO_VALUE_COLOR = "#d9d9d9"
CITY_BORDER_COLOR = "#ffffff"
ZONE_FILL = "#e6550d"
ZONE_NO_VALUE_FILL = "#ffffff"
ZONE_SELECTED_STROKE = "#111111"
ZONE_STROKE = "#555555"
ZONE_NO_VALUE_SIZE = 70
ZONE_SIZE_RANGE = (30, 800)
# Jiangxi's north-south midline. Labels point away from it, so the Nanchang-Fengcheng-Gongqingcheng
# corridor (labels to the west) and the eastern zones (labels to the east) do not collide.
LABEL_SPLIT_LON = 116.0
LABEL_GAP_PX = 4
# Legends under the map leave the full width to a tall province in a narrow column; the side
# padding is room for the labels of the westernmost and easternmost zones.
_LEGEND_PLACE = {"orient": "bottom", "direction": "horizontal"}
MAP_PADDING = {"left": 24, "right": 24, "top": 4, "bottom": 4}

ZONE_POINT_COLUMNS = (
    "zone_id",
    "lon",
    "lat",
    "label",
    "city",
    "approved",
    "industries",
    "value",
    "value_text",
    "source",
    "selected",
    "approx_note",
)
_REQUIRED_ZONE_COLUMNS = ("zone_id", "lon", "lat", "label")


@dataclass(frozen=True)
class MapTexts:
    """Every word the map shows, supplied by the caller in the page's language.

    Any of them may change on every rerun (a title with the year in it) without rebuilding the
    spec. `city_name_field` picks which name column (name_zh / name_en) labels the cities;
    `zone_size_title` None hides the size legend.
    """

    title: str
    description: str
    legend_title: str
    no_data: str
    city: str
    city_value: str
    year: str
    vintage: str
    zone: str
    approved: str
    industries: str
    zone_value: str
    source: str
    approx_note: str
    city_name_field: str = "name_zh"
    zone_size_title: str | None = None


def _is_missing(value: Any) -> bool:
    """None, NaN and pandas NA all mean "no figure"; a 0 is a figure."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _json_scalar(value: Any) -> Any:
    """A value the browser can read: numpy scalars unwrapped, NaN/inf turned into None."""
    if _is_missing(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _text(value: Any) -> str:
    """Tooltip text: missing becomes empty rather than the string "None"."""
    return "" if _is_missing(value) else str(value)


def _cities_layer(texts: MapTexts) -> alt.Chart:
    """Cities shaded by `value`; grey where it is null (mark.invalid="show" keeps them drawn)."""
    select = alt.selection_point(
        name=CITY_SELECTION, fields=["adcode"], on=_CLICK_ON.format(CITY_LAYER), clear=False, toggle="true"
    )
    # The outlines come from the app's static file (fetched once, cached by the browser); each
    # rerun sends only the small per-city rows, joined to the outlines by adcode in the browser.
    outlines = alt.Data(url=GEOMETRY_URL, format=alt.DataFormat(type="json", property="features"))
    city_values = alt.LookupData(data=alt.NamedData(name=CITY_LAYER), key="adcode", fields=list(CITY_ROW_FIELDS))
    return (
        alt.Chart(outlines)
        .transform_calculate(adcode="datum.properties.adcode")
        .transform_lookup(lookup="adcode", from_=city_values)
        .mark_geoshape(stroke=CITY_BORDER_COLOR, strokeWidth=0.8, invalid="show", cursor="pointer")
        .encode(
            color=alt.condition(
                "!isValid(datum.value)",
                alt.value(NO_VALUE_COLOR),
                alt.Color(
                    "value:Q",
                    scale=alt.Scale(scheme="blues"),
                    legend=alt.Legend(title=texts.legend_title, format=",.0f", gradientLength=160, **_LEGEND_PLACE),
                ),
            ),
            description="description:N",
            tooltip=[
                alt.Tooltip(f"{texts.city_name_field}:N", title=texts.city),
                alt.Tooltip("value_label:N", title=texts.city_value),
                alt.Tooltip("year_label:N", title=texts.year),
                alt.Tooltip("vintage_label:N", title=texts.vintage),
            ],
        )
        .add_params(select)
        .properties(name=CITY_LAYER)
    )


def _zones_layer(texts: MapTexts) -> alt.Chart:
    """Zone points: area ∝ value where known, a fixed hollow dot where not, a dark ring if selected."""
    select = alt.selection_point(
        name=ZONE_SELECTION, fields=["zone_id"], on=_CLICK_ON.format(ZONE_LAYER), clear=False, toggle="true"
    )
    size_legend = (
        alt.Legend(title=texts.zone_size_title, format=",.0f", tickCount=3, **_LEGEND_PLACE) if texts.zone_size_title else None
    )
    return (
        alt.Chart(alt.Data(name=ZONE_LAYER))
        .mark_circle(opacity=1, fillOpacity=0.9, invalid="show", cursor="pointer")
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.condition(
                "!isValid(datum.value)",
                alt.value(ZONE_NO_VALUE_SIZE),
                alt.Size(
                    "value:Q",
                    scale=alt.Scale(range=list(ZONE_SIZE_RANGE), zero=True),
                    legend=size_legend,
                ),
            ),
            fill=alt.condition("!isValid(datum.value)", alt.value(ZONE_NO_VALUE_FILL), alt.value(ZONE_FILL)),
            stroke=alt.condition("datum.selected", alt.value(ZONE_SELECTED_STROKE), alt.value(ZONE_STROKE)),
            strokeWidth=alt.condition("datum.selected", alt.value(3), alt.value(1)),
            order=alt.Order("selected:O"),
            description="description:N",
            tooltip=[
                alt.Tooltip("label:N", title=texts.zone),
                alt.Tooltip("city:N", title=texts.city),
                alt.Tooltip("approved:N", title=texts.approved),
                alt.Tooltip("industries:N", title=texts.industries),
                alt.Tooltip("value_text:N", title=texts.zone_value),
                alt.Tooltip("source:N", title=texts.source),
                alt.Tooltip("approx_note:N", title=texts.approx_note),
            ],
        )
        .add_params(select)
        .properties(name=ZONE_LAYER)
    )


def _zone_label_layer(name: str, halo: bool) -> alt.Chart:
    """Zone names beside the points; the halo copy underneath keeps them legible on dark cities.

    Side and offset come from each row (`label_align`, `label_dx`) so a label clears its own dot.
    """
    style = {"stroke": "#ffffff", "strokeWidth": 3, "strokeJoin": "round", "fill": "#ffffff"} if halo else {}
    return (
        alt.Chart(alt.Data(name=ZONE_LAYER))
        .mark_text(
            align=alt.ExprRef(expr="datum.label_align"),
            dx=alt.ExprRef(expr="datum.label_dx"),
            baseline="middle",
            fontSize=12,
            aria=False,
            **style,
        )
        .encode(longitude="lon:Q", latitude="lat:Q", text="label:N")
        .properties(name=name)
    )


def _placeholder(word: str) -> str:
    """A marker no caller text will equal, swapped for the real words on every rerun."""
    return f"\u27e6{word}\u27e7"


_WORDS = tuple(f.name for f in fields(MapTexts) if f.name != "city_name_field")


@lru_cache(maxsize=8)
def _map_skeleton(city_name_field: str, size_legend: bool) -> dict[str, Any]:
    """The validated spec with placeholder words and no data: built once, because validation is slow.

    Only what changes the spec's structure keys the cache: the city name column, and whether the
    size legend exists at all.
    """
    texts = MapTexts(**{word: _placeholder(word) for word in _WORDS}, city_name_field=city_name_field)
    if not size_legend:
        texts = replace(texts, zone_size_title=None)
    chart = (
        alt.layer(
            _cities_layer(texts),
            _zones_layer(texts),
            _zone_label_layer(ZONE_LABEL_HALO_LAYER, halo=True),
            _zone_label_layer(ZONE_LABEL_LAYER, halo=False),
        )
        .project(type="mercator")
        .properties(
            width="container",
            height=MAP_HEIGHT,
            padding=MAP_PADDING,
            title=texts.title,
            description=texts.description,
        )
        .resolve_scale(color="independent", size="independent")
        .resolve_legend(color="independent", size="independent")
        .configure_view(stroke=None)
    )
    spec = chart.to_dict()
    # Altair pins the v5 schema URL; Streamlit embeds Vega-Lite 6, which then logs a version
    # warning in the browser console on every render. The spec is valid under both.
    spec.pop("$schema", None)
    return spec


def _with_words(node: Any, words: Mapping[str, str]) -> Any:
    """A copy of the skeleton with each placeholder replaced by the caller's words."""
    if isinstance(node, dict):
        return {key: _with_words(value, words) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_words(value, words) for value in node]
    if isinstance(node, str):
        return words.get(node, node)
    return node


def _city_rows(city_features: Sequence[Mapping[str, Any]], texts: MapTexts) -> list[dict[str, Any]]:
    """Features plus ready-made tooltip strings; a city without a figure says so, never shows 0."""
    rows = []
    for feature in city_features:
        value = _json_scalar(feature.get("value"))
        has_value = value is not None
        value_text = _text(feature.get("value_text")) or (f"{value:,.2f}" if has_value else "")
        value_label = value_text if has_value else texts.no_data
        rows.append(
            {
                **{key: item for key, item in feature.items() if key not in ("type", "geometry")},
                "value": value,
                "description": f"{_text(feature.get(texts.city_name_field))}: {value_label}",
                "value_label": value_label,
                "year_label": _text(feature.get("year")) if has_value else "",
                "vintage_label": _text(feature.get("vintage")) if has_value else "",
            }
        )
    return rows


def _zone_radius_px(value: float | None, largest: float | None) -> float:
    """The dot radius Vega-Lite will draw: a linear size scale from 0 to the largest value."""
    if value is None or not largest or largest <= 0:
        area = ZONE_NO_VALUE_SIZE
    else:
        low, high = ZONE_SIZE_RANGE
        area = low + (high - low) * max(value, 0) / largest
    return math.sqrt(area / math.pi)


def _zone_rows(zone_points: pd.DataFrame) -> list[dict[str, Any]]:
    """One plain dict per zone with every column the layers read; optional columns filled in."""
    missing = [column for column in _REQUIRED_ZONE_COLUMNS if column not in zone_points.columns]
    if missing:
        raise ValueError(f"zone points lack columns: {', '.join(missing)}")
    rows = []
    for record in zone_points.to_dict("records"):
        row = {column: _text(record.get(column)) for column in ZONE_POINT_COLUMNS}
        row["zone_id"] = str(record["zone_id"])
        row["lon"] = float(record["lon"])
        row["lat"] = float(record["lat"])
        row["value"] = _json_scalar(record.get("value"))
        row["selected"] = bool(_json_scalar(record.get("selected")) or False)
        row["description"] = f"{row['label']}: {row['value_text']}" if row["value_text"] else row["label"]
        rows.append(row)
    largest = max((row["value"] for row in rows if row["value"] is not None), default=None)
    for row in rows:
        offset = _zone_radius_px(row["value"], largest) + LABEL_GAP_PX
        west = row["lon"] < LABEL_SPLIT_LON
        row["label_align"] = "right" if west else "left"
        row["label_dx"] = round(-offset if west else offset, 1)
    return rows


def map_spec(city_features: Sequence[Mapping[str, Any]], zone_points: pd.DataFrame, texts: MapTexts) -> dict[str, Any]:
    """The map as a Vega-Lite spec dict for `st.vega_lite_chart(spec, on_select=...)`.

    `city_features` come from `dashboard.geo.prefecture_features` (value, value_text, year,
    vintage per city); `zone_points` has the columns in ZONE_POINT_COLUMNS (zone_id, lon, lat and
    label are required). The highlight comes from the `selected` column, because Streamlit ignores
    a preset selection value.
    """
    words = {_placeholder(word): getattr(texts, word) for word in _WORDS}
    spec = _with_words(_map_skeleton(texts.city_name_field, texts.zone_size_title is not None), words)
    spec["datasets"] = {
        CITY_LAYER: _city_rows(city_features, texts),
        ZONE_LAYER: _zone_rows(zone_points),
    }
    return spec
