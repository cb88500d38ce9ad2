"""Export: what a person takes away (CSV downloads and the upload templates) opens cleanly in
Excel and cannot run as formulas."""

from __future__ import annotations

import io

import pandas as pd

from dashboard import schema
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


def to_csv_bytes(facts: pd.DataFrame) -> bytes:
    """Facts as CSV in UTF-8 with BOM (Excel in China opens it), text cells neutralised against
    formula injection; numbers stay numbers. Mirror URLs are left out of `source_url`."""
    columns = [c for c in DOWNLOAD_COLUMNS if c in facts]
    out = facts[columns].copy()
    if "trust" in out and "source_url" in out:
        out["source_url"] = out["source_url"].where(~out["trust"].isin(UNLINKED), "")
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(cell)
    return out.to_csv(index=False).encode("utf-8-sig")


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


def template_xlsx(dataset: Dataset) -> bytes:
    """The template as .xlsx: sheet 1 the facts (two examples), sheet 2 what each column means and
    the valid zone, metric and industry ids."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "facts"
    sheet.append(FACT_COLUMNS)
    for row in template_rows(dataset).itertuples(index=False):
        sheet.append([v.item() if hasattr(v, "item") else v for v in row])
    help_sheet = book.create_sheet("help")
    help_sheet.append(["column", "required", "meaning"])
    for column, meaning in COLUMN_HELP.items():
        help_sheet.append([column, "yes" if column in REQUIRED_COLUMNS else "no", meaning])
    help_sheet.append([])
    help_sheet.append(["zone_id", "name_zh", "name_en"])
    for z in dataset.zones.itertuples():
        help_sheet.append([z.zone_id, z.short_zh, z.short_en])
    help_sheet.append(["jiangxi_all", "九个国家高新区合计", "the nine zones combined"])
    help_sheet.append(["national", "全国国家高新区", "all national high-tech zones"])
    help_sheet.append([])
    help_sheet.append(["metric", "label_zh", "label_en", "unit"])
    for m in dataset.metrics.itertuples():
        help_sheet.append([m.metric, m.label_zh, m.label_en, m.unit])
    help_sheet.append([])
    help_sheet.append(["industry", "name_zh", "name_en"])
    for i in dataset.industries.itertuples():
        help_sheet.append([i.industry, i.name_zh, i.name_en])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


COLUMN_HELP = {
    "zone_id": "one of the nine zone ids below, jiangxi_all or national",
    "year": f"the year the figure describes, a whole number from {schema.FIRST_YEAR} to this year",
    "metric": "a metric id from the list below",
    "industry": "empty, or an industry id (or its Chinese/English name) when the figure concerns one industry",
    "value": "the number, in the metric's unit (亿元 for money; 1 万亿元 = 10000 亿元)",
    "unit": "the metric's unit; may be left empty",
    "qualifier": "exact (default), over (超过), about (约) or under (不足)",
    "source_title": "the title of the document the figure comes from (required)",
    "source_url": "the document's address, if any",
    "source_date": "its publication date, e.g. 2025-03",
    "note": "any caveat: scope, estimate, revision …",
}
