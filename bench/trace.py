"""Where a cold load's time goes: a Chrome performance trace of one cold load, summarised.

    python bench/trace.py                      # the app, one traced cold load after a warm-up load
    python bench/trace.py --serial-views       # Vega views drawn one at a time: clean per-view CPU
    python bench/trace.py --drop industry_section,draw:coverage   # the app without some parts
    python bench/trace.py --script bench/bare_app.py              # the bare page, for comparison
    python bench/trace.py --query "zone=ganzhou&tab=industries"   # another view

Prints, for the window from navigation start to idle (`wait_idle`, as bench/run.py):
milestones (first paint, websocket frames, script finished, chart code loaded, first and last
chart drawn), main-thread time by kind (scripting, style and layout, paint, GC, ...), scripting by
script URL and by function (V8's sampling profiler), style/layout counts, each Vega view's parse
(`embed`: Vega-Lite compile + Vega parse + view set-up) and render (`runAsync`) time, and the
websocket bytes by element kind with each chart's spec and data sizes.

Per-view Vega times come from instrumenting Streamlit's chart component in the browser: the
page's request for `ArrowVegaLiteChart.*.js` is answered with the same file in which the one call
to vega-embed is wrapped to time it (Streamlit 1.67; if the pattern is not found the per-view
table is left out and said so). Without --serial-views views interleave on the one main thread,
so their wall times overlap; with it each view's embed and runs happen alone, and its CPU is the
profiler's samples in that window.

Writes bench/results/trace-<time>.json (the summary) and trace-<time>.trace.json (the raw trace;
open it in Chromium's DevTools, Performance panel, "Load profile"). Traffic: 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from tools.browser import INIT_SCRIPT, AppServer, context_options, launch_chromium  # noqa: E402
from tools.browser import wait_idle_async as wait_idle  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
CATEGORIES = ",".join(
    [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "v8.execute",
        "v8",
        "disabled-by-default-v8.cpu_profiler",
        "blink.user_timing",
        "loading",
        "toplevel",
        "blink",
    ]
)

# Wraps the one `await EMBED(el, spec, options)` of Streamlit's chart component: times vega-embed
# (Vega-Lite compile, Vega parse, view set-up) and every later view.runAsync (dataflow + render).
VEGA_TIMING = """
(() => {
  if (window.__vegaEmbed) return;
  const views = window.__vegaViews = [];
  let chain = Promise.resolve();
  const keyOf = (el) => {
    const box = el && el.closest && el.closest('[class*="st-key-"]');
    const m = box && /(?:^|\\s)st-key-(\\S+)/.exec(box.className);
    return m ? m[1] : '';
  };
  const textOf = (t) => typeof t === 'string' ? t : (t && (Array.isArray(t.text) ? t.text.join(' ') : t.text)) || '';
  window.__vegaEmbed = async (embed, el, spec, options) => {
    const rec = {key: keyOf(el), title: textOf(spec && spec.title), description: (spec && spec.description) || '',
                 queuedAt: performance.now(), runs: []};
    views.push(rec);
    let release = () => {};
    if (window.__vegaSerial) {
      const previous = chain;
      chain = new Promise((resolve) => { release = resolve; });
      await previous;
      setTimeout(() => release(), 5000);  // never hold the page for good if a view runs fewer times
    }
    rec.start = performance.now();
    let result;
    try { result = await embed(el, spec, options); } catch (e) { rec.error = String(e); release(); throw e; }
    rec.embedEnd = performance.now();
    const view = result.view;
    const run = view.runAsync.bind(view);
    view.runAsync = async (...args) => {
      const started = performance.now();
      try { return await run(...args); }
      finally { rec.runs.push([started, performance.now()]); if (rec.runs.length >= 2) release(); }
    };
    return result;
  };
})();
"""


def instrument_chart_component(source: str) -> str | None:
    """The chart component's JS with its vega-embed call wrapped, or None if the pattern is gone."""
    imported = re.search(r'import\{([^}]*)\}from"\./embed\.[\w-]+\.js"', source)
    if not imported:
        return None
    aliases = [m.group(1) for m in re.finditer(r"\bt as (\w+)", imported.group(1))]
    for alias in aliases:
        pattern = re.compile(r"await " + re.escape(alias) + r"\((\w+),(\w+),(\w+)\)")
        if len(pattern.findall(source)) == 1:
            return pattern.sub(lambda m, a=alias: f"await window.__vegaEmbed({a},{m.group(1)},{m.group(2)},{m.group(3)})", source)
    return None


