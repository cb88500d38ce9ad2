"""Panels as the page sends them: valid Vega-Lite with their rows filled in, specs that depend only
on (chart, language, metric) so the browser updates a drawn chart in place, and caches keyed on
exactly what each panel reads."""

import itertools

import altair as alt
import pytest
from altair.utils.schemapi import validate_jsonschema

from dashboard import data, panels, state

CHARTS = tuple(panels.BUILDERS)
VEGA_LITE = alt.vegalite.v5.schema.load_schema()


@pytest.fixture(scope="module")
def facts(dataset) -> panels.Facts:
    return panels.Facts(dataset, dataset.facts)


def drawn(facts, name: str, view: state.View) -> dict | None:
    return panels.panel(name, facts, view).spec


def shape(spec: dict) -> dict:
    """What the browser compares to decide between updating a view and rebuilding it."""
    return {key: value for key, value in spec.items() if key != "datasets"}


VIEWS = {
    "default": {},
    "one zone, English": {"zones": ("yingtan",), "lang": "en"},
    "an industry": {"industries": ("copper",)},
    "gdp in 2019": {"metric": "gdp", "year": 2019, "zones": ("nanchang", "ganzhou")},
    "a rank": {"metric": "national_rank"},
}


@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("filters", VIEWS.values(), ids=VIEWS.keys())
def test_every_spec_as_sent_is_valid_vega_lite(facts, resolve, name, filters):
    spec = drawn(facts, name, resolve(**filters))
    if spec is not None:
        validate_jsonschema(spec, VEGA_LITE)  # raises on a schema error, rows included


@pytest.mark.parametrize("name", CHARTS)
def test_the_spec_of_one_zone_is_the_spec_of_another_only_rows_differ(facts, resolve, name):
    specs = {z: drawn(facts, name, resolve(zones=(z,), metric="national_rank", year=2021)) for z in data.ZONE_IDS}
    drawn_zones = [z for z, spec in specs.items() if spec is not None]
    assert len(drawn_zones) >= 2, f"{name}: fewer than two zones draw a chart"
    for a, b in itertools.pairwise(drawn_zones):
        assert shape(specs[a]) == shape(specs[b]), f"{name}: {a} and {b}"
    if "zones" in panels.READS.get(name, ("zones",)):
        assert any(specs[a]["datasets"] != specs[b]["datasets"] for a, b in itertools.pairwise(drawn_zones))


@pytest.mark.parametrize("name", CHARTS)
def test_the_spec_with_an_industry_is_the_spec_without_only_rows_differ(facts, resolve, name):
    with_industry = drawn(facts, name, resolve(industries=("copper",)))
    without = drawn(facts, name, resolve())
    if with_industry is not None and without is not None:
        assert shape(with_industry) == shape(without)


def test_the_year_and_the_count_are_beside_the_chart_not_in_it(facts, resolve):
    a = panels.panel("by_zone", facts, resolve(metric="national_rank", year=2021))
    b = panels.panel("by_zone", facts, resolve(metric="national_rank", year=2024))
    assert shape(a.spec) == shape(b.spec)
    assert "2021" in a.subtitle and "2024" in b.subtitle
    assert "3" in a.subtitle and "2" in b.subtitle  # zones with a figure


@pytest.mark.parametrize("name", CHARTS)
def test_latest_available_and_one_year_draw_the_same_spec(facts, resolve, name):
    """The year mode changes rows and captions only (the year sits in each row's label)."""
    latest = drawn(facts, name, resolve(metric="national_rank"))
    one_year = drawn(facts, name, resolve(metric="national_rank", year=2021))
    if latest is not None and one_year is not None:
        assert shape(latest) == shape(one_year)


def test_every_mark_of_the_real_map_picks_what_it_shows(facts, resolve, vocab):
    """The map's click values, as the page's map sends them, through the page's transition: a
    zone's mark (and the hit circle under it) toggles that zone, a city's adds the zones it hosts;
    a city without a zone has nothing to pick (its value card has no filter button)."""
    import xml.etree.ElementTree as ET

    svg = ET.fromstring(panels.map_svg(facts, resolve(), False))
    marks = [el for el in svg.iter() if el.get("data-pick")]
    picks = {el.get("data-pick"): el.get("aria-label") for el in marks if el.get("class") != "hit"}
    assert {el.get("data-pick") for el in marks if el.get("class") == "hit"} == {p for p in picks if p.startswith("zone:")}
    assert len(picks) == 9 + len(set(vocab.zone_city.values()))  # nine zones, the cities that host them
    assert len(set(vocab.zone_city.values())) < 11
    names = dict(zip(facts.dataset.zones["zone_id"], facts.dataset.zones["short_zh"]))
    for pick, label in picks.items():
        after = state.after_map_pick(state.Filters(metric=vocab.default_metric), pick, vocab).zones
        kind, value = pick.split(":")
        if kind == "zone":
            assert after == (value,) and label.startswith(names[value] + ":")
        else:
            assert after == tuple(z for z in vocab.zones if vocab.zone_city[z] == int(value)) and after


class Recording(state.View):
    """A view that notes which of its fields a panel reads."""

    seen: set[str] = set()

    def __getattribute__(self, name):
        if name in state.View.__dataclass_fields__:
            Recording.seen.add(name)
        return super().__getattribute__(name)


PARTS = {
    **{name: lambda f, v, name=name: panels.BUILDERS[name](f.dataset, f.table, v) for name in CHARTS},
    "headline": panels._headline.__wrapped__,
    "map": lambda f, v: panels._map_svg.__wrapped__(f, v, True),
    "table": panels._facts_table.__wrapped__,
    "sources": lambda f, v: panels._sources_table.__wrapped__(f, v, False),
    "profile": panels._zone_figures.__wrapped__,
    "zones": panels._zones_overview.__wrapped__,
}


@pytest.mark.parametrize("name", PARTS)
def test_a_panel_reads_no_field_of_the_view_it_is_not_keyed_on(facts, resolve, name):
    view = resolve(zones=("yingtan", "nanchang"), industries=("copper",), metric="industrial_revenue")
    Recording.seen = set()
    PARTS[name](facts, Recording(*(getattr(view, f) for f in state.View.__dataclass_fields__)))
    assert Recording.seen <= set(panels.READS[name]), f"{name} reads {Recording.seen - set(panels.READS[name])}"
    assert set(PARTS) == set(panels.READS)


def test_part_blanks_what_a_panel_does_not_read(resolve):
    view = resolve(zones=("yingtan",), metric="gdp", year=2019, lang="en")
    assert panels.part("national_context", view) == state.View((), frozenset(), "", None, "en")
    assert panels.part("by_zone", view) == view


def test_an_upload_is_cached_with_the_upload_not_for_the_process(dataset, resolve):
    upload = panels.Facts(dataset, dataset.facts.head(40), upload="abc")
    first = panels.panel("by_zone", upload, resolve())
    assert panels.panel("by_zone", upload, resolve()) is first  # the upload's own memo
    assert len(upload.memo) == 1
    bundled = panels.Facts(dataset, dataset.facts)
    assert panels.panel("by_zone", bundled, resolve()) != first or upload.table.equals(dataset.facts)


def test_the_english_map_lists_a_zone_s_lead_industries_with_english_commas(facts, resolve):
    svg = panels._map_svg.__wrapped__(facts, resolve(lang="en"), True)
    assert "Electronic information, " in svg and "、" not in svg
