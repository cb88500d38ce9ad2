#!/usr/bin/env python3
"""The app as it is hosted: nginx under a sub-path in front of several Streamlit replicas.

    python scripts/hosted.py [--replicas N] [--port P] [--base-path B]      (make hosted)

Defaults: 3 replicas, port 8080, base path jx-zones (or $REPLICAS, $HOSTED_PORT, $BASE_PATH). Runs in
the foreground: starts N Streamlit replicas on free loopback ports (one shared cookie secret,
server.baseUrlPath = B, client.toolbarMode = viewer) and Debian's nginx with its own prefix, pid and
logs in a temp dir (the system's nginx configuration and port 80 are left alone), running
deploy/nginx/jx-zones.conf with this run's ports. Once every replica answers its health check
through the proxy it prints exactly one line on stdout:

    READY http://127.0.0.1:P/B/

SIGINT (Ctrl-C) or SIGTERM stops everything it started; the children also get SIGTERM if this
process dies without cleaning up (PR_SET_PDEATHSIG), so nothing is left running.

From Python (tests, load tools), with scripts/ on sys.path:

    from hosted import Hosted
    with Hosted(replicas=2, port=None, base_path="jx-zones") as hosted:   # port=None: a free one
        hosted.url                  # "http://127.0.0.1:<port>/jx-zones/"
        hosted.replicas             # [Replica(index, port, pid, log_path), ...]
        hosted.route_cookie(1)      # a `jxroute` cookie value that nginx sends to replica 1
        hosted.replica_for(value)   # which replica a cookie value goes to
        hosted.stop_replica(0)      # SIGTERM (kill=True: SIGKILL) one replica; nginx routes around
        hosted.restart_replica(0)   # a new process on its port, once healthy

Create and stop it from one thread (PR_SET_PDEATHSIG follows the thread that started a child).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as `python scripts/hosted.py`: the repo's own modules too
    sys.path.insert(0, str(REPO_ROOT))
from tools.streamlit_cmd import streamlit_command  # noqa: E402  (after the path it needs)

sys.path.insert(0, str(Path(__file__).resolve().parent))  # imported as a module: its sibling too
import icon_font  # noqa: E402  (scripts/icon_font.py)

NGINX_SITE = REPO_ROOT / "deploy" / "nginx" / "jx-zones.conf"
DEFAULT_REPLICAS = 3
DEFAULT_PORT = 8080
DEFAULT_BASE_PATH = "jx-zones"
ROUTE_COOKIE = "jxroute"  # the cookie deploy/nginx/jx-zones.conf hashes on
REPLICA_HEADER = "X-Jx-Replica"  # added to the local copy only: which replica answered
# "server-*.log": tests/e2e/conftest.py lists (and clears) these in test-results/.
NGINX_ERROR_LOG = "server-hosted-nginx-error.log"
NGINX_ACCESS_LOG = "server-hosted-nginx-access.log"
# Debian's libnginx-mod-http-brotli-filter (the site file's `brotli` lines). Debian's own nginx.conf
# loads it through /etc/nginx/modules-enabled/; our nginx.conf of its own names it.
NGINX_MODULES = (Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"),)
BASE_PATH_RE = re.compile(r"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_nginx() -> str:
    for path in (os.environ.get("NGINX"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise RuntimeError(
        "nginx is not installed. As root: `bash scripts/ensure-hosting-deps.sh` "
        "(Debian package nginx); `make hosted` and `make test` run it for you."
    )


def check_nginx_modules() -> None:
    missing = [str(m) for m in NGINX_MODULES if not m.is_file()]
    if missing:
        raise RuntimeError(
            f"nginx module missing: {', '.join(missing)}. As root: `bash scripts/ensure-hosting-deps.sh` "
            "(Debian package libnginx-mod-http-brotli-filter); `make hosted` and `make test` run it for you."
        )


def check_base_path(base_path: str) -> str:
    base_path = base_path.strip("/")
    if not BASE_PATH_RE.match(base_path):
        raise ValueError(f"base path must be one or more URL path segments like 'jx-zones', not {base_path!r}")
    return base_path


# --------------------------------------------------------------------------------------------
# nginx configuration


def render_site(
    template: str,
    *,
    ports: list[int],
    listen_port: int,
    base_path: str = DEFAULT_BASE_PATH,
    replica_header: bool = True,
    compression: bool = True,
    tls: tuple[int, Path, Path] | None = None,
    icons: Path | None = None,
) -> str:
    """deploy/nginx/jx-zones.conf with this run's replicas, port and base path.

    Changes nothing else: the upstream servers between the "replicas" markers, `listen 80` →
    `listen 127.0.0.1:<port>`, `/jx-zones` → `/<base_path>`, and (replica_header) one
    `add_header X-Jx-Replica $upstream_addr` beside the route cookie's. `compression=False` turns
    gzip and brotli off (bench/hosted_bench.py measures the same stack without them). `tls=(port,
    certificate, key)` also enables the file's TLS lines (HTTP/2), listening on 127.0.0.1:<port>.
    `icons`: the icon font subset (scripts/icon_font.py) the icon font's `alias` points at.
    """
    base_path = check_base_path(base_path)
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in ports)
    text, n = re.subn(
        r"(# replicas: begin\n).*?(\s*# replicas: end)",
        lambda m: m.group(1) + servers.rstrip("\n") + m.group(2),
        template,
        flags=re.S,
    )
    if n != 1:
        raise ValueError("the nginx template has no '# replicas: begin/end' block")
    text, n = re.subn(r"^(\s*)listen 80;$", rf"\g<1>listen 127.0.0.1:{listen_port};", text, flags=re.M)
    if n != 1:
        raise ValueError("the nginx template has no 'listen 80;' line")
    text = text.replace("/jx-zones", "/" + base_path)
    if replica_header:
        text, n = re.subn(
            r"^(\s*)(add_header Set-Cookie .*)$",
            rf"\g<1>\g<2>\n\g<1>add_header {REPLICA_HEADER} $upstream_addr always;",
            text,
            flags=re.M,
        )
        if n != 1:
            raise ValueError("the nginx template has no 'add_header Set-Cookie' line")
    if not compression:
        text, n = re.subn(r"^(\s*)(gzip|brotli) on;$", r"\g<1>\g<2> off;", text, flags=re.M)
        if n != 2:
            raise ValueError("the nginx template has no 'gzip on;' and 'brotli on;' lines")
    if tls:
        text = enable_tls(text, *tls)
    if icons:  # at the installed Streamlit's URL for its font (the file name carries its hash)
        text, n = re.subn(
            r"^(\s*location = \S*/static/media/)MaterialSymbols-\S+( \{)$", rf"\g<1>{icons.name}\g<2>", text, flags=re.M
        )
        text, m = re.subn(
            r"^(\s*alias )\S*/MaterialSymbols-[^/;]+;$", lambda match: f"{match.group(1)}{icons};", text, flags=re.M
        )
        if n != 1 or m != 1:
            raise ValueError("the nginx template has no icon font location with an 'alias …/MaterialSymbols-….woff2;'")
    return text


def enable_tls(site: str, port: int | None, cert: Path, key: Path) -> str:
    """The site file with its TLS lines (between "# tls: begin/end") uncommented, on `cert`/`key`,
    listening on 127.0.0.1:<port> instead of 443 (port None: left at 443)."""
    block = re.search(r"# tls: begin\n(.*?)\s*# tls: end", site, re.S)
    if not block:
        raise ValueError("the nginx template has no '# tls: begin/end' block")
    lines = re.sub(r"^(\s*)# ", r"\1", block.group(1), flags=re.M)
    lines = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", lines)
    lines = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", lines)
    if port:
        lines, n = re.subn(r"listen 443 ssl", f"listen 127.0.0.1:{port} ssl", lines)
        if n != 1:
            raise ValueError("the nginx template's TLS block has no 'listen 443 ssl' line")
    return site[: block.start(1)] + lines + site[block.end(1) :]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (openssl), for the TLS lines in tests and benchmarks."""
    cert, key = folder / "tls-cert.pem", folder / "tls-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return cert, key


