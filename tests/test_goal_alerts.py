"""Goals for a tag and an artist's goals of each launch, on SQLite and PostgreSQL, over a
synthetic catalog with a known trend: two tagged releases of one artist, A launched 40 days ago
at 1,000 views a day, B launched 20 days ago at 3,000 a day.  The tag's sum reaches one goal on
a known day and falls off track for another; each launch is judged on its own first 28 days;
the alert pass (``perfdash alerts --notify``) run twice posts each goal alert once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from click.testing import CliRunner
from fake_webhook import FakeWebhook

from perfdash import goals, store
from perfdash.cli import main
from perfdash.ingest.goals import save_goal


@pytest.fixture
def world(engine):
    today = datetime.now(UTC).date()
    a = store.create_release(engine, "rel-a", title="Neon Tides", artist_name="Nova Vale")
    b = store.create_release(engine, "rel-b", title="Glass Horizon", artist_name="Nova Vale")
    other = store.create_release(engine, "rel-c", title="Elsewhere", artist_name="Someone")
    for rid in (a, b):
        store.set_release_tags(engine, rid, ["summer"])
    rows = []
    for rid, days, per_day in ((a, 40, 1000), (b, 20, 3000), (other, 40, 50_000)):
        for back in range(days, 0, -1):  # from its launch day until yesterday
            at = datetime.combine(today - timedelta(days=back), time(12), tzinfo=UTC)
            rows.append(
                dict(
                    release_id=rid,
                    platform="YouTube",
                    metric_type="views",
                    metric_value=per_day * (days + 1 - back),
                    recorded_at=at,
                )
            )
    store.insert_metrics(engine, rows)
    return {"engine": engine, "today": today, "a": a, "b": b}


def _set(world, **fields) -> int:
    saved = save_goal(world["engine"], fields, today=world["today"])
    assert saved.ok, saved.errors
    return saved.id


def _day(world, n: int) -> str:
    return (world["today"] + timedelta(days=n)).isoformat()


def test_a_tags_goal_adds_up_its_releases_and_projects_the_day(world):
    today = world["today"]
    reached = _set(world, tag="summer", metric="views", target="60,000", by=_day(world, 30))
    on = _set(world, tag="summer", metric="views", target="150,000", by=_day(world, 30))
    off = _set(world, tag="summer", metric="views", target="300,000", by=_day(world, 20))
    with store.transaction(world["engine"]) as conn:
        shown = {v.goal["id"]: v for v in goals.views(conn, "UTC", tags=["summer"], today=today)}
    assert set(shown) == {reached, on, off}
    # A: 30,000 and B: 30,000 eleven days ago (60,000); 56,000 the day before
    r = shown[reached].progress
    assert (r.status, r.current, r.reached_on) == ("reached", 100_000, today - timedelta(days=11))
    assert shown[reached].text().startswith("tag summer: 60,000 views by ")
    # 50,000 more at 4,000 a day: 13 days after yesterday, well before the 30th
    o = shown[on].progress
    assert o.status == "on track" and abs((o.likely - (today + timedelta(days=12))).days) <= 2
    # 200,000 more at 4,000 a day is 50 days: after the 20th, and the day is still projected
    f = shown[off].progress
    assert f.status == "off track" and f.current == 100_000
    assert abs((f.likely - (today + timedelta(days=49))).days) <= 3


def test_an_artists_goal_in_the_first_days_judges_each_launch(world):
    today = world["today"]
    each = _set(world, artist="Nova Vale", metric="views", target="100,000", first_days=28)
    with store.transaction(world["engine"]) as conn:
        (v,) = goals.views(conn, "UTC", release_ids=[], artists=["Nova Vale"], today=today)
    assert v.goal["id"] == each and v.each_launch
    assert v.what == "100,000 views in the first 28 days of each launch"
    first, newest = v.launches
    assert (first.release_id, newest.release_id) == (world["a"], world["b"])
    # A's 28 days ended 13 days ago at 28,000; B has 60,000 after 20 days at 3,000 a day and
    # about 84,000 when its 28 days end in a week
    assert first.progress.status == "missed" and first.progress.current == 28_000
    assert first.progress.ends == today - timedelta(days=13)
    assert newest.progress.status == "off track" and newest.progress.current == 60_000
    assert newest.progress.ends == today + timedelta(days=7)
    assert newest.progress.likely > newest.progress.ends
    assert v.progress is newest.progress
    assert v.text() == (
        "Nova Vale: 100,000 views in the first 28 days of each launch: newest launch "
        f"Glass Horizon: {newest.progress.text()}; 0 of 2 launches reached it"
    )


def test_goal_alerts_reach_the_webhook_once_per_goal_and_event(world, db_url):
    _set(world, tag="summer", metric="views", target="60,000", by=_day(world, 30))
    _set(world, tag="summer", metric="views", target="150,000", by=_day(world, 30))  # on track
    _set(world, tag="summer", metric="views", target="300,000", by=_day(world, 20))
    _set(world, artist="Nova Vale", metric="views", target="100,000", first_days=28)
    _set(world, artist="Nova Vale", metric="views", target="30,000", first_days=28)
    found = goals.goal_alerts(world["engine"], "UTC", today=world["today"])
    assert sorted((a.status, a.path) for a in found) == [
        ("off track", f"/dashboard?release={world['b']}"),  # B's first 28 days, 100,000
        ("off track", "/overview?tag=summer"),
        ("reached", f"/dashboard?release={world['b']}"),  # B's 30,000, eleven days ago
        ("reached", "/overview?tag=summer"),
    ]  # A's launches ended before the goals were set: no alert for them
    hook = FakeWebhook()
    try:
        env = {"DATABASE_URL": db_url, "PERFDASH_ALERT_WEBHOOK": hook.url, "PERFDASH_TZ": "UTC"}
        env["PERFDASH_PUBLIC_URL"] = "https://pd.example"
        first = CliRunner().invoke(main, ["alerts", "--notify"], env=env)
        assert first.exit_code == 0, first.output
        assert "Notified 4 new alert(s); 0 sent before; 0 failed." in first.output
        second = CliRunner().invoke(main, ["alerts", "--notify"], env=env)
        assert second.exit_code == 0, second.output
        assert "Notified 0 new alert(s); 4 sent before; 0 failed." in second.output
        texts = sorted(b["text"] for b in hook.bodies)
    finally:
        hook.close()
    assert len(texts) == 4
    assert texts[0].startswith("Goal off track: Nova Vale: 100,000 views in the first 28 days")
    assert texts[0].endswith(f"https://pd.example/dashboard?release={world['b']}")
    assert "Glass Horizon: 60,000 of 100,000 (60%): off track" in texts[0]
    assert texts[1].startswith("Goal off track: tag summer: 300,000 views by ")
    assert texts[1].endswith("https://pd.example/overview?tag=summer")
    assert texts[2].startswith("Goal reached: Nova Vale: 30,000 views in the first 28 days")
    assert texts[3].startswith("Goal reached: tag summer: 60,000 views by ")
    assert store.sent_alert_keys(world["engine"]) >= {a.key for a in found}


class _Progress:
    """What a job's reporter is told while the work runs (kept for the assertion)."""

    def __init__(self) -> None:
        self.last: dict = {}

    def progress(self, progress: dict) -> None:
        self.last = dict(progress)


def test_the_scheduled_alerts_job_posts_goal_alerts_once(world, db_url):
    from perfdash.config import Settings
    from perfdash.jobs.context import JobContext
    from perfdash.jobs.work import run_alerts

    _set(world, tag="summer", metric="views", target="60,000", by=_day(world, 30))
    _set(world, tag="summer", metric="views", target="300,000", by=_day(world, 20))
    hook = FakeWebhook()
    try:
        settings = Settings(database_url=db_url, tz="UTC", alert_webhook=hook.url)
        ctx = JobContext(settings, world["engine"])
        seen = _Progress()
        first = run_alerts(ctx, {"params": {}}, seen)
        again = run_alerts(ctx, {"params": {}}, _Progress())
        bodies = list(hook.bodies)
    finally:
        hook.close()
    assert seen.last == {"alerts": 2}
    assert first == (
        "done",
        {"lines": ["Notified 2 new alert(s); 0 sent before; 0 failed."], "failed": False},
    )
    assert again[1]["lines"] == ["Notified 0 new alert(s); 2 sent before; 0 failed."]
    assert sorted(b["text"].split(":")[0] for b in bodies) == ["Goal off track", "Goal reached"]
