"""The map's own budget: drawing its SVG on a rerun (warm) and its share of the first render.

    python bench/map_bench.py

Prints a small table. "rebuild" is the map for a view not seen before (a new zone selection, so
the per-view cache misses) once the process has projected the outlines; "share" is the size of the
map's SVG, the part of the page's first render that the map sends.
"""

import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
logging.disable(logging.WARNING)  # st.cache_data outside `streamlit run` says so on every call

from dashboard import data, panels, state  # noqa: E402

BUDGET_MS, BUDGET_KB = 30, 80


def main() -> None:
    dataset = data.load_dataset()
    facts = panels.Facts(dataset, dataset.facts)
    uncached = panels._map_svg.__wrapped__  # what a rerun on a new view pays

    def build(view, highlight):
        return uncached(facts, panels.part("map", view), highlight)

    views = [
        state.View(zones, frozenset(), "industrial_revenue", 2024, "zh")
        for zones in [data.ZONE_IDS, ("ganzhou",), ("yingtan",), ("nanchang", "jian"), ("fuzhou",)]
    ]
    build(views[0], False)  # cold: the outlines are projected once per process
    times = []
    for _ in range(5):
        for view in views:
            start = time.perf_counter()
            build(view, True)
            times.append((time.perf_counter() - start) * 1000)
    size_kb = len(build(views[0], False).encode()) / 1024
    rebuild = statistics.median(times)
    print("| map | measured | budget | ok |\n|---|---|---|---|")
    print(
        f"| rebuild on a rerun, warm (ms, median) | {rebuild:.1f} | ≤ {BUDGET_MS} | {'ok' if rebuild <= BUDGET_MS else 'OVER'} |"
    )
    print(f"| share of the first render (KB) | {size_kb:.1f} | ≤ {BUDGET_KB} | {'ok' if size_kb <= BUDGET_KB else 'OVER'} |")


if __name__ == "__main__":
    main()
