"""The app as it is hosted (scripts/hosted.py, `make hosted`): Debian's nginx under /jx-zones/ in front
of two Streamlit replicas with cookie-sticky sessions. Everything works under the sub-path, uploads
work in fresh sessions on every replica, a copied link opens the same view, and when a replica stops
its pages reconnect through the proxy to another one and show the same view.

nginx adds `X-Jx-Replica` (the replica's address) to every response in this local setup only; the
tests read it to know which replica served what.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tools.browser import REPO_ROOT, RESULTS_DIR, run_count, wait_idle

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import hosted as hosting  # noqa: E402  (scripts/hosted.py)

BASE = "jx-zones"
REPLICAS = 2  # the issue asks for 2-3; two keep this module near a minute on a 2-core machine
MAP = ".jx-map"  # the map component's box (in its shadow root; Playwright's CSS pierces it)
# Playwright's expect() waits 5 s by default: too short for a first run on a busy 2-core machine.
WAIT = 30_000
HEADER = "zone_id,year,metric,industry,value,unit,qualifier,source_title,source_url,source_date,note"


@pytest.fixture(scope="module")
def hosted():
    try:
        hosting.find_nginx()
    except RuntimeError as exc:  # `make test` installs it first (scripts/ensure-hosting-deps.sh)
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    with hosting.Hosted(replicas=REPLICAS, base_path=BASE, log_dir=RESULTS_DIR) as running:
        yield running


class Served:
    """Every response a page got from the proxy, with the replica that answered it."""

    def __init__(self, page, hosted):
        self.origin = f"http://127.0.0.1:{hosted.port}"
        self.hosted = hosted
        self.responses: list[tuple[str, int, str]] = []  # (url, status, replica index)
        self.requests: list[str] = []
        self.websockets: list[str] = []
        page.context.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: self.websockets.append(ws.url))
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        if response.url.startswith(self.origin):
            addr = (response.headers.get(hosting.REPLICA_HEADER.lower()) or "").split(",")[-1].strip()
            index = next((r.index for r in self.hosted.replicas if r.address == addr), None)
            self.responses.append((response.url, response.status, index))

    def replicas(self, since: int = 0) -> set:
        """Replicas that answered the page's proxied requests (what nginx answers itself has no
        replica and is left out: redirects, and the icon font subset it serves from its own file)."""
        return {i for url, status, i in self.responses[since:] if status != 301 and "/static/media/MaterialSymbols-" not in url}

    def outside(self) -> list[str]:
        own = ("data:", "blob:", self.origin + "/")
        return [u for u in self.requests + [w.replace("ws://", "http://", 1) for w in self.websockets] if not u.startswith(own)]


def open_hosted(
    new_page,
    hosted,
    path_and_query: str = "",
    *,
    route_to: int | None = None,
    url: str | None = None,
    idle: bool = True,
    **options,
):
    """A page in a fresh browser context on the hosted app (at hosted.url + path_and_query, or
    `url`). `route_to` gives the context the route cookie of that replica before the first request
    (else nginx picks one and sets the cookie). `idle=False` returns once the app is connected and
    has run, without waiting for every chart to draw."""
    page = new_page(**options)
    if route_to is not None:
        page.context.add_cookies([{"name": hosting.ROUTE_COOKIE, "value": hosted.route_cookie(route_to), "url": hosted.url}])
    served = Served(page, hosted)
    page.goto(url or hosted.url + path_and_query)
    if idle:
        wait_idle(page)
    else:
        app = page.get_by_test_id("stApp")
        expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=WAIT)
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=WAIT)
    return page, served


def query(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def route_of(page, hosted) -> int | None:
    cookie = next((c["value"] for c in page.context.cookies() if c["name"] == hosting.ROUTE_COOKIE), None)
    return hosted.replica_for(cookie) if cookie else None


def share_box(page):
    """The link the share control shows beside the view (what its copy button copies)."""
    return page.locator(".jx-share a.link")


def share_link(page, expected: str) -> str:
    """What the share control shows, once it shows `expected` (its text follows each rerun)."""
    expect(share_box(page)).to_have_text(expected, timeout=WAIT)
    return share_box(page).inner_text().strip()


def eventually(probe, page, timeout: float = 15.0):
    """probe()'s first truthy value within `timeout` s (the page's events keep arriving meanwhile),
    else its last value."""
    deadline = time.monotonic() + timeout
    while not (value := probe()) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return value


def city_names(page) -> set[str]:
    labels = page.locator(f"{MAP} path[aria-label*='市']").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    return {label.split(":")[0] for label in labels if label.split(":")[0].endswith("市")}


def upload_box(page):
    expander = page.get_by_test_id("stExpander").filter(has_text="使用自己的数据")
    if not expander.locator('[data-testid="stFileUploaderDropzoneInput"]').is_visible():
        expander.locator("summary").click()
    return expander


# --------------------------------------------------------------------------------------------


def test_the_page_map_click_share_link_language_and_download_work_under_the_sub_path(new_page, hosted):
    page, served = open_hosted(new_page, hosted, locale="zh")
    origin = served.origin
    assert page.url == f"{origin}/{BASE}/"

    # The map: drawn on the server, its eleven cities arrive with the page.
    assert eventually(lambda: len(city_names(page)) == 11, page), city_names(page)

    # A click on a zone point, then on its card's filter button, writes the view into the URL under the sub-path.
    page.locator(f'{MAP} path[aria-label^="赣州高新区:"]').first.click()
    page.locator(".jx-card:not([hidden]) button.act").click()
    page.wait_for_url(f"{origin}/{BASE}/?zone=ganzhou")
    wait_idle(page)
    expect(page.get_by_role("heading", name="赣州高新区概况")).to_be_visible(timeout=WAIT)
    # The share control shows the public URL with the sub-path, exactly as the browser shows it.
    assert share_link(page, f"{origin}/{BASE}/?zone=ganzhou") == f"{origin}/{BASE}/?zone=ganzhou"

    # Language switch.
    page.get_by_test_id("stButtonGroup").get_by_text("English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    wait_idle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jiangxi National High-tech Zones", timeout=WAIT)
    assert query(page) == {"zone": ["ganzhou"], "lang": ["en"]}
    assert share_link(page, f"{origin}/{BASE}/?zone=ganzhou&lang=en") == f"{origin}/{BASE}/?zone=ganzhou&lang=en"

    # Downloads come from the replica that holds the session (its in-memory media files).
    expander = page.get_by_test_id("stExpander").filter(has_text="Use your own data")
    button = expander.get_by_test_id("stDownloadButton").filter(has_text="CSV").first
    if not button.is_visible():
        expander.locator("summary").click()
    expect(button).to_be_visible(timeout=WAIT)  # open and drawn before the click, so the click lands
    wait_idle(page)
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.url.startswith(f"{origin}/{BASE}/")
    assert download.failure() is None
    assert Path(download.path()).read_bytes().lstrip(b"\xef\xbb\xbf").startswith(HEADER.encode()[:20])

    # A picture (built on click by the replica that holds the session) through the proxy and its
    # CSP: its QR code reads back to the public link under the sub-path.
    link = share_link(page, f"{origin}/{BASE}/?zone=ganzhou&lang=en")
    page.get_by_role("button", name="Save picture (SVG/PNG)", exact=True).first.click()
    expect(page.get_by_role("button", name="Save picture PNG", exact=True)).to_be_visible(timeout=WAIT)
    wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Save picture PNG", exact=True).click()
    assert info.value.failure() is None and info.value.url.startswith(f"{origin}/{BASE}/")
    picture = Image.open(info.value.path())
    assert [code.text for code in zxingcpp.read_barcodes(picture)] == [link]

    # Sticky: page, assets, static file, download all came from one replica; no outside host.
    assert len(served.replicas()) == 1 and None not in served.replicas(), served.responses
    assert served.websockets and all(
        w.startswith(f"ws://127.0.0.1:{hosted.port}/{BASE}/_stcore/stream") for w in served.websockets
    )
    assert served.outside() == []


def test_a_link_without_the_slash_keeps_its_query_and_a_copied_link_opens_the_same_view(new_page, hosted):
    origin = f"http://127.0.0.1:{hosted.port}"
    # A link typed or shared without the slash: the redirect keeps the query, so the view too.
    first, _ = open_hosted(new_page, hosted, url=f"{origin}/{BASE}?zone=jian", locale="zh")
    assert first.url == f"{origin}/{BASE}/?zone=jian"
    expect(first.get_by_role("heading", name="吉安高新区概况")).to_be_visible(timeout=WAIT)
    # The share control's link, pasted into a fresh browser: nothing carried over, the same view.
    link = share_link(first, f"{origin}/{BASE}/?zone=jian")
    second = new_page(locale="zh")
    second.goto(link)
    wait_idle(second)
    assert second.url == link
    expect(second.get_by_role("heading", name="吉安高新区概况")).to_be_visible(timeout=WAIT)
    expect(second.get_by_test_id("stMultiSelect").first).to_contain_text("吉安高新区", timeout=WAIT)


def test_uploads_succeed_in_six_fresh_sessions_spread_over_every_replica(new_page, hosted):
    """Four sessions arrive with no cookie (nginx picks a replica and sets one); two carry the
    cookie of each replica in turn, so every replica takes uploads whatever the hash does."""
    landed = []
    for n, route_to in enumerate([None, 0, None, 1, None, None]):
        # Yingtan's industrial revenue: one figure, so the headline shows the uploaded value
        page, served = open_hosted(
            new_page, hosted, "?zone=yingtan&metric=industrial_revenue", route_to=route_to, idle=False, locale="zh"
        )
        value = 1300 + n
        csv = f"{HEADER}\nyingtan,2024,industrial_revenue,,{value},亿元,exact,会话 {n} 的统计,,2025-02,测试数据\n"
        box = upload_box(page)
        box.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": f"session{n}.csv", "mimeType": "text/csv", "buffer": csv.encode("gb18030")}]
        )
        expect(page.get_by_test_id("stAlert").filter(has_text=f"session{n}.csv")).to_contain_text("1", timeout=WAIT)
        expect(page.get_by_test_id("stMetric").first).to_contain_text(f"{value:,} 亿元", timeout=WAIT)
        uploads = [(s, i) for u, s, i in served.responses if "/_stcore/upload_file/" in u]
        assert uploads and all(s < 300 for s, _ in uploads), uploads
        assert len(served.replicas()) == 1, f"session {n} was served by several replicas: {served.responses}"
        replica = served.replicas().pop()
        assert route_to is None or replica == route_to
        assert route_of(page, hosted) == replica  # its cookie routes to where its session is
        landed.append(replica)
        page.context.close()
    assert set(landed) == set(range(REPLICAS))


CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
window.__cls = 0;
new PerformanceObserver((list) => list.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__cls += e.value; }))
  .observe({type: "layout-shift", buffered: true});
"""
RESERVED = {"share", "map", "chart_by_zone", "chart_over_years"}  # deploy/nginx/jx-zones.conf's sizes


