"""Reading a facts file: the one flat format every bundled file and every upload uses.

`parse_facts` turns bytes (CSV in UTF-8, UTF-8 with BOM or GB18030, or .xlsx) into validated,
typed facts, or raises `DataError` listing each problem as `row N, column C: what is wrong` (rows
counted as a spreadsheet shows them: the header is row 1). Nothing is half-loaded. What the ids
may be (zones, metrics, industries) comes in as arguments: this module reads no registry.
`dashboard.data.read_facts` is the entry point the contract names.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from dashboard import schema

MAX_BYTES = 20 * 1024 * 1024
MAX_LISTED_PROBLEMS = 20
# Rows of figures in one facts file (an upload or facts.csv). Bounds the memory one upload takes while
# it is read and then for the rest of its session: reading 50,000 rows peaks near 55 MB of Python heap
# (tracemalloc), and a longer file costs no more, as reading stops at the limit.
MAX_ROWS = 50_000
FACT_COLUMNS = [
    "zone_id",
    "year",
    "metric",
    "industry",
    "value",
    "unit",
    "qualifier",
    "source_title",
    "source_url",
    "source_date",
    "note",
]
REQUIRED_COLUMNS = ["zone_id", "year", "metric", "value", "source_title"]


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


def problems_from(failures: pd.DataFrame, frame: pd.DataFrame, row_of=lambda i: int(i) + 2) -> list[Problem]:
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
            message = (
                f["check"]
                if not str(f["check"]).startswith(("isin", "str_", "in_range", "greater", "less", "dtype", "coerce"))
                else f"invalid value {str(f['failure_case'])[:40]!r} ({f['check']})"
            )
        problems.append(Problem(row, column, message))
    return problems


def _industry_spellings(industries: pd.DataFrame) -> dict[str, str]:
    """Every accepted way to write an industry (id, zh/en name, alias) mapped to its id."""
    spellings: dict[str, str] = {}
    for r in industries.itertuples():
        for spelling in (r.industry, r.name_zh, r.name_en, *filter(None, r.aliases.split("|"))):
            spellings.setdefault(spelling.strip(), r.industry)
    return spellings


def read_bytes(source) -> tuple[bytes, str]:
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
        raise DataError(
            [Problem(None, None, "the file is UTF-16 text (Excel's 'Unicode text'); save it as 'CSV UTF-8' or .xlsx")]
        )
    for encoding in ("utf-8-sig", "gb18030"):
        if _decodes(data, encoding):
            return encoding
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise DataError(
            [Problem(row, None, "bytes that are neither UTF-8 nor GB18030 text: is this really a CSV file?")]
        ) from None
    raise AssertionError("unreachable")


def _decodes(data: bytes, encoding: str, step: int = 1 << 20) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start : start + step])
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
            problems.append(
                Problem(n, None, f"the file has more than {MAX_ROWS:,} rows of figures; the limit is {MAX_ROWS:,} rows per file")
            )
            raise DataError(problems)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(Problem(n, None, f"{len(cells)} cells but the header has {width} columns"))
        index.append(n)
        for column, cell in zip(columns, cells):
            column.append(cell)
        for column in columns[len(cells) :]:
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


def parse_facts(data: bytes, name: str, zone_ids: Iterable[str], metrics: pd.DataFrame, industries: pd.DataFrame) -> pd.DataFrame:
    """Validated, typed facts (contract columns plus any extra columns as text), indexed by
    spreadsheet row; DataError naming `name` when anything is wrong."""
    try:
        return _parse(data, name, zone_ids, metrics, industries)
    except DataError as exc:
        raise DataError(exc.problems, name) from None


def _parse(data: bytes, name: str, zone_ids: Iterable[str], metrics: pd.DataFrame, industries: pd.DataFrame) -> pd.DataFrame:
    if not data.strip():
        raise DataError([Problem(None, None, "the file is empty")])
    records = _xlsx_records(data) if _is_xlsx(data, name) else _csv_records(data)
    frame = _records_to_frame(records)
    spellings = _industry_spellings(industries)
    text_schema = schema.facts_text_schema(set(zone_ids), metrics, spellings)
    try:
        text_schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(problems_from(exc.failure_cases, frame, row_of=int)) from None
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
