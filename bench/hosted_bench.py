"""The hosted link on a phone (issue 23): what travels, and Lighthouse mobile, on three stacks
started in the same run.

    python bench/hosted_bench.py [--lighthouse-runs 2]     (make bench runs it as its "hosted" section)

Stacks (each one replica, warm before anything is measured):
  hosted           `make hosted`'s nginx running deploy/nginx/jx-zones.conf (brotli/gzip, the first
                   paint, the security headers) in front of the app, plain http (HTTP/1.1)
  hosted, HTTP/2   the same nginx, over the file's TLS lines (a throwaway certificate the browser is
                   told to accept): what a phone gets from a real https site
  compression off  the same stack with gzip and brotli off (scripts/hosted.py, compression=False)
  direct           the app served by Streamlit itself, no proxy: the reference of the budgets

Bytes and requests: Debian's Chromium through the DevTools protocol, a phone context (390 px,
touch, zh-CN): a first visit in a fresh context (empty cache) until the page is idle, then a repeat
visit of the same link in the same context. "HTTP bytes" is what crossed the wire for HTTP
requests (headers and bodies as sent, compressed or not); the websocket's frames (the app's content)
are counted apart. Also: what precompressing every text file with brotli 11 (brotli_static) would
have sent instead of brotli 5 on the fly, for the same files.

Lighthouse: bench/lighthouse.py's run (mobile preset: slow 4G, 4x CPU), `--lighthouse-runs` per
stack, alternating; medians.

Budgets (issue 23): first visit <= 800 kB, repeat visit <= 50 kB (HTTP and websocket together);
hosted FCP <= 0.25x and TTI <= 0.4x direct; CLS <= 0.1 in every hosted run; accessibility and best
practices 100; no console error (CSP violations included) in the visits.
"""

from __future__ import annotations

import base64
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import brotli

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import lighthouse  # noqa: E402  (bench/)
from hosted import NGINX_ACCESS_LOG, Hosted  # noqa: E402  (scripts/hosted.py)

from tools.browser import INIT_SCRIPT, AppServer, context_options, launch_chromium, wait_idle  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
BASE = "jx-zones"
FIRST_KB, REPEAT_KB = 800, 50
FCP_FACTOR, TTI_FACTOR, CLS_MAX = 0.25, 0.4, 0.1
TEXT_TYPES = ("javascript", "css", "json", "svg", "html", "text/plain")


def streamlit_static_dir() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def ws_wire_bytes(access_log: Path | None, before: int) -> int | None:
    """Bytes nginx sent to the browser on the websocket(s) logged after offset `before` of its access
    log (the "combined" format's $body_bytes_sent; logged when the socket closes): the frames as they
    travelled, compressed or not. None without a proxy (Streamlit direct)."""
    if not access_log or not access_log.exists():
        return None
    with access_log.open("rb") as f:
        f.seek(before)
        lines = f.read().decode(errors="replace").splitlines()
    total = 0
    for line in lines:
        if "/_stcore/stream" in line and '" 101 ' in line:
            total += int(line.split('" 101 ', 1)[1].split()[0])
    return total


