"""The figures in view download from the tab the reader is in, in the page's language."""

import pandas as pd


def test_a_phone_reader_downloads_the_figures_in_view_from_the_ranking_tab(open_app):
    page = open_app("/?zone=yingtan&zone=nanchang&tab=ranking&lang=en", locale="en", viewport="phone")
    button = page.get_by_role("tabpanel").get_by_role("button", name="Download the figures in view (CSV)")
    button.scroll_into_view_if_needed()
    with page.expect_download() as download:
        button.tap()
    assert download.value.suggested_filename == "jiangxi_htz_facts_filtered.csv"
    csv = pd.read_csv(download.value.path(), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert set(csv.zone_id) == {"nanchang", "yingtan"}
    assert set(csv["zone name"]) == {"Nanchang HTZ", "Yingtan HTZ"}
    assert not csv.value.str.endswith(".0").any()
