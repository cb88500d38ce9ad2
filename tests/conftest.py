"""Shared fixtures: the bundled dataset, loaded once through the real data layer."""

import logging
from pathlib import Path

import pytest

from dashboard import data, panels, state

# st.cache_data outside `streamlit run` falls back to memory storage and says so on every call.
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def dataset() -> data.Dataset:
    return data.load_dataset(str(data.BUNDLED_DATA_DIR))


@pytest.fixture(scope="session")
def vocab(dataset) -> state.Vocabulary:
    from dashboard import app

    return app.vocabulary(panels.Facts(dataset, dataset.facts))


@pytest.fixture(scope="session")
def resolve(vocab):
    """The view for a link's filters, as the page resolves it: resolve(metric="gdp", zones=(...))."""

    def view(**filters) -> state.View:
        return state.resolve(state.Filters(**{"metric": vocab.default_metric, **filters}), vocab)

    return view


def parse_markdown_table(text: str):
    """The cells of the Markdown table in `text` as a browser would read them (pipes split only when
    not escaped, backslash escapes removed), or None when `text` holds no table."""
    import re

    import pandas as pd

    lines = text.strip().split("\n")
    rules = [i for i, line in enumerate(lines) if i and re.fullmatch(r"\|( --- \|)+", line)]
    if not rules:
        return None
    lines = [line for line in lines[rules[0] - 1 :] if line.startswith("|")]  # text before a table is not the table

    def cells(line: str) -> list[str]:
        return [re.sub(r"\\(.)", r"\1", c.strip()) for c in re.split(r"(?<!\\)\|", line)[1:-1]]

    return pd.DataFrame([cells(line) for line in lines[2:]], columns=cells(lines[0]))


@pytest.fixture
def read_markdown_table():
    """parse_markdown_table, for tests (a fixture: `conftest` is not importable by name when the
    browser tests' conftest is collected too)."""
    return parse_markdown_table


@pytest.fixture
def markdown_tables():
    """Every Markdown table an AppTest page drew, as DataFrames of text."""

    def tables(at) -> list:
        return [t for t in (parse_markdown_table(m.value) for m in at.markdown) if t is not None]

    return tables


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server of its own for this test session (Debian's binaries, a temp cluster,
    stopped at the end): its URL. Missing PostgreSQL skips, or fails a full `make test` run."""
    import os

    from tools.postgres import TempPostgres

    try:
        server = TempPostgres()
    except RuntimeError as exc:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    with server:
        yield server.url


LITERAL_DIR = Path(__file__).resolve().parent / "literal"


@pytest.fixture
def literal_svg():
    """`literal_svg(name, svg)`: assert that `svg` is, to the byte, tests/literal/<name>.svg (kept
    one element a line, so a change shows as a readable diff, and the file opens as a picture).
    The SVG builders are tested this way as well as by properties, as Streamlit and datasette
    test their renderers. A deliberate change: write the new SVG there and read the diff."""

    def check(name: str, svg: str) -> None:
        assert svg.replace("><", ">\n<") + "\n" == (LITERAL_DIR / f"{name}.svg").read_text(encoding="utf-8")

    return check
