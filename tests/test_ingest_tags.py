"""Tags: the rule (normalisation, characters, length, count) on its own, the write path on
SQLite and PostgreSQL (set, add, remove, all or nothing), and hostile inputs over every face
that writes tags (ingest, the API, the CLI): each refused with the same words, nothing changed."""

from __future__ import annotations

import pytest
from bad_inputs import EMOJI, HTML, HUGE, RTL, SQL
from click.testing import CliRunner

from perfdash import auth, create_app, store
from perfdash.cli import main
from perfdash.config import Settings
from perfdash.ingest.tags import MAX_TAGS, clean_tag, clean_tags, tag_release


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("lofi", "lofi"),
        ("  Summer Campaign ", "summer-campaign"),
        ("summer_campaign", "summer-campaign"),
        ("-Summer--Campaign-", "summer-campaign"),
        ("LO\u2011FI".replace("\u2011", "-"), "lo-fi"),
        ("Ｌｏｆｉ", "lofi"),  # full-width letters: NFKC
        ("Über", "über"),
        ("東京", "東京"),
        ("2026", "2026"),
    ],
)
def test_a_tag_is_normalised(raw, tag):
    assert clean_tag(raw) == (tag, None)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-", "empty"),
        ("x" * 51, "too long"),
        (HUGE, "too long"),
        ("lo\x00fi", "control characters"),
        ("lo\nfi", "control characters"),
        ("lo\u200bfi", "invisible"),
        (RTL, "invisible"),
        ("lo\ud800fi", "broken characters"),
        ("🎵", "letters, digits"),
        ("rock&roll", "letters, digits"),
        (HTML, "too long"),
        ("<b>lofi</b>", "letters, digits"),
        (SQL, "letters, digits"),
        (12, "must be text"),
        (None, "must be text"),
    ],
)
def test_a_bad_tag_is_refused_with_its_reason(raw, words):
    tag, problem = clean_tag(raw)
    assert tag is None and words in problem


def test_a_list_of_tags_is_normalised_once_each_and_bounded():
    assert clean_tags("lofi, Lo-Fi ,LOFI, summer campaign") == (
        ["lo-fi", "lofi", "summer-campaign"],
        None,
    )
    assert clean_tags(["b", "a", "A"]) == (["a", "b"], None)
    assert clean_tags(None) == ([], None) and clean_tags("") == ([], None)
    assert "at most 20" in clean_tags([f"t{i}" for i in range(MAX_TAGS + 1)])[1]
    assert clean_tags({"a": 1})[1].startswith("Tags must be a list")
    assert "invisible" in clean_tags(["fine", EMOJI])[1]  # its emoji has a zero-width joiner


def test_tags_are_set_added_and_removed_all_or_nothing(engine):
    rid = store.create_release(engine, "rel-1", title="Neon Tides")
    other = store.create_release(engine, "rel-2", title="Glass Horizon")
    assert tag_release(engine, rid, ["Summer Campaign", "lofi"]).tags == ["lofi", "summer-campaign"]
    assert tag_release(engine, rid, "chill", mode="add").tags == [
        "chill",
        "lofi",
        "summer-campaign",
    ]
    assert tag_release(engine, rid, ["LOFI"], mode="remove").tags == ["chill", "summer-campaign"]
    tag_release(engine, other, ["lofi", "chill"])
    assert store.release_tags_of(engine) == {
        rid: ["chill", "summer-campaign"],
        other: ["chill", "lofi"],
    }
    # a bad tag among good ones changes nothing
    refused = tag_release(engine, rid, ["fine", "no good!"], mode="add")
    assert not refused.ok and "'no good!'" in refused.error
    assert store.release_tags_of(engine, [rid])[rid] == ["chill", "summer-campaign"]
    # too many after adding: nothing
    many = [f"t{i}" for i in range(MAX_TAGS - 1)]
    assert not tag_release(engine, rid, many, mode="add").ok
    assert len(store.release_tags_of(engine, [rid])[rid]) == 2
    assert "no release with id" in tag_release(engine, 999_999, ["x"]).error
    assert tag_release(engine, rid, [], mode="set").tags == []
    assert store.list_tags(engine) == [
        {"tag": "chill", "releases": 1},
        {"tag": "lofi", "releases": 1},
    ]
    assert store.tagged_release_ids(engine, "chill") == [other]
    store.set_release_archived(engine, other, True)  # archived: out of the tag's releases
    assert store.tagged_release_ids(engine, "chill") == []
    assert store.tagged_release_ids(engine, "chill", archived=True) == [other]
    store.delete_release(engine, other)  # its tags go with it
    assert store.release_tags_of(engine) == {}