# --------------------------------------------------------------------------------------------
# Websocket frames: bytes by message and element kind


def describe_frame(payload: bytes) -> dict:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:
        return {"kind": "unparsed"}
    kind = msg.WhichOneof("type") or "empty"
    out = {"kind": kind}
    if kind == "delta":
        delta_kind = msg.delta.WhichOneof("type")
        if delta_kind == "new_element":
            element = msg.delta.new_element
            out["kind"] = element.WhichOneof("type") or "element"
            if out["kind"] == "vega_lite_chart":
                chart = element.vega_lite_chart
                out["key"] = chart.id.rsplit("-", 1)[-1] if chart.id else ""
                out["spec_bytes"] = len(chart.spec.encode())
                out["data_bytes"] = len(chart.data.data) + sum(len(d.data.data) for d in chart.datasets)
                try:
                    spec = json.loads(chart.spec)
                    title = spec.get("title", "")
                    out["title"] = title if isinstance(title, str) else str(title.get("text", ""))
                except ValueError:
                    pass
        elif delta_kind == "add_block":
            out["kind"] = "block"
    return out


# --------------------------------------------------------------------------------------------
# The trace


SCRIPTING = {
    "EvaluateScript",
    "v8.compile",
    "v8.compileModule",
    "v8.evaluateModule",
    "FunctionCall",
    "TimerFire",
    "EventDispatch",
    "RunMicrotasks",
    "FireAnimationFrame",
    "FireIdleCallback",
    "XHRReadyStateChange",
    "XHRLoad",
    "v8.run",
    "V8.Execute",
    "v8.produceCache",
    "v8.produceModuleCache",
    "CompileScript",
    "CompileCode",
    "ParseOnBackground",
    "ResizeObserverController::DeliverObservations",
    "IntersectionObserverController::computeIntersections",
    "WebSocketReceiveHandshakeResponse",
}
STYLE_LAYOUT = {
    "UpdateLayoutTree",
    "RecalculateStyles",
    "Layout",
    "HitTest",
    "PrePaint",
    "UpdateLayer",
    "UpdateLayerTree",
    "ScheduleStyleRecalculation",
    "InvalidateLayout",
    "LayoutShift",
}
PAINT = {
    "Paint",
    "PaintImage",
    "CompositeLayers",
    "Layerize",
    "Commit",
    "RasterTask",
    "Decode Image",
    "PaintSetup",
    "UpdateLayerTree",
    "Rasterize",
}
LOADING = {
    "ParseHTML",
    "ParseAuthorStyleSheet",
    "ResourceSendRequest",
    "ResourceReceiveResponse",
    "ResourceReceivedData",
    "ResourceFinish",
}


def category(name: str) -> str:
    """A main-thread trace event's kind, as DevTools' summary groups them (with the `blink`
    category's finer events: text shaping and layout phases count as style & layout)."""
    if name in SCRIPTING or name.startswith(
        ("v8.", "V8.Bytecode", "V8.HandleInterrupts", "V8.StackGuard", "V8.Deoptimize", "V8.Compile", "V8.Execute", "AsyncTask")
    ):
        return "scripting"
    if "GC" in name or name.startswith("BlinkGC"):
        return "garbage collection"
    if name in STYLE_LAYOUT or any(w in name for w in ("Layout", "layout", "Style", "style", "Shape", "Font")):
        return "style & layout (incl. text shaping)"
    if name in PAINT or any(w in name for w in ("Paint", "Composit", "Raster")):
        return "paint & composite"
    if name in LOADING or name.startswith(("Resource", "Loader")):
        return "loading (parse HTML/CSS, requests)"
    return "other (task overhead, IPC, ...)"


