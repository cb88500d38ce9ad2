"""make load: the Locust scenario (load/locustfile.py) against one replica, then behind nginx.

    python load/run.py                       # direct, hosted 1, 2 and 3 replicas; 100 users each
    python load/run.py --setups direct,hosted2 --users 30 --duration 60

For each setup it starts the servers (tools/browser.AppServer for one replica on its own;
scripts/hosted.py's Hosted for nginx + N replicas under /jx-zones/), warms each replica with a few
sessions (not counted), runs `locust --headless` with CSV stats, stops everything, and prints one
table row: sessions started, zone changes, errors, p50/p95 of the script round trip (start and
interaction), the servers' CPU per script run and the machine's load average. Raw numbers go to
bench/results/load-*.json, Locust's CSVs and the server logs beside them.

Exit code 1 when any request failed, or when the budget setup (2 replicas behind the proxy) misses
p95 ≤ 1.5 s for interactions. Traffic goes to 127.0.0.1 only; Locust's run time and every wait are
bounded.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from load.protocol import Session  # noqa: E402
from tools.browser import AppServer  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
BUDGET_SETUP, BUDGET_P95_S = "hosted2", 1.5
SETUPS = ("direct", "hosted1", "hosted2", "hosted3")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its (living) descendants."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            todo += [int(c) for t in Path(f"/proc/{p}/task").iterdir() for c in (t / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


@contextmanager
def servers(setup: str, log_dir: Path, args: tuple[str, ...] = ()):
    """(url, server pids, replicas) for the setup, stopped on exit; `args` go to every replica."""
    if setup == "direct":
        with AppServer("streamlit_app.py", args=args, log_dir=log_dir, name="load-direct") as server:
            yield server.url + "/", [server.proc.pid], 1
    else:
        from hosted import Hosted  # scripts/hosted.py (make hosted)

        replicas = int(setup.removeprefix("hosted"))
        hosted = Hosted(replicas=replicas, port=None, log_dir=log_dir, args=args)
        hosted.start()
        try:
            yield hosted.url, [r.pid for r in hosted.replicas], replicas
        finally:
            hosted.stop()


def warm(url: str, sessions: int) -> None:
    """A few visits (not counted): each replica imports, reads the data and fills its caches once."""
    for i in range(sessions):
        session = Session(url, timeout=120)
        try:
            session.open(f"zone=yingtan&lang={'zh' if i % 2 else 'en'}")
        finally:
            session.close()


def locust_stats(prefix: Path) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def run_setup(setup: str, opts, stamp: str) -> dict:
    log_dir = RESULTS / f"load-{stamp}"
    log_dir.mkdir(parents=True, exist_ok=True)
    args = tuple(a for kv in opts.set for a in (f"--{kv.split('=', 1)[0]}", kv.split("=", 1)[1]))
    with servers(setup, log_dir, args) as (url, pids, replicas):
        warm(url, 3 * replicas)
        prefix = log_dir / setup
        cpu0, load0, t0 = sum(cpu_seconds(p) for p in pids), os.getloadavg()[0], time.monotonic()
        cmd = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(REPO_ROOT / "load" / "locustfile.py"),
            "--headless",
            "-u",
            str(opts.users),
            "-r",
            str(opts.spawn_rate),
            "-t",
            f"{opts.duration}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "30",
            "--loglevel",
            "WARNING",
        ]
        spies = [
            subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("py-spy")),
                    "record",
                    "--pid",
                    str(pid),
                    "--gil",
                    "--nonblocking",
                    "--rate",
                    "50",
                    "--duration",
                    str(max(opts.duration - 20, 10)),
                    "--format",
                    "raw",
                    "--output",
                    str(log_dir / f"{setup}-pyspy-{pid}.txt"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for pid in (pids if opts.profile else [])
        ]
        with open(log_dir / f"{setup}-locust.log", "wb") as log:
            proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + opts.duration + 120
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    proc.kill()
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.5)
        cpu1, load1, elapsed = sum(cpu_seconds(p) for p in pids), os.getloadavg()[0], time.monotonic() - t0
        for spy in spies:
            spy.wait(timeout=60)
    stats = locust_stats(prefix)
    start, zone = stats.get("start", {}), stats.get("zone", {})
    n = lambda row, key: int(row.get(key) or 0)  # noqa: E731
    runs = n(start, "Request Count") + n(zone, "Request Count")
    return {
        "setup": setup,
        "replicas": replicas,
        "streamlit_options": opts.set,
        "url": url,
        "users": opts.users,
        "spawn_rate": opts.spawn_rate,
        "duration_s": opts.duration,
        "sessions": n(start, "Request Count") - n(start, "Failure Count"),
        "interactions": n(zone, "Request Count") - n(zone, "Failure Count"),
        "errors": n(start, "Failure Count") + n(zone, "Failure Count"),
        "start_p50_s": n(start, "50%") / 1000,
        "start_p95_s": n(start, "95%") / 1000,
        "zone_p50_s": n(zone, "50%") / 1000,
        "zone_p95_s": n(zone, "95%") / 1000,
        "zone_kb": round(float(zone.get("Average Content Size") or 0) / 1024, 1),
        "server_cpu_s": round(cpu1 - cpu0, 1),
        "server_cpu_ms_per_run": round(1000 * (cpu1 - cpu0) / max(runs, 1)),
        "locust_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "elapsed_s": round(elapsed),
        "load_avg": [round(load0, 2), round(load1, 2)],
        "locust_exit": status,
        "failures": failures(prefix),
        "profile": profile(sorted(log_dir.glob(f"{setup}-pyspy-*.txt"))) if opts.profile else None,
    }


# Where the server's CPU goes (--profile): py-spy samples of the GIL holder in each replica, while the
# crowd runs, summed per function (inclusive: a function counts once per sample it is on the stack).


def profile(paths: list[Path], top: int = 25) -> dict:
    inclusive: dict[str, int] = {}
    total = 0
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            total += int(count)
            seen = set()
            for frame in stack.split(";"):
                name = re.sub(r"^(.*?) \((?:.*/site-packages/|.*/wt-[^/]+/|.*/lib/python3\.\d+/)?(.*?):\d+\)$", r"\2:\1", frame)
                if name not in seen:
                    seen.add(name)
                    inclusive[name] = inclusive.get(name, 0) + int(count)
    ranked = sorted(inclusive.items(), key=lambda kv: -kv[1])
    return {"samples": total, "top": [(name, round(100 * n / max(total, 1), 1)) for name, n in ranked[:top]]}


def failures(prefix: Path) -> list[str]:
    try:
        with open(f"{prefix}_failures.csv", newline="") as f:
            return [f"{r['Occurrences']}× {r['Name']}: {r['Error'][:200]}" for r in csv.DictReader(f)]
    except OSError:
        return []


def table(rows: list[dict]) -> str:
    head = [
        "setup",
        "sessions",
        "interactions",
        "errors",
        "start p50 / p95 (s)",
        "interaction p50 / p95 (s)",
        "KB per interaction",
        "server CPU per run (ms)",
        "load avg (before → after)",
    ]
    names = {"direct": "1 replica, direct"} | {f"hosted{n}": f"nginx + {n} replica{'s' if n > 1 else ''}" for n in (1, 2, 3)}
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                [
                    names.get(r["setup"], r["setup"]),
                    str(r["sessions"]),
                    str(r["interactions"]),
                    str(r["errors"]),
                    f"{r['start_p50_s']:.2f} / {r['start_p95_s']:.2f}",
                    f"{r['zone_p50_s']:.2f} / {r['zone_p95_s']:.2f}",
                    f"{r['zone_kb']}",
                    str(r["server_cpu_ms_per_run"]),
                    f"{r['load_avg'][0]} → {r['load_avg'][1]}",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setups", default=",".join(SETUPS), help=f"comma-separated, of {', '.join(SETUPS)}")
    parser.add_argument("--users", type=int, default=100, help="concurrent sessions (default 100)")
    parser.add_argument("--spawn-rate", type=float, default=2, help="new sessions per second (default 2)")
    parser.add_argument("--duration", type=int, default=120, help="Locust run time per setup in s (default 120)")
    parser.add_argument("--profile", action="store_true", help="py-spy each replica during the run (--gil, 50 Hz)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a Streamlit option for every replica, e.g. runner.postScriptGC=false (repeatable)",
    )
    opts = parser.parse_args()
    if any("=" not in kv for kv in opts.set):
        parser.error("--set takes OPTION=VALUE")
    setups = [s for s in opts.setups.split(",") if s]
    if not set(setups) <= set(SETUPS) or not (
        1 <= opts.users <= 300 and 0.1 <= opts.spawn_rate <= 50 and 10 <= opts.duration <= 900
    ):
        parser.error(f"setups from {SETUPS}; keep it bounded: --users 1..300, --spawn-rate 0.1..50, --duration 10..900")
    if any(s != "direct" for s in setups) and not (REPO_ROOT / "scripts" / "hosted.py").exists():
        print("scripts/hosted.py not found: running the direct setup only", file=sys.stderr)
        setups = ["direct"]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    rows = []
    for setup in setups:
        print(f"load: {setup}: {opts.users} users, {opts.spawn_rate}/s, {opts.duration} s ...", file=sys.stderr, flush=True)
        rows.append(run_setup(setup, opts, stamp))
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    (RESULTS / f"load-{stamp}.json").write_text(json.dumps(rows, indent=2))
    print(
        f"\n{opts.users} protocol users (Locust), {opts.spawn_rate} new per second, each changing the zone filter "
        f"once per 10 s, {opts.duration} s per setup; cached messages announced as the browser does"
        + (f"; Streamlit options: {', '.join(opts.set)}" if opts.set else "")
        + ".\n"
    )
    print(table(rows))
    for r in rows:
        for line in r["failures"][:5]:
            print(f"{r['setup']}: {line}")
    for r in rows:
        if r.get("profile"):
            print(
                f"\n{r['setup']}: where the replicas' CPU went (py-spy, {r['profile']['samples']} samples holding the GIL; "
                "% of samples with the function on the stack):"
            )
            for name, pct in r["profile"]["top"]:
                print(f"  {pct:5.1f} %  {name}")
    budget = [r for r in rows if r["setup"] == BUDGET_SETUP]
    ok = all(r["errors"] == 0 for r in rows)
    if budget:
        b = budget[0]
        met = b["errors"] == 0 and b["zone_p95_s"] <= BUDGET_P95_S
        print(
            f"\nbudget ({opts.users} sessions, nginx + 2 replicas): 0 errors and interaction p95 ≤ {BUDGET_P95_S} s: "
            f"{b['errors']} errors, p95 {b['zone_p95_s']:.2f} s → {'met' if met else 'MISSED'}"
        )
        ok &= met
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
