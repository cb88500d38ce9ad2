"""tracemalloc inside a Streamlit server, summarised on request (bench/upload_memory.py --tracemalloc).

Imported once per process by bench/traced_app.py: starts tracemalloc and a daemon thread that, when
bench/results/tracemalloc-<port>.request appears, runs gc, takes a snapshot and writes the traced
heap size and its largest allocation sites (file:line), pyarrow's allocated bytes, and RSS before and
after glibc's malloc_trim(0) as JSON to the path the request names (the trim changes the process:
ask for it only after the figure that matters was taken).
"""

import ctypes
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _port() -> str:
    from streamlit import config  # imported in a running server: the options are set

    return str(config.get_option("server.port"))


def _rss_mb() -> float:
    text = Path("/proc/self/status").read_text()
    return round(int(text.split("VmRSS:")[1].split()[0]) / 1024, 1)


def _summary() -> dict:
    """The traced heap; then glibc's malloc_trim, to show how much RSS is free memory kept by the
    allocator (and pyarrow's pool, which tracemalloc does not see)."""
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    current, peak = tracemalloc.get_traced_memory()
    top = snapshot.statistics("lineno")[:15]
    arrow_mb = None
    if "pyarrow" in sys.modules:
        arrow_mb = round(sys.modules["pyarrow"].total_allocated_bytes() / 2**20, 1)
    rss_before = _rss_mb()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return {
        "current_mb": round(current / 2**20, 1),
        "peak_mb": round(peak / 2**20, 1),
        "pyarrow_mb": arrow_mb,
        "rss_mb": rss_before,
        "rss_after_malloc_trim_mb": _rss_mb(),
        "top": [
            {
                "where": f"{os.path.relpath(s.traceback[0].filename)}:{s.traceback[0].lineno}",
                "mb": round(s.size / 2**20, 2),
                "count": s.count,
            }
            for s in top
        ],
    }


def _watch(request: Path) -> None:
    while True:
        if request.exists():
            out = Path(request.read_text().strip())
            out.write_text(json.dumps(_summary(), indent=1))
            request.unlink()
        time.sleep(0.2)


if not tracemalloc.is_tracing():
    tracemalloc.start(1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=_watch, args=(RESULTS / f"tracemalloc-{_port()}.request",), daemon=True).start()
