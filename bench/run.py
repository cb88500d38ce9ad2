"""Benchmark: the dashboard against Streamlit's floor (bench/bare_app.py), in Debian's Chromium.

    python bench/run.py            # make bench: the table of metrics against budgets
    python bench/run.py --load     # make load: 10 browser users at once against one app server

All traffic goes to 127.0.0.1; every loop is bounded and every wait has a timeout. How to read the
output: bench/README.md. Exit code 1 when a budget is missed (or, with --load, on any error).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from lighthouse import table  # noqa: E402  (bench/ is on sys.path: this script's folder)
from playwright.async_api import async_playwright  # noqa: E402

from tools.browser import (  # noqa: E402
    INIT_SCRIPT,
    AppServer,
    context_options,
    launch_chromium,
)
from tools.browser import run_count_async as run_count  # noqa: E402
from tools.browser import wait_idle_async as wait_idle  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
APP, BARE = "streamlit_app.py", "bench/bare_app.py"
ABLATE = "bench/ablate_app.py"  # the app with sections left out (BENCH_DROP): where the load goes
MAP_ZONE = "赣州高新区"  # the zone point the rerun measurement clicks on the real app's map


# --------------------------------------------------------------------------------------------
# One page: load, wait, interact (async Playwright, so --load can drive many pages at once)


async def pick_interaction(page, prefer_map: bool):
    """(description, async action) for one interaction that makes the script rerun."""
    if prefer_map:
        # The map's zone marks are labelled "赣州高新区: …"; other charts may mention the zone too.
        point = page.locator(f'.jx-map path[aria-label^="{MAP_ZONE}:"]')
        if await point.count():
            card_button = page.locator(".jx-card:not([hidden]) button.act")

            async def pick():  # a click opens the zone's value card (no rerun); its button filters
                await point.first.click(timeout=10_000)
                await card_button.click(timeout=10_000)

            return f"map: click on the zone point {MAP_ZONE}, then its card's filter button", pick
    slider = page.locator('[data-testid="stSlider"] input[type="range"]')
    if await slider.count():

        async def step():
            await slider.first.focus()
            await page.keyboard.press("ArrowRight")

        return "slider: one step with ArrowRight", step
    for testid, what in (("stCheckbox", "checkbox"), ("stButton", "button")):
        widget = page.locator(f'[data-testid="{testid}"] label, [data-testid="{testid}"] button')
        if await widget.count():
            return f"first {what}: click", lambda widget=widget: widget.first.click(timeout=10_000)

    async def rerun_key():
        await page.locator("body").focus()
        await page.keyboard.press("r")

    return "keyboard 'r' (Streamlit's rerun shortcut; no widget found)", rerun_key


@dataclass
class Visit:
    load_ms: float = 0.0
    ws_bytes: int = 0
    ws_by_kind: dict[str, int] = field(default_factory=dict)  # first render's bytes by message kind
    reruns_ms: list[float] = field(default_factory=list)
    reruns_server_ms: list[float] = field(default_factory=list)  # input -> script_finished received
    rerun_ws_bytes: list[int] = field(default_factory=list)
    interaction: str = ""
    tab_ms: float | None = None  # input -> idle after clicking the second [role=tab] under the map
    tab_server_ms: float | None = None
    tab_ws_bytes: int | None = None
    tab: str = ""  # which tab was opened, or why none was
    # The page's main thread until idle (Chromium's Performance.getMetrics, ms): busy, of it
    # scripting, and style + layout. Far less moved by a busy machine than wall time.
    cpu_ms: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


async def open_second_tab(page, out: Visit, counting: dict) -> None:
    """Click the page's second tab (st.tabs under the map) and wait until its rerun has drawn.

    Tabs made with `on_change="rerun"` run their code when opened, so the click starts a rerun. A tab
    click that starts none (plain st.tabs: everything is already drawn) is timed to idle all the same
    and said so."""
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')
    count = await tabs.count()
    if count < 2:
        out.tab = "no tabs"
        return
    target = tabs.nth(1)
    label = (await target.inner_text()).strip()
    before = await run_count(page)
    counting["rerun"] = 0
    await target.click(timeout=10_000)
    try:
        idle_at = await wait_idle(page, min_runs=before + 1, timeout=15_000)
        note = ""
    except Exception:
        idle_at = await wait_idle(page, timeout=15_000)
        note = " (the click started no rerun)"
    marks = await page.evaluate("() => window.__e2e")
    out.tab_ms = idle_at - marks["lastInputAt"]
    out.tab_server_ms = (marks["runFinishedAt"] - marks["lastInputAt"]) if not note else None
    out.tab_ws_bytes = counting["rerun"]
    query = await page.evaluate("() => location.search")
    out.tab = f"second of {count} tabs: {label!r}{note}; URL then {query or '(no query)'}"


async def visit(browser, server: AppServer, *, prefer_map: bool, interactions: int = 1, open_tab: bool = False) -> Visit:
    """A cold visit (fresh context: no cache, no cookies): load to idle, then `interactions` reruns,
    then (`open_tab`) a click on the second tab under the map."""
    out = Visit()
    context = await browser.new_context(**context_options("zh", "light", "desktop"))
    await context.add_init_script(INIT_SCRIPT)
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Performance.enable")
    counting = _count_frames(page, out)
    page.on("pageerror", lambda err: out.errors.append(f"page error: {err.message}"))
    page.on("console", lambda msg: out.errors.append(f"console error: {msg.text}") if msg.type == "error" else None)
    try:
        await page.goto(server.url + "/", timeout=60_000)
        out.load_ms = await wait_idle(page)  # page clock: ms since navigation start
        metrics = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
        out.cpu_ms = {
            "busy": metrics.get("TaskDuration", 0) * 1000,
            "script": metrics.get("ScriptDuration", 0) * 1000,
            "layout": (metrics.get("LayoutDuration", 0) + metrics.get("RecalcStyleDuration", 0)) * 1000,
        }
        counting["on"] = False
        out.interaction, action = await pick_interaction(page, prefer_map)
        for _ in range(interactions):
            await _timed_rerun(page, action, out, counting)
        if open_tab:
            await open_second_tab(page, out, counting)
        out.errors += [f"exception: {t}" for t in await page.locator('[data-testid="stException"]').all_inner_texts()]
    except Exception as exc:  # a timeout is a result too: count it, keep going
        out.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()
    return out


def _count_frames(page, out: Visit) -> dict:
    """Count the page's websocket frames: into `out` (bytes, and bytes by message kind) while the
    returned switch's "on" is true, else into its "rerun" counter."""
    counting = {"on": True, "rerun": 0}

    def on_ws(ws):
        def frame(payload):
            size = len(payload) if isinstance(payload, bytes) else len(payload.encode())
            if counting["on"]:
                out.ws_bytes += size
                kind = message_kind(payload)
                out.ws_by_kind[kind] = out.ws_by_kind.get(kind, 0) + size
            else:
                counting["rerun"] += size

        ws.on("framereceived", frame)

    page.on("websocket", on_ws)
    return counting


