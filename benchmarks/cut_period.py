"""A period cut at now, read to now against read to the end of its local day, in one run.

"Last 28 days" at 13:00 ends inside a day; reading it to the day's end (``Period.read_end``)
gives the same numbers (nothing is recorded after now) and lets the store read the daily
rollup.  Prints one JSON object: per way of reading, the leaderboard's and one release's
period gains' p50 over 7 calls, two rounds in turn.  Run on a database that
``python benchmarks/run.py --load-only`` loaded:

    python benchmarks/cut_period.py --database-url postgresql+psycopg://root@127.0.0.1:5432/NAME
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime

from perfdash import metrics, store

TZ = "Europe/Berlin"
NOW = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # the benchmark catalog ends at 2026-11-25


def _p50_ms(call, times: int = 7) -> int:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        took.append(time.perf_counter() - started)
    return round(statistics.median(took) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    engine = store.make_engine(args.database_url)
    period = metrics.period_for("28d", TZ, now=NOW)
    with engine.connect() as conn:
        release = conn.exec_driver_sql(
            "SELECT release_id FROM content_performance GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).scalar()
    out: dict[str, list[dict[str, int]]] = {"to_now": [], "read_end": []}
    for _round in range(2):
        for label, end in (("to_now", period.end), ("read_end", period.read_end)):

            def board(end=end):
                with engine.connect() as conn:
                    store.leaderboard(conn, "views", start=period.start, end=end, limit=10)

            def gains(end=end):
                with engine.connect() as conn:
                    store.period_gains(conn, [release], start=period.start, end=end)

            out[label].append(
                {"leaderboard_ms_p50": _p50_ms(board), "release_gains_ms_p50": _p50_ms(gains)}
            )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
