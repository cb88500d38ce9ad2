"""The data layer: reads, validates and serves the facts, the registries and their sources.

Everything the page shows comes through here. Files are validated on load (pandera schemas in
dashboard/schema.py); a bad file raises DataError naming file, row and column, and nothing is
half-loaded. Loaders are wrapped in st.cache_data with hashable arguments only (the data folder as
a string), so a rerun costs a cache lookup, not a parse.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

import pandas as pd
import pandera.pandas as pa
import streamlit as st

from dashboard import schema

BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_DIR_ENV = "JX_DATA_DIR"
MAX_BYTES = 20 * 1024 * 1024
MAX_LISTED_PROBLEMS = 20
# Rows of figures in one facts file (an upload or facts.csv). Bounds the memory one upload takes while
# it is read and then for the rest of its session: reading 50,000 rows peaks near 55 MB of Python heap
# (tracemalloc), and a longer file costs no more, as reading stops at the limit.
MAX_ROWS = 50_000

ZONE_IDS = ("nanchang", "xinyu", "jingdezhen", "yingtan", "fuzhou", "jian", "ganzhou", "gongqingcheng", "fengcheng")
AGGREGATE_IDS = ("jiangxi_all", "national")
FACT_COLUMNS = ["zone_id", "year", "metric", "industry", "value", "unit", "qualifier",
                "source_title", "source_url", "source_date", "note"]
REQUIRED_COLUMNS = ["zone_id", "year", "metric", "value", "source_title"]
BUNDLED_FILES = ("zones.csv", "zone_industries.csv", "metrics.csv", "industries.csv",
                 "sources.csv", "facts.csv", "city_facts.csv")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or a whole file when row is None)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class DataError(ValueError):
    """A file that cannot be used. The message lists `row N, column C: what is wrong`, 20 at most."""

    def __init__(self, problems: Iterable[Problem], source: str = "") -> None:
        self.problems = sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
        self.source = source
        lines = [str(p) for p in self.problems[:MAX_LISTED_PROBLEMS]]
        rest = len(self.problems) - len(lines)
        if rest > 0:
            lines.append(f"… and {rest} more problem{'s' if rest > 1 else ''}")
        head = f"{source}: " if source else ""
        count = len(self.problems)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''}\n" + "\n".join(lines))

    def table(self) -> pd.DataFrame:
        """Every problem as a row (row, column, problem) for the page to show as a table."""
        return pd.DataFrame(
            [{"row": p.row, "column": p.column or "", "problem": p.message} for p in self.problems],
            columns=["row", "column", "problem"],
        ).astype({"row": "Int64"})


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
        raise DataError(_problems_from(exc.failure_cases, frame), name) from None


def _problems_from(failures: pd.DataFrame, frame: pd.DataFrame, row_of=lambda i: int(i) + 2) -> list[Problem]:
    problems = []
    for _, f in failures.iterrows():
        index = f["index"]
        row = row_of(index) if index is not None and not pd.isna(index) else None
        column = f["column"] if isinstance(f["column"], str) else None
        if f["check"] == "column_in_dataframe":
            column, message = f["failure_case"], "required column is missing"
        elif f["check"] == "not_nullable":
            message = "empty cell where a value is required"
        else:
            message = f["check"] if not str(f["check"]).startswith(("isin", "str_", "in_range", "greater", "less", "dtype", "coerce")) else f"invalid value {str(f['failure_case'])[:40]!r} ({f['check']})"
        problems.append(Problem(row, column, message))
    return problems


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
    problems = [Problem(i + 2, "industry", f"unknown industry {r.industry!r}") for i, r in links.iterrows() if r.industry not in known_industries]
    problems += [Problem(i + 2, "zone_id", f"unknown zone {r.zone_id!r}") for i, r in links.iterrows() if r.zone_id not in set(zones["zone_id"])]
    if problems:
        raise DataError(problems, "zone_industries.csv")
    lead = links.sort_values("position").groupby("zone_id")["industry"].agg(tuple)
    first = links[links["first_industry"] == "true"].set_index("zone_id")["industry"]
    zones["name_en_constructed"] = zones.get("name_en_constructed", pd.Series("", index=zones.index)) == "true"
    zones["lead_industries"] = zones["zone_id"].map(lead).map(lambda v: v if isinstance(v, tuple) else ())
    zones["first_industry"] = zones["zone_id"].map(first).fillna("")
    unknown = set(zones["zone_id"]) - set(ZONE_IDS)
    if unknown or len(zones) != len(ZONE_IDS):
        raise DataError([Problem(None, "zone_id", f"expected the nine zones {', '.join(ZONE_IDS)}; unknown: {', '.join(sorted(unknown)) or 'none'}")], "zones.csv")
    order = {z: i for i, z in enumerate(ZONE_IDS)}
    return zones.sort_values("zone_id", key=lambda s: s.map(order), ignore_index=True)


@st.cache_data(show_spinner=False)
def load_sources(folder: str) -> pd.DataFrame:
    """One row per source: title, publisher, date, URL (kept for audit) and trust grade."""
    return _read_registry(folder, "sources.csv", schema.SOURCES_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Facts: reading and validating (the contract in DESIGN.md)
# ---------------------------------------------------------------------------------------------

def _industry_spellings(industries: pd.DataFrame) -> dict[str, str]:
    """Every accepted way to write an industry (id, zh/en name, alias) mapped to its id."""
    spellings: dict[str, str] = {}
    for r in industries.itertuples():
        for spelling in (r.industry, r.name_zh, r.name_en, *filter(None, r.aliases.split("|"))):
            spellings.setdefault(spelling.strip(), r.industry)
    return spellings


def _read_bytes(source) -> tuple[bytes, str]:
    """The raw bytes and a display name of a path or file-like object, refusing anything over 20 MB."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise DataError([Problem(None, None, f"cannot open the file ({exc.strerror})")], name) from None
        if size > MAX_BYTES:
            raise DataError([Problem(None, None, f"file is {size / 1024 / 1024:.1f} MB; the limit is 20 MB")], name)
        return path.read_bytes(), name
    name = getattr(source, "name", "") or "upload"
    data = source.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise DataError([Problem(None, None, "file is over 20 MB; the limit is 20 MB")], name)
    return data, name


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Excel in China saves it; else say where it breaks.

    Checked in 1 MB steps, so no second copy of a whole upload is made as text.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError([Problem(None, None, "the file is UTF-16 text (Excel's 'Unicode text'); save it as 'CSV UTF-8' or .xlsx")])
    for encoding in ("utf-8-sig", "gb18030"):
        if _decodes(data, encoding):
            return encoding
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise DataError([Problem(row, None, "bytes that are neither UTF-8 nor GB18030 text: is this really a CSV file?")]) from None
    raise AssertionError("unreachable")


