"""What the dashboard's one view callback spends on the server, read by read.

    python benchmarks/view_reads.py --database-url URL --release PK [--calls 7] [--tz ZONE]

Posts the view callback (``render_view``) through Flask's test client as the browser does,
for the first view (``?release=PK&period=28d`` and the release's default metric) and for a
period change to 90 and to 7 days, ``--calls`` times each after one untimed call each, and
times every ``perfdash.store`` function it calls and every SQL statement it sends.  Prints ONE
JSON object: per view, the callback's median and range (ms), statements per call, and per
store function its calls and mean ms per view (the reads' own time, nested reads included).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import sqlalchemy as sa  # noqa: E402
from auth_helpers import VIEW_CALLBACK, callback_body, view_values  # noqa: E402

from perfdash import create_app, store  # noqa: E402
from perfdash.config import Settings  # noqa: E402
from perfdash.ui.pages.dashboard.state import default_metric  # noqa: E402

CHANGES = {"first": None, "period_90d": "90d", "period_7d": "7d"}


def _timed(times: dict[str, list[float]]) -> None:
    """Wrap every public store function so each call's time lands in ``times``."""
    for name in store.__all__:
        fn = getattr(store, name)
        if not callable(fn) or isinstance(fn, type):
            continue

        def timed(*args, __fn=fn, __name=name, **kwargs):
            start = time.perf_counter()
            try:
                return __fn(*args, **kwargs)
            finally:
                times[__name].append((time.perf_counter() - start) * 1000)

        setattr(store, name, functools.wraps(fn)(timed))


def measure(url: str, release: int, calls: int, tz: str) -> dict[str, Any]:
    engine = store.make_engine(url)
    app = create_app(Settings(database_url=url, tz=tz), engine=engine)
    client = app.server.test_client()
    metric = default_metric(store.list_metric_types(engine, [release]))
    query = f"?release={release}&period=28d" + (f"&metric={metric}" if metric else "")
    statements = [0]

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        statements[0] += 1

    def body(period: str | None) -> dict:
        if period is None:  # the page's first call: nothing changed yet
            found = callback_body(app, VIEW_CALLBACK, view_values(query))
            found["changedPropIds"] = []
            return found
        values = view_values(query, {"dash-period.value": period})
        return callback_body(app, VIEW_CALLBACK, values, changed=["dash-period.value"])

    def post(period: str | None) -> float:
        start = time.perf_counter()
        response = client.post("/_dash-update-component", json=body(period))
        if response.status_code != 200:
            raise RuntimeError(response.get_data(as_text=True)[:300])
        return (time.perf_counter() - start) * 1000

    times: dict[str, list[float]] = defaultdict(list)
    for period in CHANGES.values():
        post(period)  # each worker's first call builds and caches its statements
    _timed(times)
    out: dict[str, Any] = {"release": release, "metric": metric, "calls": calls}
    for label, period in CHANGES.items():
        times.clear()
        statements[0] = 0
        totals = [post(period) for _ in range(calls)]
        out[label] = {
            "callback_ms_median": round(statistics.median(totals), 1),
            "callback_ms_range": [round(min(totals), 1), round(max(totals), 1)],
            "statements_per_call": statements[0] / calls,
            "reads": {
                name: {"calls": len(ms) // calls, "ms": round(sum(ms) / calls, 1)}
                for name, ms in sorted(times.items(), key=lambda kv: -sum(kv[1]))
            },
        }
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--release", type=int, required=True, help="the release's pk")
    parser.add_argument("--calls", type=int, default=7, help="timed calls per view")
    parser.add_argument("--tz", default="Europe/Berlin", help="PERFDASH_TZ (a rollup zone)")
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    print(json.dumps(measure(args.database_url, args.release, args.calls, args.tz), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
