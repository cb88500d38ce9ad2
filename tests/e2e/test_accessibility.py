"""WCAG 2.2 A/AA checks with axe-core: no serious or critical violation, in Chinese and English,
light and dark, on the home page and a one-zone view."""
import pytest

from tools.browser import axe_violations, format_violations

VIEWS = {"home": "/", "one-zone": "/?zone=yingtan"}

@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_page_has_no_serious_accessibility_violations(open_app, view, lang, color_scheme):
    path = VIEWS[view]
    if lang == "en":  # the browser asks for English and the link says so too
        path += ("&" if "?" in path else "?") + "lang=en"
    page = open_app(path, locale=lang, color_scheme=color_scheme)

    # Dark theme: Streamlit draws multiselect chips white on the primary colour; the page gives them
    # dark text (dashboard/app.py DARK_CSS), so nothing is excused here.
    violations = axe_violations(page, impacts=("serious", "critical"))
    assert not violations, (
        f"axe-core found {len(violations)} serious/critical WCAG 2.2 A/AA violation(s) on "
        f"{path} ({lang}, {color_scheme}):\n{format_violations(violations)}"
    )
