"""deploy/: the nginx configuration, the Dockerfile and the Kubernetes manifests are checked by the
real tools (nginx -t, hadolint, kubernetes-validate; all offline), and say the same things as the
setup that `make hosted` runs and tests/e2e/test_hosted.py drives in a browser.

Each tool is also shown a broken file, so a tool that silently accepts everything can't pass here.
"""

from __future__ import annotations

import difflib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
sys.path.insert(0, str(REPO / "scripts"))
import hosted  # noqa: E402  (scripts/hosted.py)

BIN = Path(sys.executable).parent
HADOLINT = BIN / "hadolint"
KUBERNETES_VALIDATE = BIN / "kubernetes-validate"
NGINX_SITE = DEPLOY / "nginx" / "jx-zones.conf"
DOCKERFILE = DEPLOY / "Dockerfile"
MANIFESTS = sorted((DEPLOY / "k8s").glob("*.yaml"))


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, **kwargs)


def manifests() -> dict[str, dict]:
    """The first document of each kind (ingress.yaml's Ingress before uploads-ingress.yaml's)."""
    docs = [d for path in MANIFESTS for d in yaml.safe_load_all(path.read_text()) if d]
    kinds: dict[str, dict] = {}
    for d in docs:
        kinds.setdefault(d["kind"], d)
    return kinds


@pytest.fixture(scope="module")
def nginx() -> str:
    try:
        return hosted.find_nginx()
    except RuntimeError as exc:  # make test installs it (scripts/ensure-hosting-deps.sh)
        if os.environ.get("E2E_REQUIRED") == "1":  # a full `make test`: missing is a failure
            pytest.fail(str(exc))
        pytest.skip(str(exc))


