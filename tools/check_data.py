"""`make check-data DIR=path/to/folder`: check a candidate data folder before it is published.

Validates the folder with the app's own loaders (dashboard/data.py: every schema, id, unit and
source cross-check the page applies when it starts) plus the rules the bundled data keeps
(one preferred row per figure, a Chinese caveat exactly where there is an English one, no address
of a mirror copy where a reader would see it), then prints what the folder changes against the
bundled data: facts added, removed and changed (old → new value, with the source), sources added or
removed or regraded, zones whose coverage moves, and any mirror URL that would reach the page.

Exit status: 0 for a valid folder (whatever it changes), 1 for an invalid one (the problems are
listed), 2 for a wrong command line. data/README.md ("Updating the data") is the procedure.
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # `python tools/check_data.py` as well as `python -m tools.check_data`
    sys.path.insert(0, str(REPO_ROOT))

# The loaders' caches say "no runtime" outside `streamlit run`, once per cached function and call:
# quiet them once Streamlit has made (and levelled) its loggers.
import streamlit.runtime.caching  # noqa: E402, F401

for _name in ("cache_data_api", "cache_resource_api"):
    logging.getLogger(f"streamlit.runtime.caching.{_name}").setLevel(logging.ERROR)

from dashboard import data, model  # noqa: E402

# Where a reader sees text from the data folder: caveats of figures and cities, the zone profile's
# notes, the sources view. Addresses of mirror copies must never be among them (data/README.md).
READER_COLUMNS = {
    "facts.csv": ("note", "note_zh"),
    "city_facts.csv": ("note", "note_zh"),
    "zones.csv": ("area_note", "area_note_zh", "coord_note", "coord_note_zh"),
    "sources.csv": ("note", "note_zh", "publisher"),
}
NOTE_PAIRS = {
    "facts.csv": (("note", "note_zh"),),
    "city_facts.csv": (("note", "note_zh"),),
    "zones.csv": (("area_note", "area_note_zh"), ("coord_note", "coord_note_zh")),
    "sources.csv": (("note", "note_zh"),),
}
ADDRESS = re.compile(
    r"https?://\S+|www\.\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|org|net|cc|io|info|top|xyz)\b(?:/\S*)?", re.I
)
# A syndication service is named as the distributor it is (PressReader, MENAFN), not as an address.
SYNDICATORS = ("pressreader.com", "menafn.com", "globenewswire.com")
GENERIC_LABELS = {"www", "m", "com", "cn", "org", "net", "cc", "news"}


@dataclass(frozen=True)
class Report:
    problems: list[str]
    lines: list[str]

    @property
    def valid(self) -> bool:
        return not self.problems


def read_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# Validation -------------------------------------------------------------------------------------


def load(folder: Path) -> tuple[data.Dataset | None, list[str]]:
    """The folder through the app's own loaders, one file at a time so that every file's problems
    are listed (not only the first file's)."""
    if not folder.is_dir():
        return None, [f"{folder}: not a folder"]
    missing = [f"{name}: file is missing" for name in data.BUNDLED_FILES if not (folder / name).is_file()]
    if missing:
        return None, missing
    problems: list[str] = []
    key = str(folder)
    loaders = (data.load_metrics, data.load_industries, data.load_sources, data.load_zones, data.load_facts, data.load_city_facts)
    for loader in loaders:
        try:
            loader(key)
        except data.DataError as error:
            text = str(error)
            if text not in problems:  # a registry's problem shows again in the files that use it
                problems.append(text)
        except (ValueError, KeyError, TypeError) as error:  # a file the loaders cannot even frame
            problems.append(f"{loader.__name__.removeprefix('load_')}: {error}")
    if problems:
        return None, problems
    return data.load_dataset(key), []


def mirror_hosts(sources: list[dict[str, str]]) -> set[str]:
    return {s["host"].lower() for s in sources if s.get("trust") == "mirror" and s.get("host")}


def host_labels(hosts: set[str]) -> set[str]:
    """The name part of each mirror host (jsmbw.com → jsmbw), as a reader would spot it."""
    labels = set()
    for host in hosts:
        if host.removeprefix("www.") in SYNDICATORS:
            continue
        labels.update(p for p in host.split(".") if p not in GENERIC_LABELS and len(p) > 3)
    return labels


def rule_problems(folder: Path, dataset: data.Dataset | None) -> tuple[list[str], list[str]]:
    """(problems, mirror addresses that would reach the page) beyond the loaders' checks; the text
    rules run on the files as they are, the preferred-row rule once the folder loads."""
    problems = []
    if dataset is not None:
        key = ["zone_id", "year", "metric", "industry"]
        preferred = dataset.facts.groupby(key)["preferred"].sum()
        for k, n in preferred[preferred != 1].items():
            problems.append(f"facts.csv: {' '.join(str(p) for p in k if p != '')}: {n} preferred rows (exactly one needed)")
        city = dataset.city_facts.groupby(["adcode", "year", "metric"])["preferred"].sum()
        for k, n in city[city != 1].items():
            problems.append(f"city_facts.csv: {' '.join(str(p) for p in k)}: {n} preferred rows (exactly one needed)")
    for name, pairs in NOTE_PAIRS.items():
        for line, row in enumerate(read_rows(folder, name), start=2):
            for en, zh in pairs:
                if en in row and zh in row and (row[en].strip() == "") != (row[zh].strip() == ""):
                    problems.append(f"{name} row {line}: {en} and {zh} must both be filled or both empty")
    sources = read_rows(folder, "sources.csv")
    hosts = mirror_hosts(sources)
    labels = host_labels(hosts)
    leaks = []
    for name, columns in READER_COLUMNS.items():
        for line, row in enumerate(read_rows(folder, name), start=2):
            for column in columns:
                text = row.get(column, "")
                found = [m.group(0) for m in ADDRESS.finditer(text)]
                found += [label for label in labels if re.search(rf"(?<![a-z]){re.escape(label)}(?![a-z])", text.lower())]
                if found:
                    leaks.append(f"{name} row {line}, column {column}: {', '.join(sorted(set(found)))}")
    grade = {s["source_id"]: s["trust"] for s in sources}
    for line, row in enumerate(read_rows(folder, "facts.csv"), start=2):
        host = urlsplit(row.get("source_url", "")).hostname or ""
        if host.lower() in hosts and grade.get(row.get("source_id", "")) in model.LINKABLE:
            leaks.append(
                f"facts.csv row {line}, column source_url: {row['source_url']} (a mirror's address under a linked grade)"
            )
    return problems, leaks


# What the folder changes -----------------------------------------------------------------------------

FACT_KEY = ("zone_id", "year", "metric", "industry", "source_id")
CITY_KEY = ("adcode", "year", "metric", "vintage", "source_id")
COMPARED = ("value", "unit", "qualifier", "note", "note_zh", "quote", "preferred", "caution", "baseline", "source_date")


def keyed(rows: list[dict[str, str]], key: tuple[str, ...]) -> dict[tuple, dict[str, str]]:
    """Rows by key; a key repeated (two rows of one source for one figure) gets its ordinal."""
    seen: Counter = Counter()
    out = {}
    for row in rows:
        k = tuple(row.get(c, "") for c in key)
        seen[k] += 1
        out[(*k, seen[k])] = row
    return out


def same_number(a: str, b: str) -> bool:
    try:
        return float(a.replace(",", "")) == float(b.replace(",", ""))
    except ValueError:
        return a == b


def describe(key: tuple, row: dict[str, str], names: tuple[str, ...]) -> str:
    where = " ".join(str(v) for v, n in zip(key, names) if v != "" and n != "source_id")
    return f"{where} = {row.get('value', '')} {row.get('unit', '')} (source: {row.get('source_title', '')}; {row.get('source_id', '')})"


def fact_changes(old: list[dict], new: list[dict], key: tuple[str, ...], label: str) -> list[str]:
    before, after = keyed(old, key), keyed(new, key)
    lines = []
    for k in sorted(after.keys() - before.keys()):
        lines.append(f"  added    {label} {describe(k, after[k], key)}")
    for k in sorted(before.keys() - after.keys()):
        lines.append(f"  removed  {label} {describe(k, before[k], key)}")
    for k in sorted(before.keys() & after.keys()):
        a, b = before[k], after[k]
        diffs = []
        if not same_number(a.get("value", ""), b.get("value", "")):
            diffs.append(f"value {a.get('value')} → {b.get('value')} {b.get('unit', '')}".rstrip())
        diffs += [f"{c} {a.get(c, '')!r} → {b.get(c, '')!r}" for c in COMPARED[1:] if a.get(c, "") != b.get(c, "")]
        if diffs:
            where = " ".join(str(v) for v, n in zip(k, key) if v != "" and n != "source_id")
            source = f"(source: {b.get('source_title', '')}; {b.get('source_id', '')})"
            lines.append(f"  changed  {label} {where}: {'; '.join(diffs)} {source}")
    return lines


def source_changes(old: list[dict], new: list[dict]) -> list[str]:
    before, after = {s["source_id"]: s for s in old}, {s["source_id"]: s for s in new}
    lines = [f"  added    {i}: {after[i]['title']} ({after[i]['trust']})" for i in sorted(after.keys() - before.keys())]
    lines += [f"  removed  {i}: {before[i]['title']}" for i in sorted(before.keys() - after.keys())]
    lines += [
        f"  regraded {i}: {before[i]['trust']} → {after[i]['trust']}"
        for i in sorted(before.keys() & after.keys())
        if before[i]["trust"] != after[i]["trust"]
    ]
    return lines


def coverage(rows: list[dict]) -> dict[str, tuple[int, int, int | None]]:
    """Per zone: (figures, metrics with a figure, latest year)."""
    out = {}
    for zone in data.ZONE_IDS:
        mine = [r for r in rows if r["zone_id"] == zone]
        years = [int(r["year"]) for r in mine if r["year"].isdigit()]
        out[zone] = (len(mine), len({r["metric"] for r in mine}), max(years) if years else None)
    return out


def coverage_changes(old: list[dict], new: list[dict]) -> list[str]:
    before, after = coverage(old), coverage(new)
    lines = []
    for zone in data.ZONE_IDS:
        (n0, m0, y0), (n1, m1, y1) = before[zone], after[zone]
        if (n0, m0, y0) != (n1, m1, y1):
            metrics_old = {r["metric"] for r in old if r["zone_id"] == zone}
            metrics_new = {r["metric"] for r in new if r["zone_id"] == zone}
            gained, lost = sorted(metrics_new - metrics_old), sorted(metrics_old - metrics_new)
            extra = (f"; metrics gained: {', '.join(gained)}" if gained else "") + (
                f"; metrics lost: {', '.join(lost)}" if lost else ""
            )
            lines.append(f"  {zone}: {n0} → {n1} figures, {m0} → {m1} metrics, latest year {y0} → {y1}{extra}")
    return lines


def section(title: str, lines: list[str]) -> list[str]:
    return [f"{title}: {len(lines) if lines else 'none'}", *lines]


def check(folder: Path, against: Path = data.BUNDLED_DATA_DIR) -> Report:
    folder, against = folder.resolve(), against.resolve()
    dataset, problems = load(folder)
    leaks: list[str] = []
    if folder.is_dir() and all((folder / name).is_file() for name in data.BUNDLED_FILES):
        more, leaks = rule_problems(folder, dataset)
        problems += more + [f"mirror address would reach the page: {leak}" for leak in leaks]
    lines = [f"Candidate data folder: {folder}", f"Compared with: {against}"]
    if problems:
        return Report(problems, lines)
    old_facts, new_facts = read_rows(against, "facts.csv"), read_rows(folder, "facts.csv")
    changes = fact_changes(old_facts, new_facts, FACT_KEY, "fact")
    changes += fact_changes(read_rows(against, "city_facts.csv"), read_rows(folder, "city_facts.csv"), CITY_KEY, "city")
    lines += section("Facts added, removed or changed", changes)
    lines += section(
        "Sources added, removed or regraded", source_changes(read_rows(against, "sources.csv"), read_rows(folder, "sources.csv"))
    )
    lines += section("Zones whose coverage moves", coverage_changes(old_facts, new_facts))
    lines += section("Mirror URLs that would reach the page", leaks)
    newest = model.data_as_of(dataset.facts)
    lines.append(f"Data as of: {newest or 'no dated source'}")
    return Report([], lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make check-data DIR=path/to/folder", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the candidate data folder (a copy of data/ with your changes)")
    parser.add_argument("--against", type=Path, default=data.BUNDLED_DATA_DIR, help="the data to compare with (default: data/)")
    args = parser.parse_args(argv)
    report = check(args.folder, args.against)
    print("\n".join(report.lines))
    if not report.valid:
        print(f"INVALID: {len(report.problems)} problem{'s' if len(report.problems) != 1 else ''}")
        print("\n".join(f"  {p}".replace("\n", "\n    ") for p in report.problems))
        return 1
    print("Valid: the page would load this folder.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
