#!/usr/bin/env bash
# A saved picture's PNG (dashboard/picture.py) draws its Chinese text with the system's fonts
# (resvg): without a CJK font the Chinese characters are left out. `make run` calls this: it installs
# Debian's fonts-noto-cjk when it can (as root), and otherwise says what to install and carries on
# (the page itself needs no system font; only the PNGs' Chinese text would be missing).
set -euo pipefail

# No `grep -q`: it exits at the first match, fc-list gets SIGPIPE and pipefail calls that a failure.
have_cjk_fonts() { command -v fc-list >/dev/null 2>&1 && fc-list | grep -i "Noto Sans CJK" >/dev/null; }

have_cjk_fonts && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Pictures (PNG) need a CJK font for their Chinese text. Not root, so not installing it; run:" >&2
    echo "    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk fontconfig" >&2
    exit 0
fi
echo "Installing Debian packages: fonts-noto-cjk fontconfig (CJK text in saved PNG pictures)"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk fontconfig </dev/null
have_cjk_fonts || { echo "Still no Noto Sans CJK font after apt-get install" >&2; exit 1; }
