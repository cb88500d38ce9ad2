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

from dashboard import data, geo, i18n, map_chart, model, panels, safe, state

DEFAULT_METRIC = "industrial_revenue"
SELECTABLE_GROUPS = ("output", "enterprises", "industry", "ranking")
MAX_NOTICES = 8
# Static CSS, no data in it: headline figures such as "125.8 billion yuan" fit their column.
PAGE_CSS = "<style>[data-testid='stMetricValue']{font-size:1.6rem}</style>"
# Dark theme only: Streamlit draws multiselect chips as white text on the primary colour, and no
# dark-theme primary colour passes 4.5:1 for that and for the selected language button at once
# (.streamlit/config.toml); dark text on the light coral chip does (8:1).
DARK_CSS = "<style>[data-testid='stMultiSelectTagsContainer'] span[title]{color:#111111}</style>"


# ---------------------------------------------------------------------------------------------
# Data for this session: the bundled (or configured) folder, overlaid with an upload if any
# ---------------------------------------------------------------------------------------------

def session_facts(dataset: data.Dataset) -> tuple[pd.DataFrame, str]:
    """The facts this session sees and a token naming them (cache key for panels and downloads)."""
    upload = st.session_state.get("upload")
    facts = data.overlay(dataset.facts, upload["facts"]) if upload else dataset.facts
    token = f"{dataset.folder}|{upload['token'] if upload else 'bundled'}"
    panels.remember(token, facts)
    return facts, token


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
    used = used_industries(dataset, facts)
    offered = [i for i in vocab.industries if i in used]
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
    box.download_button(i18n.t("upload.template", lang) + " (CSV)", templates(dataset.folder)[0], "facts_template.csv", "text/csv", key="tpl_csv")
    box.download_button(i18n.t("upload.template", lang) + " (XLSX)", templates(dataset.folder)[1], "facts_template.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="tpl_xlsx")
    if ss.get("upload"):
        box.button(i18n.t("upload.reset", lang), on_click=on_reset_upload, key="reset_upload")


@st.cache_data(show_spinner=False)
def templates(folder: str) -> tuple[bytes, bytes]:
    dataset = data.load_dataset(folder)
    return data.template_csv(dataset), data.template_xlsx(dataset)


@st.cache_data(show_spinner=False, max_entries=256)
def csv_download(token: str, view: model.View | None) -> bytes:
    facts = panels.facts_for(token)
    return data.to_csv_bytes(model.filtered_facts(facts, view) if view else facts)


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

def draw(name: str, dataset: data.Dataset, facts: pd.DataFrame, view: model.View, show_missing: bool = False) -> None:
    """One panel: its chart (or why there is none), its caption and the zones without a figure."""
    out = panels.panel(name, dataset.folder, st.session_state.facts_token, view)
    if out.spec is not None:
        st.vega_lite_chart(out.spec, width="stretch", key=f"chart_{name}")
        if out.subtitle:
            st.caption(out.subtitle)
    elif out.empty:
        st.info(out.empty)
    if show_missing and out.missing:
        sep = "、" if view.lang == "zh" else ", "
        st.caption(i18n.t("chart.no_data_for", view.lang, zones=sep.join(out.missing)))


def headline(dataset, view: model.View) -> None:
    figures = panels.headline(dataset.folder, st.session_state.facts_token, view)
    cols = st.columns(4)
    for col, (label, value, help_text) in zip(cols, figures):
        col.metric(label, value, help=help_text or None)


def map_section(dataset, view: model.View, vocab, highlight: bool) -> None:
    spec = panels.map_spec(dataset.folder, st.session_state.facts_token, view, highlight)
    zone_city = geo.zone_cities(dataset.zones)
    st.vega_lite_chart(spec, width="stretch", key=map_key(), on_select=lambda: on_map_select(vocab, zone_city),
                       selection_mode=[map_chart.ZONE_SELECTION, map_chart.CITY_SELECTION])
    st.caption(i18n.t("map.caption", view.lang))


def output_section(dataset, facts, view: model.View) -> None:
    draw("by_zone", dataset, facts, view, show_missing=True)
    draw("over_years", dataset, facts, view)


def industry_section(dataset, facts, view: model.View) -> None:
    draw("industry_matrix", dataset, facts, view)
    left, right = st.columns(2)
    with left:
        draw("industry_revenue", dataset, facts, view)
    with right:
        draw("industry_shares", dataset, facts, view)


def ranking_and_context(dataset, facts, view: model.View) -> None:
    left, right = st.columns(2)
    with left:
        draw("national_rank", dataset, facts, view)
    with right:
        draw("national_context", dataset, facts, view)


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


def table_section(dataset, view: model.View, lang: str) -> None:
    st.subheader(i18n.t("chart.data_table", lang))
    table = panels.facts_table(dataset.folder, st.session_state.facts_token, view)
    st.dataframe(table, hide_index=True, width="stretch", height=320)
    left, right = st.columns(2)
    token = st.session_state.facts_token
    left.download_button(i18n.t("download.filtered_csv", lang), csv_download(token, view),
                         "jiangxi_htz_facts_filtered.csv", "text/csv", key="dl_filtered")
    right.download_button(i18n.t("download.full_csv", lang), csv_download(token, None), "jiangxi_htz_facts_all.csv",
                          "text/csv", key="dl_full")


def sources_section(dataset, lang: str) -> None:
    st.subheader(i18n.t("sources.title", lang))
    st.caption(i18n.t("sources.caption", lang))
    table = panels.sources_table(dataset.folder, st.session_state.facts_token, lang)
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
    st.html(PAGE_CSS + (DARK_CSS if st.context.theme.type == "dark" else ""))
    try:
        dataset = data.load_dataset()
    except data.DataError as error:
        error_page(error)
        return
    facts, st.session_state.facts_token = session_facts(dataset)
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
    notices = st.session_state.get("notices", [])
    for notice in notices[:MAX_NOTICES]:  # a link can hold thousands of bad values: show a few
        st.warning(safe.md(i18n.notice_text(notice, lang)))
    if len(notices) > MAX_NOTICES:
        st.warning(i18n.t("notice.more", lang, n=len(notices) - MAX_NOTICES))
    upload_messages(lang)
    if not view.zones:
        st.warning(i18n.t("empty.selection", lang))
    headline(dataset, view)

    left, right = st.columns([1.1, 1], gap="medium")
    with left:
        map_section(dataset, view, vocab, highlight=bool(filters.zones or filters.industries))
    with right:
        output_section(dataset, facts, view)

    if len(view.zones) == 1:
        profile_section(dataset, facts, view.zones[0], lang)
    st.header(i18n.t("section.enterprises", lang))
    draw("enterprises", dataset, facts, view, show_missing=True)
    st.header(i18n.t("section.industries", lang))
    industry_section(dataset, facts, view)
    st.header(i18n.t("section.ranking", lang))
    ranking_and_context(dataset, facts, view)
    st.header(i18n.t("section.coverage", lang))
    draw("coverage", dataset, facts, view)
    table_section(dataset, view, lang)
    sources_section(dataset, lang)
    st.caption(i18n.t("app.thin_record", lang))
    write_url(filters, vocab)
