"""The data layer: loads, validates and cross-checks a data folder (the registries, the facts and
the city context, each with its sources), and reads facts files (`read_facts`, the contract).

Everything the page shows comes through here. Files are validated on load (pandera schemas in
dashboard/schema.py, the facts format in dashboard/facts_file.py); a bad file raises DataError
naming file, row and column, and nothing is half-loaded. Loaders are wrapped in st.cache_data
with hashable arguments only (the data folder as a string), so a rerun costs a cache lookup.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pandera.pandas as pa
import streamlit as st

from dashboard import schema
from dashboard.facts_file import FACT_COLUMNS, REQUIRED_COLUMNS, DataError, Problem, parse_facts, problems_from, read_bytes

__all__ = ["FACT_COLUMNS", "REQUIRED_COLUMNS", "DataError", "Problem", "Dataset", "load_dataset", "read_facts", "data_dir"]

BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_DIR_ENV = "JX_DATA_DIR"

ZONE_IDS = ("nanchang", "xinyu", "jingdezhen", "yingtan", "fuzhou", "jian", "ganzhou", "gongqingcheng", "fengcheng")
AGGREGATE_IDS = ("jiangxi_all", "national")
BUNDLED_FILES = (
    "zones.csv",
    "zone_industries.csv",
    "metrics.csv",
    "industries.csv",
    "sources.csv",
    "facts.csv",
    "city_facts.csv",
)


# ---------------------------------------------------------------------------------------------
# Registries
# ---------------------------------------------------------------------------------------------


def data_dir() -> str:
    """The folder the app reads: $JX_DATA_DIR when set, else the bundled data/."""
    return os.environ.get(DATA_DIR_ENV) or str(BUNDLED_DATA_DIR)


def _read_registry(folder: str, name: str, table_schema: pa.DataFrameSchema) -> pd.DataFrame:
    path = Path(folder) / name
    if not path.is_file():
        raise DataError([Problem(None, None, f"file is missing from {folder}")], name)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError([Problem(None, None, f"cannot be read as UTF-8 CSV ({exc})")], name) from None
    if "area_km2" in frame:  # the one optional number among the registries
        frame["area_km2"] = frame["area_km2"].replace({"": None})
    try:
        return table_schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(problems_from(exc.failure_cases, frame), name) from None


@st.cache_data(show_spinner=False)
def load_metrics(folder: str) -> pd.DataFrame:
    """Metric registry: id, zh/en label, unit, group (output/enterprises/industry/ranking/context)."""
    return _read_registry(folder, "metrics.csv", schema.METRICS_SCHEMA).sort_values("order", ignore_index=True)


@st.cache_data(show_spinner=False)
def load_industries(folder: str) -> pd.DataFrame:
    """Industry registry: id, zh/en name, parent id (a segment such as 再生铜 belongs to 铜产业)."""
    return _read_registry(folder, "industries.csv", schema.INDUSTRIES_SCHEMA)


@st.cache_data(show_spinner=False)
def load_zones(folder: str) -> pd.DataFrame:
    """The nine zones in registry order, with lead industries as a tuple of industry ids."""
    zones = _read_registry(folder, "zones.csv", schema.ZONES_SCHEMA)
    links = _read_registry(folder, "zone_industries.csv", schema.ZONE_INDUSTRIES_SCHEMA)
    known_industries = set(load_industries(folder)["industry"])
    problems = [
        Problem(i + 2, "industry", f"unknown industry {r.industry!r}")
        for i, r in links.iterrows()
        if r.industry not in known_industries
    ]
    problems += [
        Problem(i + 2, "zone_id", f"unknown zone {r.zone_id!r}")
        for i, r in links.iterrows()
        if r.zone_id not in set(zones["zone_id"])
    ]
    if problems:
        raise DataError(problems, "zone_industries.csv")
    lead = links.sort_values("position").groupby("zone_id")["industry"].agg(tuple)
    first = links[links["first_industry"] == "true"].set_index("zone_id")["industry"]
    zones["name_en_constructed"] = zones.get("name_en_constructed", pd.Series("", index=zones.index)) == "true"
    zones["lead_industries"] = zones["zone_id"].map(lead).map(lambda v: v if isinstance(v, tuple) else ())
    zones["first_industry"] = zones["zone_id"].map(first).fillna("")
    unknown = set(zones["zone_id"]) - set(ZONE_IDS)
    if unknown or len(zones) != len(ZONE_IDS):
        raise DataError(
            [
                Problem(
                    None,
                    "zone_id",
                    f"expected the nine zones {', '.join(ZONE_IDS)}; unknown: {', '.join(sorted(unknown)) or 'none'}",
                )
            ],
            "zones.csv",
        )
    order = {z: i for i, z in enumerate(ZONE_IDS)}
    return zones.sort_values("zone_id", key=lambda s: s.map(order), ignore_index=True)


@st.cache_data(show_spinner=False)
def load_sources(folder: str) -> pd.DataFrame:
    """One row per source: title, publisher, date, URL (kept for audit) and trust grade."""
    return _read_registry(folder, "sources.csv", schema.SOURCES_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Facts files: the contract in DESIGN.md
# ---------------------------------------------------------------------------------------------


def read_facts(source: str | os.PathLike | BinaryIO, folder: str | None = None) -> pd.DataFrame:
    """Read and validate a facts file (the contract in DESIGN.md).

    `source` is a path or a file-like object: CSV in UTF-8, UTF-8 with BOM or GB18030, or .xlsx
    (first sheet). Returns the facts with typed columns, industries as ids and qualifiers as
    exact/over/about/under. Raises DataError listing each problem as `row N, column C: …` (the
    header is row 1). Extra columns are ignored; nothing is half-loaded. Ids are checked against
    the registries of `folder` (default: the app's data folder).
    """
    return _validated_facts(source, folder or data_dir())[FACT_COLUMNS].reset_index(drop=True)


def _validated_facts(source, folder: str) -> pd.DataFrame:
    """Typed contract columns plus any extra columns as text, indexed by spreadsheet row."""
    data, name = read_bytes(source)
    return parse_facts(data, name, ZONE_IDS + AGGREGATE_IDS, load_metrics(folder), load_industries(folder))


# ---------------------------------------------------------------------------------------------
# Facts: the bundled (or configured) data folder
# ---------------------------------------------------------------------------------------------


def _bool_column(frame: pd.DataFrame, column: str, name: str, default: bool) -> pd.Series:
    if column not in frame:
        return pd.Series(default, index=frame.index)
    text = frame[column].str.strip().str.lower()
    bad = ~text.isin(["true", "false", ""])
    if bad.any():
        raise DataError([Problem(int(i), column, "must be true or false") for i in frame.index[bad]], name)
    return text.map({"true": True, "false": False, "": default})


@st.cache_data(show_spinner=False)
def load_facts(folder: str) -> pd.DataFrame:
    """Zone, nine-zone and national facts with provenance: the contract columns plus source_id,
    publisher, trust (official/news/compilation/mirror), preferred and caution."""
    facts = _validated_facts(Path(folder) / "facts.csv", folder)
    if "source_id" not in facts:
        facts["source_id"] = ""
    facts["preferred"] = _bool_column(facts, "preferred", "facts.csv", True)
    facts["caution"] = _bool_column(facts, "caution", "facts.csv", False)
    facts["baseline"] = _bool_column(facts, "baseline", "facts.csv", False)  # before 2018: context only
    for column in ("note_zh", "quote"):  # Chinese caveat; the source's sentence, for audit
        if column not in facts:
            facts[column] = ""
    columns = FACT_COLUMNS + ["source_id", "preferred", "caution", "baseline", "note_zh", "quote"]
    return _with_sources(facts[columns], load_sources(folder), "facts.csv")


def _with_sources(facts: pd.DataFrame, sources: pd.DataFrame, name: str) -> pd.DataFrame:
    known = set(sources["source_id"])
    missing = [Problem(int(i), "source_id", f"unknown source id {s!r}") for i, s in facts["source_id"].items() if s not in known]
    if missing:
        raise DataError(missing, name)
    joined = facts.merge(sources[["source_id", "publisher", "trust"]], on="source_id", how="left")
    return joined


@st.cache_data(show_spinner=False)
def load_city_facts(folder: str) -> pd.DataFrame:
    """Province (360000) and prefecture context: GDP (with its vintage), growth, population."""
    name = "city_facts.csv"
    path = Path(folder) / name
    if not path.is_file():
        raise DataError([Problem(None, None, f"file is missing from {folder}")], name)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.index = frame.index + 2  # spreadsheet rows: the header is row 1
    try:
        cities = schema.CITY_FACTS_SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(problems_from(exc.failure_cases, frame, row_of=int), name) from None
    cities["preferred"] = cities["preferred"] == "true"
    cities["caution"] = _bool_column(frame, "caution", name, False)
    return _with_sources(cities, load_sources(folder), name)


@dataclass(frozen=True)
class Dataset:
    """Everything the page needs, loaded and cross-checked once per data folder."""

    folder: str
    zones: pd.DataFrame
    metrics: pd.DataFrame
    industries: pd.DataFrame
    sources: pd.DataFrame
    facts: pd.DataFrame
    city_facts: pd.DataFrame


def load_dataset(folder: str | None = None) -> Dataset:
    """Load and cross-check every file of a data folder; DataError lists what is wrong, per file.

    One shared, read-only Dataset per folder and process (st.cache_resource: no copy per call, as
    every rerun asks for it several times); the loaders under it are st.cache_data.
    """
    return _dataset(folder or data_dir())


@st.cache_resource(show_spinner=False)
def _dataset(folder: str) -> Dataset:
    if not Path(folder).is_dir():
        raise DataError([Problem(None, None, f"data folder {folder!r} does not exist")], DATA_DIR_ENV)
    missing = [f for f in BUNDLED_FILES if not (Path(folder) / f).is_file()]
    if missing:
        raise DataError([Problem(None, None, f"{f} is missing") for f in missing], folder)
    return Dataset(
        folder,
        load_zones(folder),
        load_metrics(folder),
        load_industries(folder),
        load_sources(folder),
        load_facts(folder),
        load_city_facts(folder),
    )
