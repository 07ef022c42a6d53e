"""alerts: the demo catalog's spikes are found, several workers notifying at once deliver each
alert exactly once (both backends), and a failing webhook is retried, then released.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from fake_webhook import FakeWebhook

from perfdash import alerts, demo, store


def make_alerts(release_id: int, n: int) -> list[alerts.Alert]:
    item = alerts.SpikeItem("TikTok", "views", 9000.0, 100.0, 90.0, date(2026, 3, 1), 9000.0, 2)
    return [
        alerts.Alert(
            key=f"spike:rel-a:2026-03-{day:02d}",
            release_id=release_id,
            release_key="rel-a",
            label="Neon Tides (rel-a)",
            day=date(2026, 3, day),
            items=(item,),
        )
        for day in range(1, n + 1)
    ]


def test_concurrent_workers_deliver_each_alert_once(engine):
    rid = store.create_release(engine, "rel-a", title="Neon Tides")
    found = make_alerts(rid, 6)
    hook = FakeWebhook()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            reports = list(
                pool.map(lambda _: alerts.deliver(engine, found, hook.url, backoff=0.01), range(4))
            )
    finally:
        hook.close()
    assert sorted(k for r in reports for k in r.sent) == sorted(a.key for a in found)
    assert sum(len(r.already_sent) for r in reports) == 3 * len(found)
    texts = sorted(b["text"] for b in hook.bodies)
    assert len(texts) == 6 and len(set(texts)) == 6
    assert texts[0] == (
        "Spike on 2026-03-01: Neon Tides (rel-a): TikTok views +9,000 (90× the usual 100/day, "
        f"2 days running). /dashboard?release={rid}&period=custom&from=2026-02-15&to=2026-03-15"
        "&metric=views&mode=gain"
    )
    assert store.sent_alert_keys(engine) == {a.key for a in found}


@pytest.mark.slow
def test_demo_spikes_are_found_and_steady_releases_are_not(sqlite_url):
    """The demo catalog's viral days (demo-007, demo-019) through the store, and nothing else."""
    engine = store.make_engine(sqlite_url)
    today = datetime(2026, 11, 1, 12, tzinfo=UTC)
    demo.load(engine, today=today)
    found = alerts.build_alerts(engine, since=date(2025, 1, 1))
    first_day = date(2025, 11, 2)  # today - 364 days
    assert sorted((a.release_key, (a.day - first_day).days) for a in found) == [
        ("demo-007", demo.VIRAL["demo-007"]),
        ("demo-019", demo.VIRAL["demo-019"]),
    ]
    viral = found[0]
    assert len(viral.items) >= 6  # every platform lifts on a viral day
    assert all(item.ratio > 20 for item in viral.items)
    assert viral.path().startswith(f"/dashboard?release={viral.release_id}&")
    engine.dispose()


@pytest.mark.slow
def test_a_failing_webhook_is_retried_then_released_for_the_next_run(demo_db):
    engine = store.make_engine(demo_db)
    found = alerts.build_alerts(engine, since=datetime(2025, 1, 1).date())
    flaky = FakeWebhook(fail_first=1)
    try:
        report = alerts.deliver(engine, found[:1], flaky.url, backoff=0.01)
        assert report.sent == [found[0].key] and flaky.attempts == 2  # one retry, then ok
    finally:
        flaky.close()
    down = FakeWebhook(status=503)
    try:
        report = alerts.deliver(engine, found[1:], down.url, retries=3, backoff=0.01)
        assert report.failed == {found[1].key: "HTTP 503"} and down.attempts == 3
        assert store.sent_alert_keys(engine) == {found[0].key}  # the claim was given back
    finally:
        down.close()
    refused = FakeWebhook(status=400)
    try:
        report = alerts.deliver(engine, found[1:], refused.url, retries=3, backoff=0.01)
        assert report.failed == {found[1].key: "HTTP 400"} and refused.attempts == 1
    finally:
        refused.close()
    engine.dispose()


def test_a_score_that_jumps_is_not_a_spike_but_a_counter_is(engine):
    """The same numbers as views are a spike; as a rank (a score) or once an editor made
    them a score, they are levels and raise no alert."""
    rid = store.create_release(engine, "rel-s", title="Scores")
    values = [1000 + 10 * day for day in range(20)] + [9000]
    rows = [
        dict(
            release_id=rid,
            platform="Deezer",
            metric_type=metric,
            metric_value=value,
            recorded_at=datetime(2026, 3, 1 + day, 12, tzinfo=UTC),
        )
        for metric in ("views", "rank", "spins")
        for day, value in enumerate(values)
    ]
    store.insert_metrics(engine, rows)
    found = alerts.build_alerts(engine, since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert [i.metric_type for a in found for i in a.items] == ["spins", "views"]
    store.set_metric_kind(engine, "spins", "score")
    found = alerts.build_alerts(engine, since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert [i.metric_type for a in found for i in a.items] == ["views"]


def test_an_alerts_chart_link_never_reaches_past_today():
    item = alerts.SpikeItem("TikTok", "views", 9000.0, 100.0, 90.0, date(2026, 12, 1), 9000.0, 1)
    recent = alerts.Alert("k", 7, "rel-a", "A", date(2026, 12, 1), (item,))
    path = recent.path(today=date(2026, 12, 3))
    assert "from=2026-11-17&to=2026-12-03" in path
    old = alerts.Alert("k", 7, "rel-a", "A", date(2026, 3, 1), (item,))
    assert "from=2026-02-15&to=2026-03-15" in old.path(today=date(2026, 12, 3))
