"""The bar-by-zone and points-over-years charts drawn as SVG on the server, from the very spec
dashboard.charts builds (its rows, words, colours and order), so the page shows what the spec says.

Why (bench/README.md, round 4): a page's first Vega view costs the browser a long task of its own
(Vega's code warming up, the spec compiled, the view built): with the two output charts above the
fold as Vega views, Lighthouse's total blocking time was 0.7–2.9 s; with them drawn as SVG here
and the map as SVG too, no Vega view is built on a first visit and it was tens of milliseconds.
Charts in the tabs below stay Vega views, built when their tab opens.

Pure: `render(spec)` returns SVG text, or None for a spec of another shape (Vega draws it). Every
word and value is escaped. Each mark carries the spec's per-mark description as its `aria-label`
and the spec's tooltip fields as its `<title>`; a row without a value draws nothing (the page
lists it as "no data" under the chart), never a 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from dashboard import safe

WIDTH = 380  # the SVG's own units: it scales to its column, text included
TITLE_HEIGHT = 26
FONT = 12
# Vega's default categorical scheme (tableau10), the colours the Vega chart gave the zones.
CATEGORY = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac")
POINT_RADIUS = 5.4  # area ≈ 90 px², the Vega chart's point size
BAR_STEP, BAR_WIDTH = 34, 22  # a bar's row, and the bar's thickness in it
# Touch targets (WCAG 2.2 target size, 24 CSS px; the SVG is drawn at ~0.94 of its own units on a
# 390 px phone): an invisible stroke around each bar and point widens what a tap can hit.
BAR_HIT_STROKE = 6  # a 22-unit bar hit over 28 units
POINT_HIT_STROKE = 16  # a point hit over 2 × 5.4 + 16 ≈ 27 units
HIT = 'stroke="#000000" stroke-opacity="0"'
GRID = "#8888884d"  # a grey that reads on light and dark pages


def _blank(value: Any) -> bool:
    """No figure to draw or text to show: None, NaN, pandas NA or an empty string (a 0 is a figure)."""
    return pd.isna(value) or value == ""


def text_width(text: str, size: float = FONT) -> float:
    """A text's width, estimated: CJK characters are square, others about 0.6 of the size."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in str(text))


def circle_path(cx: float, cy: float, r: float) -> str:
    """A circle as a path (two arcs): a mark that is a `path` like every other, for one selector."""
    return f"M{cx - r:.1f},{cy:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0Z"


def _shown(value: Any) -> str:
    """A cell as text: a whole float (a year in a column with gaps) without its ".0"."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _tooltip(row: Mapping[str, Any], tips: Sequence[tuple[str, str]]) -> str:
    return safe.svg_title((title, _shown(row.get(field))) for field, title in tips if not _blank(row.get(field)))


def nice_ticks(low: float, high: float, count: int = 4, integer: bool = False) -> list[float]:
    """Round tick values covering [low, high], about `count` of them (steps of 1, 2 or 5 × 10^k)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if integer:
        step = max(1, round(step))
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_text(value: float, integer: bool) -> str:
    if integer or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{max(0, -math.floor(math.log10(abs(value))) + 1)}f}" if value else "0"


def _shape(spec: Mapping[str, Any]) -> tuple[str, Mapping[str, Any], list[Mapping[str, Any]]] | None:
    """("bars" | "points", the marks' encoding, the rows), or None for another kind of chart."""
    layers = spec.get("layer") or []
    rows = (spec.get("datasets") or {}).get("rows")
    if not layers or rows is None:
        return None
    mark = layers[0].get("mark", {})
    encoding = layers[0].get("encoding", {})
    kind = mark.get("type") if isinstance(mark, Mapping) else mark
    x, y = encoding.get("x", {}), encoding.get("y", {})
    if (
        kind == "bar"
        and y.get("field") == "item"
        and x.get("field") == "value"
        and encoding.get("color", {}).get("field") == "trust_label"
    ):
        return "bars", encoding, rows
    if kind == "point" and x.get("field") == "year" and y.get("field") == "value":
        return "points", encoding, rows
    return None


