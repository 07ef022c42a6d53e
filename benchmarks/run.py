"""perfdash benchmark: ingest and dashboard speed against the original module's patterns.

    python benchmarks/run.py [--rows N] [--database-url URL] [--keep] [--import-only]
    python benchmarks/run.py --distrokid [--rows N] [--rounds R]   (a DistroKid statement)

Creates a scratch PostgreSQL database ``perfdash_bench_<random>`` on the server of URL,
migrates it, generates a catalog (benchmarks/catalog.py) as CSV, measures every path in the
same run and prints ONE JSON object on stdout (progress goes to stderr).  The database is
dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from benchmarks import catalog, importer, views  # noqa: E402
from perfdash import metrics, store  # noqa: E402
from perfdash.migrations import upgrade  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
TZ = "Europe/Berlin"
_T0 = time.time()


def log(msg: str) -> None:
    print(f"[{time.time() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[k], 2)


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def url_for(admin_url: str, dbname: str) -> str:
    return sa.engine.make_url(admin_url).set(database=dbname).render_as_string(hide_password=False)


def psycopg_conninfo(url: str) -> str:
    return (
        sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


# --------------------------------------------------------------------------- database set-up


def create_scratch(admin_url: str) -> tuple[str, str]:
    name = f"perfdash_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, url_for(admin_url, name)


def drop_scratch(admin_url: str, name: str) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def create_releases(engine: sa.Engine, plan: catalog.Plan) -> dict[str, int]:
    for i in range(plan.releases):
        store.create_release(
            engine,
            plan.release_key(i),
            title=f"Track {i}",
            artist_name=f"Artist {i % 97}",
            distribution_status="distributed",
        )
    store.create_release(engine, "bench-naive", title="Naive inserts")
    return store.release_ids_for_keys(
        engine, [plan.release_key(i) for i in range(plan.releases)] + ["bench-naive"]
    )


def count_rows(engine: sa.Engine, where: str = "") -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.text(f"SELECT count(*) FROM content_performance {where}")  # noqa: S608
        ).scalar_one()


def vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) content_performance")
        conn.execute("VACUUM (ANALYZE) performance_daily")


# --------------------------------------------------------------------------- writes


def _copy_file(cur: Any, path: Path) -> int:
    """COPY the benchmark's copy.csv into content_performance in 1 MB blocks; rows written."""
    cols = ", ".join(catalog.COPY_COLUMNS)
    with cur.copy(f"COPY content_performance ({cols}) FROM STDIN (FORMAT csv)") as copy:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                copy.write(block)
    return cur.rowcount


def server_cpu_s(conn: Any) -> float | None:
    """CPU seconds (user + system) the server process of psycopg connection ``conn`` has used.

    Unlike the wall time, it hardly moves with what else the machine runs, so on a shared
    machine it tells what a write path costs the server.  None when the server is not a
    process of this machine (a remote database, another PID namespace).
    """
    pid = conn.info.backend_pid
    try:
        if b"postgres" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return None
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_used(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 2)


def raw_copy(url: str, path: Path) -> tuple[float, int, float | None]:
    """Raw psycopg COPY of copy.csv into content_performance: the ingest limit.  Returns the
    seconds, the rows and the server's CPU seconds (``server_cpu_s``), commit included."""
    import psycopg

    with psycopg.connect(psycopg_conninfo(url)) as conn:
        cpu = server_cpu_s(conn)
        t = time.perf_counter()
        with conn.cursor() as cur:
            rows = _copy_file(cur, path)
        conn.commit()
        return time.perf_counter() - t, rows, _cpu_used(cpu, server_cpu_s(conn))


