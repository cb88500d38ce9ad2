#!/usr/bin/env python3
"""Streamlit's icon font cut down to the icons its page can show (issue 23: the first-visit budget).

    python scripts/icon_font.py [--static DIR] [--out DIR] [--check]

Streamlit draws its icons (the sidebar's arrows, an expander's chevron, `:material/…:` icons) as
words in the Material Symbols Rounded font, whose ligatures turn a word such as `expand_more` into
its glyph. Its file holds all ~4,300 icons (375 kB, a third of a hosted first visit); a page shows
a few dozen. The subset keeps every icon whose ligature name appears as a word in the installed
Streamlit's frontend JavaScript (static/static/js/*.js: every name it could ever draw, and more)
plus every `:material/…:` icon in our own code, with their ligatures (and a kept icon's other
names: the font's aliases); every other icon and its ligatures go. Computed from the INSTALLED Streamlit each time, so an upgrade is followed.

Without --out it overwrites the font in Streamlit's static folder (deploy/Dockerfile: Streamlit then
serves the subset at its own hashed URL with its own caching). With --out DIR it writes the subset
to DIR under Streamlit's file name (scripts/hosted.py, or a person following the nginx site file:
nginx serves it at Streamlit's URL, deploy/nginx/jx-zones.conf). Run twice, it keeps the same icons.
fontTools' subsetter does the work (a well-kept library: it rewrites GSUB, cmap, glyf, hmtx and
WOFF2 consistently); we only choose the glyphs.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FONT_GLOB = "MaterialSymbols-Rounded.*.woff2"
# Our own code's icons (Streamlit's `:material/name:` syntax), where the app's code lives.
OWN_CODE = ("streamlit_app.py", "dashboard", ".streamlit")
MATERIAL = re.compile(r":material/([a-z0-9_]+):")
WORD = re.compile(r"[A-Za-z0-9_]+")


def streamlit_static() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def font_file(static: Path) -> Path:
    """The one Material Symbols file of Streamlit's static folder (its name carries a hash)."""
    found = sorted((static / "static" / "media").glob(FONT_GLOB))
    if len(found) != 1:
        raise SystemExit(f"expected one {FONT_GLOB} in {static / 'static' / 'media'}, found {len(found)}")
    return found[0]


def ligatures(font) -> dict[str, str]:
    """Icon name (lower case, as Streamlit writes it) -> glyph name, from the font's GSUB ligatures."""
    letter = {}
    for codepoint, glyph in sorted(font.getBestCmap().items()):
        letter.setdefault(glyph, chr(codepoint).lower())  # 'A' and 'a' share a glyph
    names = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)  # extension lookups (type 7) wrap them
            for first, ligs in getattr(table, "ligatures", {}).items():
                for lig in ligs:
                    name = "".join(letter.get(g, "\0") for g in [first, *lig.Component])
                    if "\0" not in name:
                        names[name] = lig.LigGlyph
    return names


def own_icons(root: Path = REPO_ROOT) -> set[str]:
    """`:material/…:` names in our own code."""
    names = set()
    for entry in OWN_CODE:
        path = root / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in {".py", ".toml"})
        for file in files:
            names |= set(MATERIAL.findall(file.read_text(encoding="utf-8", errors="replace")))
    return names


def icons_used(static: Path, known: set[str], root: Path = REPO_ROOT) -> set[str]:
    """Every icon name of the font that is a word of Streamlit's JavaScript, and our own icons
    (an own icon the font lacks stops the build: Streamlit would show it as text)."""
    words = set()
    for script in (static / "static" / "js").glob("*.js"):
        words |= set(WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    own = own_icons(root)
    if unknown := sorted(own - known):
        raise SystemExit(f"our code names icons that Material Symbols Rounded does not have: {', '.join(unknown)}")
    return (words & known) | own


def subset(data: bytes, names: set[str]) -> bytes:
    """The font (WOFF2 bytes) with only these icons and their ligatures, as WOFF2."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes for the same icons
    glyph_of = ligatures(font)
    cmap = font.getBestCmap()
    # The letters the names are spelt with (and whatever else is not a private-use icon code point):
    # the ligatures' input. The icons' own private-use code points go with the other icons.
    letters = [cp for cp in cmap if not 0xE000 <= cp <= 0xF8FF and cp < 0xF0000]
    options = ft_subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    # Off: the closure over GSUB would add every icon the kept letters can spell, i.e. all of them.
    options.layout_closure = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.drop_tables = [t for t in options.drop_tables if t != "STAT"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=letters, glyphs=sorted({glyph_of[n] for n in names}))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def build(
    static: Path, out_dir: Path | None = None, *, write: bool = True, cache_dir: Path | None = None
) -> tuple[Path, set[str], int, int]:
    """The subset of `static`'s font, written over it (out_dir None) or to out_dir under the same
    name. Returns (written path, kept icon names, bytes before, bytes after). `cache_dir`: keep
    subsets there, keyed on the font's bytes and the icon names (scripts/hosted.py: every start)."""
    from fontTools.ttLib import TTFont

    source = font_file(static)
    data = source.read_bytes()
    known = set(ligatures(TTFont(io.BytesIO(data))))
    names = icons_used(static, known)
    key = hashlib.sha256(data + "\n".join(sorted(names)).encode()).hexdigest()
    cached = cache_dir / f"{key}.woff2" if cache_dir else None
    if cached and cached.is_file():
        small = cached.read_bytes()
    else:
        small = subset(data, names)
        if cached:
            cache_dir.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(small)
            os.replace(partial, cached)  # whole or not at all, for another process reading it
    target = (out_dir / source.name) if out_dir else source
    if write:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(small)
    return target, names, len(data), len(small)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--static", type=Path, default=None, help="Streamlit's static folder (default: the installed one's)")
    parser.add_argument("--out", type=Path, default=None, help="write the subset here (default: over Streamlit's file)")
    parser.add_argument("--check", action="store_true", help="report, write nothing")
    opts = parser.parse_args(argv)
    target, names, before, after = build(opts.static or streamlit_static(), opts.out, write=not opts.check)
    print(f"{target}: {len(names)} icons, {before:,} -> {after:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