def render(spec: Mapping[str, Any]) -> str | None:
    """The chart of `spec` as SVG text, or None when this module does not draw that kind of chart."""
    shape = _shape(spec)
    if shape is None:
        return None
    kind, encoding, rows = shape
    tips = tuple((t["field"], t.get("title", t["field"])) for t in encoding.get("tooltip", []))
    rows = sorted(rows, key=lambda r: r.get("order", 0))
    title = (spec.get("title") or {}).get("text", "") if isinstance(spec.get("title"), Mapping) else str(spec.get("title") or "")
    draw = _bars if kind == "bars" else _points
    body, height = draw(encoding, rows, tips)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" class="jx-chart" '
        f'data-name="{safe.xml(spec.get("name", ""))}" role="graphics-document" aria-roledescription="chart" '
        f'aria-label="{safe.xml(spec.get("description", ""))}">'
        f'<text class="ink title" x="0" y="16" aria-hidden="true">{safe.xml(title)}</text>{body}</svg>'
    )


def _axis_title(channel: Mapping[str, Any]) -> str:
    return str((channel.get("axis") or {}).get("title") or "")


def _integer(channel: Mapping[str, Any]) -> bool:
    return (channel.get("axis") or {}).get("format") == ",d"


def _legend(entries: Sequence[tuple[str, str]], top: float, title: str = "", circle: bool = False) -> tuple[str, float]:
    """Swatches in two columns under the plot; returns the SVG and the height it takes."""
    if not entries:
        return "", 0.0
    out = ['<g class="legend" aria-hidden="true">']
    y = top
    if title:
        out.append(f'<text class="ink small" x="0" y="{y + 10:.1f}" font-weight="600">{safe.xml(title)}</text>')
        y += 16
    column = WIDTH / 2
    for i, (label, colour) in enumerate(entries):
        x = (i % 2) * column
        row_y = y + (i // 2) * 16
        swatch = (
            f'<circle cx="{x + 5}" cy="{row_y + 6}" r="5" fill="{colour}"/>'
            if circle
            else f'<rect x="{x}" y="{row_y + 1}" width="10" height="10" fill="{colour}"/>'
        )
        out.append(f'{swatch}<text class="ink small" x="{x + 15}" y="{row_y + 10}">{safe.xml(label)}</text>')
    out.append("</g>")
    return "".join(out), (y - top) + math.ceil(len(entries) / 2) * 16 + 4


def _plot_right(rows: list[Mapping[str, Any]], left: float, low: float, high: float) -> float:
    """Where the value axis ends: as far right as every bar's label still fits after its bar (a
    long label on a short bar needs no room), at least a fifth of the width for the bars (a third
    cut "⚠ over 100 billion yuan (2024)" beside a single bar)."""
    right = WIDTH - 4.0
    for row in rows:
        if _blank(row.get("value")) or row["value"] <= low or _blank(row.get("label_text")):
            continue
        room = WIDTH - 6 - text_width(str(row["label_text"]), 11) - left  # what the bar may take
        right = min(right, left + room * (high - low) / (row["value"] - low))
    return max(right, left + WIDTH / 5)


def _bars(encoding: Mapping[str, Any], rows: list[Mapping[str, Any]], tips) -> tuple[str, float]:
    """One bar per row (a row's `item`), coloured by trust grade, its `label_text` beside it;
    returns the SVG and the height it takes."""
    x_channel, colour = encoding.get("x", {}), encoding.get("color", {})
    scale = colour.get("scale", {})
    colours = dict(zip(scale.get("domain", []), scale.get("range", [])))
    integer = _integer(x_channel)
    items = list(dict.fromkeys(r["item"] for r in rows))
    values = [r["value"] for r in rows if not _blank(r.get("value"))]
    left = min(max((text_width(i) for i in items), default=0) + 8, WIDTH * 0.35)
    ticks = nice_ticks(min(0.0, *values) if values else 0.0, max(0.0, *values) if values else 1.0, 4, integer)
    low, high = ticks[0], ticks[-1]
    right = _plot_right(rows, left, low, high)

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    top = TITLE_HEIGHT + 4
    bottom = top + BAR_STEP * len(items)
    out = [_value_axis(ticks, x, top, bottom, integer, _axis_title(x_channel), right)]
    zero = x(0.0) if low <= 0 <= high else x(low)
    out.append(_bar_marks(rows, items, x, zero, top, colours, tips))
    for i, item in enumerate(items):  # zone names at the left
        out.append(
            f'<text class="ink" x="{left - 6:.1f}" y="{top + i * BAR_STEP + BAR_STEP / 2 + 4:.1f}" text-anchor="end" '
            f'aria-hidden="true">{safe.xml(str(item))}</text>'
        )
    present = [(g, colours[g]) for g in colours if any(r.get("trust_label") == g for r in rows)]
    legend, legend_height = _legend(present, bottom + 38, str(colour.get("title") or ""))
    out.append(legend)
    return "".join(out), bottom + 38 + legend_height


def _value_axis(ticks: Sequence[float], x, top: float, bottom: float, integer: bool, title: str, right: float) -> str:
    """The bar chart's vertical grid lines, their values under the plot, the unit at the right."""
    out = []
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top}" y2="{bottom}" stroke="{GRID}"/>')
        out.append(
            f'<text class="ink small" x="{x(t):.1f}" y="{bottom + 14}" text-anchor="middle" aria-hidden="true">'
            f"{_tick_text(t, integer)}</text>"
        )
    if title:
        out.append(
            f'<text class="ink small" x="{right:.1f}" y="{bottom + 30}" text-anchor="end" aria-hidden="true">{safe.xml(title)}</text>'
        )
    return "".join(out)


