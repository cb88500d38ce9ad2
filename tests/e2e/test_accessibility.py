"""WCAG 2.2 A/AA checks with axe-core: no serious or critical violation, in Chinese and English,
light and dark, on every tab of the home page and on a one-zone view."""

import pytest
from playwright.sync_api import expect

from tools.browser import axe_violations, format_violations, rerun

TABS = {
    "zh": ["高新区一览", "企业", "产业", "全国排名与背景", "数据覆盖", "数据表", "数据来源"],
    "en": ["The zones", "Enterprises", "Industries", "National rank and context", "Data coverage", "Data table", "Sources"],
}


def assert_no_violations(page, where: str) -> None:
    # Dark theme: Streamlit draws multiselect chips white on the primary colour; the page gives them
    # dark text (dashboard/app.py DARK_CSS), so nothing is excused here.
    violations = axe_violations(page, impacts=("serious", "critical"))
    assert not violations, (
        f"axe-core found {len(violations)} serious/critical WCAG 2.2 A/AA violation(s) on "
        f"{where}:\n{format_violations(violations)}"
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_tab_has_no_serious_accessibility_violations(open_app, lang, color_scheme):
    page = open_app("/?lang=en" if lang == "en" else "/", locale=lang, color_scheme=color_scheme)
    for i, label in enumerate(TABS[lang]):
        if i:
            rerun(page, page.get_by_role("tab", name=label).click)
        expect(page.get_by_role("tab", selected=True)).to_have_text(label)
        assert_no_violations(page, f"the {label} tab ({lang}, {color_scheme})")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_one_zone_view_has_no_serious_accessibility_violations(open_app, lang, color_scheme):
    path = "/?zone=yingtan" + ("&lang=en" if lang == "en" else "")
    assert_no_violations(open_app(path, locale=lang, color_scheme=color_scheme), f"{path} ({lang}, {color_scheme})")
