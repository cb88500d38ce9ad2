"""The map as people use it: click a zone point, read its card, filter with the card's button (the
URL and every chart follow); reload the link; Enter on a focused zone filters at once."""

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tools.browser import run_count, wait_idle

MAP = ".jx-map"  # the map component's box (in its shadow root; Playwright's CSS pierces it)


def query(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def click_until(page, target, url_pattern: str) -> None:
    """Click a mark, then the filter button of the value card it opens, and wait for the URL the
    rerun writes (a cached rerun can be too quick for a run counter to see), then for the page to
    be idle again."""
    target.click()
    card(page).locator("button.act").click()
    page.wait_for_url(re.compile(url_pattern))
    wait_idle(page)


def card(page):
    """The value card that is open (one at most on the page)."""
    return page.locator(".jx-card:not([hidden])")


def zone_point(page, label: str):
    """The zone's point on the map (its aria-label starts with the zone's name and a colon)."""
    return page.locator(f'{MAP} path[aria-label^="{label}:"]').first


def test_clicking_a_zone_point_filters_the_page_and_the_url(open_app):
    page = open_app("/", locale="zh")
    click_until(page, zone_point(page, "赣州高新区"), r"\?zone=ganzhou$")
    assert query(page) == {"zone": ["ganzhou"]}
    # every panel follows: the headline counts one zone, the table holds only Ganzhou's figures
    expect(page.get_by_test_id("stMetric").filter(has_text="数据覆盖")).to_contain_text("0 / 1")
    expect(page.get_by_role("heading", name="赣州高新区概况")).to_be_visible()
    cells = page.get_by_test_id("stMultiSelect").first
    expect(cells).to_contain_text("赣州高新区")


def test_clicking_the_same_zone_again_removes_it(open_app):
    page = open_app("/?zone=ganzhou&zone=yingtan", locale="zh")
    click_until(page, zone_point(page, "赣州高新区"), r"\?zone=yingtan$")
    assert query(page) == {"zone": ["yingtan"]}


def test_a_shared_map_link_opens_with_the_same_selection_in_a_fresh_browser(open_app):
    first = open_app("/", locale="zh")
    click_until(first, zone_point(first, "赣州高新区"), r"\?zone=ganzhou$")
    shared = urlsplit(first.url)
    second = open_app(f"/?{shared.query}", locale="zh")  # a new browser context: nothing carried over
    assert query(second) == {"zone": ["ganzhou"]}
    expect(second.get_by_test_id("stMultiSelect").first).to_contain_text("赣州高新区")
    expect(second.get_by_role("heading", name="赣州高新区概况")).to_be_visible()


def test_the_map_shows_eleven_cities_and_nine_zones(open_app):
    page = open_app("/", locale="zh")
    expect(page.locator(f"{MAP} path[aria-label*='市:']")).to_have_count(11)  # the outlines arrive on their own
    zones = page.locator(f"{MAP} path[aria-label$=': 无数据'], {MAP} path[aria-label*=' 家 ']")
    names = {label.split(":")[0] for label in zones.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")}
    nine = {
        "南昌高新区",
        "新余高新区",
        "景德镇高新区",
        "鹰潭高新区",
        "抚州高新区",
        "吉安高新区",
        "赣州高新区",
        "九江共青城高新区",
        "宜春丰城高新区",
    }
    assert nine <= names
    cities = page.locator(f"{MAP} path[aria-label*='市']").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len({c.split(":")[0] for c in cities if c.split(":")[0].endswith("市")}) == 11


def test_clicks_in_a_row_add_and_remove_zones_on_the_same_drawn_map(open_app):
    page = open_app("/", locale="zh")
    click_until(page, zone_point(page, "赣州高新区"), r"\?zone=ganzhou$")
    click_until(page, zone_point(page, "鹰潭高新区"), r"\?zone=yingtan&zone=ganzhou$")
    click_until(page, zone_point(page, "赣州高新区"), r"\?zone=yingtan$")
    assert query(page) == {"zone": ["yingtan"]}
    expect(page.get_by_role("heading", name="鹰潭高新区概况")).to_be_visible()


def test_a_zone_is_picked_with_the_keyboard_and_keeps_the_focus(open_app):
    page = open_app("/", locale="zh")
    zone_point(page, "鹰潭高新区").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?zone=yingtan$"))
    wait_idle(page)
    expect(zone_point(page, "鹰潭高新区")).to_have_attribute("aria-pressed", "true")
    expect(zone_point(page, "鹰潭高新区")).to_be_focused()  # the redrawn map gives the focus back
    page.keyboard.press(" ")
    page.wait_for_url(re.compile(r"/(\?)?$"))
    wait_idle(page)
    expect(zone_point(page, "鹰潭高新区")).to_have_attribute("aria-pressed", "false")


def test_a_click_shows_the_value_card_and_changes_no_filter(open_app):
    page = open_app("/?lang=en", locale="en")
    runs = run_count(page)
    zone_point(page, "Nanchang HTZ").click()
    expect(card(page)).to_contain_text("Nanchang HTZ")
    expect(card(page)).to_contain_text("High-tech enterprises: 560")
    expect(card(page).locator("button.act")).to_have_text("Show only this zone")
    page.keyboard.press("Escape")
    expect(card(page)).to_have_count(0)
    page.locator(f"{MAP} path[aria-label^='Ganzhou:']").first.click()  # a city (Ganzhou city, not its zone)
    expect(card(page)).to_contain_text("GDP: ")
    page.wait_for_timeout(500)
    assert run_count(page) == runs  # the cards are the browser's alone: no rerun, no filter changed
    assert query(page) == {"lang": ["en"]}
