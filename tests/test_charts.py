"""Chart builders are pure: a prepared table in, a Vega-Lite spec out, checked without Streamlit."""

import json

import pandas as pd
import pytest

from dashboard import charts, i18n, model
from dashboard.charts import Texts

TEXTS = Texts(
    "Title",
    "A description for screen readers",
    axis="亿元",
    subtitle="note",
    tooltip=(("item", "Zone"),),
    trust_domain=("official", "news", "compilation", "mirror", "derived", "user"),
)


@pytest.fixture(scope="module")
def view(resolve):
    return resolve(metric="industrial_revenue", year=2024)


def data_of(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_the_same_shape_is_built_once_and_rows_are_filled_per_view(dataset, view):
    table, _ = model.metric_by_zone(dataset.facts, dataset, view)
    table["trust_label"] = table["trust"]
    first = charts.bar_by_zone(table, TEXTS)
    second = charts.bar_by_zone(table.iloc[0:0], TEXTS)
    assert first["layer"] == second["layer"] and data_of(second) == []
    assert charts._shape.cache_info().hits >= 1


def test_every_chart_has_title_description_and_fits_its_column(dataset, view):
    table, _ = model.metric_by_zone(dataset.facts, dataset, view)
    table["trust_label"] = table["trust"]
    built = [
        charts.bar_by_zone(table, TEXTS),
        charts.points_over_years(model.metric_over_years(dataset.facts, dataset, view), TEXTS),
        charts.industry_matrix(model.industry_matrix(dataset, view), TEXTS),
        charts.national_bars(model.national_context(dataset.facts, dataset, "zh"), TEXTS),
        charts.coverage_heatmap(model.coverage(dataset.facts, dataset, view), TEXTS),
    ]
    for chart in built:
        spec = chart
        assert spec["title"]["text"] == "Title"
        assert spec["description"] == "A description for screen readers"
        assert spec["width"] == "container"
        assert spec["autosize"]["type"] == "fit-x"


def test_bar_by_zone_draws_only_zones_with_a_figure(dataset, view):
    table, missing = model.metric_by_zone(dataset.facts, dataset, view)
    table["trust_label"] = table["trust"]
    rows = data_of(charts.bar_by_zone(table, TEXTS))
    assert [r["item"] for r in rows] == ["鹰潭高新区"]
    assert rows[0]["value"] == 1258 and rows[0]["value_text"] == "1,258 亿元"
    assert "南昌高新区" in missing and len(missing) == 8
    assert all(r["value"] is not None for r in rows)  # nothing drawn as a stand-in 0


def test_tooltips_carry_value_year_and_source(dataset, view):
    table, _ = model.metric_by_zone(dataset.facts, dataset, view)
    table["trust_label"] = table["trust"]
    spec = charts.bar_by_zone(table, TEXTS)
    fields = {t["field"] for layer in spec["layer"] for t in layer["encoding"]["tooltip"]}
    assert {"value_text", "year", "source", "caveat"} <= fields
    assert "时隔数年" in data_of(spec)[0]["source"]


def test_rank_axis_is_reversed(dataset, view):
    ranks = model.national_ranks(dataset.facts, dataset, view)
    spec = charts.points_over_years(ranks, TEXTS, reverse=True)
    assert spec["layer"][0]["encoding"]["y"]["scale"]["reverse"] is True
    rows = {(r["item"], r["year"]): r for r in data_of(spec)}
    assert rows[("鹰潭高新区", 2024)]["of_total"] == i18n.t("rank.of_total", "zh", total=178)
    assert rows[("南昌高新区", 2019)]["of_total"] == i18n.t("rank.total_unknown", "zh")  # no source states it


def test_points_over_years_never_connect_gaps(dataset, view):
    spec = charts.points_over_years(model.metric_over_years(dataset.facts, dataset, view), TEXTS)
    marks = {layer["mark"]["type"] for layer in spec["layer"]}
    assert "line" not in marks and "area" not in marks


def test_industry_matrix_is_complete_for_the_nine_zones(dataset, view):
    matrix = model.industry_matrix(dataset, view)
    assert matrix.zone_id.nunique() == 9
    first = matrix[matrix.role == "首位产业"]
    assert set(first.zone_id) == {"nanchang", "jingdezhen", "yingtan", "jian", "ganzhou", "gongqingcheng"}


def test_coverage_counts_years_and_keeps_empty_pairs(dataset, view):
    table = model.coverage(dataset.facts, dataset, view)
    nanchang_gdp = table[(table.zone_id == "nanchang") & (table.metric == "gdp")].years.item()
    assert nanchang_gdp == 4
    fuzhou_gdp = table[(table.zone_id == "fuzhou") & (table.metric == "gdp")].years.item()
    assert fuzhou_gdp == 0  # no GDP found for Fuzhou: the pair is shown, honestly, with 0 years
    assert len(table) == 9 * table.metric.nunique()
    spec = charts.coverage_heatmap(table, TEXTS)
    rows = data_of(spec)
    assert len({r["zone"] for r in rows}) == 9  # every zone has a column ...
    assert {r["years"] for r in rows if (r["zone"], r["metric_label"]) == ("抚州高新区", "地区生产总值（GDP）")} == {0}
    cells = spec["layer"][1]
    assert cells["mark"]["type"] == "rect" and cells["transform"] == [{"filter": "datum.years > 0"}]  # ... empty, not a 0 cell
    legend = cells["encoding"]["color"]["legend"]
    assert (legend["format"], legend["tickMinStep"]) == ("d", 1)  # counts read as whole numbers


def test_specs_are_json_and_small(dataset, view):
    coverage = charts.coverage_heatmap(model.coverage(dataset.facts, dataset, view), TEXTS)
    assert len(json.dumps(coverage, ensure_ascii=False).encode()) < 80_000  # as UTF-8, as it travels


def test_national_context_tooltip_adds_share_and_count(dataset):
    context = model.national_context(dataset.facts, dataset, "en")
    latest = context[context.year == 2024].iloc[0]
    assert (latest.value_text, latest.share_text, latest.zones_text) == ("19.3 trillion yuan", "14.3%", "178 zones")


def test_industry_filter_narrows_industry_figures(dataset, resolve):
    view = resolve(industries=("copper",), metric="industrial_revenue", year=2024)
    assert view.zones == ("yingtan",)
    # each share's denominator is its own metric id (metrics.csv share_of): segment shares of copper
    shares = dataset.metrics[(dataset.metrics.group == "industry") & (dataset.metrics.kind == "share")].metric
    figures = model.industry_figures(dataset.facts, dataset, view, tuple(shares))
    assert set(figures.industry) == {"copper_deep_processing", "recycled_copper"}
    assert sorted(figures.value) == [28, 52.8]
    revenue = model.industry_figures(dataset.facts, dataset, view, ("industry_revenue",))
    assert revenue.value.tolist() == [1150]


def test_marks_speak_to_screen_readers_once(dataset, view):
    """Each data mark has a description (its tooltip's values); value labels are not read twice."""
    table, _ = model.metric_by_zone(dataset.facts, dataset, view)
    table["trust_label"] = table["trust"]
    spec = charts.bar_by_zone(table, TEXTS)
    bars, labels = spec["layer"]
    assert bars["encoding"]["description"]["field"] == "aria"
    assert labels["mark"]["aria"] is False
    assert data_of(spec)[0]["aria"].startswith("鹰潭高新区, 1,258 亿元, 2024")


def test_labels_of_points_in_the_same_year_go_either_side_not_on_top_of_each_other():
    """Ji'an's 31 and Fengcheng's 46 high-tech enterprises (both 2019) used to print over each other."""
    frame = pd.DataFrame({"item": ["a", "b", "c"], "year": [2019, 2019, 2020], "value": [46, 31, 560]})
    placed = charts.label_place(frame).set_index("item")
    assert placed.loc["c", ["label_align", "label_dx", "label_dy"]].tolist() == ["center", 0, -12]  # alone: above
    assert placed.loc["b", ["label_align", "label_dx"]].tolist() == ["left", 8]  # the lower value: to the right
    assert placed.loc["a", ["label_align", "label_dx"]].tolist() == ["right", -8]
    assert placed.loc[["a", "b"], "label_dy"].tolist() == [0, 0]
    assert len(charts.label_place(frame.head(0))) == 0


@pytest.mark.parametrize(
    "label",
    [
        "Yingtan HTZ · Copper-based materials (copper industry) (2024)",
        "Ganzhou HTZ · Rare-earth magnetic materials (2025)",
        "鹰潭高新区 · 铜基新材料（铜产业）·推算 (2024)",
    ],
)
def test_a_row_label_wraps_into_lines_a_phone_holds(label):
    lines = charts.wrap_label(label).split("\n")
    assert lines[0] == label.split(" · ")[0]  # the zone on a line of its own
    assert "".join(lines).replace(" ", "") == label.replace(" · ", "").replace(" ", "")  # nothing lost
    assert all(sum(1.5 if ord(ch) >= 0x2E80 else 1 for ch in line) <= 24 or " " not in line for line in lines)
    assert len(lines) <= 4
