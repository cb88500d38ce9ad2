"""Text in both languages, and figures that read exactly as their sources give them."""

import ast
import math
import re
import string
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from dashboard import i18n
from dashboard.i18n import STRINGS, fmt_axis_unit, fmt_date, fmt_value, notice_text, t
from dashboard.state import NOTICE_CODES, Notice

# A dotted literal such as "trust.derived"; "sources.csv" is a file name, not a key.
KEY_LIKE = re.compile(r"([a-z_]+)\.(?!(?:csv|json|geojson|xlsx|md|py)$)[a-z0-9_]+")


def placeholders(text):
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


# --- strings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == {"zh", "en"}
    assert placeholders(entry["zh"]) == placeholders(entry["en"])
    if key != "qualifier.exact":
        assert entry["zh"].strip() and entry["en"].strip()


def test_every_key_the_code_names_is_defined():
    """A dotted literal like "trust.derived" in our modules, in a namespace STRINGS uses, must be a
    key: a missing one would only show up as a KeyError on the page."""
    namespaces = {key.split(".")[0] for key in STRINGS}
    root = Path(__file__).resolve().parents[1]
    missing = set()
    for path in [root / "streamlit_app.py", *sorted((root / "dashboard").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = KEY_LIKE.fullmatch(node.value)
                if match and match.group(1) in namespaces and node.value not in STRINGS:
                    missing.add(f"{path.name}: {node.value}")
    assert not missing


def test_every_notice_code_has_a_message():
    for code in NOTICE_CODES:
        for lang in ("zh", "en"):
            assert notice_text(Notice(code, "zone", "mars"), lang)


def test_notice_text_names_what_was_ignored():
    notice = Notice("unknown_zone", "zone", "mars")
    assert notice_text(notice, "zh") == "已忽略链接中的未知高新区：mars"
    assert notice_text(notice, "en") == "Ignored unknown zone in the link: mars"


def test_text_from_a_link_is_inserted_not_interpreted():
    assert notice_text(Notice("unknown_zone", "zone", "{key}{0}"), "en").endswith("{key}{0}")


def test_t_fills_placeholders():
    assert t("coverage.zones_with_data", "zh", n=3, total=9) == "9 个高新区中 3 个有数据"
    assert t("coverage.zones_with_data", "en", n=3, total=9) == "3 of 9 zones have a figure"
    assert t("upload.loaded", "en", file="a.csv", n=12) == "a.csv: 12 figures loaded"
    assert t("app.title", "zh") == "江西国家高新区"
    assert t("app.title", "en") == "Jiangxi National High-tech Zones"


def test_a_missing_key_or_placeholder_is_a_bug_that_raises():
    with pytest.raises(KeyError):
        t("no.such.key", "zh")
    with pytest.raises(KeyError):
        t("upload.loaded", "zh", file="a.csv")


# --- figures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "zh", "en"),
    [
        # Figures from the seed article (March 2025).
        (1258, "亿元", "exact", "1,258 亿元", "125.8 billion yuan"),
        (193000, "亿元", "exact", "19.3 万亿元", "19.3 trillion yuan"),
        (98000, "亿元", "exact", "9.8 万亿元", "9.8 trillion yuan"),
        (52.8, "%", "exact", "52.8%", "52.8%"),
        (18, "家", "exact", "18 家", "18 firms"),
        (80, "位", "exact", "第 80 位", "No. 80"),
        (1000, "亿元", "over", "超过 1,000 亿元", "over 100 billion yuan"),
        (None, "亿元", "exact", "无数据", "no data"),
        # Other shapes in the research files.
        (741.78, "亿元", "exact", "741.78 亿元", "74.178 billion yuan"),
        (495096.1, "亿元", "exact", "49.50961 万亿元", "49.50961 trillion yuan"),
        (3000, "亿元", "over", "超过 3,000 亿元", "over 300 billion yuan"),
        (9999, "亿元", "exact", "9,999 亿元", "999.9 billion yuan"),
        (10000, "亿元", "exact", "1 万亿元", "1 trillion yuan"),
        (3.5, "亿元", "exact", "3.5 亿元", "350 million yuan"),
        (10, "亿元", "under", "不足 10 亿元", "under 1 billion yuan"),
        (560, "家", "exact", "560 家", "560 firms"),
        (1, "家", "exact", "1 家", "1 firm"),
        (1200, "家", "exact", "1,200 家", "1,200 firms"),
        (2, "个", "exact", "2 个", "2"),
        (26, "位", "exact", "第 26 位", "No. 26"),
        (50, "%", "about", "约 50%", "about 50%"),
        (-5.2, "%", "exact", "-5.2%", "-5.2%"),
        (653.81, "万人", "exact", "653.81 万人", "6.5381 million people"),
        (32.80, "万人", "exact", "32.8 万人", "328,000 people"),
        (0, "家", "exact", "0 家", "0 firms"),
        (30.85, "km²", "exact", "30.85 km²", "30.85 km²"),
        (7, None, "exact", "7", "7"),
    ],
)
def test_fmt_value(value, unit, qualifier, zh, en):
    assert fmt_value(value, unit, qualifier, "zh") == zh
    assert fmt_value(value, unit, qualifier, "en") == en


@pytest.mark.parametrize("missing", [None, float("nan"), math.inf, pd.NA, pd.NaT, "", "n/a", Decimal("NaN")])
def test_a_missing_figure_reads_no_data_never_zero(missing):
    assert fmt_value(missing, "亿元", "exact", "zh") == "无数据"
    assert fmt_value(missing, "家", "exact", "en") == "no data"


@pytest.mark.parametrize("qualifier", [None, "", float("nan"), "exact"])
def test_a_missing_qualifier_reads_as_exact(qualifier):
    assert fmt_value(1258, "亿元", qualifier, "zh") == "1,258 亿元"


def test_the_source_digits_survive_every_rescaling():
    """No float artefacts (74.17800000000001) and no digit dropped, for every cent value."""
    shift = {"万亿元": -4, "亿元": 0, "trillion": -4, "billion": -1, "million": 2}
    for cents in range(0, 2_000_000, 997):
        value = cents / 100
        for lang in ("zh", "en"):
            number, unit = fmt_value(value, "亿元", "exact", lang).split()[:2]
            shown = Decimal(number.replace(",", ""))
            assert shown == Decimal(str(value)).scaleb(shift[unit]), (value, lang)


def test_numpy_and_pandas_values_format_like_plain_ones():
    column = pd.Series([741.78, None], dtype="float64")
    assert fmt_value(column[0], "亿元", "exact", "en") == "74.178 billion yuan"
    assert fmt_value(column[1], "亿元", "exact", "en") == "no data"
    assert fmt_value(pd.Series([18])[0], "家", "exact", "zh") == "18 家"


# --- axes and dates -----------------------------------------------------------------------------


def test_axis_units_keep_the_data_in_yi_yuan():
    assert fmt_axis_unit("亿元", "zh") == "亿元"
    assert fmt_axis_unit("亿元", "en") == "100 million yuan (亿元)"
    assert fmt_axis_unit("万人", "en") == "10,000 people (万人)"
    assert fmt_axis_unit("%", "en") == "%"
    assert fmt_axis_unit("km²", "en") == "km²"
    assert fmt_axis_unit(None, "zh") == ""


@pytest.mark.parametrize(
    ("date", "zh", "en"),
    [
        ("2025-03", "2025年3月", "Mar 2025"),
        ("2019-05-19", "2019年5月19日", "19 May 2019"),
        ("2024", "2024年", "2024"),
        (" 2022-11 ", "2022年11月", "Nov 2022"),
        ("", "日期不详", "undated"),
        (None, "日期不详", "undated"),
        (float("nan"), "日期不详", "undated"),
        ("c. 2024", "c. 2024", "c. 2024"),
        ("2024-13", "2024-13", "2024-13"),
    ],
)
def test_fmt_date(date, zh, en):
    assert fmt_date(date, "zh") == zh
    assert fmt_date(date, "en") == en


# --- counts and ranks worded as what they are (issue 20.4) --------------------------------------

METRICS = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "metrics.csv", dtype=str, keep_default_na=False)
COUNTED = METRICS[METRICS["unit"].isin(["家", "个", "位"])].set_index("metric", drop=False)


