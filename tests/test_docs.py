"""The docs stay true: every URL parameter, data file and data column is documented."""

import csv
import re

from dashboard import data, state

ROOT = data.BUNDLED_DATA_DIR.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DATA_README = (data.BUNDLED_DATA_DIR / "README.md").read_text(encoding="utf-8")


def test_every_url_parameter_is_in_the_readme():
    assert state.KEYS  # read from the code that parses links, so a new key must be documented
    for key in state.KEYS:
        assert f"`{key}`" in README, key
    for tab in state.TABS:
        assert f"`{tab}`" in README, tab


def test_the_two_commands_and_the_data_folder_variable_are_in_the_readme():
    assert "make run" in README and "make test" in README
    assert data.DATA_DIR_ENV in README


def documented_names() -> set[str]:
    """Every identifier written inside `backticks` in data/README.md."""
    spans = re.findall(r"`([^`]+)`", DATA_README)
    return {word for span in spans for word in re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", span)}


def test_every_data_file_and_column_is_documented():
    names = documented_names()
    for name in data.BUNDLED_FILES:
        assert name in names, name
        with (data.BUNDLED_DATA_DIR / name).open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        missing = [column for column in header if column not in names]
        assert not missing, f"{name}: undocumented columns {missing}"


def table_rows(text: str) -> str:
    """The first cells of every Markdown table row in `text`, where a module table names its files."""
    return "\n".join(line.split("|")[1] for line in text.splitlines() if line.startswith("| `"))


def test_the_module_tables_name_every_module():
    """README's tables name each module of dashboard/, tools/ and scripts/; bench/README's, each of bench/."""
    tables = {
        ROOT / "README.md": ("dashboard", "tools", "scripts"),
        ROOT / "bench" / "README.md": ("bench",),
    }
    for readme, folders in tables.items():
        named = table_rows(readme.read_text(encoding="utf-8"))
        for folder in folders:
            for module in sorted((ROOT / folder).glob("*.py")):
                if module.name == "__init__.py":
                    continue
                shown = f"`{module.name}`" in named or f"`{folder}/{module.name}`" in named
                assert shown, f"{readme.relative_to(ROOT)} does not name {folder}/{module.name} in a table"
