"""Every UI string of ours in Chinese and English, and the formatting of figures for display.

One place for text (strings.toml): the page asks `t(key, lang)` and never writes a label itself, so a string is
translated once and a test can check both languages are there with the same placeholders.
Labels that come with the data (zone names, metric names, industry names) live with the data.

Figures are formatted from `Decimal(str(value))`: a source's 741.78 亿元 must read 74.178 billion,
never 74.17800000000001, and rescaling (亿元 → 万亿元, billions, millions) must not drop a digit
the source gave. A missing figure is shown as "no data", never as 0.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.state import Notice

# Every string lives in strings.toml beside this file: to add one, one table, both languages, the
# same {placeholders} in each (tests/test_i18n.py checks all three).
STRINGS: dict[str, dict[str, str]] = tomllib.loads((Path(__file__).with_name("strings.toml")).read_text(encoding="utf-8"))


def t(key: str, lang: str, /, **kwargs: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from `kwargs`.

    An unknown key or a missing placeholder raises: that is a bug in our code, better caught by
    a test than shown half-translated. Values are inserted verbatim, never parsed as templates.
    `key` and `lang` are positional-only so that strings may use {key} and {lang} placeholders.
    """
    return STRINGS[key][lang].format(**kwargs)


def notice_text(notice: Notice, lang: str) -> str:
    """The message for something a link got wrong; `key` and `value` are the link's own text."""
    return t(f"notice.{notice.code}", lang, key=notice.key, value=notice.value)


# How each unit reads, by size: the first step whose threshold |value| reaches applies, shifting
# the decimal point by `shift` (亿元 = 10^8 yuan: 10^-4 gives 万亿元 and trillions, 10^-1
# billions, 10^2 millions; 万人 = 10^4 people).
_STEPS: dict[tuple[str, str], tuple[tuple[int, int, str], ...]] = {
    ("zh", "亿元"): ((10000, -4, "{} 万亿元"), (0, 0, "{} 亿元")),
    ("en", "亿元"): (
        (10000, -4, "{} trillion yuan"),
        (10, -1, "{} billion yuan"),
        (0, 2, "{} million yuan"),
    ),
    ("zh", "家"): ((0, 0, "{} 家"),),
    ("en", "家"): ((0, 0, "{} firms"),),
    ("zh", "个"): ((0, 0, "{} 个"),),
    ("en", "个"): ((0, 0, "{}"),),  # the noun depends on the metric: "count.<metric>" (fmt_value's metric)
    ("zh", "位"): ((0, 0, "第 {} 位"),),
    ("en", "位"): ((0, 0, "No. {}"),),
    ("zh", "%"): ((0, 0, "{}%"),),
    ("en", "%"): ((0, 0, "{}%"),),
    ("zh", "万人"): ((0, 0, "{} 万人"),),
    ("en", "万人"): ((100, -2, "{} million people"), (0, 4, "{} people")),
}
_SINGULAR = {("en", "家"): "{} firm"}
# A change of rank (metrics of kind rank_change; their unit is 位 like a rank's): worded by its sign.
RANK_CHANGE = "rank_change"

