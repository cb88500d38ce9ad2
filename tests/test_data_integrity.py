"""The bundled dataset: complete, sourced, graded, and the seed article's figures read back exactly."""

import pandas as pd
import pytest

from dashboard import data, model


def fact(facts: pd.DataFrame, zone: str, year: int, metric: str, industry: str = "") -> pd.DataFrame:
    return facts[(facts.zone_id == zone) & (facts.year == year) & (facts.metric == metric) & (facts.industry == industry)]


def the_value(facts, *key) -> float:
    rows = fact(facts, *key)
    rows = rows[rows.preferred]
    assert len(rows) == 1, f"{key}: expected one preferred row, got {len(rows)}"
    return rows.iloc[0].value


def test_the_nine_zones_in_registry_order(dataset):
    assert tuple(dataset.zones.zone_id) == data.ZONE_IDS
    assert dataset.zones.short_zh.str.endswith("高新区").all()
    assert dataset.zones.lead_industries.map(len).gt(0).all()


def test_every_fact_has_a_source_and_a_trust_grade(dataset):
    for frame in (dataset.facts, dataset.city_facts):
        assert frame.source_title.str.strip().ne("").all()
        assert frame.trust.isin(["official", "news", "compilation", "mirror", "unverified"]).all()
        assert frame.source_id.isin(dataset.sources.source_id).all()


def test_every_zone_registry_source_is_known(dataset):
    ids = {s for field in dataset.zones.source_ids for s in field.split()}
    assert ids <= set(dataset.sources.source_id)


def test_metric_and_industry_ids_are_in_their_registries(dataset):
    assert set(dataset.facts.metric) <= set(dataset.metrics.metric)
    assert set(dataset.city_facts.metric) <= set(dataset.metrics.metric)
    industries = set(dataset.industries.industry)
    assert set(dataset.facts.industry) - {""} <= industries
    assert {i for ids in dataset.zones.lead_industries for i in ids} <= industries


def test_units_agree_with_the_metric_registry(dataset):
    unit = dict(zip(dataset.metrics.metric, dataset.metrics.unit))
    assert (dataset.facts.metric.map(unit) == dataset.facts.unit).all()
    assert (dataset.city_facts.metric.map(unit) == dataset.city_facts.unit).all()


def test_mirror_sources_are_graded_mirror(dataset):
    sources = dataset.sources.set_index("host")
    for host in ("www.abbins.com", "laurentisnard.com", "zjdianying.com", "shanghaiinvest.com", "dcqhyn.cn"):
        assert (sources.loc[[host], "trust"] == "mirror").all(), host


def test_one_preferred_row_per_figure(dataset):
    key = ["zone_id", "year", "metric", "industry"]
    assert dataset.facts.groupby(key).preferred.sum().eq(1).all()
    assert dataset.city_facts.groupby(["adcode", "year", "metric"]).preferred.sum().eq(1).all()


def test_duplicates_keep_both_and_prefer_the_exact_figure(dataset):
    rows = fact(dataset.facts, "national", 2024, "gdp")
    assert sorted(rows.value) == [190000, 193000]
    assert the_value(dataset.facts, "national", 2024, "gdp") == 193000
    assert the_value(dataset.facts, "national", 2024, "gdp_share") == 14.3


def test_city_gdp_vintages_prefer_one_series(dataset):
    gdp = dataset.city_facts[dataset.city_facts.metric == "gdp"]
    assert gdp.vintage.ne("").all()
    jx_2023 = gdp[(gdp.adcode == 360000) & (gdp.year == 2023)]
    assert sorted(jx_2023.value) == [32200.1, 32677.1]
    assert jx_2023[jx_2023.preferred].vintage.item() == "as_compiled"


