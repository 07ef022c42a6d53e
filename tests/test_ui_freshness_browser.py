"""Each KPI card says how fresh its own numbers are: newest reading, its source, the time zone,
and a stale badge when a release's newest number is older than its collection schedule allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from browser import wait_until

from perfdash import store


def cards(dash_duo) -> dict[str, dict]:
    """metric -> what its KPI card shows: freshness line, its tooltip, whether marked stale."""
    return dash_duo.driver.execute_script(
        "const out = {};"
        "document.querySelectorAll('#dash-kpis .kpi').forEach(k => {"
        " const f = k.querySelector('.kpi-freshness');"
        " const s = k.querySelector('.kpi-stale');"
        " out[k.dataset.metric] = {text: f ? f.innerText : null,"
        "  title: f ? f.title : null, stale: !!s, stale_title: s ? s.title : null};"
        "});"
        "return out;"
    )


def test_each_kpi_card_states_its_newest_reading_source_zone_and_staleness(
    demo_app, start_app, dash_duo
):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    rid = store.get_release_by_key(engine, "demo-002")["id"]
    newest_demo = store.get_performance_metrics_for_release(rid, engine=engine, limit=1)[0]
    # saves entered by hand, last 4 days ago: older than this daily release's 2-day allowance
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    for days, value in ((5, 40), (4, 55)):
        store.add_performance_metric(
            rid, "Spotify", "saves", value, engine=engine, recorded_at=now - timedelta(days=days)
        )
    base = start_app(demo_app, "/dashboard")
    dash_duo.driver.get(f"{base}/dashboard?release={rid}&period=28d")
    wait_until(lambda: {"views", "saves"} <= set(cards(dash_duo)), timeout=30, message="KPI cards")
    shown = cards(dash_duo)
    assert shown["views"]["text"] == (
        f"Newest {newest_demo['recorded_at']:%Y-%m-%d %H:%M} (UTC), demo data"
    )
    assert not shown["views"]["stale"]
    saves = shown["saves"]
    assert (
        saves["text"] == f"Newest {now - timedelta(days=4):%Y-%m-%d %H:%M} (UTC), entered by hand"
    )
    assert saves["stale"]
    assert "stale: 4.0 days old (its schedule allows 2.0 days)" in saves["stale_title"]
    # one line per card, no row-wide line any more
    assert len(dash_duo.find_elements("#dash-kpis .kpi-freshness")) == len(shown)

    # an hourly-collected release is stale a few hours after its last run
    hourly = store.create_release(engine, "hourly-1", title="Hourly Song")
    last = now - timedelta(hours=5)
    store.insert_metrics(
        engine,
        pd.DataFrame(
            {
                "release_id": hourly,
                "platform": "YouTube",
                "metric_type": "views",
                "metric_value": [100 * h for h in range(12)],
                "recorded_at": [last - timedelta(hours=11 - h) for h in range(12)],
                "value_kind": "total",
                "source": "collector",
            }
        ),
    )
    dash_duo.driver.get(f"{base}/dashboard?release={hourly}&period=7d")
    wait_until(lambda: "views" in cards(dash_duo), timeout=30, message="the hourly card")
    views = cards(dash_duo)["views"]
    assert views["text"] == f"Newest {last:%Y-%m-%d %H:%M} (UTC), collector"
    assert views["stale"]
    assert "(its schedule allows 2 h)" in views["stale_title"]
    assert "stale: 5 h old" in views["stale_title"] or "stale: 5.1 h old" in views["stale_title"]
