"""Fixtures for browser tests: one Streamlit server and one Chromium per session, a fresh browser
context per page. Every test under tests/e2e/ is marked `browser` and fails on any exception box,
uncaught page error or console error its pages show; a failing test leaves a full-page screenshot
in test-results/. How to write one: tests/e2e/README.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tools.browser import (
    INIT_SCRIPT,
    RESULTS_DIR,
    AppServer,
    PageWatch,
    block_external_requests,
    context_options,
    full_page_screenshot,
    launch_chromium,
    wait_idle,
)

E2E_DIR = Path(__file__).resolve().parent
_WATCHES = pytest.StashKey[list]()
_PASSED_BROWSER_TESTS = pytest.StashKey[int]()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the app in Chromium (every test in tests/e2e/)")
    config.addinivalue_line(
        "markers",
        "allow_page_errors(*regexes): in this browser test, let console errors, page errors and "
        "exception boxes that match one of the regexes pass (for tests that provoke them)",
    )
    config.stash[_PASSED_BROWSER_TESTS] = 0


def pytest_sessionstart(session):
    # Screenshots and server logs in test-results/ are this run's only.
    if RESULTS_DIR.is_dir():
        for old in [*RESULTS_DIR.glob("*.png"), *RESULTS_DIR.glob("server-*.log")]:
            old.unlink()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------------------------
# Session: the server and the browser


@pytest.fixture(scope="session")
def app_server_factory():
    """`start(env=None, *, script="streamlit_app.py", args=()) -> AppServer`.

    Starts (once per distinct env/script/args, then reuses) a Streamlit server from the repo root on
    a free port; all are stopped at the end of the session. Example: a server on other data,
    `start({"JX_DATA_DIR": str(tmp_dir)})` (use a session-scoped tmp dir so the server can be
    shared). `server.url` is its base URL; `server.log_path` its log.
    """
    servers: dict[tuple, AppServer] = {}
    proxied = os.environ.get("E2E_PROXY") == "1"

    def start(env: dict | None = None, *, script: str = "streamlit_app.py", args: tuple = ()) -> AppServer:
        key = (script, tuple(sorted((env or {}).items())), tuple(args))
        if key not in servers:
            name = "app" if key == ("streamlit_app.py", (), ()) else f"app{len(servers)}"
            server = ProxiedServer(script, env=env, args=args) if proxied else AppServer(script, env=env, args=args, name=name)
            servers[key] = server.start()
        return servers[key]

    yield start
    for server in servers.values():
        server.stop()


class ProxiedServer:
    """E2E_PROXY=1 (tests/e2e/README.md): the app as it is hosted, `make hosted`'s nginx (its
    compression, first paint, CSP and icon font) in front of one replica under /jx-zones/, in place
    of a bare Streamlit server. `url` is the link without its last slash, like AppServer's."""

    def __init__(self, script: str, *, env: dict | None = None, args: tuple = ()):
        import sys

        sys.path.insert(0, str(E2E_DIR.parents[1] / "scripts"))
        from hosted import Hosted  # scripts/hosted.py

        self.hosted = Hosted(replicas=1, script=script, env=env, args=tuple(args), log_dir=RESULTS_DIR)
        self.url = self.hosted.url.rstrip("/")
        self.port = self.hosted.port

    def start(self) -> ProxiedServer:
        self.hosted.start()
        self.log_path = self.hosted.replicas[0].log_path
        return self

    def stop(self) -> None:
        self.hosted.stop()

    def log_tail(self, lines: int = 60) -> str:
        return self.hosted.log_tail(self.log_path, lines)


@pytest.fixture(scope="session")
def app_server(app_server_factory) -> AppServer:
    """The app (streamlit_app.py) on the bundled data, shared by the whole session."""
    return app_server_factory()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, shared by the session (each page gets its own context)."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


# --------------------------------------------------------------------------------------------
# Per test: pages


