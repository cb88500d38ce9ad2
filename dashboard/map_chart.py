"""The map: Jiangxi's cities shaded by a city metric and the zones on top, drawn on the server as
one SVG (what a click does to the filters is dashboard.state's business).

Why SVG from Python and not a Vega view (bench/README.md, round 4): the map was the page's heaviest
browser work. As the first Vega view of a visit it cost 250–340 ms of main thread (Vega's code
warming up, compiling the layered spec, fitting the projection) and made most of Lighthouse's total
blocking time (the app with the map alone: 1.9× the bare page's; with no Vega view: 0.2×). Here
the outlines come projected (EPSG:3857, geo/ built by tools/build_geo.py) and are fitted to the
map's box once per process, and a view's map is a string of ~20 paths that the
browser only inserts: the page's own component (dashboard.app.SVG_COMPONENT) puts it in place and
reports a click on a zone or a city as one value, `zone:<id>` or `city:<adcode>`.

Pure builders: `map_svg(city_features, zone_points, texts)` returns the SVG text; every word and
value in it is escaped. The marks keep what the Vega map had: each city and zone labelled
"<name>: <value>" (`aria-label`, the same words as before), a tooltip (`<title>`) with the
zone's city, approval year, industries, value and source, a grey city and a hollow dot where
there is no figure (never a 0), a dark ring around the selected zones, and a colour legend. Zones
are keyboard buttons (Tab, then Enter or Space), which the Vega map never was.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from dashboard import geo, safe, svg_charts

MAP_WIDTH = 440  # the SVG's own units: it scales to its column's width, text included
MAP_HEIGHT = 420  # the outlines' box; the title above and the legend below add to it
NO_VALUE_COLOR = "#d9d9d9"
CITY_BORDER_COLOR = "#ffffff"
ZONE_FILL = "#e6550d"
ZONE_NO_VALUE_FILL = "#ffffff"
ZONE_SELECTED_STROKE = "#111111"
ZONE_STROKE = "#555555"
# The zones' names: dark text on a white halo, readable over any city shade in light and dark themes
LABEL_INK = "#111111"
LABEL_HALO = "#ffffff"
ZONE_NO_VALUE_SIZE = 70
ZONE_SIZE_RANGE = (30, 800)
# Vega's "blues" scheme (the Vega map's colours): a city's shade is its value's place between the
# smallest and the largest city value, interpolated between these stops.
BLUES = ("#cfe1f2", "#bed8ec", "#a8cee5", "#8fc1de", "#74b2d7", "#5ba3cf", "#4592c6", "#3181bd", "#206fb2", "#125ca4", "#0a4a90")
# Jiangxi's north-south midline (116°E, as an EPSG:3857 x). Labels point away from it, so the
# Nanchang-Fengcheng-Gongqingcheng corridor (labels to the west) and the eastern zones (labels to
# the east) do not collide.
LABEL_SPLIT_X = float(geo.web_mercator(116.0, 0.0)[0])
LABEL_GAP_PX = 4
MAP_PADDING = {"left": 24, "right": 24, "top": 4, "bottom": 4}
TITLE_HEIGHT = 28
LEGEND_HEIGHT = 100  # the colours and dots row, then the dot sizes row
# A zone's tap target: at least this radius (the SVG's units; ~0.81 px each on a 390 px phone, so
# 24 CSS px across, WCAG 2.2 target size), an invisible circle under the visible dots.
ZONE_HIT_RADIUS = 15
LEGEND_WIDTH = 160

ZONE_POINT_COLUMNS = (
    "zone_id",
    "x",
    "y",
    "label",
    "city",
    "approved",
    "industries",
    "value",
    "value_text",
    "source",
    "selected",
    "approx_note",
    "city_adcode",
)
_REQUIRED_ZONE_COLUMNS = ("zone_id", "x", "y", "label")


@dataclass(frozen=True)
class MapTexts:
    """Every word the map shows, supplied by the caller in the page's language.

    `city_name_field` picks which name column (name_zh / name_en) labels the cities.
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
    size_title: str = ""  # what a dot's size shows, e.g. "Dot area: high-tech enterprises (count)"


def _json_scalar(value: Any) -> Any:
    """A value the browser can read: numpy scalars unwrapped, None/NaN/NA/inf turned into None
    (no figure; a 0 is a figure)."""
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _text(value: Any) -> str:
    """Tooltip text: missing becomes empty rather than the string "None"."""
    return "" if pd.isna(value) else str(value)


