"""Browser harness: a Streamlit server, Debian's Chromium, and waits that know Streamlit.

Shared by the browser tests and the benchmarks (`from tools.browser import ...`, with the repo root
on sys.path). Plain functions and one class, no pytest here: tests/e2e/conftest.py wraps them as
fixtures, and bench/*.py import them directly. What each wait relies on was read off Streamlit 1.67's DOM:

- `[data-testid="stApp"]` carries `data-test-script-state` (`initial` before the first run, then
  `running` / `rerunRequested` / `notRunning` / ...) and `data-test-connection-state` (`CONNECTED`).
- Vega-Lite charts (st.vega_lite_chart / st.altair_chart / st.line_chart) are
  `[data-testid="stVegaLiteChart"]` and draw into an `svg` (or `canvas`) inside it.
- A chart still loading its code is a `[data-testid="stSkeleton"]`, possibly after the run ended.
- An uncaught exception in the script shows as `[data-testid="stException"]`.
- Each websocket frame is one ForwardMsg; a run ends with a `script_finished` one (INIT_SCRIPT
  counts them, which is how `rerun` knows that the run an interaction started is over).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from tools.streamlit_cmd import streamlit_command

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "test-results"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Flags for a machine without outside network: without the background-networking ones Chromium
# keeps dialling its vendor's services and waits on refused connections. --no-sandbox because CI
# runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LOCALES = {"zh": "zh-CN", "en": "en-US"}
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
COLOR_SCHEMES = ("light", "dark")
# axe-core tags for WCAG 2.2 level A and AA (2.0, 2.1 and the 2.2 additions).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


# --------------------------------------------------------------------------------------------
# Chromium


def find_chromium() -> str:
    """Path of the system Chromium: $CHROMIUM, /usr/bin/chromium, or `chromium` on PATH."""
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise RuntimeError(
        "No Chromium found (looked at $CHROMIUM, /usr/bin/chromium, `chromium` on PATH). "
        "Install Debian's: apt-get install chromium fonts-noto-cjk  (`make test` does this as root). "
        "Playwright's own browser download does not work on this network."
    )


def launch_chromium(playwright, **kwargs):
    """Launch Debian's Chromium headless through Playwright (sync or async API alike)."""
    return playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS, **kwargs)


def context_options(locale: str = "zh", color_scheme: str = "light", viewport: str = "desktop") -> dict:
    """Keyword arguments for `browser.new_context()`.

    `locale` is a key of LOCALES ("zh", "en") or a full tag ("zh-CN"). Playwright's `locale` sets
    navigator.language and the Accept-Language header, which is what Streamlit's st.context.locale
    reads. `color_scheme` sets prefers-color-scheme, which picks [theme.light] or [theme.dark] from
    .streamlit/config.toml (theme.base is deliberately unset so this works).
    """
    if color_scheme not in COLOR_SCHEMES:
        raise ValueError(f"color_scheme must be one of {COLOR_SCHEMES}, not {color_scheme!r}")
    if viewport not in VIEWPORTS:
        raise ValueError(f"viewport must be one of {sorted(VIEWPORTS)}, not {viewport!r}")
    return {"locale": LOCALES.get(locale, locale), "color_scheme": color_scheme, **VIEWPORTS[viewport]}


# --------------------------------------------------------------------------------------------
# The Streamlit server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """`python -m streamlit run SCRIPT` on a free loopback port, started from the repo root.

    Use `AppServer(...).start()` (waits for /_stcore/health) and `.stop()`; or as a context manager.
    The server's output goes to `log_path`; a start that fails or times out raises with its tail.
    """

    def __init__(
        self,
        script: str | Path = "streamlit_app.py",
        *,
        env: dict | None = None,
        args: tuple[str, ...] = (),
        log_dir: Path = RESULTS_DIR,
        name: str = "app",
    ):
        self.script = str(script)
        self.env = dict(env or {})
        self.args = tuple(args)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"server-{name}-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> AppServer:
        cmd = streamlit_command(self.script, self.port, *self.args)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        self._log = open(self.log_path, "wb")  # noqa: SIM115  (closed by stop())
        self.proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Streamlit exited with code {self.proc.returncode} before it was healthy.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"Streamlit was not healthy on {self.url} after {timeout:.0f} s.\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return f"(no server log at {self.log_path})"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- server log {self.log_path} (last {lines} lines) ---\n{tail}"

    def rss_bytes(self) -> int:
        """Resident memory of the server process (VmRSS from /proc)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kib = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
        return kib * 1024

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# Waiting for Streamlit

