"""Panels: each chart of the page as a ready Vega-Lite spec plus the words around it.

A panel joins model (the table), charts (the Altair builder) and i18n (the words) for one view,
and is cached per (facts, view, language): a rerun that changes nothing rebuilds nothing, and a
rerun that changes the view pays for pandas and for filling the chart's rows into a shape that
dashboard.charts built once (the unit tests validate every shape against Vega-Lite's schema).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd
import streamlit as st

from dashboard import charts, data, geo, i18n, map_chart, model
from dashboard.charts import Texts


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


def by_zone(dataset, facts, view: model.View) -> Panel:
    lang = view.lang
    table, missing = model.metric_by_zone(facts, dataset, view)
    label, metric = _metric(dataset, view.metric, lang)
    if not len(table):
        return Panel(None, empty=i18n.t("empty.year", lang, metric=label, year=view.year), missing=missing)
    texts = Texts(i18n.t("chart.output_by_zone", lang, metric=label, year=view.year),
                  i18n.t("chart.output_by_zone_desc", lang, metric=label, year=view.year, n=len(table)),
                  axis=i18n.fmt_axis_unit(metric["unit"], lang), tooltip=tooltip_titles(lang), trust_domain=trust_domain(lang))
    return Panel(charts.bar_by_zone(with_trust_labels(table, lang), texts), missing=missing)


def over_years(dataset, facts, view: model.View) -> Panel:
    lang = view.lang
    table = model.metric_over_years(facts, dataset, view)
    label, metric = _metric(dataset, view.metric, lang)
    if not len(table):
        return Panel(None)
    texts = Texts(i18n.t("chart.output_over_years", lang, metric=label), i18n.t("chart.output_over_years_desc", lang, metric=label),
                  axis=i18n.fmt_axis_unit(metric["unit"], lang), tooltip=tooltip_titles(lang))
    spec = charts.points_over_years(table, texts, reverse=metric["kind"] == "rank")
    return Panel(spec, subtitle=i18n.t("chart.points_note", lang))


def enterprises(dataset, facts, view: model.View) -> Panel:
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


def industry_matrix(dataset, facts, view: model.View) -> Panel:
    lang = view.lang
    matrix = model.industry_matrix(dataset, view)
    if not len(matrix):
        return Panel(None, empty=i18n.t("empty.industries", lang))
    texts = Texts(i18n.t("chart.industry_matrix", lang), i18n.t("chart.industry_matrix_desc", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.industry_matrix(matrix, texts))


def industry_revenue(dataset, facts, view: model.View) -> Panel:
    lang = view.lang
    table = model.industry_figures(facts, dataset, view, ("industry_revenue",))
    if not len(table):
        return Panel(None, empty=i18n.t("empty.industries", lang))
    texts = Texts(i18n.t("chart.industry_revenue", lang), i18n.t("chart.industry_revenue_desc", lang),
                  axis=i18n.fmt_axis_unit("亿元", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.industry_bars(with_trust_labels(table, lang), texts))


def industry_shares(dataset, facts, view: model.View) -> Panel:
    lang = view.lang
    derived = data.derived_shares(facts)
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


def national_rank(dataset, facts, view: model.View) -> Panel:
    lang = view.lang
    ranks = model.national_ranks(facts, dataset, view)
    if not len(ranks):
        return Panel(None, empty=i18n.t("empty.ranks", lang))
    texts = Texts(i18n.t("chart.national_rank", lang), i18n.t("chart.national_rank_desc", lang),
                  axis=i18n.t("chart.rank_axis", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.points_over_years(ranks, texts, reverse=True), subtitle=i18n.t("chart.rank_axis_note", lang))


@st.cache_data(show_spinner=False, max_entries=64)
def national_table(folder: str, token: str, lang: str) -> pd.DataFrame:
    """National zones' GDP by year with share and count: the same for every zone selection."""
    return model.national_context(facts_for(token), data.load_dataset(folder), lang)