def _city_rows(city_features: Sequence[Mapping[str, Any]], texts: MapTexts) -> list[dict[str, Any]]:
    """Features plus ready-made tooltip strings; a city without a figure says so, never shows 0."""
    rows = []
    for feature in city_features:
        value = _json_scalar(feature.get("value"))
        has_value = value is not None
        value_text = _text(feature.get("value_text")) or (f"{value:,.2f}" if has_value else "")
        value_label = value_text if has_value else texts.no_data
        name = _text(feature.get(texts.city_name_field))
        rows.append(
            {
                **{key: item for key, item in feature.items() if key not in ("type", "geometry")},
                "value": value,
                "name": name,
                "description": f"{name}: {value_label}",
                "value_label": value_label,
                "year_label": _text(feature.get("year")) if has_value else "",
                "vintage_label": _text(feature.get("vintage")) if has_value else "",
            }
        )
    return rows


def _zone_radius_px(value: float | None, largest: float | None) -> float:
    """A zone dot's radius: its area on a linear scale from 0 to the largest value (as the Vega map's)."""
    if value is None or not largest or largest <= 0:
        area = ZONE_NO_VALUE_SIZE
    else:
        low, high = ZONE_SIZE_RANGE
        area = low + (high - low) * max(value, 0) / largest
    return math.sqrt(area / math.pi)


def _zone_rows(zone_points: pd.DataFrame) -> list[dict[str, Any]]:
    """One plain dict per zone with every column the drawing reads; optional columns filled in."""
    missing = [column for column in _REQUIRED_ZONE_COLUMNS if column not in zone_points.columns]
    if missing:
        raise ValueError(f"zone points lack columns: {', '.join(missing)}")
    rows = []
    for record in zone_points.to_dict("records"):
        row = {column: _text(record.get(column)) for column in ZONE_POINT_COLUMNS}
        row["zone_id"] = str(record["zone_id"])
        row["x"] = float(record["x"])
        row["y"] = float(record["y"])
        row["value"] = _json_scalar(record.get("value"))
        row["selected"] = bool(_json_scalar(record.get("selected")) or False)
        row["description"] = f"{row['label']}: {row['value_text']}" if row["value_text"] else row["label"]
        rows.append(row)
    largest = max((row["value"] for row in rows if row["value"] is not None), default=None)
    for row in rows:
        row["radius"] = _zone_radius_px(row["value"], largest)
        offset = row["radius"] + LABEL_GAP_PX
        west = row["x"] < LABEL_SPLIT_X
        row["label_align"] = "right" if west else "left"
        row["label_dx"] = round(-offset if west else offset, 1)
    return rows


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    """Every ring of a GeoJSON Polygon or MultiPolygon."""
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


@dataclass(frozen=True)
class _Frame:
    """Where the province sits in the SVG: the scale and offsets that fit its stored EPSG:3857
    coordinates (metres, y growing northwards) into the map's box (SVG units, y growing downwards)."""

    scale: float
    x0: float
    y0: float

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + x * self.scale, self.y0 - y * self.scale


# Outlines drawn so far: (adcode, id(geometry)) pairs → (the geometries, frame, paths). An entry
# holds its geometries, so no id in its key can be reused by another object while it exists; the
# outlines come from one process-wide parsed file, so in practice there is one entry.
_OUTLINES: dict[tuple[tuple[int, int], ...], tuple[list, _Frame, dict[int, str]]] = {}
_OUTLINES_MAX = 8


def _outlines(city_features: Sequence[Mapping[str, Any]]) -> tuple[_Frame, dict[int, str]]:
    """The fitted projection and each city's SVG path, once per set of outline objects. Keyed on
    identity, not on the outlines' text: a text key meant serialising ~50 KB of coordinates on
    every map drawn, only to find the paths already made."""
    geometries = [f["geometry"] for f in city_features]
    key = tuple((int(f["adcode"]), id(g)) for f, g in zip(city_features, geometries))
    if key not in _OUTLINES:
        if len(_OUTLINES) >= _OUTLINES_MAX:
            _OUTLINES.pop(next(iter(_OUTLINES)))
        _OUTLINES[key] = (geometries, *_fitted_paths({int(f["adcode"]): _rings(f["geometry"]) for f in city_features}))
    _, frame, paths = _OUTLINES[key]
    return frame, paths