def self_times(events: list[dict], t0: float, t1: float) -> dict[str, float]:
    """Self time (µs) per event name of complete ('X') events on one thread, clipped to [t0, t1]."""
    spans = sorted(
        ((e["ts"], e["ts"] + e.get("dur", 0), e["name"]) for e in events if e.get("ph") == "X" and e.get("dur")),
        key=lambda s: (s[0], -s[1]),
    )
    totals: dict[str, float] = collections.defaultdict(float)
    stack: list[list] = []  # [start, end, name, child_time]

    def close(item):
        start, end, name, child = item
        clipped = max(0.0, min(end, t1) - max(start, t0))
        totals[name] += max(0.0, clipped - child)
        if stack:
            stack[-1][3] += clipped

    for start, end, name in spans:
        while stack and stack[-1][1] <= start:
            close(stack.pop())
        if stack and end > stack[-1][1]:  # a malformed overlap: treat as a sibling
            end = stack[-1][1]
        stack.append([start, end, name, 0.0])
    while stack:
        close(stack.pop())
    return totals


def cpu_profile(events: list[dict], pid: int, tid: int):
    """The main thread's V8 sampling profile: (nodes by id, [(ts µs, node id), ...])."""
    profiles: dict[tuple, dict] = {}  # by (pid, id): ids restart at 0x1 in every process
    for e in events:
        if e.get("name") == "Profile" and e.get("pid") == pid:
            profiles.setdefault(
                (pid, e["id"]),
                {"tid": e.get("tid"), "start": e["args"]["data"].get("startTime", 0), "nodes": {}, "samples": [], "deltas": []},
            )
    for e in events:
        if e.get("name") != "ProfileChunk" or (e.get("pid"), e.get("id")) not in profiles:
            continue
        data = e["args"]["data"]
        prof = profiles[(e["pid"], e["id"])]
        cpu = data.get("cpuProfile", {})
        for node in cpu.get("nodes", []):
            prof["nodes"][node["id"]] = node
        prof["samples"] += cpu.get("samples", [])
        prof["deltas"] += data.get("timeDeltas", [])
    if not profiles:
        return {}, []
    prof = next((p for p in profiles.values() if p["tid"] == tid), None) or max(
        profiles.values(), key=lambda p: len(p["samples"])
    )
    ts, timeline = prof["start"], []
    for node_id, delta in zip(prof["samples"], prof["deltas"]):
        ts += delta
        timeline.append((ts, node_id))
    return prof["nodes"], timeline


def short_url(url: str) -> str:
    if not url:
        return "(native / no script)"
    path = urlsplit(url).path or url
    return path.rsplit("/", 1)[-1] or path


