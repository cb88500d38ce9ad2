"""Where a rerun's browser time goes: the map click `bench/run.py` times, traced in Chromium.

    python bench/rerun_trace.py                          # the app: 3 cold visits, the map click traced in each
    python bench/rerun_trace.py --script bench/bare_app.py   # the bare page's slider step, for comparison
    python bench/rerun_trace.py --drop profile_section   # the app without a part (bench/ablate_app.py)

Each visit loads the page cold (zh-CN, light, 1280×900, as bench/run.py), waits until idle, then
traces (Playwright's `browser.start_tracing`, the categories of bench/trace.py) the interaction
bench/run.py times (`run.pick_interaction`: on the app, a click on 赣州高新区 on the map, then its
card's filter button) until the page is idle again. Printed per visit, for input → idle: the rerun
and when `script_finished` arrived (as bench/run.py), the main thread's busy time by kind, how
much of it came after `script_finished` (what the browser does once the server is done) and the
longest task then, scripting self time by script URL, the page's element and markdown counts, and
the rerun's websocket bytes by element kind (with how many of them are component JavaScript that
Streamlit re-sends on every run). Raw traces: bench/results/rerun-trace-<time>-<n>.trace.json.
Traffic: 127.0.0.1 only; every wait has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from trace import CATEGORIES, _scripting, category, cpu_profile, self_times  # noqa: E402

from playwright.async_api import async_playwright  # noqa: E402
from run import message_kind, pick_interaction  # noqa: E402  (bench/ is on sys.path: this script's folder)

from tools.browser import INIT_SCRIPT, AppServer, context_options, launch_chromium  # noqa: E402
from tools.browser import run_count_async as run_count  # noqa: E402
from tools.browser import wait_idle_async as wait_idle  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
TASKS = ("RunTask", "ThreadControllerImpl::RunTask")
COUNT_JS = """() => ({
  elements: document.querySelectorAll('.stElementContainer').length,
  markdown: document.querySelectorAll('[data-testid="stMarkdownContainer"]').length,
  nodes: document.querySelectorAll('*').length})"""


async def traced_rerun(browser, server: AppServer, prefer_map: bool, trace_path: Path) -> dict:
    """One cold visit; the rerun of its first interaction traced and summarised."""
    context = await browser.new_context(**context_options("zh", "light", "desktop"))
    await context.add_init_script(INIT_SCRIPT)
    page = await context.new_page()
    frames: list[tuple[int, str, bool]] = []  # (bytes, kind, carries component JS)
    recording = {"on": False}

    def on_frame(payload):
        if recording["on"]:
            raw = payload if isinstance(payload, bytes) else payload.encode()
            frames.append((len(raw), message_kind(raw), b"export default function" in raw))

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    try:
        await page.goto(server.url + "/", timeout=60_000)
        await wait_idle(page)
        what, action = await pick_interaction(page, prefer_map)
        await browser.start_tracing(page=page, categories=CATEGORIES.split(","))
        sync = await page.evaluate("() => { performance.mark('__rerun_sync'); return performance.now(); }")
        before = await run_count(page)
        recording["on"] = True
        await action()
        idle = await wait_idle(page, min_runs=before + 1, timeout=30_000)
        recording["on"] = False
        marks = await page.evaluate("() => window.__e2e")
        counts = await page.evaluate(COUNT_JS)
        await page.wait_for_timeout(100)
        raw = await browser.stop_tracing()
    finally:
        await context.close()
    trace_path.write_bytes(raw)
    events = json.loads(raw)
    events = events["traceEvents"] if isinstance(events, dict) else events
    mark = next(e for e in events if e.get("name") == "__rerun_sync")
    pid, tid = mark["pid"], mark["tid"]
    offset = mark["ts"] - sync * 1000  # trace µs at page-clock 0

    def at(page_ms: float) -> float:
        return offset + page_ms * 1000

    t0, t_done, t1 = at(marks["lastInputAt"]), at(marks["runFinishedAt"]), at(idle)
    main = [e for e in events if e.get("pid") == pid and e.get("tid") == tid]
    by_kind: dict[str, float] = collections.defaultdict(float)
    for name, us in self_times(main, t0, t1).items():
        by_kind[category(name)] += us / 1000
    after = sum(self_times(main, t_done, t1).values()) / 1000
    longest = max((e.get("dur", 0) / 1000 for e in main if e.get("name") in TASKS and t_done <= e["ts"] <= t1), default=0.0)
    nodes, samples = cpu_profile(events, pid, tid)
    by_url, _ = _scripting(nodes, samples, t0, t1)
    ws: dict[str, int] = collections.defaultdict(int)
    for size, kind, _js in frames:
        ws[kind] += size
    return {
        "interaction": what,
        "rerun_ms": round(idle - marks["lastInputAt"]),
        "script_finished_ms": round(marks["runFinishedAt"] - marks["lastInputAt"]),
        "busy_ms": round(sum(by_kind.values())),
        "busy_after_script_finished_ms": round(after),
        "longest_task_after_script_finished_ms": round(longest),
        "by_kind_ms": {k: round(v) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])},
        "scripting_by_url_ms": {k: round(v) for k, v in sorted(by_url.items(), key=lambda kv: -kv[1])[:8]},
        "page": counts,
        "ws_bytes": sum(size for size, _, _ in frames),
        "ws_by_kind": dict(sorted(ws.items(), key=lambda kv: -kv[1])),
        "ws_component_frames": sum(1 for _, _, js in frames if js),
        "trace_file": str(trace_path.relative_to(REPO_ROOT)),
    }


async def run(server: AppServer, visits: int, prefer_map: bool, stamp: str) -> list[dict]:
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            warm = await browser.new_context(**context_options("zh", "light", "desktop"))
            warm_page = await warm.new_page()
            await warm_page.add_init_script(INIT_SCRIPT)
            await warm_page.goto(server.url + "/", timeout=60_000)
            await wait_idle(warm_page)
            await warm.close()
            return [
                await traced_rerun(browser, server, prefer_map, RESULTS / f"rerun-trace-{stamp}-{n}.trace.json")
                for n in range(1, visits + 1)
            ]
        finally:
            await browser.close()


def report(rows: list[dict]) -> str:
    lines = [f"interaction: {rows[0]['interaction']}"]
    for n, r in enumerate(rows, 1):
        lines += [
            f"visit {n}: rerun {r['rerun_ms']} ms, script_finished at {r['script_finished_ms']} ms; main thread busy "
            f"{r['busy_ms']} ms, {r['busy_after_script_finished_ms']} ms of it after script_finished "
            f"(longest task then {r['longest_task_after_script_finished_ms']} ms)",
            "  by kind (ms): " + ", ".join(f"{k} {v}" for k, v in r["by_kind_ms"].items()),
            "  scripting by URL (ms): " + ", ".join(f"{k} {v}" for k, v in r["scripting_by_url_ms"].items()),
        ]
    last = rows[-1]
    med = {k: statistics.median(r[k] for r in rows) for k in ("rerun_ms", "script_finished_ms", "busy_after_script_finished_ms")}
    lines += [
        "medians (ms): rerun {rerun_ms:.0f}, script_finished {script_finished_ms:.0f}, "
        "main thread after script_finished {busy_after_script_finished_ms:.0f}".format(**med),
        f"page after the rerun: {last['page']['elements']} elements, {last['page']['markdown']} markdown blocks, "
        f"{last['page']['nodes']} DOM nodes",
        f"rerun websocket: {last['ws_bytes'] / 1000:.1f} KB; "
        + ", ".join(f"{k} {v / 1000:.1f}" for k, v in list(last["ws_by_kind"].items())[:8])
        + f"; {last['ws_component_frames']} component frame(s) carry their JavaScript again",
    ]
    return "\n".join(lines)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # like Ctrl-C: the server is stopped
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", default="streamlit_app.py", help="the page (default: the app)")
    parser.add_argument("--drop", default="", help="parts to leave out (bench/ablate_app.py)")
    parser.add_argument("--visits", type=int, default=3, help="cold visits, one traced rerun each (default 3)")
    opts = parser.parse_args()
    script, env = ("bench/ablate_app.py", {"BENCH_DROP": opts.drop}) if opts.drop else (opts.script, None)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    with AppServer(script, env=env, log_dir=RESULTS, name="rerun-trace") as server:
        rows = asyncio.run(run(server, max(1, opts.visits), "bare_app" not in script, stamp))
    print(
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {script}{' BENCH_DROP=' + opts.drop if opts.drop else ''}; "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after, on {os.cpu_count()} cores"
    )
    print(report(rows))
    out = RESULTS / f"rerun-trace-{stamp}.json"
    out.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    print(f"\nsummary: {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
