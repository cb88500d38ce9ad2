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

from dashboard import charts, data, export, geo, i18n, map_chart, model
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
    `missing` lists the zones without a figure ("no data", never drawn as 0)."""

    spec: dict | None
    subtitle: str = ""
    empty: str = ""
    missing: list[str] = field(default_factory=list)


def tooltip_titles(lang: str) -> tuple[tuple[str, str], ...]:
    return tuple({"item": i18n.t("column.zone", lang), "zone": i18n.t("column.zone", lang),
            "value_text": i18n.t("column.value", lang), "year": i18n.t("column.year", lang),
            "source": i18n.t("column.source_title", lang), "caveat": i18n.t("column.note", lang),
            "metric_label": i18n.t("column.metric", lang), "industry_label": i18n.t("column.industry", lang),
            "role": i18n.t("column.role", lang), "group": i18n.t("column.group", lang),
            "years": i18n.t("chart.coverage_years", lang), "of_total": i18n.t("rank.pool", lang),
            "share_text": i18n.t("context.gdp_share", lang), "zones_text": i18n.t("context.zone_count", lang),
            "trust_label": i18n.t("sources.grade", lang)}.items())


def trust_domain(lang: str) -> tuple[str, ...]:
    return tuple(i18n.t(model.TRUST_KEYS[g], lang) for g in charts.TRUST_ORDER)


def with_trust_labels(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    return table.assign(trust_label=table["trust"].map(lambda g: i18n.t(model.TRUST_KEYS.get(g, "trust.mirror"), lang)),
                        year_label=table["year"].astype(str))


def _metric(dataset: data.Dataset, metric: str, lang: str) -> tuple[str, pd.Series]:
    row = dataset.metrics.set_index("metric").loc[metric]
    return row["label_zh" if lang == "zh" else "label_en"], row


def by_zone(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table, missing = model.metric_by_zone(facts, dataset, view)
    label, metric = _metric(dataset, view.metric, lang)
    if not len(table):
        return Panel(None, empty=i18n.t("empty.year", lang, metric=label, year=view.year), missing=missing)
    texts = Texts(i18n.t("chart.output_by_zone", lang, metric=label), i18n.t("chart.output_by_zone_desc", lang, metric=label),
                  axis=i18n.fmt_axis_unit(metric["unit"], lang), tooltip=tooltip_titles(lang), trust_domain=trust_domain(lang))
    caption = i18n.t("chart.output_by_zone_caption", lang, year=view.year, n=table["zone_id"].nunique(), total=len(view.zones))
    return Panel(charts.bar_by_zone(with_trust_labels(table, lang), texts), subtitle=caption, missing=missing)


def over_years(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table = model.metric_over_years(facts, dataset, view)
    label, metric = _metric(dataset, view.metric, lang)
    if not len(table):
        return Panel(None)
    texts = Texts(i18n.t("chart.output_over_years", lang, metric=label), i18n.t("chart.output_over_years_desc", lang, metric=label),
                  axis=i18n.fmt_axis_unit(metric["unit"], lang), tooltip=tooltip_titles(lang))
    spec = charts.points_over_years(table, texts, reverse=metric["kind"] == "rank")
    return Panel(spec, subtitle=i18n.t("chart.points_note", lang))


def enterprises(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table = model.enterprises(facts, dataset, view)
    labels = model.zone_labels(dataset.zones, lang)
    missing = [labels[z] for z in view.zones if z not in set(table["zone_id"])]
    if not len(table):
        return Panel(None, empty=i18n.t("empty.enterprises", lang), missing=missing)
    table = table.assign(label_text=[f"{v} ({y})" for v, y in zip(table["value_text"], table["year"])])
    texts = Texts(i18n.t("chart.enterprises", lang), i18n.t("chart.enterprises_desc", lang),
                  axis=i18n.fmt_axis_unit("家", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.grouped_bars(table, texts), subtitle=i18n.t("chart.latest_note", lang), missing=missing)


def industry_matrix(dataset, facts, view: View) -> Panel:
    lang = view.lang
    matrix = model.industry_matrix(dataset, view)
    if not len(matrix):
        return Panel(None, empty=i18n.t("empty.industries", lang))
    texts = Texts(i18n.t("chart.industry_matrix", lang), i18n.t("chart.industry_matrix_desc", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.industry_matrix(matrix, texts))


def industry_revenue(dataset, facts, view: View) -> Panel:
    lang = view.lang
    table = model.industry_figures(facts, dataset, view, ("industry_revenue",))
    if not len(table):
        return Panel(None, empty=i18n.t("empty.industries", lang))
    texts = Texts(i18n.t("chart.industry_revenue", lang), i18n.t("chart.industry_revenue_desc", lang),
                  axis=i18n.fmt_axis_unit("亿元", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.industry_bars(with_trust_labels(table, lang), texts))


def industry_shares(dataset, facts, view: View) -> Panel:
    lang = view.lang
    derived = model.derived_shares(facts)
    derived = derived[derived["zone_id"].isin(view.zones)]
    if view.industries:
        derived = derived[derived["industry"].isin(view.industries)]
    table = pd.concat([model.industry_figures(facts, dataset, view, model.SHARE_METRICS), model.decorate(derived, dataset, lang)])
    if not len(table):
        return Panel(None, empty=i18n.t("empty.industries", lang))
    table = table.assign(item=[f"{i} · {m}" for i, m in zip(table["item"], table["metric_label"])])
    texts = Texts(i18n.t("chart.industry_shares", lang), i18n.t("chart.industry_shares_desc", lang), axis="%", tooltip=tooltip_titles(lang))
    spec = charts.industry_bars(with_trust_labels(table, lang), texts, domain_max=100)
    return Panel(spec, subtitle=i18n.t("chart.shares_note", lang))


def national_rank(dataset, facts, view: View) -> Panel:
    lang = view.lang
    ranks = model.national_ranks(facts, dataset, view)
    if not len(ranks):
        return Panel(None, empty=i18n.t("empty.ranks", lang))
    texts = Texts(i18n.t("chart.national_rank", lang), i18n.t("chart.national_rank_desc", lang),
                  axis=i18n.t("chart.rank_axis", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.points_over_years(ranks, texts, reverse=True), subtitle=i18n.t("chart.rank_axis_note", lang))


@cached(max_entries=16)
def national_table(facts: Facts, lang: str) -> pd.DataFrame:
    """National zones' GDP by year with share and count: the same for every zone selection."""
    return model.national_context(facts.table, facts.dataset, lang)


