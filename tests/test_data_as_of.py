"""Issue 24, "data as of": the page, the zone table, the profile and the downloads say how current the
data is (the newest source date; per zone, the year of its latest figure; plainly when that is more
than three years old). The logic is pure (model.py), the words in strings.toml, both languages."""

import io
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, model, panels

APP = str(data.BUNDLED_DATA_DIR.parent / "streamlit_app.py")


@pytest.fixture(scope="module")
def facts(dataset) -> panels.Facts:
    return panels.Facts(dataset, dataset.facts)


# The pure logic ----------------------------------------------------------------------------------


def test_data_as_of_is_the_newest_dated_source():
    frame = pd.DataFrame({"source_date": ["2024-12-23", "2025", "2025-03", "", "c. 2010", None, "2019-07-08"]})
    assert model.data_as_of(frame) == "2025-03"  # a month in 2025 is newer than "2025"
    assert model.data_as_of(frame.assign(source_date=["2026", *frame.source_date[1:]])) == "2026"
    assert model.data_as_of(pd.DataFrame({"source_date": ["", "c. 2024"]})) == ""
    assert model.data_as_of(pd.DataFrame({"value": [1.0]})) == ""  # no dates at all


def test_latest_years_per_zone_and_staleness():
    facts = pd.DataFrame({"zone_id": ["xinyu", "xinyu", "fuzhou", "national"], "year": [2019, 2022, 2017, 2025]})
    assert model.latest_years(facts, ("xinyu", "fuzhou", "ganzhou")) == {"xinyu": 2022, "fuzhou": 2017, "ganzhou": None}
    assert model.STALE_AFTER_YEARS == 3
    assert model.is_stale(2022, 2026) and not model.is_stale(2023, 2026) and not model.is_stale(None, 2026)
    assert model.is_stale(date.today().year - 4) and not model.is_stale(date.today().year)


def test_the_bundled_data_as_of(dataset, facts):
    assert panels.data_as_of(facts) == "2026-01"  # the Fengcheng conference release, Jan 2026
    latest = model.latest_years(dataset.facts)
    assert latest["nanchang"] == 2025 and latest["fuzhou"] == 2020 and latest["xinyu"] == 2022


# The words, zh and en ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, line, fresh, stale, profile_fresh, profile_stale",
    [
        ("zh", "数据截至：最新来源日期为2026年1月", "2024年", "2020年（已逾三年）", "本区最新数字为2024年。",
         "本区最新数字为2020年，已是3年多以前：这些数字可能已经过时。"),
        ("en", "Data as of: the newest source is dated Jan 2026", "2024", "2020 (over three years old)",
         "This zone's latest figure is from 2024.",
         "This zone's latest figure is from 2020, more than 3 years ago: its figures may be out of date."),
    ],
)  # fmt: skip
def test_the_words_in_both_languages(facts, lang, line, fresh, stale, profile_fresh, profile_stale):
    assert panels.data_as_of_line(facts, lang).startswith(line)
    assert panels.latest_year_text(2024, lang, this_year=2026) == fresh
    assert panels.latest_year_text(2020, lang, this_year=2026) == stale
    assert panels.zone_freshness(facts, "yingtan", lang, this_year=2026) == profile_fresh
    assert panels.zone_freshness(facts, "fuzhou", lang, this_year=2026) == profile_stale


def test_the_zone_table_has_each_zones_latest_figure_year(facts, resolve):
    for lang, column in (("zh", "最新数字年份"), ("en", "Latest figure")):
        table = panels.zones_overview(facts, resolve(lang=lang, zones=data.ZONE_IDS))
        latest = model.latest_years(facts.table)
        assert table[column].tolist() == [panels.latest_year_text(latest[z], lang) for z in data.ZONE_IDS]
    stale = "已逾三年" if model.is_stale(2020) else None
    zh = panels.zones_overview(facts, resolve(zones=("fuzhou",)))
    assert zh["最新数字年份"].item() == ("2020年（已逾三年）" if stale else "2020年")


def test_the_downloads_say_how_current_each_row_is(facts, resolve):
    for view in (None, resolve(zones=("xinyu", "fuzhou"))):
        table = pd.read_csv(io.BytesIO(panels.csv_download(facts, view, "zh")), encoding="utf-8-sig", dtype=str)
        assert list(table.columns[-2:]) == ["zone_latest_year", "data_as_of"]
        assert table.data_as_of.eq("2026-01").all()
        by_zone = table.drop_duplicates("zone_id").set_index("zone_id").zone_latest_year
        assert by_zone["xinyu"] == "2022" and by_zone["fuzhou"] == "2020"
        if view is None:
            assert by_zone["national"] == "2025"


# The page ----------------------------------------------------------------------------------------


def run(params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_and_a_stale_zones_profile_say_how_current_they_are(markdown_tables):
    at = run({"zone": "fuzhou"})
    captions = " ".join(c.value for c in at.caption)
    assert "数据截至：最新来源日期为2026年1月" in captions
    assert "本区最新数字为2020年" in captions
    if model.is_stale(2020):
        assert "可能已经过时" in captions
    en = run({"zone": "fuzhou", "lang": "en", "tab": "zones"})
    captions = " ".join(c.value for c in en.caption)
    assert "Data as of: the newest source is dated Jan 2026" in captions and "latest figure is from 2020" in captions
    table = next(t for t in markdown_tables(en) if "Latest figure" in t.columns)
    assert table["Latest figure"].tolist() == [panels.latest_year_text(2020, "en")]


def test_the_readmes_say_the_data_as_of_it_is(facts):
    """The READMEs state the newest source date in words: they must move with the data."""
    import calendar

    year, month = panels.data_as_of(facts).split("-")[:2]
    words = f"{calendar.month_name[int(month)]} {year}"
    for readme in (data.BUNDLED_DATA_DIR / "README.md", data.BUNDLED_DATA_DIR.parent / "README.md"):
        assert words in readme.read_text(encoding="utf-8"), (readme, words)
