"""read_facts holds its contract (DESIGN.md) on malformed files made here, not kept in the repo.

Every rule has its own bad file; each must fail with `row N, column C: …` and load nothing.
"""

import io
from datetime import date

import openpyxl
import pytest

from dashboard import data

HEADER = "zone_id,year,metric,industry,value,unit,qualifier,source_title,source_url,source_date,note"
GOOD = "yingtan,2024,industrial_revenue,,1258,亿元,exact,时隔数年 政府工作报告再提“国家高新区”,,2025-03,seed article"
GOOD2 = "nanchang,2024,little_giants,,18,家,exact,时隔数年 政府工作报告再提“国家高新区”,,2025-03,seed article"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def fails(content: bytes) -> data.DataError:
    with pytest.raises(data.DataError) as caught:
        data.read_facts(io.BytesIO(content))
    return caught.value


def test_a_good_file_loads_typed_facts():
    facts = data.read_facts(io.BytesIO(csv_bytes(GOOD, GOOD2)))
    assert facts.columns.tolist() == data.FACT_COLUMNS
    assert facts.value.tolist() == [1258.0, 18.0]
    assert facts.year.dtype == "int64"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_excel_uses_are_read(encoding):
    facts = data.read_facts(io.BytesIO(csv_bytes(GOOD, encoding=encoding)))
    assert facts.source_title.item() == "时隔数年 政府工作报告再提“国家高新区”"


def test_a_path_works_as_well_as_a_file(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_bytes(csv_bytes(GOOD))
    assert data.read_facts(path).zone_id.item() == "yingtan"


def test_xlsx_first_sheet_is_read():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["ganzhou", 2023, "high_tech_enterprises", None, 120, "家", "exact", "my table", None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    facts = data.read_facts(buffer)
    assert (facts.zone_id.item(), facts.year.item(), facts.value.item()) == ("ganzhou", 2023, 120.0)


def test_extra_columns_are_ignored():
    facts = data.read_facts(io.BytesIO(csv_bytes(GOOD + ",whatever", header=HEADER + ",my_column")))
    assert "my_column" not in facts


def test_industry_names_and_zh_qualifiers_are_normalised():
    row = "yingtan,2024,industry_revenue,铜产业,1150,亿元,超过,my table,,,"
    facts = data.read_facts(io.BytesIO(csv_bytes(row)))
    assert (facts.industry.item(), facts.qualifier.item()) == ("copper", "over")


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("wuhan,2024,gdp,,1,亿元,exact,s,,,", "row 2, column zone_id: unknown zone"),
        ("yingtan,1987,gdp,,1,亿元,exact,s,,,", "row 2, column year: year must be a whole number"),
        (f"yingtan,{date.today().year + 1},gdp,,1,亿元,exact,s,,,", "row 2, column year"),
        ("yingtan,2024.5,gdp,,1,亿元,exact,s,,,", "row 2, column year"),
        ("yingtan,twenty,gdp,,1,亿元,exact,s,,,", "row 2, column year"),
        ("yingtan,2024,gdp,,lots,亿元,exact,s,,,", "row 2, column value: value must be a finite number"),
        ("yingtan,2024,gdp,,nan,亿元,exact,s,,,", "row 2, column value"),
        ("yingtan,2024,gdp,,inf,亿元,exact,s,,,", "row 2, column value"),
        ("yingtan,2024,gdp,,-inf,亿元,exact,s,,,", "row 2, column value"),
        ("yingtan,2024,gdp,,,亿元,exact,s,,,", "row 2, column value"),
        ("yingtan,2024,high_tech_enterprises,,-5,家,exact,s,,,", "row 2, column value: a count or rank cannot be negative"),
        ("yingtan,2024,gdp,,1,亿元,exact,,,,", "row 2, column source_title: source_title is empty"),
        ("yingtan,2024,gdp,,1,亿元,exact,   ,,,", "row 2, column source_title"),
        ("yingtan,2024,happiness,,1,亿元,exact,s,,,", "row 2, column metric: unknown metric"),
        ("yingtan,2024,gdp,,1,万元,exact,s,,,", "row 2, column unit: unit does not match"),
        ("yingtan,2024,gdp,,1,亿元,roughly,s,,,", "row 2, column qualifier"),
        ("yingtan,2024,industry_revenue,basket weaving,1,亿元,exact,s,,,", "row 2, column industry: unknown industry"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(row, where):
    assert where in str(fails(csv_bytes(row)))


def test_conflicting_duplicates_are_rejected():
    a = "yingtan,2024,gdp,,1,亿元,exact,same source,,,"
    b = "yingtan,2024,gdp,,2,亿元,exact,same source,,,"
    message = str(fails(csv_bytes(GOOD, a, b)))
    assert "row 3, column value" in message and "row 4, column value" in message


def test_same_figure_from_two_sources_is_allowed():
    a = "yingtan,2024,gdp,,1,亿元,exact,source A,,,"
    b = "yingtan,2024,gdp,,2,亿元,exact,source B,,,"
    assert len(data.read_facts(io.BytesIO(csv_bytes(a, b)))) == 2


def test_missing_required_column():
    header = HEADER.replace("source_title,", "")
    row = GOOD.replace("时隔数年 政府工作报告再提“国家高新区”,", "")
    assert "row 1, column source_title: required column is missing" in str(fails(csv_bytes(row, header=header)))


@pytest.mark.parametrize("content", [b"", b"   \n\n", HEADER.encode()])
def test_empty_files(content):
    assert "empty" in str(fails(content)) or "no rows" in str(fails(content))


def test_undecodable_bytes_name_the_row():
    content = csv_bytes(GOOD) + b"\nyingtan,2024,gdp,,1,\xff\xfe\xff,exact,s,,,"
    assert "row 3" in str(fails(content))


def test_binary_junk_is_refused():
    assert "binary" in str(fails(bytes(range(256)) * 10)) or "UTF-8" in str(fails(bytes(range(256)) * 10))


def test_files_over_20_mb_are_refused(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(csv_bytes(*[GOOD] * (21 * 1024 * 1024 // len(GOOD.encode()) + 1)))
    with pytest.raises(data.DataError, match="20 MB"):
        data.read_facts(path)
    with pytest.raises(data.DataError, match="20 MB"):
        data.read_facts(io.BytesIO(path.read_bytes()))


def test_message_lists_twenty_problems_and_counts_the_rest():
    rows = [f"wuhan,2024,gdp,,1,亿元,exact,s{i},,," for i in range(30)]
    error = fails(csv_bytes(*rows))
    lines = str(error).splitlines()
    assert lines[0].endswith("30 problems")
    assert sum(line.startswith("row ") for line in lines) == 20
    assert lines[-1] == "… and 10 more problems"
    assert len(error.table()) == 30


def test_the_source_name_is_in_the_message(tmp_path):
    path = tmp_path / "zone_stats.csv"
    path.write_bytes(csv_bytes("wuhan,2024,gdp,,1,亿元,exact,s,,,"))
    with pytest.raises(data.DataError, match="^zone_stats.csv: 1 problem"):
        data.read_facts(path)


def test_a_bad_xlsx_is_refused():
    assert "xlsx" in str(fails(b"PK\x03\x04 this is not a zip at all"))


def test_nothing_is_half_loaded():
    """One bad row among good ones fails the whole file: no partial result to use by mistake."""
    rows = [GOOD, GOOD2, "yingtan,2024,gdp,,oops,亿元,exact,s,,,"]
    error = fails(csv_bytes(*rows))
    assert [p.row for p in error.problems] == [4]
