"""/api/v1/forecast on SQLite and PostgreSQL: a release with a steady daily gain is forecast
along it, the band holds the truth, and bad parameters get a 400 naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import numpy as np
import pytest

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.metrics import projection


@pytest.fixture
def world(db_url, engine):
    steady = store.create_release(engine, "rel-steady", title="Steady")
    young = store.create_release(engine, "rel-young", title="Young")
    today = datetime.now(UTC).date()
    rng = np.random.default_rng(5)
    rows = []
    total = 0
    for back in range(120, 0, -1):  # up to yesterday, 1,000 a day (+- noise) on two platforms
        day = today - timedelta(days=back)
        total += 1000 + int(rng.integers(-50, 50))
        at = datetime.combine(day, time(12), tzinfo=UTC)
        rows.append(
            dict(
                release_id=steady,
                platform="YouTube",
                metric_type="views",
                metric_value=total,
                recorded_at=at,
            )
        )
        rows.append(
            dict(
                release_id=steady,
                platform="TikTok",
                metric_type="views",
                metric_value=total // 2,
                recorded_at=at,
            )
        )
        rows.append(
            dict(
                release_id=steady,
                platform="Deezer",
                metric_type="rank",
                metric_value=10,
                recorded_at=at,
            )
        )
    for back in range(5, 0, -1):
        at = datetime.combine(today - timedelta(days=back), time(12), tzinfo=UTC)
        rows.append(
            dict(
                release_id=young,
                platform="YouTube",
                metric_type="views",
                metric_value=100 * (6 - back),
                recorded_at=at,
            )
        )
    store.insert_metrics(engine, rows)
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    return {"client": app.server.test_client(), "today": today, "total": total}


def test_forecast_follows_a_steady_release(world):
    got = world["client"].get("/api/v1/forecast?release=rel-steady&days=7")
    assert got.status_code == 200
    body = got.get_json()
    assert body["metric"] == "views" and body["platform"] == "all" and body["days"] == 7
    today = world["today"]
    assert [p["date"] for p in body["points"]] == [
        (today + timedelta(days=d)).isoformat() for d in range(1, 8)
    ]
    last = world["total"] + world["total"] // 2
    assert body["last_total"] == last
    assert body["last_day"] == (today - timedelta(days=1)).isoformat()
    for p in body["points"]:
        days_ahead = (datetime.fromisoformat(p["date"]).date() - today).days + 1
        truth = last + 1500 * days_ahead
        assert p["low"] <= truth <= p["high"]
        assert abs(p["value"] - truth) < 0.05 * 1500 * days_ahead + 100
    assert body["backtest"]["mape_28d"] < 0.05
    assert 0.5 <= body["backtest"]["band_coverage"] <= 1
    assert "damped trend" in body["method"]


def test_forecast_of_one_platform_and_its_length(world):
    body = (
        world["client"]
        .get("/api/v1/forecast?release=rel-steady&platform=tiktok&metric=views&days=90")
        .get_json()
    )
    assert body["platform"] == "tiktok" and len(body["points"]) == 90
    assert body["last_total"] == world["total"] // 2
    assert body["points"][0]["value"] == pytest.approx(world["total"] // 2 + 1000, rel=0.05)


def test_a_young_release_says_why_there_is_no_forecast(world):
    body = world["client"].get("/api/v1/forecast?release=rel-young").get_json()
    assert body["points"] == []
    assert body["message"] == f"No forecast: it needs {projection.MIN_DAYS} days of numbers."
    assert body["backtest"] == {"mape_28d": None, "band_coverage": None, "origins": 0}


@pytest.mark.parametrize(
    ("query", "status", "field", "words"),
    [
        ("", 400, "release", "give one release"),
        ("release=rel-steady&release=rel-young", 400, "release", "not several"),
        ("release=nope", 404, "release", "No release"),
        ("release=rel-steady&days=0", 400, "days", "between 1 and 90"),
        ("release=rel-steady&days=91", 400, "days", "between 1 and 90"),
        ("release=rel-steady&days=x", 400, "days", "whole number"),
        ("release=rel-steady&metric=streams", 400, "metric", "no streams readings"),
        ("release=rel-steady&metric=rank", 400, "metric", "a score"),
        ("release=rel-steady&platform=spotify", 400, "platform", "no readings on spotify"),
        ("release=rel-steady&platform=a&platform=b", 400, "platform", "one platform"),
    ],
)
def test_bad_parameters_are_refused_by_name(world, query, status, field, words):
    got = world["client"].get(f"/api/v1/forecast?{query}")
    assert got.status_code == status
    error = got.get_json()["error"]
    assert words in error["message"]
    assert error["details"][0]["field"] == field
