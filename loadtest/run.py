"""Load test: gunicorn (4 workers) on PostgreSQL with the demo catalog, N users for T seconds.

    DATABASE_URL=postgresql+psycopg://... python loadtest/run.py --users 50 --duration 60
    python loadtest/run.py --admin-url postgresql+psycopg://root@127.0.0.1:5432/test \
        [--single 30] [--think 2 5] [--workers 4] [--worker-class gthread --threads 4]

With ``--admin-url`` a throw-away database is created (and dropped afterwards).  Only
127.0.0.1 is contacted.  Each simulated user signs in once (a viewer account; the app runs as
deployed, login required) and then loops over a mix of (pausing ``--think MIN MAX`` seconds
after each action as a person does; without it, users saturate the server)

* dashboard views   (what a browser with the bundles cached requests to show a release's
                     view: the page, its layout and dependencies, then every callback the
                     renderer fires, as ``loadtest/dash_client.py`` sends them: the router,
                     the controls, the KPIs, the charts, the records),
* API reads         (GET /api/v1/metrics?release_key=...),
* API writes        (POST /api/v1/metrics with an editor token, one new reading each).

It prints one JSON object: requests, errors (any non-2xx/3xx or transport error), p50/p95/max
latency in ms per kind and overall, dashboard views per second, and whether every accepted
write is in the database afterwards.  ``--single SECONDS`` first runs one user alone, so the
crowd's view p95 and views per second are set against one user's in the same run
(``crowd_vs_single_p95``, ``concurrency_speedup``).  Exit status 1 when there was an error or
a write went missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loadtest import dash_client  # noqa: E402
from perfdash import auth, demo, store  # noqa: E402

VIEWER, VIEWER_PASSWORD = "loadtest-viewer", "loadtest-password-" + "x7" * 4
MIX = (("dashboard", 0.4), ("api_read", 0.4), ("api_write", 0.2))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.written: list[dict] = []
        self.callbacks: list[float] = []  # each callback request of a dashboard view, ms
        self.view_requests: list[int] = []  # callback requests per dashboard view
        self.outputs: Counter[str] = Counter()  # how often each callback was requested

    def record(self, kind: str, started: float, ok: bool, detail: str = "") -> None:
        self.latency.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        if not ok:
            self.errors.append(f"{kind}: {detail}"[:300])

    def summary(self) -> dict:
        out = {}
        everything = []
        for kind, values in sorted(self.latency.items()):
            everything += values
            out[kind] = {
                "requests": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 95), 1),
                "max_ms": round(max(values), 1),
            }
        if self.callbacks:
            out["dashboard_callback"] = {
                "requests": len(self.callbacks),
                "p50_ms": round(statistics.median(self.callbacks), 1),
                "p95_ms": round(percentile(self.callbacks, 95), 1),
                "max_ms": round(max(self.callbacks), 1),
                "per_view": sorted(set(self.view_requests)),
                "outputs": dict(self.outputs),
            }
        out["all"] = {
            "requests": len(everything),
            "p50_ms": round(statistics.median(everything), 1) if everything else 0,
            "p95_ms": round(percentile(everything, 95), 1),
        }
        return out


async def user(
    n: int,
    base: str,
    token: str,
    keys: list[str],
    deadline: float,
    stats: Stats,
    run_id: str,
    think: tuple[float, float] = (0.0, 0.0),
) -> None:
    rng = random.Random(n)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get("/login")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        started = time.perf_counter()
        login = await client.post(
            "/login",
            data={"username": VIEWER, "password": VIEWER_PASSWORD, "csrf_token": csrf},
        )
        stats.record("login", started, login.status_code == 302, str(login.status_code))
        i = 0
        while i < len(MIX) or time.monotonic() < deadline:
            i += 1
            # every user does each kind once first, then follows the mix
            kind = MIX[i - 1][0] if i <= len(MIX) else rng.choices(*zip(*MIX, strict=True))[0]
            key = rng.choice(keys)
            started = time.perf_counter()
            try:
                if kind == "dashboard":
                    ok, detail = await dashboard_view(client, rng, stats)
                elif kind == "api_read":
                    r = await client.get(
                        "/api/v1/metrics",
                        params={"release_key": key, "limit": 100},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    ok, detail = r.status_code == 200, f"{r.status_code} {r.text[:200]}"
                else:
                    when = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=n * 10**6 + i)
                    record = {
                        "release_key": key,
                        "platform": "LoadTest",
                        "metric_type": "views",
                        "metric_value": rng.randrange(10**9),
                        "recorded_at": when.isoformat(),
                        "notes": f"{run_id}-{n}-{i}",
                    }
                    r = await client.post(
                        "/api/v1/metrics",
                        json=[record],
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    ok = r.status_code in (200, 201) and r.json().get("written") == 1
                    detail = f"{r.status_code} {r.text[:200]}"
                    if ok:
                        stats.written.append(record)
            except httpx.HTTPError as exc:
                ok, detail = False, repr(exc)
            stats.record(kind, started, ok, detail)
            if think[1] > 0 and time.monotonic() < deadline:  # a person reads the page
                await asyncio.sleep(min(rng.uniform(*think), max(0, deadline - time.monotonic())))


def failed(answer: httpx.Response) -> str | None:
    """A callback answer that a person would see as an error (the banner's texts)."""
    if "unavailable" in answer.text or "went wrong" in answer.text:
        return answer.text[:200]
    return None


async def dashboard_view(client: httpx.AsyncClient, rng, stats: Stats) -> tuple[bool, str]:
    """Every request a browser makes to show one release's view (bundles cached)."""
    release = rng.randint(1, 30)
    view = await dash_client.show(client, f"/dashboard?release={release}", check=failed)
    stats.callbacks.extend(view.callback_ms)
    stats.view_requests.append(len(view.requests))
    stats.outputs.update(view.requests)
    return not view.failures, "; ".join(view.failures)[:300]


def start_gunicorn(
    database_url: str,
    workers: int,
    port: int,
    secret: str,
    log: Path,
    worker_class: str = "sync",
    threads: int = 1,
):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PERFDASH_SECRET_KEY": secret,
        "PORT": str(port),
    }
    env.pop("PERFDASH_AUTH", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "app:server",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def phase(
    users: int,
    duration: float,
    base: str,
    token: str,
    keys: list[str],
    run_id: str,
    think: tuple[float, float],
    first: int = 0,
) -> tuple[Stats, float]:
    """``users`` users for ``duration`` seconds; their stats and the seconds it took.  Users
    are numbered from ``first``: a user's number sets its writes' times, which must not meet
    another phase's."""
    stats = Stats()
    deadline = time.monotonic() + duration
    started = time.monotonic()

    async def everyone():
        await asyncio.gather(
            *(
                user(n, base, token, keys, deadline, stats, run_id, think)
                for n in range(first, first + users)
            )
        )

    asyncio.run(everyone())
    return stats, time.monotonic() - started


def figures(stats: Stats, elapsed: float) -> dict:
    """A phase's dashboard figures: view latency and views per second."""
    views = stats.latency.get("dashboard", [])
    return {
        "dashboard_view_ms_p50": round(statistics.median(views), 1) if views else None,
        "dashboard_view_ms_p95": round(percentile(views, 95), 1) if views else None,
        "views_per_s": round(len(views) / elapsed, 2) if elapsed else None,
    }


def crowd_vs_single(crowd: dict, single: dict) -> dict:
    """The crowd against one user alone in the same run."""

    def ratio(a, b):
        return round(a / b, 3) if a and b else None

    return {
        "dashboard_view_ms_p95_crowd": crowd["dashboard_view_ms_p95"],
        "dashboard_view_ms_p95_single": single["dashboard_view_ms_p95"],
        "crowd_vs_single_p95": ratio(
            crowd["dashboard_view_ms_p95"], single["dashboard_view_ms_p95"]
        ),
        "views_per_s_single": single["views_per_s"],
        "concurrency_speedup": ratio(crowd["views_per_s"], single["views_per_s"]),
    }


def prepare(database_url: str) -> tuple[str, list[str]]:
    engine = store.make_engine(database_url)
    try:
        store.apply_schema(engine)
        if store.get_release_by_key(engine, "demo-001") is None:
            demo.load(engine)
        if store.get_user(engine, VIEWER) is None:
            auth.add_user(engine, VIEWER, VIEWER_PASSWORD, "viewer")
        token = auth.create_token(engine, f"loadtest-{uuid.uuid4().hex[:8]}", "editor")
        keys = [f"demo-{i:03d}" for i in range(1, 31)]
    finally:
        engine.dispose()
    return token, keys


def verify_writes(database_url: str, run_id: str, written: list[dict]) -> dict:
    engine = store.make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("select notes, metric_value from content_performance where notes like :p"),
                {"p": f"{run_id}-%"},
            ).all()
    finally:
        engine.dispose()
    stored = {notes: value for notes, value in rows}
    missing = [w["notes"] for w in written if stored.get(w["notes"]) != w["metric_value"]]
    return {"accepted": len(written), "in_database": len(stored), "missing": len(missing)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--admin-url", help="create a throw-away database on this server")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="per worker (gthread)")
    parser.add_argument(
        "--think",
        nargs=2,
        type=float,
        default=(0.0, 0.0),
        metavar=("MIN", "MAX"),
        help="seconds each user pauses after an action, drawn between MIN and MAX",
    )
    parser.add_argument(
        "--single",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first measure one user alone for SECONDS (the baseline of the crowd's figures)",
    )
    args = parser.parse_args(argv)

    created = None
    if args.admin_url:
        admin = sa.create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
        created = f"perfdash_load_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{created}"'))
        database_url = (
            sa.engine.make_url(args.admin_url)
            .set(database=created)
            .render_as_string(hide_password=False)
        )
    elif args.database_url and args.database_url.startswith("postgresql"):
        database_url = args.database_url
    else:
        parser.error("give --database-url postgresql+psycopg://... or --admin-url")

    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"perfdash-loadtest-{os.getpid()}.log"
    server = None
    try:
        token, keys = prepare(database_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(
            database_url,
            args.workers,
            port,
            secrets.token_urlsafe(32),
            log,
            args.worker_class,
            args.threads,
        )
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                print(log.read_text()[-3000:], file=sys.stderr)
                return 2
            time.sleep(0.2)
        run_id = f"loadtest-{uuid.uuid4().hex[:8]}"
        think = (args.think[0], args.think[1])
        result: dict = {}
        single = None
        if args.single > 0:
            single, single_s = phase(
                1, args.single, base, token, keys, run_id + "-single", think, first=args.users
            )
            result["single"] = figures(single, single_s)
        stats, elapsed = phase(args.users, args.duration, base, token, keys, run_id, think)
        written = stats.written + (single.written if single else [])
        writes = verify_writes(database_url, run_id, written)
        result = {
            "users": args.users,
            "duration_s": round(elapsed, 1),
            "gunicorn_workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "think_s": list(think),
            "requests": sum(len(v) for v in stats.latency.values()),
            "errors": len(stats.errors) + (len(single.errors) if single else 0),
            "error_samples": (stats.errors + (single.errors if single else []))[:5],
            **figures(stats, elapsed),
            **result,
            "latency": stats.summary(),
            "writes": writes,
        }
        if single is not None:
            result.update(crowd_vs_single(result, result["single"]))
        print(json.dumps(result, indent=2))
        return 0 if not result["errors"] and writes["missing"] == 0 else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if created:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