def copy_without_rollup(url: str, path: Path) -> tuple[float, int, float | None]:
    """``raw_copy`` with the rollup's insert trigger disabled, rolled back: what COPY costs
    with the indexes alone, so the rollup's share of every write is measured in the same run.

    The trigger is disabled inside the transaction (ALTER TABLE locks the table until the
    rollback), so no other session ever writes without it and nothing stale is left behind.
    The time leaves out one commit (a WAL flush), which ``raw_copy`` pays.
    """
    import psycopg

    with psycopg.connect(psycopg_conninfo(url)) as conn:
        with conn.cursor() as cur:
            cur.execute("ALTER TABLE content_performance DISABLE TRIGGER perfdash_rollup_insert")
            cpu = server_cpu_s(conn)
            t = time.perf_counter()
            rows = _copy_file(cur, path)
            seconds = time.perf_counter() - t
            cpu = _cpu_used(cpu, server_cpu_s(conn))
        conn.rollback()
    return seconds, rows, cpu


def truncate(url: str) -> None:
    import psycopg

    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        conn.execute("TRUNCATE content_performance RESTART IDENTITY")
        conn.execute("CHECKPOINT")


def child_import(url: str, path: Path) -> dict[str, Any]:
    """Run perfdash's import in a subprocess; its peak RSS is the child's maxrss."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child-import", url, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"import failed: {proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["peak_rss_mb"] = round(after / 1024, 1)
    out["children_maxrss_grew"] = after > before
    return out


def naive_inserts(url: str, release_id: int, plan: catalog.Plan) -> tuple[float, int]:
    """One INSERT ... RETURNING id and one commit per row, as the original module did."""
    import psycopg

    sample = catalog.naive_sample(plan)
    rows = list(sample.itertuples(index=False, name=None))
    written = 0
    with psycopg.connect(psycopg_conninfo(url)) as conn:
        t = time.perf_counter()
        for platform_, metric, value, at in rows:
            cur = conn.execute(
                "INSERT INTO content_performance (release_id, platform, metric_type, "
                "metric_value, recorded_at, source_url, notes) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "RETURNING id",
                (release_id, platform_, metric, int(value), at.to_pydatetime(), None, None),
            )
            if cur.fetchone():
                written += 1
            conn.commit()
        elapsed = time.perf_counter() - t
        conn.execute("DELETE FROM content_performance WHERE release_id = %s", (release_id,))
        conn.commit()
    return elapsed, written


def measure_writes(
    engine: sa.Engine, url: str, copy_csv: Path, import_csv: Path, rounds: int = 1
) -> dict[str, Any]:
    """COPY without the rollup, COPY, then perfdash's import, ``rounds`` times in turn, each
    into the emptied table; the import's rows stay for the reads.

    Each figure is the median of its rounds and each ratio the median of the rounds' own
    ratios: on a shared machine the three paths of one round see about the same load, while
    the load moves a lot from one round to the next.
    """
    per: dict[str, list[float]] = {"without": [], "copy": [], "import": []}
    cpu: dict[str, list[float | None]] = {"without": [], "copy": []}
    out: dict[str, Any] = {}
    for n in range(rounds):
        if n:
            truncate(url)
        seconds, copied, used = copy_without_rollup(url, copy_csv)
        per["without"].append(copied / seconds)
        cpu["without"].append(used)
        out["copy_without_rollup_rows_written"] = copied
        out["rows_after_rolled_back_copy"] = count_rows(engine)
        log(f"raw COPY, rollup trigger off (rolled back): {copied / seconds:,.0f} rows/s")
        truncate(url)  # its dead rows and WAL are not the next COPY's cost

        seconds, copied, used = raw_copy(url, copy_csv)
        per["copy"].append(copied / seconds)
        cpu["copy"].append(used)
        out["copy_rows_written"] = count_rows(engine)
        log(f"raw COPY: {copied:,} rows, {copied / seconds:,.0f} rows/s")
        truncate(url)

        result = child_import(url, import_csv)
        per["import"].append(result["written"] / result["seconds"])
        out["import_path"] = result["import_path"]
        out["import_rows_written"] = count_rows(engine)
        out["import_rows_reported"] = result["written"]
        out["csv_import_peak_rss_mb"] = result["peak_rss_mb"]
        out["csv_import_self_maxrss_mb"] = result["self_maxrss_mb"]
        log(f"import: {per['import'][-1]:,.0f} rows/s via {out['import_path']}")
    for key, name in (("without", "copy_without_rollup"), ("copy", "copy"), ("import", "import")):
        out[f"{name}_rows_per_s"] = round(statistics.median(per[key]))
        if rounds > 1:
            out[f"{name}_rows_per_s_rounds"] = [round(x) for x in per[key]]
    if None not in cpu["without"] + cpu["copy"]:
        # the same ratio by the server's CPU: what the rollup's trigger costs, whatever the load
        for key, name in (("without", "copy_without_rollup"), ("copy", "copy")):
            out[f"{name}_server_cpu_s"] = statistics.median(cpu[key])
        ratios = [ratio(w, c) for w, c in zip(cpu["without"], cpu["copy"], strict=True)]
        ratios = [r for r in ratios if r is not None]  # a tiny run may spend under one tick
        out["copy_vs_copy_without_rollup_server_cpu"] = (
            statistics.median(ratios) if ratios else None
        )
        if rounds > 1:
            out["copy_server_cpu_s_rounds"] = cpu["copy"]
            out["copy_without_rollup_server_cpu_s_rounds"] = cpu["without"]
    if rounds > 1:
        out["write_rounds"] = rounds
        out["import_vs_copy_rounds"] = [
            ratio(i, c) for i, c in zip(per["import"], per["copy"], strict=True)
        ]
        out["copy_vs_copy_without_rollup_rounds"] = [
            ratio(c, w) for c, w in zip(per["copy"], per["without"], strict=True)
        ]
    return out


# --------------------------------------------------------------------------- reads


def leaderboard_fn():
    """The dashboard's leaderboard query, once the dashboard helper has added it."""
    for name in ("leaderboard", "catalog_leaderboard", "release_leaderboard"):
        fn = getattr(store, name, None)
        if callable(fn):
            return name, fn
    return None