def render_main(prefix: Path, site: Path, *, log_dir: Path) -> str:
    """A whole nginx.conf of our own: no daemon, pid, logs and temp files under `prefix`/`log_dir`,
    and the site file included in `http { }` as /etc/nginx/conf.d/ would."""
    temp = {name: prefix / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    return "\n".join(
        [
            *(f"load_module {module};" for module in NGINX_MODULES),
            "daemon off;",
            "worker_processes 1;",
            f"pid {prefix / 'nginx.pid'};",
            f"error_log {log_dir / NGINX_ERROR_LOG} notice;",
            "events { worker_connections 1024; }",
            "http {",
            "    default_type application/octet-stream;",
            f"    access_log {log_dir / NGINX_ACCESS_LOG};",
            *(f"    {name}_temp_path {path};" for name, path in temp.items()),
            f"    include {site};",
            "}",
            "",
        ]
    )


def nginx_command(nginx: str, prefix: Path, conf: Path, log_dir: Path, *extra: str) -> list[str]:
    # -e: the error log before the configuration is read (Debian's default is /var/log/nginx).
    return [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(log_dir / NGINX_ERROR_LOG), *extra]


# --------------------------------------------------------------------------------------------
# Processes


def _pdeathsig():
    """preexec_fn: SIGTERM the child when the thread that started it dies (Linux)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1


def _terminate(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _get(url: str, *, cookie: str | None = None, timeout: float = 2.0):
    request = urllib.request.Request(url, headers={"Cookie": f"{ROUTE_COOKIE}={cookie}"} if cookie else {})
    return urllib.request.urlopen(request, timeout=timeout)


@dataclass
class Replica:
    index: int
    port: int
    proc: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def address(self) -> str:
        """As nginx names it in $upstream_addr."""
        return f"127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None


class Hosted:
    """nginx + N Streamlit replicas, as `make hosted` runs them (see the module docstring)."""

    def __init__(
        self,
        replicas: int = DEFAULT_REPLICAS,
        port: int | None = None,
        base_path: str = DEFAULT_BASE_PATH,
        *,
        log_dir: str | Path | None = None,
        env: dict | None = None,
        script: str = "streamlit_app.py",
        args: tuple[str, ...] = (),
        python: str = sys.executable,
        compression: bool = True,
        tls: bool = False,
        site_edit=None,
    ):
        if replicas < 1:
            raise ValueError("at least one replica")
        self.n_replicas = replicas
        self.base_path = check_base_path(base_path)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/{self.base_path}/"
        self.script, self.args, self.python = script, tuple(args), python
        self.compression = compression
        self.site_edit = site_edit  # a function str -> str applied to the rendered site (benchmarks' variants)
        # tls=True: the site file's TLS lines (HTTP/2) on a second port with a throwaway certificate;
        # `tls_url` is the https link (bench/hosted_bench.py). Health checks use the http port.
        self.tls_port = free_port() if tls else None
        self.tls_url = f"https://127.0.0.1:{self.tls_port}/{self.base_path}/" if tls else None
        self.env = dict(env or {})
        self.cookie_secret = (
            self.env.get("STREAMLIT_SERVER_COOKIE_SECRET")
            or os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET")
            or secrets.token_hex(32)
        )
        self._log_dir_arg = Path(log_dir) if log_dir else None
        self._tmp: Path | None = None
        self.prefix: Path | None = None
        self.log_dir: Path | None = self._log_dir_arg
        self.replicas: list[Replica] = []
        self.nginx: subprocess.Popen | None = None
        self._routes: dict[int, str] = {}  # replica index -> a cookie value routed to it
        self._logs: list = []

    # -- start ------------------------------------------------------------------------------

    def start(self, timeout: float = 120.0) -> Hosted:
        deadline = time.monotonic() + timeout
        try:
            nginx = find_nginx()
            check_nginx_modules()
            self._tmp = Path(tempfile.mkdtemp(prefix="jx-hosted-"))
            os.chmod(self._tmp, 0o755)  # nginx's workers (nobody/www-data when run as root) use it
            self.prefix = self._tmp / "nginx"
            self.prefix.mkdir()
            self.log_dir = self._log_dir_arg or self._tmp / "logs"
            self.log_dir.mkdir(parents=True, exist_ok=True)
            used = {self.port}
            for i in range(self.n_replicas):
                port = free_port()
                while port in used:
                    port = free_port()
                used.add(port)
                self.replicas.append(self._start_replica(i, port))
            for replica in self.replicas:
                self._wait_direct_health(replica, deadline)
            self._start_nginx(nginx, deadline)
            self._probe_routes(deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_replica(self, index: int, port: int) -> Replica:
        cmd = streamlit_command(
            self.script,
            port,
            "--server.baseUrlPath",
            self.base_path,
            "--client.toolbarMode",
            "viewer",
            *self.args,
            python=self.python,
        )
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            **self.env,
            # server.cookieSecret cannot be given on the command line; the same on every replica
            # so any of them accepts the XSRF cookie another one set.
            "STREAMLIT_SERVER_COOKIE_SECRET": self.cookie_secret,
        }
        log_path = self.log_dir / f"server-hosted-r{index}-{port}.log"
        log = open(log_path, "wb")  # noqa: SIM115  (held open while the replica runs; closed in stop())
        self._logs.append(log)
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_pdeathsig(),
        )
        return Replica(index, port, proc, log_path)

    def _wait_direct_health(self, replica: Replica, deadline: float) -> None:
        url = f"http://{replica.address}/{self.base_path}/_stcore/health"
        while time.monotonic() < deadline:
            if not replica.alive():
                raise RuntimeError(
                    f"replica {replica.index} exited with code {replica.proc.returncode} "
                    f"before it was healthy\n{self.log_tail(replica.log_path)}"
                )
            try:
                with _get(url) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"replica {replica.index} not healthy at {url}\n{self.log_tail(replica.log_path)}")

    def _start_nginx(self, nginx: str, deadline: float) -> None:
        site = self.prefix / "jx-zones.conf"
        # Streamlit's icon font cut to the icons its page can show, from the installed Streamlit.
        icons, _, _, _ = icon_font.build(
            icon_font.streamlit_static(), self.prefix / "icons", cache_dir=Path(tempfile.gettempdir()) / "jx-zones-icon-font"
        )
        edit = self.site_edit or (lambda text: text)
        site.write_text(
            edit(
                render_site(
                    NGINX_SITE.read_text(),
                    ports=[r.port for r in self.replicas],
                    listen_port=self.port,
                    base_path=self.base_path,
                    compression=self.compression,
                    tls=(self.tls_port, *self_signed_certificate(self.prefix)) if self.tls_port else None,
                    icons=icons,
                )
            )
        )
        conf = self.prefix / "nginx.conf"
        conf.write_text(render_main(self.prefix, site, log_dir=self.log_dir))
        check = subprocess.run(
            nginx_command(nginx, self.prefix, conf, self.log_dir, "-t"), capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration:\n{check.stderr}")
        self._nginx_log = open(self.log_dir / "server-hosted-nginx-stderr.log", "wb")  # noqa: SIM115  (closed in stop())
        self.nginx = subprocess.Popen(
            nginx_command(nginx, self.prefix, conf, self.log_dir),
            stdout=self._nginx_log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_pdeathsig(),
        )
        while time.monotonic() < deadline:
            if self.nginx.poll() is not None:
                raise RuntimeError(
                    f"nginx exited with code {self.nginx.returncode} (is port {self.port} "
                    f"in use?)\n{self.log_tail(self.log_dir / NGINX_ERROR_LOG)}"
                )
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"nginx not listening on port {self.port}")

    def _probe_routes(self, deadline: float, max_probes: int = 2000) -> None:
        """Health through the proxy: cookie values until each replica has answered one (so each is
        reachable through nginx, and `route_cookie(i)` has a value for it)."""
        self._routes.clear()
        live = {r.index for r in self.replicas if r.alive()}
        for k in range(max_probes):
            if time.monotonic() > deadline:
                break
            value = f"probe-{k}"
            index = self.replica_for(value)
            if index is not None:
                self._routes.setdefault(index, value)
            if live <= set(self._routes):
                return
        missing = sorted(live - set(self._routes))
        raise TimeoutError(
            f"replicas {missing} never answered through nginx at {self.url}\n{self.log_tail(self.log_dir / NGINX_ERROR_LOG)}"
        )

    # -- use ----------------------------------------------------------------------------------

    def replica_for(self, cookie_value: str) -> int | None:
        """Index of the replica nginx sends a browser with this `jxroute` cookie to (asks nginx:
        a health check through the proxy), or None if no healthy replica answered."""
        try:
            with _get(self.url + "_stcore/health", cookie=cookie_value) as resp:
                addr = resp.headers.get(REPLICA_HEADER, "")
        except (urllib.error.URLError, OSError):
            return None
        # After a retry nginx lists every address it tried ("a:1, b:2"): the last one answered.
        last = addr.split(",")[-1].strip()
        return next((r.index for r in self.replicas if r.address == last), None)

    def route_cookie(self, index: int) -> str:
        """A `jxroute` cookie value that nginx routes to replica `index` (found when starting)."""
        if index not in self._routes:
            raise KeyError(f"no route cookie known for replica {index}")
        return self._routes[index]

    def stop_replica(self, index: int, *, kill: bool = False) -> None:
        """Stop one replica (SIGTERM, or SIGKILL with kill=True) and wait until it has exited."""
        replica = self.replicas[index]
        _terminate(replica.proc, signal.SIGKILL if kill else signal.SIGTERM)

    def restart_replica(self, index: int, timeout: float = 120.0) -> None:
        """Stop one replica and start a new process on its port (a restart or a redeploy: nothing
        in its memory survives), waiting until it answers its health check."""
        self.stop_replica(index)
        old = self.replicas[index]
        self.replicas[index] = self._start_replica(index, old.port)
        self._wait_direct_health(self.replicas[index], time.monotonic() + timeout)

    def alive(self) -> bool:
        return self.nginx is not None and self.nginx.poll() is None

    @staticmethod
    def log_tail(path: Path, lines: int = 40) -> str:
        try:
            text = Path(path).read_text(errors="replace")
        except OSError:
            return f"(no log at {path})"
        return f"--- {path} (last {lines} lines) ---\n" + "\n".join(text.splitlines()[-lines:])

    # -- stop ---------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop nginx and every replica (SIGTERM, then SIGKILL after 10 s), remove the temp dir
        (logs survive only where `log_dir` was given)."""
        procs = ([self.nginx] if self.nginx else []) + [r.proc for r in self.replicas]
        for proc in procs:
            if proc.poll() is None:
                # nginx: fast shutdown (SIGQUIT would wait for every open websocket)
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        for proc in procs:
            _terminate(proc)
        for log in self._logs + [getattr(self, "_nginx_log", None)]:
            if log:
                log.close()
        self._logs.clear()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> Hosted:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS") or DEFAULT_REPLICAS))
    parser.add_argument("--port", type=int, default=int(os.environ.get("HOSTED_PORT") or DEFAULT_PORT))
    parser.add_argument("--base-path", default=os.environ.get("BASE_PATH") or DEFAULT_BASE_PATH)
    parser.add_argument("--log-dir", default=None, help="keep the replicas' and nginx's logs here")
    parser.add_argument("--script", default="streamlit_app.py", help="the Streamlit script (tests use a tiny one)")
    opts = parser.parse_args(argv)

    def on_signal(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # SIGTERM to `make hosted` ends make, not this process: ask for SIGTERM when the parent dies.
    parent = os.getppid()
    if (set_pdeathsig := _pdeathsig()) is not None:
        set_pdeathsig()
        if os.getppid() != parent:  # it died before we asked
            return 0
    hosted = Hosted(opts.replicas, opts.port, opts.base_path, log_dir=opts.log_dir, script=opts.script)
    try:
        hosted.start()
        for r in hosted.replicas:
            print(f"replica {r.index}: pid {r.pid}, http://{r.address}/{hosted.base_path}/ (log {r.log_path})", file=sys.stderr)
        print(f"nginx: pid {hosted.nginx.pid}, logs in {hosted.log_dir}", file=sys.stderr)
        print(f"READY {hosted.url}", flush=True)
        reported = set()
        while True:
            if not hosted.alive():
                print(f"nginx exited (code {hosted.nginx.returncode}); stopping.", file=sys.stderr)
                return 1
            for r in hosted.replicas:
                if not r.alive() and r.index not in reported:
                    reported.add(r.index)
                    print(
                        f"replica {r.index} (pid {r.pid}) exited with code {r.proc.returncode}; "
                        f"nginx sends its sessions to the others.",
                        file=sys.stderr,
                    )
            time.sleep(0.5)
    except KeyboardInterrupt as stop:
        print(f"stopping ({stop or 'SIGINT'})", file=sys.stderr)
        return 0
    except Exception as exc:
        print(f"hosted: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        hosted.stop()


if __name__ == "__main__":
    sys.exit(main())
