"""Publishing an upload, as hosted (scripts/hosted.py: nginx in front of several replicas): the
template filled with figures is uploaded and published on one replica; its link, opened in a fresh
browser whose route cookie lands on another replica, shows the same figures and the same banner;
after every replica restarts the link still does. Once on SQLite (3 replicas sharing one file),
once on PostgreSQL (2 replicas sharing one database, a throwaway server: tools/postgres.py)."""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from test_hosted import WAIT, open_hosted, share_box, upload_box  # the hosted helpers (same folder)

from dashboard import data, export
from tools.browser import RESULTS_DIR, wait_idle

hosting = pytest.importorskip("hosted")  # scripts/hosted.py, put on sys.path by test_hosted
BASE = "jx-zones"
VIEW = "?zone=xinyu&metric=industrial_revenue"  # Xinyu has no figure of its own in the bundled data
# The template as the page offers it (its header; its two example rows replaced by figures).
TEMPLATE_HEADER = export.template_csv(data.load_dataset()).decode("utf-8-sig").splitlines()[0]
FIGURES = [
    "xinyu,2024,industrial_revenue,,1234.5,亿元,exact,新余高新区管委会 统计月报,https://example.org/xinyu,2025-01,测试：用户提供",
    "ganzhou,2024,high_tech_enterprises,,987,家,about,赣州高新区 年报,,2025-02,",
]


def stack(replicas: int, db: str):
    try:
        hosting.find_nginx()
    except RuntimeError as exc:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    env = {"JX_PUBLISH": "on", "JX_PUBLISH_DB": db}
    return hosting.Hosted(replicas=replicas, base_path=BASE, log_dir=RESULTS_DIR, env=env)


def headline(page):
    return page.get_by_test_id("stMetric").first


def banner(page, ident: str):
    return page.get_by_test_id("stAlert").filter(has_text=ident)


def publish_on(new_page, hosted, replica: int) -> tuple[str, str, str]:
    """Upload and publish on `replica`; (the link, the headline figure, the banner's text)."""
    page, served = open_hosted(new_page, hosted, VIEW, route_to=replica, locale="zh")
    expect(headline(page)).not_to_contain_text("1,234", timeout=WAIT)
    content = "\n".join([TEMPLATE_HEADER, *FIGURES]).encode("gb18030")
    upload_box(page).locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "新余统计.csv", "mimeType": "text/csv", "buffer": content}]
    )
    expect(page.get_by_test_id("stAlert").filter(has_text="新余统计.csv")).to_contain_text("2", timeout=WAIT)
    expect(headline(page)).to_contain_text("1,234", timeout=WAIT)
    # until published, the page says the link opens the bundled data
    expect(page.get_by_text("此链接打开的是内置数据")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("连同其备注和来源网址")).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="发布，生成带数据的链接").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="已发布")).to_be_visible(timeout=WAIT)
    expect(share_box(page)).to_have_text(re.compile(r"data=[0-9a-f]{64}"), timeout=WAIT)
    wait_idle(page)
    link = share_box(page).inner_text().strip()
    ident = parse_qs(urlsplit(link).query)["data"][0]
    assert f"data={ident}" in page.url
    expect(page.get_by_text("此链接打开的是内置数据")).to_have_count(0)
    figure = headline(page).text_content()
    text = banner(page, ident).text_content()
    assert "2 条数据" in text and "用户上传" in text and "未核对" in text
    assert served.replicas() == {replica}
    page.context.close()
    return link, figure, text


def open_link(new_page, hosted, link: str, replica: int, figure: str, text: str, locale: str = "zh") -> None:
    """The link in a fresh browser routed to `replica`: the same figure and the same banner."""
    page, served = open_hosted(new_page, hosted, url=link, route_to=replica, locale=locale)
    ident = parse_qs(urlsplit(link).query)["data"][0]
    expect(headline(page)).to_have_text(figure, timeout=WAIT)
    expect(banner(page, ident)).to_have_text(text, timeout=WAIT)
    assert served.replicas() == {replica}
    page.context.close()


def test_a_published_link_opens_the_same_figures_on_another_replica_and_after_every_restart(new_page, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("published") / "published.db")
    with stack(3, db) as hosted:
        link, figure, text = publish_on(new_page, hosted, 0)
        open_link(new_page, hosted, link, 1, figure, text)
        for index in range(3):
            hosted.restart_replica(index)
        open_link(new_page, hosted, link, 2, figure, text)
        open_link(new_page, hosted, link, 0, figure, text)


def test_the_same_on_postgresql_with_two_replicas_sharing_one_database(new_page, postgres_url):
    with stack(2, postgres_url) as hosted:
        link, figure, text = publish_on(new_page, hosted, 0)
        open_link(new_page, hosted, link, 1, figure, text)
        # (restarts: above on SQLite; on PostgreSQL a new Store finding the set is tests/test_publish.py's)
