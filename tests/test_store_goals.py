"""Goals in the store and through ingest on SQLite and PostgreSQL: saved, listed by release and
artist, refused with a message per field and nothing written, deleted with their release."""

from __future__ import annotations

from datetime import date

import pytest

from perfdash import store
from perfdash.ingest.goals import save_goal

TODAY = date(2026, 3, 1)


@pytest.fixture
def world(engine):
    a = store.create_release(engine, "rel-a", title="Neon Tides", artist_name="Nova Vale")
    b = store.create_release(engine, "rel-b", title="Glass Horizon", artist_name="Nova Vale")
    return {"engine": engine, "a": a, "b": b}


def test_goals_are_saved_listed_and_deleted(world):
    engine = world["engine"]
    one = save_goal(
        engine,
        {"release": "rel-a", "metric": "views", "target": "1,000,000", "by": "2027-03-01"},
        today=TODAY,
        created_by="ed",
    )
    assert one.ok, one.errors
    assert one.message == "Goal 1 saved for rel-a: 1,000,000 views by 2027-03-01."
    two = save_goal(
        engine,
        {"release": world["b"], "metric": "streams", "target": 100_000, "first_days": 28},
        today=TODAY,
    )
    assert two.ok and "100,000 streams in the first 28 days" in two.message
    three = save_goal(
        engine,
        {"artist": "Nova Vale", "metric": "views", "target": 5, "by": "2026-03-01"},
        today=TODAY,
    )
    assert three.ok
    rows = store.list_goals(engine)
    assert [(r["scope"], r["release_key"], r["artist_name"]) for r in rows] == [
        ("release", "rel-a", None),
        ("release", "rel-b", None),
        ("artist", None, "Nova Vale"),
    ]
    assert rows[0]["due_on"] == date(2027, 3, 1) and rows[0]["target"] == 1_000_000
    assert rows[0]["created_by"] == "ed" and rows[1]["first_days"] == 28
    mine = store.list_goals(engine, release_ids=[world["a"]], artists=["Nova Vale"])
    assert [r["id"] for r in mine] == [one.id, three.id]
    assert store.list_goals(engine, release_ids=[], artists=[]) == []
    assert store.delete_goal(engine, one.id) and not store.delete_goal(engine, one.id)
    store.delete_release(engine, world["b"])
    assert [r["id"] for r in store.list_goals(engine)] == [three.id]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"metric": "views", "target": 5, "by": "2027-01-01"}, "release", "Name one release"),
        (
            {"release": "nope", "metric": "views", "target": 5, "by": "2027-01-01"},
            "release",
            "No release",
        ),
        (
            {"artist": "Nobody", "metric": "views", "target": 5, "by": "2027-01-01"},
            "artist",
            "No release is credited",
        ),
        (
            {
                "release": "rel-a",
                "artist": "Nova Vale",
                "metric": "views",
                "target": 5,
                "by": "2027-01-01",
            },
            "release",
            "Name one release",
        ),
        (
            {"release": "rel-a", "metric": "views", "target": -5, "by": "2027-01-01"},
            "target",
            "negative",
        ),
        (
            {"release": "rel-a", "metric": "views", "target": 0, "by": "2027-01-01"},
            "target",
            "above 0",
        ),
        (
            {"release": "rel-a", "metric": "views", "target": "1e99", "by": "2027-01-01"},
            "target",
            "",
        ),
        ({"release": "rel-a", "metric": "views", "target": 5}, "by", "one of them"),
        (
            {
                "release": "rel-a",
                "metric": "views",
                "target": 5,
                "by": "2027-01-01",
                "first_days": 7,
            },
            "by",
            "one of them",
        ),
        (
            {"release": "rel-a", "metric": "views", "target": 5, "by": "2026-02-01"},
            "by",
            "in the past",
        ),
        ({"release": "rel-a", "metric": "views", "target": 5, "by": "soon"}, "by", "YYYY-MM-DD"),
        (
            {"release": "rel-a", "metric": "views", "target": 5, "first_days": 0},
            "first_days",
            "1 to 3,650",
        ),
        (
            {"release": "rel-a", "metric": "rank", "target": 5, "by": "2027-01-01"},
            "metric",
            "a score",
        ),
        (
            {"release": "rel-a", "metric": "vi\x00ews", "target": 5, "by": "2027-01-01"},
            "metric",
            "",
        ),
        (
            {"release": "rel-a", "metric": ["views"], "target": 5, "by": "2027-01-01"},
            "metric",
            "Must be text",
        ),
        (
            {"tag": "lofi", "metric": "views", "target": 5, "by": "2027-01-01"},
            "tag",
            "No release carries the tag 'lofi'",
        ),
        (
            {"tag": "lo fi!", "metric": "views", "target": 5, "by": "2027-01-01"},
            "tag",
            "letters, digits and inner hyphens",
        ),
        (
            {"release": "rel-a", "metric": "views", "target": 5, "by": "2027-01-01", "x": 1},
            "x",
            "Unknown field",
        ),
    ],
)
def test_bad_goals_are_refused_by_field_and_write_nothing(world, fields, field, words):
    saved = save_goal(world["engine"], fields, today=TODAY)
    assert not saved.ok
    assert field in saved.errors and words in saved.errors[field]
    assert saved.message.startswith("Nothing was saved")
    assert store.list_goals(world["engine"]) == []


def test_tag_goals_and_an_artists_goal_of_each_launch_are_saved_and_listed(world):
    engine = world["engine"]
    store.set_release_tags(engine, world["a"], ["summer-campaign"])
    tagged = save_goal(
        engine,
        {"tag": " Summer Campaign ", "metric": "views", "target": "50,000", "by": "2026-06-01"},
        today=TODAY,
    )
    assert tagged.ok, tagged.errors
    assert tagged.message == (
        f"Goal {tagged.id} saved for tag summer-campaign: 50,000 views by 2026-06-01."
    )
    each = save_goal(
        engine,
        {"artist": "Nova Vale", "metric": "streams", "target": "100,000", "first_days": "28"},
        today=TODAY,
    )
    assert each.ok, each.errors
    assert "100,000 streams in the first 28 days of each launch" in each.message
    rows = {r["id"]: r for r in store.list_goals(engine)}
    assert (rows[tagged.id]["scope"], rows[tagged.id]["tag"]) == ("tag", "summer-campaign")
    assert (rows[each.id]["scope"], rows[each.id]["first_days"]) == ("artist", 28)
    only_tag = store.list_goals(engine, release_ids=[], artists=[], tags=["summer-campaign"])
    assert [r["id"] for r in only_tag] == [tagged.id]
    assert store.list_goals(engine, tags=["lofi"]) == []
    two = save_goal(
        engine,
        {
            "tag": "summer-campaign",
            "artist": "Nova Vale",
            "metric": "views",
            "target": 5,
            "by": "2026-06-01",
        },
        today=TODAY,
    )
    assert not two.ok and "one tag" in two.errors["release"]
