"""Memory under uploads: what an upload leaves behind, and the peak of one big upload.

    python bench/upload_memory.py              # both checks, budgets, exit 1 when over
    python bench/upload_memory.py --tracemalloc  # also: Python heap (tracemalloc) in the server
    JX_ALLOCATOR=system python bench/upload_memory.py  # the server on glibc's malloc and pymalloc, to compare

The server starts as every server does, through scripts/with-jemalloc.sh (jemalloc, pymalloc off).

1. Retained: a server with `server.disconnectedSessionTTL` set short (--ttl, default 10 s; Streamlit's
   default is 120 s) gets 8 distinct uploads of a 20,000-row facts file (~1.7 MB), each in a fresh
   session that closes after its run. RSS after the first upload's session closed is compared with
   RSS after all eight plus the TTL. Streamlit reaps an expired disconnected session only when its
   session storage is next written (a later disconnect), so one plain visit is made after the TTL,
   as any live server would see. Budget: ≤ 60 MB.
2. Peak: a fresh server, warmed by one plain visit; its RSS high-water mark is reset
   (/proc/PID/clear_refs) and one ~19.5 MB upload is made. Budget: peak ≤ 400 MB above idle.

Uploads go over the protocol (load/protocol.py): the uploader's HTTP endpoint, then the widget-state
rerun, as the browser does. The files are made here from the real rows of data/facts.csv, repeated,
each row with a number in its source title (a repeat is otherwise a duplicate, or a conflict when
its value differs), in GB18030 with the required columns plus industry and qualifier; the big file
repeats the shorter half of the rows, so that ~19.5 MB holds ~220,000 rows (the worst case is many
short rows). Nothing is written to data/. All traffic goes to
127.0.0.1 and every wait is bounded. Server logs and a JSON of the figures go to bench/results/.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from load.protocol import Session  # noqa: E402
from tools.browser import AppServer  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
UPLOAD_KEY = "w_upload_0"  # the sidebar's file_uploader (dashboard/app.py upload_box)
UPLOAD_BOX = "w_upload_box"  # its expander, whose contents run only while it is open
RETAINED_BUDGET_MB, PEAK_BUDGET_MB = 60, 400
MB = 1024 * 1024
# The required columns and two optional ones; unit, source_url, source_date and note may be left out.
COLUMNS = ["zone_id", "year", "metric", "industry", "value", "qualifier", "source_title"]


def real_rows(shortest: float = 1.0) -> list[list[str]]:
    """The bundled facts as upload rows (COLUMNS); `shortest` keeps that fraction, shortest first."""
    with open(REPO_ROOT / "data" / "facts.csv", encoding="utf-8-sig", newline="") as f:
        rows = [[r[c] for c in COLUMNS] for r in csv.DictReader(f)]
    rows.sort(key=lambda r: len(",".join(r).encode("gb18030")))
    return rows[: max(1, int(len(rows) * shortest))] if shortest < 1 else rows


def facts_file(rows: int, tag: str, shortest: float = 1.0) -> bytes:
    """A valid facts CSV of `rows` figures in GB18030 (as Excel in China saves it), made by repeating
    the bundled rows; `tag` makes the file distinct from others."""
    pool = real_rows(shortest)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i in range(rows):
        r = pool[i % len(pool)]
        writer.writerow([*r[:-1], f"{r[-1]} #{tag}{i}"])  # source_title is last
    return out.getvalue().encode("gb18030")


def file_of_size(target_bytes: int, tag: str, shortest: float) -> bytes:
    """A file of about `target_bytes` (row count measured on a sample)."""
    per_row = len(facts_file(5_000, tag, shortest)) / 5_000
    return facts_file(int(target_bytes / per_row) - 100, tag, shortest)


def status_kib(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))


def rss_mb(server: AppServer) -> float:
    return status_kib(server.proc.pid, "VmRSS") / 1024


def metrics(server: AppServer) -> dict[str, int]:
    """Streamlit's own cache sizes (/_stcore/metrics, cache_memory_bytes), bytes per cache."""
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/_stcore/metrics", timeout=10) as resp:
        text = resp.read().decode()
    found = {}
    for line in text.splitlines():
        m = re.match(r'cache_memory_bytes\{cache_type="([^"]*)",cache="([^"]*)"\} (\d+)', line)
        if m:
            found[f"{m.group(1)}:{m.group(2)}".rstrip(":")] = int(m.group(3))
    return found


