"""Panels: each part of the page as ready data (a Vega-Lite spec, a table, headline figures) plus
the words around it.

A panel joins model (the table), charts (the spec) and i18n (the words) for one view. Every
panel is cached on exactly what it reads, passed in as arguments: the session's `Facts` (keyed by
data folder and upload) and the slice of the view it reads (`part`, from the `READS` table). A
chart's spec depends only on the chart, the language and the metric; the view changes its rows
only, so the browser updates the drawn view in place instead of rebuilding it.

The bundled facts are cached once for the process (st.cache_data); an upload's panels are kept in
a memo that belongs to the upload, which lives in its session: nothing of an upload outlives it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd
import streamlit as st

from dashboard import charts, data, export, geo, i18n, map_chart, model, picture, safe, svg_charts
from dashboard.charts import Texts
from dashboard.state import View

MEMO_ENTRIES = 256  # an upload's panels kept per session; the memo starts afresh beyond that


@dataclass(frozen=True, eq=False)
class Facts:
    """The facts a session sees: a data folder's own, or overlaid with an upload (`upload` is its
    content hash). Caches key on (folder, upload) only, never on the table's contents."""

    dataset: data.Dataset
    table: pd.DataFrame
    upload: str | None = None
    memo: dict = field(default_factory=dict, repr=False)

    def cache_key(self) -> tuple[str, str | None]:
        return self.dataset.folder, self.upload


def cached(max_entries: int) -> Callable:
    """Cache `fn(facts, *args)`: bundled facts in Streamlit's process-wide cache, keyed on the
    data folder and the arguments; an upload's in the upload's own memo (gone with its session)."""

    def wrap(fn: Callable) -> Callable:
        shared = st.cache_data(show_spinner=False, max_entries=max_entries, hash_funcs={Facts: Facts.cache_key})(fn)

        @functools.wraps(fn)
        def call(facts: Facts, *args):
            if facts.upload is None:
                return shared(facts, *args)
            key = (fn.__name__, *args)
            if key not in facts.memo:
                if len(facts.memo) >= MEMO_ENTRIES:
                    facts.memo.clear()
                facts.memo[key] = fn(facts, *args)
            return facts.memo[key]

        return call

    return wrap


@dataclass(frozen=True)
class Panel:
    """One chart ready to draw: `spec` None means there is nothing to draw and `empty` says why;
    `missing` lists the zones without a figure ("no data", never drawn as 0); `notes` the caveats
    of the flagged (⚠) figures drawn, shown under the chart so they are in view, not only in a
    tooltip."""

    spec: dict | None
    subtitle: str = ""
    svg: str | None = None  # the chart drawn on the server (SVG_PANELS), else None: Vega draws the spec
    empty: str = ""
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def flagged_notes(table: pd.DataFrame, lang: str) -> list[str]:
    """ "⚠ <zone · industry> <year>: <caveat>" for each flagged figure in the table, once each."""
    if not len(table) or "caution" not in table:
        return []
    sep = "：" if lang == "zh" else ": "
    rows = table[table["caution"].astype(bool)]
    notes = [
        f"⚠ {item} {year}{sep}{caveat.removeprefix('⚠ ')}"
        for item, year, caveat in zip(rows["item"], rows["year"], rows["caveat"])
    ]
    return list(dict.fromkeys(notes))


def is_integer(metric: pd.Series) -> bool:
    """Counts and ranks are whole numbers: their axes show whole-number ticks only."""
    return metric["kind"] in ("count", "rank", "rank_change")


def tooltip_titles(lang: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        {
            "item": i18n.t("column.zone", lang),
            "zone": i18n.t("column.zone", lang),
            "value_text": i18n.t("column.value", lang),
            "year": i18n.t("column.year", lang),
            "source": i18n.t("column.source_title", lang),
            "caveat": i18n.t("column.note", lang),
            "metric_label": i18n.t("column.metric", lang),
            "industry_label": i18n.t("column.industry", lang),
            "role": i18n.t("column.role", lang),
            "group": i18n.t("column.group", lang),
            "years": i18n.t("chart.coverage_years", lang),
            "of_total": i18n.t("rank.pool", lang),
            "share_text": i18n.t("context.gdp_share", lang),
            "zones_text": i18n.t("context.zone_count", lang),
            "trust_label": i18n.t("sources.grade", lang),
            "share_of_label": i18n.t("column.share_of", lang),
        }.items()
    )


def trust_domain(lang: str) -> tuple[str, ...]:
    return tuple(i18n.t(model.TRUST_KEYS[g], lang) for g in charts.TRUST_ORDER)


