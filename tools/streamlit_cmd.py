"""The command line that starts a Streamlit server of this app: one home for the settings every
server the project starts itself shares (tools/browser.AppServer for tests and benchmarks, the
replicas of scripts/hosted.py). The container and Kubernetes set theirs in deploy/."""

from __future__ import annotations

import sys
from pathlib import Path

# Every server starts through it, as `make run` and the container do: on jemalloc with pymalloc off
# when Debian's libjemalloc2 is installed, else as it is (load/README.md, "Memory under uploads").
WITH_JEMALLOC = str(Path(__file__).resolve().parents[1] / "scripts" / "with-jemalloc.sh")


def streamlit_command(script: str, port: int, *args: str, python: str = sys.executable) -> list[str]:
    """`python -m streamlit run SCRIPT` on 127.0.0.1:PORT, headless, without usage statistics and
    without the file watcher (nothing edits the script while it runs; watching costs CPU), started
    through scripts/with-jemalloc.sh (which execs it: the process id is Python's); `args` are
    further options (`--name value` pairs), which override these."""
    return [
        WITH_JEMALLOC,
        python,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *args,
    ]