def _decodes(data: bytes, encoding: str, step: int = 1 << 20) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start:start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The CSV's records one by one, numbered as a spreadsheet numbers rows (a record spanning lines
    through a quoted newline is one row). Decoded while read, so a row limit stops the reading."""
    encoding = _encoding(data)
    nul = data.find(b"\x00")  # in UTF-8 and GB18030 a NUL byte is a NUL character, and so is \n
    if nul >= 0:
        row = data[:nul].count(b"\n") + 1
        raise DataError([Problem(row, None, "binary data (NUL byte): this is not a CSV text file")])
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    n = 0
    try:
        for fields in reader:
            n += 1
            yield n, fields
    except csv.Error as exc:
        raise DataError([Problem(reader.line_num, None, f"not valid CSV ({exc})")]) from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # imported here: only uploads of .xlsx need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataError([Problem(None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")]) from None
    try:
        for i, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            yield i, [_cell_text(v) for v in row]
    finally:
        book.close()


def _records_to_frame(records: Iterable[tuple[int, list[str]]]) -> pd.DataFrame:
    """Header and rows (blank rows skipped) → a frame of text indexed by spreadsheet row.

    Cells go straight into one list per column, with no per-row dict: an upload's rows are held
    once, and reading stops after MAX_ROWS rows of figures, so one file's memory is bounded.
    """
    rows = ((n, cells) for n, cells in records if any(c.strip() for c in cells))
    first = next(rows, None)
    if first is None:
        raise DataError([Problem(None, None, "the file is empty")])
    header_row, header = first
    header = [h.strip().lstrip("\ufeff").lower() for h in header]
    problems = [Problem(header_row, c, "required column is missing") for c in REQUIRED_COLUMNS if c not in header]
    width = len(header)
    columns: list[list[str]] = [[] for _ in range(width)]
    index: list[int] = []
    for n, cells in rows:
        if len(index) == MAX_ROWS:
            problems.append(Problem(n, None, f"the file has more than {MAX_ROWS:,} rows of figures; "
                                             f"the limit is {MAX_ROWS:,} rows per file"))
            raise DataError(problems)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(Problem(n, None, f"{len(cells)} cells but the header has {width} columns"))
        index.append(n)
        for column, cell in zip(columns, cells):
            column.append(cell)
        for column in columns[len(cells):]:
            column.append("")
    if not index and not problems:
        problems.append(Problem(None, None, "the file has a header but no rows of figures"))
    if problems:
        raise DataError(problems)
    # a repeated column name keeps its last column, as a dict per row did
    frame = pd.DataFrame(dict(zip(header, columns)), index=index, dtype=str)
    del columns
    for column in FACT_COLUMNS:
        if column not in frame:
            frame[column] = ""
    return frame.fillna("")


def _is_xlsx(data: bytes, name: str) -> bool:
    return name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def read_facts(source: str | os.PathLike | BinaryIO, folder: str | None = None) -> pd.DataFrame:
    """Read and validate a facts file (the contract in DESIGN.md).

    `source` is a path or a file-like object: CSV in UTF-8, UTF-8 with BOM or GB18030, or .xlsx
    (first sheet). Returns the facts with typed columns, industries as ids and qualifiers as
    exact/over/about/under. Raises DataError listing each problem as `row N, column C: …` (the
    header is row 1). Extra columns are ignored; nothing is half-loaded.
    """
    return _validated_facts(source, folder or data_dir())[FACT_COLUMNS].reset_index(drop=True)


def _validated_facts(source, folder: str) -> pd.DataFrame:
    """Typed contract columns plus any extra columns as text, indexed by spreadsheet row."""
    data, name = _read_bytes(source)
    try:
        return _parse_facts(data, name, folder)
    except DataError as exc:
        raise DataError(exc.problems, name) from None


def _parse_facts(data: bytes, name: str, folder: str) -> pd.DataFrame:
    if not data.strip():
        raise DataError([Problem(None, None, "the file is empty")])
    records = _xlsx_records(data) if _is_xlsx(data, name) else _csv_records(data)
    frame = _records_to_frame(records)
    metrics = load_metrics(folder)
    spellings = _industry_spellings(load_industries(folder))
    text_schema = schema.facts_text_schema(set(ZONE_IDS) | set(AGGREGATE_IDS), metrics, spellings)
    try:
        text_schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(_problems_from(exc.failure_cases, frame, row_of=int)) from None
    return _typed(frame, metrics, spellings)


def _typed(frame: pd.DataFrame, metrics: pd.DataFrame, spellings: dict[str, str]) -> pd.DataFrame:
    """Validated strings → typed facts; empty unit and qualifier take the registry unit and 'exact'."""
    out = frame.copy()
    for column in out.columns:
        out[column] = out[column].str.strip()
    out["zone_id"] = out["zone_id"].str.strip()
    out["year"] = out["year"].map(schema.parse_year).astype("int64")
    out["value"] = out["value"].map(schema.parse_number).astype("float64")
    out["industry"] = out["industry"].map(lambda v: spellings.get(v, ""))
    out["qualifier"] = out["qualifier"].map(schema.QUALIFIERS)
    unit = dict(zip(metrics["metric"], metrics["unit"]))
    out["unit"] = out["metric"].map(unit)
    # identical repeats of one figure from one source add nothing: keep the first
    return out.drop_duplicates(subset=["zone_id", "year", "metric", "industry", "source_title", "value"])


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
    columns = FACT_COLUMNS + ["source_id", "preferred", "caution"]
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
        raise DataError(_problems_from(exc.failure_cases, frame, row_of=int), name) from None
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
    return Dataset(folder, load_zones(folder), load_metrics(folder), load_industries(folder),
                   load_sources(folder), load_facts(folder), load_city_facts(folder))


# ---------------------------------------------------------------------------------------------
# Questions the page asks of the facts
# ---------------------------------------------------------------------------------------------

def expand_industries(industries: pd.DataFrame, selected: Iterable[str]) -> set[str]:
    """The selected industries with all their segments (铜产业 brings 再生铜 and 铜精深加工)."""
    children: dict[str, list[str]] = {}
    for r in industries.itertuples():
        if r.parent:
            children.setdefault(r.parent, []).append(r.industry)
    found, todo = set(), list(selected)
    while todo:
        industry = todo.pop()
        if industry not in found:
            found.add(industry)
            todo.extend(children.get(industry, []))
    return found


def zones_for_industries(zones: pd.DataFrame, facts: pd.DataFrame, industries: pd.DataFrame, selected: Iterable[str]) -> list[str]:
    """Zones with a selected industry (or a segment of it) as a lead industry or in a sourced figure."""
    wanted = expand_industries(industries, selected)
    lead = zones.loc[zones["lead_industries"].map(lambda ids: bool(wanted & set(ids))), "zone_id"]
    with_figures = facts.loc[facts["industry"].isin(wanted), "zone_id"]
    keep = set(lead) | set(with_figures)
    return [z for z in zones["zone_id"] if z in keep]


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
        rows.append({
            "zone_id": r.zone_id, "year": r.year, "metric": "industry_share", "industry": r.industry,
            "value": round(100 * r.value / r.value_total, 1), "unit": "%", "qualifier": "exact",
            "source_title": f"{r.source_title}（derived: {r.value:g} ÷ {r.value_total:g}）",
            "source_url": "", "source_date": r.source_date,
            "note": f"derived in code: industry revenue {r.value:g} 亿元 ÷ industrial revenue {r.value_total:g} 亿元; scopes may differ",
            "source_id": r.source_id, "preferred": True, "caution": True, "publisher": r.publisher, "trust": "derived",
        })
    return pd.DataFrame(rows, columns=facts.columns)


# ---------------------------------------------------------------------------------------------
# Downloads: what the user takes away opens cleanly in Excel and cannot run as formulas
# ---------------------------------------------------------------------------------------------

def to_csv_bytes(facts: pd.DataFrame) -> bytes:
    """Facts as CSV in UTF-8 with BOM (Excel in China opens it), text cells neutralised against
    formula injection; numbers stay numbers."""
    from dashboard.safe import cell

    columns = [c for c in FACT_COLUMNS + ["trust", "publisher", "preferred", "caution"] if c in facts]
    out = facts[columns].copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(cell)
    return out.to_csv(index=False).encode("utf-8-sig")


def template_rows(dataset: Dataset) -> pd.DataFrame:
    """Two real rows from the bundled data, as examples in the template."""
    examples = dataset.facts[(dataset.facts["zone_id"] == "yingtan") & (dataset.facts["year"] == 2024)
                             & dataset.facts["metric"].isin(["industrial_revenue", "national_rank"])]
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