async def _timed_rerun(page, action, out: Visit, counting: dict) -> None:
    """One interaction: the rerun it starts, timed from the input to idle and to script_finished,
    and its websocket bytes, appended to `out`."""
    before = await run_count(page)
    counting["rerun"] = 0
    await action()
    idle_at = await wait_idle(page, min_runs=before + 1, timeout=30_000)
    marks = await page.evaluate("() => window.__e2e")
    out.reruns_ms.append(idle_at - marks["lastInputAt"])
    out.reruns_server_ms.append(marks["runFinishedAt"] - marks["lastInputAt"])
    out.rerun_ws_bytes.append(counting["rerun"])


def message_kind(payload) -> str:
    """What a websocket frame carries: the ForwardMsg type, and for an element its kind."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        msg = ForwardMsg.FromString(payload if isinstance(payload, bytes) else payload.encode())
    except Exception:
        return "unparsed"
    kind = msg.WhichOneof("type") or "empty"
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        kind = msg.delta.new_element.WhichOneof("type") or "element"
    return kind


# --------------------------------------------------------------------------------------------
# make bench


def script_rerun_ms(script: str, env: dict | None = None) -> dict:
    """Median at.run() time with warm caches, in a fresh process (bench/script_rerun.py)."""
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "script_rerun.py"), script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode:
        raise RuntimeError(f"script_rerun.py {script} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median(values):
    return statistics.median(values) if values else float("nan")


def p95(values):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def machine_note() -> str:
    """Date, load and cores: every figure from this shared machine carries them."""
    try:
        uptime = subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        uptime = f"load average {os.getloadavg()[0]:.2f}"
    return f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores; uptime: {uptime}"


async def bench(loads: int, *, app_script: str = APP, app_env: dict | None = None, lighthouse_runs: int = 5) -> int:
    """The app against a bare Streamlit page: `loads` cold loads of each (alternating), their
    reruns and a tab, RSS, the script's own rerun time and (`lighthouse_runs` > 0) Lighthouse.
    Prints the table and the README lines, writes the raw numbers to test-results/; returns the
    exit code: 0 when every budget holds and no page had an error, else 1."""
    started_note, load_before = machine_note(), os.getloadavg()[0]
    results: dict = {"app": {"script_path": app_script, "env": app_env or {}}, "bare": {}}
    lighthouse_text, lighthouse_ok = "", True
    with (
        AppServer(app_script, env=app_env, log_dir=RESULTS, name="bench-app") as app,
        AppServer(BARE, log_dir=RESULTS, name="bench-bare") as bare,
    ):
        visits = await _visit_both(app, bare, loads, results)
        for name, server in (("app", app), ("bare", bare)):
            results[name].update(_summary(visits[name], server))
        if lighthouse_runs:
            # After the loads and the RSS reading, on the same (warm) servers; Playwright's browser is closed.
            import lighthouse

            print(f"Lighthouse, {lighthouse_runs} run(s) per page ...", flush=True)
            lighthouse_text, lighthouse_ok, results["lighthouse"] = lighthouse.compare(app.url, bare.url, lighthouse_runs)
    for name, script in (("app", app_script), ("bare", BARE)):
        results[name]["script"] = script_rerun_ms(script, app_env if name == "app" else None)

    rows, within = budget_rows(results["app"], results["bare"])
    results["rows"] = rows
    results["machine"] = {"before": started_note, "after": machine_note(), "load_before": load_before}
    clean = _print_report(results, loads, app_script, app_env, started_note)
    if lighthouse_text:
        print("\n" + lighthouse_text)
    print("\nFor the README (paste as is):\n")
    print(readme_markdown(results, loads))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(f"\nraw numbers: {out.relative_to(REPO_ROOT)}")
    return 0 if within and lighthouse_ok and clean else 1


async def _visit_both(app: AppServer, bare: AppServer, loads: int, results: dict) -> dict[str, list[Visit]]:
    """`loads` visits of each page, alternating which goes first so neither always meets a busier
    machine; each server's first visit (imports, cold caches) goes to results[...]["first_load_ms"],
    measured but not counted."""
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        servers = {"app": (app, True), "bare": (bare, False)}
        for name, (server, prefer_map) in servers.items():
            first = await visit(browser, server, prefer_map=prefer_map)
            results[name]["first_load_ms"] = first.load_ms
        visits: dict[str, list[Visit]] = {"app": [], "bare": []}
        for i in range(loads):
            for name in ("app", "bare") if i % 2 == 0 else ("bare", "app"):
                server, prefer_map = servers[name]
                visits[name].append(await visit(browser, server, prefer_map=prefer_map, open_tab=name == "app"))
        await browser.close()
    return visits


def _summary(vs: list[Visit], server: AppServer) -> dict:
    """One page's figures from its visits: medians, every single timing, and the server's RSS now."""
    tabbed = [v for v in vs if v.tab_ms is not None]
    by_kind = sorted(vs[-1].ws_by_kind.items(), key=lambda kv: -kv[1]) if vs else []
    return dict(
        load_ms=median([v.load_ms for v in vs]),
        rerun_ms=median([r for v in vs for r in v.reruns_ms]),
        rerun_server_ms=median([r for v in vs for r in v.reruns_server_ms]),
        rerun_ws_kb=median([r for v in vs for r in v.rerun_ws_bytes]) / 1024,
        tab_ms=median([v.tab_ms for v in tabbed]) if tabbed else None,
        tab_server_ms=median([v.tab_server_ms for v in tabbed if v.tab_server_ms is not None]) if tabbed else None,
        tab_ws_kb=median([v.tab_ws_bytes for v in tabbed]) / 1024 if tabbed else None,
        tab=vs[0].tab if vs else "",
        ws_by_kind_kb={k: round(n / 1024, 1) for k, n in by_kind},
        ws_kb=median([v.ws_bytes for v in vs]) / 1024,
        rss_mb=server.rss_bytes() / 2**20,
        interaction=vs[0].interaction if vs else "",
        errors=[e for v in vs for e in v.errors],
        loads_ms=[round(v.load_ms) for v in vs],
        reruns_ms=[round(r) for v in vs for r in v.reruns_ms],
        tabs_ms=[round(v.tab_ms) for v in tabbed],
        cpu_ms={k: median([v.cpu_ms.get(k, 0) for v in vs]) for k in ("busy", "script", "layout")},
    )


def budget_rows(a: dict, b: dict) -> tuple[list[list[str]], bool]:
    """The comparison table's rows (metric, app, bare, ratio, budget, ok) for the app's figures `a`
    and the bare page's `b`, and whether every budget that was measured holds."""
    rows, ok_all = [], True

    def row(metric, app_v, bare_v, budget, ok, fmt="{:.0f}"):
        nonlocal ok_all
        if ok is not None:
            ok_all &= ok
        ratio = f"{app_v / bare_v:.2f}×" if app_v is not None and bare_v else "–"
        rows.append(
            [
                metric,
                "–" if app_v is None else fmt.format(app_v),
                "–" if bare_v is None else fmt.format(bare_v),
                ratio,
                budget,
                "skipped" if ok is None else ("ok" if ok else "OVER"),
            ]
        )

    row("load to idle, cold (ms, median)", a["load_ms"], b["load_ms"], "≤ 1.2× bare", a["load_ms"] <= 1.2 * b["load_ms"])
    click = "a click on 赣州高新区 on the map" if a["interaction"].startswith("map:") else a["interaction"]
    row(
        f"rerun after {click} (ms, median)",
        a["rerun_ms"],
        b["rerun_ms"],
        "≤ 1.2× bare rerun",
        a["rerun_ms"] <= 1.2 * b["rerun_ms"],
    )
    if a["tab_ms"] is None:
        row(f"rerun after opening another tab (ms): {a['tab'] or 'no tabs'}", None, b["rerun_ms"], "≤ 1.5× bare rerun", None)
    else:
        row(
            "rerun after opening another tab (ms, median)",
            a["tab_ms"],
            b["rerun_ms"],
            "≤ 1.5× bare rerun",
            a["tab_ms"] <= 1.5 * b["rerun_ms"],
        )
    row("first render over websocket (KB)", a["ws_kb"], b["ws_kb"], "≤ 120 KB", a["ws_kb"] <= 120, "{:.1f}")
    row("server RSS after the loads (MB)", a["rss_mb"], b["rss_mb"], "≤ 1.4× bare", a["rss_mb"] <= 1.4 * b["rss_mb"], "{:.1f}")
    row(
        "script rerun, warm caches (ms, AppTest median)",
        a["script"]["median_ms"],
        b["script"]["median_ms"],
        "≤ 100 ms",
        a["script"]["median_ms"] <= 100,
    )
    return rows, ok_all


