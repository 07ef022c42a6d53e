"""`perfdash goal` end to end on the demo catalog: the demo's goal listed with its progress,
goals added for a release and an artist, a bad one refused by field, one removed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from perfdash.cli import main


def run(args, url):
    return CliRunner().invoke(main, args, env={"DATABASE_URL": url})


def test_goal_add_list_remove(demo_db):
    listed = run(["goal", "list"], demo_db)
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith("#1\tNeon Tides: ") and " views by " in listed.output
    added = run(
        [
            "goal",
            "add",
            "--release",
            "demo-002",
            "--metric",
            "streams",
            "--target",
            "100,000",
            "--first-days",
            "28",
        ],
        demo_db,
    )
    assert added.exit_code == 0, added.output
    assert "Goal 3 saved for demo-002: 100,000 streams in the first 28 days." in added.output
    artist = run(
        [
            "goal",
            "add",
            "--artist",
            "Nova Vale",
            "--metric",
            "views",
            "--target",
            "5000000",
            "--by",
            "2099-01-01",
        ],
        demo_db,
    )
    assert artist.exit_code == 0, artist.output
    bad = run(["goal", "add", "--release", "nope", "--metric", "views", "--target", "-3"], demo_db)
    assert bad.exit_code != 0
    assert "release: No release with key or id 'nope'" in bad.output
    assert "target: Target must not be negative" in bad.output
    assert "by: Give a day" in bad.output
    rows = [
        json.loads(line) for line in run(["goal", "list", "--json"], demo_db).output.splitlines()
    ]
    assert [r["id"] for r in rows] == [1, 2, 3, 4]  # the demo's two, then these
    assert rows[1]["goal"].startswith("tag summer-campaign: ")
    assert rows[1]["status"] == "on track" and rows[1]["projected"] is not None
    assert rows[2]["goal"].endswith(": 100,000 streams in the first 28 days")
    assert rows[3]["goal"] == "Nova Vale: 5,000,000 views by 2099-01-01"
    assert all(
        r["status"] in ("reached", "on track", "off track", "missed", "no forecast") for r in rows
    )
    assert run(["goal", "remove", "3"], demo_db).exit_code == 0
    assert run(["goal", "remove", "3"], demo_db).exit_code != 0
    assert len(run(["goal", "list"], demo_db).output.splitlines()) == 3
