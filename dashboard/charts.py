"""Chart builders: pure functions, a prepared DataFrame (from dashboard.model) and texts in, a
Vega-Lite spec out. No Streamlit here, so every chart is tested as a spec (tests/test_charts.py).

Each chart's shape is an Altair chart built from the texts and a few options only (its rows come
from a named dataset, its order from an `order` column, its height from a step per row), so the
shape is built and converted once per (texts, options) and every view after that only fills in
its rows: Altair's object building and copying would otherwise be most of a rerun.

Conventions: every chart has a title and a description a screen reader announces, units in the
axis title, tooltips with value (qualifier included), year, source and caveat; missing figures
are simply absent (the page lists them as "no data" under the chart), never drawn as 0.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import pandas as pd

TRUST_ORDER = ["official", "news", "compilation", "mirror", "unverified", "derived", "user"]
TRUST_COLOURS = ["#1f5fa8", "#3d8bd4", "#c77c12", "#8a8a8a", "#b5a642", "#7a4fb0", "#1d8a5a"]
ROWS = "rows"  # the named dataset every chart draws from
DESCRIBE = alt.Description("aria:N")
ORDER = alt.EncodingSortField("order", op="min")


@dataclass(frozen=True)
class Texts:
    """What a chart says, already in the reader's language (hashable: it keys the shape cache)."""

    title: str
    description: str
    axis: str = ""
    subtitle: str = ""
    tooltip: tuple[tuple[str, str], ...] = ()  # (column, tooltip title) pairs
    trust_domain: tuple[str, ...] = ()  # trust grade labels in TRUST_ORDER, for the colour legend

    def name(self, column: str) -> str:
        return dict(self.tooltip).get(column, column)


def _title(texts: Texts) -> alt.TitleParams:
    # no chart subtitle: Streamlit's theme colours titles but not subtitles (unreadable in dark
    # mode), so the page prints `texts.subtitle` as a caption under the chart instead
    return alt.TitleParams(texts.title, anchor="start")


def _value_labels(base: alt.Chart, field: str = "value_text", **kwargs) -> alt.Chart:
    """Value labels readable on light and dark themes alike: white drawn in `difference` blend
    mode comes out black on a white page and white on a dark one."""
    return base.mark_text(color="#ffffff", blend="difference", fontSize=11, aria=False, **kwargs).encode(text=f"{field}:N")


# Row labels that fit a phone: their lines are made here (wrap_label), Vega splits them at "\n" and
# raises each block by half of its extra lines (Vega anchors a multi-line label by its first line).
LINES = r"split(datum.label, '\n')"
LINE = 12  # a wrapped label's line height (px)
ROW_STEP = 58  # a wrapped bar row's height: four lines of label and the gap to the next
# A legend label longer than this is shortened on a narrow chart (the full words are in the tooltip)
NARROW_LEGEND = alt.ExprRef(expr="width < 320 ? 150 : 0")


def wrap_label(text: str, limit: int = 24) -> str:
    """`text` broken into lines of about `limit` Latin letters (a CJK character counts as 1.5):
    at " · ", at spaces, and inside a run of CJK characters when a line would pass the limit."""
    lines = []
    for part in str(text).split(" · "):
        line, width = "", 0.0
        for token in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", part):
            size = sum(1.5 if ord(ch) >= 0x2E80 else 1 for ch in token)
            if line.strip() and width + size > limit and not token.isspace():
                lines.append(line.rstrip())
                line, width = "", 0.0
            if line or not token.isspace():
                line, width = line + token, width + size
        lines.append(line.rstrip())
    return "\n".join(lines)


def _wrapped_labels() -> dict:
    """Axis properties for labels that are wrap_label's lines, each block centred on its row."""
    return {
        "labelExpr": LINES,
        "labelLineHeight": LINE,
        "labelOffset": alt.ExprRef(expr=f"-(length({LINES}) - 1) * {LINE / 2}"),
        "labelOverlap": False,  # every row keeps its label (Vega would drop every other tall one)
    }


def _wrapped_axis(**kwargs) -> alt.Axis:
    """A category axis whose labels are wrap_label's lines, each block centred on its row."""
    return alt.Axis(labelLimit=0, **_wrapped_labels(), **kwargs)


