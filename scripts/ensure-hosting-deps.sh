#!/usr/bin/env bash
# The hosted setup (make hosted, tests/e2e/test_hosted.py, tests/test_deploy.py) needs Debian's nginx
# and its brotli module (libnginx-mod-http-brotli-filter: the site file compresses with brotli);
# the published-data tests (tests/test_publish.py, tests/e2e/test_published.py) need Debian's
# postgresql (its initdb/pg_ctl start a throwaway cluster in a temp dir: tools/postgres.py).
# Installs it when missing and root (CI: no stdin, so non-interactive); otherwise says what to run.
# Only the binary is used: scripts/hosted.py runs it with its own prefix, pid file and logs in a temp
# dir, so the system's nginx configuration and port 80 are never touched. Debian's package would
# start the system nginx on port 80 after installing it; a policy-rc.d that says "no" (Debian's own
# mechanism, exit code 101) keeps it stopped. Where the machine has a policy-rc.d already, it is
# left as it is; otherwise ours is removed again afterwards.
set -euo pipefail

have_nginx() { [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; }
have_brotli() { [ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; }
have_postgresql() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1; }

missing=()
have_nginx || missing+=(nginx)
have_brotli || missing+=(libnginx-mod-http-brotli-filter)
have_postgresql || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "The hosted setup needs: ${missing[*]} (Debian packages)."
if [ "$(id -u)" -ne 0 ]; then
    echo "Not root, so not installing them. Run, then retry:" >&2
    echo "    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# temporary, scripts/ensure-hosting-deps.sh: no service starts\nexit 101\n' > "$POLICY"
    chmod +x "$POLICY"
    trap 'rm -f "$POLICY"' EXIT
fi
# Another apt-get (e.g. the browser's install) may hold the lock: wait for it instead of failing.
apt-get -o DPkg::Lock::Timeout=600 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y "${missing[@]}" </dev/null
if ! have_nginx || ! have_brotli || ! have_postgresql; then
    echo "nginx, its brotli module or postgresql still missing after apt-get install" >&2
    exit 1
fi
