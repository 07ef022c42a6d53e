"""perfdash page benchmark: what a person waits for in the browser, against Dash's own floor.

    python benchmarks/page.py [--rows N] [--database-url URL] [--reuse-database NAME] [--keep]
                              [--loads 5] [--interactions 4] [--workers 2]

Loads a catalog of ``--rows`` readings into a scratch PostgreSQL database (benchmarks/run.py's
``--load-only`` path; ``--reuse-database`` measures a database an earlier ``--keep`` run
loaded), serves perfdash and the floor app (benchmarks/floor_app.py: one Plotly chart) under
gunicorn side by side, and opens each in headless Chromium ``--loads`` times, cold, alternating
the two so the machine's noise falls on both.  Prints ONE JSON object on stdout (progress on
stderr): the figures, the raw samples, the machine and the commit.

Per cold load (benchmarks/browser_probe.py): bytes over the wire until the view is complete,
the first chart's first trace, the callback requests until every chart drew and the callbacks
went quiet, the script and layout time Chromium counted by then and the elements on the page, then ``--interactions`` period changes timed until every chart of the view redrew
(the floor: a radio redraws its chart).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from benchmarks import browser_probe, catalog, serve  # noqa: E402
from benchmarks import run as bench  # noqa: E402
from perfdash import store  # noqa: E402
from perfdash.migrations import upgrade  # noqa: E402

WARM_UP = 2  # loads per app before timing: each worker imports, renders and compresses once
PERFDASH_CHARTS = ["dash-series", "dash-bars", "dash-share"]
FLOOR_CHARTS = ["chart"]
PERIODS = ["90 days", "7 days", "12 months", "28 days"]  # labels on both pages
log, pct, ratio = bench.log, bench.pct, bench.ratio


def database(args: argparse.Namespace) -> tuple[str, str, dict[str, Any]]:
    """(name, url, what loading it reported): a fresh catalog, or the one asked to reuse."""
    if args.reuse_database:
        url = bench.url_for(args.database_url, args.reuse_database)
        engine = store.make_engine(url, statement_timeout_ms=0)
        upgrade(engine)
        store.set_rollup_zones(engine, [bench.TZ])
        engine.dispose()
        return args.reuse_database, url, {"reused_database": True}
    loaded = bench.run(args.rows, args.database_url, True, 0, 0, load_only=True)
    return loaded["database"], bench.url_for(args.database_url, loaded["database"]), loaded


def heavy_release(url: str, rows: int) -> tuple[int, int]:
    """The catalog's first heavy release (hourly readings): the view with the most to read."""
    plan = catalog.plan(rows)
    engine = store.make_engine(url, statement_timeout_ms=0)
    try:
        key = plan.release_key(plan.heavy[0])
        pk = store.release_ids_for_keys(engine, [key])[key]
        with engine.connect() as conn:
            count = conn.execute(
                sa.text("SELECT count(*) FROM content_performance WHERE release_id = :r"),
                {"r": pk},
            ).scalar_one()
        return pk, int(count)
    finally:
        engine.dispose()


def measure(args: argparse.Namespace, url: str, release: int) -> dict[str, list]:
    env = {
        "DATABASE_URL": url,
        "PERFDASH_AUTH": "off",
        "PERFDASH_SECRET_KEY": secrets.token_hex(16),
        "PERFDASH_TZ": bench.TZ,
    }
    clicks = [PERIODS[i % len(PERIODS)] for i in range(args.interactions)]
    samples: dict[str, list] = {"perfdash": [], "floor": []}
    with (
        serve.gunicorn("app:server", env, workers=args.workers, ready_path="/healthz") as app,
        serve.gunicorn("benchmarks.floor_app:server", env, workers=args.workers) as floor,
    ):
        paths = {
            "perfdash": (
                f"{app}/dashboard?release={release}&period=28d",
                PERFDASH_CHARTS,
                [("dash-period", c) for c in clicks],
            ),
            "floor": (f"{floor}/", FLOOR_CHARTS, [("period", c) for c in clicks]),
        }
        for i in range(WARM_UP + args.loads):
            for name, (page, charts, actions) in paths.items():
                load = browser_probe.cold_load(page, charts, actions)
                if i >= WARM_UP:
                    samples[name].append(load)
            if i >= WARM_UP:
                p, f = samples["perfdash"][-1], samples["floor"][-1]
                log(
                    f"load {i - WARM_UP + 1}/{args.loads}: first chart {p.first_chart_ms:.0f} ms "
                    f"(floor {f.first_chart_ms:.0f}), {p.transfer_bytes:,} B "
                    f"(floor {f.transfer_bytes:,}), {p.callback_requests} callbacks"
                )
    return samples