def _row_labels(table: pd.DataFrame, value: str) -> list[str]:
    """A bar's row label on lines: zone, industry and year, its value (the value is in the label
    rather than after the bar, where a phone's narrow chart had no room for it)."""
    return [f"{wrap_label(f'{i} ({y})')}\n{v}" for i, y, v in zip(table["item"], table["year"], table[value])]


def _tooltips(texts: Texts, columns: tuple[str, ...]) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{c}:N", title=texts.name(c)) for c in columns]


def _count_axis(title: str, integer: bool, **kwargs) -> alt.Axis:
    """A value axis; for counts and ranks (`integer`) its ticks are whole numbers only."""
    return alt.Axis(title=title, format=",d", tickMinStep=1, **kwargs) if integer else alt.Axis(title=title, **kwargs)


def _year_axis(**kwargs) -> alt.X:
    """Years on a continuous axis: a year without a figure keeps its place as a gap (an ordinal
    axis would hold only the years present); ticks are whole years."""
    return alt.X(
        "year:Q",
        title=None,
        scale=alt.Scale(zero=False, nice=False, padding=32),
        axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0, labelOverlap=True),
        **kwargs,
    )


def _rows() -> alt.NamedData:
    return alt.Data(name=ROWS)


def _finish(chart, texts: Texts, height) -> alt.Chart:
    # fit-x: the width follows the column, the height is the plot's own (axis labels and legends
    # are added to it instead of squeezing the bars); a step height grows with the rows
    # labelLimit 0: labels are short ids of zones, metrics and industries, drawn whole. Any limit makes
    # Vega measure every label and shorten it by further measurements, most of a chart's build time
    # with CJK text (bench/README.md, "Where the cold load goes").
    return (
        chart.properties(
            title=_title(texts),
            description=texts.description,
            width="container",
            height=height,
            padding={"left": 8, "right": 5, "top": 5, "bottom": 5},  # Vega measures CJK labels a few px short
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
        .configure_axis(labelLimit=0)
        .configure_axisX(labelFlush=True)  # the last tick's label ends at the chart's edge, not past it
        .configure_legend(labelLimit=0, gradientLength=120)
    )


def _trust_colour(texts: Texts) -> alt.Color:
    return alt.Color(
        "trust_label:N",
        title=texts.name("trust_label"),
        scale=alt.Scale(domain=list(texts.trust_domain), range=TRUST_COLOURS[: len(texts.trust_domain)]),
        legend=alt.Legend(orient="bottom", columns=2),  # 3 columns cut "compilation" in English
    )


@lru_cache(maxsize=512)
def _shape(build, texts: Texts, options: tuple) -> dict:
    spec = build(texts, **dict(options)).to_dict(validate=False)
    spec.pop("$schema", None)  # Streamlit's Vega-Lite is newer than Altair's schema URL says
    return spec


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _fill(build, texts: Texts, frame: pd.DataFrame, **options) -> dict:
    spec = copy.deepcopy(_shape(build, texts, tuple(sorted(options.items()))))
    spec["datasets"] = {ROWS: _records(frame)}
    return spec


def _frame(table: pd.DataFrame, columns, aria=None, order: str | None = None) -> pd.DataFrame:
    """Only the columns a chart uses (the spec travels to every browser); `aria`: what a screen
    reader says for each mark (the tooltip's values in order); `order`: the column whose first
    appearance sets the row order."""
    frame = table[[c for c in dict.fromkeys(columns) if c in table]].reset_index(drop=True)
    if aria:
        parts = [frame[c].astype(str) for c in aria if c in frame]
        frame["aria"] = [", ".join(p for p in row if p and p != "nan") for row in zip(*parts)] if parts else ""
    if order:
        first = {value: i for i, value in reversed(list(enumerate(frame[order])))}
        frame["order"] = frame[order].map(first)
    return frame


BAR_TIPS = ("item", "value_text", "year", "source", "caveat")


def _bar_by_zone(texts: Texts, integer: bool = False) -> alt.Chart:
    base = alt.Chart(_rows()).encode(
        y=alt.Y("item:N", sort=ORDER, title=None, axis=alt.Axis(labelLimit=0)),
        x=alt.X("value:Q", axis=_count_axis(texts.axis, integer)),
        tooltip=_tooltips(texts, BAR_TIPS),
    )
    bars = base.mark_bar().encode(color=_trust_colour(texts), description=DESCRIBE)
    return _finish(alt.layer(bars, _value_labels(base, "label_text", align="left", dx=4)), texts, alt.Step(34))


def bar_by_zone(table: pd.DataFrame, texts: Texts, integer: bool = False) -> dict:
    """One bar per zone (and industry) for one metric: one year's figures, or each zone's latest
    (its year in the label); bars coloured by source trust, ⚠ on flagged figures. `integer` for
    counts and ranks (whole-number ticks)."""
    frame = _frame(table, ["item", "value", "trust_label", "label_text", *BAR_TIPS], aria=BAR_TIPS, order="item")
    return _fill(_bar_by_zone, texts, frame, integer=integer)


def _points_over_years(texts: Texts, reverse: bool, tips: tuple[str, ...], integer: bool = False) -> alt.Chart:
    base = alt.Chart(_rows()).encode(
        x=_year_axis(),
        y=alt.Y("value:Q", axis=_count_axis(texts.axis, integer), scale=alt.Scale(reverse=reverse, zero=not reverse)),
        color=alt.Color("item:N", title=None, sort=ORDER, legend=alt.Legend(orient="bottom", columns=2, labelLimit=0)),
        tooltip=_tooltips(texts, tips),
    )
    points = base.mark_point(filled=True, size=90).encode(description=DESCRIBE)
    labels = base.mark_text(  # coloured like its point; placed per row (label_place): rows, not spec
        align=alt.ExprRef(expr="datum.label_align"),
        dx=alt.ExprRef(expr="datum.label_dx"),
        dy=alt.ExprRef(expr="datum.label_dy"),
        fontSize=11,
        aria=False,
    ).encode(text="label_text:N")
    return _finish(alt.layer(points, labels), texts, 220)


def points_over_years(table: pd.DataFrame, texts: Texts, reverse: bool = False, integer: bool = False) -> dict:
    """Figures over years as points on a continuous year axis: a year without a figure stays an
    empty place on the axis, nothing is joined or interpolated across gaps. `reverse` for ranks
    (1 at the top); `integer` for counts and ranks (whole-number ticks); ⚠ on flagged figures."""
    tips = ("item", "year", "value_text", "source", "caveat", *(("of_total",) if "of_total" in table else ()))
    table = table if "label_text" in table else table.assign(label_text=table["value_text"])
    frame = _frame(table, ["item", "year", "value", "label_text", *tips], aria=tips, order="item")
    return _fill(_points_over_years, texts, label_place(frame), reverse=reverse, tips=tips, integer=integer)


def label_place(frame: pd.DataFrame) -> pd.DataFrame:
    """Where each point's label goes: above its point when it is the year's only point; when a year
    has several, beside them, alternately right and left in value order, so two close values (Ji'an's
    31 and Fengcheng's 46 in 2019) do not print over each other."""
    by_year = frame.groupby("year")
    alone = by_year["year"].transform("size").eq(1)
    right = (by_year["value"].rank(method="first") - 1) % 2 == 0
    return frame.assign(
        label_align=["center" if a else ("left" if r else "right") for a, r in zip(alone, right)],
        label_dx=[0 if a else (8 if r else -8) for a, r in zip(alone, right)],
        label_dy=[-12 if a else 0 for a in alone],
    )


GROUPED_TIPS = ("zone", "metric_label", "value_text", "year", "source", "caveat")


def _grouped_bars(texts: Texts) -> alt.Chart:
    base = alt.Chart(_rows()).encode(
        y=alt.Y("item:N", title=None, sort=ORDER, axis=_wrapped_axis()),
        x=alt.X("value:Q", axis=_count_axis(texts.axis, True)),
        tooltip=_tooltips(texts, GROUPED_TIPS),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("metric_label:N", title=None, legend=alt.Legend(orient="bottom", columns=1, labelLimit=NARROW_LEGEND)),
        description=DESCRIBE,
    )
    return _finish(bars, texts, alt.Step(ROW_STEP))


def grouped_bars(table: pd.DataFrame, texts: Texts) -> dict:
    """Several metrics per zone, one bar each (enterprise counts): latest figure, its year in the label."""
    table = table.assign(
        item=[f"{wrap_label(f'{z} · {m}')}\n{v}" for z, m, v in zip(table["zone"], table["metric_label"], table["label_text"])]
    )
    frame = _frame(table, ["item", "value", *GROUPED_TIPS], aria=GROUPED_TIPS, order="item")
    return _fill(_grouped_bars, texts, frame)


MATRIX_TIPS = ("zone", "industry_label", "role")


def _grid_axis(channel, field: str, sort_by: str, **axis):
    """A grid chart's category axis (alt.X or alt.Y): untitled, in the order of `sort_by` (a column
    of the rows), every label shown whole; `axis` adds Axis properties."""
    return channel(
        f"{field}:N",
        title=None,
        sort=alt.EncodingSortField(sort_by, op="min"),
        axis=alt.Axis(**{"labelLimit": 0, "labelOverlap": False, **axis}),
    )


def _industry_matrix(texts: Texts) -> alt.Chart:
    base = alt.Chart(_rows()).encode(
        # industries down, the nine zones across: 24 columns did not fit a phone
        y=_grid_axis(alt.Y, "industry_label", "column", **_wrapped_labels()),
        x=alt.X("zone:N", title=None, sort=ORDER, axis=alt.Axis(labelAngle=-90, orient="top", labelLimit=0, labelOverlap=False)),
        tooltip=_tooltips(texts, MATRIX_TIPS),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        # first industry dark in either language (sorted by role_order, not by the label's spelling)
        color=alt.Color(
            "role:N",
            title=None,
            sort=alt.EncodingSortField("role_order", op="min"),
            scale=alt.Scale(range=["#1f5fa8", "#9cc3e6"]),
            legend=alt.Legend(orient="bottom", columns=1),
        ),
        description=DESCRIBE,
    )
    return _finish(cells, texts, alt.Step(26))


def industry_matrix(matrix: pd.DataFrame, texts: Texts) -> dict:
    """Zone × lead industry, from the registry: filled where the industry is a lead industry,
    darker for the stated first industry (首位产业)."""
    matrix = matrix.assign(industry_label=matrix["industry_label"].map(lambda m: wrap_label(m, 22)))  # fits a phone
    frame = _frame(matrix, ["zone", "industry_label", "role", "role_order"], aria=MATRIX_TIPS, order="zone")
    first = {value: i for i, value in reversed(list(enumerate(frame["industry_label"])))}
    frame["column"] = frame["industry_label"].map(first)
    return _fill(_industry_matrix, texts, frame)


INDUSTRY_TIPS = ("item", "metric_label", "year", "value_text", "source", "caveat")


def _industry_bars(texts: Texts) -> alt.Chart:
    base = alt.Chart(_rows()).encode(
        y=alt.Y("row:N", title=None, sort=ORDER, axis=_wrapped_axis()),
        x=alt.X("value:Q", title=texts.axis),
        tooltip=_tooltips(texts, INDUSTRY_TIPS),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("year_label:N", title=None, legend=alt.Legend(orient="bottom", columns=2)), description=DESCRIBE
    )
    return _finish(bars, texts, alt.Step(ROW_STEP))


def industry_bars(table: pd.DataFrame, texts: Texts) -> dict:
    """Industry revenues or shares, one bar per zone-industry and year."""
    table = table.assign(row=_row_labels(table, "value_text"))
    frame = _frame(table, ["row", "value", "year_label", *INDUSTRY_TIPS], aria=INDUSTRY_TIPS, order="row")
    return _fill(_industry_bars, texts, frame)


SHARE_TIPS = ("item", "share_of_label", "metric_label", "year", "value_text", "trust_label", "source", "caveat")
SHARE_COLOURS = ["#1f5fa8", "#c77c12", "#1d8a5a", "#7a4fb0", "#b03a48", "#5c5c5c"]


def _share_bars(texts: Texts) -> alt.Chart:
    base = alt.Chart(_rows()).encode(
        y=alt.Y("row:N", title=None, sort=ORDER, axis=_wrapped_axis()),
        x=alt.X("value:Q", title=texts.axis, scale=alt.Scale(domain=[0, 100])),
        tooltip=_tooltips(texts, SHARE_TIPS),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "share_of_label:N",
            title=texts.name("share_of_label"),
            sort=alt.EncodingSortField("share_order", op="min"),
            scale=alt.Scale(range=SHARE_COLOURS),
            legend=alt.Legend(orient="bottom", columns=1, labelLimit=NARROW_LEGEND),
        ),
        description=DESCRIBE,
    )
    return _finish(bars, texts, alt.Step(ROW_STEP))


