"""Text in the server-drawn SVGs (the map and the charts above the fold) is readable: at least
4.5:1 against what is behind it (WCAG 2.2 AA), in the light and the dark theme. axe-core does not
see text inside these SVGs (they live in a component's shadow root), so this test reads the SVG.

Each `<text>`'s colour is its own or an ancestor's `fill`, or the theme's text colour for class
`ink` (dashboard/app.py SVG_CSS: `.ink { fill: var(--st-text-color) }`); a text without either
would be drawn black, and fails in the dark theme. What is behind it is its halo (a `stroke` drawn
under the fill: `paint-order="stroke"`) or else the page. Text is never drawn over a mark in these
SVGs except on a halo (the map's zone names), which is what makes the page the right background."""

import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dashboard import panels

SVG = "{http://www.w3.org/2000/svg}"
CONFIG = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
# (text colour, page background) of each theme. Light: textColor from .streamlit/config.toml on
# Streamlit's white. Dark: Streamlit 1.67's own dark colours, as the component reads them in
# Chromium (--st-text-color, --st-background-color).
THEMES = {
    "light": (CONFIG["theme"]["light"]["textColor"], "#ffffff"),
    "dark": (CONFIG["theme"].get("dark", {}).get("textColor", "#edebe8"), "#171614"),
}
VIEWS = {
    "default": {},
    "English": {"lang": "en"},
    "ranks": {"metric": "national_rank", "zones": ("nanchang", "yingtan", "gongqingcheng")},
    "one zone": {"zones": ("nanchang",), "metric": "gdp"},
}


def luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colours(svg: str, theme: str):
    """(text, colour, background) for every text of the SVG as the page draws it in `theme`."""
    ink, page = THEMES[theme]
    root = ET.fromstring(svg)
    parents = {child: parent for parent in root.iter() for child in parent}

    def inherited(el, attribute):
        while el is not None:
            if attribute == "fill" and "ink" in (el.get("class") or "").split():
                return ink
            if el.get(attribute):
                return el.get(attribute)
            el = parents.get(el)
        return None

    for el in root.iter(f"{SVG}text"):
        text = "".join(el.itertext()).strip()
        if not text:
            continue
        halo = inherited(el, "stroke") if inherited(el, "paint-order") == "stroke" else None
        yield text, inherited(el, "fill") or "#000000", halo or page


def svgs(facts, resolve):
    for view_name, filters in VIEWS.items():
        view = resolve(**filters)
        yield f"map, {view_name}", panels.map_svg(facts, view, True)
        for name in panels.SVG_PANELS:
            out = panels.panel(name, facts, view)
            if out.svg:
                yield f"{name}, {view_name}", out.svg


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_text_in_the_map_and_the_svg_charts_has_4_5_to_1_contrast(dataset, resolve, theme):
    facts = panels.Facts(dataset, dataset.facts)
    checked, failures = 0, []
    for where, svg in svgs(facts, resolve):
        for text, colour, background in text_colours(svg, theme):
            checked += 1
            ratio = contrast(colour, background)
            if ratio < 4.5:
                failures.append(f"{where}: {text!r} {colour} on {background}: {ratio:.2f}:1")
    assert checked > 100  # the map's names, the legends, the axes and every value label were read
    assert not failures, "\n".join(failures)


def test_the_contrast_arithmetic_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#808495", "#ffffff") == pytest.approx(3.72, abs=0.01)  # Streamlit's faded Vega axis text
    assert contrast("#f58518", "#ffffff") < 4.5  # a series colour as text: what the points' labels were


def test_a_text_without_a_colour_would_be_black_and_fail_in_the_dark():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>1</text><g fill="#f58518"><text>2</text></g></svg>'
    assert [(t, c) for t, c, _ in text_colours(svg, "dark")] == [("1", "#000000"), ("2", "#f58518")]
    assert contrast("#000000", THEMES["dark"][1]) < 4.5