HOSTILE = [
    ("huge", HUGE, "too long"),
    ("html", HTML, "too long"),
    ("markup", "<b>lofi</b>", "letters, digits"),
    ("emoji", EMOJI, "invisible"),
    ("note", "🎵", "letters, digits"),
    ("rtl", RTL, "invisible"),
    ("sql", SQL, "letters, digits"),
    ("control", "lo\x07fi", "control characters"),
]


@pytest.fixture
def tagged(db_url, engine):
    rid = store.create_release(engine, "rel-1", title="Neon Tides")
    tag_release(engine, rid, ["lofi"])
    return rid


@pytest.mark.parametrize(("name", "raw", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_tags_are_refused_by_the_api_and_the_cli(db_url, engine, tagged, name, raw, words):
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    client = app.server.test_client()
    editor = {"Authorization": f"Bearer {auth.create_token(engine, 'script', 'editor')}"}
    answer = client.put(f"/api/v1/releases/{tagged}/tags", json={"tags": [raw]}, headers=editor)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["details"][0]["field"] == "tags" and words in error["message"]
    if "\x00" not in raw and len(raw) < 100_000:  # an argv cannot hold NUL
        out = CliRunner().invoke(main, ["release", "tag", "rel-1", raw, "--database-url", db_url])
        assert out.exit_code == 1 and "Nothing was changed" in out.output and words in out.output
        assert "Traceback" not in out.output
    assert store.release_tags_of(engine, [tagged]) == {tagged: ["lofi"]}


def test_the_api_sets_and_reads_tags(db_url, engine, tagged):
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    client = app.server.test_client()
    editor = {"Authorization": f"Bearer {auth.create_token(engine, 'script', 'editor')}"}
    viewer = {"Authorization": f"Bearer {auth.create_token(engine, 'reader', 'viewer')}"}
    put = client.put(
        f"/api/v1/releases/{tagged}/tags",
        json={"tags": ["Summer Campaign", "lofi"]},
        headers=editor,
    )
    assert put.status_code == 200
    assert put.get_json() == {
        "id": tagged,
        "release_key": "rel-1",
        "tags": ["lofi", "summer-campaign"],
    }
    assert client.get(f"/api/v1/releases/{tagged}/tags").get_json()["tags"] == [
        "lofi",
        "summer-campaign",
    ]
    assert client.get("/api/v1/tags").get_json() == {
        "tags": [{"tag": "lofi", "releases": 1}, {"tag": "summer-campaign", "releases": 1}]
    }
    denied = client.put(f"/api/v1/releases/{tagged}/tags", json={"tags": []}, headers=viewer)
    assert denied.status_code == 403
    for bad in ({"tags": "lofi"}, {"tag": ["x"]}, ["lofi"], {"tags": ["x"], "more": 1}):
        answer = client.put(f"/api/v1/releases/{tagged}/tags", json=bad, headers=editor)
        assert answer.status_code == 400
    assert (
        client.put("/api/v1/releases/999999/tags", json={"tags": []}, headers=editor).status_code
        == 404
    )
    assert store.release_tags_of(engine, [tagged])[tagged] == ["lofi", "summer-campaign"]


def test_the_cli_tags_lists_and_clears(db_url, engine, tagged):
    def run(*args):
        return CliRunner().invoke(main, ["release", "tag", *args, "--database-url", db_url])

    out = run("rel-1", "Summer Campaign")
    assert out.exit_code == 0 and out.output.strip() == "rel-1: lofi, summer-campaign."
    assert run("rel-1").output.strip() == "rel-1: lofi, summer-campaign"
    assert run("rel-1", "lofi", "--remove").output.strip() == "rel-1: summer-campaign."
    assert run("rel-1", "--set").output.strip() == "rel-1: no tags."
    assert run("rel-1").output.strip() == "rel-1 has no tags."
    missing = run("nope", "x")
    assert missing.exit_code == 1 and "No release with key 'nope'" in missing.output