def share_bars(table: pd.DataFrame, texts: Texts) -> dict:
    """Industry shares on one 0–100 % scale, grouped and coloured by denominator (`share_of_label`:
    a share of the city's industry is not a share of the zone's revenue), one bar per zone-industry
    and year; a derived share says so in its row."""
    table = table.assign(row=_row_labels(table, "label_text"))
    frame = _frame(table, ["row", "value", "share_order", *SHARE_TIPS], aria=SHARE_TIPS, order="row")
    return _fill(_share_bars, texts, frame)


NATIONAL_TIPS = ("year", "value_text", "share_text", "zones_text", "source")


def _national_bars(texts: Texts) -> alt.Chart:
    # bars from year − 0.3 to year + 0.3 on a continuous axis: a year without a figure stays a gap
    base = (
        alt.Chart(_rows())
        .transform_calculate(start="datum.year - 0.3", end="datum.year + 0.3")
        .encode(
            y=alt.Y("value:Q", title=texts.axis, scale=alt.Scale(zero=True)),
            tooltip=_tooltips(texts, NATIONAL_TIPS),
        )
    )
    bars = base.mark_bar(color="#1f5fa8").encode(
        x=alt.X(
            "start:Q",
            title=None,
            scale=alt.Scale(zero=False, nice=False),
            axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0, labelOverlap=True),
        ),
        x2="end:Q",
        y2=alt.datum(0),
        description=DESCRIBE,
    )
    labels = _value_labels(base, dy=-8).encode(x=alt.X("year:Q"))
    return _finish(alt.layer(bars, labels), texts, 280)