def _print_report(results: dict, loads: int, app_script: str, app_env: dict | None, started_note: str) -> bool:
    """The table and the details behind it on stdout; False when a page reported an error."""
    a, b = results["app"], results["bare"]
    print(f"\nApp vs bare Streamlit page: medians of {loads} cold loads each (alternating), headless Chromium")
    if app_script != APP or app_env:
        print(f"app: {app_script} {' '.join(f'{k}={v}' for k, v in (app_env or {}).items())}")
    print(f"started {started_note}\nended   {results['machine']['after']}\n")
    print(table(results["rows"], ["metric", "app", "bare", "ratio", "budget", "ok"]))
    print(f"\napp interaction:  {a['interaction']}")
    print(f"bare interaction: {b['interaction']}")
    print(f"app tab:          {a['tab']}")
    print(f"first load after server start (not counted): app {a['first_load_ms']:.0f} ms, bare {b['first_load_ms']:.0f} ms")
    print(f"loads (ms):   app {a['loads_ms']}  bare {b['loads_ms']}")
    print(f"reruns (ms):  app {a['reruns_ms']}  bare {b['reruns_ms']}  app tab {a['tabs_ms']}")
    print(
        f"rerun, input -> script_finished received (ms, median): app {a['rerun_server_ms']:.0f}, "
        f"bare {b['rerun_server_ms']:.0f}"
        + (f", app tab {a['tab_server_ms']:.0f}" if a.get("tab_server_ms") is not None else "")
        + "; the rest of the rerun is the browser drawing"
    )
    print(
        f"rerun websocket (KB, median): app {a['rerun_ws_kb']:.1f}, bare {b['rerun_ws_kb']:.1f}"
        + (f", app tab {a['tab_ws_kb']:.1f}" if a.get("tab_ws_kb") is not None else "")
    )
    print("app first render by message kind (KB): " + ", ".join(f"{k} {v}" for k, v in list(a["ws_by_kind_kb"].items())[:8]))
    print(
        "page main thread until idle (ms, median; busy / scripting / style+layout): "
        + ", ".join(
            f"{n} {r['cpu_ms']['busy']:.0f} / {r['cpu_ms']['script']:.0f} / {r['cpu_ms']['layout']:.0f}"
            for n, r in (("app", a), ("bare", b))
        )
    )
    print(f"script cold run (ms): app {a['script']['cold_ms']:.0f}, bare {b['script']['cold_ms']:.0f}")
    clean = True
    for name in ("app", "bare"):
        for err in results[name]["errors"]:
            print(f"{name} ERROR: {err}")
            clean = False
    return clean


