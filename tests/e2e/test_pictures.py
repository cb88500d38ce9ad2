"""Save picture: the map and one chart in each tab, as SVG and PNG, in zh and en. The SVG carries
the title, the sources line and the view's link; the PNG is 2× the picture, not blank, and its QR
code reads back to the view's link. One page per language, reused for every picture."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageStat
from playwright.sync_api import expect

from tools.browser import rerun

WORDS = {
    "zh": {"save": "保存图片（SVG/PNG）", "png": "保存图片 PNG", "svg": "保存图片 SVG", "qr_svg": "SVG 附链接二维码", "sources": "来源"},
    "en": {"save": "Save picture (SVG/PNG)", "png": "Save picture PNG", "svg": "Save picture SVG", "qr_svg": "QR code of the link in the SVG", "sources": "Source"},
}  # fmt: skip
# (tab, title of the chart whose picture is saved); None: the map, above the tabs
PICTURES = {
    "zh": [(None, "高新区分布"), ("企业", "企业数量"), ("产业", "高新区与主导产业"), ("全国排名与背景", "全国排名历年变化"),
           ("数据覆盖", "数据覆盖情况")],
    "en": [(None, "Where the zones are"), ("Enterprises", "Enterprises"), ("Industries", "Zones and their lead industries"),
           ("National rank and context", "National rank over the years"), ("Data coverage", "Data coverage")],
}  # fmt: skip
SVG_NS = "{http://www.w3.org/2000/svg}"


def share_link(page) -> str:
    """The link the share control shows beside the view."""
    return page.locator(".jx-share a.link").inner_text().strip()


def press(page, target, by: str) -> None:
    """Use a control as a person does: a tap on a phone, or the keyboard (focus, then Enter)."""
    if by == "touch":
        target.tap()
    else:
        target.focus()
        page.keyboard.press("Enter")


def download(page, label: str, by: str) -> bytes:
    with page.expect_download() as caught:
        press(page, page.get_by_role("button", name=label, exact=True), by)
    return open(caught.value.path(), "rb").read()


def check_svg(svg: bytes, title: str, link: str, words: dict) -> tuple[int, int]:
    root = ET.fromstring(svg)  # parses
    text = " ".join("".join(node.itertext()) for node in root.iter(f"{SVG_NS}text"))
    assert title in text
    assert re.search(words["sources"], text), text[-400:]
    assert link in "".join(text.split("\n")).replace(" ", "") or link in svg.decode(), "the view's link is not in the SVG"
    assert root.find(f".//{SVG_NS}a").get("href") == link
    return int(root.get("width")), int(root.get("height"))


def check_png(png: bytes, size: tuple[int, int], link: str) -> None:
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes
    assert image.size == (2 * size[0], 2 * size[1])  # 2× the picture
    assert ImageStat.Stat(image.convert("L")).var[0] > 500  # not blank
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [link]


@pytest.mark.parametrize(("lang", "by"), [("zh", "keyboard"), ("en", "touch")])
def test_pictures_of_the_map_and_a_chart_in_each_tab_carry_title_sources_and_link(open_app, lang, by):
    """zh at 1280 px by keyboard, en on a 390 px touch phone: the controls work both ways."""
    words = WORDS[lang]
    page = open_app(f"/?lang={lang}", locale=lang, viewport="desktop" if by == "keyboard" else "phone")
    for tab, title in PICTURES[lang]:
        if tab:
            rerun(page, lambda tab=tab: page.get_by_role("tab", name=tab, exact=True).click())
        link = share_link(page)
        assert link.startswith("http") and (not tab or "tab=" in link)
        # the map's menu is the first; in a tab, the first after the map's and the two output charts'
        menu = page.get_by_role("button", name=words["save"], exact=True).nth(0 if tab is None else 3)
        rerun(page, lambda menu=menu: press(page, menu, by))
        if by == "touch":  # the box's label is what a finger meets
            rerun(page, lambda: page.get_by_text(words["qr_svg"], exact=True).tap())
        else:
            page.get_by_role("checkbox", name=words["qr_svg"], exact=True).focus()
            rerun(page, lambda: page.keyboard.press("Space"))
        size = check_svg(download(page, words["svg"], by), title, link, words)  # both with the QR: the same layout
        check_png(download(page, words["png"], by), size, link)
        rerun(page, lambda: page.keyboard.press("Escape"))  # closes the popover
        expect(page.get_by_role("button", name=words["png"], exact=True)).to_have_count(0)