def national_bars(table: pd.DataFrame, texts: Texts) -> dict:
    """National zones' GDP by year; the tooltip adds the share of China's GDP and the zone count."""
    return _fill(_national_bars, texts, _frame(table, ["year", "value", *NATIONAL_TIPS], aria=NATIONAL_TIPS))


COVERAGE_TIPS = ("zone", "metric_label", "group", "years")


def _coverage_heatmap(texts: Texts) -> alt.Chart:
    base = alt.Chart(_rows()).encode(
        # grid lines on the band edges draw the frame of the empty cells
        y=_grid_axis(alt.Y, "metric_label", "order", grid=True, bandPosition=0, **_wrapped_labels()),
        x=_grid_axis(alt.X, "zone", "zone_order", orient="top", labelAngle=-90, grid=True, bandPosition=0),
        tooltip=_tooltips(texts, COVERAGE_TIPS),
    )
    found = base.transform_filter("datum.years > 0")
    cells = found.mark_rect(stroke="white", strokeWidth=0.5).encode(
        color=alt.Color(
            "years:Q",
            title=texts.axis,
            scale=alt.Scale(scheme="blues", domainMin=0),
            legend=alt.Legend(orient="bottom", format="d", tickMinStep=1),
        ),
        description=DESCRIBE,
    )
    # white on the darkest quarter of the blues, near-black on the rest: 4.5:1 or more on every cell
    labels = (
        found.transform_joinaggregate(most="max(years)")
        .mark_text(fontSize=10, aria=False)
        .encode(text="years:Q", color=alt.condition("datum.years >= 0.75 * datum.most", alt.value("white"), alt.value("#111111")))
    )
    # an invisible layer over every pair keeps each zone and metric on the axes, found or not
    frame = base.mark_rect(opacity=0, aria=False).encode(tooltip=alt.value(None))
    return _finish(alt.layer(frame, cells, labels), texts, alt.Step(26))  # two lines of a metric's name


def coverage_heatmap(table: pd.DataFrame, texts: Texts) -> dict:
    """Zone × metric, coloured by the number of years with a figure: the honest map of the data.

    Every pair travels as a row, so every zone and metric stays on the axes; only pairs with a
    figure are drawn and labelled, so a pair without any figure is an empty cell: "none found",
    never a drawn 0. The shape does not depend on which zones are shown.
    """
    zone_order = {zone: i for i, zone in reversed(list(enumerate(table["zone"])))}
    frame = _frame(
        # a metric's name on up to two lines (a phone's chart has room for the cells too)
        table.assign(
            zone_order=table["zone"].map(zone_order), metric_label=table["metric_label"].map(lambda m: wrap_label(m, 28))
        ),
        ["zone", "zone_order", "order", *COVERAGE_TIPS],
        aria=COVERAGE_TIPS,
    )
    frame["aria"] = frame["aria"].where(frame["years"] > 0, "")  # only drawn cells are announced
    return _fill(_coverage_heatmap, texts, frame)