HEAVY_REPEATS = 5


def measure_views(
    engine: sa.Engine,
    sample: list[int],
    heavy: set[int],
    counts: dict[int, int],
    heavy_repeats: int = HEAVY_REPEATS,
) -> dict[str, Any]:
    """Each release of ``sample`` once: the fast view, its figures, the naive view, in turn.

    The heavy releases (4 at 1M rows, 10 at 10M) go round ``heavy_repeats`` times, both
    paths alike: with ten samples a p95 is just the slowest one.  The repeats count only in
    the ``heavy_*`` figures.
    """
    period = metrics.period_for("90d", TZ, now=catalog.NOW)
    fast_ms, naive_ms, fig_ms, px_ms = [], [], [], []
    fast_heavy, naive_heavy = [], []
    fast_read = naive_read = 0
    mismatches = 0
    views.release_view(engine, sample[0], period, TZ)  # warm the pool and caches once
    repeats = [rid for rid in sample if rid in heavy] * max(0, heavy_repeats - 1)
    for n, rid in enumerate(sample + repeats):
        first_pass = n < len(sample)
        t = time.perf_counter()
        view = views.release_view(engine, rid, period, TZ)
        fast = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        views.build_figures(view, TZ)
        fig = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        views.px_build_figures(view, TZ)
        px_fig = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        naive = views.naive_release_view(engine, rid, period, TZ)
        slow = (time.perf_counter() - t) * 1000
        if rid in heavy:
            fast_heavy.append(fast)
            naive_heavy.append(slow)
        if not first_pass:
            continue
        fig_ms.append(fig)
        px_ms.append(px_fig)
        fast_ms.append(fast)
        naive_ms.append(slow)
        fast_read += view.rows_read
        naive_read += naive.rows_read
        if not all(
            views.frames_equal(getattr(view, f), getattr(naive, f))
            for f in ("series", "baseline", "current", "previous", "kpis", "bars")
        ):
            mismatches += 1
    return {
        "release_view_ms_p50": pct(fast_ms, 50),
        "release_view_ms_p95": pct(fast_ms, 95),
        "naive_release_ms_p50": pct(naive_ms, 50),
        "naive_release_ms_p95": pct(naive_ms, 95),
        "figures_ms_p50": pct(fig_ms, 50),
        "figures_ms_p95": pct(fig_ms, 95),
        "px_figures_ms_p50": pct(px_ms, 50),
        "px_figures_ms_p95": pct(px_ms, 95),
        "figures_vs_px_p95": round(pct(fig_ms, 95) / pct(px_ms, 95), 3) if px_ms else None,
        "heavy_release_view_ms_p50": pct(fast_heavy, 50),
        "heavy_release_view_ms_p95": pct(fast_heavy, 95),
        "heavy_naive_release_ms_p50": pct(naive_heavy, 50),
        "heavy_naive_release_ms_p95": pct(naive_heavy, 95),
        "release_view_releases": len(sample),
        "release_view_heavy_releases": len(heavy & set(sample)),
        "release_view_heavy_samples": len(fast_heavy),
        "release_view_rows_in_releases": sum(counts[r] for r in sample),
        "release_view_aggregate_rows_read": fast_read,
        "naive_release_rows_read": naive_read,
        "release_view_kpi_mismatches": mismatches,
        "release_view_path": "store.release_series + store.totals_before + "
        "metrics.totals_and_gains (90 days, day buckets) + store.period_gains (this and the "
        "previous 90 days: KPIs and per-platform bars)",
    }


