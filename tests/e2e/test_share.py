"""The share control beside the view: copy the link on a phone, open it elsewhere, same view."""

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tools.browser import rerun, wait_idle

# A stand-in for the phone's share sheet (headless Chromium on Linux has no navigator.share): it
# records what the page asked to share.
FAKE_SHARE_SHEET = "navigator.share = async (data) => { window.__shared = data; };"


def share(page):
    """The share control (its parts live in the component's shadow root; CSS locators pierce it)."""
    return page.locator(".jx-share")


def test_copy_the_link_on_a_phone_and_open_it_in_a_fresh_browser_same_view_all_sources(open_app, new_page):
    phone = new_page(locale="zh", viewport="phone")
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    phone.context.add_init_script(FAKE_SHARE_SHEET)
    open_app("/?zone=yingtan&tab=sources", page=phone)
    # on the first screen, without opening the sidebar
    control = share(phone)
    expect(control).to_be_in_viewport()
    expect(phone.get_by_test_id("stSidebar")).not_to_be_in_viewport()
    rerun(phone, lambda: phone.get_by_text("显示全部来源").tap())
    phone.wait_for_url("**sources=all**")

    # the link shown whole, the copy button within reach
    control.scroll_into_view_if_needed()
    expect(control.locator("a.link")).to_have_text(re.compile(r"\?zone=yingtan&tab=sources&sources=all$"))
    copy = control.get_by_role("button", name="复制链接")
    assert copy.bounding_box()["height"] >= 24  # WCAG 2.2 target size
    copy.tap()
    expect(control.get_by_role("status")).to_have_text("已复制链接")
    link = phone.evaluate("navigator.clipboard.readText()")
    assert link == control.locator("a.link").inner_text() == control.locator("a.link").get_attribute("href")
    assert parse_qs(urlsplit(link).query) == {"zone": ["yingtan"], "tab": ["sources"], "sources": ["all"]}

    # the phone's share sheet gets the same link
    control.get_by_role("button", name="分享").tap()
    assert phone.evaluate("window.__shared.url") == link

    # a colleague's fresh browser (no share sheet there: no share button), dark, on a laptop
    other = new_page(locale="zh", color_scheme="dark")
    other.goto(link)
    wait_idle(other)
    expect(other.get_by_role("tab", selected=True)).to_have_text("数据来源")
    expect(other.get_by_role("switch", name="显示全部来源")).to_be_checked()
    expect(other.get_by_text(re.compile(r"^全部 \d+ 个来源。$"))).to_be_visible()
    expect(share(other).get_by_role("button", name="分享")).to_be_hidden()
    expect(share(other).locator("a.link")).to_have_text(link)


def test_the_english_control_speaks_english_and_follows_the_view(open_app):
    page = open_app("/?lang=en", locale="en")
    control = share(page)
    expect(control.get_by_role("button", name="Copy link")).to_be_visible()
    page.get_by_test_id("stMultiSelect").first.click()
    rerun(page, lambda: page.get_by_role("option", name="Ji'an HTZ").click())
    expect(control.locator("a.link")).to_have_text(re.compile(r"/\?zone=jian&lang=en$"))
