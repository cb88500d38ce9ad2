"""Lighthouse (npm `lighthouse`, pinned in package.json) on the app and on the bare page, same run.

    python bench/lighthouse.py [--runs 5]    # starts both servers itself
    (make bench runs it through bench/run.py, on the servers it already has)

Lighthouse's default preset (mobile: a Moto G Power viewport, simulated slow 4G and 4× CPU
slowdown), in Debian's Chromium through CHROME_PATH, headless. Each page is audited `--runs` times,
alternating app and bare; the table shows medians. Full reports go to
bench/results/lighthouse-<page>-<time>-<n>.json, the summary to bench/results/lighthouse-<time>.json.

Offline by construction: Chromium is told to resolve no host name but 127.0.0.1/localhost
(`--host-resolver-rules`), Lighthouse's own launcher already turns off Chromium's background
networking, and after each run every request in the report is checked to be loopback (a run that
asked for anything else fails the budget). Each Lighthouse run is killed after `TIMEOUT_S`.

Budgets (issue 10): total blocking time ≤ 2× bare's, time to interactive ≤ 1.3× bare's,
accessibility and best practices 100.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tools.browser import AppServer, find_chromium, is_local_url  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
LIGHTHOUSE = REPO_ROOT / "node_modules" / ".bin" / "lighthouse"
APP, BARE = "streamlit_app.py", "bench/bare_app.py"
TIMEOUT_S = 240
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",  # root
    "--lang=zh-CN",  # as the other benchmarks: a Chinese browser (Accept-Language), the app's default
    # No name resolves but loopback: nothing can leave the machine, and nothing waits on a DNS time-out.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]
CATEGORIES = ("performance", "accessibility", "best-practices")
# (key, audit id, label, unit)
AUDITS = (
    ("fcp_ms", "first-contentful-paint", "first contentful paint", "ms"),
    ("lcp_ms", "largest-contentful-paint", "largest contentful paint", "ms"),
    ("tbt_ms", "total-blocking-time", "total blocking time", "ms"),
    ("tti_ms", "interactive", "time to interactive", "ms"),
    ("si_ms", "speed-index", "speed index", "ms"),
    ("mainthread_ms", "mainthread-work-breakdown", "main-thread work", "ms"),
    ("bootup_ms", "bootup-time", "JavaScript execution", "ms"),
)


def run_once(url: str, out_path: Path, extra_chrome_flags: tuple[str, ...] = ()) -> dict:
    """One Lighthouse run on `url`; the full report is written to `out_path`. Returns the figures."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} is missing: run `npm ci` (make bench does).")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out_path}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join([*CHROME_FLAGS, *extra_chrome_flags])}",
        "--max-wait-for-load=60000",
    ]
    env = {**os.environ, "CHROME_PATH": find_chromium()}
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:  # subprocess.run kills it; chrome-launcher's Chromium dies with it
        return {"error": f"lighthouse did not finish within {TIMEOUT_S} s", "wall_s": TIMEOUT_S}
    wall_s = time.monotonic() - started
    if proc.returncode or not out_path.exists():
        return {"error": f"lighthouse exited {proc.returncode}: {proc.stderr.strip()[-1500:]}", "wall_s": wall_s}
    report = json.loads(out_path.read_text())
    out: dict = {"wall_s": round(wall_s, 1), "report": str(out_path.relative_to(REPO_ROOT))}
    if report.get("runtimeError"):
        out["error"] = f"lighthouse runtime error: {report['runtimeError']}"
    out["warnings"] = report.get("runWarnings", [])
    for cat in CATEGORIES:
        score = report["categories"][cat]["score"]
        out[cat] = None if score is None else round(score * 100)
    for key, audit, _, _ in AUDITS:
        out[key] = report["audits"].get(audit, {}).get("numericValue")
    # What kept accessibility or best practices under 100: the audits that failed.
    out["failed"] = {
        cat: [
            ref["id"]
            for ref in report["categories"][cat]["auditRefs"]
            if ref.get("weight")
            and (report["audits"][ref["id"]].get("score") or 0) < 1
            and report["audits"][ref["id"]].get("scoreDisplayMode") in ("binary", "numeric")
        ]
        for cat in ("accessibility", "best-practices")
    }
    requests = (report["audits"].get("network-requests", {}).get("details") or {}).get("items", [])
    out["requests"] = len(requests)
    out["transfer_kb"] = round(sum(r.get("transferSize") or 0 for r in requests) / 1024, 1)
    out["outside_requests"] = sorted({r["url"] for r in requests if not is_local_url(r["url"])})
    out["benchmark_index"] = report.get("environment", {}).get("benchmarkIndex")
    out["dom_elements"] = report["audits"].get("dom-size", {}).get("numericValue")
    return out


