"""Shared links reproduce the view, in either language; bad links say what they ignored."""

import re
from urllib.parse import parse_qs, quote, urlsplit

from playwright.sync_api import expect

from tools.browser import rerun, run_count


def query(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def share_link(page, ending: str = "") -> str:
    """The link the share control shows beside the view, once it ends with `ending`."""
    link = page.locator(".jx-share a.link")
    expect(link).to_have_text(re.compile(re.escape(ending) + "$"))
    return link.inner_text().strip()


def charts(page):
    """The Vega charts (built in the browser)."""
    return page.get_by_test_id("stVegaLiteChart")


def svg_charts(page):
    """The charts drawn on the server as SVG (the output charts, the ranks)."""
    return page.locator("svg.jx-chart")


def test_home_page_shows_the_map_two_output_charts_the_first_tab_and_all_nine_zones(open_app):
    page = open_app("/", locale="zh")
    # the map and the two output charts, all SVG drawn on the server: a first visit builds no
    # Vega view (bench/README.md, round 4); the first tab is text
    expect(page.locator("svg.jx-map")).to_have_count(1)
    expect(svg_charts(page)).to_have_count(2)
    expect(charts(page)).to_have_count(0)
    for chart in [page.locator("svg.jx-map"), *svg_charts(page).all()]:
        expect(chart).to_be_visible()
    expect(page.get_by_role("tab", selected=True)).to_have_text("高新区一览")
    overview = page.get_by_role("tabpanel").get_by_role("table")
    expect(overview.get_by_role("row")).to_have_count(10)  # a header and the nine zones
    expect(overview).to_contain_text("鹰潭高新区")
    the_map = page.locator(".jx-map")  # each zone point is labelled "<zone>: <value>"
    labels = the_map.locator("path[aria-label]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    zones = {label.split(":")[0] for label in labels if label.split(":")[0].endswith("高新区")}
    assert len(zones) == 9
    # no empty first view (issue 13.15): each zone's latest figure, ≥ 4 zones, each bar with its year
    expect(page.get_by_test_id("stMetric").first).to_contain_text("560 家")
    expect(page.get_by_test_id("stMetric").nth(1)).to_contain_text("4 / 9")
    bars = page.locator('svg.jx-chart[data-name="by_zone"] path[aria-label]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    drawn = {label.split(",")[0] for label in bars if label.split(",")[0].endswith("高新区")}
    assert len(drawn) >= 4, bars
    assert all(re.search(r"\b20(19|2[0-9])\b", label) for label in bars if label.split(",")[0] in drawn)


def test_one_zone_in_english_keeps_both_parameters(open_app):
    page = open_app("/?zone=yingtan&lang=en", locale="zh")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jiangxi National High-tech Zones")
    expect(page.get_by_test_id("stMetric").nth(1)).to_contain_text("0 / 1")  # no high-tech enterprise count
    expect(page.get_by_role("heading", name="Yingtan HTZ: profile")).to_be_visible()
    expect(page.get_by_text("Yingtan HTZ: every figure (the latest of each)")).to_be_visible()  # so not empty
    assert query(page) == {"zone": ["yingtan"], "lang": ["en"]}


def test_industry_link_leaves_yingtan(open_app):
    page = open_app("/?industry=copper", locale="zh")
    expect(page.get_by_test_id("stMetric").nth(1)).to_contain_text("0 / 1")
    expect(page.get_by_role("heading", name="鹰潭高新区概况")).to_be_visible()
    assert query(page) == {"industry": ["copper"]}


def test_a_junk_parameter_shows_a_notice_and_the_rest_applies(open_app):
    page = open_app("/?zone=ganzhou&zone=atlantis&colour=blue", locale="zh")
    alerts = page.get_by_test_id("stAlert")
    expect(alerts.filter(has_text="atlantis")).to_have_count(1)
    expect(alerts.filter(has_text="colour")).to_have_count(1)
    expect(page.get_by_role("heading", name="赣州高新区概况")).to_be_visible()
    assert query(page) == {"zone": ["ganzhou"]}  # the link is cleaned to what applied


def test_a_chinese_link_opened_in_an_english_browser_shows_the_same_selection(open_app):
    chinese = open_app("/", locale="zh")
    chinese.get_by_test_id("stMultiSelect").first.click()
    chinese.get_by_role("option", name="吉安高新区").click()
    chinese.wait_for_url("**?zone=jian")
    link = share_link(chinese, "?zone=jian")  # the share control shows the full URL of the view
    english = open_app("/?" + urlsplit(link).query, locale="en")
    expect(english.get_by_role("heading", level=1)).to_have_text("Jiangxi National High-tech Zones")
    expect(english.get_by_test_id("stMultiSelect").first).to_contain_text("Ji'an HTZ")
    expect(english.get_by_role("heading", name="Ji'an HTZ: profile")).to_be_visible()


def test_switching_language_keeps_the_selection_and_writes_lang(open_app):
    page = open_app("/?zone=nanchang", locale="zh")
    page.get_by_test_id("stButtonGroup").get_by_text("English").click()
    page.wait_for_url("**lang=en**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jiangxi National High-tech Zones")
    assert query(page) == {"zone": ["nanchang"], "lang": ["en"]}


def test_hostile_links_run_no_script_and_raise_nothing(open_app, new_page):
    page = new_page(locale="zh")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = [
        "zone=" + quote("<script>alert(1)</script>"),
        "metric=" + "x" * 10_000,
        "zone=" + quote('"><img src=x onerror=alert(2)>') + "&lang=en&lang=zh",
        "year=" + quote("２０２４") + "&industry=" + quote("[link](javascript:alert(3))"),
    ]
    for q in hostile:
        open_app("/?" + q, page=page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.locator("img[src=x]")).to_have_count(0)
        expect(page.locator('a[href^="javascript"]')).to_have_count(0)
        expect(page.get_by_test_id("stAlert").first).to_be_visible()
    assert dialogs == []


def test_a_tab_link_opens_that_tab_in_a_fresh_browser(open_app, new_page):
    page = open_app("/?zone=yingtan", locale="zh")
    page.get_by_role("tab", name="全国排名与背景").click()
    page.wait_for_url("**tab=ranking**")
    assert query(page) == {"zone": ["yingtan"], "tab": ["ranking"]}
    # national rank (SVG) and national context (Vega): Yingtan has no high-tech enterprise count
    # (the default metric) and no provincial rank, so those panels say so instead of drawing
    expect(svg_charts(page)).to_have_count(1)
    expect(charts(page)).to_have_count(1)
    link = share_link(page, "tab=ranking")
    fresh = open_app("/?" + urlsplit(link).query, page=new_page(locale="zh"))
    expect(fresh.get_by_role("tab", selected=True)).to_have_text("全国排名与背景")
    expect(svg_charts(fresh)).to_have_count(1)
    expect(charts(fresh)).to_have_count(1)


def test_a_tap_before_the_metric_box_has_drawn_keeps_the_links_metric(new_page, app_server):
    """On a first visit each widget's code arrives as a file of its own (the select boxes' one of
    them, loaded when first needed). A tap that reruns the page before the metric box has drawn
    must not turn the link's metric into the box's default, the first in the list: the page drew
    that box from the second run's element, and reported its default with the next run (CI saw it
    as an upload that showed GDP)."""
    page = new_page(locale="zh")
    held = []
    page.route(re.compile(r"/Selectbox\.[^/]*\.js$"), lambda route: held.append(route))
    page.goto(app_server.url + "/?zone=yingtan&metric=industrial_revenue")
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=30_000)
    expect(page.get_by_test_id("stMetric").first).to_contain_text("工业营业收入")
    assert held, "the select boxes' code is no longer a file of its own: hold the file that has it"
    expect(page.get_by_test_id("stSelectbox")).to_have_count(0)

    upload = page.get_by_test_id("stExpander").filter(has_text="使用自己的数据").locator("summary")
    before = run_count(page)
    upload.click()  # a run that sends the widgets the page holds: not the metric box
    page.wait_for_function(f"() => window.__e2e.finished > {before}")  # (idle waits for the box too)
    expect(app).to_have_attribute("data-test-script-state", "notRunning")
    for route in held:
        route.continue_()
    metric = page.get_by_test_id("stSidebar").get_by_role("combobox", name="指标")
    expect(metric).to_have_value("工业营业收入")
    rerun(page, upload.click)  # the next run reports what the box holds
    assert query(page)["metric"] == ["industrial_revenue"]
    expect(page.get_by_test_id("stMetric").first).to_contain_text("工业营业收入")