@pytest.mark.parametrize("metric", sorted(COUNTED.index))
def test_every_count_rank_and_change_of_rank_is_worded_as_what_it_is(metric):
    """Every metric in 家/个/位, in both languages, as the page words its figures (model.decorate:
    a change of rank by its sign) and titles its axis (panels.metric_axis): never a bare number,
    never "rank" on a chart of places gained, never "count" where the metric says what it counts."""
    from dashboard.panels import metric_axis

    row = COUNTED.loc[metric]
    unit = i18n.RANK_CHANGE if row["kind"] == "rank_change" else row["unit"]
    zh, en = (fmt_value(560, unit, "exact", lang, metric=metric) for lang in ("zh", "en"))
    axis_zh, axis_en = (metric_axis(row, lang) for lang in ("zh", "en"))
    assert re.search(r"[家个位]", zh) and "560" in zh
    assert "560" in en and re.search(r"[A-Za-z]{2,}", en.replace("560", "")), en  # a word beside the number
    if row["kind"] == "rank_change":
        assert (zh, en, axis_zh, axis_en) == ("提升 560 位", "up 560 places", "位次变化", "change in rank")
    elif row["kind"] == "rank":
        assert (zh, en, axis_zh, axis_en) == ("第 560 位", "No. 560", "位次", "rank")
    else:  # a count: what is counted, in the figure and on the axis
        assert axis_en not in ("count", "") and axis_en in en and zh == f"560 {row['unit']}"
        assert fmt_value(1, unit, "exact", "en", metric=metric) == "1 " + {"firms": "firm", "clusters": "cluster"}.get(
            axis_en, axis_en
        ), "one of a count reads singular where the noun has one"