def readme_markdown(results: dict, loads: int) -> str:
    """The table as the README shows it: app, bare page, ratio, budget, met (yes/no)."""
    met = {"ok": "yes", "OVER": "no", "skipped": "–"}
    lines = [
        f"Latest run (`make bench`, {time.strftime('%Y-%m-%d')}, this project's {os.cpu_count()}-core "
        f"machine, headless Chromium; medians of {loads} cold loads each, alternating with the bare page; "
        f"load average {results['machine']['load_before']:.2f} at the start):",
        "",
        "| metric | app | bare page | ratio | budget | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for metric, app_v, bare_v, ratio, budget, ok in results["rows"]:
        lines.append(f"| {metric} | {app_v} | {bare_v} | {ratio} | {budget} | {met.get(ok, ok)} |")
    lh = results.get("lighthouse")
    if lh:
        a, b = lh["app"], lh["bare"]

        def f(v, scale=1, digits=0):
            return "–" if v is None else f"{v / scale:.{digits}f}"

        def ratio(x, y):
            return f"{x / y:.2f}×" if x is not None and y else "–"

        yes = lambda ok: "yes" if ok else "no"  # noqa: E731
        lines += [
            "",
            f"Lighthouse {lh.get('version', '')}, default mobile preset, medians of {lh['runs']} runs each:",
            "",
            "| Lighthouse | app | bare page | ratio | budget | met |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| performance score | {f(a['performance'])} | {f(b['performance'])} | | | |",
            f"| total blocking time (ms) | {f(a['tbt_ms'])} | {f(b['tbt_ms'])} | {ratio(a['tbt_ms'], b['tbt_ms'])} | ≤ 2× bare | "
            f"{yes(a['tbt_ms'] is not None and b['tbt_ms'] is not None and a['tbt_ms'] <= 2 * b['tbt_ms'])} |",
            f"| time to interactive (s) | {f(a['tti_ms'], 1000, 1)} | {f(b['tti_ms'], 1000, 1)} | {ratio(a['tti_ms'], b['tti_ms'])} | ≤ 1.3× bare | "
            f"{yes(a['tti_ms'] is not None and b['tti_ms'] is not None and a['tti_ms'] <= 1.3 * b['tti_ms'])} |",
            f"| accessibility | {f(a['accessibility'])} | {f(b['accessibility'])} | | 100 | {yes(a['accessibility'] == 100)} |",
            f"| best practices | {f(a['best-practices'])} | {f(b['best-practices'])} | | 100 | {yes(a['best-practices'] == 100)} |",
        ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# python bench/run.py --sections: the app with one part left out at a time


INFRASTRUCTURE = {
    "session_facts",
    "vocabulary",
    "init_filters",
    "write_url",
    "error_page",
    "draw",
    "upload_messages",
    "query_params",
    "sync_widgets",
    "set_filters",
}


def default_variants() -> list[str]:
    """Every section main() calls (read off dashboard/app.py), all charts, and the full app."""
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    import logging

    logging.disable(logging.WARNING)
    from ablate_app import droppable

    functions, panels = droppable()
    return (
        [""]
        + [f for f in functions if f not in INFRASTRUCTURE]
        + [f"draw:{p.removeprefix('main:')}" for p in panels if p.startswith("main:")]
        + ["vega:*"]
    )


async def sections(loads: int, variants: list[str]) -> int:
    """Cold loads of the app with parts left out (bench/ablate_app.py), round robin with the bare
    page: what each part adds to the load, the first render and the main thread. Prints the
    table, writes the raw numbers to bench/results/; returns 0."""
    started_note = machine_note()
    names = ["bare"] + [v or "(full app)" for v in variants]
    visits = await _section_visits(names, variants, loads)
    rows, out = section_rows(names, visits)
    print(f"\nCold load with one part left out (bench/ablate_app.py), medians of {loads}, round robin")
    print(f"started {started_note}\nended   {machine_note()}\n")
    print(
        table(
            rows,
            ["app without", "load (ms)", "× bare", "saves (ms)", "main thread busy (ms)", "saves (ms)", "of it scripting (ms)"]
            + ["websocket (KB)", "loads (ms)"],
        )
    )
    print("main thread: the page's renderer until idle (Performance.getMetrics TaskDuration), medians")
    for n, o in out.items():
        for e in o["errors"]:
            print(f"{n} ERROR: {e}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"sections-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"machine": started_note, "loads": loads, "results": out}, indent=2, ensure_ascii=False))
    print(f"\nraw numbers: {path.relative_to(REPO_ROOT)}")
    return 0