# Installed in every page before any of its scripts (context.add_init_script). It reads the
# websocket: every frame is one ForwardMsg, and a script run ends with exactly one whose top-level
# field 6 is `script_finished` (field 4, `new_session`, starts one). Counting those is exact, where
# watching stApp's data-test-script-state is not: a quick (cached) rerun can go running ->
# notRunning inside one React render and never show. Times are performance.now() ms (0 =
# navigation start): the last user input, the last run's start and end, the last frame received.
INIT_SCRIPT = """
(() => {
  if (window.__e2e) return;
  const e2e = window.__e2e = {finished: 0, started: 0, lastInputAt: null, runStartedAt: null,
                              runFinishedAt: null, lastFrameAt: null, idleSince: null};
  const onInput = () => { e2e.lastInputAt = performance.now(); };
  document.addEventListener('pointerdown', onInput, true);
  document.addEventListener('keydown', onInput, true);
  const topLevelFields = (bytes) => {
    const fields = [];
    let i = 0;
    const varint = () => {
      let v = 0, m = 1, b;
      do { b = bytes[i++]; v += (b & 127) * m; m *= 128; } while (b & 128 && i < bytes.length);
      return v;
    };
    while (i < bytes.length) {
      const key = varint(), wire = key % 8;
      fields.push(Math.floor(key / 8));
      if (wire === 0) varint();
      else if (wire === 2) { const length = varint(); i += length; }  // not `i += varint()`: i is read first
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else break;
    }
    return fields;
  };
  const onFrame = (data) => {
    const now = performance.now();
    e2e.lastFrameAt = now;
    e2e.idleSince = null;
    const fields = topLevelFields(new Uint8Array(data));
    if (fields.includes(4)) { e2e.started++; e2e.runStartedAt = now; }
    if (fields.includes(6)) { e2e.finished++; e2e.runFinishedAt = now; }
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (event.data instanceof ArrayBuffer) onFrame(event.data);
        else if (event.data instanceof Blob) event.data.arrayBuffer().then(onFrame);
      });
    }
  };
})();
"""

# True (the time it became idle) once the page has been idle for `quietMs`: connected, the script
# not running, no loading skeleton or running indicator, at least `minFinished` runs finished, and
# every visible Vega chart drawn (an svg/canvas of non-zero size), and every visible custom
# component's SVG in place (the map: its component inserts the server's SVG once its code has
# loaded, just after the run; the share control: its buttons). Charts in hidden tabs are skipped.
# stSkeleton matters: a chart's code is loaded lazily, and the script can finish ("notRunning")
# while the chart is still a skeleton, several hundred ms before any stVegaLiteChart exists.
IDLE_PREDICATE = """
({quietMs, minFinished}) => {
  const e2e = window.__e2e || (window.__e2eIdle = window.__e2eIdle || {});
  const app = document.querySelector('[data-testid="stApp"]');
  let ok = !!app
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid="stAppSkeleton"], [data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]')
    && (minFinished == null || (e2e.finished || 0) >= minFinished);
  if (ok) {
    for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
      const box = chart.getBoundingClientRect();
      if (!chart.getClientRects().length || box.width === 0 || box.height === 0) continue;
      const drawn = [...chart.querySelectorAll('svg, canvas')].some(g => {
        const r = g.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
      if (!drawn) { ok = false; break; }
    }
  }
  if (ok) {
    for (const host of document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) {
      if (!host.getClientRects().length) continue;
      const svg = (host.shadowRoot || host).querySelector('svg, .jx-share');  // the share control has no SVG
      const r = svg && svg.getBoundingClientRect();
      if (!r || r.width === 0 || r.height === 0) { ok = false; break; }
    }
  }
  const now = performance.now();
  if (!ok) { e2e.idleSince = null; return false; }
  if (e2e.idleSince == null) e2e.idleSince = now;
  return now - e2e.idleSince >= quietMs ? e2e.idleSince : false;
}
"""


