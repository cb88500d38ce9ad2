"""The page: composes data, filters, map, charts and text. It reads top to bottom like the page.

State: one `Filters` value in st.session_state is the truth. It is seeded once per session from
the URL (dashboard.state.parse_query), every widget's on_change callback and the map's on_select
callback replace it, and the URL is rewritten from it at the end of each run (defaults left out),
so a copied link reproduces the view in either language.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import charts, data, geo, i18n, map_chart, model, safe, state
from dashboard.charts import Texts

DEFAULT_METRIC = "industrial_revenue"
SELECTABLE_GROUPS = ("output", "enterprises", "industry", "ranking")
TRUST_ORDER = charts.TRUST_ORDER
# Static CSS, no data in it: headline figures such as "125.8 billion yuan" fit their column.
PAGE_CSS = "<style>[data-testid='stMetricValue']{font-size:1.6rem}</style>"


# ---------------------------------------------------------------------------------------------
# Data for this session: the bundled (or configured) folder, overlaid with an upload if any
# ---------------------------------------------------------------------------------------------

def session_facts(dataset: data.Dataset) -> pd.DataFrame:
    upload = st.session_state.get("upload")
    return data.overlay(dataset.facts, upload["facts"]) if upload else dataset.facts


def vocabulary(dataset: data.Dataset, facts: pd.DataFrame) -> state.Vocabulary:
    years = model.metric_years(facts)
    selectable = dataset.metrics[dataset.metrics["group"].isin(SELECTABLE_GROUPS) & dataset.metrics["metric"].isin(years)]
    return state.Vocabulary(zones=data.ZONE_IDS, industries=tuple(dataset.industries["industry"]),
                            metrics=tuple(selectable["metric"]), default_metric=DEFAULT_METRIC, years=years)


# ---------------------------------------------------------------------------------------------
# Filter state: URL → session once; widgets and map → session; session → URL every run
# ---------------------------------------------------------------------------------------------

def query_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def init_filters(vocab: state.Vocabulary) -> None:
    if "filters" in st.session_state:
        return
    filters, notices = state.parse_query(query_params(), vocab, browser_locale=st.context.locale)
    st.session_state.filters = filters
    st.session_state.notices = notices
    sync_widgets(filters, vocab)


def sync_widgets(filters: state.Filters, vocab: state.Vocabulary) -> None:
    """Widget values follow the filters (callbacks run before widgets exist, so this is allowed)."""
    st.session_state.w_lang = filters.lang
    st.session_state.w_zones = list(filters.zones)
    st.session_state.w_industries = list(filters.industries)
    st.session_state.w_metric = filters.metric
    st.session_state.w_year = state.shown_year(filters, vocab)


def set_filters(filters: state.Filters, vocab: state.Vocabulary) -> None:
    st.session_state.filters = filters
    st.session_state.notices = []
    sync_widgets(filters, vocab)


def on_widget_change(vocab: state.Vocabulary) -> None:
    """Every sidebar widget: read them all into one Filters value."""
    ss = st.session_state
    current: state.Filters = ss.filters
    if ss.w_metric != current.metric:
        filters = state.select_metric(current, ss.w_metric, vocab)
    else:
        year = ss.w_year if ss.w_year != vocab.latest_year(current.metric) else None
        filters = replace(current, year=year)
    filters = replace(filters, lang=ss.w_lang or current.lang,
                      zones=tuple(z for z in vocab.zones if z in ss.w_zones),
                      industries=tuple(i for i in vocab.industries if i in ss.w_industries))
    set_filters(filters, vocab)


def on_map_select(vocab: state.Vocabulary, zone_city: dict[str, int]) -> None:
    """A map click: a zone point toggles that zone, a city selects its zones, empty space nothing."""
    ss = st.session_state
    event = ss.get(map_key())
    zones = map_chart.zones_after_map_click(event, ss.filters.zones, zone_city)
    ss.map_clicks = ss.get("map_clicks", 0) + 1  # a fresh chart key: the next click starts from empty
    if zones != ss.filters.zones:
        set_filters(replace(ss.filters, zones=tuple(z for z in vocab.zones if z in zones)), vocab)


def map_key() -> str:
    return f"map_{st.session_state.get('map_clicks', 0)}"


def write_url(filters: state.Filters, vocab: state.Vocabulary) -> None:
    wanted = state.to_query(filters, vocab)
    if wanted != query_params():
        st.query_params.from_dict(wanted)


# ---------------------------------------------------------------------------------------------
# The sidebar
# ---------------------------------------------------------------------------------------------

def sidebar(dataset: data.Dataset, facts: pd.DataFrame, vocab: state.Vocabulary, lang: str) -> None:
    sb = st.sidebar
    callback = {"on_change": on_widget_change, "args": (vocab,)}
    sb.segmented_control(i18n.t("sidebar.language", lang), ["zh", "en"], key="w_lang",
                         format_func=lambda code: i18n.t(f"lang.{code}", lang), **callback)
    sb.header(i18n.t("sidebar.filters", lang))
    zones = model.zone_labels(dataset.zones, lang)
    sb.multiselect(i18n.t("sidebar.zones", lang), list(vocab.zones), key="w_zones", format_func=zones.get,
                   placeholder=i18n.t("sidebar.zones_all", lang), help=i18n.t("sidebar.zones_help", lang), **callback)
    industries = model.industry_labels(dataset.industries, lang)
    offered = [i for i in vocab.industries if i in used_industries(dataset, facts)]
    sb.multiselect(i18n.t("sidebar.industries", lang), offered, key="w_industries", format_func=industries.get,
                   placeholder=i18n.t("sidebar.industries_all", lang), help=i18n.t("sidebar.industries_help", lang), **callback)
    labels = model.metric_labels(dataset.metrics, lang)
    group = dict(zip(dataset.metrics["metric"], dataset.metrics["group"]))
    sb.selectbox(i18n.t("sidebar.metric", lang), list(vocab.metrics), key="w_metric",
                 format_func=lambda m: f"{i18n.t('group.' + group[m], lang)} · {labels[m]}", **callback)
    years = list(reversed(vocab.years_for(st.session_state.filters.metric)))
    if st.session_state.get("w_year") not in years:
        st.session_state.w_year = years[0] if years else None
    sb.selectbox(i18n.t("sidebar.year", lang), years, key="w_year", **callback)


def used_industries(dataset: data.Dataset, facts: pd.DataFrame) -> set[str]:
    """Industries a user can pick: lead industries of a zone, or with a zone figure."""
    lead = {i for ids in dataset.zones["lead_industries"] for i in ids}
    return lead | set(facts.loc[facts["zone_id"].isin(data.ZONE_IDS), "industry"]) - {""}


# ---------------------------------------------------------------------------------------------
# Upload: a session-only overlay, validated by read_facts; the bundled files are never written
# ---------------------------------------------------------------------------------------------

def on_upload(folder: str, key: str) -> None:
    ss = st.session_state
    file = ss.get(key)
    if file is None:
        return
    try:
        facts = data.read_facts(file, folder)
    except data.DataError as error:
        ss.upload_error = {"name": file.name, "table": error.table(), "count": len(error.problems)}
        return
    ss.upload_error = None
    ss.upload = {"name": file.name, "facts": facts, "token": hashlib.sha1(file.getvalue()).hexdigest()}
    ss.pop("filters", None)  # years and metrics may have changed: re-derive the view from the URL


def on_reset_upload() -> None:
    for key in ("upload", "upload_error"):
        st.session_state.pop(key, None)
    st.session_state.upload_generation = st.session_state.get("upload_generation", 0) + 1
    st.session_state.pop("filters", None)


def upload_box(dataset: data.Dataset, lang: str) -> None:
    ss = st.session_state
    box = st.sidebar.expander(i18n.t("upload.title", lang), expanded=bool(ss.get("upload") or ss.get("upload_error")))
    box.caption(i18n.t("upload.help", lang))
    key = f"w_upload_{ss.get('upload_generation', 0)}"  # a new key empties the uploader on reset
    box.file_uploader(i18n.t("upload.choose", lang), type=["csv", "xlsx"], key=key, on_change=on_upload, args=(dataset.folder, key))
    template = data.template_csv(dataset)
    box.download_button(i18n.t("upload.template", lang) + " (CSV)", template, "facts_template.csv", "text/csv", key="tpl_csv")
    box.download_button(i18n.t("upload.template", lang) + " (XLSX)", data.template_xlsx(dataset), "facts_template.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="tpl_xlsx")
    if ss.get("upload"):
        box.button(i18n.t("upload.reset", lang), on_click=on_reset_upload, key="reset_upload")


def upload_messages(lang: str) -> None:
    ss = st.session_state
    if ss.get("upload_error"):
        failed = ss.upload_error
        st.error(i18n.t("upload.failed", lang, file=safe.md(failed["name"]), n=failed["count"]))
        st.dataframe(failed["table"].rename(columns={"row": i18n.t("upload.col_row", lang),
                                                     "column": i18n.t("upload.col_column", lang),
                                                     "problem": i18n.t("upload.col_problem", lang)}),
                     hide_index=True, width="stretch")
    if ss.get("upload"):
        st.info(i18n.t("upload.loaded", lang, file=safe.md(ss.upload["name"]), n=len(ss.upload["facts"])))


# ---------------------------------------------------------------------------------------------
# Page sections
# ---------------------------------------------------------------------------------------------

def tooltip_titles(lang: str) -> dict[str, str]:
    return {"item": i18n.t("column.zone", lang), "zone": i18n.t("column.zone", lang),
            "value_text": i18n.t("column.value", lang), "year": i18n.t("column.year", lang),
            "source": i18n.t("column.source_title", lang), "caveat": i18n.t("column.note", lang),
            "metric_label": i18n.t("column.metric", lang), "industry_label": i18n.t("column.industry", lang),
            "role": i18n.t("column.role", lang), "group": i18n.t("column.group", lang),
            "years": i18n.t("chart.coverage_years", lang), "of_total": i18n.t("rank.pool", lang),
            "share_text": i18n.t("context.gdp_share", lang), "zones_text": i18n.t("context.zone_count", lang),
            "trust_label": i18n.t("sources.grade", lang)}


def with_trust_labels(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    out["trust_label"] = out["trust"].map(lambda g: i18n.t(model.TRUST_KEYS.get(g, "trust.mirror"), lang))
    out["year_label"] = out["year"].astype(str)
    return out


def trust_domain(lang: str) -> tuple[str, ...]:
    return tuple(i18n.t(model.TRUST_KEYS[g], lang) for g in TRUST_ORDER)


def show_chart(chart, key: str, texts: Texts | None = None) -> None:
    st.altair_chart(chart, width="stretch", key=key)
    if texts is not None and texts.subtitle:
        st.caption(texts.subtitle)


def no_data_line(missing: list[str], lang: str) -> None:
    if missing:
        st.caption(i18n.t("chart.no_data_for", lang, zones="、".join(missing) if lang == "zh" else ", ".join(missing)))


def headline(dataset, facts, view: model.View, vocab, lang: str) -> None:
    table, missing = model.metric_by_zone(facts, dataset, view)
    metric = model.metric_labels(dataset.metrics, lang)[view.metric]
    n = table["zone_id"].nunique()
    cols = st.columns(4)
    if len(table) == 1:
        row = table.iloc[0]
        cols[0].metric(f"{row['zone']} · {metric} · {view.year}", row["value_text"], help=row["source"])
    else:
        cols[0].metric(metric, i18n.fmt_year(view.year, lang) if view.year else i18n.t("value.no_data", lang))
    cols[1].metric(i18n.t("headline.coverage", lang), f"{n} / {len(view.zones)}",
                   help=i18n.t("coverage.zones_with_data", lang, n=n, total=len(view.zones)))
    context = model.national_context(facts, dataset, lang)
    if len(context):
        latest = context.iloc[-1]
        cols[2].metric(i18n.t("headline.national_gdp", lang, year=int(latest["year"])), latest["value_text"], help=latest["source"])
        cols[3].metric(i18n.t("headline.national_share", lang, year=int(latest["year"])), latest["share_text"])


def map_section(dataset, facts, view: model.View, vocab, lang: str) -> None:
    cities = model.city_context(dataset.city_facts, view.year)
    cities = cities.assign(
        value_text=[i18n.fmt_value(v, u, q, lang) for v, u, q in zip(cities["value"], cities["unit"], cities["qualifier"])],
        vintage=cities["vintage"].map(lambda v: i18n.t(f"vintage.{v}", lang) if v else ""),
    )[["adcode", "value", "value_text", "year", "vintage"]]
    features = geo.prefecture_features(cities)
    values, _ = model.metric_by_zone(facts, dataset, replace(view, zones=data.ZONE_IDS, industries=frozenset()))
    totals = values[values["industry"] == ""].set_index("zone_id")
    zones = dataset.zones
    points = pd.DataFrame({
        "zone_id": zones["zone_id"], "lon": zones["lon"], "lat": zones["lat"],
        "label": zones["short_zh" if lang == "zh" else "short_en"],
        "city": zones["city_zh" if lang == "zh" else "city_en"],
        "approved": zones["approved_national"].replace("", i18n.t("value.no_data", lang)),
        "industries": zones["lead_industries"].map(lambda ids: "、".join(model.industry_labels(dataset.industries, lang)[i] for i in ids)),
        "value": zones["zone_id"].map(totals["value"]) if len(totals) else None,
        "value_text": zones["zone_id"].map(totals["value_text"]).fillna(i18n.t("value.no_data", lang)) if len(totals) else i18n.t("value.no_data", lang),
        "source": zones["zone_id"].map(totals["source"]).fillna("") if len(totals) else "",
        "selected": zones["zone_id"].isin(view.zones) & bool(st.session_state.filters.zones or st.session_state.filters.industries),
        "approx_note": i18n.t("map.approximate_location", lang),
    })
    metric = model.metric_labels(dataset.metrics, lang)[view.metric]
    texts = map_chart.MapTexts(
        title=i18n.t("map.title", lang), description=i18n.t("map.description", lang),
        legend_title=i18n.t("map.legend", lang, year=view.year or ""), no_data=i18n.t("value.no_data", lang),
        city=i18n.t("map.city", lang), city_value=i18n.t("map.city_gdp", lang), year=i18n.t("column.year", lang),
        vintage=i18n.t("map.vintage", lang), zone=i18n.t("column.zone", lang), approved=i18n.t("profile.approved", lang),
        industries=i18n.t("profile.lead_industries", lang), zone_value=f"{metric} ({view.year})",
        source=i18n.t("column.source_title", lang), approx_note=i18n.t("map.location", lang),
        city_name_field="name_zh" if lang == "zh" else "name_en",
    )
    spec = map_chart.map_spec(features, points, texts)
    st.vega_lite_chart(spec, width="stretch", key=map_key(), on_select=lambda: on_map_select(vocab, geo.zone_cities(zones)),
                       selection_mode=[map_chart.ZONE_SELECTION, map_chart.CITY_SELECTION])
    st.caption(i18n.t("map.caption", lang))


def output_section(dataset, facts, view: model.View, lang: str) -> None:
    table, missing = model.metric_by_zone(facts, dataset, view)
    metric = dataset.metrics.set_index("metric").loc[view.metric]
    label = metric["label_zh" if lang == "zh" else "label_en"]
    tips = tooltip_titles(lang)
    if len(table):
        texts = Texts(i18n.t("chart.output_by_zone", lang, metric=label, year=view.year),
                      i18n.t("chart.output_by_zone_desc", lang, metric=label, year=view.year, n=len(table)),
                      axis=i18n.fmt_axis_unit(metric["unit"], lang), tooltip=tips, trust_domain=trust_domain(lang))
        show_chart(charts.bar_by_zone(with_trust_labels(table, lang), texts), "by_zone", texts)
    else:
        st.info(i18n.t("empty.year", lang, metric=label, year=view.year))
    no_data_line(missing, lang)
    over_years = model.metric_over_years(facts, dataset, view)
    if len(over_years):
        texts = Texts(i18n.t("chart.output_over_years", lang, metric=label),
                      i18n.t("chart.output_over_years_desc", lang, metric=label),
                      axis=i18n.fmt_axis_unit(metric["unit"], lang), subtitle=i18n.t("chart.points_note", lang), tooltip=tips)
        show_chart(charts.points_over_years(over_years, texts, reverse=metric["kind"] == "rank"), "over_years", texts)


def enterprise_section(dataset, facts, view: model.View, lang: str) -> None:
    table = model.enterprises(facts, dataset, view)
    if not len(table):
        st.info(i18n.t("empty.enterprises", lang))
        return
    table = table.assign(label_text=[f"{v} ({y})" for v, y in zip(table["value_text"], table["year"])])
    texts = Texts(i18n.t("chart.enterprises", lang), i18n.t("chart.enterprises_desc", lang),
                  axis=i18n.fmt_axis_unit("家", lang), subtitle=i18n.t("chart.latest_note", lang), tooltip=tooltip_titles(lang))
    show_chart(charts.grouped_bars(table, texts), "enterprises", texts)
    shown = set(table["zone"])
    no_data_line([z for z in model.zone_labels(dataset.zones, lang).values() if z not in shown and z in
                  [model.zone_labels(dataset.zones, lang)[i] for i in view.zones]], lang)


def industry_section(dataset, facts, view: model.View, lang: str) -> None:
    tips = tooltip_titles(lang)
    matrix = model.industry_matrix(dataset, view)
    if len(matrix):
        texts = Texts(i18n.t("chart.industry_matrix", lang), i18n.t("chart.industry_matrix_desc", lang), tooltip=tips)
        show_chart(charts.industry_matrix(matrix, texts), "industry_matrix", texts)
    left, right = st.columns(2)
    with left:
        revenue = model.industry_figures(facts, dataset, view, ("industry_revenue",))
        if len(revenue):
            texts = Texts(i18n.t("chart.industry_revenue", lang), i18n.t("chart.industry_revenue_desc", lang),
                          axis=i18n.fmt_axis_unit("亿元", lang), tooltip=tips)
            show_chart(charts.industry_bars(with_trust_labels(revenue, lang), texts), "industry_revenue", texts)
        else:
            st.info(i18n.t("empty.industries", lang))
    with right:
        shares = pd.concat([model.industry_figures(facts, dataset, view, model.SHARE_METRICS),
                            model.decorate(data.derived_shares(facts).pipe(lambda d: d[d["zone_id"].isin(view.zones) & (d["industry"].isin(view.industries) if view.industries else True)]), dataset, lang)])
        if len(shares):
            shares = shares.assign(item=[f"{i} · {m}" for i, m in zip(shares["item"], shares["metric_label"])])
            texts = Texts(i18n.t("chart.industry_shares", lang), i18n.t("chart.industry_shares_desc", lang),
                          axis="%", subtitle=i18n.t("chart.shares_note", lang), tooltip=tips)
            show_chart(charts.industry_bars(with_trust_labels(shares, lang), texts, domain_max=100), "industry_shares", texts)
        else:
            st.info(i18n.t("empty.industries", lang))


def ranking_and_context(dataset, facts, view: model.View, lang: str) -> None:
    tips = tooltip_titles(lang)
    left, right = st.columns(2)
    with left:
        ranks = model.national_ranks(facts, dataset, view)
        if len(ranks):
            texts = Texts(i18n.t("chart.national_rank", lang), i18n.t("chart.national_rank_desc", lang),
                          axis=i18n.t("chart.rank_axis", lang), subtitle=i18n.t("chart.rank_axis_note", lang), tooltip=tips)
            show_chart(charts.points_over_years(ranks, texts, reverse=True), "national_rank", texts)
        else:
            st.info(i18n.t("empty.ranks", lang))
    with right:
        context = model.national_context(facts, dataset, lang)
        texts = Texts(i18n.t("chart.national_context", lang), i18n.t("chart.national_context_desc", lang),
                      axis=i18n.fmt_axis_unit("亿元", lang), tooltip=tips)
        show_chart(charts.national_bars(context, texts), "national_context", texts)


def coverage_section(dataset, facts, view: model.View, lang: str) -> None:
    table = model.coverage(facts, dataset, view)
    texts = Texts(i18n.t("chart.coverage", lang), i18n.t("chart.coverage_desc", lang),
                  axis=i18n.t("chart.coverage_years", lang), subtitle=i18n.t("chart.coverage_caption", lang),
                  tooltip=tooltip_titles(lang))
    show_chart(charts.coverage_heatmap(table, texts), "coverage", texts)


def profile_section(dataset, facts, zone_id: str, lang: str) -> None:
    zone = dataset.zones.set_index("zone_id").loc[zone_id]
    st.subheader(i18n.t("chart.zone_profile", lang, zone=zone["short_zh" if lang == "zh" else "short_en"]))
    no_data = i18n.t("value.no_data", lang)
    area = (f"{i18n.fmt_value(zone['area_km2'], 'km²', 'exact', lang)} ({zone['area_kind_zh' if lang == 'zh' else 'area_kind_en']})"
            if pd.notna(zone["area_km2"]) else no_data)
    rows = [
        (i18n.t("profile.name", lang), zone["name_zh"] if lang == "zh" else zone["name_en"]),
        (i18n.t("profile.city", lang), zone["city_zh"] if lang == "zh" else zone["city_en"]),
        (i18n.t("profile.approved", lang), zone["approved_national"] or no_data),
        (i18n.t("profile.area", lang), area),
        (i18n.t("profile.lead_industries", lang), zone["lead_industries_zh" if lang == "zh" else "lead_industries_en"]),
        (i18n.t("profile.location", lang), i18n.t("map.approximate_location", lang)),
    ]
    st.dataframe(pd.DataFrame(rows, columns=[i18n.t("profile.field", lang), i18n.t("profile.value", lang)]),
                 hide_index=True, width="stretch")
    if pd.notna(zone["area_km2"]) or zone["area_note"]:
        st.caption(safe.md(zone["area_note"]))


def table_section(dataset, facts, view: model.View, lang: str) -> None:
    st.subheader(i18n.t("chart.data_table", lang))
    shown = model.decorate(model.filtered_facts(facts, view), dataset, lang)
    table = pd.DataFrame({
        i18n.t("column.zone", lang): shown["zone"], i18n.t("column.year", lang): shown["year"],
        i18n.t("column.metric", lang): shown["metric_label"], i18n.t("column.industry", lang): shown["industry_label"],
        i18n.t("column.value", lang): shown["value_text"], i18n.t("column.source_title", lang): shown["source_title"],
        i18n.t("sources.grade", lang): shown["trust"].map(lambda g: i18n.t(model.TRUST_KEYS.get(g, "trust.mirror"), lang)),
        i18n.t("column.note", lang): shown["note"],
    })
    st.dataframe(table, hide_index=True, width="stretch", height=320)
    left, right = st.columns(2)
    left.download_button(i18n.t("download.filtered_csv", lang), data.to_csv_bytes(model.filtered_facts(facts, view)),
                         "jiangxi_htz_facts_filtered.csv", "text/csv", key="dl_filtered")
    right.download_button(i18n.t("download.full_csv", lang), data.to_csv_bytes(facts), "jiangxi_htz_facts_all.csv",
                          "text/csv", key="dl_full")


def sources_section(dataset, facts, lang: str) -> None:
    st.subheader(i18n.t("sources.title", lang))
    st.caption(i18n.t("sources.caption", lang))
    used = facts.groupby("source_id").size()
    sources = dataset.sources.assign(figures=dataset.sources["source_id"].map(used).fillna(0).astype(int))
    linkable = sources["trust"].isin(["official", "news"]) & sources["url"].ne("")
    table = pd.DataFrame({
        i18n.t("sources.col_title", lang): sources["title"],
        i18n.t("sources.col_publisher", lang): sources["publisher"],
        i18n.t("sources.col_date", lang): sources["date"],
        i18n.t("sources.grade", lang): sources["trust"].map(lambda g: i18n.t(model.TRUST_KEYS[g], lang)),
        i18n.t("sources.col_figures", lang): sources["figures"],
        i18n.t("sources.col_link", lang): sources["url"].where(linkable, None),
    })
    link_column = i18n.t("sources.col_link", lang)
    st.dataframe(table, hide_index=True, width="stretch", height=360,
                 column_config={link_column: st.column_config.LinkColumn(link_column)})


def share_box(filters: state.Filters, vocab: state.Vocabulary, lang: str) -> None:
    st.sidebar.subheader(i18n.t("share.copy_link", lang))
    base = st.context.url or "http://localhost:8501/"
    st.sidebar.code(state.share_url(base, filters, vocab), language=None, wrap_lines=True)
    st.sidebar.caption(i18n.t("share.link_help", lang))


def error_page(error: data.DataError) -> None:
    st.title("江西国家高新区 · Jiangxi National High-tech Zones")
    st.error(f"数据文件有误，应用无法启动。The data folder has problems; the app cannot start. ({data.DATA_DIR_ENV}={safe.md(data.data_dir())})")
    st.dataframe(error.table().assign(file=error.source), hide_index=True, width="stretch")


# ---------------------------------------------------------------------------------------------
# Draw the page
# ---------------------------------------------------------------------------------------------

def main() -> None:
    st.set_page_config(page_title="江西国家高新区 · Jiangxi HTZ", page_icon="🗺️", layout="wide")
    st.html(PAGE_CSS)
    try:
        dataset = data.load_dataset()
    except data.DataError as error:
        error_page(error)
        return
    facts = session_facts(dataset)
    vocab = vocabulary(dataset, facts)
    init_filters(vocab)
    filters: state.Filters = st.session_state.filters
    lang = filters.lang
    view = model.view_of(dataset, facts, filters.zones, filters.industries, filters.metric, state.shown_year(filters, vocab), lang)

    sidebar(dataset, facts, vocab, lang)
    upload_box(dataset, lang)
    share_box(filters, vocab, lang)

    st.title(i18n.t("app.title", lang))
    st.caption(i18n.t("app.subtitle", lang))
    for notice in st.session_state.get("notices", []):
        st.warning(safe.md(i18n.notice_text(notice, lang)))
    upload_messages(lang)
    if not view.zones:
        st.warning(i18n.t("empty.selection", lang))
    headline(dataset, facts, view, vocab, lang)

    left, right = st.columns([1.1, 1], gap="medium")
    with left:
        map_section(dataset, facts, view, vocab, lang)
    with right:
        output_section(dataset, facts, view, lang)

    if len(view.zones) == 1:
        profile_section(dataset, facts, view.zones[0], lang)
    st.header(i18n.t("section.enterprises", lang))
    enterprise_section(dataset, facts, view, lang)
    st.header(i18n.t("section.industries", lang))
    industry_section(dataset, facts, view, lang)
    st.header(i18n.t("section.ranking", lang))
    ranking_and_context(dataset, facts, view, lang)
    st.header(i18n.t("section.coverage", lang))
    coverage_section(dataset, facts, view, lang)
    table_section(dataset, facts, view, lang)
    sources_section(dataset, facts, lang)
    st.caption(i18n.t("app.thin_record", lang))
    write_url(filters, vocab)
