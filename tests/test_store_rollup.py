"""The daily rollup (performance_daily) on PostgreSQL: the triggers keep it equal to a fresh
count of the readings after every kind of write, concurrent writers included, and reads from
it equal reads from the readings for every bucket, zone and period shape.

``store.rollup_differences`` compares the stored rollup with one counted from scratch; the
read tests compare the two read paths by switching the rollup zones off and on.
"""

from __future__ import annotations

import random
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import views  # noqa: E402
from perfdash import csvio, metrics, store  # noqa: E402

BERLIN = "Europe/Berlin"
ZONES = sorted(["UTC", BERLIN])
T0 = datetime(2026, 3, 20, tzinfo=UTC)  # the days around Berlin's switch to summer time


@pytest.fixture
def pg(pg_url):
    eng = store.make_engine(pg_url)
    assert store.set_rollup_zones(eng, ZONES) == [BERLIN]  # UTC came with the migration
    yield eng
    eng.dispose()


def exact(eng) -> None:
    for zone in store.rollup_zones(eng):
        assert store.rollup_differences(eng, zone) == 0, zone


def rollup_rows(eng) -> int:
    with eng.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM performance_daily")).scalar_one()


def readings(release: int, n: int, seed: int, *, hourly: bool = True) -> list[dict]:
    """Totals that mostly grow with an occasional drop, on platforms spelled in mixed case,
    and a per-day count series."""
    rng = random.Random(seed)
    out, value = [], 1000
    for i in range(n):
        value = value - rng.randint(1, 50) if rng.random() < 0.1 else value + rng.randint(0, 80)
        step = timedelta(hours=i, minutes=rng.randint(0, 59)) if hourly else timedelta(days=i)
        at = T0 + step
        out.append(
            dict(
                release_id=release,
                platform=rng.choice(["YouTube", "youtube", "YOUTUBE", "Spotify"]),
                metric_type="views",
                metric_value=value,
                recorded_at=at,
                value_kind="total",
                source="api",
            )
        )
        if i % 5 == 0:
            out.append(
                dict(
                    release_id=release,
                    platform="Spotify",
                    metric_type="streams_daily",
                    metric_value=rng.randint(0, 500),
                    recorded_at=at,
                    value_kind="period",
                    source="csv",
                )
            )
    return out


def test_zones_are_counted_switched_and_checked(pg):
    rid = store.create_release(pg, "r")
    store.insert_metrics(pg, readings(rid, 200, 1))
    assert store.rollup_zones(pg) == ZONES
    exact(pg)
    assert store.set_rollup_zones(pg, [BERLIN]) == []  # UTC dropped, Berlin kept
    assert store.rollup_zones(pg) == [BERLIN]
    with pg.connect() as conn:
        zones = conn.execute(sa.text("SELECT DISTINCT tz FROM performance_daily")).scalars()
        assert list(zones) == [BERLIN]
    with pytest.raises(Exception, match="Nowhere"):
        store.set_rollup_zones(pg, ["Mars/Nowhere"])
    assert store.rollup_zones(pg) == [BERLIN]


def test_bulk_insert_single_writes_and_duplicates_keep_it_exact(pg):
    rid = store.create_release(pg, "r")
    rows = readings(rid, 300, 2)
    result = store.insert_metrics(pg, rows)  # the COPY path
    exact(pg)
    again = store.insert_metrics(pg, rows[:50])  # re-import: nothing new, nothing counted twice
    assert again.written == 0
    exact(pg)
    for row in readings(rid, 20, 3, hourly=False):  # one statement per reading, older days too
        row["recorded_at"] -= timedelta(days=30)
        store.add_performance_metric(**row, engine=pg)
    exact(pg)
    with pg.connect() as conn:
        n = conn.execute(sa.text("SELECT sum(n_rows) FROM performance_daily WHERE tz='UTC'"))
        assert n.scalar_one() == result.written + 24  # 20 totals, 4 per-day counts


def test_out_of_order_readings_move_first_last_and_drops(pg):
    rid = store.create_release(pg, "r")
    day = T0 + timedelta(days=1)

    def add(value: int, minutes: int) -> None:
        store.add_performance_metric(
            rid, "youtube", "views", value, recorded_at=day + timedelta(minutes=minutes), engine=pg
        )

    add(100, 60)
    add(300, 600)
    add(200, 300)  # between the two: no drop
    add(50, 900)  # a drop at the end
    add(400, 10)  # a new first reading, higher than the next: a drop at 01:00
    exact(pg)
    with pg.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT n_rows, first_value, last_value, drops, sum_value FROM performance_daily "
                "WHERE tz = 'UTC'"
            )
        ).one()
    assert tuple(row) == (5, 400, 50, 2, 1050)


