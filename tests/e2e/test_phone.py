"""On a phone (390 × 844, touch): a tap on the map or a server-drawn chart shows the value in a card
and changes no filter; the card's button filters; every tab fits the screen, its text whole."""

import re

import pytest
from playwright.sync_api import expect

from tools.browser import rerun, run_count, wait_idle

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


def test_a_tap_on_a_vega_chart_shows_its_tooltip_and_a_tap_beside_hides_it(open_app):
    """The tabs' charts are Vega views, whose tooltips follow a pointer moving: a tap moves none."""
    page = open_app("/?tab=industries", locale="zh", viewport="phone")
    chart = page.get_by_test_id("stVegaLiteChart").first  # which zone has which industry
    cell = chart.locator("[role='graphics-symbol']").first
    cell.scroll_into_view_if_needed()
    cell.tap()
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("南昌高新区")
    expect(tooltip).to_contain_text("电子信息")
    box = chart.bounding_box()
    page.touchscreen.tap(box["x"] + 4, box["y"] + box["height"] - 4)  # the chart's corner: no mark
    expect(tooltip).to_be_hidden()


# What does not fit a 390 px screen, as the page draws it: an element reaching past the screen's
# edges (unless a box that scrolls or clips it holds it: the tab bar scrolls), an element whose own
# text is cut (overflow hidden, text wider than the box: Streamlit's ellipsis), a chart's text
# outside its SVG (Vega's and the server-drawn ones, in the components' shadow roots; 2 px of
# rounding allowed sideways, 8 px up and down where a title's ascent may reach), a tab whose ends or
# middle another element covers (a table's or a chart's toolbar sat on the tab bar).
MISFITS = """
() => {
  const w = document.documentElement.clientWidth, out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  const name = (e) => (e.getAttribute('data-testid') || e.tagName.toLowerCase()) + ': ' + (e.textContent || '').trim().slice(0, 40);
  const clipped = (e) => { for (let a = e.parentElement; a && a !== main; a = a.parentElement) {
      const s = getComputedStyle(a); if (/(auto|scroll|hidden|clip)/.test(s.overflowX)) return a; } return null; };
  const all = [main, ...main.querySelectorAll('*')];
  for (const host of main.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) if (host.shadowRoot) all.push(...host.shadowRoot.querySelectorAll('*'));
  for (const e of all) {
    if (!e.getClientRects().length) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > w + 1 || r.left < -1) && !clipped(e) && !(e instanceof SVGElement && e.closest('svg') !== e)) out.push('wider than the page: ' + name(e) + ` ${Math.round(r.left)}..${Math.round(r.right)}`);
    const s = getComputedStyle(e);
    if (!(e instanceof SVGElement) && /(hidden|clip)/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1 && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
      out.push('text cut: ' + name(e) + ` ${e.scrollWidth}>${e.clientWidth}`);
    if (e instanceof SVGTextElement) {
      const svg = e.ownerSVGElement; while (svg.ownerSVGElement) break;
      const b = svg.getBoundingClientRect();
      if (e.textContent.trim() && (r.left < b.left - 2 || r.right > b.right + 2 || r.top < b.top - 8 || r.bottom > b.bottom + 8))
        out.push('chart text cut: ' + JSON.stringify(e.textContent.trim().slice(0, 40)) + ` ${Math.round(r.left)}..${Math.round(r.right)} in ${Math.round(b.left)}..${Math.round(b.right)}`);
    }
  }
  for (const tab of document.querySelectorAll('[data-testid="stMain"] [role="tab"]')) {
    const r = tab.getBoundingClientRect(), y = r.top + r.height / 2;
    const list = tab.closest('[role="tablist"]').getBoundingClientRect();  // the part of the scrolling bar in view
    for (const x of [r.left + 4, r.left + r.width / 2, r.right - 4].filter(x => x > list.left && x < list.right)) {
      const top = document.elementFromPoint(x, y);  // the tab bar's own scroll buttons are part of it
      if (top && !tab.contains(top) && !top.closest('[data-testid="stTabs"]')) out.push('tab covered: ' + tab.textContent + ' by ' + name(top));
    }
  }
  return out;
}
"""
TABS = {
    "zh": ["高新区一览", "企业", "产业", "全国排名与背景", "数据覆盖", "数据表", "数据来源"],
    "en": ["The zones", "Enterprises", "Industries", "National rank and context", "Data coverage", "Data table", "Sources"],
}


@pytest.mark.parametrize(("lang", "color_scheme"), [("zh", "light"), ("en", "dark")])
def test_every_tab_fits_a_phone_screen_with_its_text_whole(open_app, lang, color_scheme):
    page = open_app("/?lang=en" if lang == "en" else "/", locale=lang, color_scheme=color_scheme, viewport="phone")
    found = {}
    for i, label in enumerate(TABS[lang]):
        if i:  # a tap lands on the tab (no table toolbar over the tab bar)
            rerun(page, page.get_by_role("tab", name=label).tap)
        expect(page.get_by_role("tab", selected=True)).to_have_text(label)
        page.get_by_role("tablist").first.scroll_into_view_if_needed()
        misfits = page.evaluate(MISFITS)
        if misfits:
            found[label] = misfits
    assert not found, found


# Words (and figures) a table cell broke across lines: a run of letters or digits whose glyphs sit on
# more than one line.
BROKEN_WORDS = """
(table, cells) => {
  const out = [];
  for (const cell of table.querySelectorAll(cells)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode())
      for (const m of n.textContent.matchAll(/[A-Za-z0-9.,%]{2,}/g)) {
        const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1) out.push(m[0]);
      }
  }
  return out;
}
"""


@pytest.mark.parametrize(("lang", "color_scheme"), [("en", "light"), ("zh", "dark")])
def test_a_zones_every_figure_table_keeps_words_and_figures_whole_on_a_phone(open_app, lang, color_scheme):
    """A one-zone view's "every figure" table has five columns: on a phone, its value and year
    columns had been squeezed to a letter or two a line ("12 5. 8 bill io n", "2 0 2 4")."""
    page = open_app(f"/?lang={lang}&zone=yingtan", locale=lang, color_scheme=color_scheme, viewport="phone")
    figures = page.locator('[data-testid="stMarkdownContainer"] table').nth(1)  # the profile's fields, then its figures
    expect(figures).to_be_visible()
    assert figures.locator("th").count() == 5
    assert figures.evaluate(BROKEN_WORDS, ":is(th,td)") == []
    # the zones table below: two lines a zone, its names, dates, years and headings whole (the
    # English headings had broken mid-word: "Approve d", "Figu res")
    zones = page.locator('[data-testid="stMarkdownContainer"] table').filter(has=page.locator("th:nth-child(6)"))
    assert zones.count() == 1 and zones.evaluate(BROKEN_WORDS, ":is(th,td)") == []
    assert page.evaluate(MISFITS) == []
