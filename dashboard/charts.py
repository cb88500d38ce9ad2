"""Chart builders: pure functions, a prepared DataFrame (from dashboard.model) and texts in, an
Altair chart out. No Streamlit here, so every chart can be tested as a Vega-Lite spec.

Conventions: every chart has a title and a description a screen reader announces, units in the
axis title, tooltips with value (qualifier included), year, source and caveat; missing figures
are simply absent (the page lists them as "no data" under the chart), never drawn as 0.
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

TRUST_ORDER = ["official", "news", "compilation", "mirror", "derived", "user"]
TRUST_COLOURS = ["#1f5fa8", "#3d8bd4", "#c77c12", "#8a8a8a", "#7a4fb0", "#1d8a5a"]


@dataclass(frozen=True)
class Texts:
    """What a chart says, already in the reader's language."""

    title: str
    description: str
    axis: str = ""
    subtitle: str = ""
    tooltip: dict | None = None  # column -> tooltip title
    trust_domain: tuple[str, ...] = ()  # trust grade labels in TRUST_ORDER, for the colour legend


def _title(texts: Texts) -> alt.TitleParams:
    # no chart subtitle: Streamlit's theme colours titles but not subtitles (unreadable in dark
    # mode), so the page prints `texts.subtitle` as a caption under the chart instead
    return alt.TitleParams(texts.title, anchor="start")


def _value_labels(base: alt.Chart, **kwargs) -> alt.Chart:
    """Value labels readable on light and dark themes alike: white drawn in `difference` blend
    mode comes out black on a white page and white on a dark one."""
    return base.mark_text(color="#ffffff", blend="difference", fontSize=11, aria=False, **kwargs).encode(text="value_text:N")


def _tooltips(texts: Texts, columns: list[str]) -> list[alt.Tooltip]:
    names = texts.tooltip or {}
    return [alt.Tooltip(f"{c}:N", title=names.get(c, c)) for c in columns]


def _frame(table: pd.DataFrame, columns: list[str], aria: list[str] | None = None) -> pd.DataFrame:
    """Only the columns a chart uses (the spec travels to every browser), plus `aria`: what a
    screen reader says for each mark, the tooltip's values in order."""
    frame = table[[c for c in dict.fromkeys(columns) if c in table]].reset_index(drop=True)
    if aria:
        parts = [frame[c].astype(str) for c in aria if c in frame]
        frame["aria"] = [", ".join(p for p in row if p and p != "nan") for row in zip(*parts)] if parts else ""
    return frame


DESCRIBE = alt.Description("aria:N")


def _finish(chart: alt.Chart, texts: Texts, height: int | None = None) -> alt.Chart:
    # fit-x: the width follows the column, the height is the plot's own (axis labels and legends
    # are added to it instead of squeezing the bars)
    props = {"title": _title(texts), "description": texts.description, "width": "container",
             "autosize": alt.AutoSizeParams(type="fit-x", contains="padding")}
    if height:
        props["height"] = height
    return chart.properties(**props)


def _trust_colour(texts: Texts) -> alt.Color:
    names = texts.tooltip or {}
    return alt.Color("trust_label:N", title=names.get("trust_label", "trust"),
                     scale=alt.Scale(domain=list(texts.trust_domain), range=TRUST_COLOURS[: len(texts.trust_domain)]),
                     legend=alt.Legend(orient="bottom", columns=3))


def bar_by_zone(table: pd.DataFrame, texts: Texts) -> alt.Chart:
    """One bar per zone (and industry) for one metric and year; bars coloured by source trust."""
    tips = ["item", "value_text", "year", "source", "caveat"]
    frame = _frame(table, ["item", "value", "trust_label", *tips], aria=tips)
    base = alt.Chart(frame).encode(
        y=alt.Y("item:N", sort=list(frame["item"]), title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("value:Q", title=texts.axis),
        tooltip=_tooltips(texts, tips),
    )
    bars = base.mark_bar().encode(color=_trust_colour(texts), description=DESCRIBE)
    labels = _value_labels(base, align="left", dx=4)
    height = max(60, 34 * len(frame))
    return _finish(alt.layer(bars, labels), texts, height)


def points_over_years(table: pd.DataFrame, texts: Texts, reverse: bool = False) -> alt.Chart:
    """Figures over years as points: years without a figure stay empty, nothing is joined or
    interpolated across gaps. `reverse` for ranks (1 at the top)."""
    tips = ["item", "year", "value_text", "source", "caveat", *(["of_total"] if "of_total" in table else [])]
    frame = _frame(table, ["item", "year", "value", *tips], aria=tips)
    base = alt.Chart(frame).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=texts.axis, scale=alt.Scale(reverse=reverse, zero=not reverse)),
        color=alt.Color("item:N", title=None, legend=alt.Legend(orient="bottom", columns=3, labelLimit=220)),
        tooltip=_tooltips(texts, tips),
    )
    points = base.mark_point(filled=True, size=90).encode(description=DESCRIBE)
    labels = base.mark_text(dy=-12, fontSize=11, aria=False).encode(text="value_text:N")  # coloured like its point
    return _finish(alt.layer(points, labels), texts, 220)