def test_readings_at_the_same_moment_are_ordered_by_id(pg):
    """The original schema allows several readings at one moment (adopted 'legacy' rows): the
    day's first and last reading and its drops follow (time, id), in one statement and when a
    second one merges, as a fresh count orders them."""
    rid = store.create_release(pg, "r")
    day = T0 + timedelta(days=1)
    insert = sa.text(
        "INSERT INTO content_performance (release_id, platform, metric_type, metric_value, "
        "recorded_at, source) VALUES (:rid, 'YouTube', 'views', :v, :at, 'legacy') RETURNING id"
    )
    ten, nine = day + timedelta(hours=10), day + timedelta(hours=9)
    with pg.begin() as conn:  # one statement: 5 at 09:00, then 7, 3, 9 all at 10:00
        rows = conn.execute(
            sa.text(
                "INSERT INTO content_performance (release_id, platform, metric_type, "
                "metric_value, recorded_at, source) VALUES "
                "(:rid, 'YouTube', 'views', 7, :ten, 'legacy'), "
                "(:rid, 'YouTube', 'views', 3, :ten, 'legacy'), "
                "(:rid, 'YouTube', 'views', 9, :ten, 'legacy'), "
                "(:rid, 'YouTube', 'views', 5, :nine, 'legacy') RETURNING id, metric_value"
            ),
            {"rid": rid, "ten": ten, "nine": nine},
        ).all()
    ids = {value: id_ for id_, value in rows}
    exact(pg)

    def day_row() -> tuple:
        with pg.connect() as conn:
            return tuple(
                conn.execute(
                    sa.text(
                        "SELECT n_rows, sum_value, first_id, first_value, last_id, last_value, "
                        "drops FROM performance_daily WHERE tz = 'UTC'"
                    )
                ).one()
            )

    assert day_row() == (4, 24, ids[5], 5, ids[9], 9, 1)  # 5, 7, 3, 9: one drop (3 < 7)
    with pg.begin() as conn:  # a later statement at the same moment: after 9 by its id
        later = conn.execute(insert, {"rid": rid, "v": 8, "at": ten}).scalar_one()
    exact(pg)
    assert day_row() == (5, 32, ids[5], 5, later, 8, 2)  # ..., 9, 8: a second drop


def _views(rid: int, start: datetime, values: list[int]) -> list[dict]:
    return [
        dict(
            release_id=rid,
            platform="YouTube",
            metric_type="views",
            metric_value=v,
            recorded_at=start + timedelta(minutes=i),
            value_kind="total",
            source="csv",
        )
        for i, v in enumerate(values)
    ]


def _day_row(eng, day: datetime) -> tuple:
    with eng.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT n_rows, first_value, last_value, drops FROM performance_daily "
                "WHERE tz = 'UTC' AND day = :day"
            ),
            {"day": day.date()},
        ).one()
    return tuple(row)


def test_a_statement_merges_by_where_its_readings_fall_in_the_day(pg):
    """One statement per step (insert_metrics): a new day counted from the batch, a batch after
    and one before the stored readings (drops added at the seam), one interleaved (counted
    again), and one that brings a new day and extends a stored one."""
    rid = store.create_release(pg, "r")
    day = T0 + timedelta(days=1)
    at = lambda h: day + timedelta(hours=h)  # noqa: E731 - midday hours: same day in Berlin
    store.insert_metrics(pg, _views(rid, at(8), [10, 20, 15, 30, 25, 40, 50, 45, 60, 70]))
    exact(pg)
    assert _day_row(pg, day) == (10, 10, 70, 3)
    store.insert_metrics(pg, _views(rid, at(12), [65, 80, 75]))  # after: 65 < 70 at the seam
    exact(pg)
    assert _day_row(pg, day) == (13, 10, 75, 5)
    store.insert_metrics(pg, _views(rid, at(6), [100, 90, 95]))  # before: 10 < 95 at the seam
    exact(pg)
    assert _day_row(pg, day) == (16, 100, 75, 7)
    store.insert_metrics(pg, _views(rid, at(9), [5]) + _views(rid, at(13), [200]))  # between
    exact(pg)
    assert _day_row(pg, day) == (18, 100, 200, 7)  # 5 < 70 added, 65 < 70 gone
    next_day = day + timedelta(days=1)
    store.insert_metrics(
        pg, _views(rid, at(14), [150]) + _views(rid, next_day + timedelta(hours=8), [3, 2, 1])
    )
    exact(pg)
    assert _day_row(pg, day) == (19, 100, 150, 8)
    assert _day_row(pg, next_day) == (3, 3, 1, 2)


