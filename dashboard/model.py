"""The model: pure pandas that turns facts and filters into the tables the charts draw.

One direction only (data → model → charts → page): nothing here calls Streamlit or Altair. Every
table keeps the figure's provenance (source, trust, note, caution) so a tooltip can always say
where a number comes from, and missing figures stay missing (NaN), never 0.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from dashboard import data, i18n
from dashboard.state import View

TRUST_KEYS = {
    "official": "trust.official",
    "news": "trust.news",
    "compilation": "trust.compilation",
    "mirror": "trust.mirror",
    "user": "trust.user_supplied",
    "derived": "trust.derived",
    "unverified": "trust.unverified",
}
ENTERPRISE_METRICS = ("high_tech_enterprises", "little_giants", "enterprises_10bn", "listed_companies", "above_scale_enterprises")
# Linkable grades: a URL is shown (and downloaded) only for these; mirror copies keep theirs in
# data/sources.csv for audit.
LINKABLE = ("official", "news")


def share_metrics(metrics: pd.DataFrame) -> tuple[str, ...]:
    """The industry-group shares, each with its own denominator (`share_of`), in registry order."""
    return tuple(metrics.loc[(metrics["group"] == "industry") & (metrics["kind"] == "share"), "metric"])


def label(frame: pd.DataFrame, id_column: str, lang: str, zh: str = "name_zh", en: str = "name_en") -> dict[str, str]:
    return dict(zip(frame[id_column], frame[zh if lang == "zh" else en]))


def zone_labels(zones: pd.DataFrame, lang: str) -> dict[str, str]:
    return label(zones, "zone_id", lang, "short_zh", "short_en")


def metric_labels(metrics: pd.DataFrame, lang: str) -> dict[str, str]:
    return label(metrics, "metric", lang, "label_zh", "label_en")


def industry_labels(industries: pd.DataFrame, lang: str) -> dict[str, str]:
    return label(industries, "industry", lang)


def zone_metrics(facts: pd.DataFrame, zone_ids=data.ZONE_IDS) -> dict[str, frozenset[str]]:
    """The metrics each zone has at least one figure for (every zone listed, an empty set for none)."""
    found = facts[facts["zone_id"].isin(zone_ids)].groupby("zone_id")["metric"].agg(frozenset).to_dict()
    return {zone: found.get(zone, frozenset()) for zone in zone_ids}


def metric_years(facts: pd.DataFrame, zone_ids=data.ZONE_IDS) -> dict[str, tuple[int, ...]]:
    """Years with at least one zone figure, per metric (the year filter offers only these)."""
    zone_facts = facts[facts["zone_id"].isin(zone_ids)]
    return {m: tuple(sorted(set(g["year"]))) for m, g in zone_facts.groupby("metric")}


def zone_industries(dataset: data.Dataset, facts: pd.DataFrame) -> dict[str, frozenset[str]]:
    """What each zone has to do with industries: its lead industries and every industry it has a
    sourced figure for (the industry filter keeps a zone with any of them)."""
    with_figures = facts[facts["zone_id"].isin(data.ZONE_IDS) & facts["industry"].ne("")].groupby("zone_id")["industry"]
    figures = {zone: set(ids) for zone, ids in with_figures}
    return {z.zone_id: frozenset(z.lead_industries) | frozenset(figures.get(z.zone_id, ())) for z in dataset.zones.itertuples()}


def industry_parents(industries: pd.DataFrame) -> dict[str, str]:
    """Industry id → the industry it is a segment of (再生铜 → 铜产业), for those that have one."""
    return {r.industry: r.parent for r in industries.itertuples() if r.parent}


def preferred(facts: pd.DataFrame) -> pd.DataFrame:
    return facts[facts["preferred"]]


ZONE_ORDER = {z: i for i, z in enumerate(data.ZONE_IDS + data.AGGREGATE_IDS)}


def in_zone_order(frame: pd.DataFrame, *then: str) -> pd.DataFrame:
    """Rows in registry zone order (Nanchang first), then by the given columns: charts list rows
    as they come, so this is the order people read."""
    return frame.sort_values(["zone_id", *then], key=lambda s: s.map(ZONE_ORDER) if s.name == "zone_id" else s, kind="stable")


def decorate(frame: pd.DataFrame, dataset: data.Dataset, lang: str) -> pd.DataFrame:
    """Add the display columns every chart and table shares: zone, industry, metric labels,
    value text with qualifier, a source line (title, date, trust grade; never a mirror URL), caveat."""
    out = frame.copy()
    zones = zone_labels(dataset.zones, lang) | {
        "jiangxi_all": i18n.t("zone.jiangxi_all", lang),
        "national": i18n.t("zone.national", lang),
    }
    industries = industry_labels(dataset.industries, lang)
    metrics = metric_labels(dataset.metrics, lang)
    out["zone"] = out["zone_id"].map(zones)
    out["industry_label"] = out["industry"].map(industries).fillna("")
    out["metric_label"] = out["metric"].map(metrics)
    # a change of rank is worded as a change ("提升 8 位"), not as a rank ("第 8 位")
    kind = dict(zip(dataset.metrics["metric"], dataset.metrics["kind"]))
    units = [i18n.RANK_CHANGE if kind.get(m) == "rank_change" else u for m, u in zip(out["metric"], out["unit"])]
    out["value_text"] = [
        i18n.fmt_value(v, u, q, lang, metric=m) for v, u, q, m in zip(out["value"], units, out["qualifier"], out["metric"])
    ]
    trust = out["trust"].map(lambda g: i18n.t(TRUST_KEYS.get(g, "trust.mirror"), lang))
    date = out["source_date"].map(lambda d: f" ({d})" if d else "")
    out["source"] = out["source_title"] + date + " · " + trust
    out["caveat"] = caveats(out, lang) if len(out) else ""
    caution = out["caution"].fillna(False).astype(bool) if "caution" in out else pd.Series(False, index=out.index)
    out["caution"] = caution
    out["label_text"] = [f"⚠ {v}" if c else v for v, c in zip(out["value_text"], caution)]
    out["item"] = [f"{z} · {i}" if i else z for z, i in zip(out["zone"], out["industry_label"])]
    return out


def caveats(frame: pd.DataFrame, lang: str) -> pd.Series:
    """Each row's caveat in the reader's language: the bundled Chinese text (`note_zh`) on the
    Chinese page, `note` on the English one, and an uploaded row's `note` as written (it has no
    `note_zh`). Flagged rows (`caution`) start with ⚠; baseline rows say they are a baseline."""
    note = frame["note"].fillna("")
    if lang == "zh" and "note_zh" in frame:
        note = frame["note_zh"].fillna("").where(frame["note_zh"].fillna("").ne(""), note)
    if "baseline" in frame:
        baseline = frame["baseline"].fillna(False).astype(bool)
        marker = [i18n.t("baseline.marker", lang, year=y) if b else "" for b, y in zip(baseline, frame["year"])]
        sep = "；" if lang == "zh" else "; "
        note = pd.Series([f"{m}{sep}{n}" if m and n else (m or n) for m, n in zip(marker, note)], index=frame.index)
    caution = frame["caution"].fillna(False).astype(bool) if "caution" in frame else pd.Series(False, index=frame.index)
    return note.where(~caution, "⚠ " + note)


def in_range(rows: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Rows a chart may draw: baseline rows (before 2018, context only) only when their own year
    is the one chosen; never in "latest available" or over the years."""
    baseline = rows["baseline"].fillna(False).astype(bool) if "baseline" in rows else pd.Series(False, index=rows.index)
    return rows[~baseline | rows["year"].eq(year)] if year is not None else rows[~baseline]


