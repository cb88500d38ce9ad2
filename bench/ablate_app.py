"""The app with parts left out, to see what each part costs the cold load (bench/README.md).

    python bench/run.py --drop industry_section,draw:coverage --lighthouse-runs 0
    python bench/ablate_app.py --list        # what can be dropped, read off dashboard/app.py

Run by Streamlit like streamlit_app.py; BENCH_DROP (comma-separated) says what to leave out:

- `NAME`: a function of dashboard.app (a section such as `industry_section`) does nothing;
- `draw:PANEL`: `dashboard.app.draw(PANEL, ...)` does nothing (one chart, e.g. `draw:coverage`);
- `vega:KEY`: `st.vega_lite_chart(..., key=KEY)` draws nothing (`vega:*` every chart, `vega:map_*`
  the map; shell patterns).

Nothing else changes: same data, same caches, same URL handling. Measurement only, never deployed.
"""

from __future__ import annotations

import ast
import fnmatch
import inspect
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def droppable() -> tuple[list[str], list[str]]:
    """(functions main() calls, panel names passed to draw) in dashboard/app.py as it is now;
    draws made by main() itself come first among the panels, as `main:NAME`."""
    from dashboard import app

    tree = ast.parse(inspect.getsource(app))
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    called, panels = [], []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id == "draw" and node.args and isinstance(node.args[0], ast.Constant):
            panels.append(node.args[0].value)
    for node in ast.walk(main):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in defined:
            called.append(node.func.id)
            if node.func.id == "draw" and node.args and isinstance(node.args[0], ast.Constant):
                panels.insert(0, f"main:{node.args[0].value}")
    return list(dict.fromkeys(called)), list(dict.fromkeys(panels))


def patch(drop: list[str]) -> None:
    import streamlit as st

    from dashboard import app

    originals = app.__dict__.setdefault("_bench_originals", {})  # a rerun re-patches from the originals
    for name, fn in originals.items():
        if not name.startswith("_"):
            setattr(app, name, fn)
    for table, key, fn in originals.get("_tables", []):  # functions held in module-level dicts
        table[key] = fn
    originals["_tables"] = []
    if "vega_lite_chart" in originals.get("_st", {}):  # noqa: SIM102
        st.vega_lite_chart = originals["_st"]["vega_lite_chart"]
    names = [d for d in drop if ":" not in d]
    panels = {d.split(":", 1)[1] for d in drop if d.startswith("draw:")}
    vega_keys = [d.split(":", 1)[1] for d in drop if d.startswith("vega:")]
    for name in names:
        if not callable(getattr(app, name, None)):
            raise SystemExit(f"BENCH_DROP: dashboard.app has no function {name!r}")
        original = originals.setdefault(name, getattr(app, name))
        noop = lambda *args, **kwargs: None  # noqa: E731
        setattr(app, name, noop)
        # A section may also be reached through a table (e.g. SECTIONS = {"coverage": coverage_section}).
        for table in [v for v in vars(app).values() if isinstance(v, dict)]:
            for key, value in list(table.items()):
                if value is original:
                    originals["_tables"].append((table, key, original))
                    table[key] = noop
    if panels:
        draw = originals.setdefault("draw", app.draw)
        app.draw = lambda name, *args, **kwargs: [] if name in panels else draw(name, *args, **kwargs)
    if vega_keys:
        chart = originals.setdefault("_st", {}).setdefault("vega_lite_chart", st.vega_lite_chart)

        def vega_lite_chart(*args, key=None, **kwargs):
            if any(fnmatch.fnmatch(str(key), pattern) for pattern in vega_keys):
                return None
            return chart(*args, key=key, **kwargs)

        st.vega_lite_chart = vega_lite_chart


if __name__ == "__main__" and "--list" in sys.argv:
    import logging

    logging.disable(logging.WARNING)  # st.cache_data outside `streamlit run` says so on every call
    functions, panel_names = droppable()
    print("functions main() calls:", " ".join(functions))
    print(
        "panels (draw:NAME):", " ".join(f"draw:{p.removeprefix('main:')}" for p in panel_names if f"main:{p}" not in panel_names)
    )
    print("charts: vega:KEY with a shell pattern, e.g. vega:* or vega:map_*")
else:
    from dashboard import app as _app

    patch([d.strip() for d in os.environ.get("BENCH_DROP", "").split(",") if d.strip()])
    _app.main()