@pytest.fixture
def new_page(browser, request):
    """`new_page(locale="zh", color_scheme="light", viewport="desktop", **context_kwargs) -> Page`.

    A page in a fresh browser context: locale "zh" (zh-CN) or "en" (en-US) or any tag; color_scheme
    "light" or "dark"; viewport "desktop" (1280x900) or "phone" (390x844, touch). Requests that
    would leave this machine are aborted. The page is watched for errors (see PageWatch) and closed
    after the test.
    """
    allow = tuple(p for m in request.node.iter_markers("allow_page_errors") for p in m.args)
    watches = request.node.stash.setdefault(_WATCHES, [])
    contexts = []

    def make(locale: str = "zh", color_scheme: str = "light", viewport: str = "desktop", **context_kwargs):
        context = browser.new_context(**context_options(locale, color_scheme, viewport), **context_kwargs)
        context.set_default_timeout(30_000)
        context.add_init_script(INIT_SCRIPT)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(page, allow=allow)
        block_external_requests(context, watch.external_requests)
        watches.append(watch)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def open_app(new_page, request):
    """`open_app(path_and_query="/", *, server=None, page=None, **new_page_options) -> Page`.

    Opens the app at e.g. "/?zone=ganzhou&lang=en" and returns once it is idle (see wait_idle).
    `server` defaults to the session's app_server (pass one from app_server_factory for other env);
    `page` reuses an open page instead of making one from `new_page_options` (locale,
    color_scheme, viewport).
    """

    def open_(path_and_query: str = "/", *, server: AppServer | None = None, page=None, **options):
        server = server or request.getfixturevalue("app_server")
        page = page or new_page(**options)
        if not path_and_query.startswith("/"):
            path_and_query = "/" + path_and_query
        page.goto(server.url + path_and_query)
        wait_idle(page)
        for watch in request.node.stash.get(_WATCHES, []):
            if watch.page is page:
                watch.record_exceptions()
        return page

    return open_


# --------------------------------------------------------------------------------------------
# Hooks: fail on page errors, screenshot failures, refuse a run with no browser test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        result = yield
    except BaseException as exc:
        problems = [p for w in item.stash.get(_WATCHES, []) for p in w.problems()]
        if problems and hasattr(exc, "add_note"):
            exc.add_note("The page also reported:\n" + "\n".join(problems))
        raise
    problems = [p for w in item.stash.get(_WATCHES, []) for p in w.problems()]
    if problems:
        pytest.fail("The page reported errors:\n\n" + "\n\n".join(problems), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    watches = item.stash.get(_WATCHES, [])
    if report.failed and report.when in ("setup", "call") and watches:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")[:150]
        notes = []
        for i, watch in enumerate(watches):
            page = watch.page
            if page.is_closed():
                continue
            path = RESULTS_DIR / (f"{stem}.png" if len(watches) == 1 else f"{stem}-{i}.png")
            try:
                full_page_screenshot(page, path)
                notes.append(f"screenshot of {page.url}: {path}")
            except Exception as exc:  # the page may have crashed; the failure itself says more
                notes.append(f"no screenshot of {page.url}: {exc}")
            if watch.external_requests:
                notes.append("requests to other hosts (aborted): " + ", ".join(watch.external_requests[:10]))
        logs = sorted(RESULTS_DIR.glob("server-*.log"))
        if logs:
            notes.append("server logs: " + ", ".join(str(p) for p in logs))
        report.sections.append(("browser test artefacts", "\n".join(notes)))
    if report.when == "call" and report.passed and "browser" in item.keywords:
        item.config.stash[_PASSED_BROWSER_TESTS] += 1
    return report


def pytest_sessionfinish(session, exitstatus):
    # `make test` sets E2E_REQUIRED=1: a full run in which no browser test passed (all skipped,
    # deselected or not collected) must not look green.
    if os.environ.get("E2E_REQUIRED") == "1" and exitstatus == 0 and session.config.stash.get(_PASSED_BROWSER_TESTS, 0) == 0:
        writer = session.config.get_terminal_writer()
        writer.line()
        writer.line(
            "ERROR: E2E_REQUIRED=1 but no browser test passed (were they skipped, deselected or not collected?)", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
