"""Pandera schemas: what a valid facts file, registry or data folder looks like.

Facts files arrive as text (every cell a string, exactly as the user typed it), so the facts schema
checks strings and says, per cell, what is wrong; parsing into numbers happens only after it passes.
Each check's `error` is the message a user reads after "row N, column C:".
"""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import pandera.pandas as pa

FIRST_YEAR = 1988  # the first national high-tech zone (Beijing) dates from 1988
QUALIFIERS = {
    "exact": "exact",
    "over": "over",
    "about": "about",
    "under": "under",
    "": "exact",
    "超过": "over",
    "突破": "over",
    "≥": "over",
    ">": "over",
    "约": "about",
    "~": "about",
    "不足": "under",
    "<": "under",
}
NEGATIVE_FORBIDDEN = {"count", "rank"}  # metric kinds that cannot be below zero
TRUST_GRADES = ("official", "news", "compilation", "mirror", "unverified")  # unverified: no URL, no kept copy
GROUPS = ("output", "enterprises", "industry", "ranking", "context")
KINDS = ("amount", "count", "share", "growth", "rank", "rank_change")

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """A finite number written plainly (thousands separators allowed), else None: no text, nan or inf."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not _NUMBER.match(cleaned):
        return None
    number = float(cleaned)
    return number if math.isfinite(number) else None


def parse_year(text: str) -> int | None:
    cleaned = text.strip()
    if cleaned.endswith(".0"):  # spreadsheets store whole numbers as 2024.0
        cleaned = cleaned[:-2]
    if not cleaned.isascii() or not cleaned.isdigit():
        return None
    year = int(cleaned)
    return year if FIRST_YEAR <= year <= date.today().year else None


def _each(predicate):
    """A vectorised pandera check from a per-cell predicate."""
    return lambda s: s.map(predicate).astype(bool)


def facts_text_schema(zone_ids: set[str], metrics: pd.DataFrame, industries: dict[str, str]) -> pa.DataFrameSchema:
    """The schema a facts table of strings must pass: each cell readable and known (`zone_ids`,
    the metric ids of `metrics`; `industries` maps every accepted spelling to an industry id),
    then the rules across columns (unit, sign, conflicting duplicates). Its `validate(...,
    lazy=True)` raises pandera's SchemaErrors listing every failing cell and row."""
    metric_unit = dict(zip(metrics["metric"], metrics["unit"]))
    metric_kind = dict(zip(metrics["metric"], metrics["kind"]))
    return pa.DataFrameSchema(
        columns=_fact_cells(zone_ids, set(metric_unit), industries),
        checks=_fact_rows(metric_unit, metric_kind),
        strict=False,
    )


def _text(check, error: str, name: str) -> pa.Column:
    """A column of strings where every cell must pass `check` (else `error`, named `name`)."""
    return pa.Column(str, pa.Check(_each(check), error=error, name=name))


def _fact_cells(zone_ids: set[str], metric_ids: set[str], industries: dict[str, str]) -> dict[str, pa.Column]:
    """One rule per cell of a facts row: the columns of facts_text_schema."""
    return {
        "zone_id": _text(
            lambda v: v.strip() in zone_ids,
            "unknown zone id (use one of the nine zone ids, jiangxi_all or national)",
            "zone_id",
        ),
        "year": _text(
            lambda v: parse_year(v) is not None,
            f"year must be a whole number from {FIRST_YEAR} to {date.today().year}",
            "year",
        ),
        "metric": _text(lambda v: v.strip() in metric_ids, "unknown metric id (see the metric list in the template)", "metric"),
        "industry": _text(
            lambda v: v.strip() == "" or v.strip() in industries,
            "unknown industry (use an industry id from the template, or leave empty)",
            "industry",
        ),
        "value": _text(lambda v: parse_number(v) is not None, "value must be a finite number (no text, nan or inf)", "value"),
        "unit": pa.Column(str),
        "qualifier": _text(lambda v: v.strip() in QUALIFIERS, "qualifier must be exact, over, about or under", "qualifier"),
        "source_title": _text(lambda v: v.strip() != "", "source_title is empty: every figure needs a source", "source_title"),
    }


def _fact_rows(metric_unit: dict[str, str], metric_kind: dict[str, str]) -> list[pa.Check]:
    """The rules across a facts row's columns, and across rows: the checks of facts_text_schema."""

    def unit_matches(df: pd.DataFrame) -> pd.Series:
        expected = df["metric"].map(metric_unit)
        ok = (df["unit"].str.strip() == "") | expected.isna() | (df["unit"].str.strip() == expected)
        return ok.rename("unit")

    def not_negative(df: pd.DataFrame) -> pd.Series:
        kind = df["metric"].map(metric_kind)
        value = df["value"].map(parse_number)
        bad = kind.isin(NEGATIVE_FORBIDDEN) & value.map(lambda v: v is not None and v < 0)
        return (~bad).rename("value")

    return [
        pa.Check(unit_matches, error="unit does not match the metric's unit", name="unit_matches"),
        pa.Check(not_negative, error="a count or rank cannot be negative", name="not_negative"),
        pa.Check(
            _no_conflicting_duplicates,
            error="another row has the same zone, year, metric, industry and source but a different value",
            name="conflicting_duplicate",
        ),
    ]


