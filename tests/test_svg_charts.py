"""The charts drawn on the server as SVG: what the spec says, mark for mark, and nothing it does not."""

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from dashboard import charts, panels, svg_charts
from dashboard.charts import Texts

TEXTS = Texts(
    "Title",
    "A description for screen readers",
    axis="亿元",
    tooltip=(("item", "Zone"), ("value_text", "Value"), ("year", "Year"), ("source", "Source"), ("caveat", "Note")),
    trust_domain=("official", "news", "compilation"),
)


def bars_table(**changes) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "item": ["Nanchang", "Ji'an", "Xinyu"],
            "value": [560.0, 31.0, None],
            "trust_label": ["news", "official", "news"],
            "label_text": ["560 (2020)", "⚠ 31 (2019)", ""],
            "value_text": ["560", "31", ""],
            "year": [2020, 2019, None],
            "source": ["a paper", "a site", ""],
            "caveat": ["", "⚠ as of 2019", ""],
        }
    )
    return table.assign(**changes)


def points_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": ["Nanchang", "Nanchang", "Nanchang", "Ji'an"],
            "year": [2019, 2020, 2022, 2019],
            "value": [30.0, 26.0, 22.0, 1.0],
            "value_text": ["No. 30", "No. 26", "No. 22", "No. 1"],
            "source": "s",
            "caveat": "",
        }
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def marks(root: ET.Element, kind: str) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("aria-roledescription") == kind]


def test_bars_are_the_rows_with_a_value_labelled_and_coloured_as_the_spec_says():
    spec = charts.bar_by_zone(bars_table(), TEXTS)
    root = parse(svg_charts.render(spec))
    bars = marks(root, "bar")
    assert [b.get("aria-label").split(", ")[0] for b in bars] == ["Nanchang", "Ji'an"]  # Xinyu: no value, no bar
    assert [b.get("fill") for b in bars] == [charts.TRUST_COLOURS[1], charts.TRUST_COLOURS[0]]
    tip = bars[1].find("{http://www.w3.org/2000/svg}title").text.splitlines()
    assert tip == ["Zone: Ji'an", "Value: 31", "Year: 2019", "Source: a site", "Note: ⚠ as of 2019"]
    words = " ".join(root.itertext())
    assert "Title" in words and "560 (2020)" in words and "⚠ 31 (2019)" in words and "Xinyu" in words
    assert root.get("aria-label") == "A description for screen readers"
    legend = " ".join(root.find(".//*[@class='legend']").itertext())
    assert "news" in legend and "official" in legend and "compilation" not in legend, "only the grades drawn"


def test_a_longer_bar_is_a_bigger_value_and_no_bar_starts_left_of_zero():
    bars = marks(parse(svg_charts.render(charts.bar_by_zone(bars_table(), TEXTS))), "bar")

    def extent(bar):  # "M<x>,<y>h<width>v..."
        x, rest = bar.get("d")[1:].split(",", 1)
        return float(x), float(rest.split("h", 1)[1].split("v", 1)[0])

    (x0, w0), (x1, w1) = extent(bars[0]), extent(bars[1])
    assert x0 == x1 and w0 / w1 == pytest.approx(560 / 31, rel=0.05)


def test_points_sit_on_a_continuous_year_axis_and_ranks_put_1_at_the_top():
    spec = charts.points_over_years(points_table(), TEXTS, reverse=True, integer=True)
    points = marks(parse(svg_charts.render(spec)), "point")
    assert len(points) == 4

    def centre(point):
        x_minus_r, rest = point.get("d")[1:].split(",", 1)
        return float(x_minus_r) + 5.4, float(rest.split("a", 1)[0])

    by_label = {p.get("aria-label").split(", ")[1] + p.get("aria-label").split(", ")[0]: centre(p) for p in points}
    x19, x20, x22 = (by_label[f"{y}Nanchang"][0] for y in (2019, 2020, 2022))
    assert x22 - x20 == pytest.approx(2 * (x20 - x19), rel=0.01), "2021 keeps its empty place"
    assert by_label["2019Ji'an"][1] < by_label["2019Nanchang"][1], "No. 1 above No. 30"
    colours = {p.get("aria-label").split(", ")[0]: p.get("fill") for p in points}
    assert colours["Nanchang"] != colours["Ji'an"]


