"""What is selected: the URL contract (a shared link reproduces the view, nothing in a link can
raise), every change a person makes (sidebar, map click, tab) and how filters resolve to a view."""

import itertools
import random
import urllib.parse
from dataclasses import replace

import pytest

from dashboard.state import (
    DEFAULT_TAB,
    LANGS,
    NOTICE_CODES,
    TABS,
    Filters,
    Notice,
    Sidebar,
    View,
    Vocabulary,
    after_map_pick,
    after_sidebar,
    initial_lang,
    metric_offer,
    open_tab,
    parse_query,
    resolve,
    select_metric,
    share_url,
    show_all_sources,
    to_query,
)

ZONES = (
    "nanchang", "xinyu", "jingdezhen", "yingtan", "fuzhou",
    "jian", "ganzhou", "gongqingcheng", "fengcheng",
)  # fmt: skip
ZONE_CITY = {
    "nanchang": 360100, "xinyu": 360500, "jingdezhen": 360200, "yingtan": 360600, "fuzhou": 361000,
    "jian": 360800, "ganzhou": 360700, "gongqingcheng": 360400, "fengcheng": 360900,
}  # fmt: skip
VOCAB = Vocabulary(
    zones=ZONES,
    industries=("electronics", "aviation", "new_materials", "copper", "recycled_copper", "稀土"),
    metrics=("revenue", "gdp", "national_rank", "zone_count"),
    default_metric="revenue",
    # Out of order and repeated on purpose: the vocabulary sorts them.
    years={"revenue": [2024, 2018, 2022, 2023, 2024], "gdp": (2019, 2023), "national_rank": []},
    zone_industries={
        "nanchang": frozenset({"electronics", "aviation"}),
        "jingdezhen": frozenset({"aviation"}),
        "yingtan": frozenset({"recycled_copper"}),
        "ganzhou": frozenset({"稀土", "new_materials"}),
    },
    parents={"recycled_copper": "copper"},
    zone_city=ZONE_CITY,
)
DEFAULT = Filters(metric="revenue")


def parse(params, locale=None):
    return parse_query(params, VOCAB, locale)


def codes(notices):
    return [(n.code, n.key, n.value) for n in notices]


def assert_valid(filters, notices):
    """What any parse must give, whatever came in."""
    assert set(filters.zones) <= set(ZONES)
    assert list(filters.zones) == [z for z in ZONES if z in filters.zones]
    assert list(filters.industries) == [i for i in VOCAB.industries if i in filters.industries]
    assert filters.metric in VOCAB.metrics
    # None is "latest available" (each zone's latest figure); an explicit year has figures.
    assert filters.year is None or filters.year in VOCAB.years_for(filters.metric)
    assert filters.lang in LANGS
    for notice in notices:
        assert notice.code in NOTICE_CODES
        assert len(notice.key) <= 41 and len(notice.value) <= 41
        assert all(c.isprintable() for c in notice.key + notice.value)
    assert len(set(notices)) == len(notices)


# --- reading a link -----------------------------------------------------------------------------


def test_no_parameters_is_the_default_view():
    assert parse({}) == (DEFAULT, [])


def test_a_full_link_is_read_and_zones_come_in_registry_order():
    filters, notices = parse(
        {
            "zone": ["yingtan", "nanchang"],
            "industry": ["copper", "electronics"],
            "metric": ["gdp"],
            "year": ["2019"],
            "lang": ["en"],
        }
    )
    assert notices == []
    assert filters == Filters(
        zones=("nanchang", "yingtan"),
        industries=("electronics", "copper"),
        metric="gdp",
        year=2019,
        lang="en",
    )


def test_single_string_values_are_read_like_one_element_lists():
    as_str = parse({"zone": "xinyu", "metric": "gdp", "year": "2019", "lang": "en"})
    as_list = parse({"zone": ["xinyu"], "metric": ["gdp"], "year": ["2019"], "lang": ["en"]})
    assert as_str == as_list
    assert as_str[0].zones == ("xinyu",)


