"""scripts/with-jemalloc.sh: servers run on jemalloc with pymalloc off when Debian's libjemalloc2 is
installed (scripts/ensure-run-deps.sh installs it in `make test`), and as they are, with a note,
when it is not. Why: load/README.md, "Memory under uploads"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.browser import AppServer
from tools.streamlit_cmd import WITH_JEMALLOC

# What the child reports: is jemalloc mapped, and is it the malloc in use (its mallctl answers)?
PROBE = """
import ctypes, os
mapped = "libjemalloc" in open("/proc/self/maps").read()
try:
    ctypes.CDLL(None).mallctl
    answers = True
except AttributeError:
    answers = False
print(mapped, answers, os.environ.get("PYTHONMALLOC", "-"))
"""
INSTALLED = sorted(Path("/usr/lib").glob("*/libjemalloc.so.2"))


def run(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [WITH_JEMALLOC, sys.executable, "-c", PROBE + "raise SystemExit(7)"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(not INSTALLED, reason="libjemalloc2 not installed (make test installs it: scripts/ensure-run-deps.sh)")
def test_a_command_runs_on_jemalloc_with_pymalloc_off_when_it_is_installed():
    result = run({})
    assert result.returncode == 7  # the command's own exit code
    assert result.stdout.split() == ["True", "True", "malloc"]
    assert result.stderr == ""


def test_without_the_library_the_command_runs_as_it_is_and_says_so():
    result = run({"JEMALLOC": "/nonexistent/libjemalloc.so.2"})
    assert result.returncode == 7
    assert result.stdout.split() == ["False", "False", os.environ.get("PYTHONMALLOC", "-")]
    assert "libjemalloc2 is not installed" in result.stderr


def test_system_runs_the_command_as_it_is():
    result = run({"JX_ALLOCATOR": "system"})
    assert result.stdout.split()[:2] == ["False", "False"] and result.stderr == ""


@pytest.mark.skipif(not INSTALLED, reason="libjemalloc2 not installed (make test installs it: scripts/ensure-run-deps.sh)")
def test_the_servers_tests_and_benchmarks_start_run_on_jemalloc():
    with AppServer("tests/e2e/apps/reconnect_probe.py", name="jemalloc") as server:
        maps = Path(f"/proc/{server.proc.pid}/maps").read_text()
        environ = Path(f"/proc/{server.proc.pid}/environ").read_bytes().split(b"\0")
    assert "libjemalloc" in maps
    assert b"PYTHONMALLOC=malloc" in environ