def _bar_marks(rows, items: list, x, zero: float, top: float, colours: Mapping[str, str], tips) -> str:
    """A bar from `zero` to each row's value (none for a row without one) and its label beside it."""
    out = ['<g role="graphics-object" aria-roledescription="bars">']
    for row in rows:
        if _blank(row.get("value")):
            continue
        y = top + items.index(row["item"]) * BAR_STEP + (BAR_STEP - BAR_WIDTH) / 2
        x0, x1 = sorted((zero, x(row["value"])))
        width = max(x1 - x0, 0.5)
        fill = colours.get(row.get("trust_label"), CATEGORY[0])
        out.append(
            f'<path d="M{x0:.1f},{y:.1f}h{width:.1f}v{BAR_WIDTH}h{-width:.1f}Z" fill="{fill}" {HIT} stroke-width="{BAR_HIT_STROKE}" '
            f'role="graphics-symbol" aria-roledescription="bar" aria-label="{safe.xml(row.get("aria", ""))}">'
            f"{_tooltip(row, tips)}</path>"
        )
        if not _blank(row.get("label_text")):
            out.append(
                f'<text class="ink small" x="{x1 + 4:.1f}" y="{y + BAR_WIDTH / 2 + 4:.1f}" aria-hidden="true">'
                f"{safe.xml(str(row['label_text']))}</text>"
            )
    return "".join(out) + "</g>"


class _Label:
    """A point's label: where the row asks for it (`label_align`, `label_dx`, `label_dy`), moved by
    place_labels when it would cover another label or leave the chart."""

    def __init__(self, text, cx, cy, align, dx, dy):
        self.text, self.cx, self.cy = text, cx, cy
        self.anchor = {"left": "start", "right": "end"}.get(align, "middle")
        self.x, self.y = cx + float(dx or 0), cy + float(dy or 0)
        self.width = text_width(text, 11)

    def box(self) -> tuple[float, float, float, float]:
        start = {"start": self.x, "end": self.x - self.width}.get(self.anchor, self.x - self.width / 2)
        return start, start + self.width, self.y - 8, self.y + 6

    def svg(self) -> str:
        return (
            f'<text class="ink small" x="{self.x:.1f}" y="{self.y + 4:.1f}" text-anchor="{self.anchor}" '
            f'aria-hidden="true">{safe.xml(self.text)}</text>'
        )


def place_labels(labels: list[_Label], left: float, right: float, points: Sequence[tuple[float, float]] = ()) -> list[_Label]:
    """Labels kept inside [left, right] and off each other and off the `points` (centres of
    POINT_RADIUS dots): a label that would cover one goes under its point instead, then higher
    above it (the first place that is free)."""
    placed: list[_Label] = []
    dots = [(x - POINT_RADIUS, x + POINT_RADIUS, y - POINT_RADIUS, y + POINT_RADIUS) for x, y in points]

    def clear(label: _Label) -> bool:
        x0, x1, y0, y1 = label.box()
        return all(x1 <= p[0] or x0 >= p[1] or y1 <= p[2] or y0 >= p[3] for p in [*(q.box() for q in placed), *dots])

    for label in sorted(labels, key=lambda item: item.cx):
        x0, x1, _, _ = label.box()
        if x1 > right:  # keep it in the chart: end it at the right edge
            label.x, label.anchor = right, "end"
        elif x0 < left:
            label.x, label.anchor = left, "start"
        if not clear(label):
            for y in (label.y, label.cy + 18, label.cy - 26, label.cy + 32):
                label.y = y
                if clear(label):
                    break
        placed.append(label)
    return placed