def test_no_year_is_the_latest_available_mode_and_an_explicit_year_is_kept():
    """Issue 13.15: a link without `year` shows each zone's latest figure (year None); `year=`
    picks one year, even the latest one, because one year and "each zone's latest" differ."""
    assert parse({})[0].year is None
    assert parse({"year": "2024"}) == (Filters(metric="revenue", year=2024), [])
    assert parse({"metric": "gdp", "year": "2023"}) == (Filters(metric="gdp", year=2023), [])
    assert to_query(Filters(metric="revenue", year=2024), VOCAB) == {"year": ["2024"]}
    assert to_query(Filters(metric="revenue"), VOCAB) == {}  # the default mode is left out
    assert resolve(Filters(metric="revenue"), VOCAB).year is None
    assert resolve(Filters(metric="revenue", year=2024), VOCAB).year == 2024


def test_a_year_is_checked_against_the_chosen_metric():
    filters, notices = parse({"metric": "gdp", "year": ["2018"]})
    assert filters == Filters(metric="gdp")
    assert codes(notices) == [("year_without_data", "year", "2018")]

    # An unknown metric falls back to the default, and the year is checked against that.
    filters, notices = parse({"metric": "nope", "year": "2022"})
    assert filters == Filters(metric="revenue", year=2022)
    assert codes(notices) == [("unknown_metric", "metric", "nope")]


def test_a_metric_without_figures_takes_no_year():
    filters, notices = parse({"metric": "zone_count", "year": "2024"})
    assert filters == Filters(metric="zone_count")
    assert codes(notices) == [("year_without_data", "year", "2024")]


@pytest.mark.parametrize("year", ["20x4", "", " 2022", "2022.0", "+2022", "２０２２", "٢٠٢٢", "9" * 10_000, "-2022"])
def test_a_malformed_year_is_reported_and_the_default_kept(year):
    filters, notices = parse({"year": year})
    assert filters == DEFAULT
    assert [n.code for n in notices] == ["empty_value" if year == "" else "bad_year"]


def test_unknown_keys_are_reported_but_share_sheet_additions_are_not():
    filters, notices = parse({"zones": "nanchang", "from": "singlemessage", "isappinstalled": "0", "utm_source": "x"})
    assert filters == DEFAULT
    assert codes(notices) == [("unknown_key", "zones", "nanchang")]


def test_unknown_and_duplicate_ids_are_dropped_and_reported_once_each():
    filters, notices = parse({"zone": ["yingtan", "YINGTAN", "yingtan", "yingtan", "mars"], "industry": ["gold"]})
    assert filters.zones == ("yingtan",)
    assert codes(notices) == [
        ("unknown_zone", "zone", "YINGTAN"),
        ("duplicate_zone", "zone", "yingtan"),
        ("unknown_zone", "zone", "mars"),
        ("unknown_industry", "industry", "gold"),
    ]


def test_comma_separated_ids_are_not_part_of_the_contract():
    filters, notices = parse({"zone": "yingtan,nanchang"})
    assert filters.zones == ()
    assert codes(notices) == [("unknown_zone", "zone", "yingtan,nanchang")]


def test_a_repeated_one_value_key_keeps_its_first_valid_value():
    filters, notices = parse({"metric": ["a", "gdp", "revenue"], "lang": ["en", "zh"]})
    assert (filters.metric, filters.lang) == ("gdp", "en")
    assert codes(notices) == [
        ("unknown_metric", "metric", "a"),
        ("repeated_key", "metric", "revenue"),
        ("repeated_key", "lang", "zh"),
    ]


def test_empty_values_are_reported_by_key():
    filters, notices = parse({"zone": ["", "jian"], "metric": "", "lang": []})
    assert filters == Filters(zones=("jian",), metric="revenue")
    assert codes(notices) == [("empty_value", "zone", ""), ("empty_value", "metric", "")]


def test_hostile_values_come_back_short_and_printable():
    payload = "<script>alert(1)</script>" + "x" * 10_000
    _, notices = parse({"zone": payload, "lang": "en\u202e\nzh", "x" * 500: "1"})
    by_code = {n.code: n for n in notices}
    zone = by_code["unknown_zone"]
    assert zone.value == payload[:40] + "…"  # shown as plain text by the page
    assert by_code["unknown_lang"].value == "en\ufffd\ufffdzh"
    assert by_code["unknown_key"].key == "x" * 40 + "…"


def test_an_unknown_lang_falls_back_to_the_browser():
    filters, notices = parse({"lang": "fr"}, locale="en-GB")
    assert filters.lang == "en"
    assert codes(notices) == [("unknown_lang", "lang", "fr")]


