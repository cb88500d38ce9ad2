"""Upload problems on the Chinese page are in Chinese (issue 20.6): every message the malformed
upload corpus raises, and every check's message in the facts schema, has its Chinese text."""

import io
import re

import pytest

from dashboard import data, i18n
from tests.test_upload_corpus import MALFORMED

CJK = re.compile(r"[\u4e00-\u9fff]")


def problems_of(name: str) -> list:
    content, _ = MALFORMED[name]
    upload = io.BytesIO(content)
    upload.name = f"{name}.xlsx" if name.startswith("xlsx") else f"{name}.csv"
    with pytest.raises(data.DataError) as caught:
        data.read_facts(upload)
    return caught.value.problems


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_every_problem_of_the_corpus_reads_in_chinese_and_english_as_raised(name):
    for problem in problems_of(name):
        assert CJK.search(i18n.problem_text(problem.message, "zh")), problem.message
        assert i18n.problem_text(problem.message, "en") == problem.message


def test_the_parts_of_a_message_are_carried_over():
    assert i18n.problem_text("not a readable .xlsx workbook (BadZipFile)", "zh") == "不是可读取的 .xlsx 工作簿（BadZipFile）"
    assert i18n.problem_text("3 cells but the header has 11 columns", "zh") == "这一行有 3 个单元格，但表头有 11 列"
    assert i18n.problem_text("year must be a whole number from 1988 to 2026", "zh") == "年份须为 1988 至 2026 之间的整数"
    assert i18n.problem_text("something nobody wrote yet", "zh") == "something nobody wrote yet"  # shown, not lost


def test_every_english_problem_string_is_a_pattern_of_itself():
    """The "problem.*" English strings are the messages as raised: each must match its own pattern."""
    for pattern, key in i18n._PROBLEMS:
        example = i18n.STRINGS[key]["en"].format(
            kind="BadZipFile", why="x", mb="25.0", n="3", width="11", value="'x'", check="isin", first="1988", last="2026"
        )
        assert pattern.fullmatch(example), key


def test_the_problem_table_is_in_the_pages_language_and_a_whole_file_problem_has_no_blank_row():
    from dashboard import panels

    failure = data.DataError(
        [
            data.Problem(None, None, "not a readable .xlsx workbook (BadZipFile)"),
            data.Problem(4, "year", "empty cell where a value is required"),
        ]
    )
    zh = panels.upload_problems(failure.table(), "zh")
    assert list(zh.columns) == ["行", "列", "问题"]
    assert zh.to_dict("records") == [
        {"行": "整个文件", "列": "", "问题": "不是可读取的 .xlsx 工作簿（BadZipFile）"},
        {"行": "4", "列": "year", "问题": "必填的单元格是空的"},
    ]
    en = panels.upload_problems(failure.table(), "en")
    assert en.iloc[0].tolist() == ["whole file", "", "not a readable .xlsx workbook (BadZipFile)"]


@pytest.mark.parametrize(
    "lang, sheet, words", [("zh", "说明", ["列", "必填", "含义"]), ("en", "help", ["column", "required", "meaning"])]
)
def test_the_xlsx_templates_help_sheet_is_in_the_pages_language(lang, sheet, words):
    import openpyxl

    from dashboard import export

    book = openpyxl.load_workbook(io.BytesIO(export.template_xlsx(data.load_dataset(), lang)))
    assert book.sheetnames == ["facts", sheet]
    rows = [[c for c in row if c is not None] for row in book[sheet].iter_rows(values_only=True)]
    assert rows[0] == words
    meanings = {row[0]: row[2] for row in rows[1:12]}
    assert set(meanings) == set(data.FACT_COLUMNS)
    assert all(
        bool(CJK.search(text)) == (lang == "zh") for column, text in meanings.items() if column not in ("value", "qualifier")
    )
    # the first sheet uploads as it is, in either language
    assert len(data.read_facts(io.BytesIO(export.template_xlsx(data.load_dataset(), lang)))) == 2
