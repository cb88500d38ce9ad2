"""Time a Streamlit script's reruns in-process with AppTest (no browser, no websocket).

    python bench/script_rerun.py SCRIPT [--runs 7]

Runs the script once (cold: imports, data loading, cache fill), then `--runs` more times with warm
caches, and prints JSON: {"cold_ms": ..., "runs_ms": [...], "median_ms": ...}. bench/run.py calls it
in a fresh process per script so the two scripts' imports and caches don't mix.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script")
    parser.add_argument("--runs", type=int, default=7)
    opts = parser.parse_args()

    os.chdir(REPO_ROOT)  # as `streamlit run` from the repo root: relative data paths resolve the same
    sys.path.insert(0, str(REPO_ROOT))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str((REPO_ROOT / opts.script).resolve()), default_timeout=120)
    start = time.perf_counter()
    at.run()
    cold_ms = (time.perf_counter() - start) * 1000
    if at.exception:
        sys.exit(f"{opts.script} raised on its first run: {[e.message for e in at.exception]}")
    runs_ms = []
    for _ in range(opts.runs):
        start = time.perf_counter()
        at.run()
        runs_ms.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"cold_ms": cold_ms, "runs_ms": runs_ms, "median_ms": statistics.median(runs_ms)}))


if __name__ == "__main__":
    main()
