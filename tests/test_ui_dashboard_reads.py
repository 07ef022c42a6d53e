"""The dashboard's one view callback reads each thing once: the collection schedules that
judge freshness serve the KPI cards and the chart's note, the metric kinds serve the KPIs and
the records; what it shows equals what each panel reads on its own, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from auth_helpers import VIEW_CALLBACK, call_callback, view_values

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.ingest.readings import record_readings
from perfdash.ui.panels import freshness


def _texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if isinstance(node, dict):
        return _texts(node.get("props", {}).get("children")) if "props" in node else []
    return []


def _counted(monkeypatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(store, name)

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, name, counting)
    return calls


def test_one_read_of_schedules_and_kinds_says_what_each_panel_says(db_url, engine, monkeypatch):
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rid = store.create_release(engine, "reads-1", title="Reads")
    rows = [
        {
            "release_id": rid,
            "platform": platform,
            "metric_type": "views",
            "metric_value": 1000 + 7 * hour + (3 if platform == "Spotify" else 0),
            "recorded_at": (now - timedelta(hours=6 * 24 * 70 - hour * 6)).isoformat(),
        }
        for hour in range(24 * 70)
        for platform in ("YouTube", "Spotify")
    ]
    assert record_readings(engine, rows, source="api").written == len(rows)
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    client = app.server.test_client()
    schedules = _counted(monkeypatch, "recent_reading_times")
    kinds = _counted(monkeypatch, "metric_kind_overrides")

    response = call_callback(
        client, app, VIEW_CALLBACK, view_values(f"?release={rid}&period=28d&metric=views")
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = json.loads(response.get_data(as_text=True))["response"]
    assert len(schedules) == 1  # the KPI cards and the chart's note judged by one read
    assert len(kinds) == 1  # the KPIs and the records' kinds

    with app.server.test_request_context(), engine.connect() as conn:
        note = freshness.chart_note(conn, [rid], "UTC")
        cards = freshness.by_metric(conn, [rid], None, "UTC")
    shown_note = " ".join(_texts(answer["dash-note"]["children"]))
    assert note in shown_note
    assert cards["views"].short_text() in " ".join(_texts(answer["dash-kpis"]["children"]))
    assert len(answer["dash-table-rows"]["data"]) == 25


def test_a_read_snapshot_asks_for_the_territories_once_and_reads_the_same(engine, monkeypatch):
    """Per-country counts without a worldwide series are counted for all territories; a
    view's reads in one ``read_snapshot`` share one look-up of which series those are, and
    every read gives the frame it gives in a plain transaction."""
    from pandas.testing import assert_frame_equal

    from perfdash.store import territories

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rid = store.create_release(engine, "reads-2", title="Countries")
    rows = []
    for day in range(60):
        at = (now - timedelta(days=60 - day, hours=3)).isoformat()
        base = {"release_id": rid, "recorded_at": at, "value_kind": "period"}
        rows.append(dict(base, platform="YouTube", metric_type="streams", metric_value=day))
        for country, n in (("US", 3), ("DE", 5)):
            rows.append(
                dict(
                    base,
                    platform="Spotify",
                    metric_type="streams",
                    metric_value=n + day,
                    country=country,
                )
            )
        rows.append(
            dict(
                base,
                platform="YouTube",
                metric_type="views",
                metric_value=100 + 9 * day,
                value_kind="total",
            )
        )
    assert record_readings(engine, rows, source="csv").written == len(rows)
    start, end = now - timedelta(days=28), now + timedelta(hours=1)

    def reads(conn):
        return [
            store.period_gains(conn, [rid], start=start, end=end),
            store.period_gains(conn, [rid], start=start - timedelta(days=28), end=start),
            store.period_gains(conn, [rid], start=start, end=end, metric_types=["streams"]),
            store.period_gains(conn, [rid], start=start, end=end, platforms=["SPOTIFY"]),
            store.release_series(
                conn,
                [rid],
                start=start,
                end=end,
                bucket="week",
                tz="UTC",
                metric_types=["streams"],
                platforms=["spotify"],
            ),
            store.totals_before(conn, [rid], start, metric_types=["views"]),
        ]

    with store.transaction(engine) as conn:
        plain = reads(conn)
        assert territories._scope(conn, "", [rid], None, None) == ((rid, "spotify", "streams"),)
    asked = []
    real = territories._scope
    monkeypatch.setattr(territories, "_scope", lambda *a, **k: asked.append(1) or real(*a, **k))
    with store.read_snapshot(engine) as conn:
        folded = reads(conn)
    assert len(asked) == 1
    for a, b in zip(plain, folded, strict=True):
        assert_frame_equal(a, b)
    spotify = plain[3]
    assert int(spotify["gain"].sum()) == sum(3 + d + 5 + d for d in range(33, 60))  # US + DE
