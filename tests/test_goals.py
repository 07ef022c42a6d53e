"""Goals' progress and their alerts on SQLite and PostgreSQL: a release and an artist summed
over platforms and releases, the projected day from the forecast, and the alerts for a goal
reached or off track delivered once (claimed like spike alerts)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import httpx
import pytest

from perfdash import alerts, goals, store
from perfdash.ingest.goals import save_goal


@pytest.fixture
def world(engine):
    today = datetime.now(UTC).date()
    a = store.create_release(engine, "rel-a", title="Neon Tides", artist_name="Nova Vale")
    b = store.create_release(engine, "rel-b", title="Glass Horizon", artist_name="Nova Vale")
    rows = []
    for back in range(60, 0, -1):  # until yesterday: a 1,000 a day on two platforms, b 500
        at = datetime.combine(today - timedelta(days=back), time(12), tzinfo=UTC)
        n = 61 - back
        rows += [
            dict(
                release_id=a,
                platform="YouTube",
                metric_type="views",
                metric_value=600 * n,
                recorded_at=at,
            ),
            dict(
                release_id=a,
                platform="TikTok",
                metric_type="views",
                metric_value=400 * n,
                recorded_at=at,
            ),
            dict(
                release_id=b,
                platform="YouTube",
                metric_type="views",
                metric_value=500 * n,
                recorded_at=at,
            ),
        ]
    store.insert_metrics(engine, rows)
    return {"engine": engine, "today": today, "a": a, "b": b}


def _set(engine, today, **fields):
    saved = save_goal(engine, fields, today=today)
    assert saved.ok, saved.errors
    return saved.id


def test_progress_and_projected_days(world):
    engine, today = world["engine"], world["today"]
    on = _set(
        engine,
        today,
        release="rel-a",
        metric="views",
        target=90_000,
        by=(today + timedelta(days=60)).isoformat(),
    )
    off = _set(
        engine,
        today,
        release="rel-a",
        metric="views",
        target=90_000,
        by=(today + timedelta(days=10)).isoformat(),
    )
    done = _set(
        engine,
        today,
        release="rel-a",
        metric="views",
        target=50_000,
        by=(today + timedelta(days=10)).isoformat(),
    )
    artist = _set(
        engine,
        today,
        artist="Nova Vale",
        metric="views",
        target=120_000,
        by=(today + timedelta(days=30)).isoformat(),
    )
    with store.transaction(engine) as conn:
        shown = {v.goal["id"]: v for v in goals.views(conn, "UTC", today=today)}
    p = shown[on].progress
    assert p.current == 60_000 and p.status == "on track"
    # 30,000 more at 1,000 a day: the 30th day after the last whole one (yesterday)
    assert abs((p.likely - (today + timedelta(days=29))).days) <= 2
    assert shown[off].progress.status == "off track"
    assert shown[done].progress.status == "reached"
    assert shown[done].progress.reached_on == today - timedelta(days=11)  # day 50 of 60
    a = shown[artist].progress
    assert a.current == 90_000 and a.status == "on track"  # 60,000 + 30,000, 1,500 a day
    assert "Nova Vale: 120,000 views by" in shown[artist].text()
    with store.transaction(engine) as conn:
        mine = goals.views(conn, "UTC", release_ids=[world["b"]], artists=[], today=today)
    assert mine == []


def test_goal_alerts_are_sent_once(world):
    engine, today = world["engine"], world["today"]
    _set(
        engine,
        today,
        release="rel-a",
        metric="views",
        target=50_000,
        by=(today + timedelta(days=10)).isoformat(),
    )
    _set(
        engine,
        today,
        release="rel-a",
        metric="views",
        target=90_000,
        by=(today + timedelta(days=10)).isoformat(),
    )
    _set(
        engine,
        today,
        release="rel-a",
        metric="views",
        target=90_000,
        by=(today + timedelta(days=90)).isoformat(),
    )
    found = goals.goal_alerts(engine, "UTC", today=today)
    assert sorted(a.status for a in found) == ["off track", "reached"]
    reached = next(a for a in found if a.status == "reached")
    assert reached.text("https://pd.example").startswith("Goal reached: Neon Tides: 50,000 views")
    assert f"https://pd.example/dashboard?release={world['a']}" in reached.text(
        "https://pd.example"
    )
    posted = []

    def hook(request):
        posted.append(request.content)
        return httpx.Response(200)

    transport = httpx.MockTransport(hook)
    first = alerts.deliver(engine, found, "https://hook.example", transport=transport)
    assert sorted(first.sent) == sorted(a.key for a in found) and len(posted) == 2
    again = alerts.deliver(
        engine,
        goals.goal_alerts(engine, "UTC", today=today),
        "https://hook.example",
        transport=transport,
    )
    assert again.sent == [] and len(again.already_sent) == 2 and len(posted) == 2
