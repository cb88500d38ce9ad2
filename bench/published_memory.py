"""Memory under published links: opening 50 different published data sets in turn leaves the server
≤ 60 MB above opening one (issue 22). `make load` runs it.

    python bench/published_memory.py [--links 50] [--rows 2000] [--ttl 10]

A store of its own (a SQLite file in a temp dir) gets `--links` published sets of `--rows` figures
each, made from the bundled rows (bench/upload_memory.py's facts_file) and published as the page
does (read_facts, canonical form, Store.publish). A server with `server.disconnectedSessionTTL`
set short opens the first link in one session (the protocol client, load/protocol.py), which
closes; RSS then is the baseline. Each other link is opened in a fresh session in turn, and each
page is checked to show its set's banner. After the TTL and one plain visit (Streamlit reaps
expired sessions on a later disconnect), RSS again: the difference must be ≤ 60 MB. What bounds it:
the page holds at most app.PUBLISHED_CACHE sets in memory. The figures go to
bench/results/published_memory.json.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

from upload_memory import facts_file, rss_mb  # noqa: E402

from load.protocol import Session  # noqa: E402
from tools.browser import AppServer  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
BUDGET_MB = 60


def published_sets(db: str, links: int, rows: int) -> list[str]:
    from dashboard import data, publish

    store = publish.Store(db, max_bytes=10**10)
    ids = []
    for i in range(links):
        source = io.BytesIO(facts_file(rows, f"p{i}"))
        source.name = f"set{i}.csv"
        facts = data.read_facts(source)
        ids.append(store.publish(publish.canonical(facts), len(facts))[0].id)
    store.dispose()
    return ids


def open_link(server: AppServer, ident: str | None) -> float:
    """One session on the link (or the plain page); the seconds its first run took."""
    session = Session(server.url + "/", timeout=180)
    try:
        run = session.open(f"data={ident}" if ident else "")
        if run.exceptions:
            raise RuntimeError(f"exception on the page: {run.exceptions[0]}")
        if ident and not any(ident in alert for alert in run.alerts):
            raise RuntimeError(f"the page did not show data set {ident}: {run.alerts[:3]}")
        return run.seconds
    finally:
        session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=50)
    parser.add_argument("--rows", type=int, default=2000, help="figures per published set")
    parser.add_argument("--ttl", type=int, default=10, help="server.disconnectedSessionTTL in s")
    opts = parser.parse_args()
    if not (2 <= opts.links <= 200 and 1 <= opts.rows <= 50_000 and 1 <= opts.ttl <= 300):
        parser.error("keep it bounded: --links 2..200, --rows ≤ 50,000, --ttl 1..300")
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jx-published-") as tmp:
        db = str(Path(tmp) / "published.db")
        started = time.monotonic()
        ids = published_sets(db, opts.links, opts.rows)
        out = {"links": opts.links, "rows": opts.rows, "publish_s": round(time.monotonic() - started, 1)}
        env = {"JX_PUBLISH_DB": db, "JX_PUBLISH": "off"}  # reading links needs no publishing
        args = ("--server.disconnectedSessionTTL", str(opts.ttl))
        with AppServer("streamlit_app.py", env=env, args=args, log_dir=RESULTS, name="published-memory") as server:
            open_link(server, None)  # warm: imports, the bundled data, caches
            out["idle_mb"] = round(rss_mb(server), 1)
            out["first_open_s"] = round(open_link(server, ids[0]), 2)
            time.sleep(2)
            out["after_one_mb"] = round(rss_mb(server), 1)
            seconds = [open_link(server, ident) for ident in ids[1:]]
            out["open_s_median"] = round(sorted(seconds)[len(seconds) // 2], 2)
            time.sleep(opts.ttl + 2)
            open_link(server, None)
            time.sleep(2)
            out["after_all_mb"] = round(rss_mb(server), 1)
    out["above_one_mb"] = round(out["after_all_mb"] - out["after_one_mb"], 1)
    out["budget_mb"] = BUDGET_MB
    out["ok"] = out["above_one_mb"] <= BUDGET_MB
    (RESULTS / "published_memory.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out))
    verdict = "within" if out["ok"] else "OVER"
    print(
        f"published links: {opts.links} sets opened in turn leave {out['above_one_mb']} MB above one ({verdict} the {BUDGET_MB} MB budget)"
    )
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
