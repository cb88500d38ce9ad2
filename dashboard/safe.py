"""Text from files and URLs is shown as text: never as Markdown, HTML or SVG markup.

Streamlit renders Markdown in st.error/st.warning/st.caption; anything that came from a user
(an upload's file name, a value from a link, a note) goes through `md()` first.
"""

import re
from html import escape

_HTTP_LINK = re.compile(r"(?i)https?://[^\s/?#]+\S*")

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text: object) -> str:
    """`text` with every Markdown/HTML control character escaped, so it renders literally."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def cell(value: object) -> object:
    """A spreadsheet cell that cannot run as a formula: text starting with = + - @ (or a tab or
    carriage return) gets a leading apostrophe, as OWASP's CSV-injection advice says."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def markdown_table(frame) -> str:
    """A DataFrame as a Markdown (GFM) table, every cell escaped and on one line. The page draws
    small tables this way because Markdown's code is already loaded; st.table would make the first
    one a session shows fetch and run another 0.2 s of chart-free code (bench/README.md)."""

    def row(cells) -> str:
        return "| " + " | ".join(md(" ".join(str(c).split())) for c in cells) + " |"

    lines = [row(frame.columns), "|" + " --- |" * len(frame.columns)]
    lines += [row(values) for values in frame.itertuples(index=False)]
    return "\n".join(lines)


def xml(text: object) -> str:
    """`text` safe inside SVG/XML, as element text or a quoted attribute value."""
    return escape(str(text), quote=True)


def svg_title(lines) -> str:
    """A mark's tooltip: an SVG `<title>` of "label: value" lines, those without a value left out."""
    return "<title>" + xml("\n".join(f"{label}: {value}" for label, value in lines if value not in (None, ""))) + "</title>"


def http_link(url: object) -> str | None:
    """A user's source URL as a link target only when it is http(s) with a host; anything else
    (javascript:, data:, a bare word, a URL with spaces) is None: shown as text, if at all."""
    if not isinstance(url, str) or not _HTTP_LINK.fullmatch(url.strip()):
        return None
    return url.strip()
