"""One upload's memory is bounded: read_facts reads at most MAX_ROWS rows of figures, and stops there.

The limit is a DataError naming it, like any other problem (DESIGN.md's contract); rows are read
lazily and held once (one list per column), so a file far over the limit costs no more to reject
than one at the limit. bench/upload_memory.py measures the same against a running server.
"""

import contextlib
import io
import tracemalloc

import openpyxl
import pytest

from dashboard import data, facts_file

HEADER = "zone_id,year,metric,industry,value,unit,qualifier,source_title,source_url,source_date,note"


def rows(n: int) -> list[str]:
    """n distinct valid rows: a real figure (Yingtan's 2024 industrial revenue, seed article) under
    n different source titles."""
    return [
        f"yingtan,2024,industrial_revenue,,1258,亿元,exact,时隔数年 政府工作报告再提“国家高新区” #{i},,2025-03," for i in range(n)
    ]


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return "\n".join([HEADER, *lines]).encode(encoding)


def test_the_limit_is_generous_and_fixed():
    assert facts_file.MAX_ROWS == 50_000


def test_a_file_at_the_limit_loads(monkeypatch):
    monkeypatch.setattr(facts_file, "MAX_ROWS", 5)
    assert len(data.read_facts(io.BytesIO(csv_bytes(rows(5))))) == 5


def test_one_row_over_the_limit_is_refused_with_the_limit_named(monkeypatch):
    monkeypatch.setattr(facts_file, "MAX_ROWS", 5)
    with pytest.raises(data.DataError) as caught:
        data.read_facts(io.BytesIO(csv_bytes(rows(6))))
    message = str(caught.value)
    assert "row 7: the file has more than 5 rows of figures; the limit is 5 rows per file" in message
    assert caught.value.table()["row"].tolist() == [7]


def test_blank_lines_do_not_count(monkeypatch):
    monkeypatch.setattr(facts_file, "MAX_ROWS", 5)
    lines = rows(5)
    lines[2:2] = ["", ",,,,,,,,,,", "   "]
    assert len(data.read_facts(io.BytesIO(csv_bytes(lines)))) == 5


def test_other_problems_before_the_limit_are_listed_too(monkeypatch):
    monkeypatch.setattr(facts_file, "MAX_ROWS", 4)
    lines = rows(2) + ["yingtan,2024,x,,1,,,,,,,,,extra cell"] + rows(3)[1:] + ["yingtan,2022,x"]
    with pytest.raises(data.DataError) as caught:
        data.read_facts(io.BytesIO(csv_bytes(lines)))
    assert [p.row for p in caught.value.problems] == [4, 6]  # row 7 is past the limit: never read
    assert "limit is 4 rows" in caught.value.problems[1].message


def test_an_xlsx_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(facts_file, "MAX_ROWS", 5)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for line in rows(6):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(data.DataError, match="limit is 5 rows"):
        data.read_facts(buffer)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_the_real_limit_stops_a_big_file(encoding):
    content = csv_bytes(rows(facts_file.MAX_ROWS + 10), encoding)
    with pytest.raises(data.DataError) as caught:
        data.read_facts(io.BytesIO(content))
    assert f"row {facts_file.MAX_ROWS + 2}: the file has more than 50,000 rows" in str(caught.value)


def traced_peak(content: bytes) -> int:
    """Python heap peak (tracemalloc, numpy included) of reading `content`; the input is not counted."""
    tracemalloc.start()
    try:
        with contextlib.suppress(data.DataError):
            data.read_facts(io.BytesIO(content))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_rejecting_a_file_far_over_the_limit_costs_what_the_limit_does(monkeypatch):
    monkeypatch.setattr(facts_file, "MAX_ROWS", 2_000)
    data.load_dataset()  # registries cached before tracing
    over = traced_peak(csv_bytes(rows(20_000), "gb18030"))  # ~1.8 MB
    far_over = traced_peak(csv_bytes(rows(100_000), "gb18030"))  # ~9 MB
    assert far_over < 1.2 * over + 2**20  # the rows past the limit are never read


def test_the_peak_of_reading_a_20000_row_file_is_bounded():
    data.load_dataset()
    assert traced_peak(csv_bytes(rows(20_000), "gb18030")) < 60 * 2**20


def test_repeated_columns_keep_the_last_and_short_rows_are_padded():
    header = HEADER + ",note"
    content = "\n".join([header, rows(1)[0] + ",the second note", "yingtan,2023,industrial_revenue,,1000,,,my source"])
    facts = data.read_facts(io.BytesIO(content.encode()))
    assert facts.note.tolist() == ["the second note", ""]
    assert facts.source_url.tolist() == ["", ""]