def _fitted_paths(shapes: Mapping[int, list]) -> tuple[_Frame, dict[int, str]]:
    """The frame that fits the outlines (EPSG:3857 rings by adcode) into the map's box, and each
    city's rings as one SVG path."""
    points = [(x, y) for rings in shapes.values() for ring in rings for x, y in ring]
    if not points:
        return _Frame(1.0, 0.0, 0.0), {}
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    left, top = MAP_PADDING["left"], TITLE_HEIGHT + MAP_PADDING["top"]
    width = MAP_WIDTH - MAP_PADDING["left"] - MAP_PADDING["right"]
    height = MAP_HEIGHT - MAP_PADDING["top"] - MAP_PADDING["bottom"]
    scale = min(width / ((max(xs) - min(xs)) or 1), height / ((max(ys) - min(ys)) or 1))
    x0 = left + (width - (max(xs) - min(xs)) * scale) / 2 - min(xs) * scale
    y0 = top + (height - (max(ys) - min(ys)) * scale) / 2 + max(ys) * scale
    frame = _Frame(scale, x0, y0)
    paths = {}
    for code, rings in shapes.items():
        paths[code] = "".join(_ring_path([frame.xy(x, y) for x, y in ring]) for ring in rings)
    return frame, paths


def _ring_path(points: Sequence[tuple[float, float]]) -> str:
    """One closed ring as a path: the first point absolute, then relative steps in whole units
    (about a pixel where the map is drawn, as fine as the outlines' 0.01° simplification; a third
    of the text of absolute points with decimals), steps that round to nothing left out, no space
    before a minus sign (SVG path grammar)."""
    steps = [(round(x), round(y)) for x, y in points]
    if not steps:
        return ""
    out, (px, py) = f"M{steps[0][0]},{steps[0][1]}l", steps[0]
    for x, y in steps[1:]:
        if (x, y) != (px, py):
            out += ("" if out.endswith("l") or x - px < 0 else " ") + f"{x - px},{y - py}"
            px, py = x, y
    return out + "Z"


def _hex(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _shade(value: float, low: float, high: float) -> str:
    """The city's colour: its value's place between the smallest and the largest, on BLUES."""
    t = 0.5 if high <= low else min(max((value - low) / (high - low), 0.0), 1.0)
    at = t * (len(BLUES) - 1)
    i = min(int(at), len(BLUES) - 2)
    a, b = _hex(BLUES[i]), _hex(BLUES[i + 1])
    f = at - i
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b))


def _number(value: float) -> str:
    """A legend's number with the digits it has (115.2 billion yuan is not "115"), grouped."""
    return f"{Decimal(repr(round(float(value), 6))).normalize():,f}"


def map_svg(city_features: Sequence[Mapping[str, Any]], zone_points: pd.DataFrame, texts: MapTexts) -> str:
    """The map as SVG text for the page's map component.

    `city_features` come from `dashboard.geo.prefecture_features` (value, value_text, year,
    vintage per city); `zone_points` has the columns in ZONE_POINT_COLUMNS (zone_id, x, y and
    label are required, x and y in EPSG:3857 metres as `dashboard.geo.web_mercator` gives them;
    `selected` draws the ring). A click on a city sends `city:<adcode>`, on a zone
    `zone:<zone_id>` (the marks' `data-pick`). Raises ValueError when a required zone column is
    missing.
    """
    cities = _city_rows(city_features, texts)
    zones = _zone_rows(zone_points)
    frame, paths = _outlines(city_features)
    values = [row["value"] for row in cities if row["value"] is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    return "".join(
        [
            _svg_open(texts),
            _city_marks(cities, paths, low, high, texts, hosts={row["city_adcode"] for row in zones}),
            _zone_hits(zones, frame),
            _zone_marks(zones, frame, texts),
            _zone_labels(zones, frame),
            _legend(texts, low, high, has_values=bool(values), has_blank=len(values) < len(cities)),
            _size_legend(texts, max((row["value"] for row in zones if row["value"] is not None), default=None)),
            "</svg>",
        ]
    )


def _svg_open(texts: MapTexts) -> str:
    """The SVG element (its accessible name the map's description) and the title above the map."""
    total_height = TITLE_HEIGHT + MAP_HEIGHT + LEGEND_HEIGHT
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {total_height}" class="jx-map" '
        f'role="graphics-document" aria-roledescription="map" aria-label="{safe.xml(texts.description)}">'
        f'<text class="ink title" x="{MAP_PADDING["left"]}" y="18" aria-hidden="true">{safe.xml(texts.title)}</text>'
    )