def tracemalloc_report(server: AppServer, label: str, timeout: float = 60) -> dict | None:
    """Ask the traced server (bench/traced_app.py) for a tracemalloc summary; None when not traced."""
    trigger = RESULTS / f"tracemalloc-{server.port}.request"
    out = RESULTS / f"tracemalloc-{server.port}-{label}.json"
    trigger.write_text(str(out))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and not trigger.exists():
            return json.loads(out.read_text())
        time.sleep(0.2)
    trigger.unlink(missing_ok=True)
    return None


def visit(server: AppServer, upload: bytes | None = None, name: str = "facts.csv") -> dict:
    """One browser session: open the page, optionally upload a file, close. Returns what it saw."""
    session = Session(server.url + "/", timeout=180)
    try:
        first = session.open("")
        result = {"open_s": round(first.seconds, 2), "exceptions": first.exceptions}
        if upload is not None:
            session.open_expander(UPLOAD_BOX)
            run = session.upload(UPLOAD_KEY, name, upload)
            result.update(upload_s=round(run.seconds, 2), alerts=run.alerts, exceptions=run.exceptions)
        return result
    finally:
        session.close()


def server(ttl: int, traced: bool, name: str) -> AppServer:
    script = "bench/traced_app.py" if traced else "streamlit_app.py"
    return AppServer(script, args=("--server.disconnectedSessionTTL", str(ttl)), log_dir=RESULTS, name=name)


def check_accepted(result: dict, rows: int) -> None:
    if result.get("exceptions"):
        raise RuntimeError(f"exception on the page: {result['exceptions'][0]}")
    loaded = [a for a in result.get("alerts", []) if str(rows) in a.replace(",", "")]
    if not loaded:
        raise RuntimeError(f"upload of {rows} rows was not loaded; the page said: {result.get('alerts')}")


def retained(opts) -> dict:
    rows = opts.rows
    files = [facts_file(rows, f"u{i}") for i in range(opts.uploads)]
    out = {"ttl_s": opts.ttl, "uploads": opts.uploads, "rows": rows, "file_mb": round(len(files[0]) / MB, 2)}
    with server(opts.ttl, opts.tracemalloc, "upload-retained") as srv:
        visit(srv)  # warm: imports, bundled data, caches
        out["idle_mb"] = round(rss_mb(srv), 1)
        for i, content in enumerate(files):
            result = visit(srv, content, f"facts_{i}.csv")
            check_accepted(result, rows)
            out.setdefault("upload_s", []).append(result["upload_s"])
            if i == 0:
                time.sleep(2)
                out["after_first_mb"] = round(rss_mb(srv), 1)
                out["metrics_after_first"] = metrics(srv)
                if opts.tracemalloc:  # its malloc_trim lowers RSS: measure the rest from here
                    out["tracemalloc_after_first"] = tracemalloc_report(srv, "first")
                    out["after_first_trimmed_mb"] = round(rss_mb(srv), 1)
        time.sleep(opts.ttl + 2)
        visit(srv)  # a later visit: Streamlit reaps expired disconnected sessions on its next disconnect
        time.sleep(2)
        out["after_all_mb"] = round(rss_mb(srv), 1)
        out["metrics_after_all"] = metrics(srv)
        if opts.tracemalloc:
            out["tracemalloc_after_all"] = tracemalloc_report(srv, "all")
    out["retained_mb"] = round(out["after_all_mb"] - out["after_first_mb"], 1)
    return out