def measure_leaderboard(engine: sa.Engine) -> dict[str, Any]:
    found = leaderboard_fn()
    if found is None:
        return {
            "leaderboard_ms_p50": None,
            "leaderboard_ms_p95": None,
            "leaderboard_reason": "no leaderboard query in perfdash.store yet",
        }
    name, fn = found
    period = metrics.period_for("28d", TZ, now=catalog.NOW)
    start = period.end - timedelta(days=30)
    times: list[float] = []
    rows = 0
    for _ in range(30):
        t = time.perf_counter()
        result = _call_leaderboard(fn, engine, start, period.end)
        times.append((time.perf_counter() - t) * 1000)
        rows = len(result)
    return {
        "leaderboard_ms_p50": pct(times, 50),
        "leaderboard_ms_p95": pct(times, 95),
        "leaderboard_rows": rows,
        "leaderboard_path": f"store.{name}",
    }


def _call_leaderboard(fn, engine, start, end):
    import inspect

    params = inspect.signature(fn).parameters
    kwargs: dict[str, Any] = {}
    if "start" in params:
        kwargs["start"] = start
    if "end" in params:
        kwargs["end"] = end
    if "metric_type" in params:
        kwargs["metric_type"] = "views"
    if "tz" in params:
        kwargs["tz"] = TZ
    return fn(engine, **kwargs)


# --------------------------------------------------------------------------- main


