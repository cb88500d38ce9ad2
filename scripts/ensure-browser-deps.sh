#!/usr/bin/env bash
# Browser tests need Debian's Chromium and CJK fonts (without them Chinese text renders as boxes and
# the screenshots and contrast checks mean nothing). Playwright's own browser download can't work on
# this network, so this installs the Debian packages when it can (as root, e.g. CI) and otherwise
# says exactly what to install.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk)

have_chromium() { [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; }
# No `grep -q`: it exits at the first match, fc-list gets SIGPIPE and pipefail calls that a failure.
have_cjk_fonts() { command -v fc-list >/dev/null 2>&1 && fc-list | grep -i "Noto Sans CJK" >/dev/null; }

missing() {
    have_chromium || echo "chromium (Debian package chromium: /usr/bin/chromium)"
    have_cjk_fonts || echo "Noto Sans CJK fonts (Debian package fonts-noto-cjk)"
}

[ -z "$(missing)" ] && exit 0

echo "Browser tests need: $(missing | paste -sd ';' -)"
if [ "$(id -u)" -ne 0 ]; then
    echo "Not root, so not installing them. Run, then retry:" >&2
    echo "    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${PACKAGES[*]}" >&2
    exit 1
fi
echo "Installing Debian packages: ${PACKAGES[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y "${PACKAGES[@]}" </dev/null
if [ -n "$(missing)" ]; then
    echo "Still missing after apt-get install: $(missing | paste -sd ';' -)" >&2
    exit 1
fi
