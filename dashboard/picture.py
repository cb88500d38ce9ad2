"""Pictures: the map or a chart as an SVG or PNG file that carries its own title, words and link.

Pure (no Streamlit): a chart's SVG text + the words around it (`Words`) → one picture SVG: a
header (title, the metric with its unit, the year) above the chart, a footer (the sources of the
figures drawn, ⚠ caveats in short, "data as of", the view's link, optionally its QR code) below.
`png()` rasterises that SVG at 2×; `vega_svg()` draws a Vega-Lite spec as SVG for the charts the
page leaves to Vega. Nothing here runs until a reader asks for a picture.

Always light (white ground, dark ink), whatever the page's theme: a picture is pasted into
documents, slides and chats that are white, and printed; a dark picture would be a black block
there. The chart colours were chosen to read on both grounds, so they stay as they are.

Libraries, not hand-written code, for the hard parts: segno makes the QR code, resvg (resvg-py)
rasterises the SVG with the system's fonts (Noto Sans CJK on Debian and in the container), and
vl-convert draws Vega-Lite specs (DESIGN.md rejected it for the page, not for an on-demand file).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboard import safe
from dashboard.svg_charts import text_width

WIDTH = 640  # the picture's own units; the PNG is SCALE × this many pixels wide
SCALE = 2  # PNG at 2× for print
PAD = 20
TITLE_SIZE = 22
HEADER_SIZE = 14
FOOTER_SIZE = 12
LINE = 1.45  # line height, in font sizes
QR_SIZE = 104  # the QR code's side in picture units (≥ 2.5 units per module at version 10)
CAVEAT_WIDTH = 2  # each caveat is cut to this many footer lines
MAX_CAVEATS = 4  # more than this: "n more on the page"
# CJK first so a viewer without Noto finds its own CJK face, then the page's sans.
CJK_FONT = "Noto Sans CJK SC"  # Debian's fonts-noto-cjk: scripts/ensure-browser-deps.sh, deploy/Dockerfile
FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
INK, MUTED, GROUND = "#31333f", "#555867", "#ffffff"
# The page styles the server-drawn charts with app.SVG_CSS (scoped to its component, with theme
# variables); a file needs its own rules: the same sizes, light-theme ink, and the chart's own
# title hidden (the picture's header carries it).
CSS = f"""
svg {{ font-family: {FONT_FAMILY}; }}
.chart text {{ font-size: 12px; font-family: {FONT_FAMILY}; }}
.chart .ink {{ fill: {INK}; }}
.chart .title {{ display: none; }}
.chart .small {{ font-size: 11px; }}
.chart .hit {{ display: none; }}
.chart .labels text {{ font-size: 12px; fill: #111111; stroke: #ffffff; stroke-width: 3px;
  stroke-linejoin: round; paint-order: stroke; dominant-baseline: middle; }}
.pic-title {{ font-size: {TITLE_SIZE}px; font-weight: 600; fill: {INK}; }}
.pic-head {{ font-size: {HEADER_SIZE}px; fill: {INK}; }}
.pic-foot {{ font-size: {FOOTER_SIZE}px; fill: {MUTED}; }}
.pic-empty {{ font-size: {HEADER_SIZE}px; fill: {INK}; }}
"""


@dataclass(frozen=True)
class Words:
    """What a picture says besides its chart, in the page's language, ready to show.

    `header`: lines under the title (the metric with its unit, the year or "latest available").
    `footer`: paragraphs (the sources line, the caveats, "data as of"), each wrapped to the width.
    `link_line`: the line naming the view's link; `link`: the link itself (the QR code's text).
    `empty`: why there is no chart, shown in its place when `chart` is None."""

    title: str
    header: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    link_line: str = ""
    link: str = ""
    empty: str = ""


def wrap(text: str, width: float, size: float) -> list[str]:
    """`text` broken into lines no wider than `width` at font `size` (widths estimated as the
    charts do: CJK square, others 0.6). Breaks at spaces where the line has them, anywhere in CJK."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for token in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", paragraph):
            if line and text_width(line + token.rstrip(), size) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
                while text_width(line, size) > width:  # one word longer than the line (a URL)
                    cut = _fit(line, width, size)
                    lines.append(line[:cut])
                    line = line[cut:]
            else:
                line += token
        lines.append(line.rstrip())
    return lines


def _fit(text: str, width: float, size: float) -> int:
    """How many leading characters of `text` fit in `width` (at least one)."""
    n = 1
    while n < len(text) and text_width(text[: n + 1], size) <= width:
        n += 1
    return n


def shorten(text: str, width: float, size: float, lines: int) -> str:
    """`text` cut to what fits in `lines` lines, ending in "…" when cut."""
    wrapped = wrap(text, width, size)
    if len(wrapped) <= lines:
        return text
    kept = " ".join(wrapped[:lines]) if re.search(r"[A-Za-z]\s", text) else "".join(wrapped[:lines])
    return kept[: max(1, len(kept) - 1)].rstrip() + "…"


def _opening(svg: str) -> re.Match[str]:
    found = re.search(r"<svg\b[^>]*>", svg)
    if not found:
        raise ValueError("not an SVG document")
    return found


def size_of(svg: str) -> tuple[float, float]:
    """An SVG's width and height in its own units: from its viewBox, else its width/height."""
    tag = _opening(svg).group(0)
    box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"', tag)
    if box:
        return float(box.group(1)), float(box.group(2))
    width, height = re.search(r'\bwidth="([\d.]+)', tag), re.search(r'\bheight="([\d.]+)', tag)
    if not (width and height):
        raise ValueError("an SVG without a size")
    return float(width.group(1)), float(height.group(1))


