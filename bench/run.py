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
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

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
MAP_ZONE = "赣州高新区"  # the zone point the rerun measurement clicks on the real app's map


# --------------------------------------------------------------------------------------------
# One page: load, wait, interact (async Playwright, so --load can drive many pages at once)


async def pick_interaction(page, prefer_map: bool):
    """(description, async action) for one interaction that makes the script rerun."""
    if prefer_map:
        # The map's zone marks are labelled "赣州高新区: …"; other charts may mention the zone too.
        for selector in (f'path[aria-label^="{MAP_ZONE}:"]', f'[aria-label*="{MAP_ZONE}"]'):
            point = page.locator(f'[data-testid="stVegaLiteChart"] {selector}')
            if await point.count():
                # force: Vega's own layers may sit over the mark; the click lands on its centre anyway
                return (f"map: click on the zone point {MAP_ZONE}",
                        lambda point=point: point.first.click(force=True, timeout=10_000))
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
    errors: list[str] = field(default_factory=list)


async def visit(browser, server: AppServer, *, prefer_map: bool, interactions: int = 1) -> Visit:
    """A cold visit (fresh context: no cache, no cookies): load to idle, then `interactions` reruns."""
    out = Visit()
    context = await browser.new_context(**context_options("zh", "light", "desktop"))
    await context.add_init_script(INIT_SCRIPT)
    page = await context.new_page()
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
    page.on("pageerror", lambda err: out.errors.append(f"page error: {err.message}"))
    page.on("console", lambda msg: out.errors.append(f"console error: {msg.text}") if msg.type == "error" else None)
    try:
        await page.goto(server.url + "/", timeout=60_000)
        out.load_ms = await wait_idle(page)  # page clock: ms since navigation start
        counting["on"] = False
        out.interaction, action = await pick_interaction(page, prefer_map)
        for _ in range(interactions):
            before = await run_count(page)
            counting["rerun"] = 0
            await action()
            idle_at = await wait_idle(page, min_runs=before + 1, timeout=30_000)
            marks = await page.evaluate("() => window.__e2e")
            out.reruns_ms.append(idle_at - marks["lastInputAt"])
            out.reruns_server_ms.append(marks["runFinishedAt"] - marks["lastInputAt"])
            out.rerun_ws_bytes.append(counting["rerun"])
        out.errors += [f"exception: {t}" for t in
                       await page.locator('[data-testid="stException"]').all_inner_texts()]
    except Exception as exc:  # a timeout is a result too: count it, keep going
        out.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()
    return out


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


def script_rerun_ms(script: str) -> dict:
    """Median at.run() time with warm caches, in a fresh process (bench/script_rerun.py)."""
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "bench" / "script_rerun.py"), script],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
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


def table(rows, header) -> str:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in cells[1:]])


async def bench(loads: int) -> int:
    results: dict = {"app": {}, "bare": {}}
    with AppServer(APP, log_dir=RESULTS, name="bench-app") as app, \
            AppServer(BARE, log_dir=RESULTS, name="bench-bare") as bare:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw)
            servers = {"app": (app, True), "bare": (bare, False)}
            # The first session on a fresh server pays for imports and cold caches: measured, not counted.
            for name, (server, prefer_map) in servers.items():
                first = await visit(browser, server, prefer_map=prefer_map)
                results[name]["first_load_ms"] = first.load_ms
            visits = {"app": [], "bare": []}
            for i in range(loads):  # alternate which goes first, so neither always meets a busier machine
                order = ("app", "bare") if i % 2 == 0 else ("bare", "app")
                for name in order:
                    server, prefer_map = servers[name]
                    visits[name].append(await visit(browser, server, prefer_map=prefer_map))
            await browser.close()
        for name, server in (("app", app), ("bare", bare)):
            vs = visits[name]
            results[name].update(
                load_ms=median([v.load_ms for v in vs]),
                rerun_ms=median([r for v in vs for r in v.reruns_ms]),
                rerun_server_ms=median([r for v in vs for r in v.reruns_server_ms]),
                rerun_ws_kb=median([r for v in vs for r in v.rerun_ws_bytes]) / 1024,
                ws_by_kind_kb={k: round(n / 1024, 1) for k, n in
                               sorted(vs[-1].ws_by_kind.items(), key=lambda kv: -kv[1])} if vs else {},
                ws_kb=median([v.ws_bytes for v in vs]) / 1024,
                rss_mb=server.rss_bytes() / 2**20,
                interaction=vs[0].interaction if vs else "",
                errors=[e for v in vs for e in v.errors],
                loads_ms=[round(v.load_ms) for v in vs],
                reruns_ms=[round(r) for v in vs for r in v.reruns_ms],
            )
    for name, script in (("app", APP), ("bare", BARE)):
        results[name]["script"] = script_rerun_ms(script)

    a, b = results["app"], results["bare"]
    rows, ok_all = [], True

    def row(metric, app_v, bare_v, budget, ok, fmt="{:.0f}"):
        nonlocal ok_all
        ok_all &= ok
        ratio = f"{app_v / bare_v:.2f}×" if bare_v else "–"
        rows.append([metric, fmt.format(app_v), fmt.format(bare_v), ratio, budget, "ok" if ok else "OVER"])

    row("load to idle, cold (ms, median)", a["load_ms"], b["load_ms"], "≤ 1.2× bare", a["load_ms"] <= 1.2 * b["load_ms"])
    row("rerun after one interaction (ms, median)", a["rerun_ms"], b["rerun_ms"], "≤ 1.2× bare",
        a["rerun_ms"] <= 1.2 * b["rerun_ms"])
    row("first render over websocket (KB)", a["ws_kb"], b["ws_kb"], "≤ 200 KB", a["ws_kb"] <= 200, "{:.1f}")
    row("server RSS after the loads (MB)", a["rss_mb"], b["rss_mb"], "≤ 1.4× bare", a["rss_mb"] <= 1.4 * b["rss_mb"], "{:.1f}")
    row("script rerun, warm caches (ms, AppTest median)", a["script"]["median_ms"], b["script"]["median_ms"],
        "≤ 150 ms", a["script"]["median_ms"] <= 150)

    print(f"\nApp vs bare Streamlit page: medians of {loads} cold loads each (alternating), headless Chromium\n")
    print(table(rows, ["metric", "app", "bare", "ratio", "budget", "ok"]))
    print(f"\napp interaction:  {a['interaction']}")
    print(f"bare interaction: {b['interaction']}")
    print(f"first load after server start (not counted): app {a['first_load_ms']:.0f} ms, bare {b['first_load_ms']:.0f} ms")
    print(f"loads (ms):   app {a['loads_ms']}  bare {b['loads_ms']}")
    print(f"reruns (ms):  app {a['reruns_ms']}  bare {b['reruns_ms']}")
    print(f"rerun, input -> script_finished received (ms, median): app {a['rerun_server_ms']:.0f}, "
          f"bare {b['rerun_server_ms']:.0f}; the rest of the rerun is the browser drawing")
    print(f"rerun websocket (KB, median): app {a['rerun_ws_kb']:.1f}, bare {b['rerun_ws_kb']:.1f}")
    print("app first render by message kind (KB): "
          + ", ".join(f"{k} {v}" for k, v in list(a["ws_by_kind_kb"].items())[:6]))
    print(f"script cold run (ms): app {a['script']['cold_ms']:.0f}, bare {b['script']['cold_ms']:.0f}")
    for name in ("app", "bare"):
        for err in results[name]["errors"]:
            print(f"{name} ERROR: {err}")
            ok_all = False
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nraw numbers: {out.relative_to(REPO_ROOT)}")
    return 0 if ok_all else 1


