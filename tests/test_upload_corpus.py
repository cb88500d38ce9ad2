"""A corpus of hostile and malformed uploads, made here (never kept in the repo), through read_facts.

Each malformed file must fail as a DataError that names what is wrong, leave nothing loaded and
never raise anything else; hostile-but-valid text (HTML, formulas) loads as plain text and leaves
the app only escaped (Markdown) or neutralised (CSV download).
"""

import io
import zipfile

import openpyxl
import pytest

from dashboard import data, export, safe

HEADER = "zone_id,year,metric,industry,value,unit,qualifier,source_title,source_url,source_date,note"
ROW = "ganzhou,2023,high_tech_enterprises,,120,家,exact,赣州高新区管委会 年度报告,,2024-01,"


def csv(*rows, header=HEADER, encoding="utf-8"):
    return "\n".join([header, *rows]).encode(encoding)


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MALFORMED = {
    "utf16": (csv(ROW, encoding="utf-16"), "UTF-16"),
    "latin1_accents": (
        csv("ganzhou,2023,high_tech_enterprises,,120,,exact,Rapport é,,,", encoding="latin-1"),
        "neither UTF-8 nor GB18030",
    ),
    "no_zone_column": (
        csv("2023,gdp,,1,亿元,exact,s,,,", header=HEADER.replace("zone_id,", "")),
        "column zone_id: required column is missing",
    ),
    "no_value_or_source": (
        csv("ganzhou,2023,gdp,,亿元,exact,,,", header=HEADER.replace("value,", "").replace("source_title,", "")),
        "required column is missing",
    ),
    "text_in_value": (csv(ROW.replace(",120,", ",一百二十,")), "column value"),
    "percent_sign_in_value": (csv(ROW.replace(",120,", ",12%,")), "column value"),
    "nan_value": (csv(ROW.replace(",120,", ",NaN,")), "column value"),
    "infinite_value": (csv(ROW.replace(",120,", ",1e999,")), "column value"),
    "negative_count": (csv(ROW.replace(",120,", ",-120,")), "cannot be negative"),
    "year_as_text": (csv(ROW.replace(",2023,", ",二〇二三,")), "column year"),
    "year_in_future": (csv(ROW.replace(",2023,", ",2999,")), "column year"),
    "unknown_zone": (csv(ROW.replace("ganzhou", "shenzhen")), "column zone_id"),
    "label_instead_of_id": (csv(ROW.replace("ganzhou", "赣州高新区")), "column zone_id"),
    "conflicting_duplicate": (csv(ROW, ROW.replace(",120,", ",121,")), "same zone, year, metric, industry and source"),
    "no_source": (csv(ROW.replace("赣州高新区管委会 年度报告", "")), "source_title is empty"),
    "wrong_unit": (csv(ROW.replace(",家,", ",万家,")), "unit does not match"),
    "ragged_row": (csv(ROW + ",extra,cells,here"), "cells but the header has"),
    "empty": (b"", "empty"),
    "only_blank_lines": (b"\n\n \n", "empty"),
    "header_only": (HEADER.encode(), "no rows"),
    "binary_png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "UTF-8"),
    "nul_bytes": (csv(ROW) + b"\x00\x00\x00", "binary"),
    "zip_not_xlsx": (b"PK\x03\x04" + b"\x00" * 64, "xlsx"),
    "xlsx_missing_columns": (xlsx([["zone_id", "year"], ["ganzhou", 2023]]), "required column is missing"),
    "xlsx_text_value": (
        xlsx([HEADER.split(","), ["ganzhou", 2023, "gdp", None, "lots", "亿元", "exact", "s", None, None, None]]),
        "column value",
    ),
}


def zip_with_junk() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return out.getvalue()


MALFORMED["zip_other_content"] = (zip_with_junk(), "xlsx")


def test_the_corpus_is_large_enough():
    assert len(MALFORMED) >= 20


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_upload_is_refused_with_a_reason(name):
    content, expected = MALFORMED[name]
    upload = io.BytesIO(content)
    upload.name = f"{name}.xlsx" if name.startswith("xlsx") else f"{name}.csv"
    with pytest.raises(data.DataError) as caught:
        data.read_facts(upload)
    assert expected in str(caught.value)
    assert str(caught.value).startswith(upload.name)


def test_a_huge_upload_is_refused_without_reading_it_all():
    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            n = len(buffer)
            buffer[:n] = b"a" * n
            self.read_bytes += n
            return n

    stream = io.BufferedReader(Endless())
    with pytest.raises(data.DataError, match="20 MB"):
        data.read_facts(stream)


def test_html_and_formulas_load_as_text_and_leave_escaped():
    row = 'ganzhou,2023,high_tech_enterprises,,120,家,exact,"<script>alert(1)</script>",,2024-01,"=HYPERLINK(""http://x"",""y"")"'
    facts = data.read_facts(io.BytesIO(csv(row)))
    assert facts.source_title.item() == "<script>alert(1)</script>"
    shown = safe.md(facts.source_title.item())
    assert "<script>" not in shown and "\\<script\\>" in shown
    exported = export.to_csv_bytes(facts).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "\n=HYPERLINK" not in exported and ",=HYPERLINK" not in exported


def test_a_hostile_cell_stays_one_literal_cell_of_a_markdown_table(read_markdown_table):
    """The zone profile's tables are Markdown: a title from an upload with pipes, a line break,
    Markdown and HTML in it is one cell, shown as written."""
    import pandas as pd

    hostile = "a | b\n**bold** <img src=x onerror=alert(1)> [link](http://x) `code` | c"
    table = safe.markdown_table(pd.DataFrame({"来源": [hostile, "plain"], "n": [1, 2]}))
    assert "\\<img" in table and " <img" not in table and len(table.split("\n")) == 4  # header, rule, 2 rows
    parsed = read_markdown_table(table)
    assert list(parsed.columns) == ["来源", "n"] and len(parsed) == 2
    assert parsed.iloc[0, 0] == " ".join(hostile.split()) and parsed.iloc[1].tolist() == ["plain", "2"]


def test_the_bundled_files_are_untouched_by_a_failed_upload():
    before = {f: (data.BUNDLED_DATA_DIR / f).read_bytes() for f in data.BUNDLED_FILES}
    with pytest.raises(data.DataError):
        data.read_facts(io.BytesIO(MALFORMED["conflicting_duplicate"][0]))
    assert before == {f: (data.BUNDLED_DATA_DIR / f).read_bytes() for f in data.BUNDLED_FILES}


def test_a_gb18030_excel_export_with_windows_line_endings_loads():
    content = csv(ROW).replace(b"\n", b"\r\n")
    facts = data.read_facts(io.BytesIO(content.decode("utf-8").encode("gb18030")))
    assert facts.source_title.item() == "赣州高新区管委会 年度报告"