def analyse(trace: dict, sync_mark: str, sync_page_ms: float, idle_ms: float, views: list[dict], serial: bool = False) -> dict:
    """What the page's main thread did from navigation start until `idle_ms` (page clock): time by
    category and by event, milestones, requests, scripting by URL and function, and one row per
    Vega view of `views` (its CPU time too when the views were drawn one at a time, `serial`).
    `sync_mark` is a performance.mark made at page time `sync_page_ms`: it ties the trace's clock
    to the page's. Raises RuntimeError when the mark is not in the trace."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    mark = next((e for e in events if e.get("name") == sync_mark), None)
    if not mark:
        raise RuntimeError("the sync mark is not in the trace (blink.user_timing missing?)")
    pid, tid = mark["pid"], mark["tid"]
    offset = mark["ts"] - sync_page_ms * 1000  # trace µs at page-clock 0 (navigation start)

    def rel(ts_us: float) -> float:
        return (ts_us - offset) / 1000

    t0, t1 = offset, offset + idle_ms * 1000
    main = [e for e in events if e.get("pid") == pid and e.get("tid") == tid]
    selfs = self_times(main, t0, t1)
    by_category: dict[str, float] = collections.defaultdict(float)
    for name, us in selfs.items():
        by_category[category(name)] += us / 1000
    counts = collections.Counter(e["name"] for e in main if e.get("ph") == "X" and t0 <= e["ts"] <= t1)
    milestones = _milestones(events, pid, t0, t1, rel)
    requests = _requests(events, pid, t1, rel)
    nodes, samples = cpu_profile(events, pid, tid)
    by_url, by_function = _scripting(nodes, samples, t0, t1)

    def cpu_between(a_ms: float, b_ms: float) -> float:
        return _busy_ms(nodes, samples, offset + a_ms * 1000, offset + b_ms * 1000)

    layout = {
        name: {"count": counts.get(name, 0), "self_ms": round(selfs.get(name, 0) / 1000, 1)}
        for name in ("UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "Commit", "HitTest")
    }
    return {
        "window_ms": idle_ms,
        "main_thread_ms": {k: round(v, 1) for k, v in sorted(by_category.items(), key=lambda kv: -kv[1])},
        "main_thread_busy_ms": round(sum(by_category.values()), 1),
        "milestones_ms": {k: round(v) for k, v in sorted(milestones.items(), key=lambda kv: kv[1])},
        "requests": [{"url": u, "sent_ms": round(s), "finished_ms": None if f is None else round(f)} for u, s, f in requests],
        "scripting_by_url_ms": {k: round(v, 1) for k, v in sorted(by_url.items(), key=lambda kv: -kv[1])},
        "scripting_by_function_ms": {k: round(v, 1) for k, v in sorted(by_function.items(), key=lambda kv: -kv[1])[:40]},
        "style_layout_paint": layout,
        "top_events_self_ms": {k: round(v / 1000, 1) for k, v in sorted(selfs.items(), key=lambda kv: -kv[1])[:25]},
        "vega_views": [_view_row(v, cpu_between if serial else None) for v in views],
        "profile_samples": len(samples),
    }


MILESTONE_NAMES = {
    "firstPaint": "first paint",
    "firstContentfulPaint": "first contentful paint",
    "largestContentfulPaint::Candidate": "largest contentful paint (last candidate)",
}
DOCUMENT_EVENT_NAMES = {
    "MarkDOMContent": "DOMContentLoaded",
    "domContentLoadedEventEnd": "DOMContentLoaded",
    "MarkLoad": "load event",
    "loadEventEnd": "load event",
}


def _milestones(events: list[dict], pid: int, t0: float, t1: float, rel) -> dict[str, float]:
    """The page's paints (the first of each, the last LCP candidate) and document events in the
    window [t0, t1] (trace µs), by name, at page-clock ms (`rel`)."""
    milestones: dict[str, float] = {}
    for e in events:
        if e.get("pid") != pid:
            continue
        name = e.get("name")
        if name in MILESTONE_NAMES and e["ts"] >= t0:
            key = MILESTONE_NAMES[name]
            if key.startswith("largest") or key not in milestones:
                milestones[key] = rel(e["ts"])
        if name in DOCUMENT_EVENT_NAMES and t0 <= e["ts"] <= t1:
            milestones.setdefault(DOCUMENT_EVENT_NAMES[name], rel(e["ts"]))
    return milestones


def _requests(events: list[dict], pid: int, t1: float, rel) -> list[tuple[str, float, float | None]]:
    """The page's requests sent before t1, in order: (file name, sent, finished or None) in page
    ms; when each script finished loading says when its code could run (charts load lazily)."""
    sends, finishes = {}, {}
    for e in events:
        data = (e.get("args") or {}).get("data") or {}
        if e.get("pid") != pid:  # the page's requests only (not Chromium's own WebUI renderers)
            continue
        if e.get("name") == "ResourceSendRequest" and data.get("url"):
            sends[data.get("requestId")] = (data["url"], e["ts"])
        elif e.get("name") == "ResourceFinish":
            finishes[data.get("requestId")] = e["ts"]
    return sorted(
        (
            (short_url(url), rel(ts), rel(finishes[rid]) if rid in finishes else None)
            for rid, (url, ts) in sends.items()
            if ts <= t1
        ),
        key=lambda r: r[1],
    )


def _scripting(nodes: dict, samples: list, t0: float, t1: float) -> tuple[dict[str, float], dict[str, float]]:
    """Self time (ms) in [t0, t1] from V8's sampling profiler, by script file and by function
    ("name  file:line"); idle, program, GC and root time count under their own names by file."""
    by_url: dict[str, float] = collections.defaultdict(float)
    by_function: dict[str, float] = collections.defaultdict(float)
    for i, (ts, node_id) in enumerate(samples):
        if not t0 <= ts <= t1:
            continue
        nxt = samples[i + 1][0] if i + 1 < len(samples) else ts
        dt = max(0.0, min(nxt, t1) - ts) / 1000
        frame = nodes.get(node_id, {}).get("callFrame", {})
        fn = frame.get("functionName") or "(anonymous)"
        url = frame.get("url", "")
        if fn in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            by_url[fn] += dt
            continue
        by_url[short_url(url)] += dt
        by_function[f"{fn}  {short_url(url)}:{frame.get('lineNumber', -1) + 1}"] += dt
    return by_url, by_function


def _busy_ms(nodes: dict, samples: list, lo: float, hi: float) -> float:
    """Non-idle sampled time (ms) between trace times lo and hi (µs)."""
    total = 0.0
    for i, (ts, node_id) in enumerate(samples):
        if lo <= ts < hi:
            fn = nodes.get(node_id, {}).get("callFrame", {}).get("functionName", "")
            if fn != "(idle)":
                nxt = samples[i + 1][0] if i + 1 < len(samples) else ts
                total += max(0.0, min(nxt, hi) - ts) / 1000
    return total


def _view_row(v: dict, cpu_between=None) -> dict:
    """One Vega view as the instrumentation recorded it: when it was queued, started, embedded,
    each run, when it was drawn, and (given `cpu_between(a_ms, b_ms)`) its main-thread time."""
    runs = v.get("runs", [])
    end = max([r[1] for r in runs] + [v.get("embedEnd", v.get("start", 0))])
    return {
        "key": v.get("key"),
        "title": (v.get("title") or v.get("description") or "")[:40],
        "queued_at_ms": round(v.get("queuedAt", 0)),
        "start_ms": round(v.get("start", 0)),
        "embed_ms": round(v["embedEnd"] - v["start"], 1) if v.get("embedEnd") else float("nan"),
        "runs_ms": [round(b - a, 1) for a, b in runs],
        "drawn_at_ms": round(end),
        "cpu_ms": round(cpu_between(v.get("start", 0), end), 1) if cpu_between else None,
        "error": v.get("error"),
    }


# --------------------------------------------------------------------------------------------


async def _warm_up(browser, server: AppServer, query: str, viewport: str) -> tuple[str, str | None]:
    """A load that is not traced (the server's imports and caches, as in bench/run.py); returns
    the URL of Streamlit's chart component and its instrumented text (None when the page loaded
    none), fetched now so that answering the traced page's request for it costs no round trip."""
    context = await browser.new_context(**context_options(viewport=viewport))
    await context.add_init_script(INIT_SCRIPT)
    page = await context.new_page()
    await page.goto(f"{server.url}/{query}", timeout=60_000)
    await wait_idle(page)
    component = await page.evaluate("""() => performance.getEntriesByType('resource').map(r => r.name)
                                         .find(n => /\\/ArrowVegaLiteChart\\.[\\w-]+\\.js$/.test(n)) || ''""")
    patched = None
    if component:
        response = await context.request.get(component)
        patched = instrument_chart_component(await response.text())
    await context.close()
    return component, patched