def test_a_new_day_committed_by_another_writer_first_is_merged(pg):
    """Two bulk writes of the same new days: the second one counts them from its own readings,
    waits on the first writer's uncommitted rollup rows and, once they are committed, merges
    into them (interleaved readings: the days are counted again) instead of overwriting them."""
    rid = store.create_release(pg, "r")
    day = T0 + timedelta(days=2, hours=7)
    first = _views(rid, day, [10, 30, 20] * 40)
    second = _views(rid, day + timedelta(seconds=30), [25, 5, 35] * 40)
    errors: list[BaseException] = []
    holder = pg.connect()
    holder.begin()
    store.insert_metrics(holder, first)

    def second_writer() -> None:
        try:
            with pg.begin() as conn:
                store.insert_metrics(conn, second)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=second_writer)
    thread.start()
    try:
        waiting = 0
        for _ in range(100):  # until the second writer waits on the first one's rollup rows
            with pg.connect() as conn:
                waiting = conn.execute(
                    sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                ).scalar_one()
            if waiting:
                break
            threading.Event().wait(0.05)
        assert waiting, "the second writer never waited for the first"
    finally:
        holder.commit()
        holder.close()
        thread.join(30)
    assert not errors
    exact(pg)
    with pg.connect() as conn:
        n = conn.execute(sa.text("SELECT sum(n_rows) FROM performance_daily WHERE tz = 'UTC'"))
        assert n.scalar_one() == len(first) + len(second)


def test_updates_deletes_cascades_raw_sql_and_truncate_keep_it_exact(pg):
    a = store.create_release(pg, "a")
    b = store.create_release(pg, "b")
    store.insert_metrics(pg, readings(a, 150, 4) + readings(b, 150, 5, hourly=False))
    exact(pg)
    ids = [r["id"] for r in store.get_performance_metrics_for_release(a, engine=pg)][:30]
    for metric_id in ids[:10]:
        store.delete_metric(pg, metric_id)
    for metric_id in ids[10:20]:
        store.update_metric(pg, metric_id, metric_value=7)
    for k, metric_id in enumerate(ids[20:30]):  # moved to another day and platform
        moved = T0 - timedelta(days=40, minutes=k)
        store.update_metric(pg, metric_id, recorded_at=moved, platform="Deezer")
    exact(pg)
    with pg.begin() as conn:  # what psql or the original module might do
        conn.execute(sa.text("UPDATE content_performance SET metric_value = metric_value + 1"))
        conn.execute(sa.text("DELETE FROM content_performance WHERE id % 4 = 0"))
        conn.execute(
            sa.text(
                "INSERT INTO content_performance (release_id, platform, metric_type, "
                "metric_value, recorded_at, source) SELECT release_id, platform, metric_type, "
                "metric_value, recorded_at, 'legacy' FROM content_performance WHERE id % 3 = 0"
            )
        )
    exact(pg)
    assert store.delete_release(pg, b)
    exact(pg)
    with pg.connect() as conn:
        left = conn.execute(sa.text("SELECT DISTINCT release_id FROM performance_daily"))
        assert list(left.scalars()) == [a]
    with pg.begin() as conn:
        conn.execute(sa.text("TRUNCATE content_performance"))
    assert rollup_rows(pg) == 0