def figures(samples: dict[str, list]) -> dict[str, Any]:
    p, f = samples["perfdash"], samples["floor"]

    def col(loads, name):
        return [getattr(x, name) for x in loads]

    def clicks(loads):
        return [ms for x in loads for ms in x.interactions_ms]

    out: dict[str, Any] = {
        "page_transfer_bytes": pct(col(p, "transfer_bytes"), 50),
        "page_bytes_uncompressed": pct(col(p, "decoded_bytes"), 50),
        "floor_page_bytes_uncompressed": pct(col(f, "decoded_bytes"), 50),
        "floor_page_transfer_bytes": pct(col(f, "transfer_bytes"), 50),
        "first_chart_ms_p50": pct(col(p, "first_chart_ms"), 50),
        "floor_first_chart_ms_p50": pct(col(f, "first_chart_ms"), 50),
        "view_complete_ms_p50": pct(col(p, "view_complete_ms"), 50),
        "floor_view_complete_ms_p50": pct(col(f, "view_complete_ms"), 50),
        "interaction_ms_p50": pct(clicks(p), 50),
        "interaction_ms_p95": pct(clicks(p), 95),
        "floor_interaction_ms_p50": pct(clicks(f), 50),
        "floor_interaction_ms_p95": pct(clicks(f), 95),
        "view_callback_requests": max(col(p, "callback_requests")),
        "floor_view_callback_requests": max(col(f, "callback_requests")),
        "page_requests": max(col(p, "requests")),
        "dash_table_requests": sum(col(p, "dash_table_requests")),
        "dom_elements": pct(col(p, "dom_elements"), 50),
        "floor_dom_elements": pct(col(f, "dom_elements"), 50),
        "script_ms_p50": pct(col(p, "script_ms"), 50),
        "floor_script_ms_p50": pct(col(f, "script_ms"), 50),
        "layout_ms_p50": pct(col(p, "layout_ms"), 50),
        "floor_layout_ms_p50": pct(col(f, "layout_ms"), 50),
        "charts_drawn": min(col(p, "charts_drawn")),
        "floor_charts_drawn": min(col(f, "charts_drawn")),
        "loads": len(p),
        "floor_loads": len(f),
        "interactions": len(clicks(p)),
        "floor_interactions": len(clicks(f)),
    }
    out["transfer_vs_floor_uncompressed"] = ratio(
        out["page_transfer_bytes"], out["floor_page_bytes_uncompressed"]
    )
    out["first_chart_vs_floor"] = ratio(out["first_chart_ms_p50"], out["floor_first_chart_ms_p50"])
    out["interaction_vs_floor_p95"] = ratio(
        out["interaction_ms_p95"], out["floor_interaction_ms_p95"]
    )
    out["samples"] = {
        name: {
            "first_chart_ms": col(loads, "first_chart_ms"),
            "view_complete_ms": col(loads, "view_complete_ms"),
            "interaction_ms": clicks(loads),
            "transfer_bytes": col(loads, "transfer_bytes"),
            "callback_requests": col(loads, "callback_requests"),
            "dom_elements": col(loads, "dom_elements"),
            "script_ms": col(loads, "script_ms"),
        }
        for name, loads in samples.items()
    }
    return out


def commit() -> dict[str, Any]:
    def git(*a: str) -> str:
        return subprocess.run(
            ["git", *a], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {"id": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def machine(url: str) -> dict[str, Any]:
    engine = store.make_engine(url)
    try:
        with engine.connect() as conn:
            server = conn.execute(sa.text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": server,
        "chromium": browser_probe.browser_version(),
        "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", default=os.environ.get("PERFDASH_BENCH_URL", bench.DEFAULT_URL)
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse-database",
        metavar="NAME",
        help="measure on a database an earlier --keep run loaded (same --rows)",
    )
    parser.add_argument("--loads", type=int, default=5, help="cold loads of each page")
    parser.add_argument("--interactions", type=int, default=4, help="period changes per load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each app")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        parser.error("the benchmark needs PostgreSQL (postgresql+psycopg://...)")
    if args.loads < 1 or args.interactions < 1:
        parser.error("--loads and --interactions must be at least 1")
    name, url, loaded = database(args)
    out: dict[str, Any] = {"rows": args.rows, "database": name, "workers": args.workers}
    out.update({k: v for k, v in loaded.items() if k not in ("rows", "database")})
    try:
        release, release_rows = heavy_release(url, args.rows)
        out.update(release=release, release_rows=release_rows)
        log(f"release {release} ({release_rows:,} readings); {args.loads} cold loads each")
        out.update(figures(measure(args, url, release)))
        out["machine"] = machine(url)
        out["commit"] = commit()
    finally:
        if args.keep or args.reuse_database:
            log(f"kept database {name}")
        else:
            bench.drop_scratch(args.database_url, name)
            log(f"dropped {name}")
    print(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