def grouped_bars(table: pd.DataFrame, texts: Texts, group: str = "metric_label") -> alt.Chart:
    """Several metrics per zone side by side (enterprise counts): latest figure, its year in the label."""
    tips = ["zone", "metric_label", "value_text", "year", "source", "caveat"]
    frame = _frame(table, ["zone", "value", group, "label_text", *tips], aria=tips)
    base = alt.Chart(frame).encode(
        y=alt.Y("zone:N", title=None, sort=list(dict.fromkeys(frame["zone"]))),
        yOffset=alt.YOffset(f"{group}:N"),
        x=alt.X("value:Q", title=texts.axis),
        tooltip=_tooltips(texts, tips),
    )
    bars = base.mark_bar().encode(color=alt.Color(f"{group}:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=170)),
                                  description=DESCRIBE)
    labels = base.mark_text(color="#ffffff", blend="difference", align="left", dx=3, fontSize=11, aria=False).encode(text="label_text:N")
    height = max(80, 26 * len(frame) + 20 * frame["zone"].nunique())
    return _finish(alt.layer(bars, labels), texts, height)


def industry_matrix(matrix: pd.DataFrame, texts: Texts) -> alt.Chart:
    """Zone × lead industry, from the registry: filled where the industry is a lead industry,
    darker for the stated first industry (首位产业)."""
    tips = ["zone", "industry_label", "role"]
    frame = _frame(matrix, ["zone", "industry_label", "role", "position"], aria=tips)
    base = alt.Chart(frame).encode(
        x=alt.X("industry_label:N", title=None, axis=alt.Axis(labelAngle=-45, labelLimit=160, orient="top", labelOverlap=False)),
        y=alt.Y("zone:N", title=None, sort=list(dict.fromkeys(frame["zone"]))),
        tooltip=_tooltips(texts, tips),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("role:N", title=None, scale=alt.Scale(range=["#1f5fa8", "#9cc3e6"]), legend=alt.Legend(orient="bottom")),
        description=DESCRIBE)
    return _finish(cells, texts, max(80, 30 * frame["zone"].nunique()))


def industry_bars(table: pd.DataFrame, texts: Texts, domain_max: float | None = None) -> alt.Chart:
    """Industry revenues or shares per zone-industry and year (each year its own bar)."""
    tips = ["item", "metric_label", "year", "value_text", "source", "caveat"]
    frame = _frame(table, ["item", "value", "year_label", "trust_label", *tips], aria=tips)
    x_scale = alt.Scale(domain=[0, domain_max]) if domain_max else alt.Undefined
    base = alt.Chart(frame).encode(
        y=alt.Y("item:N", title=None, sort=list(dict.fromkeys(frame["item"])), axis=alt.Axis(labelLimit=240)),
        yOffset=alt.YOffset("year_label:N"),
        x=alt.X("value:Q", title=texts.axis, scale=x_scale),
        tooltip=_tooltips(texts, tips),
    )
    bars = base.mark_bar().encode(color=alt.Color("year_label:N", title=None, legend=alt.Legend(orient="bottom")),
                                  description=DESCRIBE)
    labels = _value_labels(base, align="left", dx=3)
    return _finish(alt.layer(bars, labels), texts, max(80, 26 * len(frame) + 14 * frame["item"].nunique()))


def national_bars(table: pd.DataFrame, texts: Texts) -> alt.Chart:
    """National zones' GDP by year; the tooltip adds the share of China's GDP and the zone count."""
    tips = ["year", "value_text", "share_text", "zones_text", "source"]
    frame = _frame(table, ["year", "value", *tips], aria=tips)
    base = alt.Chart(frame).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=texts.axis),
        tooltip=_tooltips(texts, tips),
    )
    bars = base.mark_bar(color="#1f5fa8", width=alt.RelativeBandSize(0.6)).encode(description=DESCRIBE)
    labels = _value_labels(base, dy=-8)
    return _finish(alt.layer(bars, labels), texts, 280)


def coverage_heatmap(table: pd.DataFrame, texts: Texts) -> alt.Chart:
    """Zone × metric, coloured by the number of years with a figure: the honest map of the data.

    Only pairs with a figure travel as data; the axes list every zone and metric (explicit scale
    domains), so a pair without any figure is an empty cell: "none found", never a drawn 0.
    """
    tips = ["zone", "metric_label", "group", "years"]
    metrics = list(table.sort_values("order")["metric_label"].drop_duplicates())
    zones = list(dict.fromkeys(table["zone"]))
    frame = _frame(table[table["years"] > 0], tips)
    base = alt.Chart(frame).encode(
        # grid lines on the band edges draw the frame of the empty cells
        y=alt.Y("metric_label:N", title=None, sort=metrics, scale=alt.Scale(domain=metrics),
                axis=alt.Axis(labelLimit=260, grid=True, bandPosition=0, labelOverlap=False)),
        x=alt.X("zone:N", title=None, sort=zones, scale=alt.Scale(domain=zones),
                axis=alt.Axis(orient="top", labelAngle=-45, labelLimit=160, grid=True, bandPosition=0, labelOverlap=False)),
        tooltip=_tooltips(texts, tips),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        color=alt.Color("years:Q", title=texts.axis, scale=alt.Scale(scheme="blues", domainMin=0), legend=alt.Legend(orient="bottom")))
    labels = base.mark_text(fontSize=10, aria=False).encode(
        text="years:Q", color=alt.condition("datum.years >= 3", alt.value("white"), alt.value("#333333")))
    return _finish(alt.layer(cells, labels), texts, max(80, 20 * len(metrics)))