def national_context(dataset, facts, view: model.View) -> Panel:
    lang = view.lang
    context = model.national_context(facts, dataset, lang)
    if not len(context):
        return Panel(None, empty=i18n.t("value.no_data", lang))
    texts = Texts(i18n.t("chart.national_context", lang), i18n.t("chart.national_context_desc", lang),
                  axis=i18n.fmt_axis_unit("亿元", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.national_bars(context, texts))


def coverage(dataset, facts, view: model.View) -> Panel:
    lang = view.lang
    texts = Texts(i18n.t("chart.coverage", lang), i18n.t("chart.coverage_desc", lang),
                  axis=i18n.t("chart.coverage_years", lang), tooltip=tooltip_titles(lang))
    return Panel(charts.coverage_heatmap(model.coverage(facts, dataset, view), texts),
                 subtitle=i18n.t("chart.coverage_caption", lang))


BUILDERS = {f.__name__: f for f in (by_zone, over_years, enterprises, industry_matrix, industry_revenue,
                                   industry_shares, national_rank, national_context, coverage)}


@st.cache_resource(show_spinner=False)
def _facts_by_token() -> dict[str, pd.DataFrame]:
    """Session facts (bundled or overlaid with an upload) by content token, shared by the process:
    panels are cached on the short token instead of hashing the whole table on every call."""
    return {}


def remember(token: str, facts: pd.DataFrame) -> None:
    _facts_by_token()[token] = facts


def facts_for(token: str) -> pd.DataFrame:
    return _facts_by_token()[token]


# What each panel reads of the view; the rest is blanked before the cache lookup, so changing the
# metric or year does not rebuild the enterprise, industry, rank and national panels.
READS = {
    "by_zone": ("zones", "industries", "metric", "year"), "over_years": ("zones", "industries", "metric"),
    "enterprises": ("zones", "year"), "industry_matrix": ("zones", "industries"),
    "industry_revenue": ("zones", "industries"), "industry_shares": ("zones", "industries"),
    "national_rank": ("zones",), "national_context": (), "coverage": ("zones",),
}


def panel(name: str, folder: str, token: str, view: model.View) -> Panel:
    """The named panel for these facts and this view (cached: the same view costs a lookup)."""
    blank = {"zones": (), "industries": frozenset(), "metric": "", "year": None}
    key = replace(view, **{field: value for field, value in blank.items() if field not in READS[name]})
    return _panel(name, folder, token, key)


@st.cache_data(show_spinner=False, max_entries=2048)
def _panel(name: str, folder: str, token: str, view: model.View) -> Panel:
    return BUILDERS[name](data.load_dataset(folder), facts_for(token), view)


@st.cache_data(show_spinner=False, max_entries=512)
def headline(folder: str, token: str, view: model.View) -> list[tuple[str, str, str]]:
    """The four headline figures as (label, value, help): the selected metric (its value when one
    zone has it), how many zones have a figure, national zones' GDP and its share of China's GDP."""
    dataset, facts, lang = data.load_dataset(folder), facts_for(token), view.lang
    table, _ = model.metric_by_zone(facts, dataset, view)
    label, _ = _metric(dataset, view.metric, lang)
    n = table["zone_id"].nunique()
    if len(table) == 1:
        row = table.iloc[0]
        first = (f"{row['zone']} · {label} · {view.year}", row["value_text"], row["source"])
    else:
        first = (label, i18n.fmt_year(view.year, lang) if view.year else i18n.t("value.no_data", lang), "")
    figures = [first, (i18n.t("headline.coverage", lang), f"{n} / {len(view.zones)}",
                       i18n.t("coverage.zones_with_data", lang, n=n, total=len(view.zones)))]
    context = national_table(folder, token, lang)
    if len(context):
        latest = context.iloc[-1]
        year = int(latest["year"])
        figures += [(i18n.t("headline.national_gdp", lang, year=year), latest["value_text"], latest["source"]),
                    (i18n.t("headline.national_share", lang, year=year), latest["share_text"], latest["share_source"])]
    return figures


@st.cache_data(show_spinner=False, max_entries=512)
def map_spec(folder: str, token: str, view: model.View, highlight: bool) -> dict:
    """The map for this view: cities shaded by GDP in the view's year, zone points sized by the
    selected metric, the selected zones highlighted when a filter is set."""
    dataset, facts, lang = data.load_dataset(folder), facts_for(token), view.lang
    no_data = i18n.t("value.no_data", lang)
    cities = model.city_context(dataset.city_facts, view.year)
    cities = cities.assign(
        value_text=[i18n.fmt_value(v, u, q, lang) for v, u, q in zip(cities["value"], cities["unit"], cities["qualifier"])],
        vintage=cities["vintage"].map(lambda v: i18n.t(f"vintage.{v}", lang) if v else ""),
    )[["adcode", "value", "value_text", "year", "vintage"]]
    values, _ = model.metric_by_zone(facts, dataset, replace(view, zones=data.ZONE_IDS, industries=frozenset()))
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
        "value_text": zones["zone_id"].map(totals["value_text"]).fillna(no_data),
        "source": zones["zone_id"].map(totals["source"]).fillna(""),
        "selected": zones["zone_id"].isin(view.zones) & highlight,
        "approx_note": i18n.t("map.approximate_location", lang),
    })
    label, _ = _metric(dataset, view.metric, lang)
    texts = map_chart.MapTexts(
        title=i18n.t("map.title", lang), description=i18n.t("map.description", lang),
        legend_title=i18n.t("map.legend", lang, year=view.year or ""), no_data=no_data,
        city=i18n.t("map.city", lang), city_value=i18n.t("map.city_gdp", lang), year=i18n.t("column.year", lang),
        vintage=i18n.t("map.vintage", lang), zone=i18n.t("column.zone", lang), approved=i18n.t("profile.approved", lang),
        industries=i18n.t("profile.lead_industries", lang), zone_value=f"{label} ({view.year})",
        source=i18n.t("column.source_title", lang), approx_note=i18n.t("map.location", lang),
        city_name_field="name_zh" if lang == "zh" else "name_en",
    )
    return map_chart.map_spec(geo.prefecture_features(cities), points, texts)