async def _section_visits(names: list[str], variants: list[str], loads: int) -> dict[str, list[Visit]]:
    """A server per page (the bare page, the app without each variant's parts), one warm-up visit
    each, then `loads` cold visits each, round robin (every other round in reverse)."""
    servers: dict[str, AppServer] = {}
    try:
        servers["bare"] = AppServer(BARE, log_dir=RESULTS, name="sections-bare").start()
        for v in variants:
            servers[v or "(full app)"] = AppServer(
                ABLATE, env={"BENCH_DROP": v}, log_dir=RESULTS, name=f"sections-{len(servers)}"
            ).start()
        visits: dict[str, list[Visit]] = {n: [] for n in names}
        async with async_playwright() as pw:
            browser = await launch_chromium(pw)
            for n in names:  # warm-up, not counted
                await visit(browser, servers[n], prefer_map=False, interactions=0)
            for i in range(loads):
                order = names if i % 2 == 0 else list(reversed(names))
                for n in order:
                    visits[n].append(await visit(browser, servers[n], prefer_map=False, interactions=0))
            await browser.close()
    finally:
        for server in servers.values():
            server.stop()
    return visits


def section_rows(names: list[str], visits: dict[str, list[Visit]]) -> tuple[list[list[str]], dict]:
    """The sections table's rows (load, × bare, what leaving the part out saves, main thread,
    websocket, each load) and the raw medians by page."""
    full = median([v.load_ms for v in visits["(full app)"]]) if "(full app)" in visits else None
    full_busy = median([v.cpu_ms.get("busy", 0) for v in visits["(full app)"]]) if "(full app)" in visits else None
    bare = median([v.load_ms for v in visits["bare"]])
    rows, out = [], {}
    for n in names:
        vs = visits[n]
        load = median([v.load_ms for v in vs])
        ws = median([v.ws_bytes for v in vs]) / 1024
        busy = median([v.cpu_ms.get("busy", 0) for v in vs])
        script = median([v.cpu_ms.get("script", 0) for v in vs])
        out[n] = {
            "busy_ms": busy,
            "script_ms": script,
            "load_ms": load,
            "loads_ms": [round(v.load_ms) for v in vs],
            "ws_kb": ws,
            "errors": [e for v in vs for e in v.errors],
        }
        rows.append(
            [
                n,
                f"{load:.0f}",
                f"{load / bare:.2f}×",
                "" if full is None or n == "(full app)" else f"{full - load:+.0f}",
                f"{busy:.0f}",
                "" if full_busy is None or n == "(full app)" else f"{full_busy - busy:+.0f}",
                f"{script:.0f}",
                f"{ws:.1f}",
                " ".join(str(round(v.load_ms)) for v in vs),
            ]
        )
    return rows, out


