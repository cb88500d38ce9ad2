"""Export: what a person takes away (CSV downloads and the upload templates) opens cleanly in
Excel and cannot run as formulas."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd

from dashboard import i18n, model, schema
from dashboard.data import Dataset
from dashboard.facts_file import FACT_COLUMNS, REQUIRED_COLUMNS
from dashboard.safe import cell

# The download's columns: the facts format, with the trust grade right beside the source's URL, then
# the Chinese caveat and the flags. A mirror copy's URL is not given as `source_url`: it stays in
# data/sources.csv (found by `source_id`) for audit, as it is never a link on the page.
DOWNLOAD_COLUMNS = [
    *FACT_COLUMNS[: FACT_COLUMNS.index("source_url") + 1],
    "trust",  # the grade beside the link it qualifies
    *FACT_COLUMNS[FACT_COLUMNS.index("source_url") + 1 :],
    *("note_zh", "source_id", "publisher", "preferred", "caution", "baseline"),
    *("zone_latest_year", "data_as_of"),  # how current: the zone's latest figure year, the newest source date
]
UNLINKED = ("mirror",)


# A reader's download names what each id means, in the page's language, in a column right after
# the id (the id columns keep their names and ids: the file is still the facts format, and
# uploads as it is). Id column → the header of its names (strings.toml); README "Downloads" lists them.
NAMED_COLUMNS = {
    "zone_id": "download.col_zone",
    "metric": "download.col_metric",
    "industry": "download.col_industry",
    "unit": "download.col_unit",
    "qualifier": "download.col_qualifier",
    "trust": "download.col_trust",
}


def to_csv_bytes(facts: pd.DataFrame, dataset: Dataset | None = None, lang: str | None = None) -> bytes:
    """Facts as CSV in UTF-8 with BOM (Excel in China opens it), text cells neutralised against
    formula injection; whole numbers written whole ("89", not "89.0"), the others with every digit
    the source gave. Mirror URLs are left out of `source_url`. With a dataset and a language, each
    id column is followed by its names in that language (zone, metric, industry, unit, qualifier,
    source grade)."""
    columns = [c for c in DOWNLOAD_COLUMNS if c in facts]
    out = facts[columns].copy()
    if "trust" in out and "source_url" in out:
        out["source_url"] = out["source_url"].where(~out["trust"].isin(UNLINKED), "")
    if dataset is not None and lang is not None:
        out = with_names(out, dataset, lang)
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(cell)
    if "value" in out:  # after the neutralising: "-5" is a number here, not a formula
        out["value"] = out["value"].map(number_text)
    return out.to_csv(index=False).encode("utf-8-sig")


def with_names(facts: pd.DataFrame, dataset: Dataset, lang: str) -> pd.DataFrame:
    """Each id column followed by what it names, in `lang` (an id the registries do not know, as
    an upload may bring: left blank rather than guessed)."""
    names = {
        "zone_id": model.zone_labels(dataset.zones, lang)
        | {"jiangxi_all": i18n.t("zone.jiangxi_all", lang), "national": i18n.t("zone.national", lang)},
        "metric": model.metric_labels(dataset.metrics, lang),
        "industry": model.industry_labels(dataset.industries, lang),
        "qualifier": qualifier_names(lang),
        "trust": {grade: i18n.t(key, lang) for grade, key in model.TRUST_KEYS.items()},
    }
    out = facts.copy()
    for id_column, header in NAMED_COLUMNS.items():
        if id_column not in out:
            continue
        ids = out[id_column]
        if id_column == "unit":
            text = ids.map(lambda u: i18n.fmt_axis_unit(u, lang) if isinstance(u, str) else "")
        else:
            text = ids.map(names[id_column]).fillna("")
        out.insert(out.columns.get_loc(id_column) + 1, i18n.t(header, lang), text)
    return out


def qualifier_names(lang: str) -> dict[str, str]:
    """What each qualifier says; exact (or blank, which reads as exact) is said too, not left blank."""
    exact = i18n.t("download.exact", lang)
    return {"": exact, "exact": exact} | {q: i18n.t(f"qualifier.{q}", lang) for q in ("over", "about", "under")}


def number_text(value: object) -> str:
    """A figure as the source wrote it: 89 (not 89.0), 741.78, 0.5; blank when there is none
    (None, NaN or pandas NA)."""
    if pd.isna(value):
        return ""
    return format(Decimal(repr(float(value))).normalize(), "f")


def template_rows(dataset: Dataset) -> pd.DataFrame:
    """Two real rows from the bundled data, as examples in the template."""
    examples = dataset.facts[
        (dataset.facts["zone_id"] == "yingtan")
        & (dataset.facts["year"] == 2024)
        & dataset.facts["metric"].isin(["industrial_revenue", "national_rank"])
    ]
    return examples[FACT_COLUMNS].head(2)


def template_csv(dataset: Dataset) -> bytes:
    return to_csv_bytes(template_rows(dataset))


def template_xlsx(dataset: Dataset, lang: str = "zh") -> bytes:
    """The template as .xlsx: sheet 1 the facts (two examples; its headers are the facts format's,
    in either language), sheet 2 what each column means and the valid zone, metric and industry
    ids, in `lang` (strings.toml "template.*")."""
    import openpyxl

    def say(key: str, **kwargs: object) -> str:
        return i18n.t(f"template.{key}", lang, **kwargs)

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "facts"
    sheet.append(FACT_COLUMNS)
    for row in template_rows(dataset).itertuples(index=False):
        sheet.append([v.item() if hasattr(v, "item") else v for v in row])
    help_sheet = book.create_sheet(say("sheet"))
    help_sheet.append([say("column"), say("required"), say("meaning")])
    for column in FACT_COLUMNS:
        help_sheet.append(
            [column, say("yes") if column in REQUIRED_COLUMNS else say("no"), say(f"col_{column}", first=schema.FIRST_YEAR)]
        )
    help_sheet.append([])
    help_sheet.append(["zone_id", say("name_zh"), say("name_en")])
    for z in dataset.zones.itertuples():
        help_sheet.append([z.zone_id, z.short_zh, z.short_en])
    help_sheet.append(["jiangxi_all", i18n.t("zone.jiangxi_all", "zh"), i18n.t("zone.jiangxi_all", "en")])
    help_sheet.append(["national", i18n.t("zone.national", "zh"), i18n.t("zone.national", "en")])
    help_sheet.append([])
    help_sheet.append(["metric", say("name_zh"), say("name_en"), say("unit")])
    for m in dataset.metrics.itertuples():
        help_sheet.append([m.metric, m.label_zh, m.label_en, m.unit])
    help_sheet.append([])
    help_sheet.append(["industry", say("name_zh"), say("name_en")])
    for i in dataset.industries.itertuples():
        help_sheet.append([i.industry, i.name_zh, i.name_en])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