@pytest.mark.parametrize(
    ("query_lang", "locale", "expected"),
    [
        ("zh", "en-US", "zh"),
        ("en", "zh-CN", "en"),
        (None, "en-US", "en"),
        (None, "en", "en"),
        (None, "EN_gb", "en"),
        (None, "zh-CN", "zh"),
        (None, "zh-Hant-TW", "zh"),
        (None, "fr-FR", "zh"),
        (None, "eng", "zh"),
        (None, "", "zh"),
        (None, None, "zh"),
        ("fr", "en-US", "en"),
    ],
)
def test_initial_lang(query_lang, locale, expected):
    assert initial_lang(query_lang, locale) == expected


def test_a_link_without_lang_follows_the_browser():
    assert parse({}, locale="en-US")[0].lang == "en"
    assert parse({"lang": "zh"}, locale="en-US")[0].lang == "zh"


@pytest.mark.parametrize(
    "params",
    [
        None,
        "zone=nanchang",
        ["zone", "nanchang"],
        42,
        {None: None},
        {1: 2},
        {"zone": None},
        {"zone": 3},
        {"zone": [None, 7, ["nanchang"], {"a": 1}, b"nanchang"]},
        {"year": 2022},
        {"year": [2022.0, None]},
        {"metric": ("gdp",)},
        {"lang": {"en": 1}},
        {("zone",): "nanchang"},
    ],
)
def test_weird_shapes_never_raise(params):
    assert_valid(*parse(params))


def test_a_mapping_that_breaks_when_read_gives_the_default_view():
    class Broken(dict):
        def items(self):
            raise RuntimeError("boom")

    class Unprintable:
        def __str__(self):
            raise RuntimeError("boom")

    assert parse(Broken(zone="nanchang")) == (DEFAULT, [])
    filters, notices = parse({"zone": Unprintable()})
    assert filters == DEFAULT
    assert codes(notices) == [("unknown_zone", "zone", "?")]


def test_random_hostile_links_never_raise():
    rng = random.Random(20250301)
    keys = ["zone", "industry", "metric", "year", "lang", "utm_x", ""]
    pool = list(ZONES) + list(VOCAB.industries) + list(VOCAB.metrics) + ["2022", "2024", "en"]

    def junk():
        kind = rng.randrange(6)
        if kind == 0:
            return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(30)))
        if kind == 1:
            return rng.choice(pool) * rng.randrange(1, 3000)
        if kind == 2:
            return rng.choice([None, 0, -1, 2.5, float("nan"), b"\xff", [], {}])
        return rng.choice(pool)

    for _ in range(3000):
        params = {}
        for _ in range(rng.randrange(6)):
            key = rng.choice(keys) if rng.random() < 0.8 else junk()
            key = repr(key) if isinstance(key, (list, dict)) else key  # keys must hash
            many = [junk() for _ in range(rng.randrange(4))]
            params[key] = many if rng.random() < 0.6 else junk()
        assert_valid(*parse(params, locale=rng.choice([None, "en-US", "zh-CN", junk()])))


# --- writing a link -----------------------------------------------------------------------------


def test_the_default_view_writes_nothing():
    assert to_query(DEFAULT, VOCAB) == {}


def test_only_non_default_values_are_written_in_registry_order():
    filters = Filters(
        zones=("ganzhou", "nanchang"),
        industries=("copper", "electronics"),
        metric="gdp",
        year=2019,
        lang="en",
    )
    assert to_query(filters, VOCAB) == {
        "zone": ["nanchang", "ganzhou"],
        "industry": ["electronics", "copper"],
        "metric": ["gdp"],
        "year": ["2019"],
        "lang": ["en"],
    }


def test_an_english_session_always_writes_its_language():
    """Even when English came from the browser locale, the link must carry it."""
    filters, _ = parse({}, locale="en-US")
    assert to_query(filters, VOCAB) == {"lang": ["en"]}
    assert parse(to_query(filters, VOCAB), locale="zh-CN")[0] == filters


def test_all_nine_zones_chosen_one_by_one_are_kept():
    """An explicit choice of all nine is what the widget shows, so the link keeps it."""
    filters = Filters(zones=ZONES, metric="revenue")
    assert to_query(filters, VOCAB) == {"zone": list(ZONES)}
    assert parse(to_query(filters, VOCAB))[0] == filters