# --------------------------------------------------------------------------------------------
# make load


async def load(users: int, interactions: int) -> int:
    """`users` browser pages at once against one app server, `interactions` reruns each, beside a
    single user's visit. Prints the table, writes the raw numbers to bench/results/; returns 1 when
    a page or the server's log had an error, else 0."""
    with AppServer(APP, log_dir=RESULTS, name="load-app") as app:
        single, crowd, wall, server_busy = await _single_and_crowd(app, users, interactions)
        rss_mb = app.rss_bytes() / 2**20
        log_errors = [
            line for line in app.log_path.read_text(errors="replace").splitlines() if "Traceback" in line or " ERROR " in line
        ]
    crowd_errors = [e for v in crowd for e in v.errors]
    print(f"\nLoad: {users} browser pages at once against one app server, {interactions} interactions each\n")
    print(table(load_rows(single, crowd, users, interactions), ["metric", "single user", f"{users} users"]))
    print(f"\ninteraction: {single.interaction}")
    print(
        f"wall time for the {users} users: {wall:.1f} s; server CPU busy {server_busy:.0%} of one core "
        f"meanwhile (of {os.cpu_count()} cores); server RSS afterwards: {rss_mb:.1f} MB"
    )
    print("note: the browser pages and the server share this machine's cores; see bench/README.md")
    for err in single.errors + crowd_errors + [f"server log: {line}" for line in log_errors]:
        print(f"ERROR: {err}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "single": single.__dict__,
                "crowd": [v.__dict__ for v in crowd],
                "wall_s": wall,
                "server_cpu_busy": server_busy,
                "rss_mb": rss_mb,
                "server_log_errors": log_errors,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"\nraw numbers: {out.relative_to(REPO_ROOT)}")
    return 1 if single.errors or crowd_errors or log_errors else 0