def with_trust_labels(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    return table.assign(
        trust_label=table["trust"].map(lambda g: i18n.t(model.TRUST_KEYS.get(g, "trust.mirror"), lang)),
        year_label=table["year"].astype(str),
    )


def _metric(dataset: data.Dataset, metric: str, lang: str) -> tuple[str, pd.Series]:
    row = dataset.metrics.set_index("metric").loc[metric]
    return row["label_zh" if lang == "zh" else "label_en"], row


def chart_texts(chart: str, lang: str, axis: str = "", trust: tuple[str, ...] = (), **words) -> Texts:
    """A chart's words: its title and description (the i18n keys `chart.<chart>` and
    `chart.<chart>_desc`, filled with `words`), its axis title, the tooltip titles and the trust
    grades of its colour legend."""
    return Texts(
        i18n.t(f"chart.{chart}", lang, **words),
        i18n.t(f"chart.{chart}_desc", lang, **words),
        axis=axis,
        tooltip=tooltip_titles(lang),
        trust_domain=trust,
    )


def year_span(years: pd.Series) -> str:
    """ "2019–2022" (or one year) for the years of the figures shown."""
    low, high = int(years.min()), int(years.max())
    return str(low) if low == high else f"{low}–{high}"


def metric_axis(metric: pd.Series, lang: str) -> str:
    """The axis title of a metric (a metrics.csv row indexed by its id) not in money: a change of
    rank titled as one, a count in 个 by what it counts."""
    unit = i18n.RANK_CHANGE if metric["kind"] == "rank_change" else metric["unit"]
    return i18n.fmt_axis_unit(unit, lang, metric.name)


def one_unit(table: pd.DataFrame, unit: str, lang: str, metric: pd.Series | None = None) -> tuple[pd.DataFrame, str]:
    """A chart of money in one unit: the axis, the labels and the tooltips all in the unit of its
    largest figure (亿元 or 万亿元; billion or trillion yuan), the values scaled to it. Other units
    are left as they are, with their axis title (`metric`, a metrics.csv row, words a change of
    rank or a count in 个 as what it is)."""
    if unit != "亿元" or not len(table):
        return table, i18n.fmt_axis_unit(unit, lang) if metric is None else metric_axis(metric, lang)
    step = i18n.money_step(table["value"].abs().max(), lang)
    texts = [i18n.fmt_in_step(v, q, step, lang) for v, q in zip(table["value"], table["qualifier"])]
    out = table.assign(value_text=texts, value=table["value"] * 10.0 ** step[0])
    if "label_text" in table:
        caution = table["caution"].fillna(False).astype(bool) if "caution" in table else pd.Series(False, index=table.index)
        years = table["year"] if "year" in table else pd.Series("", index=table.index)
        out["label_text"] = [
            ("⚠ " if c else "") + text + (f" ({y})" if str(old).endswith(f" ({y})") else "")
            for text, c, y, old in zip(texts, caution, years, table["label_text"])
        ]
    return out, step[1].replace("{} ", "")


def by_zone(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table, missing = model.metric_by_zone(facts, dataset, view)
    label, metric = _metric(dataset, view.metric, lang)
    if not len(table):
        baselines = facts[(facts["metric"] == view.metric) & facts["zone_id"].isin(view.zones) & facts["baseline"].astype(bool)]
        empty = (
            i18n.t("empty.year", lang, metric=label, year=view.year)
            if view.year is not None
            else i18n.t("empty.latest_baseline" if len(baselines) else "empty.latest", lang, metric=label)
        )
        return Panel(None, empty=empty, missing=missing)
    table, axis = one_unit(table, metric["unit"], lang, metric)
    texts = chart_texts("output_by_zone", lang, axis, trust_domain(lang), metric=label)
    n, total = table["zone_id"].nunique(), len(view.zones)
    if view.year is None:
        caption = i18n.t("chart.output_by_zone_latest", lang, years=year_span(table["year"]), n=n, total=total)
    else:
        caption = i18n.t("chart.output_by_zone_caption", lang, year=view.year, n=n, total=total)
    spec = charts.bar_by_zone(with_trust_labels(table, lang), texts, integer=is_integer(metric))
    return Panel(spec, subtitle=caption, missing=missing, notes=flagged_notes(table, lang))


def over_years(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table = model.metric_over_years(facts, dataset, view)
    label, metric = _metric(dataset, view.metric, lang)
    if not len(table):
        return Panel(None)
    table, axis = one_unit(table, metric["unit"], lang, metric)
    texts = chart_texts("output_over_years", lang, axis, metric=label)
    spec = charts.points_over_years(table, texts, reverse=metric["kind"] == "rank", integer=is_integer(metric))
    return Panel(spec, subtitle=i18n.t("chart.points_note", lang), notes=flagged_notes(table, lang))


def enterprises(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table = model.enterprises(facts, dataset, view)
    labels = model.zone_labels(dataset.zones, lang)
    missing = [labels[z] for z in view.zones if z not in set(table["zone_id"])]
    caption = i18n.t("chart.latest_note", lang) if view.year is None else i18n.t("chart.latest_until_note", lang, year=view.year)
    if not len(table):
        empty = (
            i18n.t("empty.enterprises", lang) if view.year is None else i18n.t("empty.enterprises_until", lang, year=view.year)
        )
        return Panel(None, empty=empty, missing=missing)
    table = table.assign(
        label_text=[f"{v} ({y})" for v, y in zip(table["label_text"], table["year"])],
        item=[f"{z} · {m}" for z, m in zip(table["zone"], table["metric_label"])],
    )
    texts = chart_texts("enterprises", lang, i18n.fmt_axis_unit("家", lang))
    return Panel(charts.grouped_bars(table, texts), subtitle=caption, missing=missing, notes=flagged_notes(table, lang))


def industry_matrix(dataset, facts, view: View) -> Panel:
    lang = view.lang
    matrix = model.industry_matrix(dataset, view)
    if not len(matrix):
        return Panel(None, empty=i18n.t("empty.industries", lang))
    texts = chart_texts("industry_matrix", lang)
    return Panel(charts.industry_matrix(matrix, texts))


def industry_revenue(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table = model.industry_figures(facts, dataset, view, ("industry_revenue",))
    if not len(table):
        return Panel(None, empty=i18n.t("empty.industries", lang))
    table, axis = one_unit(table, "亿元", lang)
    texts = chart_texts("industry_revenue", lang, axis)
    return Panel(charts.industry_bars(with_trust_labels(table, lang), texts))


def industry_shares(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table = model.industry_shares(facts, dataset, view)
    if not len(table):
        return Panel(None, empty=i18n.t("empty.industries", lang))
    derived = i18n.t("trust.derived", lang)
    table = table.assign(item=[f"{i} · {derived}" if t == "derived" else i for i, t in zip(table["item"], table["trust"])])
    texts = chart_texts("industry_shares", lang, "%")
    spec = charts.share_bars(with_trust_labels(table, lang), texts)
    return Panel(spec, subtitle=i18n.t("chart.shares_note", lang), notes=flagged_notes(table, lang))


def national_rank(dataset, facts, view: View) -> Panel:
    lang = view.lang
    ranks = model.national_ranks(facts, dataset, view)
    if not len(ranks):
        return Panel(None, empty=i18n.t("empty.ranks", lang))
    return _rank_panel(ranks, "national_rank", "rank_axis_note", lang)


def provincial_rank(dataset, facts, view: View) -> Panel:
    """Jiangxi's evaluation of its ~98–99 development zones: a chart of its own, never on the
    national-rank axis (another evaluation, another pool)."""
    lang = view.lang
    ranks = model.provincial_ranks(facts, dataset, view)
    if not len(ranks):
        return Panel(None, empty=i18n.t("empty.provincial_ranks", lang))
    return _rank_panel(ranks, "provincial_rank", "provincial_rank_note", lang)


def _rank_panel(ranks: pd.DataFrame, chart: str, note: str, lang: str) -> Panel:
    """Ranks over the years: 1 at the top, whole-number ticks, caveats of flagged ranks under it."""
    texts = chart_texts(chart, lang, i18n.t("chart.rank_axis", lang))
    return Panel(
        charts.points_over_years(ranks, texts, reverse=True, integer=True),
        subtitle=i18n.t(f"chart.{note}", lang),
        notes=flagged_notes(ranks, lang),
    )


@cached(max_entries=16)
def national_table(facts: Facts, lang: str) -> pd.DataFrame:
    """National zones' GDP by year with share and count: the same for every zone selection."""
    return model.national_context(facts.table, facts.dataset, lang)


def national_context(dataset, facts, view: View) -> Panel:
    lang = view.lang
    context = model.national_context(facts, dataset, lang)
    if not len(context):
        return Panel(None, empty=i18n.t("value.no_data", lang))
    context, axis = one_unit(context, "亿元", lang)
    texts = chart_texts("national_context", lang, axis)
    return Panel(charts.national_bars(context, texts))


def coverage(dataset, facts, view: View) -> Panel:
    lang = view.lang
    texts = chart_texts("coverage", lang, i18n.t("chart.coverage_years", lang))
    return Panel(
        charts.coverage_heatmap(model.coverage(facts, dataset, view), texts), subtitle=i18n.t("chart.coverage_caption", lang)
    )


# Drawn as SVG on the server (dashboard.svg_charts): the two output charts above the fold, so a
# first visit builds no Vega view, and the rank charts, points over years like the second of them.
SVG_PANELS = ("by_zone", "over_years", "national_rank", "provincial_rank")
BUILDERS = {
    f.__name__: f
    for f in (
        by_zone,
        over_years,
        enterprises,
        industry_matrix,
        industry_revenue,
        industry_shares,
        national_rank,
        provincial_rank,
        national_context,
        coverage,
    )
}


# What each panel reads of the view. `part` blanks the rest before the cache lookup, so changing the
# metric or year does not rebuild the enterprise, industry, rank and national panels.
# tests/test_panels.py checks that no panel reads a field it is not given here.
READS = {
    "by_zone": ("zones", "industries", "metric", "year", "lang"),
    "over_years": ("zones", "industries", "metric", "lang"),
    "enterprises": ("zones", "year", "lang"),
    "industry_matrix": ("zones", "industries", "lang"),
    "industry_revenue": ("zones", "industries", "lang"),
    "industry_shares": ("zones", "industries", "lang"),
    "national_rank": ("zones", "lang"),
    "provincial_rank": ("zones", "lang"),
    "national_context": ("lang",),
    "coverage": ("zones", "lang"),
    "profile": ("zones", "lang"),
    "zones": ("zones", "lang"),
    "headline": ("zones", "industries", "metric", "year", "lang"),
    "map": ("zones", "metric", "year", "lang"),
    "table": ("zones", "industries", "lang"),
    "sources": ("zones", "industries", "lang"),
}
_BLANK = {"zones": (), "industries": frozenset(), "metric": "", "year": None, "lang": ""}


def zone_profile(dataset: data.Dataset, zone_id: str, lang: str) -> pd.DataFrame:
    """One zone's registry facts as (field, value) rows: name, city, approval, area, industries."""
    zone = dataset.zones.set_index("zone_id").loc[zone_id]
    no_data = i18n.t("value.no_data", lang)
    zh = lang == "zh"
    area = (
        f"{i18n.fmt_value(zone['area_km2'], 'km²', 'exact', lang)} ({zone['area_kind_zh' if zh else 'area_kind_en']})"
        if pd.notna(zone["area_km2"])
        else no_data
    )
    rows = [
        (i18n.t("profile.name", lang), zone["name_zh" if zh else "name_en"]),
        (i18n.t("profile.city", lang), zone["city_zh" if zh else "city_en"]),
        (i18n.t("profile.approved", lang), zone["approved_national"] or no_data),
        (i18n.t("profile.area", lang), area),
        (i18n.t("profile.lead_industries", lang), zone["lead_industries_zh" if zh else "lead_industries_en"]),
        (i18n.t("profile.location", lang), i18n.t("map.approximate_location", lang)),
    ]
    return pd.DataFrame(rows, columns=[i18n.t("profile.field", lang), i18n.t("profile.value", lang)])


def _zh_or(zone: pd.Series, column: str, lang: str) -> str:
    """A registry caveat in the reader's language: `<column>_zh` on the Chinese page where there
    is one, the English text otherwise."""
    text = zone.get(f"{column}_zh", "") if lang == "zh" else ""
    return text if isinstance(text, str) and text else zone.get(column, "") or ""


def area_note(dataset: data.Dataset, zone_id: str, lang: str) -> str:
    """What the zone's area figure means (or why there is none), in the reader's language."""
    zone = dataset.zones.set_index("zone_id").loc[zone_id]
    return _zh_or(zone, "area_note", lang) if pd.notna(zone["area_km2"]) or zone["area_note"] else ""


def location_note(dataset: data.Dataset, zone_id: str, lang: str) -> str:
    """How the zone's map point was placed, in the reader's language."""
    return _zh_or(dataset.zones.set_index("zone_id").loc[zone_id], "coord_note", lang)


def zone_figures(facts: Facts, view: View) -> pd.DataFrame:
    """When exactly one zone is shown: all its figures, the latest per metric (and industry), each
    with its year, source and caveat; an empty table otherwise."""
    return _zone_figures(facts, part("profile", view))


@cached(max_entries=64)
def _zone_figures(facts: Facts, view: View) -> pd.DataFrame:
    lang = view.lang
    # what and how much first: on a phone the first two columns are what fits
    columns = [i18n.t(k, lang) for k in ("column.metric", "column.value", "column.year", "column.source_title", "column.note")]
    if len(view.zones) != 1:
        return pd.DataFrame(columns=columns)
    shown = model.zone_figures(facts.table, facts.dataset, view.zones[0], lang)
    what = [f"{m} · {i}" if i else m for m, i in zip(shown["metric_label"], shown["industry_label"])]
    return pd.DataFrame(
        dict(zip(columns, (what, shown["value_text"], shown["year"], shown["source"], shown["caveat"])))
    ).reset_index(drop=True)


def zones_overview(facts: Facts, view: View) -> pd.DataFrame:
    """The zones in view, one row each: name, city, year approved, lead industries and how many
    figures the page has for it (a profile's rows: the latest per metric and industry)."""
    return _zones_overview(facts, part("zones", view))


@cached(max_entries=32)
def _zones_overview(facts: Facts, view: View) -> pd.DataFrame:
    lang, zh = view.lang, view.lang == "zh"
    zones = facts.dataset.zones.set_index("zone_id").loc[list(view.zones)]
    no_data = i18n.t("value.no_data", lang)
    counts = [len(model.zone_figures(facts.table, facts.dataset, zone_id, lang)) for zone_id in zones.index]
    latest = model.latest_years(facts.table, tuple(zones.index))
    columns = {
        i18n.t("zones.zone", lang): zones["short_zh" if zh else "short_en"],
        i18n.t("profile.city", lang): zones["city_zh" if zh else "city_en"],
        i18n.t("profile.approved", lang): zones["approved_national"].replace("", no_data),
        i18n.t("profile.lead_industries", lang): zones["lead_industries_zh" if zh else "lead_industries_en"],
        i18n.t("zones.figures", lang): counts,
        i18n.t("asof.col_latest", lang): [latest_year_text(latest[z], lang) for z in zones.index],
    }
    return pd.DataFrame(columns).reset_index(drop=True)


def part(name: str, view: View) -> View:
    """The slice of `view` that panel `name` reads; every other field blanked."""
    return replace(view, **{f: blank for f, blank in _BLANK.items() if f not in READS[name]})


def panel(name: str, facts: Facts, view: View) -> Panel:
    """The named chart panel for these facts and this view (cached on what it reads)."""
    return _panel(facts, name, part(name, view))


@cached(max_entries=2048)
def _panel(facts: Facts, name: str, view: View) -> Panel:
    out = BUILDERS[name](facts.dataset, facts.table, view)
    if out.spec is None:
        return out
    spec = {"name": name, **out.spec}
    return replace(out, spec=spec, svg=svg_charts.render(spec) if name in SVG_PANELS else None)


def headline(facts: Facts, view: View) -> list[tuple[str, str, str]]:
    """The four headline figures as (label, value, help): the selected metric (its value when one
    zone has it), how many zones have a figure, national zones' GDP and its share of China's GDP."""
    return _headline(facts, part("headline", view))


@cached(max_entries=512)
def _headline(facts: Facts, view: View) -> list[tuple[str, str, str]]:
    dataset, lang = facts.dataset, view.lang
    table, _ = model.metric_by_zone(facts.table, dataset, view)
    label, _ = _metric(dataset, view.metric, lang)
    n = table["zone_id"].nunique()
    if len(table) == 1:
        row = table.iloc[0]
        help_text = f"{row['source']} — {row['caveat']}" if row["caveat"] else row["source"]
        first = (f"{row['zone']} · {label} · {row['year']}", row["label_text"].removesuffix(f" ({row['year']})"), help_text)
    elif len(table):  # a figure, not a span of years: the highest (for a rank, the best), its zone and year
        ranks = dict(zip(dataset.metrics["metric"], dataset.metrics["kind"])).get(view.metric) == "rank"
        totals = table[table["industry"] == ""] if (table["industry"] == "").any() else table
        row = totals.loc[totals["value"].idxmin() if ranks else totals["value"].idxmax()]
        words = {"metric": label, "zone": row["zone"], "year": row["year"]}
        help_key = "headline.top_help" if view.year is None else "headline.top_help_year"
        help_text = i18n.t(help_key, lang, n=n, years=year_span(table["year"]), source=row["source"])
        first = (
            i18n.t("headline.best" if ranks else "headline.top", lang, **words),
            row["label_text"].removesuffix(f" ({row['year']})"),
            help_text,
        )
    else:
        first = (label, i18n.t("value.no_data", lang), "")
    figures = [
        first,
        (
            i18n.t("headline.coverage", lang),
            f"{n} / {len(view.zones)}",
            i18n.t("coverage.zones_with_data", lang, n=n, total=len(view.zones)),
        ),
    ]
    context = national_table(facts, lang)
    if len(context):
        latest = context.iloc[-1]
        year = int(latest["year"])
        figures += [
            (i18n.t("headline.national_gdp", lang, year=year), latest["value_text"], latest["source"]),
            (i18n.t("headline.national_share", lang, year=year), latest["share_text"], latest["share_source"]),
        ]
    return figures


def map_caption(facts: Facts, view: View) -> str:
    """Which year's GDP shades the cities (in "latest available": the latest year with the most
    cities, one year on one scale)."""
    year = model.city_year(facts.dataset.city_facts, part("map", view).year)
    return i18n.t("map.city_year", view.lang, year=year) if year is not None else i18n.t("map.city_no_year", view.lang)


# The map's words (MapTexts fields) and the i18n keys they come from.
MAP_WORDS = {
    "title": "map.title", "description": "map.description", "legend_title": "map.legend", "city": "map.city",
    "city_value": "map.city_gdp", "year": "column.year", "vintage": "map.vintage", "zone": "column.zone",
    "approved": "profile.approved", "industries": "profile.lead_industries", "source": "column.source_title",
    "approx_note": "map.location",
}  # fmt: skip


def map_svg(facts: Facts, view: View, highlight: bool) -> str:
    """The map for this view: cities shaded by GDP in the view's year, zone points sized by the
    selected metric, the selected zones highlighted when a filter is set."""
    return _map_svg(facts, part("map", view), highlight)


def _map_city_unit(cities: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, str]:
    """The cities' figures in the one unit the map's colour legend says (the picture's header too)."""
    units = set(cities["unit"])
    return one_unit(cities, units.pop() if len(units) == 1 else "", lang)


def _map_zone_figures(facts: Facts, view: View) -> tuple[pd.DataFrame, str]:
    """The zones' figures the map draws (all nine, whatever the selection; the zone's own, no
    industry's) in one unit, and that unit as the map's legend says it (the picture's header too)."""
    _, metric = _metric(facts.dataset, view.metric, view.lang)
    every_zone = View(data.ZONE_IDS, frozenset(), view.metric, view.year, view.lang)
    values, _ = model.metric_by_zone(facts.table, facts.dataset, every_zone)
    return one_unit(values[values["industry"] == ""], metric["unit"], view.lang, metric)


@cached(max_entries=512)
def _map_svg(facts: Facts, view: View, highlight: bool) -> str:
    dataset, lang = facts.dataset, view.lang
    no_data = i18n.t("value.no_data", lang)
    cities = model.city_context(dataset.city_facts, view.year)
    cities = cities.assign(
        value_text=[i18n.fmt_value(v, u, q, lang) for v, u, q in zip(cities["value"], cities["unit"], cities["qualifier"])],
        vintage=cities["vintage"].map(lambda v: i18n.t(f"vintage.{v}", lang) if v else ""),
    )
    # one unit for the colour legend and the cities' tooltips, another for the dots' legend and tooltips
    cities, city_unit = _map_city_unit(cities, lang)
    cities = cities[["adcode", "value", "value_text", "year", "vintage"]]
    label, _ = _metric(dataset, view.metric, lang)
    values, unit = _map_zone_figures(facts, view)
    totals = values.set_index("zone_id")
    zones = dataset.zones
    names = model.industry_labels(dataset.industries, lang)
    x, y = geo.web_mercator(zones["lon"], zones["lat"])
    points = pd.DataFrame(
        {
            "zone_id": zones["zone_id"],
            "x": x,
            "y": y,
            "label": zones["short_zh" if lang == "zh" else "short_en"],
            "city": zones["city_zh" if lang == "zh" else "city_en"],
            "approved": zones["approved_national"].replace("", no_data),
            "industries": zones["lead_industries"].map(lambda ids: ("、" if lang == "zh" else ", ").join(names[i] for i in ids)),
            "value": zones["zone_id"].map(totals["value"]),
            "value_text": zones["zone_id"].map(totals["value_text"] + " (" + totals["year"].astype(str) + ")").fillna(no_data),
            "source": zones["zone_id"].map(totals["source"]).fillna(""),
            "selected": zones["zone_id"].isin(view.zones) & highlight,
            "approx_note": i18n.t("map.approximate_location", lang),
            "city_adcode": zones["zone_id"].map(geo.zone_cities(zones)),
        }
    )
    size_title = i18n.t("map.size_legend", lang, metric=label) + (
        (f"（{unit}）" if lang == "zh" else f" ({unit})") if unit else ""
    )
    texts = map_chart.MapTexts(
        **{word: i18n.t(key, lang, unit=city_unit) for word, key in MAP_WORDS.items()},
        no_data=no_data,
        zone_value=label,
        city_name_field="name_zh" if lang == "zh" else "name_en",
        size_title=size_title,
    )
    return map_chart.map_svg(geo.prefecture_features(cities), points, texts)


def sources_table(facts: Facts, view: View, everything: bool = False) -> pd.DataFrame:
    """The sources of the figures in view (or, `everything`, every source): title, publisher, date,
    trust grade, the figures that use it, its caveat, and a link only for official and news
    sources (mirror copies keep their URL in the data, never as a link). Figures derived in code
    are listed too, as "computed by this dashboard", with their formula."""
    return _sources_table(facts, part("sources", view), everything)


def user_sources(figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The sources an upload or a published data set names, one row per title, URL and date, as the
    person wrote them (shown as text), graded "user-supplied"; the URL a link only when http(s)."""
    if not len(figures):
        return pd.DataFrame()
    keys = ["source_title", "source_url", "source_date"]
    groups = figures.groupby(keys, sort=False)["what"].agg("; ".join).reset_index()
    return pd.DataFrame(
        {
            "title": groups["source_title"],
            "publisher": "",
            "date": groups["source_date"],
            "grade": i18n.t("trust.user_supplied", lang),
            "figures": groups["what"],
            "note": "",
            "link": groups["source_url"].map(safe.http_link),
        }
    )


@cached(max_entries=256)
def _sources_table(facts: Facts, view: View, everything: bool) -> pd.DataFrame:
    dataset, lang = facts.dataset, view.lang
    figures = model.with_derived(facts.table) if everything else model.filtered_facts(facts.table, view)
    shown = model.decorate(figures, dataset, lang)
    shown["what"] = [
        f"{z} {m} {y}" if not i else f"{z} {i} {m} {y}"
        for z, i, m, y in zip(shown["zone"], shown["industry_label"], shown["metric_label"], shown["year"])
    ]
    sourced, derived = shown[shown["trust"] != "derived"], shown[shown["trust"] == "derived"]
    used = sourced.groupby("source_id")["what"].agg("; ".join)
    sources = dataset.sources if everything else dataset.sources[dataset.sources["source_id"].isin(used.index)]
    linkable = sources["trust"].isin(model.LINKABLE) & sources["url"].ne("")
    note = (
        sources["note_zh"].where(sources["note_zh"].ne(""), sources["note"])
        if lang == "zh" and "note_zh" in sources
        else sources["note"]
    )
    table = pd.DataFrame(
        {
            "title": sources["title"],
            "publisher": sources["publisher"],
            "date": sources["date"].map(lambda d: i18n.fmt_date(d, lang)),
            "grade": sources["trust"].map(lambda g: i18n.t(model.TRUST_KEYS.get(g, "trust.mirror"), lang)),
            "figures": sources["source_id"].map(used).fillna(""),
            "note": note,
            "link": sources["url"].where(linkable, None),
        }
    )
    computed = pd.DataFrame(
        {
            "title": i18n.t("sources.derived_title", lang),
            "publisher": i18n.t("sources.derived_publisher", lang),
            "date": "",
            "grade": i18n.t("trust.derived", lang),
            "figures": derived["what"],
            "note": derived["caveat"],
            "link": None,
        }
    )
    table = pd.concat([table, computed], ignore_index=True) if len(computed) else table.reset_index(drop=True)
    supplied = user_sources(sourced[sourced["trust"] == "user"], lang)
    table = pd.concat([supplied, table], ignore_index=True) if len(supplied) else table
    return table.rename(columns={key: i18n.t(text, lang) for key, text in SOURCE_COLUMNS.items()})


SOURCE_COLUMNS = {
    "title": "sources.col_title",
    "publisher": "sources.col_publisher",
    "date": "sources.col_date",
    "grade": "sources.col_grade",
    "figures": "sources.col_figures",
    "note": "sources.col_note",
    "link": "sources.col_link",
}


def facts_table(facts: Facts, view: View) -> pd.DataFrame:
    """The figures behind the view (derived shares included, labelled) with their sources, grades
    and caveats in the view's language, headed in the view's language."""
    return _facts_table(facts, part("table", view))


@cached(max_entries=512)
def _facts_table(facts: Facts, view: View) -> pd.DataFrame:
    lang = view.lang
    shown = model.decorate(model.filtered_facts(facts.table, view), facts.dataset, lang)
    return pd.DataFrame(
        {
            i18n.t("column.zone", lang): shown["zone"],
            i18n.t("column.year", lang): shown["year"],
            i18n.t("column.metric", lang): shown["metric_label"],
            i18n.t("column.industry", lang): shown["industry_label"],
            i18n.t("column.value", lang): shown["value_text"],
            i18n.t("column.source_title", lang): shown["source_title"],
            i18n.t("sources.grade", lang): shown["trust"].map(lambda g: i18n.t(model.TRUST_KEYS.get(g, "trust.mirror"), lang)),
            i18n.t("column.note", lang): shown["caveat"],
        }
    )


@cached(max_entries=64)
def csv_download(facts: Facts, view: View | None, lang: str) -> bytes:
    """The figures behind the view (or all of them, for None) as CSV for Excel, derived shares
    included with their formula and grade, each id with its name in `lang`, and how current they
    are: each row's `zone_latest_year` (the year of its zone's latest figure) and `data_as_of` (the
    newest source date of the whole data, the same on every row)."""
    table = model.filtered_facts(facts.table, part("table", view)) if view else model.with_derived(facts.table)
    latest = model.latest_years(facts.table, data.ZONE_IDS + data.AGGREGATE_IDS)
    table = table.assign(zone_latest_year=table["zone_id"].map(latest).astype("Int64"), data_as_of=data_as_of(facts))
    return export.to_csv_bytes(table, facts.dataset, lang)


# Data as of ----------------------------------------------------------------------------------------


@cached(max_entries=8)
def data_as_of(facts: Facts) -> str:
    """The newest source date of everything the page can show: the figures (an upload's included)
    and the city context (cached: the page asks on every run)."""
    return model.data_as_of(pd.concat([facts.table[["source_date"]], facts.dataset.city_facts[["source_date"]]]))


def data_as_of_line(facts: Facts, lang: str) -> str:
    """The page's "data as of" sentence: the newest source date, and where each zone's is told."""
    newest = data_as_of(facts)
    if not newest:
        return i18n.t("asof.page_undated", lang)
    return i18n.t("asof.page", lang, date=i18n.fmt_date(newest, lang))


def latest_year_text(year: int | None, lang: str, this_year: int | None = None) -> str:
    """A zone's latest-figure year for the zone table: "2024", or "2021 (over three years old)"."""
    if year is None:
        return i18n.t("value.no_data", lang)
    return i18n.t("asof.year_stale" if model.is_stale(year, this_year) else "asof.year", lang, year=year)


@cached(max_entries=64)
def _zone_latest_year(facts: Facts, zone_id: str) -> int | None:
    return model.latest_years(facts.table, (zone_id,))[zone_id]


def zone_freshness(facts: Facts, zone_id: str, lang: str, this_year: int | None = None) -> str:
    """The profile's sentence on how current a zone's figures are; plain about a stale one."""
    year = _zone_latest_year(facts, zone_id)
    if year is None:
        return i18n.t("asof.profile_none", lang)
    key = "asof.profile_stale" if model.is_stale(year, this_year) else "asof.profile"
    return i18n.t(key, lang, year=year, years=model.STALE_AFTER_YEARS)


# ---------------------------------------------------------------------------------------------
# Pictures (issue 21): the words a saved picture carries (dashboard.picture lays them out)
# ---------------------------------------------------------------------------------------------

# Panels whose figures are the selected metric (the others name their measure in their description).
METRIC_PANELS = ("by_zone", "over_years")
PICTURE_TITLES = {"by_zone": "chart.output_by_zone", "over_years": "chart.output_over_years"}  # others: chart.<name>
# A chart's description where the page's speaks of its tooltips (a picture has none); others: the spec's.
PICTURE_DESCRIPTIONS = {"national_context": "picture.national_context_desc"}
PICTURE_NOTES = {"industry_shares": "picture.shares_note", "provincial_rank": "picture.provincial_rank_note"}  # likewise


def _drawn_rows(spec: dict) -> list[dict]:
    """Every data row a Vega-Lite spec draws (its named `datasets` used at the top or in a layer,
    or inline `data.values`): the figures drawn."""
    rows: list[dict] = []
    for part_spec in (spec, *spec.get("layer", [])):
        source = part_spec.get("data") if isinstance(part_spec.get("data"), dict) else {}
        named = spec.get("datasets", {}).get(source.get("name"), [])
        rows += [row for row in (*named, *source.get("values", [])) if isinstance(row, dict) and row not in rows]
    return rows


@cached(max_entries=8)
def _source_dates(facts: Facts, lang: str) -> dict[str, str]:
    """Each source line the page shows for a figure (model.decorate's) → that source's date."""
    shown = model.decorate(model.with_derived(facts.table), facts.dataset, lang)
    return dict(zip(shown["source"], shown["source_date"].fillna("")))


def _footer(
    sources: list[str], dates: list[str], notes: list[str], lang: str, sources_key: str = "picture.sources"
) -> tuple[str, ...]:
    """The sources line, the caveats in short (at most picture.MAX_CAVEATS, each cut to
    picture.CAVEAT_WIDTH lines) and "data as of" the newest of the sources' dates."""
    sep = "；" if lang == "zh" else "; "
    sources = list(dict.fromkeys(s for s in sources if s))
    lines = [i18n.t(sources_key, lang, sources=sep.join(sources)) if sources else i18n.t("picture.no_sources", lang)]
    width = picture.WIDTH - 2 * picture.PAD - picture.QR_SIZE - 16
    lines += [picture.shorten(note, width, picture.FOOTER_SIZE, picture.CAVEAT_WIDTH) for note in notes[: picture.MAX_CAVEATS]]
    if len(notes) > picture.MAX_CAVEATS:
        lines.append(i18n.t("picture.more_caveats", lang, n=len(notes) - picture.MAX_CAVEATS))
    newest = model.data_as_of(pd.DataFrame({"source_date": dates}))  # one rule for "data as of", the page's too
    if sources:
        lines.append(
            i18n.t("picture.as_of", lang, date=i18n.fmt_date(newest, lang)) if newest else i18n.t("picture.as_of_undated", lang)
        )
    return tuple(lines)


def _years_line(years: list, reads_year: bool, view: View) -> str:
    """ "Year: 2022", "Latest available: 2019–2022" or "Years: 2018–2023", for the figures drawn."""
    lang = view.lang
    if reads_year and view.year is not None:
        return i18n.t("picture.year", lang, year=view.year)
    known = pd.Series([y for y in years if isinstance(y, int | float) and not pd.isna(y)], dtype=float)
    if not len(known):
        return ""
    span = year_span(known)
    return i18n.t("picture.latest" if reads_year else "picture.years", lang, years=span)


def _value_axis(spec: dict) -> str:
    """The title of the axis the values are drawn on (their unit: one_unit's, as the chart says it)."""
    for layer in (spec, *spec.get("layer", [])):
        for channel in layer.get("encoding", {}).values():
            if isinstance(channel, dict) and channel.get("field") == "value" and (channel.get("axis") or {}).get("title"):
                return channel["axis"]["title"]
    return ""


def _metric_line(dataset: data.Dataset, metric: str, lang: str, unit: str | None = None) -> str:
    """ "Metric: GDP (unit: billion yuan)": `unit` as the chart draws it, else the metric's own."""
    label, row = _metric(dataset, metric, lang)
    unit = unit if unit is not None else metric_axis(row, lang)
    return i18n.t("picture.metric_unit", lang, metric=label, unit=unit) if unit else i18n.t("picture.metric", lang, metric=label)


def picture_words(name: str, facts: Facts, view: View, link: str) -> picture.Words:
    """What the picture of panel `name` says: its title, the metric with its unit and the years of
    the figures drawn; the sources of exactly those figures, their caveats in short, "data as of"
    the newest of those sources' dates; the view's link. A panel with nothing to draw says why."""
    lang, out = view.lang, panel(name, facts, view)
    spec = out.spec or {}
    rows = _drawn_rows(spec)
    label, _ = _metric(facts.dataset, view.metric, lang)
    title = (spec.get("title") or {}).get("text") or i18n.t(PICTURE_TITLES.get(name, f"chart.{name}"), lang, metric=label)
    reads_year = "year" in READS[name]
    if name in METRIC_PANELS:
        header = [_metric_line(facts.dataset, view.metric, lang, _value_axis(spec) or None)]
    else:
        header = [i18n.t(PICTURE_DESCRIPTIONS[name], lang) if name in PICTURE_DESCRIPTIONS else spec.get("description", "")]
    note = i18n.t(PICTURE_NOTES[name], lang) if name in PICTURE_NOTES and out.subtitle else out.subtitle
    header += [_years_line([r.get("year") for r in rows], reads_year, view), note]
    dates = _source_dates(facts, lang)
    sources = [r.get("source", "") for r in rows]
    if name == "industry_matrix":  # the zones' lead industries: the registry's sources
        footer = _registry_footer(facts.dataset, {r.get("zone") for r in rows}, lang)
    elif name == "coverage":  # counts of years with a figure: counted here
        footer = (i18n.t("picture.counted", lang),)
    else:
        footer = _footer(sources, [dates.get(s, "") for s in sources], list(out.notes), lang)
    return picture.Words(
        title=title,
        header=tuple(h for h in header if h),
        footer=footer,
        link_line=i18n.t("picture.link", lang, link=link) if link else "",
        link=link,
        empty=out.empty or i18n.t("picture.no_data", lang),
    )


def _registry_footer(dataset: data.Dataset, zone_names: set, lang: str) -> tuple[str, ...]:
    """The sources of the zone registry rows (lead industries) of the zones drawn."""
    zones = dataset.zones
    shown = zones[
        zones["short_zh" if lang == "zh" else "short_en"].isin(zone_names)
        | zones["name_zh" if lang == "zh" else "name_en"].isin(zone_names)
    ]
    ids = [i for ids in shown["source_ids"] for i in str(ids).split()]
    sources = dataset.sources.set_index("source_id").reindex(list(dict.fromkeys(ids))).dropna(subset=["title"])
    lines = [
        f"{title} ({date}) · {i18n.t(model.TRUST_KEYS.get(trust, 'trust.mirror'), lang)}"
        if date
        else f"{title} · {i18n.t(model.TRUST_KEYS.get(trust, 'trust.mirror'), lang)}"
        for title, date, trust in zip(sources["title"], sources["date"].fillna(""), sources["trust"])
    ]
    return _footer(lines, list(sources["date"].fillna("")), [], lang, "picture.registry")


def map_picture_words(facts: Facts, view: View, link: str) -> picture.Words:
    """What the map's picture says: the metric that sizes the zones and the GDP year that shades
    the cities, and the sources of exactly those figures (every zone's, as the map draws all nine)."""
    dataset, lang = facts.dataset, view.lang
    mapped = part("map", view)
    zones, unit = _map_zone_figures(facts, mapped)
    shaded = model.city_context(dataset.city_facts, mapped.year)
    cities = (
        model.decorate(shaded.assign(zone_id=""), dataset, lang) if len(shaded) else shaded.assign(source="", caveat="", item="")
    )
    year = model.city_year(dataset.city_facts, mapped.year)
    header = [
        _metric_line(dataset, mapped.metric, lang, unit),
        _years_line(list(zones["year"]), True, mapped),
        i18n.t("picture.map_cities", lang, year=year, unit=_map_city_unit(shaded, lang)[1])
        if year is not None
        else i18n.t("map.city_no_year", lang),
    ]
    city_names = {city["adcode"]: city["name_zh" if lang == "zh" else "name_en"] for city in geo.prefecture_features()}
    if len(cities):
        cities = cities.assign(item=cities["adcode"].map(city_names))
    sources = list(zones["source"]) + list(cities["source"] if len(cities) else [])
    dates = list(zones["source_date"]) + list(cities["source_date"] if len(cities) else [])
    notes = flagged_notes(zones, lang) + (flagged_notes(cities, lang) if len(cities) else [])
    return picture.Words(
        title=i18n.t("map.title", lang),
        header=tuple(h for h in header if h),
        footer=_footer(sources, dates, notes, lang),
        link_line=i18n.t("picture.link", lang, link=link) if link else "",
        link=link,
    )


def upload_problems(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What an upload got wrong, in the page's language: a problem of the whole file says so
    instead of a blank row number."""
    whole_file = i18n.t("upload.whole_file", lang)
    return pd.DataFrame(
        {
            i18n.t("upload.col_row", lang): [whole_file if pd.isna(row) else str(row) for row in table["row"]],
            i18n.t("upload.col_column", lang): table["column"],
            i18n.t("upload.col_problem", lang): [i18n.problem_text(message, lang) for message in table["problem"]],
        }
    )