def every_valid_filters():
    """Every metric × year × lang, crossed with a spread of zone and industry selections."""
    rng = random.Random(7)
    zone_sets = [(), ZONES, ("fengcheng",), ("nanchang", "fengcheng")]
    zone_sets += [tuple(z for z in ZONES if rng.random() < 0.5) for _ in range(40)]
    industry_sets = [()] + [c for n in (1, 2, 5) for c in itertools.combinations(VOCAB.industries, n)]
    for metric in VOCAB.metrics:
        years = [None] + list(VOCAB.years_for(metric))
        for year, lang in itertools.product(years, LANGS):
            for zones in zone_sets:
                for industries in rng.sample(industry_sets, 6):
                    yield Filters(
                        zones=zones,
                        industries=industries,
                        metric=metric,
                        year=year,
                        lang=lang,
                        tab=rng.choice(TABS),
                        all_sources=rng.random() < 0.3,
                    )


def test_round_trip_through_the_query():
    count = 0
    for filters in every_valid_filters():
        assert parse(to_query(filters, VOCAB)) == (filters, [])
        count += 1
    assert count > 1000


def test_round_trip_through_the_url_text():
    """What a colleague's browser sends back is what the link says."""
    for filters in itertools.islice(every_valid_filters(), 0, None, 7):
        url = share_url("https://example.streamlit.app/", filters, VOCAB)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)
        assert parse(query) == (filters, [])


# --- share link ---------------------------------------------------------------------------------


@pytest.mark.parametrize("base", ["https://x.streamlit.app", "https://x.streamlit.app/", "http://localhost:8501/app/"])
def test_share_url_of_the_default_view_has_no_question_mark(base):
    assert share_url(base, DEFAULT, VOCAB) == base.removesuffix("/") + "/"  # the path as the browser shows it


def test_share_url_repeats_keys_and_encodes_ids():
    filters = Filters(zones=("yingtan", "nanchang"), industries=("稀土",), metric="revenue")
    assert share_url("https://x.streamlit.app/", filters, VOCAB) == (
        "https://x.streamlit.app/?zone=nanchang&zone=yingtan&industry=%E7%A8%80%E5%9C%9F"
    )


def test_share_url_replaces_a_query_already_on_the_base():
    filters = Filters(metric="revenue", lang="en")
    assert share_url("https://x.app/?zone=old#top", filters, VOCAB) == "https://x.app/?lang=en"
    assert share_url("https://x.app/?zone=old", DEFAULT, VOCAB) == "https://x.app/"


# --- changing the view --------------------------------------------------------------------------


def test_a_tab_link_opens_that_tab_and_the_default_tab_is_left_out():
    assert parse({"tab": "sources"}) == (Filters(metric="revenue", tab="sources"), [])
    assert to_query(Filters(metric="revenue", tab="sources"), VOCAB) == {"tab": ["sources"]}
    assert to_query(Filters(metric="revenue", tab=DEFAULT_TAB), VOCAB) == {}
    filters, notices = parse({"tab": ["Sources", "table"]})
    assert filters.tab == "table" and codes(notices) == [("unknown_tab", "tab", "Sources")]


def test_show_all_sources_travels_in_the_link_as_sources_all():
    """Issue 20.1: the "show all sources" switch is part of the view, so a shared link keeps it."""
    filters = show_all_sources(Filters(metric="gdp", zones=("jian",), tab="sources"), True)
    assert to_query(filters, VOCAB) == {"zone": ["jian"], "metric": ["gdp"], "tab": ["sources"], "sources": ["all"]}
    assert parse(to_query(filters, VOCAB)) == (filters, [])
    assert show_all_sources(filters, False) == replace(filters, all_sources=False)
    assert to_query(show_all_sources(filters, False), VOCAB) == {"zone": ["jian"], "metric": ["gdp"], "tab": ["sources"]}
    assert share_url("https://x.app/", filters, VOCAB) == "https://x.app/?zone=jian&metric=gdp&tab=sources&sources=all"


@pytest.mark.parametrize("value", ["ALL", "1", "true", "view"])
def test_any_other_sources_value_is_reported_and_shows_the_sources_in_view(value):
    filters, notices = parse({"sources": [value, "all"]})
    assert filters.all_sources is True and codes(notices) == [("unknown_sources", "sources", value)]
    filters, notices = parse({"sources": value})
    assert filters.all_sources is False and codes(notices) == [("unknown_sources", "sources", value)]


