#!/usr/bin/env bash
# The server runs with jemalloc as its malloc (scripts/with-jemalloc.sh; why: load/README.md,
# "Memory under uploads"): installs Debian's libjemalloc2 when it is missing and this is root (CI: no
# stdin, so non-interactive). Not root: says what to run and carries on, since the server still
# runs without it (on glibc's malloc, with more memory kept after uploads).
set -euo pipefail

have_jemalloc() { [ -n "$(ls /usr/lib/*/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2 2>/dev/null)" ]; }

have_jemalloc && exit 0

echo "The server runs best with jemalloc (Debian package libjemalloc2)."
if [ "$(id -u)" -ne 0 ]; then
    echo "Not root, so not installing it; the server will use glibc's malloc. To install:" >&2
    echo "    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y libjemalloc2" >&2
    exit 0
fi
echo "Installing Debian package: libjemalloc2"
# Another apt-get (e.g. the browser's install) may hold the lock: wait for it instead of failing.
apt-get -o DPkg::Lock::Timeout=600 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y libjemalloc2 </dev/null
if ! have_jemalloc; then
    echo "libjemalloc2 still missing after apt-get install" >&2
    exit 1
fi
