"""perfdash.readout on SQLite and PostgreSQL: the catalog's line adds every release's gains per
platform, and the risers are the releases whose gain grew most; hand-computed."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from perfdash import metrics, readout, store


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_catalog_line_adds_releases_per_platform_and_day(engine):
    a = store.create_release(engine, "rel-a")
    b = store.create_release(engine, "rel-b")
    rows = [
        (a, "YouTube", 100, T(2026, 1, 1, 12)),  # before the period: the baseline
        (a, "YouTube", 150, T(2026, 1, 2, 12)),  # +50
        (a, "YouTube", 170, T(2026, 1, 3, 12)),  # +20
        (b, "youtube", 10, T(2026, 1, 1, 12)),
        (b, "youtube", 40, T(2026, 1, 3, 12)),  # +30
        (b, "TikTok", 5, T(2026, 1, 2, 12)),  # first reading: grew from itself
        (b, "TikTok", 9, T(2026, 1, 3, 12)),  # +4
    ]
    store.insert_metrics(
        engine,
        [
            dict(release_id=r, platform=p, metric_type="views", metric_value=v, recorded_at=t)
            for r, p, v, t in rows
        ],
    )
    period = metrics.period_for(
        "custom", "UTC", start_date=T(2026, 1, 2).date(), end_date=T(2026, 1, 3).date()
    )
    with store.transaction(engine) as conn:
        line = readout.catalog_line(conn, "views", period, "day", "UTC")
    got = {
        (r.platform_key, str(r.bucket)[:10]): (None if pd.isna(r.gain) else r.gain)
        for r in line.itertuples()
    }
    assert got == {
        ("youtube", "2026-01-02"): 50,
        ("youtube", "2026-01-03"): 20 + 30,
        ("tiktok", "2026-01-02"): None,  # unknown, not invented
        ("tiktok", "2026-01-03"): 4,
    }
    assert line["complete"].all() and set(line["release_id"]) == {0}


def test_risers_come_from_the_whole_catalog_and_follow_the_platform(engine):
    """Sixty releases gain more than the riser: it is far off the top 50, and still the first
    riser (10 -> 5,000 beats 90,000 -> 91,000); a platform filter reads that platform only."""
    small = store.create_release(engine, "small")
    big = [store.create_release(engine, f"big-{i:02d}") for i in range(60)]
    rows = []
    for i, r in enumerate(big):  # +10,000 + i, then +10,000 + 2i: a rise of i
        rows += [
            (r, "YouTube", 100_000 * i, T(2026, 1, 1, 12)),
            (r, "YouTube", 100_000 * i + 10_000 + i, T(2026, 1, 15, 12)),
            (r, "YouTube", 100_000 * i + 20_000 + 3 * i + (i == 7) * 3_000, T(2026, 1, 29, 12)),
        ]
    rows += [
        (small, "YouTube", 100, T(2026, 1, 1, 12)),
        (small, "YouTube", 110, T(2026, 1, 15, 12)),  # +10 in the first fortnight
        (small, "YouTube", 5_110, T(2026, 1, 29, 12)),  # +5,000 in the second
        (small, "TikTok", 1_000, T(2026, 1, 15, 12)),
        (small, "TikTok", 1_000, T(2026, 1, 29, 12)),  # TikTok: no growth
    ]
    store.insert_metrics(
        engine,
        [
            dict(release_id=r, platform=p, metric_type="views", metric_value=v, recorded_at=t)
            for r, p, v, t in rows
        ],
    )
    period = metrics.period_for(
        "custom", "UTC", start_date=T(2026, 1, 16).date(), end_date=T(2026, 1, 29).date()
    )
    previous = period.previous("UTC")
    assert previous.start == T(2026, 1, 2)
    kind = metrics.metric_kind("views")
    with store.transaction(engine) as conn:
        board, _ = readout.leaderboard(conn, kind, period, previous, limit=50)
        rising = readout.risers(conn, kind, period, previous, count=3)
        youtube = readout.risers(conn, kind, period, previous, ["youtube"], count=3)
        tiktok = readout.risers(conn, kind, period, previous, ["tiktok"], count=3)
        ranks = readout.risers(conn, metrics.metric_kind("rank"), period, previous)
    assert small not in board["release_id"].tolist()  # not among the top 50 gainers
    # small rose by 4,990, big-07 by 3,007, then big-59 by 59
    assert rising["release_id"].tolist() == [small, big[7], big[59]]
    assert rising["rise"].tolist() == [4_990, 3_007, 59]
    assert rising["previous_gain"].tolist() == [10, 10_007, 10_059]
    assert youtube["release_id"].tolist() == rising["release_id"].tolist()
    assert tiktok.empty and ranks.empty


def test_risers_leave_archived_releases_out_unless_asked(engine):
    a = store.create_release(engine, "rel-a")
    b = store.create_release(engine, "rel-b")
    store.insert_metrics(
        engine,
        [
            dict(
                release_id=r, platform="YouTube", metric_type="views", metric_value=v, recorded_at=t
            )
            for r, v, t in (
                (a, 0, T(2026, 1, 1, 12)),
                (a, 500, T(2026, 1, 10, 12)),
                (b, 0, T(2026, 1, 1, 12)),
                (b, 900, T(2026, 1, 10, 12)),
            )
        ],
    )
    store.set_release_archived(engine, b, True)
    period = metrics.period_for(
        "custom", "UTC", start_date=T(2026, 1, 5).date(), end_date=T(2026, 1, 12).date()
    )
    kind = metrics.metric_kind("views")
    with store.transaction(engine) as conn:
        shown = readout.risers(conn, kind, period, period.previous("UTC"))
        every = readout.risers(conn, kind, period, period.previous("UTC"), archived=True)
    assert shown["release_id"].tolist() == [a]
    assert every["release_id"].tolist() == [b, a]