def test_opening_a_tab_keeps_the_rest_of_the_view():
    filters = Filters(metric="gdp", zones=("jian",), year=2019)
    assert open_tab(filters, "coverage") == replace(filters, tab="coverage")
    assert open_tab(filters, "no-such-tab") == filters


def sidebar(filters: Filters, **changes) -> Sidebar:
    """The sidebar as it shows `filters`, with what the person changed."""
    values = dict(
        lang=filters.lang,
        zones=list(filters.zones),
        industries=list(filters.industries),
        metric=filters.metric,
        year=filters.year,
    )
    return Sidebar(**(values | changes))


def test_the_sidebar_writes_zones_and_industries_in_registry_order():
    after = after_sidebar(
        DEFAULT, sidebar(DEFAULT, zones=["ganzhou", "nanchang", "atlantis"], industries=["稀土", "aviation"]), VOCAB
    )
    assert after == replace(DEFAULT, zones=("nanchang", "ganzhou"), industries=("aviation", "稀土"))


def test_the_sidebar_year_and_metric_follow_each_other():
    on_2018 = after_sidebar(DEFAULT, sidebar(DEFAULT, year=2018), VOCAB)
    assert on_2018.year == 2018
    assert after_sidebar(on_2018, sidebar(on_2018, year=2024), VOCAB).year == 2024  # one year, kept
    assert after_sidebar(on_2018, sidebar(on_2018, year=None), VOCAB).year is None  # latest available
    to_gdp = after_sidebar(on_2018, sidebar(on_2018, metric="gdp"), VOCAB)
    assert (to_gdp.metric, to_gdp.year) == ("gdp", None)  # gdp has no 2018: latest available
    assert after_sidebar(DEFAULT, sidebar(DEFAULT, year=1999), VOCAB) == DEFAULT


def test_the_sidebar_language_switch_keeps_the_view():
    filters = Filters(metric="gdp", zones=("jian",), year=2019, tab="table")
    assert after_sidebar(filters, sidebar(filters, lang="en"), VOCAB) == replace(filters, lang="en")
    assert after_sidebar(filters, sidebar(filters, lang=None), VOCAB) == filters  # deselected: kept


def test_resolving_no_zone_shows_all_nine_and_each_zones_latest_figure():
    assert resolve(DEFAULT, VOCAB) == View(ZONES, frozenset(), "revenue", None, "zh")


def test_an_industry_keeps_the_zones_that_have_it_or_one_of_its_segments():
    copper = resolve(Filters(metric="revenue", industries=("copper",)), VOCAB)
    assert copper.zones == ("yingtan",) and copper.industries == {"copper", "recycled_copper"}
    aviation = resolve(Filters(metric="gdp", year=2019, industries=("aviation",), zones=("jingdezhen", "ganzhou")), VOCAB)
    assert aviation == View(("jingdezhen",), frozenset({"aviation"}), "gdp", 2019, "zh")
    assert resolve(Filters(metric="revenue", industries=("copper",), zones=("nanchang",)), VOCAB).zones == ()


# --- a click on the map -------------------------------------------------------------------------


def clicked(picked, zones=()) -> tuple[str, ...]:
    return after_map_pick(replace(DEFAULT, zones=tuple(zones)), picked, VOCAB).zones


def test_clicking_a_zone_toggles_it_and_keeps_registry_order():
    assert clicked("zone:yingtan") == ("yingtan",)
    assert clicked("zone:nanchang", ("yingtan",)) == ("nanchang", "yingtan")
    assert clicked("zone:yingtan", ("nanchang", "yingtan")) == ("nanchang",)
    assert clicked("zone:ganzhou", ("ganzhou",)) == ()  # clicked again: off


def test_a_click_keeps_the_rest_of_the_view():
    filters = Filters(metric="gdp", year=2019, industries=("aviation",), lang="en", tab="ranking")
    assert after_map_pick(filters, "zone:ganzhou", VOCAB) == replace(filters, zones=("ganzhou",))


def test_clicking_a_city_adds_its_zones():
    assert clicked("city:360800") == ("jian",)
    assert clicked("city:360800", ("jian",)) == ("jian",)  # a city click only adds
    assert clicked("city:360400", ("nanchang",)) == ("nanchang", "gongqingcheng")