_AXIS_UNITS = {
    "亿元": {"zh": "亿元", "en": "100 million yuan (亿元)"},
    "家": {"zh": "家", "en": "firms"},
    "个": {"zh": "个", "en": "count"},
    "位": {"zh": "位次", "en": "rank"},
    "%": {"zh": "%", "en": "%"},
    "万人": {"zh": "万人", "en": "10,000 people (万人)"},
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE = re.compile(r"([0-9]{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?")


def fmt_value(value: object, unit: str | None, qualifier: str | None, lang: str, metric: str | None = None) -> str:
    """A figure as a reader expects it: "超过 3,000 亿元", "about 50%", "No. 26", "无数据".

    Every digit the source gave is kept, however the unit is rescaled. A unit we have no rule for
    is written after the number as it is. `qualifier` empty or missing reads as exact. A count in
    个 names what it counts by its `metric` ("2 clusters", "178 zones": strings "count.<metric>").
    """
    number = _decimal(value)
    if number is None:
        return t("value.no_data", lang)
    text = _with_unit(number, unit, lang, metric)
    prefix = t(f"qualifier.{qualifier or 'exact'}", lang) if isinstance(qualifier, str) else ""
    return f"{prefix} {text}" if prefix else text


def money_step(largest: object, lang: str) -> tuple[int, str]:
    """One unit for a whole chart of 亿元 figures: the step its largest figure reads in (zh 亿元 or
    万亿元; en trillion, billion or million yuan), as (decimal shift, "{} unit")."""
    number = _decimal(largest) or Decimal(0)
    _, shift, template = next(step for step in _STEPS[(lang, "亿元")] if abs(number) >= step[0])
    return shift, template


def fmt_in_step(value: object, qualifier: str | None, step: tuple[int, str], lang: str) -> str:
    """A 亿元 figure written in a chart's one unit (money_step), every digit kept: "0.5 billion yuan"
    beside "305.5 billion yuan", never "50 million yuan" there."""
    number = _decimal(value)
    if number is None:
        return t("value.no_data", lang)
    shift, template = step
    text = template.format(_digits(number.scaleb(shift)))
    prefix = t(f"qualifier.{qualifier or 'exact'}", lang) if isinstance(qualifier, str) else ""
    return f"{prefix} {text}" if prefix else text


def fmt_axis_unit(unit: str | None, lang: str, metric: str | None = None) -> str:
    """An axis title for a unit. Charts keep 亿元 as it is and say so in English, rather than
    rescale the data: one scale per chart, and the numbers match the sources. A change of rank
    (RANK_CHANGE) is titled as one, a count in 个 by what it counts (`metric`: "count_axis.<metric>")."""
    if unit == RANK_CHANGE:
        return t("axis.rank_change", lang)
    if unit == "个" and f"count_axis.{metric}" in STRINGS:
        return t(f"count_axis.{metric}", lang)
    if unit in _AXIS_UNITS:
        return _AXIS_UNITS[unit][lang]
    return unit or ""


def fmt_date(date: object, lang: str) -> str:
    """A source date as given ("2025", "2025-03", "2019-05-19"), read naturally: "2025年3月",
    "Mar 2025", "19 May 2019". Sources often give only a month, so no day is ever invented; a
    date in another shape is shown as it is, a missing one as "undated"."""
    if not isinstance(date, str) or not date.strip():
        return t("date.undated", lang)
    match = _DATE.fullmatch(date.strip())
    if match is None:
        return date
    year, month, day = match.groups()
    if lang == "zh":
        parts = [f"{year}年", f"{int(month)}月" if month else "", f"{int(day)}日" if day else ""]
        return "".join(parts)
    parts = [str(int(day)) if day else "", _MONTHS_EN[int(month) - 1] if month else "", year]
    return " ".join(p for p in parts if p)


def _with_unit(number: Decimal, unit: str | None, lang: str, metric: str | None = None) -> str:
    if unit == "个" and f"count.{metric}" in STRINGS:
        one = f"count.{metric}_one"
        return t(one if number == 1 and one in STRINGS else f"count.{metric}", lang, n=_digits(number))
    if unit == RANK_CHANGE:
        one = "_one" if abs(number) == 1 else ""
        key = f"value.rank_up{one}" if number > 0 else f"value.rank_down{one}" if number < 0 else "value.rank_same"
        return t(key, lang, n=_digits(abs(number)))
    steps = _STEPS.get((lang, unit or ""))
    if steps is None:
        return f"{_digits(number)} {unit}" if unit else _digits(number)
    _, shift, template = next(step for step in steps if abs(number) >= step[0])
    if number == 1 and (lang, unit) in _SINGULAR:
        template = _SINGULAR[(lang, unit)]
    return template.format(_digits(number.scaleb(shift)))


def _digits(number: Decimal) -> str:
    """All significant digits, no exponent, trailing zeros dropped, thousands grouped."""
    return format(number.normalize(), ",f")


def _decimal(value: object) -> Decimal | None:
    """The exact decimal a value was written as, or None when there is no figure (None, NaN,
    pandas NA, text that is not a number)."""
    if value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# What an upload got wrong (dashboard/facts_file.py, dashboard/schema.py) is written in English
# where it is raised: DataError's message is a contract (data/README.md) and the CLI's output.
# The page shows each problem in its language: the message is matched whole against these
# patterns, in order, and its parts go into the "problem.<name>" string. A message no pattern
# knows is shown as it is (tests/test_upload_messages.py checks that every message the upload
# corpus raises is known).
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), key)
    for pattern, key in (
        (r"the file is empty", "problem.empty"),
        (r"not a readable \.xlsx workbook \((?P<kind>[^()]*)\)", "problem.bad_xlsx"),
        (r"cannot open the file \((?P<why>.*)\)", "problem.cannot_open"),
        (r"file is (?P<mb>[0-9.]+) MB; the limit is 20 MB", "problem.too_big"),
        (r"file is over 20 MB; the limit is 20 MB", "problem.over_limit"),
        (r"the file is UTF-16 text .*", "problem.utf16"),
        (r"bytes that are neither UTF-8 nor GB18030 text.*", "problem.encoding"),
        (r"binary data \(NUL byte\).*", "problem.binary"),
        (r"not valid CSV \((?P<why>.*)\)", "problem.bad_csv"),
        (r"required column is missing", "problem.missing_column"),
        (r"the file has more than (?P<n>[0-9,]+) rows of figures.*", "problem.too_many_rows"),
        (r"(?P<n>[0-9]+) cells but the header has (?P<width>[0-9]+) columns", "problem.width"),
        (r"the file has a header but no rows of figures", "problem.no_rows"),
        (r"empty cell where a value is required", "problem.empty_cell"),
        (r"invalid value (?P<value>.*) \((?P<check>[^()]*)\)", "problem.invalid_value"),
        (r"unknown zone id .*", "problem.unknown_zone"),
        (r"year must be a whole number from (?P<first>[0-9]+) to (?P<last>[0-9]+)", "problem.bad_year"),
        (r"unknown metric id .*", "problem.unknown_metric"),
        (r"unknown industry \(use .*", "problem.unknown_industry"),
        (r"value must be a finite number.*", "problem.bad_value"),
        (r"qualifier must be exact, over, about or under", "problem.bad_qualifier"),
        (r"source_title is empty.*", "problem.no_source"),
        (r"unit does not match the metric's unit", "problem.unit_mismatch"),
        (r"a count or rank cannot be negative", "problem.negative"),
        (r"another row has the same zone, year, metric, industry and source but a different value", "problem.conflict"),
    )
)


def problem_text(message: str, lang: str) -> str:
    """An upload problem in the page's language (English: as it was raised)."""
    if lang == "en":
        return message
    for pattern, key in _PROBLEMS:
        match = pattern.fullmatch(message)
        if match:
            return t(key, lang, **match.groupdict())
    return message
