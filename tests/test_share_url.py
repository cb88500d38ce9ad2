"""The copy-link box under a sub-path: the path exactly as the browser shows it (`/jx-zones/?…`).

Behind a proxy at https://example.org/jx-zones/ Streamlit reports `st.context.url` as
`https://example.org/jx-zones` (no slash), while it serves the page at `/jx-zones/`: a link
`/jx-zones?zone=ganzhou` only works through a redirect that keeps the query (see
../shared/DESIGN.md, "Hosting facts").
"""

import urllib.parse

import pytest

from dashboard.state import Filters, Vocabulary, share_url

VOCAB = Vocabulary(
    zones=("nanchang", "ganzhou"),
    industries=("copper",),
    metrics=("revenue",),
    default_metric="revenue",
    years={"revenue": (2023, 2024)},
)
GANZHOU = Filters(zones=("ganzhou",), metric="revenue")


@pytest.mark.parametrize("base", ["http://127.0.0.1:8080/jx-zones", "http://127.0.0.1:8080/jx-zones/"])
def test_a_sub_path_link_has_the_slash_before_the_query(base):
    assert share_url(base, GANZHOU, VOCAB) == "http://127.0.0.1:8080/jx-zones/?zone=ganzhou"


def test_the_default_view_under_a_sub_path_is_the_page_itself():
    assert share_url("https://example.org/jx-zones", Filters(metric="revenue"), VOCAB) == "https://example.org/jx-zones/"


def test_a_deeper_sub_path_keeps_every_segment():
    url = share_url("https://example.org/apps/jx-zones", GANZHOU, VOCAB)
    assert urllib.parse.urlsplit(url).path == "/apps/jx-zones/"


@pytest.mark.parametrize(
    "base, expected",
    [
        ("https://x.streamlit.app", "https://x.streamlit.app/?zone=ganzhou"),  # as the address bar shows it
        ("https://x.streamlit.app/", "https://x.streamlit.app/?zone=ganzhou"),
        ("http://localhost:8501/", "http://localhost:8501/?zone=ganzhou"),
    ],
)
def test_a_root_link_gets_the_path_the_browser_shows(base, expected):
    assert share_url(base, GANZHOU, VOCAB) == expected