def wait_idle(page, *, timeout: float = 30_000, quiet_ms: float = 150, min_runs: int | None = None) -> float:
    """Wait until Streamlit is idle: script finished, connected, every visible chart drawn.

    The state must hold, with no websocket frame arriving, for `quiet_ms`, so a rerun that an
    interaction has just asked for is not mistaken for idle; pass `min_runs` (see `run_count`) to
    require that a given number of script runs have finished (`rerun` does). Returns the page-clock time
    (performance.now() ms) at which the page became idle. Raises TimeoutError with the page's state.
    """
    page.evaluate("() => { for (const o of [window.__e2e, window.__e2eIdle]) if (o) o.idleSince = null; }")
    try:
        handle = page.wait_for_function(
            IDLE_PREDICATE, arg={"quietMs": quiet_ms, "minFinished": min_runs}, polling="raf", timeout=timeout
        )
    except Exception as exc:  # Playwright's TimeoutError; say what the page looked like
        raise TimeoutError(f"Streamlit page not idle after {timeout / 1000:.0f} s: {_idle_state(page)}") from exc
    return float(handle.json_value())


async def wait_idle_async(page, *, timeout: float = 60_000, quiet_ms: float = 150, min_runs: int | None = None) -> float:
    """`wait_idle` for Playwright's async API (the benchmarks drive many pages at once)."""
    await page.evaluate("() => { for (const o of [window.__e2e, window.__e2eIdle]) if (o) o.idleSince = null; }")
    handle = await page.wait_for_function(
        IDLE_PREDICATE, arg={"quietMs": quiet_ms, "minFinished": min_runs}, polling="raf", timeout=timeout
    )
    return float(await handle.json_value())


async def run_count_async(page) -> int:
    """`run_count` for Playwright's async API."""
    return int(await page.evaluate(_RUN_COUNT_JS))


def _idle_state(page) -> str:
    try:
        return json.dumps(
            page.evaluate("""() => {
          const app = document.querySelector('[data-testid="stApp"]');
          const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
          return {url: location.href,
                  scriptState: app && app.getAttribute('data-test-script-state'),
                  connection: app && app.getAttribute('data-test-connection-state'),
                  skeleton: !!document.querySelector('[data-testid="stAppSkeleton"], [data-testid="stSkeleton"]'),
                  charts: charts.length,
                  chartsWithoutDrawing: charts.filter(c => !c.querySelector('svg, canvas')).length,
                  runsFinished: window.__e2e && window.__e2e.finished};
        }""")
        )
    except Exception as exc:  # the page may be gone
        return f"(state unavailable: {exc})"


_RUN_COUNT_JS = "() => (window.__e2e && window.__e2e.finished) || 0"


def run_count(page) -> int:
    """How many script runs have finished in this page so far."""
    return int(page.evaluate(_RUN_COUNT_JS))


def rerun(page, action, *, timeout: float = 30_000) -> float:
    """Do `action()` (a click, a key press...) and wait for the rerun it causes to finish and draw.

    Returns the page-clock time at which the page was idle again.
    """
    before = run_count(page)
    action()
    return wait_idle(page, timeout=timeout, min_runs=before + 1)


def app_exceptions(page) -> list[str]:
    """Text of every exception box Streamlit shows in the page."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def _grow_to_content(page) -> bool:
    """Make the viewport as tall as the app's content (Streamlit scrolls inside its own container,
    so the page itself looks one screen tall); True if it grew. Callers restore the size."""
    original = page.viewport_size
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...[...document.querySelectorAll('*')].filter(e => e.scrollHeight > e.clientHeight + 1
           && /(auto|scroll)/.test(getComputedStyle(e).overflowY)).map(e => e.scrollHeight))""")
    if original and height > original["height"]:
        page.set_viewport_size({"width": original["width"], "height": min(int(height) + 40, 12_000)})
        return True
    return False