def national_context(dataset, facts, view: View) -> Panel:
    lang = view.lang
    context = model.national_context(facts, dataset, lang)
    if not len(context):
        return Panel(None, empty=i18n.t("value.no_data", lang))
    texts = Texts(i18n.t("chart.national_context", lang), i18n.t("chart.national_context_desc", lang),
                  axis=i18n.fmt_axis_unit("亿元", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.national_bars(context, texts))


def coverage(dataset, facts, view: View) -> Panel:
    lang = view.lang
    texts = Texts(i18n.t("chart.coverage", lang), i18n.t("chart.coverage_desc", lang),
                  axis=i18n.t("chart.coverage_years", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.coverage_heatmap(model.coverage(facts, dataset, view), texts),
                 subtitle=i18n.t("chart.coverage_caption", lang))


BUILDERS = {f.__name__: f for f in (by_zone, over_years, enterprises, industry_matrix, industry_revenue,
                                   industry_shares, national_rank, national_context, coverage)}


# What each panel reads of the view. `part` blanks the rest before the cache lookup, so changing the
# metric or year does not rebuild the enterprise, industry, rank and national panels.
# tests/test_panels.py checks that no panel reads a field it is not given here.
READS = {
    "by_zone": ("zones", "industries", "metric", "year", "lang"), "over_years": ("zones", "industries", "metric", "lang"),
    "enterprises": ("zones", "year", "lang"), "industry_matrix": ("zones", "industries", "lang"),
    "industry_revenue": ("zones", "industries", "lang"), "industry_shares": ("zones", "industries", "lang"),
    "national_rank": ("zones", "lang"), "national_context": ("lang",), "coverage": ("zones", "lang"),
    "headline": ("zones", "industries", "metric", "year", "lang"), "map": ("zones", "metric", "year", "lang"),
    "table": ("zones", "industries", "lang"), "sources": ("zones", "industries", "lang"),
}
_BLANK = {"zones": (), "industries": frozenset(), "metric": "", "year": None, "lang": ""}


def zone_profile(dataset: data.Dataset, zone_id: str, lang: str) -> pd.DataFrame:
    """One zone's registry facts as (field, value) rows: name, city, approval, area, industries."""
    zone = dataset.zones.set_index("zone_id").loc[zone_id]
    no_data = i18n.t("value.no_data", lang)
    zh = lang == "zh"
    area = (f"{i18n.fmt_value(zone['area_km2'], 'km²', 'exact', lang)} ({zone['area_kind_zh' if zh else 'area_kind_en']})"
            if pd.notna(zone["area_km2"]) else no_data)
    rows = [
        (i18n.t("profile.name", lang), zone["name_zh" if zh else "name_en"]),
        (i18n.t("profile.city", lang), zone["city_zh" if zh else "city_en"]),
        (i18n.t("profile.approved", lang), zone["approved_national"] or no_data),
        (i18n.t("profile.area", lang), area),
        (i18n.t("profile.lead_industries", lang), zone["lead_industries_zh" if zh else "lead_industries_en"]),
        (i18n.t("profile.location", lang), i18n.t("map.approximate_location", lang)),
    ]
    return pd.DataFrame(rows, columns=[i18n.t("profile.field", lang), i18n.t("profile.value", lang)])


def area_note(dataset: data.Dataset, zone_id: str, lang: str) -> str:
    """What the zone's area figure means (or why there is none)."""
    zone = dataset.zones.set_index("zone_id").loc[zone_id]
    return zone["area_note"] if pd.notna(zone["area_km2"]) or zone["area_note"] else ""


def part(name: str, view: View) -> View:
    """The slice of `view` that panel `name` reads; every other field blanked."""
    return replace(view, **{f: blank for f, blank in _BLANK.items() if f not in READS[name]})


def panel(name: str, facts: Facts, view: View) -> Panel:
    """The named chart panel for these facts and this view (cached on what it reads)."""
    return _panel(facts, name, part(name, view))


@cached(max_entries=2048)
def _panel(facts: Facts, name: str, view: View) -> Panel:
    out = BUILDERS[name](facts.dataset, facts.table, view)
    return replace(out, spec={"name": name, **out.spec}) if out.spec is not None else out


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
        first = (f"{row['zone']} · {label} · {view.year}", row["value_text"], row["source"])
    else:
        first = (label, i18n.fmt_year(view.year, lang) if view.year else i18n.t("value.no_data", lang), "")
    figures = [first, (i18n.t("headline.coverage", lang), f"{n} / {len(view.zones)}",
                       i18n.t("coverage.zones_with_data", lang, n=n, total=len(view.zones)))]
    context = national_table(facts, lang)
    if len(context):
        latest = context.iloc[-1]
        year = int(latest["year"])
        figures += [(i18n.t("headline.national_gdp", lang, year=year), latest["value_text"], latest["source"]),
                    (i18n.t("headline.national_share", lang, year=year), latest["share_text"], latest["share_source"])]
    return figures


def map_spec(facts: Facts, view: View, highlight: bool) -> dict:
    """The map for this view: cities shaded by GDP in the view's year, zone points sized by the
    selected metric, the selected zones highlighted when a filter is set."""
    return _map_spec(facts, part("map", view), highlight)


@cached(max_entries=512)
def _map_spec(facts: Facts, view: View, highlight: bool) -> dict:
    dataset, lang = facts.dataset, view.lang
    no_data = i18n.t("value.no_data", lang)
    cities = model.city_context(dataset.city_facts, view.year)
    cities = cities.assign(
        value_text=[i18n.fmt_value(v, u, q, lang) for v, u, q in zip(cities["value"], cities["unit"], cities["qualifier"])],
        vintage=cities["vintage"].map(lambda v: i18n.t(f"vintage.{v}", lang) if v else ""),
    )[["adcode", "value", "value_text", "year", "vintage"]]
    values, _ = model.metric_by_zone(facts.table, dataset, View(data.ZONE_IDS, frozenset(), view.metric, view.year, lang))
    totals = values[values["industry"] == ""].set_index("zone_id")
    zones = dataset.zones
    names = model.industry_labels(dataset.industries, lang)
    points = pd.DataFrame({
        "zone_id": zones["zone_id"], "lon": zones["lon"], "lat": zones["lat"],
        "label": zones["short_zh" if lang == "zh" else "short_en"],
        "city": zones["city_zh" if lang == "zh" else "city_en"],
        "approved": zones["approved_national"].replace("", no_data),
        "industries": zones["lead_industries"].map(lambda ids: "、".join(names[i] for i in ids)),
        "value": zones["zone_id"].map(totals["value"]),
        "value_text": zones["zone_id"].map(totals["value_text"] + " (" + totals["year"].astype(str) + ")").fillna(no_data),
        "source": zones["zone_id"].map(totals["source"]).fillna(""),
        "selected": zones["zone_id"].isin(view.zones) & highlight,
        "approx_note": i18n.t("map.approximate_location", lang),
    })
    label, _ = _metric(dataset, view.metric, lang)
    texts = map_chart.MapTexts(
        title=i18n.t("map.title", lang), description=i18n.t("map.description", lang),
        legend_title=i18n.t("map.legend", lang), no_data=no_data,
        city=i18n.t("map.city", lang), city_value=i18n.t("map.city_gdp", lang), year=i18n.t("column.year", lang),
        vintage=i18n.t("map.vintage", lang), zone=i18n.t("column.zone", lang), approved=i18n.t("profile.approved", lang),
        industries=i18n.t("profile.lead_industries", lang), zone_value=label,
        source=i18n.t("column.source_title", lang), approx_note=i18n.t("map.location", lang),
        city_name_field="name_zh" if lang == "zh" else "name_en",
    )
    return {"name": "map", **map_chart.map_spec(geo.prefecture_features(cities), points, texts)}


def sources_table(facts: Facts, view: View) -> pd.DataFrame:
    """Every source: title, publisher, date, trust grade, the figures that use it, and a link only
    for official and news sources (mirror copies keep their URL in the data, never as a link)."""
    return _sources_table(facts, part("sources", view).lang)


@cached(max_entries=64)
def _sources_table(facts: Facts, lang: str) -> pd.DataFrame:
    dataset = facts.dataset
    shown = model.decorate(facts.table, dataset, lang)
    used = shown.groupby("source_id").apply(
        lambda g: "; ".join(f"{z} {m} {y}" for z, m, y in zip(g["zone"], g["metric_label"], g["year"])), include_groups=False)
    sources = dataset.sources
    linkable = sources["trust"].isin(["official", "news"]) & sources["url"].ne("")
    return pd.DataFrame({
        i18n.t("sources.col_title", lang): sources["title"],
        i18n.t("sources.col_publisher", lang): sources["publisher"],
        i18n.t("sources.col_date", lang): sources["date"].map(lambda d: i18n.fmt_date(d, lang)),
        i18n.t("sources.grade", lang): sources["trust"].map(lambda g: i18n.t(model.TRUST_KEYS[g], lang)),
        i18n.t("sources.col_figures", lang): sources["source_id"].map(used).fillna(""),
        i18n.t("sources.col_link", lang): sources["url"].where(linkable, None),
    })


def facts_table(facts: Facts, view: View) -> pd.DataFrame:
    """The figures behind the view with their sources, grades and caveats, headed in the view's language."""
    return _facts_table(facts, part("table", view))


@cached(max_entries=512)
def _facts_table(facts: Facts, view: View) -> pd.DataFrame:
    lang = view.lang
    shown = model.decorate(model.filtered_facts(facts.table, view), facts.dataset, lang)
    return pd.DataFrame({
        i18n.t("column.zone", lang): shown["zone"], i18n.t("column.year", lang): shown["year"],
        i18n.t("column.metric", lang): shown["metric_label"], i18n.t("column.industry", lang): shown["industry_label"],
        i18n.t("column.value", lang): shown["value_text"], i18n.t("column.source_title", lang): shown["source_title"],
        i18n.t("sources.grade", lang): shown["trust"].map(lambda g: i18n.t(model.TRUST_KEYS.get(g, "trust.mirror"), lang)),
        i18n.t("column.note", lang): shown["note"],
    })


@cached(max_entries=64)
def csv_download(facts: Facts, view: View | None) -> bytes:
    """The figures behind the view (or all of them, for None) as CSV for Excel."""
    return export.to_csv_bytes(model.filtered_facts(facts.table, part("table", view)) if view else facts.table)
