"""Filter state and the URL contract (see DESIGN.md, "URL contract").

Pure functions, no Streamlit: the page hands in the query parameters, the browser locale and what
the data make valid (a `Vocabulary`), and gets back `Filters` plus the `Notice`s to show. Keeping
this free of Streamlit and of the data layer lets every promise a shared link makes be unit-tested.

The URL carries stable ASCII ids, never labels: `zone` and `industry` repeated, `metric` one id,
`year` an integer, `lang` zh|en, `tab` the open section's id, `sources=all` when the sources section
lists every source rather than those of the figures in view. Only non-default values are written.
Anything else in a link is dropped and reported, never raised.

Years: a link without `year` shows each zone's latest figure for the metric, whatever its year
(the "latest available" mode, the default: the year travels with every figure). `year=2021` shows
the figures of 2021 only, and is kept in the link even when 2021 is the latest year, because one
year and "each zone's latest" are different views.

This module is the one home of "what is selected": the URL ↔ `Filters` round trip, every change a
person can make (sidebar, a click on the map, opening a section), and `resolve`, which turns the
filters into the `View` the panels draw (no zone = all nine; an industry keeps the zones that have
it, and brings its segments).
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# Stable codes for what a link can get wrong; i18n has a "notice.<code>" text for each.
NOTICE_CODES = (
    "unknown_key",
    "empty_value",
    "unknown_zone",
    "duplicate_zone",
    "unknown_industry",
    "duplicate_industry",
    "unknown_metric",
    "bad_year",
    "year_without_data",
    "unknown_lang",
    "unknown_tab",
    "unknown_sources",
    "repeated_key",
    "unknown_data",
)

# The sections below the map, in page order (ids: what the URL carries, never the label).
# The first is text only (the zones at a glance): a first visit builds no chart below the fold
# (bench/README.md: a chart in the open tab was a fifth of the cold load).
TABS = ("zones", "enterprises", "industries", "ranking", "coverage", "table", "sources")
DEFAULT_TAB = TABS[0]

# Keys that apps and share sheets append on their own (WeChat adds `from` and `isappinstalled` to
# every forwarded link). The user did not write them, so telling them "ignored" would only confuse.
_FOREIGN_KEYS = frozenset({"from", "isappinstalled", "spm", "fbclid", "gclid"})
_FOREIGN_PREFIX = "utm_"

KEYS = ("zone", "industry", "metric", "year", "lang", "tab", "sources", "data")
ALL_SOURCES = "all"  # `sources=all`: the one value of `sources` (its absence: the sources of the figures in view)
_YEAR = re.compile(r"[0-9]{4}")
# A published data set's id (dashboard.publish): SHA-256 in lowercase hex, and nothing else (no
# path, no "..", no URL, no other length) is even looked up.
DATA_ID = re.compile(r"[0-9a-f]{64}")
_NOTICE_CHARS = 40


@dataclass(frozen=True, kw_only=True)
class Vocabulary:
    """What a link may name, taken from the data the page has loaded (bundled or uploaded).

    `zones`, `industries` and `metrics` are ids in registry order; that order is the order of
    selections and of the URL, so equal views give equal links. `years` maps a metric to the years
    it has figures for; a metric missing from it has none. `zone_industries` maps a zone to the
    industries it has (lead industries and industries with a sourced figure), `parents` an
    industry to the industry it is a segment of, `zone_city` a zone to its host city's adcode.
    """

    zones: tuple[str, ...]
    industries: tuple[str, ...]
    metrics: tuple[str, ...]
    default_metric: str
    years: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    zone_industries: Mapping[str, frozenset[str]] = field(default_factory=dict)
    parents: Mapping[str, str] = field(default_factory=dict)
    zone_city: Mapping[str, int] = field(default_factory=dict)
    zone_metrics: Mapping[str, frozenset[str]] = field(default_factory=dict)  # metrics each zone has a figure for
    metric_group: Mapping[str, str] = field(default_factory=dict)  # metric → its group (output, enterprises…)

    def __post_init__(self) -> None:
        if self.default_metric not in self.metrics:
            raise ValueError(f"default metric {self.default_metric!r} is not among the metrics")
        # Years may arrive as any iterable of ints (numpy ints from pandas included): store them
        # sorted and plain, so "latest" is the last one and equality is by value.
        normalised = {m: tuple(sorted({int(y) for y in ys})) for m, ys in self.years.items()}
        object.__setattr__(self, "years", normalised)

    def years_for(self, metric: str) -> tuple[int, ...]:
        """Years with figures for `metric`, oldest first (empty when it has none)."""
        return self.years.get(metric, ())


@dataclass(frozen=True, kw_only=True)
class Filters:
    """One view of the dashboard.

    `zones == ()` and `industries == ()` mean no filter (all of them). `year is None` is the
    "latest available" mode: each zone's latest figure for the metric, each with its own year (a
    link without `year` keeps following the data as newer figures arrive). An int is one year.
    """

    zones: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    metric: str
    year: int | None = None
    lang: str = DEFAULT_LANG
    tab: str = DEFAULT_TAB
    all_sources: bool = False  # the sources section lists every source ("显示全部来源")
    data: str | None = None  # a published data set's id (`data=` in the link), None: the bundled data


@dataclass(frozen=True)
class View:
    """What the filters select, resolved: the zones to show (registry order; never empty unless
    an industry filter leaves none), the industries with their segments, the metric, the year
    (None: "latest available", each zone's latest figure with its year) and the language."""

    zones: tuple[str, ...]
    industries: frozenset[str]
    metric: str
    year: int | None
    lang: str


@dataclass(frozen=True, kw_only=True)
class Sidebar:
    """The sidebar widgets' values as a person left them (ids, not labels; `year` None is the
    "latest available" choice)."""

    lang: str | None
    zones: Sequence[str]
    industries: Sequence[str]
    metric: str
    year: int | None


@dataclass(frozen=True)
class Notice:
    """Something in a link that was ignored. `key` and `value` are cut short and made printable,
    because they come from whoever wrote the link and are shown back on the page."""

    code: str
    key: str
    value: str

    def __post_init__(self) -> None:
        if self.code not in NOTICE_CODES:
            raise ValueError(f"unknown notice code {self.code!r}")


def initial_lang(query_lang: str | None, browser_locale: str | None) -> str:
    """The language of a session: an explicit, valid `lang` from the link wins; otherwise English
    for a browser whose locale is English ("en", "en-US", "en_GB"), Chinese for everyone else."""
    if query_lang in LANGS:
        return query_lang
    if isinstance(browser_locale, str):
        primary = browser_locale.replace("_", "-").split("-")[0].strip().lower()
        if primary == "en":
            return "en"
    return DEFAULT_LANG


def parse_query(
    params: Mapping[str, str | Sequence[str]],
    vocab: Vocabulary,
    browser_locale: str | None = None,
) -> tuple[Filters, list[Notice]]:
    """Read a view from query parameters; never raises.

    `params` maps a key to one string or to all its values. Pass every value of a repeated key:
    Streamlit's `st.query_params.to_dict()` keeps only the last, so build it as
    `{k: st.query_params.get_all(k) for k in st.query_params}`. Whatever is unknown, malformed or
    repeated is dropped and reported once per distinct problem; the rest of the link still applies.
    Without a `lang` in the link, the browser locale picks the language (see `initial_lang`).
    """
    notices: list[Notice] = []
    values: dict[str, list[str]] = {}
    for raw_key, raw_values in _items(params):
        key = _text(raw_key)
        items = [_text(v) for v in _as_list(raw_values)]
        if key in KEYS:
            values.setdefault(key, []).extend(items)
        elif not _is_foreign(key):
            notices.append(_notice("unknown_key", key, items[0] if items else ""))

    zones = _pick_ids("zone", values.get("zone", []), vocab.zones, notices)
    industries = _pick_ids("industry", values.get("industry", []), vocab.industries, notices)
    metric = _pick_one("metric", values.get("metric", []), vocab.metrics.__contains__, notices)
    metric = metric or vocab.default_metric
    years = {str(y) for y in vocab.years_for(metric)}
    year_text = _pick_one("year", values.get("year", []), years.__contains__, notices)
    year = int(year_text) if year_text else None
    lang = _pick_one("lang", values.get("lang", []), LANGS.__contains__, notices)
    tab = _pick_one("tab", values.get("tab", []), TABS.__contains__, notices)
    sources = _pick_one("sources", values.get("sources", []), ALL_SOURCES.__eq__, notices)
    data = _pick_one("data", values.get("data", []), is_data_id, notices)

    filters = Filters(
        zones=zones,
        industries=industries,
        metric=metric,
        year=year,
        lang=initial_lang(lang, browser_locale),
        tab=tab or DEFAULT_TAB,
        all_sources=sources == ALL_SOURCES,
        data=data,
    )
    return filters, list(dict.fromkeys(notices))


def is_data_id(text: object) -> bool:
    """True only for the exact shape of a published data set's id (64 lowercase hex digits)."""
    return isinstance(text, str) and DATA_ID.fullmatch(text) is not None


def requested_data(params: Mapping[str, str | Sequence[str]]) -> str | None:
    """The published data set a link asks for: its first `data` value if that has an id's shape
    (what parse_query keeps too), else None. The page opens it before reading the rest of the link,
    whose valid years and metrics depend on the data."""
    for raw_key, raw_values in _items(params):
        if _text(raw_key) == "data":
            return next((text for text in map(_text, _as_list(raw_values)) if is_data_id(text)), None)
    return None


def unknown_data(data_id: str) -> Notice:
    """The notice for a `data` id of the right shape that names no published set (or one that
    cannot be shown)."""
    return _notice("unknown_data", "data", data_id)


def to_query(filters: Filters, vocab: Vocabulary) -> dict[str, list[str]]:
    """The query parameters for a view: only what differs from the default, ids in registry order.

    `lang` is left out only when it is "zh". A session that is English because of the browser
    locale still writes `lang=en`, so a colleague with a Chinese browser sees what was shared.
    """
    year = filters.year if filters.year in vocab.years_for(filters.metric) else None
    query = {
        "zone": list(_in_order(filters.zones, vocab.zones)),
        "industry": list(_in_order(filters.industries, vocab.industries)),
        "metric": [filters.metric] if filters.metric != vocab.default_metric else [],
        "year": [str(year)] if year is not None else [],
        "lang": [filters.lang] if filters.lang != DEFAULT_LANG else [],
        "tab": [filters.tab] if filters.tab != DEFAULT_TAB else [],
        "sources": [ALL_SOURCES] if filters.all_sources else [],
        "data": [filters.data] if filters.data else [],
    }
    return {key: vals for key, vals in query.items() if vals}


def share_url(base_url: str, filters: Filters, vocab: Vocabulary) -> str:
    """A link that reproduces the view. `base_url` is the app's address (`st.context.url` has no
    query string); any query or fragment it carries is replaced, and no `?` is added for the
    default view."""
    query = urllib.parse.urlencode(to_query(filters, vocab), doseq=True)
    parts = urllib.parse.urlsplit(base_url)
    # Under a sub-path `st.context.url` is `…/jx-zones`, but Streamlit serves the page at
    # `…/jx-zones/`: give the path as the browser shows it, so the link needs no redirect.
    # Likewise a bare host (`http://127.0.0.1:8501`) is `http://127.0.0.1:8501/` in the address bar.
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit(parts._replace(path=path, query=query, fragment=""))


def select_metric(filters: Filters, metric: str, vocab: Vocabulary) -> Filters:
    """Switch metric, keeping the chosen year only if the new metric has figures for it; otherwise
    fall back to "latest available" (each zone's latest figure) rather than show an empty page."""
    keep = filters.year in vocab.years_for(metric)
    return replace(filters, metric=metric, year=filters.year if keep else None)


def after_sidebar(filters: Filters, sidebar: Sidebar, vocab: Vocabulary) -> Filters:
    """The view after a change in the sidebar. A new metric keeps the year only where it has
    figures for it; the year None is "latest available", an int one year (kept as chosen)."""
    if sidebar.metric != filters.metric and sidebar.metric in vocab.metrics:
        filters = select_metric(filters, sidebar.metric, vocab)
    elif sidebar.year is None or sidebar.year in vocab.years_for(filters.metric):
        filters = replace(filters, year=sidebar.year)
    return replace(
        filters,
        lang=sidebar.lang if sidebar.lang in LANGS else filters.lang,
        zones=_in_order(sidebar.zones, vocab.zones),
        industries=_in_order(sidebar.industries, vocab.industries),
    )


def after_map_pick(filters: Filters, picked: object, vocab: Vocabulary) -> Filters:
    """The view after one click on the map, which the map reports as "zone:<id>" or
    "city:<adcode>": a zone toggles, a city adds the zones it hosts; anything else (an unknown id,
    a value of another type) changes nothing."""
    kind, _, value = picked.partition(":") if isinstance(picked, str) else ("", "", "")
    if kind == "zone" and value in vocab.zone_city:
        chosen = set(filters.zones) ^ {value}
    elif kind == "city" and (code := _as_adcode(value)) is not None:
        chosen = set(filters.zones) | {z for z, city in vocab.zone_city.items() if city == code}
    else:
        return filters
    return replace(filters, zones=_in_order(chosen, vocab.zones))


def open_tab(filters: Filters, tab: str) -> Filters:
    """The view with another section open; an unknown id changes nothing."""
    return replace(filters, tab=tab) if tab in TABS else filters


def show_all_sources(filters: Filters, everything: bool) -> Filters:
    """The view with the sources section listing every source (True) or those in view (False)."""
    return replace(filters, all_sources=bool(everything))


def metric_offer(filters: Filters, vocab: Vocabulary) -> str | None:
    """For a view of exactly one zone that has no figure for the chosen metric (a click on Yingtan
    while high-tech enterprises are shown): a metric the zone has, to offer instead of an empty
    headline and chart; one of the same group first, then in registry order. None otherwise."""
    zones = resolve(filters, vocab).zones
    if len(zones) != 1 or zones[0] not in vocab.zone_metrics:
        return None
    has = vocab.zone_metrics[zones[0]]
    if filters.metric in has:
        return None
    group = vocab.metric_group.get(filters.metric)
    candidates = [m for m in vocab.metrics if m in has]
    same_group = [m for m in candidates if group is not None and vocab.metric_group.get(m) == group]
    return (same_group or candidates or [None])[0]


def resolve(filters: Filters, vocab: Vocabulary) -> View:
    """The view the panels draw: no zone means all nine; an industry keeps the zones that have it
    (or one of its segments: 铜产业 brings 再生铜 and 铜精深加工), and figures of its segments."""
    industries = expand_industries(filters.industries, vocab.parents)
    zones = filters.zones or vocab.zones
    if industries:
        zones = tuple(z for z in zones if industries & vocab.zone_industries.get(z, frozenset()))
    year = filters.year if filters.year in vocab.years_for(filters.metric) else None
    return View(zones, industries, filters.metric, year, filters.lang)


def expand_industries(selected: Iterable[str], parents: Mapping[str, str]) -> frozenset[str]:
    """The selected industries with all their segments, at any depth."""
    found = set(selected)
    grew = True
    while grew:
        more = {child for child, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return frozenset(found)


def _in_order(chosen: Iterable[str], known: tuple[str, ...]) -> tuple[str, ...]:
    """The known ids among `chosen`, in registry order (the order of selections and links)."""
    wanted = set(chosen)
    return tuple(k for k in known if k in wanted)


def _as_adcode(value: object) -> int | None:
    """Adcodes come back as int, float or text depending on the data path; junk becomes None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def _pick_ids(key: str, items: list[str], known: tuple[str, ...], notices: list[Notice]) -> tuple[str, ...]:
    """Known ids of a repeated key in registry order; unknown, empty and duplicate ones reported."""
    seen: set[str] = set()
    for item in items:
        if item == "":
            notices.append(_notice("empty_value", key, item))
        elif item not in known:
            notices.append(_notice(f"unknown_{key}", key, item))
        elif item in seen:
            notices.append(_notice(f"duplicate_{key}", key, item))
        else:
            seen.add(item)
    return _in_order(seen, known)


def _pick_one(key: str, items: list[str], valid: Callable[[str], bool], notices: list[Notice]) -> str | None:
    """The first valid value of a one-value key; the invalid ones and every later one reported."""
    chosen = None
    for item in items:
        if item == "":
            notices.append(_notice("empty_value", key, item))
        elif chosen is not None:
            notices.append(_notice("repeated_key", key, item))
        elif valid(item):
            chosen = item
        else:
            notices.append(_notice(_invalid_code(key, item), key, item))
    return chosen


def _invalid_code(key: str, item: str) -> str:
    if key == "year":
        return "year_without_data" if _YEAR.fullmatch(item) else "bad_year"
    return f"unknown_{key}"


def _items(params) -> list[tuple[object, object]]:
    """The (key, value) pairs of whatever came in; anything that is not a mapping has none."""
    try:
        return list(params.items())
    except Exception:  # a hostile or broken object must not take the page down
        return []


def _as_list(raw: object) -> list[object]:
    """One value or many: a string is one value, a list or tuple holds several."""
    if isinstance(raw, (list, tuple)):
        return list(raw)
    return [raw]


def _text(raw: object) -> str:
    """Query values are strings; anything else (None, numbers) is read as its text and so ends up
    reported as unknown rather than raising."""
    if isinstance(raw, str):
        return raw
    try:
        return str(raw)
    except Exception:  # an object whose __str__ raises
        return "?"


def _is_foreign(key: str) -> bool:
    return key in _FOREIGN_KEYS or key.startswith(_FOREIGN_PREFIX)


def _notice(code: str, key: str, value: str) -> Notice:
    return Notice(code, _for_display(key), _for_display(value))


def _for_display(text: str) -> str:
    """Short and printable: control and bidi characters could reshape the line they are shown in."""
    head = text[:_NOTICE_CHARS]
    shown = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in head)
    return shown + "…" if len(text) > _NOTICE_CHARS else shown