def test_a_long_label_beside_a_single_bar_fits_in_the_chart():
    """Issue 20.4: "⚠ over 100 billion yuan (2024)" was cut at the chart's right edge."""
    table = bars_table().head(1).assign(value=100.0, label_text="⚠ over 100 billion yuan (2024)")
    root = parse(svg_charts.render(charts.bar_by_zone(table, TEXTS)))
    label = next(t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text == "⚠ over 100 billion yuan (2024)")
    assert float(label.get("x")) + svg_charts.text_width(label.text, 11) <= svg_charts.WIDTH


def test_a_rank_axis_starts_at_no_1_not_at_0():
    """Issue 20.4: there is no rank 0; the reversed axis starts at 1 (ranks 1 to 30 here)."""
    root = parse(svg_charts.render(charts.points_over_years(points_table(), TEXTS, reverse=True, integer=True)))
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("text-anchor") == "end"]
    values = [int(v) for v in labels if v and v.isdigit()]
    assert values and min(values) == 1 and 0 not in values


def test_every_word_is_escaped():
    hostile = '<script>alert(1)</script>" onload="x'
    spec = charts.bar_by_zone(bars_table(item=[hostile, "b", "c"], source=[hostile, "", ""]), Texts(hostile, hostile))
    root = parse(svg_charts.render(spec))
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert root.get("onload") is None and root.get("aria-label") == hostile
    assert hostile in " ".join(root.itertext())  # shown as text


def test_other_charts_are_left_to_vega(dataset, resolve):
    facts = panels.Facts(dataset, dataset.facts)
    for name in panels.BUILDERS:
        out = panels.panel(name, facts, resolve(metric="industrial_revenue"))
        assert (out.svg is not None) == (name in panels.SVG_PANELS and out.spec is not None), name
    assert svg_charts.render({"layer": [{"mark": "rect", "encoding": {}}], "datasets": {"rows": []}}) is None


def test_an_empty_chart_draws_no_mark_and_no_zero_bar():
    root = parse(svg_charts.render(charts.bar_by_zone(bars_table().iloc[0:0], TEXTS)))
    assert marks(root, "bar") == []


@pytest.mark.parametrize(
    ("low", "high", "integer", "expected"),
    [
        (0, 560, True, [0, 200, 400, 600]),
        (0, 3, True, [0, 1, 2, 3]),
        (0, 1.2, False, [0, 0.5, 1.0, 1.5]),
        (22, 38, True, [20, 25, 30, 35, 40]),
    ],
)
def test_ticks_are_round_and_cover_the_values(low, high, integer, expected):
    assert svg_charts.nice_ticks(low, high, 4, integer) == expected


