"""What a saved picture costs the server (README "Pictures"): time to build each picture's SVG and
PNG, and the resident memory the picture libraries add (vl-convert above all), in one process.

    .venv/bin/python bench/pictures.py [--lang zh] [--repeat 3]

Not a budget: a picture is built only when a reader clicks, in a thread of its own (the page's bench
budgets are measured by bench/run.py). Prints one line per chart: median ms to draw the chart (for
a Vega chart, vl-convert), to compose the SVG, and to rasterise the PNG; then RSS before and after.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
logging.disable(logging.WARNING)  # st.cache_data outside `streamlit run`

from dashboard import app, data, panels, picture, state  # noqa: E402


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    dataset = data.load_dataset()
    facts = panels.Facts(dataset, dataset.facts)
    vocab = app.vocabulary(facts)
    filters, _ = state.parse_query({"lang": [args.lang]}, vocab)
    view = state.resolve(filters, vocab)
    link = state.share_url("http://localhost:8501/", filters, vocab)
    for name in ("map", *panels.BUILDERS):  # the page's own caches, warm as on a running server
        panels.map_svg(facts, view, False) if name == "map" else panels.panel(name, facts, view)
    before = rss_mb()
    print(f"{'chart':18} {'draw ms':>8} {'svg ms':>7} {'png ms':>7} {'png KB':>7}")
    for name in ("map", *panels.BUILDERS):
        times: dict[str, list[float]] = {"draw": [], "svg": [], "png": []}
        for _ in range(args.repeat):
            start = time.perf_counter()
            if name == "map":
                words, chart = panels.map_picture_words(facts, view, link), panels.map_svg(facts, view, False)
            else:
                out = panels.panel(name, facts, view)
                words = panels.picture_words(name, facts, view, link)
                chart = out.svg if out.svg is not None else picture.vega_svg(out.spec)
            drawn = time.perf_counter()
            svg = picture.compose(chart, words, qr=True)
            composed = time.perf_counter()
            png = picture.png(svg)
            done = time.perf_counter()
            times["draw"].append(drawn - start)
            times["svg"].append(composed - drawn)
            times["png"].append(done - composed)
        ms = {k: statistics.median(v) * 1000 for k, v in times.items()}
        print(f"{name:18} {ms['draw']:8.0f} {ms['svg']:7.0f} {ms['png']:7.0f} {len(png) / 1024:7.0f}")
    print(f"RSS: {before:.0f} MB with the page's panels built, {rss_mb():.0f} MB after every picture")


if __name__ == "__main__":
    main()