def test_seed_article_yingtan(dataset):
    f = dataset.facts
    assert the_value(f, "yingtan", 2024, "industrial_revenue") == 1258
    assert the_value(f, "yingtan", 2024, "national_rank") == 80
    assert the_value(f, "yingtan", 2024, "industry_revenue", "copper") == 1150
    assert the_value(f, "yingtan", 2024, "segment_share", "copper_deep_processing") == 52.8  # of copper revenue
    assert the_value(f, "yingtan", 2024, "segment_share", "recycled_copper") == 28


def test_seed_article_nanchang(dataset):
    # '目前拥有' in an article of March 2025: filed under the publication year (data/README.md)
    assert the_value(dataset.facts, "nanchang", 2025, "little_giants") == 18
    assert the_value(dataset.facts, "nanchang", 2025, "enterprises_10bn") == 9


def test_seed_article_national(dataset):
    f = dataset.facts
    assert the_value(f, "national", 2024, "industrial_value_added") == 98000  # 9.8 万亿元
    assert the_value(f, "national", 2024, "high_tech_enterprises_share") == 33
    assert the_value(f, "national", 2024, "little_giants_share") == 46
    assert the_value(f, "national", 2024, "unicorns_share") == 67


def test_caveats_are_carried_into_notes(dataset):
    aviation = fact(dataset.facts, "jingdezhen", 2024, "industry_revenue", "aviation").iloc[0]
    assert "CAUTION" in aviation.note and aviation.caution
    jiujiang = dataset.city_facts[(dataset.city_facts.adcode == 360400) & (dataset.city_facts.year == 2023)]
    assert "CAUTION" in jiujiang.note.item()


def test_derived_share_is_computed_and_labelled(dataset):
    derived = model.derived_shares(dataset.facts)
    copper = derived[(derived.zone_id == "yingtan") & (derived.industry == "copper")].iloc[0]
    assert copper.value == pytest.approx(100 * 1150 / 1258, abs=0.05)
    assert copper.trust == "derived" and "derived" in copper.note


def test_industry_filter_keeps_the_zones_with_that_industry(resolve):
    def zones(*ids):
        return resolve(industries=ids).zones

    assert zones("copper") == ("yingtan",)
    assert zones("aviation") == ("nanchang", "jingdezhen")
    assert zones("rare_earth_magnets") == ("ganzhou",)


def test_overlay_replaces_same_figure_and_adds_new(dataset):
    before = dataset.facts.copy()
    mine = {"industry": "", "unit": "亿元", "qualifier": "exact", "source_title": "my table", "source_url": "",
            "source_date": "", "note": ""}  # fmt: skip
    upload = pd.DataFrame([
        {"zone_id": "yingtan", "year": 2024, "metric": "industrial_revenue", "value": 1300.0, **mine},
        {"zone_id": "fuzhou", "year": 2024, "metric": "gdp", "value": 500.0, **mine},
    ])  # fmt: skip
    merged = model.overlay(dataset.facts, upload)
    assert fact(merged, "yingtan", 2024, "industrial_revenue").value.tolist() == [1300.0]
    assert fact(merged, "fuzhou", 2024, "gdp").trust.tolist() == ["user"]
    assert len(merged) == len(dataset.facts) + 1
    pd.testing.assert_frame_equal(dataset.facts, before)  # the bundled frame is untouched


def test_no_rank_exceeds_the_number_ranked_that_year(dataset):
    """Every rank against the pool of its own evaluation (the rank-year rule in data/README.md)."""
    f = dataset.facts
    for rank_metric, pool_metric, pool_zone in (
        ("national_rank", "zones_ranked", "national"),
        ("provincial_rank", "provincial_zones_ranked", "jiangxi_all"),
    ):
        pools = f[(f.metric == pool_metric) & (f.zone_id == pool_zone)].groupby("year").value.max()
        ranks = f[f.metric == rank_metric]
        assert len(ranks) and len(pools)
        for r in ranks.itertuples():
            if r.year in pools.index:
                assert r.value <= pools[r.year], f"{r.zone_id} {r.year}: rank {r.value} of {pools[r.year]} ranked"
