"""/api/v1/goals on SQLite and PostgreSQL: an editor sets a goal and reads its progress, a
viewer may read but not write, a bad goal is refused by field and nothing is written."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from perfdash import auth, create_app, store
from perfdash.config import Settings


@pytest.fixture
def api(db_url, engine):
    today = datetime.now(UTC).date()
    rel = store.create_release(engine, "rel-a", title="Neon Tides", artist_name="Nova Vale")
    rows = [
        dict(
            release_id=rel,
            platform="YouTube",
            metric_type="views",
            metric_value=1000 * n,
            recorded_at=datetime.combine(today - timedelta(days=61 - n), time(12), tzinfo=UTC),
        )
        for n in range(1, 61)
    ]
    store.insert_metrics(engine, rows)
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    editor = {"Authorization": f"Bearer {auth.create_token(engine, 'ed', 'editor')}"}
    viewer = {"Authorization": f"Bearer {auth.create_token(engine, 'vi', 'viewer')}"}
    return {
        "client": app.server.test_client(),
        "editor": editor,
        "viewer": viewer,
        "today": today,
        "engine": engine,
    }


def test_set_read_and_remove_a_goal(api):
    c, today = api["client"], api["today"]
    by = (today + timedelta(days=60)).isoformat()
    body = {"release": "rel-a", "metric": "views", "target": 90000, "by": by}
    assert c.post("/api/v1/goals", json=body, headers=api["viewer"]).status_code == 403
    made = c.post("/api/v1/goals", json=body, headers=api["editor"])
    assert made.status_code == 201, made.get_json()
    goal = made.get_json()["data"]
    assert made.headers["Location"] == f"/api/v1/goals/{goal['id']}"
    assert goal["goal"] == f"90,000 views by {by}" and goal["current"] == 60000
    assert goal["status"] == "on track" and goal["share"] == pytest.approx(0.6667, abs=1e-3)
    assert goal["projected"] is not None and goal["release_key"] == "rel-a"
    listed = c.get("/api/v1/goals").get_json()["data"]
    assert [g["id"] for g in listed] == [goal["id"]]
    assert c.delete(f"/api/v1/goals/{goal['id']}", headers=api["viewer"]).status_code == 403
    assert c.delete(f"/api/v1/goals/{goal['id']}", headers=api["editor"]).status_code == 204
    assert c.delete(f"/api/v1/goals/{goal['id']}", headers=api["editor"]).status_code == 404
    assert c.get("/api/v1/goals").get_json()["data"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"release": "rel-a", "metric": "views", "target": 10}, "by"),
        ({"release": "zzz", "metric": "views", "target": 10, "by": "2099-01-01"}, "release"),
        ({"release": "rel-a", "metric": "views", "target": "ten", "by": "2099-01-01"}, "target"),
        ({"release": "rel-a", "metric": "views", "target": 10, "by": "2099-01-01", "x": 1}, "x"),
        (
            {"artist": "Nova Vale", "metric": "views", "target": 10, "first_days": "NaN"},
            "first_days",
        ),
    ],
)
def test_bad_goals_are_refused(api, body, field):
    got = api["client"].post("/api/v1/goals", json=body, headers=api["editor"])
    assert got.status_code == 400
    error = got.get_json()["error"]
    assert error["message"].startswith("Nothing was saved")
    assert field in [d["field"] for d in error["details"]]
    assert store.list_goals(api["engine"]) == []
    assert (
        api["client"]
        .post("/api/v1/goals", data="[1]", content_type="application/json", headers=api["editor"])
        .status_code
        == 400
    )


def test_a_tag_goal_and_an_artists_goal_of_each_launch_match_the_command_line(api, db_url):
    import json

    from click.testing import CliRunner

    from perfdash.cli import main

    c, today = api["client"], api["today"]
    store.set_release_tags(api["engine"], 1, ["lofi"])
    by = (today + timedelta(days=60)).isoformat()
    tag = c.post(
        "/api/v1/goals",
        json={"tag": "LoFi", "metric": "views", "target": "90,000", "by": by},
        headers=api["editor"],
    )
    assert tag.status_code == 201, tag.get_json()
    made = tag.get_json()["data"]
    assert (made["scope"], made["tag"], made["each_launch"]) == ("tag", "lofi", False)
    assert made["current"] == 60000 and made["status"] == "on track"
    assert made["text"].startswith(f"tag lofi: 90,000 views by {by}: 60,000 of 90,000 (67%)")
    each = c.post(
        "/api/v1/goals",
        json={"artist": "Nova Vale", "metric": "views", "target": 50000, "first_days": 28},
        headers=api["editor"],
    )
    assert each.status_code == 201, each.get_json()
    launch = each.get_json()["data"]
    assert launch["each_launch"] and launch["goal"].endswith("first 28 days of each launch")
    # one launch, 61 days ago: 28,000 in its first 28 days, so missed
    assert [(x["release"], x["status"], x["current"]) for x in launch["launches"]] == [
        ("Neon Tides", "missed", 28000)
    ]
    assert launch["status"] == "missed" and launch["current"] == 28000
    unknown = c.post(
        "/api/v1/goals",
        json={"tag": "nowhere", "metric": "views", "target": 5, "by": by},
        headers=api["editor"],
    )
    assert unknown.status_code == 400
    assert unknown.get_json()["error"]["details"] == [
        {"field": "tag", "message": "No release carries the tag 'nowhere'"}
    ]
    api_rows = {g["id"]: g for g in c.get("/api/v1/goals").get_json()["data"]}
    cli = CliRunner().invoke(
        main, ["goal", "list", "--json"], env={"DATABASE_URL": db_url, "PERFDASH_TZ": "UTC"}
    )
    assert cli.exit_code == 0, cli.output
    cli_rows = [json.loads(line) for line in cli.output.splitlines()]
    assert [r["id"] for r in cli_rows] == sorted(api_rows)
    for row in cli_rows:
        mine = api_rows[row["id"]]
        assert (row["status"], row["current"], row["projected"]) == (
            mine["status"],
            mine["current"],
            mine["projected"],
        )
        assert [x["status"] for x in row["launches"]] == [x["status"] for x in mine["launches"]]
