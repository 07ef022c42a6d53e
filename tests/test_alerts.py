"""Several workers notifying at once still deliver each alert exactly once (both backends)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from fake_webhook import FakeWebhook

from perfdash import alerts, store


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