def test_clicking_a_city_without_zones_changes_nothing():
    assert clicked("city:360300", ("nanchang",)) == ("nanchang",)


def test_adcodes_arrive_as_text_of_an_int_or_a_float():
    for code in ("360800", "360800.0"):
        assert clicked(f"city:{code}") == ("jian",)


NOTHING = [
    None, {}, [], "", 0, 3.5, "zone", "zone:", "city:", ":nanchang", "nanchang", object(),
    "zone:atlantis", "zone:NANCHANG", "zone:nanchang ", "zone:nanchang:x", "zone:['nanchang']",
    "city:Nanchang", "city:nan", "city:inf", "city:360100.5", "city:True", "city:999999", "city:",
    "brush:1,2", {"zone": "nanchang"}, ["zone:nanchang"], b"zone:nanchang",
]  # fmt: skip


@pytest.mark.parametrize("picked", NOTHING, ids=range(len(NOTHING)))
def test_empty_or_unreadable_picks_change_nothing(picked):
    assert clicked(picked, ("nanchang", "xinyu")) == ("nanchang", "xinyu")


def test_select_metric_keeps_a_year_only_where_the_new_metric_has_figures():
    on_2023 = Filters(metric="revenue", year=2023)
    assert select_metric(on_2023, "gdp", VOCAB) == Filters(metric="gdp", year=2023)  # kept, even if latest
    on_2019 = Filters(metric="gdp", year=2019)
    assert select_metric(on_2019, "revenue", VOCAB) == Filters(metric="revenue")
    on_2022 = Filters(metric="revenue", year=2022, zones=("jian",))
    assert select_metric(on_2022, "national_rank", VOCAB) == replace(on_2022, metric="national_rank", year=None)
    assert select_metric(on_2022, "revenue", VOCAB) == on_2022


def test_a_year_the_metric_has_no_figures_for_resolves_to_latest_available():
    assert resolve(Filters(metric="revenue", year=2018), VOCAB).year == 2018
    assert resolve(Filters(metric="zone_count", year=2024), VOCAB).year is None


# --- vocabulary and notices ---------------------------------------------------------------------


def test_vocabulary_sorts_years_and_rejects_a_default_metric_it_does_not_have():
    assert VOCAB.years_for("revenue") == (2018, 2022, 2023, 2024)
    assert VOCAB.years_for("zone_count") == ()
    assert VOCAB.years_for("national_rank") == ()
    with pytest.raises(ValueError):
        Vocabulary(zones=ZONES, industries=(), metrics=("gdp",), default_metric="revenue")


def test_notice_codes_are_a_closed_list():
    with pytest.raises(ValueError):
        Notice("something_else", "zone", "x")


def test_a_one_zone_view_without_the_metric_is_offered_one_the_zone_has():
    """Issue 20.4: Yingtan has no figure for the metric shown: offer one it has, its group first."""
    vocab = replace(
        VOCAB,
        zone_metrics={"yingtan": frozenset({"gdp", "national_rank", "not_selectable"}), "nanchang": frozenset({"revenue"})},
        metric_group={"revenue": "output", "gdp": "output", "national_rank": "ranking", "zone_count": "context"},
    )
    yingtan = Filters(zones=("yingtan",), metric="revenue")
    assert metric_offer(yingtan, vocab) == "gdp"  # same group (output) before ranking
    assert metric_offer(replace(yingtan, metric="zone_count"), vocab) == "gdp"  # no same-group one: registry order
    assert metric_offer(replace(yingtan, metric="gdp"), vocab) is None  # it has this one
    assert metric_offer(Filters(zones=("nanchang",), metric="revenue"), vocab) is None
    assert metric_offer(Filters(zones=("yingtan", "nanchang"), metric="gdp"), vocab) is None  # not one zone
    assert metric_offer(Filters(zones=("ganzhou",), metric="gdp"), vocab) is None  # nothing known about it
    # one zone left by an industry filter counts too (resolved, not chosen)
    assert metric_offer(Filters(industries=("recycled_copper",), metric="revenue"), vocab) == "gdp"
    assert metric_offer(yingtan, replace(vocab, zone_metrics={"yingtan": frozenset()})) is None  # nothing to offer
