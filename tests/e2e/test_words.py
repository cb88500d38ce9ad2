"""Words that fit (issue 20.4): no headline label or value and no chosen industry's name is cut."""

CLIPPED = """els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


def test_headline_labels_values_and_chips_show_their_whole_text(open_app):
    page = open_app("/?industry=copper&lang=en", locale="en")
    headline = page.locator("[data-testid='stMetricLabel'] p, [data-testid='stMetricValue'] *")
    assert headline.count() >= 8
    assert headline.evaluate_all(CLIPPED) == []
    chips = page.locator("[data-testid='stMultiSelectTagsContainer'] span[title]")
    assert chips.count() == 1
    assert chips.evaluate_all(CLIPPED) == []
    zh = open_app("/?industry=copper", locale="zh", viewport="phone")
    zh.get_by_test_id("stExpandSidebarButton").click()
    chip = zh.locator("[data-testid='stMultiSelectTagsContainer'] span[title]")
    chip.wait_for()
    zh.wait_for_timeout(600)  # the sidebar slides in: measure once it is in place
    assert chip.evaluate_all(CLIPPED) == []
    assert zh.locator("[data-testid='stMetricLabel'] p, [data-testid='stMetricValue'] *").evaluate_all(CLIPPED) == []