def test_csv_import_keeps_it_exact_and_a_failed_import_leaves_it_alone(pg, tmp_path):
    store.create_release(pg, "r")
    good = tmp_path / "good.csv"
    lines = ["release_key,platform,metric_type,metric_value,recorded_at"]
    lines += [
        f"r,YouTube,views,{i * 10},2026-03-{1 + i // 24:02d}T{i % 24:02d}:30:00Z"
        for i in range(200)
    ]
    good.write_text("\n".join(lines) + "\n")
    assert csvio.import_csv(pg, good).written == 200
    exact(pg)
    before = rollup_rows(pg)
    bad = tmp_path / "bad.csv"  # a good new row, then a negative value two lines later
    bad.write_text(
        "\n".join(
            lines[:1]
            + ["r,YouTube,views,5,2026-04-01T00:00:00Z", "r,YouTube,views,-1,2026-04-02T00:00:00Z"]
        )
        + "\n"
    )
    report = csvio.import_csv(pg, bad)
    assert not report.committed and report.problem_count == 1
    assert rollup_rows(pg) == before
    exact(pg)


def test_concurrent_writers_and_deleters_are_counted_once(pg):
    rid = store.create_release(pg, "r")
    store.insert_metrics(pg, readings(rid, 100, 6))
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        try:
            rng = random.Random(seed)
            for i in range(25):  # all into the same few series-days
                store.add_performance_metric(
                    rid,
                    rng.choice(["youtube", "YouTube"]),
                    "views",
                    rng.randint(0, 10_000),
                    recorded_at=T0 + timedelta(hours=2, seconds=seed * 1000 + i),
                    engine=pg,
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def deleter() -> None:
        try:
            for row in store.get_performance_metrics_for_release(rid, engine=pg)[-20:]:
                store.delete_metric(pg, row["id"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(s,)) for s in range(4)]
    threads.append(threading.Thread(target=deleter))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    exact(pg)
    assert store.count_metrics(pg, rid) >= 100 + 100 - 20


# --------------------------------------------------------------------------- reads


@pytest.fixture
def catalog_pg(pg):
    ids = [store.create_release(pg, f"r{i}") for i in range(3)]
    rows = readings(ids[0], 24 * 40, 7) + readings(ids[1], 60, 8, hourly=False)
    rows += readings(ids[2], 24 * 10, 9)
    store.insert_metrics(pg, rows)
    return pg, ids


def both_paths(eng, fn):
    """``fn()`` read from the rollup, then from the readings (zones off), then zones restored."""
    zones = store.rollup_zones(eng)
    from_rollup = fn()
    store.set_rollup_zones(eng, [])
    try:
        from_readings = fn()
    finally:
        store.set_rollup_zones(eng, zones)
    return from_rollup, from_readings


def same(a: pd.DataFrame, b: pd.DataFrame, *, nonempty: bool = True) -> None:
    assert len(a) > 0 or not nonempty
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False
    )


@pytest.mark.parametrize("tz", ["UTC", BERLIN])
@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_series_from_rollup_equal_series_from_readings(catalog_pg, tz, bucket):
    eng, ids = catalog_pg
    start = metrics.local_midnight(T0.date() + timedelta(days=3), tz)  # across the DST switch
    end = metrics.local_midnight(T0.date() + timedelta(days=35), tz)
    assert store.rollup_zone_for(eng, start, end, tz=tz) == tz

    def read():
        return store.release_series(eng, ids, start=start, end=end, bucket=bucket, tz=tz)

    same(*both_paths(eng, read))

    def everything():
        return store.release_series(eng, None, bucket=bucket, tz=tz)

    same(*both_paths(eng, everything))


@pytest.mark.parametrize("tz", ["UTC", BERLIN])
def test_period_gains_baselines_and_leaderboard_agree(catalog_pg, tz):
    eng, ids = catalog_pg
    for first, last in [(5, 12), (0, 40), (20, 80), (-30, 2)]:
        start = metrics.local_midnight(T0.date() + timedelta(days=first), tz)
        end = metrics.local_midnight(T0.date() + timedelta(days=last), tz)
        assert store.rollup_zone_for(eng, start, end) is not None

        def gains(start=start, end=end):
            return store.period_gains(eng, ids, start=start, end=end)

        a, b = both_paths(eng, gains)
        same(a, b)
        for metric in ("views", "streams_daily"):

            def board(start=start, end=end, metric=metric):
                return store.leaderboard(eng, metric, start=start, end=end)

            fast, slow = both_paths(eng, board)
            pd.testing.assert_frame_equal(fast, slow, check_dtype=False)

        def before(start=start):
            return store.totals_before(eng, ids, start)

        baselines = both_paths(eng, before)
        same(*baselines, nonempty=first > 0)
        # filters on metric and platform (any spelling), one release or several
        for subset, filters in [
            (ids[:1], {"metric_types": ["views"]}),
            (ids[1:], {"platforms": ["SPOTIFY"]}),
            (ids, {"metric_types": ["streams_daily"], "platforms": ["spotify", "YouTube"]}),
        ]:

            def filtered(start=start, end=end, subset=subset, filters=filters):
                return store.period_gains(eng, subset, start=start, end=end, **filters)

            same(*both_paths(eng, filtered), nonempty=False)

            def filtered_before(start=start, subset=subset, filters=filters):
                return store.totals_before(eng, subset, start, **filters)

            same(*both_paths(eng, filtered_before), nonempty=False)
    assert int(a["corrections"].sum()) > 0  # the drops were counted the same way


