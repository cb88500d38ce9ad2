"""How long read_facts takes to validate a 10,000-row upload (budget: 2 s on this machine).

    python bench/upload_bench.py

The file is made here from real ids (zones, metrics with their units), 10,000 distinct figures, in
GB18030 as Excel in China saves it; the median of 5 validations is reported.
"""

import io
import itertools
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
logging.disable(logging.WARNING)  # st.cache_data outside `streamlit run` says so on every call

from dashboard import data  # noqa: E402

ROWS, BUDGET_S = 10_000, 2.0


def upload_bytes(dataset: data.Dataset) -> bytes:
    header = ",".join(data.FACT_COLUMNS)
    metrics = dataset.metrics[dataset.metrics["kind"].isin(["amount", "count"])]
    keys = itertools.cycle(itertools.product(data.ZONE_IDS, range(1990, 2025), metrics.itertuples()))
    lines = [header]
    for i, (zone, year, metric) in zip(range(ROWS), keys):
        lines.append(
            f"{zone},{year},{metric.metric},,{100 + i % 900}.5,{metric.unit},exact,"
            f"某某高新区统计年报 第{i}号,,2025-01,基准测试数据"
        )
    return "\n".join(lines).encode("gb18030")


def main() -> None:
    dataset = data.load_dataset()
    content = upload_bytes(dataset)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        facts = data.read_facts(io.BytesIO(content))
        times.append(time.perf_counter() - start)
    assert len(facts) == ROWS
    median = statistics.median(times)
    print("| upload | measured | budget | ok |\n|---|---|---|---|")
    print(
        f"| validate a {ROWS:,}-row GB18030 file (s, median of 5; {len(content) / 1e6:.1f} MB) "
        f"| {median:.2f} | ≤ {BUDGET_S:.0f} | {'ok' if median <= BUDGET_S else 'OVER'} |"
    )


if __name__ == "__main__":
    main()
