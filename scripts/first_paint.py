#!/usr/bin/env python3
"""The proxy's first-paint rewrites, built into Streamlit's own files (deploy/Dockerfile runs it).

    python scripts/first_paint.py [--static DIR] [--check]

deploy/nginx/jx-zones.conf rewrites Streamlit's page on its way out (`sub_filter`): the title and a
loading line in the empty root element, the sizes of the map, the charts and the share control
reserved up front, Streamlit's Source Sans web font neither preloaded nor used. A proxy without
sub_filter (ingress-nginx in deploy/k8s/, Streamlit served directly) gets none of that, so the image
applies the same rewrites, read from that same file, to the installed Streamlit's index.html and
CSS once at build time. The reader's language is unknown there: the loading line is given in both
(Chinese first), the page's language is Chinese (the app's default).

Each rewrite must match in the files exactly as nginx would (once in index.html, or in the CSS):
anything else stops the build with the pattern that is missing, so a Streamlit upgrade that moves
a hook breaks the image build instead of shipping a page without it. `--check` only reports.
Run twice, it finds its own output and changes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NGINX_SITE = REPO_ROOT / "deploy" / "nginx" / "jx-zones.conf"
SUB_FILTER = re.compile(r"^\s*sub_filter '([^']*)' '([^']*)';$", re.M)
VARIABLE = re.compile(r"\$(jx_zones_\w+)")


def streamlit_static() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def map_values(conf: str, name: str) -> dict[str, str]:
    """The values of nginx `map … $name { key "value"; … }` in the site file, by key."""
    block = re.search(r"^map [^\n]*\$" + re.escape(name) + r" \{\n(.*?)^\}", conf, re.M | re.S)
    if not block:
        raise ValueError(f"no map for ${name} in {NGINX_SITE.name}")
    return dict(re.findall(r'^\s*(\S+)\s+"([^"]*)";', block.group(1), re.M))


def resolve(text: str, conf: str) -> str:
    """nginx variables in a replacement, as the image serves every reader: the page in Chinese,
    the loading line in both languages."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        values = map_values(conf, name)
        if name == "jx_zones_loading":
            return f"{values['default']} · {values['en']}"
        return values["default"]

    return VARIABLE.sub(value, text)


def rewrites(conf: str) -> list[tuple[str, str]]:
    return [(pattern, resolve(replacement, conf)) for pattern, replacement in SUB_FILTER.findall(conf)]


def apply(static: Path, conf: str, *, write: bool = True) -> list[str]:
    """Apply the site file's rewrites to Streamlit's files under `static`; returns what it did."""
    index_path = static / "index.html"
    css_paths = sorted((static / "static" / "css").glob("*.css"))
    files = {index_path: index_path.read_text(encoding="utf-8")} | {p: p.read_text(encoding="utf-8") for p in css_paths}
    done, missing = [], []
    for pattern, replacement in rewrites(conf):
        if any(replacement in text for text in files.values()):
            done.append(f"already applied: {pattern}")
            continue
        in_files = [p for p, text in files.items() if pattern in text]
        if not in_files:
            missing.append(pattern)
            continue
        for path in in_files:
            files[path] = files[path].replace(pattern, replacement)
        done.append(f"rewritten in {', '.join(p.name for p in in_files)}: {pattern}")
    if missing:
        raise SystemExit(
            "Streamlit's files no longer have these strings that deploy/nginx/jx-zones.conf rewrites:\n  " + "\n  ".join(missing)
        )
    if write:
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--static", type=Path, default=None, help="Streamlit's static folder (default: the installed one's)")
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    opts = parser.parse_args(argv)
    for line in apply(opts.static or streamlit_static(), NGINX_SITE.read_text(encoding="utf-8"), write=not opts.check):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