@st.cache_data(show_spinner=False, max_entries=64)
def sources_table(folder: str, token: str, lang: str) -> pd.DataFrame:
    """Every source: title, publisher, date, trust grade, the figures that use it, and a link only
    for official and news sources (mirror copies keep their URL in the data, never as a link)."""
    dataset = data.load_dataset(folder)
    shown = model.decorate(facts_for(token), dataset, lang)
    used = shown.groupby("source_id").apply(
        lambda g: "; ".join(f"{z} {m} {y}" for z, m, y in zip(g["zone"], g["metric_label"], g["year"])), include_groups=False)
    sources = dataset.sources
    linkable = sources["trust"].isin(["official", "news"]) & sources["url"].ne("")
    return pd.DataFrame({
        i18n.t("sources.col_title", lang): sources["title"],
        i18n.t("sources.col_publisher", lang): sources["publisher"],
        i18n.t("sources.col_date", lang): sources["date"],
        i18n.t("sources.grade", lang): sources["trust"].map(lambda g: i18n.t(model.TRUST_KEYS[g], lang)),
        i18n.t("sources.col_figures", lang): sources["source_id"].map(used).fillna(""),
        i18n.t("sources.col_link", lang): sources["url"].where(linkable, None),
    })


@st.cache_data(show_spinner=False, max_entries=512)
def facts_table(folder: str, token: str, view: model.View) -> pd.DataFrame:
    """The figures behind the view with their sources, grades and caveats, headed in the view's language."""
    lang = view.lang
    shown = model.decorate(model.filtered_facts(facts_for(token), view), data.load_dataset(folder), lang)
    return pd.DataFrame({
        i18n.t("column.zone", lang): shown["zone"], i18n.t("column.year", lang): shown["year"],
        i18n.t("column.metric", lang): shown["metric_label"], i18n.t("column.industry", lang): shown["industry_label"],
        i18n.t("column.value", lang): shown["value_text"], i18n.t("column.source_title", lang): shown["source_title"],
        i18n.t("sources.grade", lang): shown["trust"].map(lambda g: i18n.t(model.TRUST_KEYS.get(g, "trust.mirror"), lang)),
        i18n.t("column.note", lang): shown["note"],
    })