def _points(encoding: Mapping[str, Any], rows: list[Mapping[str, Any]], tips) -> tuple[str, float]:
    """A point per (item, year) on a continuous year axis, coloured by item, its label beside it;
    a year without a figure is an empty place, nothing joined. Returns the SVG and its height."""
    y_channel = encoding.get("y", {})
    reverse = bool((y_channel.get("scale") or {}).get("reverse"))
    integer = _integer(y_channel)
    drawn = [r for r in rows if not _blank(r.get("value")) and not _blank(r.get("year"))]
    items = list(dict.fromkeys(r["item"] for r in rows))
    colours = {item: CATEGORY[i % len(CATEGORY)] for i, item in enumerate(items)}
    years = [int(r["year"]) for r in drawn] or [0]
    values = [float(r["value"]) for r in drawn] or [0.0]
    if reverse:  # ranks: the axis starts at No. 1 at the least, never at a rank 0 that does not exist
        ticks = nice_ticks(min(values), max(values), 4, integer)
        ticks = [1.0, *(t for t in ticks if t > 1)] if ticks[0] < 1 else ticks
    else:
        ticks = nice_ticks(min(0.0, *values), max(0.0, *values), 4, integer)
    low, high = ticks[0], ticks[-1]
    left = max(text_width(_tick_text(t, integer), 11) for t in ticks) + 10
    axis_title = _axis_title(y_channel)
    top, plot_height, pad = TITLE_HEIGHT + (16 if axis_title else 4), 220, 32
    y_min, y_max = min(years), max(years)

    def x(year: float) -> float:
        span = (y_max - y_min) or 1
        return left + pad + (year - y_min) / span * (WIDTH - left - 2 * pad) if y_max > y_min else (left + WIDTH) / 2

    def y(value: float) -> float:
        at = (value - low) / ((high - low) or 1)
        return top + (at if reverse else 1 - at) * plot_height

    out = [_year_value_axes(ticks, y, left, top, axis_title, integer)]
    year_step = 1 if y_max - y_min <= 8 else 2
    for year in range(y_min, y_max + 1, year_step):
        out.append(
            f'<text class="ink small" x="{x(year):.1f}" y="{top + plot_height + 16}" text-anchor="middle" aria-hidden="true">'
            f"{year}</text>"
        )
    out.append(_point_marks(drawn, x, y, colours, tips, left))
    legend, legend_height = _legend([(str(i), colours[i]) for i in items], top + plot_height + 26, circle=True)
    out.append(legend)
    return "".join(out), top + plot_height + 26 + legend_height


def _year_value_axes(ticks: Sequence[float], y, left: float, top: float, title: str, integer: bool) -> str:
    """The points chart's unit above the plot, its horizontal grid lines and their values at the left."""
    out = [f'<text class="ink small" x="0" y="{top - 6}" aria-hidden="true">{safe.xml(title)}</text>'] if title else []
    for t in ticks:
        out.append(f'<line x1="{left:.1f}" x2="{WIDTH}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text class="ink small" x="{left - 4:.1f}" y="{y(t) + 4:.1f}" text-anchor="end" aria-hidden="true">'
            f"{_tick_text(t, integer)}</text>"
        )
    return "".join(out)


def _point_marks(drawn, x, y, colours: Mapping[str, str], tips, left: float) -> str:
    """A dot per drawn row, then the rows' labels, placed off each other, off the dots and inside the chart."""
    out = ['<g role="graphics-object" aria-roledescription="points">']
    labels, points = [], []
    for row in drawn:
        cx, cy = x(int(row["year"])), y(float(row["value"]))
        points.append((cx, cy))
        out.append(
            f'<path d="{circle_path(cx, cy, POINT_RADIUS)}" fill="{colours[row["item"]]}" {HIT} stroke-width="{POINT_HIT_STROKE}" '
            f'role="graphics-symbol" aria-roledescription="point" aria-label="{safe.xml(row.get("aria", ""))}">'
            f"{_tooltip(row, tips)}</path>"
        )
        if not _blank(row.get("label_text")):
            labels.append(
                _Label(str(row["label_text"]), cx, cy, row.get("label_align"), row.get("label_dx"), row.get("label_dy"))
            )
    out.append("</g>")
    out.extend(label.svg() for label in place_labels(labels, left, WIDTH, points))
    return "".join(out)
