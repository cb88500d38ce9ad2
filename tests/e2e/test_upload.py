"""Bring your own data in the browser: a bad file is listed and changes nothing, a good GB18030
file overlays the figures for this session, reset brings the bundled figures back."""

import re

from playwright.sync_api import expect

HEADER = "zone_id,year,metric,industry,value,unit,qualifier,source_title,source_url,source_date,note"


def upload(page, name: str, content: bytes) -> None:
    expander = page.get_by_test_id("stExpander").filter(has_text="使用自己的数据")
    if not expander.locator('[data-testid="stFileUploaderDropzoneInput"]').is_visible():
        expander.locator("summary").click()
    expander.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )


def headline(page):
    return page.get_by_test_id("stMetric").first


# Yingtan's industrial revenue: one figure, so the headline shows its value (1,258 亿元, 2024)
YINGTAN = "/?zone=yingtan&metric=industrial_revenue"


def test_a_bad_file_shows_its_problems_and_the_charts_stay(open_app):
    page = open_app(YINGTAN, locale="zh")
    expect(headline(page)).to_contain_text("1,258 亿元")
    bad = "\n".join(
        [HEADER, "yingtan,2024,industrial_revenue,,lots,亿元,exact,my table,,,", "wuhan,2024,gdp,,1,亿元,exact,my table,,,"]
    ).encode("utf-8")
    upload(page, "bad.csv", bad)
    error = page.get_by_test_id("stAlert").filter(has_text="bad.csv")
    expect(error).to_be_visible()
    problems = page.get_by_test_id("stDataFrame").first
    expect(problems).to_contain_text("value")
    expect(problems).to_contain_text("zone_id")
    expect(headline(page)).to_contain_text("1,258 亿元")  # nothing was loaded


def test_a_gb18030_file_overlays_the_figures_and_reset_restores_them(open_app):
    page = open_app(YINGTAN, locale="zh")
    good = "\n".join([HEADER, "yingtan,2024,industrial_revenue,,1300,亿元,exact,鹰潭高新区管委会 内部统计,,2025-02,测试数据"])
    upload(page, "鹰潭统计.csv", good.encode("gb18030"))
    banner = page.get_by_test_id("stAlert").filter(has_text="鹰潭统计.csv")
    expect(banner).to_contain_text("鹰潭统计.csv：已载入 1 条数据")
    expect(headline(page)).to_contain_text("1,300 亿元")
    page.get_by_role("tab", name="数据表").click()
    table = page.get_by_test_id("stDataFrame").filter(has_text="来源")  # cells are drawn on a canvas
    expect(table.first).to_be_visible()
    page.get_by_role("button", name="恢复内置数据").click()
    expect(headline(page)).to_contain_text("1,258 亿元")
    expect(page.get_by_test_id("stAlert").filter(has_text="鹰潭统计.csv")).to_have_count(0)


def test_the_chinese_page_speaks_chinese_in_the_uploader_and_its_problems(open_app):
    """Issue 20.6: Streamlit's uploader has no locale: our words replace its English ones (CSS),
    and a broken workbook's problem reads in Chinese, with no blank row number."""
    page = open_app("/", locale="zh", viewport="phone")
    page.get_by_test_id("stExpandSidebarButton").click()
    expander = page.get_by_test_id("stExpander").filter(has_text="使用自己的数据")
    expander.locator("summary").click()
    uploader = page.get_by_test_id("stFileUploader")
    expect(page.get_by_test_id("stMainMenu")).to_be_visible()  # the reader's toolbar, without Streamlit's
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)  # English developer button
    # What a screen reader hears is Chinese too (the names, not only what CSS paints): Streamlit's
    # "Upload", "file upload" and "20MB per file" are replaced in the page, not hidden.
    expect(uploader.get_by_role("button", name="选择文件", exact=True)).to_be_visible()
    expect(uploader.get_by_role("button", name="选择 CSV 或 Excel 文件", exact=True)).to_have_count(1)  # the file input
    expect(uploader.get_by_test_id("stFileUploaderDropzoneInstructions")).to_have_text("每个文件 ≤ 20 MB · CSV、XLSX")
    limit = uploader.get_by_test_id("stFileUploaderDropzoneInstructions").locator("span")
    assert limit.evaluate("e => e.scrollWidth <= e.clientWidth"), "the limit line is cut (Streamlit's ellipsis)"
    heard = " ".join(a + b for a, b in re.findall(r'"([^"]*)"|: (.+)$', uploader.aria_snapshot(), re.M))  # names and texts
    assert heard and not re.search(r"[A-Za-z]{3,}", re.sub(r"CSV|XLSX|Excel", "", heard)), heard
    expander.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "broken.xlsx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not really a workbook"}]
    )
    expect(uploader.get_by_role("button", name="移除 broken.xlsx", exact=True)).to_be_visible()
    expect(uploader.get_by_role("button", name="添加文件", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stAlert").filter(has_text="broken.xlsx")).to_be_visible()
    problems = page.get_by_test_id("stDataFrame").first
    expect(problems).to_contain_text("整个文件")
    expect(problems).to_contain_text("不是可读取的 .xlsx 工作簿")