def _frame_of(payload) -> dict:
    """A websocket frame received: its size and what it carries (describe_frame)."""
    data = payload if isinstance(payload, bytes) else payload.encode()
    return {"size": len(data), **describe_frame(data)}


def _websocket_summary(frames: list[dict]) -> dict:
    """The first render's websocket frames: total KB, KB and count by message kind, each chart's sizes."""
    by_kind: dict[str, list] = collections.defaultdict(lambda: [0, 0])
    for f in frames:
        by_kind[f["kind"]][0] += 1
        by_kind[f["kind"]][1] += f["size"]
    return {
        "ws_total_kb": round(sum(f["size"] for f in frames) / 1024, 1),
        "ws_by_kind": {
            k: {"count": c, "kb": round(b / 1024, 1)} for k, (c, b) in sorted(by_kind.items(), key=lambda kv: -kv[1][1])
        },
        "ws_charts": [
            {k: f.get(k) for k in ("key", "title", "size", "spec_bytes", "data_bytes")}
            for f in frames
            if f["kind"] == "vega_lite_chart"
        ],
    }


async def traced_load(server: AppServer, query: str, serial: bool, stamp: str, viewport: str = "desktop") -> dict:
    """One cold load of `query`, traced after a warm-up load: analyse()'s summary plus the load's
    idle time, errors, script run times and websocket bytes; the raw trace is kept in bench/results/."""
    frames: list[dict] = []
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        component, patched = await _warm_up(browser, server, query, viewport)
        context = await browser.new_context(**context_options(viewport=viewport))
        await context.add_init_script(INIT_SCRIPT)
        await context.add_init_script(VEGA_TIMING + (";window.__vegaSerial = true;" if serial else ""))
        instrumented = {"done": False}

        async def chart_component(route):
            instrumented["done"] = True
            await route.fulfill(status=200, body=patched, content_type="text/javascript; charset=utf-8")

        if patched:
            await context.route(component, chart_component)
        page = await context.new_page()
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(_frame_of(payload))))
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(f"page error: {err.message}"))
        page.on("console", lambda msg: errors.append(f"console error: {msg.text}") if msg.type == "error" else None)

        await browser.start_tracing(page=page, categories=CATEGORIES.split(","))
        await page.goto(f"{server.url}/{query}", timeout=60_000)
        idle_ms = await wait_idle(page)
        charts_sent = sum(1 for f in frames if f.get("kind") == "vega_lite_chart")
        late_ms = await _views_drawn_after(page, idle_ms, charts_sent) if instrumented["done"] else None
        marks = await page.evaluate("() => window.__e2e")
        views = await page.evaluate("() => window.__vegaViews || []")
        sync_mark = f"__bench_sync_{stamp}"
        sync_ms = await page.evaluate(f"() => {{ performance.mark('{sync_mark}'); return performance.now(); }}")
        await page.wait_for_timeout(200)
        raw = await browser.stop_tracing()
        await context.close()
        await browser.close()
    trace_path = RESULTS / f"trace-{stamp}.trace.json"
    trace_path.write_bytes(raw)
    # The window analysed ends when the page is idle and every view is drawn: answering the chart
    # component's request from here can let wait_idle see "idle" before the charts mount.
    window_ms = idle_ms + max(0.0, late_ms or 0.0)
    summary = analyse(json.loads(raw), sync_mark, sync_ms, window_ms, views, serial)
    summary["idle_ms"] = idle_ms
    summary["instrumented_vega"] = instrumented["done"]
    summary["views_drawn_after_idle_ms"] = late_ms
    summary["serial_views"] = serial
    summary["errors"] = errors
    summary["script_finished_ms"] = round(marks.get("runFinishedAt") or 0)
    summary["run_started_ms"] = round(marks.get("runStartedAt") or 0)
    summary.update(_websocket_summary(frames))
    summary["trace_file"] = str(trace_path.relative_to(REPO_ROOT))
    return summary