def _no_conflicting_duplicates(df: pd.DataFrame) -> pd.Series:
    """False on rows that share zone, year, metric, industry and source with a row of another value."""
    key = [df[c].str.strip() for c in ("zone_id", "year", "metric", "industry", "source_title")]
    value = df["value"].map(parse_number)
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(key)}).assign(value=value)
    distinct = frame.groupby([f"k{i}" for i in range(len(key))], dropna=False)["value"].transform("nunique")
    return (distinct <= 1).rename("value")


def _ids_unique(column: str) -> pa.Check:
    return pa.Check(
        lambda df: (~df[column].duplicated(keep=False)).rename(column), error=f"duplicate {column}", name=f"unique_{column}"
    )


def _share_of_check(rows_ok, column: str, error: str) -> pa.Check:
    """A check on the optional share_of columns (a registry without them passes): `rows_ok` says
    per metric whether it holds, reported against `column`."""
    return pa.Check(
        lambda df: rows_ok(df).rename(column) if "share_of" in df else df["kind"].eq(df["kind"]),
        error=error,
        name=f"{column}_{error.split()[0]}",
    )


METRICS_SCHEMA = pa.DataFrameSchema(
    {
        "metric": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "label_zh": pa.Column(str, pa.Check.str_length(min_value=1)),
        "label_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "unit": pa.Column(str, pa.Check.str_length(min_value=1)),
        "group": pa.Column(str, pa.Check.isin(GROUPS)),
        "kind": pa.Column(str, pa.Check.isin(KINDS)),
        "period": pa.Column(str),
        "order": pa.Column(int),
        # the denominator of a share (kind share): an id with zh/en labels, empty for other kinds
        "share_of": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]*$"), required=False),
        "share_of_zh": pa.Column(str, required=False),
        "share_of_en": pa.Column(str, required=False),
    },
    checks=[
        _ids_unique("metric"),
        _share_of_check(
            lambda df: (df["kind"] == "share") == df["share_of"].ne(""),
            "share_of",
            "a share metric needs share_of (its denominator); other metrics leave it empty",
        ),
        _share_of_check(
            lambda df: df["share_of"].eq("") | (df["share_of_zh"].ne("") & df["share_of_en"].ne("")),
            "share_of_zh",
            "share_of needs zh and en labels",
        ),
        _share_of_check(
            lambda df: df.groupby("share_of")[["share_of_zh", "share_of_en"]].transform("nunique").max(axis=1) <= 1,
            "share_of_zh",
            "one share_of id has different labels",
        ),
    ],
    coerce=True,
)

INDUSTRIES_SCHEMA = pa.DataFrameSchema(
    {
        "industry": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "name_zh": pa.Column(str, pa.Check.str_length(min_value=1)),
        "name_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "parent": pa.Column(str),
        "aliases": pa.Column(str),
    },
    checks=[
        _ids_unique("industry"),
        pa.Check(
            lambda df: (df["parent"].eq("") | df["parent"].isin(df["industry"])).rename("parent"),
            error="parent is not an industry id",
            name="parent_known",
        ),
    ],
    coerce=True,
)

ZONES_SCHEMA = pa.DataFrameSchema(
    {
        "zone_id": pa.Column(str, pa.Check.str_matches(r"^[a-z_]+$")),
        "name_zh": pa.Column(str, pa.Check.str_length(min_value=1)),
        "short_zh": pa.Column(str, pa.Check.str_length(min_value=1)),
        "name_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "short_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "city_zh": pa.Column(str),
        "city_en": pa.Column(str),
        "city_adcode": pa.Column(int, pa.Check.in_range(360100, 361199)),
        "approved_national": pa.Column(str, pa.Check.str_matches(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")),
        "area_km2": pa.Column(float, pa.Check.gt(0), nullable=True),
        "lon": pa.Column(float, pa.Check.in_range(113.5, 118.5)),
        "lat": pa.Column(float, pa.Check.in_range(24.4, 30.1)),
        "coord_quality": pa.Column(str, pa.Check.isin(["approximate", "geocoded", "surveyed"])),
    },
    checks=[_ids_unique("zone_id")],
    coerce=True,
)

SOURCES_SCHEMA = pa.DataFrameSchema(
    {
        "source_id": pa.Column(str, pa.Check.str_length(min_value=1)),
        "title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "publisher": pa.Column(str),
        "date": pa.Column(str),
        "url": pa.Column(str),
        "trust": pa.Column(str, pa.Check.isin(TRUST_GRADES)),
    },
    checks=[_ids_unique("source_id")],
    coerce=True,
)

ZONE_INDUSTRIES_SCHEMA = pa.DataFrameSchema(
    {
        "zone_id": pa.Column(str),
        "industry": pa.Column(str),
        "position": pa.Column(int, pa.Check.ge(1)),
        "first_industry": pa.Column(str, pa.Check.isin(["true", "false"])),
    },
    coerce=True,
)

CITY_FACTS_SCHEMA = pa.DataFrameSchema(
    {
        "adcode": pa.Column(int, pa.Check.in_range(360000, 361199)),
        "year": pa.Column(int, pa.Check.in_range(FIRST_YEAR, 2100)),
        "metric": pa.Column(str),
        "value": pa.Column(float, pa.Check(lambda s: s.map(math.isfinite), error="value must be a finite number")),
        "unit": pa.Column(str),
        "qualifier": pa.Column(str, pa.Check.isin(["exact", "over", "about", "under"])),
        "source_title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "vintage": pa.Column(str, pa.Check.isin(["", "first_release", "as_compiled", "revised"])),
        "preferred": pa.Column(str, pa.Check.isin(["true", "false"])),
    },
    coerce=True,
)