def flag_undrawn(runs: list[dict]) -> None:
    """Lighthouse stops once the network and CPU have been quiet for a moment; websocket frames are
    not requests, so on a slow script run it can stop before Streamlit has drawn the page. Such a
    run saw a much smaller DOM than the page's other runs: count it as an error, not a figure."""
    sizes = [r["dom_elements"] for r in runs if r.get("dom_elements") and not r.get("error")]
    for r in runs:
        if sizes and r.get("dom_elements") and r["dom_elements"] < 0.6 * max(sizes) and not r.get("error"):
            r["error"] = (
                f"page not drawn when Lighthouse stopped ({r['dom_elements']:.0f} DOM elements, "
                f"other runs {max(sizes):.0f}); not counted"
            )


def version() -> str:
    try:
        return json.loads((REPO_ROOT / "node_modules" / "lighthouse" / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def median_of(runs: list[dict], key: str):
    values = [r[key] for r in runs if r.get(key) is not None and not r.get("error")]
    return statistics.median(values) if values else None


def compare(app_url: str, bare_url: str, runs: int = 3, stamp: str | None = None) -> tuple[str, bool, dict]:
    """Lighthouse on both pages, `runs` times each, alternating. Returns (table text, budgets met, raw)."""
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    urls = {"app": app_url.rstrip("/") + "/", "bare": bare_url.rstrip("/") + "/"}
    raw = _run_alternating(urls, runs, stamp)
    for name in raw:
        flag_undrawn(raw[name])
    a = {k: median_of(raw["app"], k) for k in ("performance", "accessibility", "best-practices", *(key for key, *_ in AUDITS))}
    b = {k: median_of(raw["bare"], k) for k in a}
    rows, within = _budget_rows(a, b)
    notes, clean = _run_notes(raw)
    ok_all = within and clean
    header = ["Lighthouse (mobile preset)", "app", "bare", "ratio", "budget", "ok"]
    text = table(rows, header)
    text += (
        f"\n\nmedians of {runs} run(s) each, alternating; TBT per run: app "
        f"{[round(r['tbt_ms']) for r in raw['app'] if r.get('tbt_ms') is not None]}, bare "
        f"{[round(r['tbt_ms']) for r in raw['bare'] if r.get('tbt_ms') is not None]}; TTI per run (s): app "
        f"{[round(r['tti_ms'] / 1000, 1) for r in raw['app'] if r.get('tti_ms') is not None]}, bare "
        f"{[round(r['tti_ms'] / 1000, 1) for r in raw['bare'] if r.get('tti_ms') is not None]}"
    )
    outside = sum(len(r.get("outside_requests") or []) for rs in raw.values() for r in rs)
    text += f"\nrequests outside 127.0.0.1 in the reports: {outside}"
    if notes:
        text += "\n" + "\n".join(notes)
    summary = {"runs": runs, "version": version(), "app": a, "bare": b, "raw": raw, "ok": ok_all}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"lighthouse-{stamp}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return text, ok_all, summary


def _run_alternating(urls: dict[str, str], runs: int, stamp: str) -> dict[str, list[dict]]:
    """`runs` Lighthouse runs of each URL, alternating which goes first; a run that errs (a busy
    machine can make Chromium miss a protocol deadline) is tried once more. Prints each run."""
    raw: dict = {name: [] for name in urls}
    for i in range(runs):
        for name in ("app", "bare") if i % 2 == 0 else ("bare", "app"):
            result = run_once(urls[name], RESULTS / f"lighthouse-{name}-{stamp}-{i + 1}.json")
            if result.get("error"):
                print(f"  lighthouse {name} run {i + 1}: {result['error'][:200]}; retrying once", flush=True)
                result = run_once(urls[name], RESULTS / f"lighthouse-{name}-{stamp}-{i + 1}.json")
            raw[name].append(result)
            print(
                f"  lighthouse {name} run {i + 1}/{runs}: "
                + (
                    result["error"]
                    if result.get("error")
                    else f"performance {result['performance']}, TBT {result['tbt_ms']:.0f} ms, "
                    f"TTI {result['tti_ms'] / 1000:.1f} s ({result['wall_s']} s)"
                ),
                flush=True,
            )
    return raw


def _budget_rows(a: dict, b: dict) -> tuple[list[list[str]], bool]:
    """The table's rows from the app's medians `a` and the bare page's `b` (a figure measured by
    neither left out), and whether every budget holds."""
    rows, ok_all = [], True

    def fmt(v, unit):
        if v is None:
            return "–"
        return f"{v / 1000:.1f}" if unit == "s" else f"{v:.0f}"

    def row(label, key, unit, budget, ok):
        nonlocal ok_all
        if ok is not None:  # None: a figure shown without a budget
            ok_all &= bool(ok)
        av, bv = a[key], b[key]
        ratio = f"{av / bv:.2f}×" if av is not None and bv else "–"
        rows.append([label, fmt(av, unit), fmt(bv, unit), ratio, budget, "ok" if ok else ("–" if ok is None else "OVER")])

    def within(key, factor):
        return a[key] is not None and b[key] is not None and a[key] <= factor * b[key]

    row("performance score (0–100)", "performance", "", "", None)
    row("total blocking time (ms)", "tbt_ms", "", "≤ 2× bare", within("tbt_ms", 2.0))
    row("time to interactive (s)", "tti_ms", "s", "≤ 1.3× bare", within("tti_ms", 1.3))
    row("first contentful paint (s)", "fcp_ms", "s", "", None)
    row("largest contentful paint (s)", "lcp_ms", "s", "", None)
    row("main-thread work (s)", "mainthread_ms", "s", "", None)
    row("JavaScript execution (s)", "bootup_ms", "s", "", None)
    row("accessibility (0–100)", "accessibility", "", "100", a["accessibility"] == 100)
    row("best practices (0–100)", "best-practices", "", "100", a["best-practices"] == 100)
    rows = [r for r in rows if r[-1] != "–" or r[1] != "–"]
    return [r[:-1] + [""] if r[-1] == "–" else r for r in rows], ok_all


def _run_notes(raw: dict[str, list[dict]]) -> tuple[list[str], bool]:
    """What each run reported besides its figures (errors, outside requests, failed audits,
    warnings), and False when a run erred or asked for an outside URL."""
    notes, clean = [], True
    for name in ("app", "bare"):
        for i, r in enumerate(raw[name], 1):
            if r.get("error"):
                clean = False
                notes.append(f"{name} run {i} ERROR: {r['error']}")
            if r.get("outside_requests"):
                clean = False
                notes.append(f"{name} run {i} asked for outside URLs: {r['outside_requests'][:5]}")
            for cat, ids in (r.get("failed") or {}).items():
                if ids:
                    notes.append(f"{name} run {i} {cat} failed audits: {', '.join(ids)}")
            for w in r.get("warnings") or []:
                notes.append(f"{name} run {i} warning: {w}")
    return notes, clean


def table(rows, header) -> str:
    """A markdown table with padded columns (bench/run.py prints its tables with it too)."""
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in cells[1:]])


