"""tracemalloc inside a Streamlit server, summarised on request (bench/upload_memory.py --tracemalloc).

Imported once per process by bench/traced_app.py: starts tracemalloc and a daemon thread that, when
bench/results/tracemalloc-<port>.request appears, runs gc, takes a snapshot and writes the traced
heap size and its largest allocation sites (file:line), pyarrow's allocated bytes, jemalloc's own
figures when the server runs on it (scripts/with-jemalloc.sh), and RSS before and after glibc's
malloc_trim(0) as JSON to the path the request names (the trim changes the process:
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


def _jemalloc() -> dict | None:
    """jemalloc's own figures when it is the process's malloc (LD_PRELOAD): bytes the program holds
    (stats.allocated) and pages jemalloc holds (stats.resident), before and after every arena's
    unused pages are purged (RSS then shows what no purge can give back: live allocations)."""
    try:
        mallctl = ctypes.CDLL(None).mallctl
    except AttributeError:
        return None
    mallctl.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]

    def stats() -> dict:
        epoch = ctypes.c_uint64(1)
        mallctl(b"epoch", None, None, ctypes.byref(epoch), ctypes.sizeof(epoch))
        out = {}
        for name in ("allocated", "active", "resident", "mapped", "retained"):
            value, size = ctypes.c_size_t(0), ctypes.c_size_t(ctypes.sizeof(ctypes.c_size_t))
            mallctl(f"stats.{name}".encode(), ctypes.byref(value), ctypes.byref(size), None, 0)
            out[name + "_mb"] = round(value.value / 2**20, 1)
        return out

    before = stats()
    mallctl(b"arena.4096.purge", None, None, None, 0)  # MALLCTL_ARENAS_ALL
    return {"before_purge": before, "after_purge": stats(), "rss_after_purge_mb": _rss_mb()}


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
    jemalloc = _jemalloc()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return {
        "current_mb": round(current / 2**20, 1),
        "peak_mb": round(peak / 2**20, 1),
        "pyarrow_mb": arrow_mb,
        "rss_mb": rss_before,
        "rss_after_malloc_trim_mb": _rss_mb(),
        "jemalloc": jemalloc,
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
