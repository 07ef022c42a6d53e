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


def test_risers_are_the_biggest_growth_over_the_previous_gain():
    board = pd.DataFrame({"release_id": [1, 2, 3, 4], "gain": [100, 90, 50, 10]})
    before = {1: 95, 2: 10, 3: 60}  # 4 had nothing before: all of its gain is growth
    assert readout.risers(board, before, 3)["release_id"].tolist() == [2, 4, 1]
    assert readout.risers(board.iloc[0:0], {}).empty