def test_labels_of_close_points_do_not_cover_each_other_or_leave_the_chart():
    table = pd.DataFrame(
        {
            "item": "Nanchang",
            "year": [2019, 2022, 2023, 2024],
            "value": [741.78, 1010.24, 1002.1, 1000.0],
            "value_text": ["⚠ 741.78 亿元", "⚠ 1,010.24 亿元", "⚠ 1,002.1 亿元", "⚠ over 1,000 亿元"],
            "source": "s",
            "caveat": "",
        }
    )
    spec = charts.points_over_years(table, TEXTS)
    root = parse(svg_charts.render(spec))
    texts = [
        el for el in root.iter("{http://www.w3.org/2000/svg}text") if el.text and el.text.startswith("⚠ ")
    ]  # the point labels
    assert len(texts) == 4
    boxes = []
    for el in texts:
        x, y, width = float(el.get("x")), float(el.get("y")), svg_charts.text_width(el.text, 11)
        start = {"start": x, "end": x - width}.get(el.get("text-anchor"), x - width / 2)
        assert start >= 0 and start + width <= svg_charts.WIDTH + 0.5, el.text
        boxes.append((start, start + width, y - 12, y + 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2], (a, b)


# Tiny charts whose whole SVG is kept in tests/literal/ (the literal_svg fixture).
TINY_BARS = {
    "name": "tiny_bars",
    "description": "Two zones",
    "title": {"text": "Revenue"},
    "datasets": {
        "rows": [
            {"item": "A", "value": 10.0, "trust_label": "official", "label_text": "10", "aria": "A: 10", "order": 0},
            {"item": "B", "value": None, "trust_label": "news", "label_text": "", "aria": "B: no data", "order": 1},
        ]
    },
    "layer": [
        {
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "item"},
                "x": {"field": "value", "axis": {"title": "亿元"}},
                "color": {
                    "field": "trust_label",
                    "title": "Grade",
                    "scale": {"domain": ["official", "news"], "range": ["#111111", "#222222"]},
                },
                "tooltip": [{"field": "item", "title": "Zone"}, {"field": "label_text", "title": "Value"}],
            },
        }
    ],
}
TINY_POINTS = {
    "name": "tiny_points",
    "description": "One zone over two years",
    "title": "Rank",
    "datasets": {
        "rows": [
            {"item": "A", "year": 2020, "value": 3.0, "label_text": "No. 3", "aria": "A 2020: 3"},
            {
                "item": "A",
                "year": 2021,
                "value": 1.0,
                "label_text": "No. 1",
                "aria": "A 2021: 1",
                "label_align": "left",
                "label_dx": 8,
            },
        ]
    },
    "layer": [
        {
            "mark": "point",
            "encoding": {
                "x": {"field": "year"},
                "y": {"field": "value", "scale": {"reverse": True}, "axis": {"format": ",d"}},
                "tooltip": [{"field": "year", "title": "Year"}],
            },
        }
    ],
}


def test_a_tiny_bar_chart_whole(literal_svg):
    literal_svg("tiny_bar", svg_charts.render(TINY_BARS))


def test_a_tiny_points_chart_whole(literal_svg):
    literal_svg("tiny_points", svg_charts.render(TINY_POINTS))


def test_bars_and_points_are_touch_targets_of_24_px_on_a_phone():
    """A bar's or a point's invisible stroke widens what a tap hits: at the ~0.94 px per unit a
    390 px phone draws these charts at, at least 24 CSS px across (WCAG 2.2 target size)."""
    scale = (390 - 32) / svg_charts.WIDTH  # the chart's column on a 390 px screen
    bars = marks(parse(svg_charts.render(charts.bar_by_zone(bars_table(), TEXTS))), "bar")
    points = marks(parse(svg_charts.render(charts.points_over_years(points_table(), TEXTS))), "point")
    for mark, across in [*((b, 22) for b in bars), *((p, 2 * svg_charts.POINT_RADIUS) for p in points)]:
        assert mark.get("stroke-opacity") == "0"
        assert (across + float(mark.get("stroke-width"))) * scale >= 24


def test_a_label_is_moved_off_another_series_point():
    """A label whose place is on another point (the "第 26 位" hidden by a point) goes under or
    above its own point instead, clear of every dot."""
    label = svg_charts._Label("第 26 位", 200.0, 100.0, "center", 0, -12)
    other = (200.0, 88.0)  # another series' point where the label would be
    placed = svg_charts.place_labels([label], 0, svg_charts.WIDTH, [(200.0, 100.0), other])[0]
    x0, x1, y0, y1 = placed.box()
    r = svg_charts.POINT_RADIUS
    for cx, cy in [(200.0, 100.0), other]:
        assert x1 <= cx - r or x0 >= cx + r or y1 <= cy - r or y0 >= cy + r