def full_page_screenshot(page, path: str | Path) -> Path:
    """Screenshot the whole app. Streamlit scrolls inside its own container, so Playwright's
    full_page only sees the viewport: grow the viewport to the content first, then restore it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    try:
        _grow_to_content(page)
        page.screenshot(path=str(path), full_page=True)
    finally:
        if original and page.viewport_size != original:
            page.set_viewport_size(original)
    return path


# --------------------------------------------------------------------------------------------
# Errors a page reports


def is_local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error", ""):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


class PageWatch:
    """Collects what a page reports that should fail a test: uncaught page errors, console errors,
    and exception boxes (checked by `problems()`).

    Allow-list (documented, deliberately small): a console error is network noise, not a bug, when
    it is Chromium's "Failed to load resource" for a URL outside this machine. Every such request
    is aborted by `block_external_requests` (this network has nowhere else to go), so it can only
    come from the closed network. Everything else counts. `allow` adds regexes for one test.
    """

    NETWORK_NOISE = re.compile(r"^Failed to load resource\b")

    def __init__(self, page, allow: tuple[str, ...] = ()):
        self.page = page
        self.allow = [re.compile(p) for p in allow]
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external_requests: list[str] = []
        self.exceptions_seen: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.page_errors.append(f"{err.name}: {err.message}\n{err.stack or ''}".strip()))

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if self.NETWORK_NOISE.match(msg.text) and where and not is_local_url(where):
            return
        self.console_errors.append(f"{msg.text}  (at {where or 'unknown'})")

    def _allowed(self, text: str) -> bool:
        return any(p.search(text) for p in self.allow)

    def record_exceptions(self) -> None:
        """Note the exception boxes the page shows now (open_app does after every navigation, so a
        page that is navigated again still fails for what it showed before)."""
        try:
            if not self.page.is_closed():
                for text in app_exceptions(self.page):
                    if text not in self.exceptions_seen:
                        self.exceptions_seen.append(text)
        except Exception:  # a crashed page cannot be asked; its page errors say why
            pass

    def problems(self) -> list[str]:
        self.record_exceptions()
        out = []
        out += [f"Streamlit exception shown in the page:\n{t}" for t in self.exceptions_seen if not self._allowed(t)]
        out += [f"page error (uncaught in the browser): {t}" for t in self.page_errors if not self._allowed(t)]
        out += [f"console error: {t}" for t in self.console_errors if not self._allowed(t)]
        return out


def block_external_requests(context, record: list[str] | None = None) -> None:
    """Abort every request that would leave this machine (recording its URL), so a test never
    waits on the closed network and never depends on the outside world."""

    def handle(route):
        if record is not None:
            record.append(route.request.url)
        route.abort()

    context.route(lambda url: not is_local_url(url), handle)


# --------------------------------------------------------------------------------------------
# Accessibility (axe-core from node_modules, pinned in package.json)


def axe_violations(page, impacts=("serious", "critical"), *, tags=WCAG_TAGS, include: str | None = None) -> list[dict]:
    """Run axe-core in `page` for the WCAG 2.2 A/AA rules and return its violations of the given
    impacts, each as {id, impact, help, helpUrl, nodes: [{target, html, summary}]}.

    The viewport is grown to the content first, so axe sees every element as it is drawn (Streamlit
    scrolls inside its own container, and off-screen text can't have its contrast measured).
    """
    if not AXE_JS.is_file():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` (make test does).")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through DevTools, not added as a <script>: a page under a Content-Security-Policy
        # (the hosted page, tests/e2e with E2E_PROXY=1) refuses an inline script tag.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    original = page.viewport_size
    try:
        if _grow_to_content(page):
            wait_idle(page, quiet_ms=300)
        result = page.evaluate(
            """async ({tags, include}) => {
                 const r = await axe.run(include ? document.querySelector(include) : document,
                                         {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
                 return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                   nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 300),
                                             summary: n.failureSummary}))}));
               }""",
            {"tags": list(tags), "include": include},
        )
    finally:
        if original and page.viewport_size != original:
            page.set_viewport_size(original)
    return [v for v in result if v["impact"] in impacts]


def format_violations(violations: list[dict]) -> str:
    """Readable text of axe violations: rule, impact, help link, then each node's selector and why."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}  ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {' >>> '.join(map(str, node['target']))}")
            lines.append(f"       {node['html']}")
            for reason in (node["summary"] or "").splitlines():
                lines.append(f"       {reason.strip()}")
    return "\n".join(lines)