# A mark's tooltip lines: (the MapTexts field naming the line, the row's key holding its value).
CITY_TIP = (("city", "name"), ("city_value", "value_label"), ("year", "year_label"), ("vintage", "vintage_label"))
ZONE_TIP = (
    ("zone", "label"),
    ("city", "city"),
    ("approved", "approved"),
    ("industries", "industries"),
    ("zone_value", "value_text"),
    ("source", "source"),
    ("approx_note", "approx_note"),
)


def _tip(texts: MapTexts, row: Mapping[str, Any], lines: Sequence[tuple[str, str]]) -> str:
    return safe.svg_title((getattr(texts, word), row[key]) for word, key in lines)


def _city_marks(
    cities: Sequence[Mapping[str, Any]], paths: Mapping[int, str], low: float, high: float, texts: MapTexts, hosts: set[str]
) -> str:
    """A path per city, shaded by its value between `low` and `high` (grey without a figure); a
    city that hosts none of the zones (`hosts`: their city adcodes, as text; {""} when unknown)
    has nothing to filter, so no pick value (its value card shows no filter button)."""
    out = ['<g role="graphics-object" aria-roledescription="cities">']
    for row in cities:
        code = int(row["adcode"])
        pick = f'data-pick="city:{code}" ' if str(code) in hosts or hosts == {""} else ""
        fill = NO_VALUE_COLOR if row["value"] is None else _shade(row["value"], low, high)
        out.append(
            f'<path class="city" d="{paths.get(code, "")}" fill="{fill}" stroke="{CITY_BORDER_COLOR}" stroke-width="0.8" '
            f'{pick}role="graphics-symbol" aria-roledescription="city" '
            f'aria-label="{safe.xml(row["description"])}">{_tip(texts, row, CITY_TIP)}</path>'
        )
    return "".join(out) + "</g>"


def _zone_hits(zones: Sequence[Mapping[str, Any]], frame: _Frame) -> str:
    """An invisible circle of at least ZONE_HIT_RADIUS per zone, under all the dots (a dot keeps
    its own taps), with the zone's pick value: a tap near a small dot opens its card."""
    out = ['<g class="hits" aria-hidden="true">']
    for row in zones:
        x, y = frame.xy(row["x"], row["y"])
        r = max(row["radius"], ZONE_HIT_RADIUS)
        out.append(f'<path class="hit" d="{svg_charts.circle_path(x, y, r)}" data-pick="zone:{safe.xml(row["zone_id"])}"/>')
    return "".join(out) + "</g>"


def _size_legend(texts: MapTexts, largest: float | None) -> str:
    """Under the colours: what a dot's size says, with the dot of the largest value and of a round
    smaller one, each with its number (dot areas are proportional to the values)."""
    if not largest or largest <= 0:
        return ""
    top = TITLE_HEIGHT + MAP_HEIGHT + 56
    left = MAP_PADDING["left"]
    smaller = float(f"{largest / 4:.0e}")  # a quarter of the largest, to one significant digit
    out = [
        '<g class="legend" aria-hidden="true">',
        f'<text class="ink small" x="{left}" y="{top + 10}">{safe.xml(texts.size_title)}</text>',
    ]
    x = left + svg_charts.text_width(texts.size_title, 11) + 12
    for value in (largest, smaller) if 0 < smaller < largest else (largest,):
        r = _zone_radius_px(value, largest)
        cy = top + 40 - r  # the dots stand on one line
        number = _number(value) if value >= 10 else f"{value:g}"
        out.append(
            f'<path d="{svg_charts.circle_path(x + r, cy, r)}" fill="{ZONE_FILL}" fill-opacity="0.9" stroke="{ZONE_STROKE}"/>'
        )
        out.append(f'<text class="ink small" x="{x + 2 * r + 4:.1f}" y="{top + 40:.1f}">{number}</text>')
        x += 2 * r + 8 + svg_charts.text_width(number, 11) + 8
    return "".join(out) + "</g>"