def run(
    rows: int,
    admin_url: str,
    keep: bool,
    samples: int,
    requests: int,
    reuse: str | None = None,
    load_only: bool = False,
    import_only: bool = False,
    rounds: int = 1,
) -> dict[str, Any]:
    plan = catalog.plan(rows)
    keep = keep or load_only
    if reuse:  # measure the reads again on a database an earlier --keep run loaded
        name, url = reuse, url_for(admin_url, reuse)
        keep = True
    else:
        name, url = create_scratch(admin_url)
    log(f"scratch database {name}")
    engine = store.make_engine(url, statement_timeout_ms=0)
    out: dict[str, Any] = {"rows": rows, "database": name}
    try:
        if reuse:
            upgrade(engine)
            store.set_rollup_zones(engine, [TZ])  # what `perfdash db upgrade` does
            ids = store.release_ids_for_keys(
                engine, [plan.release_key(i) for i in range(plan.releases)] + ["bench-naive"]
            )
            out["reused_database"] = True
            out["rows_in_database"] = count_rows(engine)
            return _reads(out, engine, url, plan, ids, samples, requests)
        upgrade(engine)
        store.set_rollup_zones(engine, [TZ])  # what `perfdash db upgrade` does
        ids = create_releases(engine, plan)
        log(f"{plan.releases} releases; {len(plan.heavy)} heavy x {plan.heavy_hours} hours")
        with tempfile.TemporaryDirectory(prefix="perfdash_bench_") as tmp:
            t = time.perf_counter()
            import_csv, copy_csv, generated = catalog.write_csvs(plan, Path(tmp), ids)
            log(f"generated {generated:,} rows in {time.perf_counter() - t:.1f}s")
            out["csv_rows"] = generated
            out["csv_mb"] = round(import_csv.stat().st_size / 2**20, 1)

            if load_only:
                seconds, copied, _ = raw_copy(url, copy_csv)
                out["copy_rows_written"] = count_rows(engine)
                out["copy_rows_per_s"] = round(copied / seconds)
                log(f"raw COPY: {copied:,} rows, {out['copy_rows_per_s']:,} rows/s")
                vacuum(url)
                return out
            out.update(measure_writes(engine, url, copy_csv, import_csv, rounds))
        if import_only:
            out["rollup_differences_after_import"] = store.rollup_differences(engine, TZ)
            out.update(write_ratios(out))
            out["machine"] = machine(engine)
            return out
        vacuum(url)

        seconds, written = naive_inserts(url, ids["bench-naive"], plan)
        out["naive_rows_written"] = written
        out["naive_rows_per_s"] = round(written / seconds)
        log(f"naive: {out['naive_rows_per_s']:,} rows/s")
        vacuum(url)
        return _reads(out, engine, url, plan, ids, samples, requests)
    finally:
        engine.dispose()
        if keep:
            log(f"kept database {name}: {url}")
        else:
            drop_scratch(admin_url, name)
            log(f"dropped {name}")


def _reads(
    out: dict[str, Any],
    engine: sa.Engine,
    url: str,
    plan: catalog.Plan,
    ids: dict[str, int],
    samples: int,
    requests: int,
) -> dict[str, Any]:
    """The read side: release views, leaderboard, gunicorn worker RSS, then the ratios."""
    heavy_ids = {ids[plan.release_key(i)] for i in plan.heavy}
    rng = random.Random(catalog.SEED)
    regular = [ids[plan.release_key(i)] for i in range(plan.releases) if i not in plan.heavy]
    sample = sorted(heavy_ids) + rng.sample(
        regular, max(0, min(samples, len(regular)) - len(heavy_ids))
    )
    counts = {ids[plan.release_key(i)]: plan.release_rows(i) for i in range(plan.releases)}
    log(f"release view over {len(sample)} releases")
    out.update(measure_views(engine, sample, heavy_ids, counts))
    out.update(measure_leaderboard(engine))

    log("gunicorn worker RSS")
    from benchmarks import gunicorn_probe

    probe = gunicorn_probe.probe(url, sample[:50], requests=requests)
    out.update(probe)

    if "import_rows_per_s" in out:
        out.update(write_ratios(out))
    out["naive_vs_release_view_p95"] = ratio(
        out["naive_release_ms_p95"], out["release_view_ms_p95"]
    )
    out["heavy_naive_vs_release_view_p95"] = ratio(
        out["heavy_naive_release_ms_p95"], out["heavy_release_view_ms_p95"]
    )
    out["machine"] = machine(engine)
    return out