def warm_up(*urls: str) -> None:
    """Load each page once in Chromium, so the servers have imported everything and filled their
    caches (make bench's servers are warm already: it runs Lighthouse after its own loads)."""
    from playwright.sync_api import sync_playwright

    from tools.browser import INIT_SCRIPT, context_options, launch_chromium, wait_idle

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for url in urls:
            context = browser.new_context(**context_options())
            context.add_init_script(INIT_SCRIPT)
            page = context.new_page()
            page.goto(url.rstrip("/") + "/", timeout=60_000)
            wait_idle(page, timeout=60_000)
            context.close()
        browser.close()


def runs_option(doc: str, flag: str, default: int, low: int, high: int, help: str) -> int:
    """The command line of a Lighthouse bench: one bounded count of runs, parsed; exits on a bad one.

    Also makes SIGTERM (e.g. `kill`, `timeout`) end like Ctrl-C, so the finally blocks stop the
    servers the bench started."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(flag, type=int, default=default, help=help)
    runs = getattr(parser.parse_args(), flag.lstrip("-").replace("-", "_"))
    if not low <= runs <= high:
        parser.error(f"keep it bounded: {flag} {low}..{high}")
    return runs


def main() -> None:
    runs = runs_option(__doc__, "--runs", 5, 1, 10, "runs per page (default 5)")
    with AppServer(APP, log_dir=RESULTS, name="lh-app") as app, AppServer(BARE, log_dir=RESULTS, name="lh-bare") as bare:
        warm_up(app.url, bare.url)
        text, ok, _ = compare(app.url, bare.url, runs)
    print(f"\n{time.strftime('%Y-%m-%d %H:%M %Z')}, load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n")
    print(text)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