async def _single_and_crowd(app: AppServer, users: int, interactions: int) -> tuple[Visit, list[Visit], float, float]:
    """After a warm-up visit: one user's visit alone, then `users` at once (10 minutes at most);
    returns those visits, the crowd's wall time (s) and the server's CPU use meanwhile (share of a core)."""
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        await visit(browser, app, prefer_map=True)  # warm the server up, not counted
        single = await visit(browser, app, prefer_map=True, interactions=interactions)
        started, cpu_before = time.monotonic(), app.cpu_seconds()
        crowd = await asyncio.wait_for(
            asyncio.gather(*(visit(browser, app, prefer_map=True, interactions=interactions) for _ in range(users))),
            timeout=600,
        )
        wall = time.monotonic() - started
        server_busy = (app.cpu_seconds() - cpu_before) / wall
        await browser.close()
    return single, crowd, wall, server_busy


def load_rows(single: Visit, crowd: list[Visit], users: int, interactions: int) -> list[list[str]]:
    """The load table: one user against `users` at once (load, rerun median and p95, errors)."""
    crowd_reruns = [r for v in crowd for r in v.reruns_ms]
    return [
        ["pages", "1", str(users)],
        ["interactions per page", str(interactions), str(interactions)],
        ["reruns measured", str(len(single.reruns_ms)), str(len(crowd_reruns))],
        ["load to idle (ms, median)", f"{single.load_ms:.0f}", f"{median([v.load_ms for v in crowd]):.0f}"],
        ["rerun (ms, median)", f"{median(single.reruns_ms):.0f}", f"{median(crowd_reruns):.0f}"],
        ["rerun (ms, p95)", f"{p95(single.reruns_ms):.0f}", f"{p95(crowd_reruns):.0f}"],
        [
            "rerun to script_finished received (ms, p95)",
            f"{p95(single.reruns_server_ms):.0f}",
            f"{p95([r for v in crowd for r in v.reruns_server_ms]):.0f}",
        ],
        ["errors", str(len(single.errors)), str(len([e for v in crowd for e in v.errors]))],
    ]