def test_periods_off_midnight_read_the_readings(catalog_pg):
    eng, ids = catalog_pg
    start = T0 + timedelta(days=2, hours=5)
    end = T0 + timedelta(days=9, minutes=30)
    assert store.rollup_zone_for(eng, start, end) is None
    gains = store.period_gains(eng, ids, start=start, end=end)
    rows = pd.concat([views.fetch_all_rows(eng, r) for r in ids], ignore_index=True)
    naive = views.period_gains_in_pandas(rows, start, end)
    same(gains, naive)


def test_leaderboard_is_never_stale_after_a_write(catalog_pg):
    eng, ids = catalog_pg
    end = metrics.local_midnight(T0.date() + timedelta(days=60), "UTC")
    start = end - timedelta(days=30)
    board = store.leaderboard(eng, "views", start=start, end=end)
    assert store.rollup_zone_for(eng, start, end) == "UTC"
    top = int(board["gain"].max())
    store.add_performance_metric(
        ids[2], "tiktok", "views", 0, recorded_at=start + timedelta(hours=1), engine=eng
    )
    store.add_performance_metric(
        ids[2], "tiktok", "views", top + 1000, recorded_at=start + timedelta(days=2), engine=eng
    )
    after = store.leaderboard(eng, "views", start=start, end=end)
    assert after["release_id"].iloc[0] == ids[2]
    assert int(after["gain"].iloc[0]) >= top + 1000


def test_sqlite_has_no_rollup(sqlite_url):
    eng = store.make_engine(sqlite_url)
    assert store.rollup_zones(eng) == []
    assert store.set_rollup_zones(eng, ["UTC"]) == []
    assert store.rollup_zone_for(eng, None, T0) is None


@pytest.mark.parametrize("first", [3, 10, 30])
def test_total_drops_from_the_period_equal_drops_from_all_history(catalog_pg, first):
    """PostgreSQL reads only the period's readings and one probe per series before it; the
    result equals the window over every reading (the start=None form), cut at ``start``."""
    eng, ids = catalog_pg
    start = T0 + timedelta(days=first, hours=7)
    end = T0 + timedelta(days=45)
    fast = store.total_drops(eng, ids, start=start, end=end, bucket="week", tz=BERLIN)
    full = store.total_drops(eng, ids, end=end, bucket="week", tz=BERLIN)
    full = full[full["recorded_at"] >= pd.Timestamp(start)].reset_index(drop=True)
    assert len(fast) > 0
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), full)


def test_zones_are_read_once_per_transaction_and_again_in_the_next(catalog_pg):
    eng, ids = catalog_pg
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    start = metrics.local_midnight(T0.date() + timedelta(days=5), "UTC")
    end = metrics.local_midnight(T0.date() + timedelta(days=12), "UTC")
    sa.event.listen(eng, "before_cursor_execute", record)
    try:
        with eng.connect() as conn:
            store.release_series(conn, ids, start=start, end=end, tz="UTC")
            store.totals_before(conn, ids, start)
            store.period_gains(conn, ids, start=start, end=end)
            assert sum("performance_rollup_zones" in s for s in seen) == 1
            assert any("performance_daily" in s for s in seen)
            conn.rollback()
            store.set_rollup_zones(eng, [])  # what `db upgrade` does elsewhere
            seen.clear()
            gains = store.period_gains(conn, ids, start=start, end=end)
            assert sum("performance_rollup_zones" in s for s in seen) == 1  # asked again
            assert not any("performance_daily" in s for s in seen)  # and read the readings
            assert len(gains) > 0
    finally:
        sa.event.remove(eng, "before_cursor_execute", record)
        store.set_rollup_zones(eng, ZONES)