def peak(opts) -> dict:
    content = file_of_size(int(opts.big_mb * 1e6), "big", shortest=0.5)
    rows = content.count(b"\n") - 1
    out = {"file_mb": round(len(content) / MB, 2), "rows": rows}
    with server(opts.ttl, False, "upload-peak") as srv:
        visit(srv)
        time.sleep(1)
        out["idle_mb"] = round(rss_mb(srv), 1)
        Path(f"/proc/{srv.proc.pid}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        result = visit(srv, content, "big.csv")
        out["peak_mb"] = round(status_kib(srv.proc.pid, "VmHWM") / 1024, 1)
        out["after_mb"] = round(rss_mb(srv), 1)
        out["upload_s"] = result.get("upload_s")
        out["page_said"] = result.get("alerts", [])[:2]
        out["exceptions"] = result.get("exceptions")
    out["peak_above_idle_mb"] = round(out["peak_mb"] - out["idle_mb"], 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ttl", type=int, default=10, help="server.disconnectedSessionTTL in s (default 10)")
    parser.add_argument("--uploads", type=int, default=8)
    parser.add_argument("--rows", type=int, default=20_000, help="rows per upload in the retained check")
    parser.add_argument("--big-mb", type=float, default=19.5, help="size of the peak check's file (MB, 10^6)")
    parser.add_argument("--tracemalloc", action="store_true", help="trace the Python heap in the retained check")
    parser.add_argument("--only", choices=["retained", "peak"], help="run one check")
    opts = parser.parse_args()
    if not (1 <= opts.uploads <= 20 and 1 <= opts.ttl <= 300 and 1 <= opts.rows <= 300_000 and 0.1 <= opts.big_mb <= 20):
        parser.error("keep it bounded: --uploads 1..20, --ttl 1..300, --rows ≤ 300,000, --big-mb ≤ 20")
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {}
    if opts.only in (None, "retained"):
        report["retained"] = retained(opts)
    if opts.only in (None, "peak"):
        report["peak"] = peak(opts)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"upload-memory-{stamp}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    ok = True
    print("\n| memory under uploads | measured | budget | ok |\n|---|---|---|---|")
    if "retained" in report:
        r = report["retained"]
        met = r["retained_mb"] <= RETAINED_BUDGET_MB
        ok &= met
        print(
            f"| retained: {r['uploads']} uploads of {r['rows']:,} rows ({r['file_mb']} MB) in sessions that closed, "
            f"+ TTL {r['ttl_s']} s (RSS {r['after_first_mb']} → {r['after_all_mb']} MB) "
            f"| {r['retained_mb']} MB | ≤ {RETAINED_BUDGET_MB} MB | {'yes' if met else 'NO'} |"
        )
    if "peak" in report:
        p = report["peak"]
        met = p["peak_above_idle_mb"] <= PEAK_BUDGET_MB
        ok &= met
        print(
            f"| peak of one {p['file_mb']} MB upload ({p['rows']:,} rows) above the idle server "
            f"(idle {p['idle_mb']} MB, high-water {p['peak_mb']} MB, {p['upload_s']} s) "
            f"| {p['peak_above_idle_mb']} MB | ≤ {PEAK_BUDGET_MB} MB | {'yes' if met else 'NO'} |"
        )
        print(f"\nthe big upload's page said: {p['page_said'] or p['exceptions']}")
    if "retained" in report:
        r = report["retained"]
        big = {k: v for k, v in r["metrics_after_all"].items() if v > 256 * 1024}
        print(
            f"Streamlit caches over 256 KB after all uploads (/_stcore/metrics, MB): "
            f"{ {k: round(v / MB, 1) for k, v in big.items()} }"
        )
        for label in ("tracemalloc_after_first", "tracemalloc_after_all"):
            if r.get(label):
                t = r[label]
                print(
                    f"{label}: Python heap {t['current_mb']} MB traced, pyarrow pool {t['pyarrow_mb']} MB; "
                    f"RSS {t['rss_mb']} MB, {t['rss_after_malloc_trim_mb']} MB after malloc_trim(0); top sites: "
                    + "; ".join(f"{s['where']} {s['mb']} MB" for s in t["top"][:6])
                )
                if je := t.get("jemalloc"):  # the server runs on jemalloc (scripts/with-jemalloc.sh)
                    print(
                        f"  jemalloc: {je['before_purge']['allocated_mb']} MB allocated, "
                        f"{je['before_purge']['resident_mb']} MB resident ({je['after_purge']['resident_mb']} after a purge; "
                        f"RSS then {je['rss_after_purge_mb']} MB)"
                    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