async def _views_drawn_after(page, idle_ms: float, charts_sent: int) -> float | None:
    """How long after `idle_ms` the last of the `charts_sent` Vega views was drawn: None when by
    then, -1 when not within 30 s. wait_idle sees drawn charts; the instrumentation sees every view
    that was started. Both should agree; if a view was still being set up at "idle", this says so."""
    try:
        handle = await page.wait_for_function(
            """(n) => { const v = window.__vegaViews || [];
                 return v.length >= n && v.every(x => x.runs.length >= 1 || x.error)
                        ? Math.max(...v.map(x => Math.max(x.embedEnd || 0, ...x.runs.map(r => r[1])))) : false; }""",
            arg=charts_sent,
            timeout=30_000,
        )
        drawn = float(await handle.json_value())
        return drawn - idle_ms if drawn > idle_ms else None
    except Exception:
        return -1.0


def report(s: dict, label: str) -> str:
    """A traced load's summary (what traced_load returns) as the text printed for a reader."""
    out = [
        f"Cold load traced: {label}",
        f"window: navigation start → {s['window_ms']:.0f} ms (idle and every Vega view drawn); main thread busy "
        f"{s['main_thread_busy_ms']:.0f} ms of it; {s['profile_samples']} profiler samples",
        "",
    ]
    out += _milestone_lines(s)
    out += _main_thread_lines(s)
    out += _vega_view_lines(s)
    out += _websocket_lines(s)
    if s.get("views_drawn_after_idle_ms"):
        out.append(
            f"NOTE: the last Vega view finished {s['views_drawn_after_idle_ms']:.0f} ms after wait_idle "
            "said idle (-1: not within 30 s); the window above runs to the last view drawn. (Seen only "
            "with the chart component answered from here; in bench/run.py's loads every chart is drawn at idle.)"
        )
    for e in s["errors"]:
        out.append(f"ERROR {e}")
    return "\n".join(out)