def main() -> None:
    # SIGTERM (e.g. `kill`, `timeout`) ends like Ctrl-C: the finally blocks stop the servers started here.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description="Benchmark the app against a bare Streamlit page.")
    parser.add_argument("--loads", type=int, default=5, help="cold loads per page (default 5)")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=5, help="Lighthouse runs per page after the loads (default 5; 0 skips Lighthouse)"
    )
    parser.add_argument(
        "--drop",
        default="",
        help="comma-separated sections to leave out of the app (bench/ablate_app.py), "
        "e.g. --drop industry_section or --drop draw:coverage; 'list' lists them",
    )
    parser.add_argument(
        "--sections",
        nargs="?",
        const="default",
        default=None,
        metavar="VARIANTS",
        help="instead of the comparison: cold loads of the app with one part left out at a time; "
        "VARIANTS is ';'-separated BENCH_DROP values (default: each section, and all charts)",
    )
    parser.add_argument("--load", action="store_true", help="concurrent users instead of the comparison")
    parser.add_argument("--users", type=int, default=10, help="--load: pages at once (default 10)")
    parser.add_argument("--interactions", type=int, default=10, help="--load: interactions per page (default 10)")
    opts = parser.parse_args()
    if not (1 <= opts.loads <= 50 and 1 <= opts.users <= 20 and 1 <= opts.interactions <= 50 and 0 <= opts.lighthouse_runs <= 10):
        parser.error("keep it bounded: --loads 1..50, --users 1..20, --interactions 1..50, --lighthouse-runs 0..10")
    if opts.drop == "list":
        subprocess.run([sys.executable, str(REPO_ROOT / "bench" / "ablate_app.py"), "--list"], cwd=REPO_ROOT, check=False)
        return
    if opts.sections:
        variants = default_variants() if opts.sections == "default" else [""] + opts.sections.split(";")
        sys.exit(asyncio.run(sections(opts.loads, variants)))
    app_script, app_env = (ABLATE, {"BENCH_DROP": opts.drop}) if opts.drop else (APP, None)
    code = asyncio.run(
        load(opts.users, opts.interactions)
        if opts.load
        else bench(opts.loads, app_script=app_script, app_env=app_env, lighthouse_runs=opts.lighthouse_runs)
    )
    sys.exit(code)


if __name__ == "__main__":
    main()