def visit(url: str, access_log: Path | None = None) -> dict:
    """A first and a repeat visit of `url` on a phone; bytes, requests, console errors."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(**context_options("zh", viewport="phone"), ignore_https_errors=True)
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        log: dict = {}
        errors: list[str] = []

        def on_response(e):
            r = e["response"]
            log.setdefault(e["requestId"], {}).update(
                url=r["url"],
                status=r["status"],
                mime=r.get("mimeType", ""),
                encoding=(r.get("headers") or {}).get("content-encoding") or (r.get("headers") or {}).get("Content-Encoding"),
                cached=bool(r.get("fromDiskCache") or r.get("fromMemoryCache")),
            )

        def on_finished(e):
            log.setdefault(e["requestId"], {})["bytes"] = e["encodedDataLength"]

        def on_cache(e):
            log.setdefault(e["requestId"], {})["cached"] = True

        ws = {"bytes": 0}

        def on_frame(e):
            frame = e["response"]
            data = frame["payloadData"]  # binary frames (opcode 2: Streamlit's protobuf) come as base64
            ws["bytes"] += len(base64.b64decode(data)) if frame.get("opcode") == 2 else len(data.encode())

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.requestServedFromCache", on_cache)
        cdp.on("Network.webSocketFrameReceived", on_frame)
        cdp.on("Network.webSocketFrameSent", on_frame)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for name in ("first", "repeat"):
            log.clear()
            ws["bytes"] = 0
            offset = access_log.stat().st_size if access_log and access_log.exists() else 0
            page.goto(url, timeout=120_000)
            wait_idle(page, timeout=120_000)
            page.wait_for_timeout(1000)  # late requests (icons, fonts) after idle
            entries = [v for v in log.values() if v.get("url", "").startswith("http")]
            # From a cache: no bytes moved (a revalidation that got a 304 moved its headers).
            on_wire = [v for v in entries if (v.get("bytes") or 0) > 0]
            page.goto("about:blank")  # closes the websocket: nginx logs what it sent on it
            page.wait_for_timeout(500)
            wire = ws_wire_bytes(access_log, offset)
            out[name] = {
                "requests": len(on_wire),
                "from_cache": len(entries) - len(on_wire),
                "http_bytes": sum(v.get("bytes") or 0 for v in on_wire),
                "ws_payload_bytes": ws["bytes"],
                # What the websocket moved: on the wire through nginx; direct, the frames' payloads.
                "ws_bytes": wire if wire is not None else ws["bytes"],
                "fonts": sorted(urlsplit(v["url"]).path.rsplit("/", 1)[-1] for v in on_wire if "font" in v.get("mime", "")),
                "entries": entries,
            }
        out["console_errors"] = errors
        context.close()
        browser.close()
    return out


def precompressed_bytes(entries: list[dict]) -> dict:
    """For the text files of a visit that nginx compressed: what brotli 11 ahead of time would send
    (body only) against what was sent (headers included, so the saving is a lower bound)."""
    static = streamlit_static_dir()
    sent = pre = 0
    for e in entries:
        if e.get("encoding") != "br" or e.get("cached"):
            continue
        path = urlsplit(e["url"]).path.split(f"/{BASE}/", 1)[-1]
        file = static / path
        if not path.startswith("static/") or not file.is_file():
            continue
        sent += e.get("bytes") or 0
        pre += len(brotli.compress(file.read_bytes(), quality=11))
    return {"on_the_fly_kb": round(sent / 1024, 1), "brotli11_kb": round(pre / 1024, 1)}


def kb(n: float) -> str:
    return f"{n / 1024:,.0f}"


def main() -> int:
    lighthouse_runs = lighthouse.runs_option(
        __doc__, "--lighthouse-runs", 2, 0, 5, "Lighthouse runs per stack (default 2; 0 skips)"
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    results: dict = {"visits": {}, "lighthouse": {}}
    with (
        Hosted(replicas=1, base_path=BASE, log_dir=RESULTS / "hosted-on", tls=True) as on,
        Hosted(replicas=1, base_path=BASE, log_dir=RESULTS / "hosted-off", compression=False) as off,
        AppServer("streamlit_app.py", log_dir=RESULTS, name="hosted-direct") as direct,
    ):
        urls = {"hosted": on.url, "hosted, HTTP/2": on.tls_url, "compression off": off.url, "direct": f"{direct.url}/"}
        lighthouse.warm_up(*(u for u in urls.values() if u.startswith("http:")))  # HTTP/2: the same nginx and replica
        logs = {
            "hosted": on.log_dir / NGINX_ACCESS_LOG,
            "hosted, HTTP/2": on.log_dir / NGINX_ACCESS_LOG,
            "compression off": off.log_dir / NGINX_ACCESS_LOG,
        }
        for name, url in urls.items():
            print(f"  visits: {name} ...", flush=True)
            results["visits"][name] = visit(url, logs.get(name))
        results["precompressed"] = precompressed_bytes(results["visits"]["hosted"]["first"]["entries"])
        runs = {name: [] for name in urls}
        for i in range(lighthouse_runs):
            order = list(urls) if i % 2 == 0 else list(reversed(urls))
            for name in order:
                slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
                flags = ("--ignore-certificate-errors",) if urls[name].startswith("https:") else ()
                out = RESULTS / f"lighthouse-hosted-{slug}-{stamp}-{i + 1}.json"
                r = lighthouse.run_once(urls[name], out, flags)
                if r.get("error"):
                    print(f"  lighthouse {name} run {i + 1}: {r['error'][:200]}; retrying once", flush=True)
                    r = lighthouse.run_once(urls[name], out, flags)
                if not r.get("error"):
                    report = json.loads((REPO_ROOT / r["report"]).read_text())
                    r["cls"] = report["audits"].get("cumulative-layout-shift", {}).get("numericValue")
                runs[name].append(r)
                print(
                    f"  lighthouse {name} run {i + 1}: "
                    + (r.get("error") or f"FCP {r['fcp_ms'] / 1000:.1f} s, TTI {r['tti_ms'] / 1000:.1f} s, CLS {r['cls']:.3f}"),
                    flush=True,
                )
        for name in runs:
            lighthouse.flag_undrawn(runs[name])
        results["lighthouse"] = runs
    load_after = os.getloadavg()[0]

    ok = True
    v = results["visits"]
    rows = []
    for name in urls:
        for kind in ("first", "repeat"):
            s = v[name][kind]
            rows.append(
                [
                    f"{name}, {kind} visit",
                    s["requests"],
                    s["from_cache"],
                    kb(s["http_bytes"]),
                    f"{kb(s['ws_bytes'])} ({kb(s['ws_payload_bytes'])})",
                    kb(s["http_bytes"] + s["ws_bytes"]),
                    ", ".join(s["fonts"]) or "none",
                ]
            )
    text = lighthouse.table(
        rows, ["phone, zh-CN", "requests", "from cache", "HTTP kB", "websocket kB (payload)", "total kB", "fonts"]
    )
    first = v["hosted"]["first"]["http_bytes"] + v["hosted"]["first"]["ws_bytes"]
    repeat = v["hosted"]["repeat"]["http_bytes"] + v["hosted"]["repeat"]["ws_bytes"]
    checks = [
        (f"hosted first visit {kb(first)} kB", f"<= {FIRST_KB} kB", first <= FIRST_KB * 1024),
        (f"hosted repeat visit {kb(repeat)} kB", f"<= {REPEAT_KB} kB", repeat <= REPEAT_KB * 1024),
    ]
    errors = {name: v[name]["console_errors"] for name in ("hosted", "hosted, HTTP/2", "compression off")}
    checks.append((f"console errors through the proxy: {sum(map(len, errors.values()))}", "0", not any(errors.values())))
    pre = results["precompressed"]
    text += (
        f"\n\nthe hosted first visit's brotli-compressed files: {pre['on_the_fly_kb']} kB as sent (brotli 5 on the fly, "
        f"headers included), {pre['brotli11_kb']} kB as brotli 11 files made ahead (bodies only)"
    )

    def med(name, key):
        values = [r[key] for r in results["lighthouse"].get(name, []) if not r.get("error") and r.get(key) is not None]
        return statistics.median(values) if values else None

    if lighthouse_runs:
        lrows = []
        for label, key, scale in (
            ("first contentful paint (s)", "fcp_ms", 1000),
            ("largest contentful paint (s)", "lcp_ms", 1000),
            ("time to interactive (s)", "tti_ms", 1000),
            ("total blocking time (ms)", "tbt_ms", 1),
            ("cumulative layout shift", "cls", 1),
            ("performance score", "performance", 1),
            ("accessibility", "accessibility", 1),
            ("best practices", "best-practices", 1),
            ("transfer (kB, Lighthouse)", "transfer_kb", 1),
            ("requests (Lighthouse)", "requests", 1),
        ):
            cells = []
            for name in urls:
                m = med(name, key)
                cells.append(
                    "–" if m is None else (f"{m / scale:.1f}" if scale != 1 else (f"{m:.3f}" if key == "cls" else f"{m:.0f}"))
                )
            d = med("direct", key)
            for stack in ("hosted", "hosted, HTTP/2"):
                h = med(stack, key)
                cells.append(f"{h / d:.2f}×" if h is not None and d else "–")
            lrows.append([label, *cells])
        text += "\n\n" + lighthouse.table(lrows, ["Lighthouse mobile, medians", *urls, "hosted / direct", "HTTP/2 / direct"])
        fcp_h, fcp_d, tti_h, tti_d = (
            med("hosted", "fcp_ms"),
            med("direct", "fcp_ms"),
            med("hosted", "tti_ms"),
            med("direct", "tti_ms"),
        )
        cls_runs = [
            round(r["cls"], 3)
            for stack in ("hosted", "hosted, HTTP/2")
            for r in results["lighthouse"][stack]
            if not r.get("error") and r.get("cls") is not None
        ]
        checks += [
            ("hosted FCP / direct", f"<= {FCP_FACTOR}×", bool(fcp_h and fcp_d and fcp_h <= FCP_FACTOR * fcp_d)),
            ("hosted TTI / direct", f"<= {TTI_FACTOR}×", bool(tti_h and tti_d and tti_h <= TTI_FACTOR * tti_d)),
            (
                "hosted over HTTP/2: FCP, TTI / direct",
                f"<= {FCP_FACTOR}×, {TTI_FACTOR}×",
                bool(
                    (f2 := med("hosted, HTTP/2", "fcp_ms"))
                    and (t2 := med("hosted, HTTP/2", "tti_ms"))
                    and fcp_d
                    and tti_d
                    and f2 <= FCP_FACTOR * fcp_d
                    and t2 <= TTI_FACTOR * tti_d
                ),
            ),
            (
                f"hosted CLS in every run {cls_runs}",
                f"<= {CLS_MAX}",
                bool(cls_runs) and all(c is not None and c <= CLS_MAX for c in cls_runs),
            ),
            ("hosted accessibility", "100", med("hosted", "accessibility") == 100),
            ("hosted best practices", "100", med("hosted", "best-practices") == 100),
        ]
        for name, rs in results["lighthouse"].items():
            for i, r in enumerate(rs, 1):
                if r.get("error"):
                    checks.append((f"lighthouse {name} run {i}: {r['error'][:120]}", "no error", False))
                for cat, ids in (r.get("failed") or {}).items():
                    if ids and name.startswith("hosted"):
                        text += f"\nhosted run {i} {cat} failed audits: {', '.join(ids)}"
    text += "\n\n" + lighthouse.table(
        [[c, b, "ok" if good else "OVER"] for c, b, good in checks], ["budget (issue 23)", "budget", "ok"]
    )
    ok = all(good for *_, good in checks)
    for name, errs in errors.items():
        for e in errs[:5]:
            text += f"\n{name} console error: {e[:300]}"
    for name in urls:
        for kind in ("first", "repeat"):
            v[name][kind]["entries"] = [
                {k: e.get(k) for k in ("url", "status", "mime", "encoding", "cached", "bytes")} for e in v[name][kind]["entries"]
            ]
    (RESULTS / f"hosted-{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(
        f"\nHosted link on a phone, {time.strftime('%Y-%m-%d %H:%M %Z')}, load average {load_before:.2f} before, "
        f"{load_after:.2f} after, on {os.cpu_count()} cores\n"
    )
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
