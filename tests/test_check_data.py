"""Issue 24: `make check-data DIR=…` validates a candidate data folder with the app's own rules and
prints what it changes against the bundled data, on copies of data/. The first test runs the command
line in a subprocess, as a maintainer does; the others call its main() in-process (the same code,
without a Python start-up each)."""

import contextlib
import io
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest

from dashboard import data
from tools import check_data

ROOT = data.BUNDLED_DATA_DIR.parent


def run_cli(folder) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.check_data", str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def check(folder) -> SimpleNamespace:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = check_data.main([str(folder)])
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr="")


@pytest.fixture
def copy(tmp_path):
    folder = tmp_path / "candidate"
    shutil.copytree(data.BUNDLED_DATA_DIR, folder)
    return folder


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_one_changed_value_is_exactly_the_change_printed(copy):
    edit(copy / "facts.csv", "yingtan,2024,industrial_revenue,,1258,", "yingtan,2024,industrial_revenue,,1300,")
    out = run_cli(copy)
    assert out.returncode == 0, out.stdout + out.stderr
    listed = [line.strip() for line in out.stdout.splitlines() if line.startswith("  ")]
    assert listed == [
        "changed  fact yingtan 2024 industrial_revenue: value 1258 → 1300 亿元 "
        "(source: 时隔数年 政府工作报告再提“国家高新区”; src013)"
    ]
    assert "Facts added, removed or changed: 1" in out.stdout
    assert "Sources added, removed or regraded: none" in out.stdout and "Zones whose coverage moves: none" in out.stdout
    assert "Mirror URLs that would reach the page: none" in out.stdout and "Valid" in out.stdout
    assert "WARNING" not in out.stderr  # no Streamlit noise in a maintainer's terminal


def test_a_new_figure_and_source_move_the_zones_coverage(copy):
    with (copy / "sources.csv").open("a", encoding="utf-8") as f:
        f.write("src999,新余高新区2024年发展报道,新余日报,2025-01,,,news,,\n")
    with (copy / "facts.csv").open("a", encoding="utf-8") as f:
        f.write(
            "xinyu,2024,revenue,,1000,亿元,over,新余高新区2024年发展报道,,2025-01,,src999,true,false,,营业收入突破1000亿元,false\n"
        )
    out = check(copy)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "  added    fact xinyu 2024 revenue = 1000 亿元 (source: 新余高新区2024年发展报道; src999)" in out.stdout
    assert "  added    src999: 新余高新区2024年发展报道 (news)" in out.stdout
    assert "  xinyu: 3 → 4 figures, 3 → 4 metrics, latest year 2022 → 2024; metrics gained: revenue" in out.stdout


def test_a_broken_copy_lists_its_problems_and_exits_1(copy):
    edit(copy / "facts.csv", "yingtan,2024,industrial_revenue,,1258,", "yingtan,2024,industrial_revenu,,1258,")
    edit(copy / "facts.csv", "yingtan,2024,industry_revenue,copper,1150,", "yingtan,2024,industry_revenue,copper,lots,")
    edit(copy / "zones.csv", "Approximate location: no address", "Copied from http://jsmbw.com/x.html: no address")
    (copy / "industries.csv").unlink()
    out = check(copy)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "INVALID" in out.stdout and "Valid" not in out.stdout
    assert "industries.csv: file is missing" in out.stdout
    (copy / "industries.csv").write_bytes((data.BUNDLED_DATA_DIR / "industries.csv").read_bytes())
    out = check(copy)
    assert out.returncode == 1
    lines = (copy / "facts.csv").read_text(encoding="utf-8").splitlines()
    metric_row = 1 + next(i for i, line in enumerate(lines) if ",industrial_revenu," in line)
    value_row = 1 + next(i for i, line in enumerate(lines) if ",copper,lots," in line)
    assert f"row {metric_row}, column metric: unknown metric id" in out.stdout
    assert f"row {value_row}, column value: value must be a finite number" in out.stdout
    assert "mirror address would reach the page: zones.csv row 5, column coord_note" in out.stdout


def test_a_note_without_its_chinese_and_two_preferred_rows_are_problems(copy):
    edit(copy / "sources.csv", "中国科协“科创中国”平台上的园区介绍：既不是园区自己的网站，也不是政府网站", "")
    text = (copy / "facts.csv").read_text(encoding="utf-8")
    rank = next(line for line in text.splitlines() if line.startswith("yingtan,2024,national_rank,,80,"))
    second = rank.replace("时隔数年 政府工作报告再提“国家高新区”", "另一篇报道").replace(",src013,", ",src016,")
    (copy / "facts.csv").write_text(text + second + "\n", encoding="utf-8")  # preferred, like the first
    out = check(copy)
    assert out.returncode == 1, out.stdout
    assert "facts.csv: yingtan 2024 national_rank: 2 preferred rows (exactly one needed)" in out.stdout
    assert "sources.csv row 4: note and note_zh must both be filled or both empty" in out.stdout


def test_a_mirror_url_under_a_linked_grade_would_reach_the_page(copy):
    text = (copy / "facts.csv").read_text(encoding="utf-8")
    news = "http://www.cnr.cn/jx/yw/20210210/t20210210_525412261.shtml"  # 央广网, graded news: a link
    (copy / "facts.csv").write_text(text.replace(news, "http://jsmbw.com/zhaoshang/518293.html", 1), encoding="utf-8")
    out = check(copy)
    assert out.returncode == 1
    assert "column source_url: http://jsmbw.com/zhaoshang/518293.html (a mirror's address under a linked grade)" in out.stdout


def test_the_bundled_data_is_valid_and_changes_nothing():
    out = check(data.BUNDLED_DATA_DIR)
    assert out.returncode == 0, out.stdout
    assert "Facts added, removed or changed: none" in out.stdout and "Data as of: 2026-01" in out.stdout


def test_make_check_data_is_the_documented_command():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "check-data:" in makefile and "-m tools.check_data" in makefile
    readme = (data.BUNDLED_DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "make check-data DIR=" in readme