def latest(rows: pd.DataFrame, keys=("zone_id", "metric", "industry")) -> pd.DataFrame:
    """The latest row of each group (zone, metric, industry): "latest available"."""
    return rows.sort_values("year", kind="stable").groupby(list(keys), as_index=False).tail(1)


def with_derived(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts with the shares derived in code appended (trust `derived`, formula in the note):
    what the table, the downloads and the sources view list."""
    derived = derived_shares(facts)
    return pd.concat([facts, derived], ignore_index=True) if len(derived) else facts


def filtered_facts(facts: pd.DataFrame, view: View) -> pd.DataFrame:
    """The facts behind the current view (all years and metrics, derived shares included): the
    table and the CSV download."""
    facts = with_derived(facts)
    keep = facts["zone_id"].isin(view.zones)
    if view.industries:
        keep &= facts["industry"].eq("") | facts["industry"].isin(view.industries)
    return facts[keep]


def metric_by_zone(facts: pd.DataFrame, dataset: data.Dataset, view: View) -> tuple[pd.DataFrame, list[str]]:
    """The selected metric, one row per zone (and industry), plus the zones without a figure
    (listed as "no data" under the chart, never drawn as 0). With a year: that year's figures.
    Without ("latest available"): each zone's latest figure, its year in `label_text` beside the
    value (and in every tooltip), baseline rows left out."""
    rows = preferred(facts)
    rows = rows[(rows["metric"] == view.metric) & rows["zone_id"].isin(view.zones)]
    if view.industries:
        rows = rows[rows["industry"].eq("") | rows["industry"].isin(view.industries)]
    rows = in_range(rows, view.year)
    rows = rows[rows["year"] == view.year] if view.year is not None else latest(rows)
    table = in_zone_order(decorate(rows, dataset, view.lang), "industry")
    if view.year is None:
        table["label_text"] = [f"{t} ({y})" for t, y in zip(table["label_text"], table["year"])]
    labels = zone_labels(dataset.zones, view.lang)
    missing = [labels[z] for z in view.zones if z not in set(table["zone_id"])]
    return table, missing


def metric_over_years(facts: pd.DataFrame, dataset: data.Dataset, view: View) -> pd.DataFrame:
    """The selected metric in every year it has a figure, per zone: points, never joined across
    gaps; baseline rows (before 2018) left out."""
    rows = preferred(facts)
    rows = rows[(rows["metric"] == view.metric) & rows["zone_id"].isin(view.zones)]
    if view.industries:
        rows = rows[rows["industry"].eq("") | rows["industry"].isin(view.industries)]
    return decorate(in_zone_order(in_range(rows, None), "industry", "year"), dataset, view.lang)


def latest_per_zone(facts: pd.DataFrame, dataset: data.Dataset, view: View, metrics: tuple[str, ...]) -> pd.DataFrame:
    """For each zone and metric, the latest figure, never one from after the selected year (a zone
    with none by then has no bar); the year is shown with each figure."""
    rows = preferred(facts)
    rows = in_range(rows[rows["metric"].isin(metrics) & rows["zone_id"].isin(view.zones)], view.year)
    if view.year is not None:
        rows = rows[rows["year"] <= view.year]
    rows = latest(rows)
    rows = rows.assign(metric_order=rows["metric"].map({m: i for i, m in enumerate(metrics)}))
    return decorate(in_zone_order(rows, "metric_order"), dataset, view.lang)


def enterprises(facts: pd.DataFrame, dataset: data.Dataset, view: View) -> pd.DataFrame:
    return latest_per_zone(facts, dataset, view, ENTERPRISE_METRICS)


def zone_figures(facts: pd.DataFrame, dataset: data.Dataset, zone_id: str, lang: str) -> pd.DataFrame:
    """All of one zone's figures for its profile: the latest per metric (and industry), derived
    shares included; a baseline row (before 2018) only where the metric has nothing later, and
    marked as a baseline. In metric registry order."""
    rows = preferred(with_derived(facts))
    rows = rows[rows["zone_id"] == zone_id]
    baseline = rows["baseline"].fillna(False).astype(bool)
    current = latest(rows[~baseline])
    have = set(zip(current["metric"], current["industry"]))
    early = latest(rows[baseline])
    early = early[[(m, i) not in have for m, i in zip(early["metric"], early["industry"])]]
    picked = pd.concat([current, early]) if len(early) else current
    order = dict(zip(dataset.metrics["metric"], dataset.metrics["order"]))
    picked = picked.assign(metric_order=picked["metric"].map(order)).sort_values(
        ["metric_order", "industry", "year"], kind="stable"
    )
    return decorate(picked, dataset, lang)


def industry_matrix(dataset: data.Dataset, view: View) -> pd.DataFrame:
    """Zone × lead industry from the registry: complete for all nine zones, first industry marked."""
    zones = dataset.zones[dataset.zones["zone_id"].isin(view.zones)]
    names = industry_labels(dataset.industries, view.lang)
    labels = zone_labels(dataset.zones, view.lang)
    rows = []
    for z in zones.itertuples():
        for position, industry in enumerate(z.lead_industries, start=1):
            if view.industries and industry not in view.industries:
                continue
            first = industry == z.first_industry
            rows.append(
                {
                    "zone_id": z.zone_id,
                    "zone": labels[z.zone_id],
                    "industry": industry,
                    "industry_label": names[industry],
                    "position": position,
                    "role": i18n.t("industry.first" if first else "industry.lead", view.lang),
                    "role_order": 0 if first else 1,
                }
            )
    return pd.DataFrame(rows, columns=["zone_id", "zone", "industry", "industry_label", "position", "role", "role_order"])


def industry_figures(facts: pd.DataFrame, dataset: data.Dataset, view: View, metrics: tuple[str, ...]) -> pd.DataFrame:
    """Industry-specific figures (revenues) of the shown zones, every year (baselines left out)."""
    rows = preferred(facts)
    rows = rows[rows["metric"].isin(metrics) & rows["zone_id"].isin(view.zones) & rows["industry"].ne("")]
    if view.industries:
        rows = rows[rows["industry"].isin(view.industries)]
    return decorate(in_zone_order(in_range(rows, None), "industry", "metric", "year"), dataset, view.lang)


def industry_shares(facts: pd.DataFrame, dataset: data.Dataset, view: View) -> pd.DataFrame:
    """Every industry share of the shown zones, sourced and derived, each with its denominator:
    `share_of` (id) and `share_of_label` ("占本区工业营业收入" …), grouped by denominator in
    registry order, then zone. A share without an industry (Ji'an's high-tech industries' share of
    value added) is kept unless an industry filter is set."""
    metrics = dataset.metrics.set_index("metric")
    ids = share_metrics(dataset.metrics)
    rows = preferred(with_derived(facts))
    rows = rows[rows["metric"].isin(ids) & rows["zone_id"].isin(view.zones)]
    rows = rows[rows["industry"].isin(view.industries)] if view.industries else rows
    table = decorate(in_range(rows, None), dataset, view.lang)
    column = "share_of_zh" if view.lang == "zh" else "share_of_en"
    table["share_of"] = table["metric"].map(metrics["share_of"])
    table["share_of_label"] = table["metric"].map(metrics[column]).map(lambda d: i18n.t("share.of", view.lang, denominator=d))
    table["share_order"] = table["metric"].map(metrics["order"])
    # grouped by denominator (registry order), then zone, industry and year
    return in_zone_order(table, "industry", "year").sort_values("share_order", kind="stable")


def ranks(
    facts: pd.DataFrame, dataset: data.Dataset, view: View, metric: str, pool_metric: str, pool_zone: str, of_key: str
) -> pd.DataFrame:
    """Ranks over years (`metric`), each with the size of its pool that year where a source says it
    (`pool_metric` of `pool_zone`). "of N" is never shown beside a rank larger than N: such a pair
    cannot come from one evaluation, so the pool reads "not known" there."""
    rows = preferred(facts)
    shown = in_range(rows[(rows["metric"] == metric) & rows["zone_id"].isin(view.zones)], None)
    table = decorate(in_zone_order(shown, "year"), dataset, view.lang)
    pool = rows[(rows["zone_id"] == pool_zone) & (rows["metric"] == pool_metric)].groupby("year")["value"].max()
    table["of_total"] = [
        i18n.t(of_key, view.lang, total=int(pool[y]))
        if y in pool.index and rank <= pool[y]
        else i18n.t("rank.total_unknown", view.lang)
        for y, rank in zip(table["year"], table["value"])
    ]
    return table


def national_ranks(facts: pd.DataFrame, dataset: data.Dataset, view: View) -> pd.DataFrame:
    """National evaluation ranks (MOST/MIIT) over years, "of N zones ranked" where a source says N.
    Only `national_rank` belongs here: provincial and single-item ranks have charts of their own."""
    return ranks(facts, dataset, view, "national_rank", "zones_ranked", "national", "rank.of_total")


def provincial_ranks(facts: pd.DataFrame, dataset: data.Dataset, view: View) -> pd.DataFrame:
    """Jiangxi's own evaluation of all its development zones (全省开发区争先创优综合考评), with the
    number of zones it ranked that year (`provincial_zones_ranked` on `jiangxi_all`)."""
    return ranks(facts, dataset, view, "provincial_rank", "provincial_zones_ranked", "jiangxi_all", "rank.of_total_provincial")


def national_context(facts: pd.DataFrame, dataset: data.Dataset, lang: str) -> pd.DataFrame:
    """National zones' GDP by year, with the share of China's GDP and the number of zones that year."""
    rows = preferred(facts)
    national = rows[rows["zone_id"] == "national"]
    gdp = decorate(national[national["metric"] == "gdp"], dataset, lang)
    no_data = i18n.t("value.no_data", lang)
    for metric, column in (("gdp_share", "share"), ("zone_count", "zones")):
        m = decorate(national[national["metric"] == metric], dataset, lang).set_index("year")
        gdp[f"{column}_text"] = gdp["year"].map(m["value_text"]).fillna(no_data)
        gdp[f"{column}_source"] = gdp["year"].map(m["source"] + " — " + m["caveat"]).fillna("")
    return gdp.sort_values("year")


def coverage(facts: pd.DataFrame, dataset: data.Dataset, view: View) -> pd.DataFrame:
    """Zone × metric: how many years have a figure. Every pair is present, zeros included, because
    here 0 is the honest count of years, not a value."""
    zone_facts = facts[facts["zone_id"].isin(view.zones)]
    counts = zone_facts.groupby(["zone_id", "metric"])["year"].nunique()
    metrics = dataset.metrics[dataset.metrics["metric"].isin(set(facts.loc[facts["zone_id"].isin(data.ZONE_IDS), "metric"]))]
    labels = zone_labels(dataset.zones, view.lang)
    names = metric_labels(dataset.metrics, view.lang)
    groups = {g: i18n.t(f"group.{g}", view.lang) for g in metrics["group"].unique()}
    rows = [
        {
            "zone_id": z,
            "zone": labels[z],
            "metric": m.metric,
            "metric_label": names[m.metric],
            "group": groups[m.group],
            "order": m.order,
            "years": int(counts.get((z, m.metric), 0)),
        }
        for z in view.zones
        for m in metrics.itertuples()
    ]
    return pd.DataFrame(rows, columns=["zone_id", "zone", "metric", "metric_label", "group", "order", "years"])


def city_year(city_facts: pd.DataFrame, year: int | None) -> int | None:
    """The year the map shades the cities by: the chosen one; in "latest available" the latest
    year with the most cities (one year on one colour scale: vintages are not mixed across years)."""
    if year is not None:
        return year
    rows = city_facts[(city_facts["metric"] == "gdp") & city_facts["preferred"] & (city_facts["adcode"] != 360000)]
    counts = rows.groupby("year")["adcode"].nunique()
    return int(counts[counts == counts.max()].index.max()) if len(counts) else None


def city_context(city_facts: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Prefecture GDP for one year (preferred vintage), for shading the map (see `city_year`)."""
    rows = city_facts[(city_facts["metric"] == "gdp") & city_facts["preferred"] & (city_facts["adcode"] != 360000)]
    year = city_year(city_facts, year)
    return rows[rows["year"] == year] if year is not None else rows.iloc[0:0]


def overlay(bundled: pd.DataFrame, uploaded: pd.DataFrame) -> pd.DataFrame:
    """Uploaded figures replace bundled ones for the same zone/year/metric/industry; new ones are added.

    Uploaded rows carry the trust grade 'user' and keep their own sources.
    """
    key = ["zone_id", "year", "metric", "industry"]
    uploaded = uploaded.copy()
    uploaded["source_id"] = ""
    uploaded["publisher"] = ""
    uploaded["trust"] = "user"
    uploaded["caution"] = False
    uploaded["baseline"] = False  # an upload's note is shown as written: no note_zh, no quote
    uploaded["note_zh"] = ""
    uploaded["quote"] = ""
    uploaded["preferred"] = ~uploaded.duplicated(subset=key, keep="first")
    replaced = bundled.set_index(key).index.isin(uploaded.set_index(key).index)
    return pd.concat([bundled.loc[~replaced], uploaded[bundled.columns]], ignore_index=True)


def derived_shares(facts: pd.DataFrame) -> pd.DataFrame:
    """Industry revenue as a share of the zone's industrial revenue, computed from two exact figures.

    Labelled derived (metric industry_share, qualifier exact, trust 'derived'), only where both
    figures are exact, preferred, of the same zone and year, and no sourced share exists for it.
    """
    preferred = facts[facts["preferred"] & (facts["qualifier"] == "exact")]
    parts = preferred[preferred["metric"] == "industry_revenue"]
    totals = preferred[(preferred["metric"] == "industrial_revenue") & (preferred["industry"] == "")]
    merged = parts.merge(totals, on=["zone_id", "year"], suffixes=("", "_total"))
    sourced = set(map(tuple, facts.loc[facts["metric"] == "industry_share", ["zone_id", "year", "industry"]].to_numpy()))
    rows = []
    for r in merged.itertuples():
        if (r.zone_id, r.year, r.industry) in sourced or r.value_total <= 0:
            continue
        share = round(100 * r.value / r.value_total, 1)
        both = r.source_title if r.source_id == r.source_id_total else f"{r.source_title}；{r.source_title_total}"
        rows.append(
            {
                "zone_id": r.zone_id,
                "year": r.year,
                "metric": "industry_share",
                "industry": r.industry,
                "value": share,
                "unit": "%",
                "qualifier": "exact",
                "source_title": both,
                "source_url": "",
                "source_date": r.source_date,
                "note": (
                    f"derived in code: industry revenue {r.value:g} 亿元 ÷ industrial revenue {r.value_total:g} 亿元 "
                    f"= {share:g}% (rounded to 0.1); scopes may differ"
                ),
                "note_zh": (
                    f"本看板推算：产业营业收入 {r.value:g} 亿元 ÷ 工业营业收入 {r.value_total:g} 亿元 "
                    f"= {share:g}%（保留一位小数）；两者口径可能不同"
                ),
                "source_id": r.source_id,
                "preferred": True,
                "caution": True,
                "baseline": False,
                "quote": "",
                "publisher": r.publisher,
                "trust": "derived",
            }
        )
    return pd.DataFrame(rows, columns=facts.columns)


# ---------------------------------------------------------------------------------------------
# Data as of: how current the figures are
# ---------------------------------------------------------------------------------------------

STALE_AFTER_YEARS = 3  # a zone whose latest figure is older than this says so plainly
_SOURCE_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def data_as_of(frame: pd.DataFrame) -> str:
    """The newest source date among these figures ("2026-01"), or "" when none is dated: how
    current a table, a chart or the whole dataset is. Any table with a `source_date` column will
    do (the facts, the city context, the rows a chart draws). Dates are ISO and only as precise as
    the source ("2025", "2025-03", "2025-03-12"), so as text they sort by time; anything else
    ("c. 2010") is not a date and is left out."""
    if "source_date" not in frame or not len(frame):
        return ""
    dates = [d for d in frame["source_date"].dropna().astype(str).str.strip() if _SOURCE_DATE.fullmatch(d)]
    return max(dates, default="")


def latest_years(facts: pd.DataFrame, zone_ids=data.ZONE_IDS) -> dict[str, int | None]:
    """Per zone, the year of its latest figure (baselines included: they are figures too), None
    for a zone with none."""
    years = facts[facts["zone_id"].isin(zone_ids)].groupby("zone_id")["year"].max()
    return {z: int(years[z]) if z in years.index else None for z in zone_ids}


def is_stale(year: int | None, this_year: int | None = None) -> bool:
    """True when a latest figure is older than STALE_AFTER_YEARS (this year by default: a 2022
    figure is stale in 2026, a 2023 one is not)."""
    return year is not None and year < (this_year or date.today().year) - STALE_AFTER_YEARS
