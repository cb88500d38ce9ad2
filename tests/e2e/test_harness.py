"""The browser harness itself: it sees what it must fail on, and its waits wait long enough."""

import os

import pytest
from playwright.sync_api import expect

from tools.browser import INIT_SCRIPT, PageWatch, context_options, rerun, run_count, wait_idle

PROBE = "tests/e2e/apps/harness_probe.py"


@pytest.fixture(scope="module")
def probe_server(app_server_factory):
    return app_server_factory(script=PROBE)


@pytest.mark.parametrize(
    "case, expected",
    [
        ("exception", "Streamlit exception shown in the page"),
        ("console", "console error: console error from the harness probe"),
        ("pageerror", "page error (uncaught in the browser): Error: page error from the harness probe"),
    ],
)
def test_watch_reports_what_a_browser_test_must_fail_on(browser, probe_server, case, expected):
    # A page of our own, not new_page's: these errors are the point here, not a failure.
    context = browser.new_context(**context_options())
    try:
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(f"{probe_server.url}/?case={case}")
        wait_idle(page)
        page.wait_for_timeout(200)  # a setTimeout error fires after the run

        if os.environ.get("E2E_PROXY") == "1" and case != "exception":
            # Through the proxy (tests/e2e/README.md) its CSP refuses the probe's inline script, and
            # that refusal is the console error the watch must report.
            expected = "console error: Executing inline script violates the following Content Security Policy"
        assert any(p.startswith(expected) for p in watch.problems()), watch.problems()
    finally:
        context.close()


def test_rerun_waits_for_the_run_an_interaction_starts_and_its_chart(open_app, probe_server):
    page = open_app("/", server=probe_server)
    runs = run_count(page)

    rerun(page, lambda: page.get_by_role("button", name="Slow chart").click())

    assert run_count(page) > runs
    expect(page.locator('[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas').first).to_be_visible(
        timeout=1
    )