def _milestone_lines(s: dict) -> list[str]:
    """The load's milestones in time order, the script run's and the Vega views' among them, and
    the scripts requested only after the script run started."""
    out = ["milestones (ms after navigation start):"]
    ms = dict(s["milestones_ms"])
    ms["first script run started (new_session received)"] = s["run_started_ms"]
    ms["script_finished received"] = s["script_finished_ms"]
    views = s["vega_views"]
    if views:
        ms["first Vega view queued (chart code loaded)"] = min(v["queued_at_ms"] for v in views)
        ms["last Vega view drawn"] = max(v["drawn_at_ms"] for v in views)
    ms["idle (wait_idle)"] = round(s.get("idle_ms", s["window_ms"]))
    for k, v in sorted(ms.items(), key=lambda kv: kv[1]):
        out.append(f"  {v:>6} ms  {k}")
    scripts = [r for r in s["requests"] if r["url"].endswith(".js")]
    late = [r for r in scripts if r["sent_ms"] > s["run_started_ms"]]
    if late:
        out.append(
            f"  scripts requested after the script run started ({len(late)}): "
            + ", ".join(f"{r['url']} {r['sent_ms']}→{r['finished_ms']}" for r in late[:8])
        )
    return out


def _main_thread_lines(s: dict) -> list[str]:
    """Where the main thread's time went: by kind, by trace event, by script, by function, and
    style, layout and paint."""
    out = ["", "main thread until idle, by kind (ms, self time):"]
    out += [f"  {v:>7.0f}  {k}" for k, v in s["main_thread_ms"].items()]
    out += ["", "top trace events (ms, self time):"]
    out += [f"  {v:>7.0f}  {k}" for k, v in list(s["top_events_self_ms"].items())[:12]]
    out += [
        "",
        "scripting by script (ms, self time, V8 sampling profiler; a forced layout, e.g. from",
        "getBoundingClientRect, counts for the script that forced it):",
    ]
    out += [f"  {v:>7.0f}  {k}" for k, v in list(s["scripting_by_url_ms"].items())[:14]]
    out += ["", "top functions (ms, self time):"]
    out += [f"  {v:>7.0f}  {k}" for k, v in list(s["scripting_by_function_ms"].items())[:20]]
    out += ["", "style, layout, paint (count, self ms):"]
    out += [f"  {v['count']:>5} × {k}: {v['self_ms']:.0f} ms" for k, v in s["style_layout_paint"].items()]
    return out


