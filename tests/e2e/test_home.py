"""The home page: it loads in a browser, shows the dashboard's title, and raises nothing."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_home_page_shows_the_title_without_errors(open_app, viewport):
    page = open_app("/", locale="zh", viewport=viewport)

    expect(page.get_by_role("heading", level=1).filter(has_text="江西国家高新区")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