def nginx_t(nginx: str, site_text: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on a site file inside a main configuration of our own (as scripts/hosted.py runs
    it): nothing of the system's nginx is read or written."""
    prefix = tmp_path / "prefix"
    prefix.mkdir(exist_ok=True)
    site = prefix / "site.conf"
    site.write_text(site_text)
    conf = prefix / "nginx.conf"
    conf.write_text(hosted.render_main(prefix, site, log_dir=prefix))
    return run(hosted.nginx_command(nginx, prefix, conf, prefix, "-t"))


# --------------------------------------------------------------------------------------------
# nginx


def test_nginx_accepts_the_configuration_a_person_copies(nginx, tmp_path):
    result = nginx_t(nginx, NGINX_SITE.read_text(), tmp_path)
    assert result.returncode == 0, result.stderr


def test_nginx_accepts_the_configuration_make_hosted_runs(nginx, tmp_path):
    site = hosted.render_site(NGINX_SITE.read_text(), ports=[41001, 41002], listen_port=41000, base_path="apps/jx-zones")
    result = nginx_t(nginx, site, tmp_path)
    assert result.returncode == 0, result.stderr


def test_nginx_t_refuses_a_broken_configuration(nginx, tmp_path):
    broken = NGINX_SITE.read_text().replace("proxy_http_version 1.1;", "proxy_http_versio 1.1;")
    result = nginx_t(nginx, broken, tmp_path)
    assert result.returncode != 0
    assert "proxy_http_versio" in result.stderr


def test_make_hosted_changes_only_ports_listen_base_path_and_the_replica_header():
    template = NGINX_SITE.read_text()
    site = hosted.render_site(template, ports=[41001, 41002], listen_port=41000, base_path="jx-zones")
    changed = [
        line
        for line in difflib.unified_diff(template.splitlines(), site.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert sorted(changed) == sorted(
        [
            "-    server 127.0.0.1:8501;",
            "-    server 127.0.0.1:8502;",
            "-    server 127.0.0.1:8503;",
            "+    server 127.0.0.1:41001;",
            "+    server 127.0.0.1:41002;",
            "-    listen 80;",
            "+    listen 127.0.0.1:41000;",
            "+        add_header X-Jx-Replica $upstream_addr always;",
        ]
    )


def test_another_base_path_moves_the_redirect_location_and_cookie_path():
    site = hosted.render_site(NGINX_SITE.read_text(), ports=[1], listen_port=2, base_path="/apps/zones/")
    assert "/jx-zones" not in site
    assert "location = /apps/zones {" in site
    assert "return 301 /apps/zones/$is_args$args;" in site
    assert "location /apps/zones/ {" in site
    assert "Path=/apps/zones;" in site
    with pytest.raises(ValueError):
        hosted.render_site(NGINX_SITE.read_text(), ports=[1], listen_port=2, base_path="a b")


def test_the_nginx_rules_the_hosting_facts_ask_for():
    """../shared/DESIGN.md "Hosting facts": each line here is a way hosting broke or can break."""
    conf = NGINX_SITE.read_text()
    rules = [
        r"hash \$jx_zones_route consistent;",  # sticky, without nginx Plus
        r'""\s+\$request_id;',  # first request: a fresh key ...
        r'""\s+"jxroute=\$request_id; Path=/jx-zones;',  # ... that goes back as the cookie
        r"add_header Set-Cookie \$jx_zones_set_route always;",
        r"proxy_set_header Host \$http_host;",  # websocket Origin check
        r"proxy_set_header Upgrade \$http_upgrade;",
        r"proxy_set_header Connection \$jx_zones_connection_upgrade;",
        r"proxy_http_version 1\.1;",
        r"proxy_read_timeout 86400s;",
        r"return 301 /jx-zones/\$is_args\$args;",  # the shared view survives
        r"proxy_pass http://jx_zones;",  # path passed unchanged
        r"client_max_body_size 25m;",
    ]
    missing = [r for r in rules if not re.search(r, conf)]
    assert not missing
    assert "_streamlit_xsrf" not in re.sub(r"#.*", "", conf)  # changes every response: not a key


# --------------------------------------------------------------------------------------------
# Dockerfile


def test_hadolint_passes_the_dockerfile():
    result = run([HADOLINT, DOCKERFILE])
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_flags_a_dockerfile_that_breaks_its_rules(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\nCMD streamlit run app.py\n")
    result = run([HADOLINT, bad])
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # `latest`


def test_the_dockerfile_is_in_the_shape_of_streamlits_tutorial():
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.\d+-slim", text, re.M)
    assert re.search(r"^USER (?!root|0\b)\S+", text, re.M), "a non-root user"
    health = re.search(r"^HEALTHCHECK .*\n(\s+.*\n)*", text, re.M)
    assert health and "_stcore/health" in health.group(0)
    assert "STREAMLIT_SERVER_BASE_URL_PATH=jx-zones" in text
    assert "STREAMLIT_CLIENT_TOOLBAR_MODE=viewer" in text
    assert "EXPOSE 8501" in text


def test_the_dockerfile_copies_files_that_exist_and_everything_the_app_reads():
    sources = [
        s
        for line in re.findall(r"^COPY (.+)$", DOCKERFILE.read_text(), re.M)
        for s in line.split()[:-1]
        if not s.startswith("--")
    ]
    missing = [s for s in sources if not (REPO / s).exists()]
    assert not missing
    copied = {s.rstrip("/").removeprefix("./") for s in sources}
    # Everything streamlit_app.py needs at run time (requirements.txt for the install).
    assert {"requirements.txt", "streamlit_app.py", "dashboard", "data", "geo", ".streamlit"} <= copied


def test_every_streamlit_variable_in_deploy_names_a_real_option():
    """A misspelt STREAMLIT_* variable is ignored silently by Streamlit."""
    from streamlit import config

    known = {option.env_var for option in config.get_config_options().values()}
    used = set(re.findall(r"\bSTREAMLIT_[A-Z_]+\b", DOCKERFILE.read_text()))
    for path in MANIFESTS:
        used |= set(re.findall(r"\bSTREAMLIT_[A-Z_]+\b", path.read_text()))
    assert used, "deploy/ sets no Streamlit option at all?"
    assert used - known == set()
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in used


# --------------------------------------------------------------------------------------------
# Kubernetes


def test_kubernetes_validate_passes_the_manifests():
    assert {p.name for p in MANIFESTS} >= {"deployment.yaml", "service.yaml", "ingress.yaml", "secret.yaml"}
    result = run([KUBERNETES_VALIDATE, "--strict", *MANIFESTS])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed") == len(MANIFESTS)


def test_kubernetes_validate_flags_a_broken_manifest(tmp_path):
    bad = tmp_path / "deployment.yaml"
    bad.write_text((DEPLOY / "k8s" / "deployment.yaml").read_text().replace("replicas: 3", "replicas: three"))
    result = run([KUBERNETES_VALIDATE, "--strict", bad])
    assert result.returncode != 0


def test_the_cluster_follows_the_same_rules_as_the_tested_nginx():
    kinds = manifests()
    deployment, ingress, service = kinds["Deployment"], kinds["Ingress"], kinds["Service"]
    notes = ingress["metadata"]["annotations"]
    nginx_conf = NGINX_SITE.read_text()
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"] == hosted.ROUTE_COOKIE
    assert f"{hosted.ROUTE_COOKIE}=$request_id; Path={notes[prefix + 'session-cookie-path']};" in nginx_conf
    assert f"proxy_read_timeout {notes[prefix + 'proxy-read-timeout']}s;" in nginx_conf
    assert f"proxy_send_timeout {notes[prefix + 'proxy-send-timeout']}s;" in nginx_conf
    assert f"client_max_body_size {notes[prefix + 'proxy-body-size']};" in nginx_conf
    path = ingress["spec"]["rules"][0]["http"]["paths"][0]
    assert path["path"] == "/" + hosted.DEFAULT_BASE_PATH and path["pathType"] == "Prefix"
    assert path["backend"]["service"]["name"] == service["metadata"]["name"]

    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    health = f"/{hosted.DEFAULT_BASE_PATH}/_stcore/health"
    assert container["readinessProbe"]["httpGet"]["path"] == health
    assert container["livenessProbe"]["httpGet"]["path"] == health
    env = {e["name"]: e for e in container["env"]}
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]["name"] == kinds["Secret"]["metadata"]["name"]
    assert env["STREAMLIT_SERVER_BASE_URL_PATH"]["value"] == hosted.DEFAULT_BASE_PATH
    # published data sets: one PostgreSQL for every pod, its URL from the Secret (issue 22)
    publish_db = env["JX_PUBLISH_DB"]["valueFrom"]["secretKeyRef"]
    assert publish_db["name"] == kinds["Secret"]["metadata"]["name"]
    assert kinds["Secret"]["stringData"][publish_db["key"]].startswith("postgresql://")
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert f"--uid {pod['securityContext']['runAsUser']}" in DOCKERFILE.read_text()
    assert container["ports"][0]["containerPort"] == 8501


# --------------------------------------------------------------------------------------------
# scripts/hosted.py: the interface `make hosted` and the load test rely on


def children_of(pid: int) -> set[int]:
    """Every process below `pid` (from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_hosted_prints_ready_once_healthy_through_nginx_and_a_signal_stops_everything(nginx, stop_with):
    port = hosted.free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "scripts" / "hosted.py"),
            "--replicas",
            "2",
            "--port",
            str(port),
            "--base-path",
            "probe-path",
            "--script",
            "tests/e2e/apps/harness_probe.py",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line == f"READY http://127.0.0.1:{port}/probe-path/\n", line or proc.stderr.read()
        started = children_of(proc.pid)
        assert len(started) >= 4  # two replicas, nginx's master and worker
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/probe-path/_stcore/health", timeout=5) as resp:
            assert resp.status == 200
            cookies = resp.headers.get_all("Set-Cookie")
            assert any(c.startswith(f"{hosted.ROUTE_COOKIE}=") for c in cookies), cookies  # first visit
        proc.send_signal(stop_with)
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in started if alive(pid)] == []
    finally:
        if proc.poll() is None:  # a failed assertion above: SIGTERM lets it clean up its temp dir
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pid in children_of(proc.pid):
            os.kill(pid, signal.SIGKILL)


def test_hosted_as_a_context_manager_routes_each_cookie_to_one_replica_and_routes_around_a_stopped_one(nginx):
    with hosted.Hosted(replicas=2, base_path="probe-path", script="tests/e2e/apps/harness_probe.py") as running:
        assert running.url == f"http://127.0.0.1:{running.port}/probe-path/"
        assert [(r.index, r.alive()) for r in running.replicas] == [(0, True), (1, True)]
        assert all(r.pid and r.port for r in running.replicas)
        cookies = [running.route_cookie(0), running.route_cookie(1)]
        assert [running.replica_for(c) for c in cookies] == [0, 1]
        assert [running.replica_for(c) for c in cookies] == [0, 1]  # sticky: same answer again
        running.stop_replica(0)
        assert not running.replicas[0].alive()
        assert [running.replica_for(c) for c in cookies] == [1, 1]  # replica 0's browsers move on
    assert not running.replicas[1].alive() and not running.alive()


def test_with_three_replicas_a_stopped_ones_browsers_spread_over_the_others_and_stay_put(nginx):
    """`hash … consistent`: each browser of the stopped replica moves to the next replica on the
    ring, the same one whether nginx finds out by a refused connection (the first request) or
    already knows it is down (later ones), so its reconnected session keeps one home."""
    with hosted.Hosted(replicas=3, base_path="probe-path", script="tests/e2e/apps/harness_probe.py") as running:
        on_0 = [c for c in (f"browser-{k}" for k in range(300)) if running.replica_for(c) == 0][:20]
        assert len(on_0) == 20
        running.stop_replica(0)
        first = [running.replica_for(c) for c in on_0]  # nginx learns by a refused connection
        second = [running.replica_for(c) for c in on_0]  # nginx has marked replica 0 down
        assert first == second
        assert set(first) == {1, 2}


# --------------------------------------------------------------------------------------------
# Hosted for phones (issue 23): compression, the first paint, security headers, upload limits

STREAMLIT_STATIC = Path(__import__("streamlit").__file__).parent / "static"


def sub_filters(conf: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*sub_filter '([^']*)' '([^']*)';$", conf, re.M)


def test_every_string_the_proxy_rewrites_is_still_in_streamlits_files():
    """The first paint and the font savings rest on literal strings of Streamlit's index.html and
    CSS: an upgrade that changes them makes nginx silently rewrite nothing, so this fails first."""
    index = (STREAMLIT_STATIC / "index.html").read_text()
    css = "".join(p.read_text() for p in (STREAMLIT_STATIC / "static" / "css").glob("*.css"))
    filters = sub_filters(NGINX_SITE.read_text())
    assert len(filters) == 7, filters
    for pattern, _ in filters:
        if pattern.startswith("@font-face"):  # upright and italic
            assert css.count(pattern) == 2, f"{pattern!r} is in Streamlit's CSS {css.count(pattern)} times, not twice"
        elif pattern == 'rel="modulepreload"':  # every script hint
            assert index.count(pattern) > 10
        else:
            assert index.count(pattern) == 1, f"{pattern!r} is in Streamlit's index.html {index.count(pattern)} times, not once"
    # The font preload that goes names the Source Sans file whose @font-face is renamed.
    assert re.search(r'rel="preload"\s+href="\./static/media/SourceSansVF-Upright', index)


def test_the_csp_allows_exactly_the_inline_scripts_of_streamlits_page():
    import base64
    import hashlib

    index = (STREAMLIT_STATIC / "index.html").read_text()
    inline = re.findall(r"<script>(.*?)</script>", index, re.S)
    assert inline, "Streamlit's index.html has no inline script any more: drop its hash from the CSP"
    hashes = {"sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in inline}
    csp = re.search(r'add_header Content-Security-Policy "([^"]*)"', NGINX_SITE.read_text()).group(1)
    script_src = re.search(r"script-src ([^;]*)", csp).group(1).split()
    assert {s.strip("'") for s in script_src if "sha256-" in s} == hashes
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_the_first_paint_says_the_apps_title_and_the_loading_line_from_strings_toml():
    import tomllib

    conf = NGINX_SITE.read_text()
    strings = tomllib.loads((REPO / "dashboard" / "strings.toml").read_text())["loading.first_paint"]
    loading = dict(re.findall(r'^\s*(en|default)\s+"([^"]*)";', conf[conf.index("$jx_zones_loading {") :], re.M)[:2])
    assert loading == {"en": strings["en"], "default": strings["zh"]}
    title = re.search(r'page_title="([^"]+)"', (REPO / "dashboard" / "app.py").read_text()).group(1)
    assert f"<title>{title}</title>" in conf
    root = dict(sub_filters(conf))['<div id="root"></div>']
    assert title in root and "$jx_zones_loading" in root and 'role="status"' in root


def test_the_rules_for_phones_are_in_the_site_file():
    conf = NGINX_SITE.read_text()
    rules = [
        r"^\s*gzip on;$",
        r"^\s*brotli on;$",
        r"^\s*gzip_proxied any;$",
        r"brotli_types [^;]*application/javascript[^;]*text/css[^;]*application/json[^;]*image/svg\+xml",
        r'proxy_set_header Accept-Encoding "";',  # sub_filter needs the page uncompressed
        r"add_header X-Content-Type-Options nosniff always;",
        r"add_header Referrer-Policy \S+ always;",
        r"add_header Strict-Transport-Security \$jx_zones_hsts always;",
        r"frame-ancestors \$jx_zones_frame_ancestors",
        r"limit_req_zone \$binary_remote_addr zone=jx_zones_uploads:",
        r"location /jx-zones/_stcore/upload_file/ \{\s*limit_req zone=jx_zones_uploads",
        r"^\s*# listen 443 ssl http2;$",
    ]
    missing = [r for r in rules if not re.search(r, conf, re.M)]
    assert not missing


def tls_enabled(site: str, cert: Path, key: Path, port: int | None = None) -> str:
    """The site file with its TLS lines uncommented, on a throwaway certificate."""
    return hosted.enable_tls(site, port, cert, key)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return hosted.self_signed_certificate(tmp_path_factory.mktemp("tls"))


def test_nginx_accepts_the_tls_example_with_http2(nginx, tmp_path, certificate):
    site = tls_enabled(NGINX_SITE.read_text(), *certificate)
    assert re.search(r"^\s*listen 443 ssl http2;$", site, re.M)
    result = nginx_t(nginx, site, tmp_path)
    assert result.returncode == 0, result.stderr
    broken = site.replace("listen 443 ssl http2;", "listen 443 ssl htt2;")
    assert nginx_t(nginx, broken, tmp_path).returncode != 0


def test_make_hosted_without_compression_changes_only_the_two_switches():
    template = NGINX_SITE.read_text()
    on = hosted.render_site(template, ports=[1], listen_port=2)
    off = hosted.render_site(template, ports=[1], listen_port=2, compression=False)
    changed = [d for d in difflib.ndiff(on.splitlines(), off.splitlines()) if d[:1] in "+-"]
    assert sorted(d[0] + " " + d[1:].strip() for d in changed) == ["+ brotli off;", "+ gzip off;", "- brotli on;", "- gzip on;"]


@pytest.fixture(scope="module")
def probe_hosted(nginx):
    with hosted.Hosted(replicas=1, base_path="jx-zones", script="tests/e2e/apps/harness_probe.py", tls=True) as running:
        yield running


def fetch(url: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def test_the_proxy_compresses_with_brotli_or_gzip_and_keeps_immutable_caching(probe_hosted):
    import gzip as gzip_module

    import brotli

    index = (STREAMLIT_STATIC / "index.html").read_text()
    script = re.search(r'<script type="module" crossorigin src="\./(static/js/[^"]+)"', index).group(1)
    plain = (STREAMLIT_STATIC / script).read_bytes()
    url = probe_hosted.url + script
    status, head, body = fetch(url, {"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and head.get("content-encoding") == "br"
    assert brotli.decompress(body) == plain and len(body) < len(plain) / 3
    assert "immutable" in head.get("cache-control", "") and "accept-encoding" in head.get("vary", "").lower()
    status, head, body = fetch(url, {"Accept-Encoding": "gzip"})
    assert head.get("content-encoding") == "gzip" and gzip_module.decompress(body) == plain
    status, head, body = fetch(url)
    assert "content-encoding" not in head and body == plain


def test_the_first_html_has_the_title_and_a_loading_line_in_the_readers_language(probe_hosted):
    import tomllib

    strings = tomllib.loads((REPO / "dashboard" / "strings.toml").read_text())["loading.first_paint"]
    cases = [
        ({"Accept-Language": "zh-CN,zh;q=0.9"}, "", "zh"),
        ({"Accept-Language": "en-US,en;q=0.9"}, "", "en"),
        ({"Accept-Language": "en-GB"}, "?lang=zh", "zh"),
        ({"Accept-Language": "zh-CN"}, "?zone=ganzhou&lang=en", "en"),
        ({"Accept-Language": "fr-FR,en;q=0.5"}, "", "zh"),  # as the app: the first language decides
        ({}, "", "zh"),
    ]
    for headers, query, lang in cases:
        status, head, body = fetch(probe_hosted.url + query, headers)
        page = body.decode()
        assert status == 200
        assert strings[lang] in page, (headers, query)
        assert f'<html lang="{"en" if lang == "en" else "zh-CN"}">' in page
        assert "<title>江西国家高新区 · Jiangxi HTZ</title>" in page
        assert 'rel="preload"' not in page and 'rel="modulepreload"' not in page
        csp = head.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
        assert head.get("x-content-type-options") == "nosniff" and head.get("referrer-policy")
        assert "strict-transport-security" not in head  # plain http: HSTS only over https
    css = re.search(r'href="\./(static/css/[^"]+\.css)"', (STREAMLIT_STATIC / "index.html").read_text()).group(1)
    status, head, body = fetch(probe_hosted.url + css)
    assert b"font-family:Source Sans not used;" in body and b"font-family:Source Sans;" not in body


def test_uploads_are_rate_limited_per_client_and_other_requests_are_not(probe_hosted):
    url = probe_hosted.url + "_stcore/upload_file/no-session/no-file"
    statuses = [fetch(url, {"Content-Type": "text/plain"}, method="PUT")[0] for _ in range(30)]
    # burst=20 nodelay: the first 21 reach the replica (which refuses a made-up session), then 429.
    assert 429 not in statuses[:21] and statuses[-5:] == [429] * 5, statuses
    assert all(fetch(probe_hosted.url + "_stcore/health")[0] == 200 for _ in range(30))


def test_the_cluster_has_the_same_headers_upload_limit_and_tls():
    docs = [d for path in MANIFESTS for d in yaml.safe_load_all(path.read_text()) if d]
    ingresses = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Ingress"}
    headers = next(d for d in docs if d["kind"] == "ConfigMap")
    conf = NGINX_SITE.read_text()
    csp = re.search(r'add_header Content-Security-Policy "([^"]*)"', conf).group(1)
    assert headers["data"]["Content-Security-Policy"] == csp.replace("$jx_zones_frame_ancestors", "'self'")
    assert headers["data"]["X-Content-Type-Options"] == "nosniff"
    assert f"add_header Referrer-Policy {headers['data']['Referrer-Policy']} always;" in conf
    prefix = "nginx.ingress.kubernetes.io/"
    main, uploads = ingresses["jx-zones"], ingresses["jx-zones-uploads"]
    for ingress in (main, uploads):
        notes = ingress["metadata"]["annotations"]
        assert notes[prefix + "custom-headers"].split("/")[1] == headers["metadata"]["name"]
        assert ingress["spec"]["tls"][0]["hosts"] == [r["host"] for r in ingress["spec"]["rules"]]
    # The upload Ingress keeps a browser on its session's pod, like the main one.
    same = ("affinity", "affinity-mode", "session-cookie-name", "session-cookie-path", "proxy-body-size")
    assert {k: uploads["metadata"]["annotations"][prefix + k] for k in same} == {
        k: main["metadata"]["annotations"][prefix + k] for k in same
    }
    rate = re.search(r"limit_req_zone \$binary_remote_addr zone=jx_zones_uploads:\S+ rate=(\d+)r/m;", conf).group(1)
    assert uploads["metadata"]["annotations"][prefix + "limit-rpm"] == rate
    path = uploads["spec"]["rules"][0]["http"]["paths"][0]
    assert re.search(rf"location {re.escape(path['path'])}/ \{{\s*limit_req ", conf)


def test_the_image_gets_the_proxys_first_paint_built_in(tmp_path):
    """scripts/first_paint.py (deploy/Dockerfile runs it) applies the site file's rewrites to a copy
    of Streamlit's files: all of them, once, even when run twice; a file without a hook stops it."""
    import shutil

    import first_paint  # scripts/first_paint.py

    static = tmp_path / "static"
    shutil.copytree(STREAMLIT_STATIC, static, ignore=shutil.ignore_patterns("js", "media"))
    first_paint.main(["--static", str(static)])
    first_paint.main(["--static", str(static)])
    index = (static / "index.html").read_text()
    css = "".join(p.read_text() for p in (static / "static" / "css").glob("*.css"))
    assert index.count('<div id="root"><div') == 1 and "正在载入地图和图表……" in index and "Loading the map and charts…" in index
    assert '<html lang="zh-CN">' in index and "$jx_zones" not in index
    assert index.count(".st-key-map{aspect-ratio:") == 1 and 'rel="preload"' not in index
    assert "font-family:Source Sans;" not in css and 'rel="modulepreload"' not in index
    text = DOCKERFILE.read_text()
    assert re.search(r"^RUN python scripts/first_paint\.py$", text, re.M)
    assert text.index("first_paint.py") < text.index("\nUSER ")  # root may write site-packages
    broken = tmp_path / "broken"
    shutil.copytree(STREAMLIT_STATIC, broken, ignore=shutil.ignore_patterns("js", "media"))
    (broken / "index.html").write_text((broken / "index.html").read_text().replace('<div id="root"></div>', "<main></main>"))
    with pytest.raises(SystemExit, match="no longer have"):
        first_paint.main(["--static", str(broken)])


def test_over_tls_the_proxy_speaks_http2_and_sends_hsts(probe_hosted):
    """The site file's TLS lines, enabled on a throwaway certificate (scripts/hosted.py tls=True)."""
    result = run(["curl", "-sk", "--http2", "-o", "/dev/null", "-D", "-", "-H", "Accept-Encoding: br", probe_hosted.tls_url])
    head = result.stdout.lower()
    assert result.returncode == 0 and head.startswith("http/2 200"), result.stdout + result.stderr
    assert "strict-transport-security: max-age=31536000" in head
    assert "content-security-policy: default-src 'self'" in head and "content-encoding: br" in head


# --------------------------------------------------------------------------------------------
# The icon font subset (issue 23, the first-visit budget): scripts/icon_font.py


@pytest.fixture(scope="module")
def icon_subset(tmp_path_factory):
    """The subset as `make hosted` and the image build it, and the full font's ligatures."""
    import icon_font  # scripts/icon_font.py
    from fontTools.ttLib import TTFont

    out = tmp_path_factory.mktemp("icons")
    path, names, before, after = icon_font.build(STREAMLIT_STATIC, out)
    full = icon_font.ligatures(TTFont(icon_font.font_file(STREAMLIT_STATIC)))
    return path, names, full, before, after


def test_the_icon_subset_keeps_every_icon_streamlits_frontend_and_our_code_can_name_and_drops_the_rest(icon_subset):
    import icon_font
    from fontTools.ttLib import TTFont

    path, names, full, before, after = icon_subset
    js = "".join(p.read_text() for p in (STREAMLIT_STATIC / "static" / "js").glob("*.js"))
    # Icons Streamlit 1.67's page draws: the sidebar's arrows, an expander's chevron, its menus.
    for name in ("keyboard_double_arrow_left", "keyboard_double_arrow_right", "expand_more", "close", "more_vert", "check"):
        assert name in js and name in names
    assert set(re.findall(r":material/([a-z0-9_]+):", js)) & set(full) <= names  # (star_filled: not in the font)
    small, large = TTFont(path), TTFont(icon_font.font_file(STREAMLIT_STATIC))
    subset = icon_font.ligatures(small)

    def outline(font, glyph):  # the subsetter renames glyphs: compare what they draw
        coordinates, ends, _ = font["glyf"][glyph].getCoordinates(font["glyf"])
        return list(coordinates), ends

    # Every kept name still turns into its own icon through the subset's ligatures ...
    assert all(outline(small, subset[n]) == outline(large, full[n]) for n in names)
    # ... and no other icon survives (a name of a kept glyph may: the font's aliases).
    assert len(set(subset.values())) == len({full[n] for n in names})
    dropped = sorted(set(full) - set(subset))
    assert len(dropped) > 3000 and "rocket_launch" in dropped and "rocket_launch" not in js
    assert after < before / 4 and after < 100_000, (before, after)
    # The letters the names are spelt with (both cases) are kept: the ligatures' input.
    cmap = TTFont(path).getBestCmap()
    assert all(ord(c) in cmap for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def test_our_own_material_icons_join_the_subset_and_one_the_font_lacks_stops_the_build(tmp_path, icon_subset):
    import icon_font

    _, _, full, _, _ = icon_subset
    (tmp_path / "dashboard").mkdir()
    (tmp_path / "dashboard" / "app.py").write_text('st.button("go", icon=":material/rocket_launch:")\n')
    assert "rocket_launch" in icon_font.icons_used(STREAMLIT_STATIC, set(full), tmp_path)
    (tmp_path / "streamlit_app.py").write_text('st.page_link("x", icon=":material/no_such_icon_here:")\n')
    with pytest.raises(SystemExit, match="no_such_icon_here"):
        icon_font.icons_used(STREAMLIT_STATIC, set(full), tmp_path)


def test_the_site_file_serves_the_subset_at_the_installed_streamlits_font_url():
    """The exact location names Streamlit's hashed file: an upgrade renames it (the location then
    matches nothing and the full font serves), so this fails first: renew the name and the subset."""
    import icon_font

    conf = NGINX_SITE.read_text()
    name = icon_font.font_file(STREAMLIT_STATIC).name
    assert f"location = /jx-zones/static/media/{name} {{" in conf
    assert re.search(rf"^\s*alias /\S+/{re.escape(name)};$", conf, re.M)
    css = "".join(p.read_text() for p in (STREAMLIT_STATIC / "static" / "css").glob("*.css"))
    assert f"url(../media/{name})" in css  # the URL the page asks for
    text = DOCKERFILE.read_text()
    assert re.search(r"^RUN python scripts/icon_font\.py$", text, re.M) and text.index("icon_font.py") < text.index("\nUSER ")


def test_the_proxy_serves_the_icon_subset_small_and_immutable_at_streamlits_url(probe_hosted, icon_subset):
    path, _, _, before, after = icon_subset
    url = probe_hosted.url + "static/media/" + path.name
    status, head, body = fetch(url, {"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and body == path.read_bytes() and len(body) == after < before / 4
    assert head.get("content-type") == "font/woff2" and "content-encoding" not in head  # WOFF2 is brotli inside
    assert head.get("cache-control") == "public, immutable, max-age=31536000" and head.get("x-content-type-options") == "nosniff"
    # Streamlit itself (and so the Ingress route without the image's subset) serves the same caching.
    direct = f"http://{probe_hosted.replicas[0].address}/jx-zones/static/media/{path.name}"
    status, head, body = fetch(direct)
    assert status == 200 and len(body) == before and head.get("cache-control") == "public, immutable, max-age=31536000"


def test_make_hosted_reuses_a_cached_subset_only_for_the_same_font_and_icons(tmp_path, icon_subset, monkeypatch):
    import icon_font

    path, names, _, _, after = icon_subset
    cache = tmp_path / "cache"
    first = icon_font.build(STREAMLIT_STATIC, tmp_path / "a", cache_dir=cache)
    assert first[0].read_bytes() == path.read_bytes() and len(list(cache.glob("*.woff2"))) == 1
    monkeypatch.setattr(icon_font, "subset", lambda *a: pytest.fail("the same font and icons: the cached subset serves"))
    assert icon_font.build(STREAMLIT_STATIC, tmp_path / "b", cache_dir=cache)[0].read_bytes() == path.read_bytes()
    monkeypatch.setattr(icon_font, "icons_used", lambda *a: names | {"rocket_launch"})
    monkeypatch.setattr(icon_font, "subset", lambda data, kept: b"another subset")
    assert icon_font.build(STREAMLIT_STATIC, tmp_path / "c", cache_dir=cache)[3] == len(b"another subset")
