"""The forecast's backtest over the demo catalog and a benchmark catalog, printed as JSON.

    python benchmarks/forecast_backtest.py [--releases N] [--days D]

For every series (a release's metric summed over its platforms, as ``/api/v1/forecast`` reads
it without ``platform``), ``metrics.forecast`` runs from each earlier day and is held against
what happened 28 days later: ``mape_28d`` is the mean absolute error of the 28-day gain as a
fraction of the actual gain (pooled over every origin of every series; the median series' too),
``band_coverage`` how often the 80 % band, built only from errors known on that day, held the
outcome: it should be near 0.8.  Both catalogs are built in memory, without a database, by the
same generators ``perfdash demo`` and ``benchmarks/run.py`` use.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import catalog  # noqa: E402
from perfdash import demo, metrics  # noqa: E402

DEMO_DAY = datetime(2026, 11, 25, 12, tzinfo=UTC)


def series_of(frame: pd.DataFrame) -> list[pd.Series]:
    """Daily totals per (release, metric), summed over platforms; lifetime totals only."""
    frame = frame[frame.get("value_kind", "total") == "total"]
    frame = frame.assign(
        day=pd.to_datetime(frame["recorded_at"], utc=True).dt.tz_localize(None).dt.normalize(),
        platform_key=frame["platform"].str.lower(),
    )
    daily = (
        frame.sort_values("recorded_at")
        .groupby(["release_key", "metric_type", "platform_key", "day"])["metric_value"]
        .last()
        .astype("float64")
    )
    out = []
    for _, part in daily.groupby(level=["release_key", "metric_type"]):
        wide = part.droplevel([0, 1]).unstack("platform_key").sort_index().ffill()
        out.append(wide.sum(axis=1, min_count=1))
    return out


def measure(name: str, series: list[pd.Series]) -> dict[str, Any]:
    errors: list[float] = []
    per_series: list[float] = []
    hits = banded = origins = 0
    skipped = 0
    for totals in series:
        result = metrics.forecast(totals, 7)
        if result is None:
            skipped += 1
            continue
        back = result.backtest
        origins += back.origins
        hits += back.hits
        banded += back.banded
        if back.mape_28d is not None:
            per_series.append(back.mape_28d)
            errors.extend([back.mape_28d] * back.origins)
    return {
        "catalog": name,
        "series": len(series),
        "series_too_short": skipped,
        "origins": origins,
        "mape_28d": round(float(np.mean(errors)), 4) if errors else None,
        "mape_28d_median_series": round(statistics.median(per_series), 4) if per_series else None,
        "band_coverage": round(hits / banded, 4) if banded else None,
        "banded_origins": banded,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=300, help="benchmark releases")
    parser.add_argument("--rows", type=int, default=120_000, help="benchmark catalog rows")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _, demo_rows = demo.build(DEMO_DAY)
    plan = catalog.plan(args.rows, releases=args.releases)
    bench_rows = pd.concat([f for f in catalog.frames(plan) if not f.empty], ignore_index=True)
    heavy = bench_rows["release_key"].isin([plan.release_key(i) for i in plan.heavy])
    results = [
        measure("demo", series_of(demo_rows)),
        measure("benchmark", series_of(bench_rows[~heavy])),
        measure("benchmark_hourly", series_of(bench_rows[heavy])),
    ]
    print(
        json.dumps(
            {
                "method": metrics.FORECAST_METHOD,
                "band": "80%",
                "horizon_days": 28,
                "catalogs": results,
                "seconds": round(time.perf_counter() - started, 1),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