# The control at the end provokes one violation on purpose (Chromium logs it as a console error);
# any violation before it fails the test through window.__csp.
@pytest.mark.allow_page_errors(r"^Executing inline script violates the following Content Security Policy directive")
def test_on_a_phone_through_the_proxy_the_page_is_compressed_uses_system_fonts_and_breaks_no_csp_rule(new_page, hosted):
    """Issue 23: what travels, what the browser enforces and what moves, on the real page through nginx."""
    page = new_page(locale="zh", viewport="phone")
    page.add_init_script(CSP_WATCH)
    served = Served(page, hosted)
    encodings: dict[str, str | None] = {}
    page.on("response", lambda r: encodings.__setitem__(r.url, r.headers.get("content-encoding")))
    first = page.goto(hosted.url)
    assert "default-src 'self'" in (first.headers.get("content-security-policy") or "")
    wait_idle(page)
    assert eventually(lambda: len(city_names(page)) == 11, page), city_names(page)  # the map (a blob: script) drew
    static = Path(__import__("streamlit").__file__).parent / "static"
    scripts = {u: (static / u.split(f"/{BASE}/", 1)[1]).stat().st_size for u in encodings if "/static/js/" in u}
    plain = [u for u, size in scripts.items() if encodings[u] != "br" and size >= 1024]  # brotli_min_length
    assert len(scripts) > 20 and not plain, plain
    assert not [u for u in served.requests if "SourceSans" in u or "SourceCode" in u]  # system fonts serve
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith("system-ui")
    assert page.evaluate("window.__csp") == []
    # Streamlit's icons draw from the proxy's icon subset (scripts/icon_font.py): each icon on the
    # page is one glyph wide, where its name in a text font is a word (the control beside it).
    icon_font = [u for u in served.requests if "/static/media/MaterialSymbols-" in u]
    assert len(icon_font) == 1 and encodings.get(icon_font[0]) is None
    assert page.evaluate(
        "document.fonts.ready.then(() => document.fonts.check('24px \"Material Symbols Rounded\"', 'expand_more'))"
    )
    icons = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stIconMaterial"]')].filter((e) => e.getClientRects().length)
             .map((e) => { const s = getComputedStyle(e), w = document.createElement('span');
               w.style.font = s.fontSize + ' system-ui'; w.textContent = e.textContent; document.body.append(w);
               const g = document.createRange(); g.selectNodeContents(e);  // the glyphs' run, not the box (Streamlit fixes its size)
               const r = [e.textContent, g.getBoundingClientRect().width, parseFloat(s.fontSize), w.getBoundingClientRect().width];
               w.remove(); return r; })"""
    )
    assert icons, "no Material icon in view"
    for name, width, size, as_text in icons:
        assert 0.75 * size <= width <= 1.25 * size < as_text, (name, width, size, as_text)
    # Nothing moved once drawn: the proxy's reserved sizes are the drawn ones (each SVG's ratio,
    # the share control's height at least), and the layout shift stays "good".
    page.wait_for_timeout(1000)
    drawn = page.evaluate(
        """(keys) => Object.fromEntries(keys.map((k) => { const e = document.querySelector('.st-key-' + k);
             const s = getComputedStyle(e); return [k, [s.aspectRatio, s.minHeight]]; }))""",
        sorted(RESERVED),
    )
    for key in ("map", "chart_by_zone", "chart_over_years"):
        box = page.locator(f".st-key-{key} .jx-svg svg").first.get_attribute("viewBox").split()
        assert drawn[key][0] == f"{box[2]} / {box[3]}", (
            f"the first view's {key} is drawn {box[2]}x{box[3]} now: set `.st-key-{key}{{aspect-ratio:{box[2]}/{box[3]}}}` "
            f"in deploy/nginx/jx-zones.conf (reserved: {drawn[key][0]})"
        )
    assert drawn["share"][1] == "68px"
    assert page.evaluate("window.__cls") <= 0.1
    # Control: the policy is enforced, and a violation would have been seen above.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.head.append(s); }"
    )
    assert eventually(lambda: page.evaluate("window.__csp.length") == 1, page, timeout=5)
    assert page.evaluate("window.__ran") is None


def connected_again(page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=60_000)
    wait_idle(page, timeout=60_000)


def test_when_a_replica_stops_its_pages_reconnect_to_another_and_the_first_click_works(new_page, hosted):
    """Runs last in this module: it stops replica 0 for good.

    Streamlit's page does not rerun when it reconnects, so the first click there is the new
    session's first run, and Streamlit runs no on_change for it (tests/e2e/apps/reconnect_probe.py
    and the test below show both); the app takes the widgets the page sent over the URL's view
    (dashboard/app.py init_filters)."""
    doomed, doomed_served = open_hosted(new_page, hosted, "?zone=ganzhou", route_to=0, locale="zh")
    mapped, mapped_served = open_hosted(new_page, hosted, "?zone=ganzhou", route_to=0, locale="zh")
    sources, sources_served = open_hosted(new_page, hosted, "?zone=ganzhou&tab=sources", route_to=0, locale="zh")
    other, other_served = open_hosted(new_page, hosted, "?zone=yingtan", route_to=1, locale="zh")
    assert doomed_served.replicas() == mapped_served.replicas() == sources_served.replicas() == {0}
    assert other_served.replicas() == {1}
    before = len(doomed_served.responses)
    websockets_before = len(doomed_served.websockets)

    hosted.stop_replica(0)
    assert not hosted.replicas[0].alive()
    started = time.monotonic()

    # The page on replica 1 carries on: a click still reruns there, and its socket never dropped.
    other.get_by_test_id("stButtonGroup").get_by_text("English").click()
    other.wait_for_url(re.compile(r"lang=en"))
    wait_idle(other)
    expect(other.get_by_role("heading", name="Yingtan HTZ: profile")).to_be_visible(timeout=WAIT)
    assert len(other_served.websockets) == 1

    # The page on replica 0 reconnects through the proxy to another replica ...
    connected_again(doomed)
    reconnect_s = time.monotonic() - started
    assert len(doomed_served.websockets) == websockets_before + 1
    assert doomed_served.websockets[-1].startswith(f"ws://127.0.0.1:{hosted.port}/{BASE}/")
    expect(doomed.get_by_role("heading", name="赣州高新区概况")).to_be_visible(timeout=WAIT)

    # ... and its first click there works: the view changes, and keeps the zone the URL had.
    doomed.get_by_test_id("stButtonGroup").get_by_text("English").click()
    doomed.wait_for_url(re.compile(r"lang=en"), timeout=WAIT)
    wait_idle(doomed, timeout=60_000)
    expect(doomed.get_by_role("heading", name="Ganzhou HTZ: profile")).to_be_visible(timeout=WAIT)
    expect(doomed.get_by_test_id("stMultiSelect").first).to_contain_text("Ganzhou", timeout=WAIT)
    assert query(doomed) == {"zone": ["ganzhou"], "lang": ["en"]}
    # Requests to the app itself (not the browser's cached static files) now reach another replica.
    after = {i for url, status, i in doomed_served.responses[before:] if "/_stcore/" in url}
    assert after and 0 not in after, doomed_served.responses[before:]

    # The next click works too.
    doomed.get_by_test_id("stButtonGroup").get_by_text("中文").click()
    doomed.wait_for_url(re.compile(r"\?zone=ganzhou$"), timeout=WAIT)
    wait_idle(doomed)
    expect(doomed.get_by_role("heading", name="赣州高新区概况")).to_be_visible(timeout=WAIT)

    # A first pick on the map of a reconnected page works as well (a zone point, then its card's
    # filter button): Yingtan joins Ganzhou.
    connected_again(mapped)
    mapped.locator(f'{MAP} path[aria-label^="鹰潭高新区:"]').first.click()
    mapped.locator(".jx-card:not([hidden]) button.act").click()
    mapped.wait_for_url(re.compile(r"yingtan"), timeout=WAIT)
    wait_idle(mapped, timeout=60_000)
    assert sorted(query(mapped)["zone"]) == ["ganzhou", "yingtan"]
    expect(mapped.get_by_test_id("stMultiSelect").first).to_contain_text("鹰潭高新区", timeout=WAIT)

    # So does a first switch of "show all sources" (drawn only in its tab, seeded from the view).
    connected_again(sources)
    sources.get_by_text("显示全部来源").click()
    sources.wait_for_url(re.compile(r"sources=all"), timeout=WAIT)
    wait_idle(sources, timeout=60_000)
    assert query(sources) == {"zone": ["ganzhou"], "tab": ["sources"], "sources": ["all"]}
    expect(sources.get_by_role("switch", name="显示全部来源")).to_be_checked()
    print(f"reconnected to replica {sorted(after)} {reconnect_s:.1f} s after replica 0 stopped")


def test_streamlit_itself_runs_no_on_change_for_a_reconnected_pages_first_click(new_page):
    """Why the app needs the care above, on the smallest page (tests/e2e/apps/reconnect_probe.py):
    a page that reconnected to another replica is not rerun, and the click that starts the new
    session's first run reaches the widget without its on_change. Streamlit 1.67's behaviour: if this
    test fails after an upgrade, Streamlit changed it and init_filters' care may be dropped."""
    with hosting.Hosted(replicas=2, base_path=BASE, log_dir=RESULTS_DIR, script="tests/e2e/apps/reconnect_probe.py") as probe:
        page, _ = open_hosted(new_page, probe, route_to=0, locale="en")
        status = page.get_by_text("runs in this session")
        expect(status).to_have_text("runs in this session: 1 · value: one · on_change ran: False", timeout=WAIT)
        runs = run_count(page)

        probe.stop_replica(0)
        connected_again(page)
        page.wait_for_timeout(1000)
        assert run_count(page) == runs  # reconnected, and no run asked for

        page.get_by_test_id("stButtonGroup").get_by_text("two").click()
        # The new session's first run: the value the page sent, no callback.
        expect(status).to_have_text("runs in this session: 1 · value: two · on_change ran: False", timeout=WAIT)
        wait_idle(page)
        # From the next click on, callbacks run as usual.
        page.get_by_test_id("stButtonGroup").get_by_text("one").click()
        expect(status).to_have_text("runs in this session: 2 · value: one · on_change ran: True", timeout=WAIT)
        page.context.close()  # before the proxy stops, or the page logs its failed reconnects