# --------------------------------------------------------------------------------------------
# make load


async def load(users: int, interactions: int) -> int:
    with AppServer(APP, log_dir=RESULTS, name="load-app") as app:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw)
            await visit(browser, app, prefer_map=True)  # warm the server up, not counted
            single = await visit(browser, app, prefer_map=True, interactions=interactions)
            started, cpu_before = time.monotonic(), app.cpu_seconds()
            crowd = await asyncio.wait_for(
                asyncio.gather(*(visit(browser, app, prefer_map=True, interactions=interactions)
                                 for _ in range(users))),
                timeout=600)
            wall = time.monotonic() - started
            server_busy = (app.cpu_seconds() - cpu_before) / wall
            await browser.close()
        rss_mb = app.rss_bytes() / 2**20
        log_errors = [line for line in app.log_path.read_text(errors="replace").splitlines()
                      if "Traceback" in line or " ERROR " in line]

    crowd_reruns = [r for v in crowd for r in v.reruns_ms]
    crowd_errors = [e for v in crowd for e in v.errors]
    rows = [
        ["pages", "1", str(users)],
        ["interactions per page", str(interactions), str(interactions)],
        ["reruns measured", str(len(single.reruns_ms)), str(len(crowd_reruns))],
        ["load to idle (ms, median)", f"{single.load_ms:.0f}", f"{median([v.load_ms for v in crowd]):.0f}"],
        ["rerun (ms, median)", f"{median(single.reruns_ms):.0f}", f"{median(crowd_reruns):.0f}"],
        ["rerun (ms, p95)", f"{p95(single.reruns_ms):.0f}", f"{p95(crowd_reruns):.0f}"],
        ["rerun to script_finished received (ms, p95)", f"{p95(single.reruns_server_ms):.0f}",
         f"{p95([r for v in crowd for r in v.reruns_server_ms]):.0f}"],
        ["errors", str(len(single.errors)), str(len(crowd_errors))],
    ]
    print(f"\nLoad: {users} browser pages at once against one app server, {interactions} interactions each\n")
    print(table(rows, ["metric", "single user", f"{users} users"]))
    print(f"\ninteraction: {single.interaction}")
    print(f"wall time for the {users} users: {wall:.1f} s; server CPU busy {server_busy:.0%} of one core "
          f"meanwhile (of {os.cpu_count()} cores); server RSS afterwards: {rss_mb:.1f} MB")
    print("note: the browser pages and the server share this machine's cores; see bench/README.md")
    for err in single.errors + crowd_errors + [f"server log: {line}" for line in log_errors]:
        print(f"ERROR: {err}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"single": single.__dict__, "crowd": [v.__dict__ for v in crowd],
                               "wall_s": wall, "server_cpu_busy": server_busy, "rss_mb": rss_mb, "server_log_errors": log_errors},
                              indent=2, ensure_ascii=False))
    print(f"\nraw numbers: {out.relative_to(REPO_ROOT)}")
    return 1 if single.errors or crowd_errors or log_errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the app against a bare Streamlit page.")
    parser.add_argument("--loads", type=int, default=5, help="cold loads per page (default 5)")
    parser.add_argument("--load", action="store_true", help="concurrent users instead of the comparison")
    parser.add_argument("--users", type=int, default=10, help="--load: pages at once (default 10)")
    parser.add_argument("--interactions", type=int, default=10, help="--load: interactions per page (default 10)")
    opts = parser.parse_args()
    if not (1 <= opts.loads <= 50 and 1 <= opts.users <= 20 and 1 <= opts.interactions <= 50):
        parser.error("keep it bounded: --loads 1..50, --users 1..20, --interactions 1..50")
    code = asyncio.run(load(opts.users, opts.interactions) if opts.load else bench(opts.loads))
    sys.exit(code)


if __name__ == "__main__":
    main()