def nest(svg: str, x: float, y: float, width: float, height: float, css_class: str = "") -> str:
    """`svg` as a nested <svg> placed at (x, y), scaled to width × height (aspect kept)."""
    svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>", "", svg).strip()
    found = _opening(svg)
    own_w, own_h = size_of(svg)
    attrs = re.sub(r'\s(?:width|height|x|y|class|style)="[^"]*"', "", found.group(0)[4:-1])
    if "viewBox" not in attrs:
        attrs += f' viewBox="0 0 {own_w:g} {own_h:g}"'
    klass = f' class="{css_class}"' if css_class else ""
    opening = f'<svg x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"{klass}{attrs}>'
    return svg[: found.start()] + opening + svg[found.end() :]


def qr_svg(link: str) -> str:
    """The link as a QR code (segno, error correction M, the standard 4-module quiet zone)."""
    import segno  # noqa: PLC0415 (imported when a picture is made, not with the page)

    return segno.make_qr(link, error="m").svg_inline(scale=1, border=4, dark="#000000", light="#ffffff")


def _text_lines(lines: list[str], x: float, y: float, size: float, css: str) -> tuple[str, float]:
    """<text> elements, one per line, from baseline-ish top `y`; returns them and the new y."""
    out = []
    for line in lines:
        y += size * LINE
        out.append(f'<text class="{css}" x="{x:.1f}" y="{y - size * 0.3:.1f}">{safe.xml(line)}</text>')
    return "".join(out), y


def compose(chart: str | None, words: Words, qr: bool) -> str:
    """The picture: header, the chart (or `words.empty` in its place), footer, QR code if `qr`."""
    inner = WIDTH - 2 * PAD
    parts: list[str] = []
    y = PAD * 0.6
    for lines, size, css in (
        (wrap(words.title, inner, TITLE_SIZE), TITLE_SIZE, "pic-title"),
        ([line for text in words.header for line in wrap(text, inner, HEADER_SIZE)], HEADER_SIZE, "pic-head"),
    ):
        text, y = _text_lines(lines, PAD, y, size, css)
        parts.append(text)
    y += 8
    if chart is not None:
        own_w, own_h = size_of(chart)
        height = inner * own_h / own_w
        ours = 'class="jx-' in _opening(chart).group(0)  # drawn by map_chart/svg_charts: styled by CSS above
        parts.append(nest(chart, PAD, y, inner, height, "chart" if ours else "vega"))
        y += height
    else:
        empty = wrap(words.empty, inner - 32, HEADER_SIZE)
        box = len(empty) * HEADER_SIZE * LINE + 40
        parts.append(f'<rect x="{PAD}" y="{y:.1f}" width="{inner}" height="{box:.1f}" fill="#f0f2f6" rx="6"/>')
        text, _ = _text_lines(empty, PAD + 16, y + 20 - 2, HEADER_SIZE, "pic-empty")
        parts.append(text)
        y += box
    y += 12
    parts.append(f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d3dc" stroke-width="1"/>')
    foot_top = y + 4
    text_width_left = inner - (QR_SIZE + 16 if qr and words.link else 0)
    lines = [line for text in words.footer if text for line in wrap(text, text_width_left, FOOTER_SIZE)]
    text, y = _text_lines(lines, PAD, foot_top, FOOTER_SIZE, "pic-foot")
    parts.append(text)
    if words.link_line:  # a link in the SVG file (a PNG has the written link and the QR code)
        text, y = _text_lines(wrap(words.link_line, text_width_left, FOOTER_SIZE), PAD, y, FOOTER_SIZE, "pic-foot")
        parts.append(f'<a href="{safe.xml(words.link)}">{text}</a>' if words.link else text)
    if qr and words.link:
        parts.append(nest(qr_svg(words.link), WIDTH - PAD - QR_SIZE, foot_top + 8, QR_SIZE, QR_SIZE, "qr"))
        y = max(y, foot_top + 8 + QR_SIZE)
    height = round(y + PAD * 0.8)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{safe.xml(words.title)}" font-family="{safe.xml(FONT_FAMILY)}">'
        f"<title>{safe.xml(words.title)}</title><style>{CSS}</style>"
        f'<rect width="{WIDTH}" height="{height}" fill="{GROUND}"/>{"".join(parts)}</svg>'
    )


def png(svg: str, scale: float = SCALE) -> bytes:
    """The picture SVG as PNG at `scale` × its size, text in the system's fonts (resvg)."""
    import resvg_py  # noqa: PLC0415 (imported when a picture is made, not with the page)

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=scale, background=GROUND, sans_serif_family=CJK_FONT))


def vega_svg(spec: Mapping[str, Any]) -> str:
    """A Vega-Lite spec drawn as SVG by vl-convert, without its title (the picture's header has it)
    and at a fixed width where the page lets it stretch to its column."""
    import vl_convert  # noqa: PLC0415 (imported when a picture is made, not with the page: ~70 MB)

    spec = {key: value for key, value in spec.items() if key not in ("title", "name")}
    # Vega measures its labels in the font it is told: the CJK face the PNG is drawn in.
    spec["config"] = {**spec.get("config", {}), "font": CJK_FONT}
    spec["autosize"] = {"type": "pad"}  # grow to hold labels past the plot (a file has no column to fit)
    if spec.get("width") in (None, "container") and not any(k in spec for k in ("facet", "hconcat", "vconcat", "concat")):
        spec["width"] = 520
    return vl_convert.vegalite_to_svg(spec)


def make(chart: str | None, words: Words, fmt: str, qr: bool) -> bytes:
    """The picture file: "svg" (UTF-8 text) or "png" (at SCALE×)."""
    svg = compose(chart, words, qr)
    return png(svg) if fmt == "png" else svg.encode("utf-8")