def _zone_marks(zones: Sequence[Mapping[str, Any]], frame: _Frame, texts: MapTexts) -> str:
    """A dot per zone, a keyboard button; the selected drawn last, so their rings are whole."""
    out = ['<g role="graphics-object" aria-roledescription="zones">']
    for row in sorted(zones, key=lambda r: r["selected"]):
        x, y = frame.xy(row["x"], row["y"])
        fill = ZONE_NO_VALUE_FILL if row["value"] is None else ZONE_FILL
        stroke, width = (ZONE_SELECTED_STROKE, 3) if row["selected"] else (ZONE_STROKE, 1)
        out.append(
            f'<path class="zone" d="{svg_charts.circle_path(x, y, row["radius"])}" fill="{fill}" fill-opacity="0.9" '
            f'stroke="{stroke}" stroke-width="{width}" data-pick="zone:{safe.xml(row["zone_id"])}" role="button" tabindex="0" '
            f'aria-pressed="{"true" if row["selected"] else "false"}" aria-label="{safe.xml(row["description"])}">'
            f"{_tip(texts, row, ZONE_TIP)}</path>"
        )
    return "".join(out) + "</g>"


def _zone_labels(zones: Sequence[Mapping[str, Any]], frame: _Frame) -> str:
    """Each zone's name beside its dot, on the side away from the province's midline."""
    out = [
        f'<g class="labels" aria-hidden="true" fill="{LABEL_INK}" stroke="{LABEL_HALO}" stroke-width="3" '
        'stroke-linejoin="round" paint-order="stroke">'
    ]
    for row in zones:
        x, y = frame.xy(row["x"], row["y"])
        anchor = "end" if row["label_align"] == "right" else "start"
        out.append(f'<text x="{x + row["label_dx"]:.1f}" y="{y:.1f}" text-anchor="{anchor}">{safe.xml(row["label"])}</text>')
    return "".join(out) + "</g>"


def _legend(texts: MapTexts, low: float, high: float, *, has_values: bool, has_blank: bool) -> str:
    """Under the map: the city colours (smallest to largest value, and grey for no figure) and
    the zone dots (a filled dot, a hollow one for no figure)."""
    top = TITLE_HEIGHT + MAP_HEIGHT + 4
    left = MAP_PADDING["left"]
    stops = "".join(f'<stop offset="{i / (len(BLUES) - 1):.2f}" stop-color="{c}"/>' for i, c in enumerate(BLUES))
    out = [
        '<g class="legend" aria-hidden="true">',
        f'<defs><linearGradient id="jx-blues">{stops}</linearGradient></defs>',
        f'<text class="ink" x="{left}" y="{top + 10}">{safe.xml(texts.legend_title)}</text>',
    ]
    if has_values:
        out += [
            f'<rect x="{left}" y="{top + 18}" width="{LEGEND_WIDTH}" height="10" fill="url(#jx-blues)"/>',
            f'<text class="ink small" x="{left}" y="{top + 42}">{_number(low)}</text>',
            f'<text class="ink small" x="{left + LEGEND_WIDTH}" y="{top + 42}" text-anchor="end">{_number(high)}</text>',
        ]
    if has_blank or not has_values:
        x = left + (LEGEND_WIDTH + 16 if has_values else 0)
        out += [
            f'<rect x="{x}" y="{top + 18}" width="14" height="10" fill="{NO_VALUE_COLOR}"/>',
            f'<text class="ink small" x="{x + 18}" y="{top + 27}">{safe.xml(texts.no_data)}</text>',
        ]
    x = MAP_WIDTH - MAP_PADDING["right"] - 120
    out += [
        f'<circle cx="{x + 6}" cy="{top + 23}" r="6" fill="{ZONE_FILL}" stroke="{ZONE_STROKE}"/>',
        f'<text class="ink small" x="{x + 16}" y="{top + 27}">{safe.xml(texts.zone)}</text>',
        f'<circle cx="{x + 76}" cy="{top + 23}" r="5" fill="{ZONE_NO_VALUE_FILL}" stroke="{ZONE_STROKE}"/>',
        f'<text class="ink small" x="{x + 86}" y="{top + 27}">{safe.xml(texts.no_data)}</text>',
        "</g>",
    ]
    return "".join(out)
