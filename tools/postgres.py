"""A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries, a cluster in a temp dir.

    with TempPostgres() as pg:
        pg.url      # "postgresql://jx@127.0.0.1:<port>/postgres"

initdb and pg_ctl run as the invoking user, or, as root (CI), as the `postgres` user the Debian
package creates (PostgreSQL refuses to run as root), through runuser. Loopback only, trust
authentication, fsync off: a test server, never a real one. Stopped (pg_ctl stop -m fast) and
removed on exit. scripts/ensure-hosting-deps.sh installs the package.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "jx"


def find_bindir() -> Path | None:
    """The directory of initdb/pg_ctl (Debian keeps them out of PATH, in /usr/lib/postgresql/N/bin)."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0
    )
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TempPostgres:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL is not installed. As root: `bash scripts/ensure-hosting-deps.sh` (Debian package postgresql)."
            )
        self.port = _free_port()
        self.url = f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"
        self.tmp: Path | None = None
        self.running = False

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)

    def start(self) -> TempPostgres:
        self.tmp = Path(tempfile.mkdtemp(prefix="jx-postgres-"))
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres", "postgres")
        data, log = self.tmp / "data", self.tmp / "server.log"
        steps = [
            (str(self.bindir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8"),
            (
                str(self.bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-o",
                f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                "start",
            ),
        ]
        for step in steps:
            done = self._run(*step)
            if done.returncode != 0:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                self.stop()
                raise RuntimeError(f"{Path(step[0]).name} failed ({done.returncode}): {done.stderr or done.stdout}\n{tail}")
        self.running = True
        return self

    def stop(self) -> None:
        if self.running and self.tmp:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.tmp / "data"), "-m", "fast", "-w", "stop")
            self.running = False
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