def write_ratios(out: dict[str, Any]) -> dict[str, float | None]:
    """The write paths' ratios, each between two figures of the same run (the machine is too
    noisy for figures from different runs to be compared); with several rounds, the median of
    the rounds' own ratios."""
    ratios = {
        "import_vs_copy": statistics.median(out["import_vs_copy_rounds"])
        if "import_vs_copy_rounds" in out
        else ratio(out["import_rows_per_s"], out["copy_rows_per_s"]),
        "copy_vs_copy_without_rollup": statistics.median(out["copy_vs_copy_without_rollup_rounds"])
        if "copy_vs_copy_without_rollup_rounds" in out
        else ratio(out["copy_rows_per_s"], out["copy_without_rollup_rows_per_s"]),
    }
    if "naive_rows_per_s" in out:  # not measured by --import-only
        ratios["import_vs_naive"] = ratio(out["import_rows_per_s"], out["naive_rows_per_s"])
        # the ceiling of import_vs_naive with the rollup (copy_vs_naive) and without it
        ratios["copy_vs_naive"] = ratio(out["copy_rows_per_s"], out["naive_rows_per_s"])
        ratios["copy_without_rollup_vs_naive"] = ratio(
            out["copy_without_rollup_rows_per_s"], out["naive_rows_per_s"]
        )
    return ratios


def machine(engine: sa.Engine) -> dict[str, Any]:
    """Where the figures were measured."""
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "postgresql": _server_version(engine),
        "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def _server_version(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(sa.text("SHOW server_version")).scalar_one()


def run_distrokid(admin_url: str, lines: int, rounds: int) -> dict[str, Any]:
    """A DistroKid statement of ``lines`` lines: perfdash's import against raw COPY of the
    same readings, in a scratch database (benchmarks/distrokid.py)."""
    from benchmarks import distrokid

    name, url = create_scratch(admin_url)
    try:
        engine = store.make_engine(url, statement_timeout_ms=0)
        upgrade(engine)
        store.set_rollup_zones(engine, [TZ])
        engine.dispose()
        with tempfile.TemporaryDirectory(prefix="perfdash_dk_") as tmp:
            out = distrokid.measure(url, Path(tmp), lines, rounds, sys.modules[__name__])
        out["machine"] = machine(store.make_engine(url))
        return out
    finally:
        drop_scratch(admin_url, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("PERFDASH_BENCH_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--samples", type=int, default=200, help="releases in the view benchmark")
    parser.add_argument("--requests", type=int, default=200, help="dashboard requests to gunicorn")
    parser.add_argument(
        "--reuse-database",
        metavar="NAME",
        help="measure only the reads on a database an earlier --keep run loaded (same --rows)",
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="only create and COPY-load a database (kept) for later --reuse-database runs",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="measure only the writes (COPY without the rollup, COPY, import) and their ratios",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the writes this many times in turn (medians; the ratios of each round)",
    )
    parser.add_argument(
        "--distrokid",
        action="store_true",
        help="measure only a DistroKid statement of --rows lines: import vs raw COPY",
    )
    parser.add_argument("--child-import", nargs=2, metavar=("URL", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_import:
        url, path = args.child_import
        t = time.perf_counter()
        used, written = importer.run_import(url, Path(path))
        seconds = time.perf_counter() - t
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            json.dumps(
                {
                    "import_path": used,
                    "written": written,
                    "seconds": seconds,
                    "self_maxrss_mb": round(maxrss, 1),
                }
            )
        )
        return 0
    if args.import_only and (args.reuse_database or args.load_only):
        parser.error("--import-only measures the writes: not with --reuse-database or --load-only")
    url = args.database_url
    if not url.startswith("postgresql"):
        parser.error("the benchmark needs PostgreSQL (postgresql+psycopg://...)")
    if args.distrokid:
        print(json.dumps(run_distrokid(url, args.rows, max(1, args.rounds)), indent=2))
        return 0
    result = run(
        args.rows,
        url,
        args.keep,
        args.samples,
        args.requests,
        args.reuse_database,
        args.load_only,
        args.import_only,
        max(1, args.rounds),
    )
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
