"""On a phone (390 × 844, touch): a tap on the map or a server-drawn chart shows the value in a card
and changes no filter; the card's button filters."""

import re

import pytest
from playwright.sync_api import expect

from tools.browser import run_count, wait_idle

MAP = ".jx-map"
CARD = ".jx-card:not([hidden])"
WORDS = {
    "zh": {"city": "南昌市", "gdp": r"生产总值: 7,324\.46 亿元", "zone": "南昌高新区", "value": "高新技术企业: 560 家", "only": "只看此高新区"},
    "en": {"city": "Nanchang", "gdp": r"GDP: 73[0-9.,]+ (billion|100 million)", "zone": "Nanchang HTZ", "value": "High-tech enterprises: 560", "only": "Show only this zone"},
}  # fmt: skip


def free_spot(mark) -> dict:
    """A point of the mark's box (relative to it) where the mark itself is on top: no zone dot or
    hit circle over it (the mark must be in the viewport)."""
    return mark.evaluate(
        """el => { const box = el.getBoundingClientRect(), root = el.getRootNode();
          for (let fy = 0.1; fy < 1; fy += 0.1) for (let fx = 0.1; fx < 1; fx += 0.1) {
            const x = box.left + fx * box.width, y = box.top + fy * box.height;
            if (root.elementFromPoint(x, y) === el) return {x: fx * box.width, y: fy * box.height};
          } return null; }"""
    )


@pytest.mark.parametrize(("lang", "color_scheme"), [("zh", "light"), ("en", "dark")])
def test_a_tap_shows_a_city_or_zone_value_and_changes_no_filter(open_app, lang, color_scheme):
    words = WORDS[lang]
    page = open_app("/?lang=en" if lang == "en" else "/", locale=lang, color_scheme=color_scheme, viewport="phone")
    runs = run_count(page)
    city = page.locator(f"{MAP} path.city[aria-label^='{words['city']}:']")
    city.scroll_into_view_if_needed()
    spot = free_spot(city)  # Nanchang city's middle is under its zones' dots
    assert spot, "no spot of the city is free of zone dots"
    city.tap(position=spot)
    expect(page.locator(CARD).locator("strong")).to_have_text(words["city"])
    expect(page.locator(CARD)).to_contain_text(re.compile(words["gdp"]))
    page.locator(CARD).locator("button.shut").tap()  # the card's close button
    expect(page.locator(CARD)).to_have_count(0)
    zone = page.locator(f"{MAP} path.zone[aria-label^='{words['zone']}:']")
    zone.tap()
    card = page.locator(CARD)
    expect(card).to_have_count(1)
    expect(card.locator("strong")).to_have_text(words["zone"])
    expect(card).to_contain_text(words["value"])
    page.wait_for_timeout(500)
    assert run_count(page) == runs  # no rerun: the filter is what it was
    assert "zone=" not in page.url
    card.get_by_role("button", name=words["only"]).tap()
    page.wait_for_url(re.compile(r"zone=nanchang"))
    wait_idle(page)


def test_a_tap_on_a_bar_shows_its_value_grade_and_year(open_app):
    page = open_app("/", locale="zh", viewport="phone")
    bar = page.locator(".jx-chart[data-name='by_zone'] path[aria-roledescription='bar']").first
    bar.tap()
    card = page.locator(CARD)
    expect(card.locator("strong")).to_have_text("南昌高新区")
    expect(card).to_contain_text("560 家")
    expect(card).to_contain_text("2020")
    expect(card).to_contain_text("新闻媒体")  # the source's trust grade
    expect(card.locator("button.act")).to_have_count(0)  # a chart's bar filters nothing