def _vega_view_lines(s: dict) -> list[str]:
    """One line per Vega view (queued, start, embed, runs, drawn, CPU) and their sums."""
    views = s["vega_views"]
    serial = " (serialised: one view at a time)"
    interleaved = " (interleaved: wall times overlap; --serial-views for clean per-view CPU)"
    out = ["", "Vega views" + (serial if s["serial_views"] else interleaved) + ":"]
    if not s["instrumented_vega"]:
        out.append("  (Streamlit's chart component could not be instrumented: per-view times unavailable)")
    if not views:
        return out
    out.append(
        "  ms after navigation start: queued (component mounted), start, drawn; durations: embed "
        "(compile+parse+view), runs (dataflow+render), cpu (serial only)"
    )
    out.append(f"  {'title':<26} {'queued':>7} {'start':>7} {'embed':>7} {'runs':>12} {'drawn':>7} {'cpu':>6}")
    for v in sorted(views, key=lambda v: v["start_ms"]):
        runs = "+".join(f"{r:.0f}" for r in v["runs_ms"])
        cpu = "" if v["cpu_ms"] is None else f"{v['cpu_ms']:.0f}"
        name = (v["key"] + " " if v["key"] else "") + v["title"]
        out.append(
            f"  {name[:26]:<26} {v['queued_at_ms']:>7} {v['start_ms']:>7} "
            f"{v['embed_ms']:>7.0f} {runs:>12} {v['drawn_at_ms']:>7} {cpu:>6}"
        )
    cpu_sum = sum(v["cpu_ms"] or 0 for v in views)
    out.append(
        f"  sum: embed {sum(v['embed_ms'] for v in views):.0f} ms, runs "
        f"{sum(sum(v['runs_ms']) for v in views):.0f} ms"
        + (f", CPU in view windows {cpu_sum:.0f} ms" if s["serial_views"] else "")
        + f"; first queued {min(v['queued_at_ms'] for v in views)}, last drawn "
        f"{max(v['drawn_at_ms'] for v in views)}"
    )
    return out


def _websocket_lines(s: dict) -> list[str]:
    """The first render's websocket bytes by message kind, and each chart's spec and data."""
    out = ["", f"websocket, first render: {s['ws_total_kb']} KB; by kind (count, KB):"]
    out += [f"  {v['kb']:>7.1f}  {k} ×{v['count']}" for k, v in s["ws_by_kind"].items()]
    if s["ws_charts"]:
        out.append("  charts (key: frame KB = spec KB + data KB):")
        for c in sorted(s["ws_charts"], key=lambda c: -c["size"]):
            out.append(
                f"    {c['key'] or '?':<22} {c['size'] / 1024:>6.1f} = {c['spec_bytes'] / 1024:.1f} + "
                f"{c['data_bytes'] / 1024:.1f}   {c.get('title') or ''}"
            )
    return out


def main() -> None:
    # SIGTERM (e.g. `kill`, `timeout`) ends like Ctrl-C: the finally blocks stop the servers started here.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", default="streamlit_app.py", help="the page to trace (default: the app)")
    parser.add_argument("--drop", default="", help="sections to leave out (bench/ablate_app.py)")
    parser.add_argument("--query", default="", help="URL query for the traced load, e.g. 'zone=ganzhou'")
    parser.add_argument("--serial-views", action="store_true", help="draw Vega views one at a time")
    parser.add_argument(
        "--viewport",
        choices=("desktop", "phone"),
        default="desktop",
        help="desktop 1280×900 (default) or phone 390×844, touch (Lighthouse's mobile run is narrow)",
    )
    opts = parser.parse_args()
    script, env = ("bench/ablate_app.py", {"BENCH_DROP": opts.drop}) if opts.drop else (opts.script, None)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    query = f"?{opts.query.lstrip('?')}" if opts.query else ""
    with AppServer(script, env=env, log_dir=RESULTS, name="trace") as server:
        summary = asyncio.run(traced_load(server, query, opts.serial_views, stamp, opts.viewport))
    load = os.getloadavg()[0]
    label = f"{script}{' BENCH_DROP=' + opts.drop if opts.drop else ''} {query} ({opts.viewport})".strip()
    summary.update(label=label, when=time.strftime("%Y-%m-%d %H:%M %Z"), load_average=load)
    print(f"{summary['when']}, load average {load:.2f} on {os.cpu_count()} cores")
    print(report(summary, label))
    out = RESULTS / f"trace-{stamp}.json"
    out.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"\nsummary: {out.relative_to(REPO_ROOT)}; raw trace: {summary['trace_file']}")


if __name__ == "__main__":
    main()
