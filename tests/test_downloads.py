"""Downloads a person reads (issue 20.7): names beside the ids in the page's language, whole numbers
written whole, and still the facts format (a download uploads as it is)."""

import io
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import data, export, model, panels


@pytest.fixture(scope="module")
def dataset():
    return data.load_dataset()


@pytest.fixture(scope="module")
def facts(dataset):
    return panels.Facts(dataset, dataset.facts)


def read(download: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(download), encoding="utf-8-sig", keep_default_na=False, dtype=str)


@pytest.mark.parametrize(
    "lang, zone, metric, unit, qualifier, grade",
    [
        ("zh", "高新区名称", "指标名称", "单位名称", "限定词", "来源等级"),
        ("en", "zone name", "metric name", "unit name", "qualifier text", "source grade"),
    ],
)
def test_each_id_is_followed_by_its_name_in_the_pages_language(facts, dataset, lang, zone, metric, unit, qualifier, grade):
    csv = read(panels.csv_download(facts, None, lang))
    columns = list(csv.columns)
    for id_column, name in [("zone_id", zone), ("metric", metric), ("unit", unit), ("qualifier", qualifier), ("trust", grade)]:
        assert columns.index(name) == columns.index(id_column) + 1
    yingtan = csv[(csv.zone_id == "yingtan") & (csv.metric == "industrial_revenue")].iloc[0]
    assert yingtan[zone] == model.zone_labels(dataset.zones, lang)["yingtan"]
    assert yingtan[metric] == model.metric_labels(dataset.metrics, lang)["industrial_revenue"]
    assert yingtan[unit] == ("亿元" if lang == "zh" else "100 million yuan (亿元)")
    copper = csv[csv.industry == "copper"].iloc[0]
    assert copper[columns[columns.index("industry") + 1]] == model.industry_labels(dataset.industries, lang)["copper"]
    said = {"exact": ("确数", "exact"), "over": ("超过", "over"), "about": ("约", "about"), "under": ("不足", "under")}
    assert set(zip(csv.qualifier, csv[qualifier])) == {(q, said[q][lang == "en"]) for q in set(csv.qualifier)}
    national = csv[csv.zone_id == "national"].iloc[0]
    assert national[zone] == ("全国国家高新区" if lang == "zh" else "All national high-tech zones")
    # the page's language in every name column, not the other's
    names = csv[[zone, metric]].to_numpy().ravel()
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in n) == (lang == "zh") for n in names if n)


def test_whole_numbers_are_written_whole_and_every_digit_is_kept(facts, dataset):
    csv = read(panels.csv_download(facts, None, "zh"))
    table = model.with_derived(dataset.facts)
    assert len(csv) == len(table)
    assert not csv.value.str.endswith(".0").any()
    assert csv.value.str.fullmatch(r"-?[0-9]+(\.[0-9]*[1-9])?").all()
    whole = table.value.eq(table.value.round())
    assert whole.sum() > 100  # the counts and ranks (110 of 152 values on 2026-12-07)
    assert [Decimal(v) for v in csv.value] == [Decimal(repr(v)) for v in table.value]


def test_number_text():
    assert [export.number_text(v) for v in (89.0, 741.78, 0.5, -5.0, 1e21, 1150.0, float("nan"), None)] == [
        "89", "741.78", "0.5", "-5", "1000000000000000000000", "1150", "", "",
    ]  # fmt: skip


def test_a_download_is_still_the_facts_format_and_uploads_as_it_is(facts, dataset):
    download = panels.csv_download(facts, model_view(dataset), "en")
    uploaded = data.read_facts(io.BytesIO(download), dataset.folder)
    original = read(download)
    assert len(uploaded) == len(original) > 0
    assert list(uploaded.zone_id) == list(original.zone_id)


def test_the_template_has_no_name_columns(dataset):
    assert export.template_csv(dataset).decode("utf-8-sig").splitlines()[0] == ",".join(data.FACT_COLUMNS)


def test_an_id_the_registries_do_not_know_gets_a_blank_name(dataset):
    upload = pd.DataFrame(
        {"zone_id": ["yingtan"], "year": [2024], "metric": ["made_up"], "industry": ["铜"], "value": [3.0], "unit": ["吨"]}
        | {"qualifier": ["exact"], "source_title": ["t"], "source_url": [""], "source_date": [""], "note": [""]}
    )
    csv = read(export.to_csv_bytes(upload, dataset, "zh"))
    assert (csv["指标名称"].item(), csv["产业名称"].item(), csv["单位名称"].item(), csv.value.item()) == ("", "", "吨", "3")


def model_view(dataset):
    from dashboard import state

    return state.View(("yingtan", "nanchang"), frozenset(), "gdp", None, "en")
