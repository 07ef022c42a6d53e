"""An artist-scoped API token across every read the API documents: only its artists' releases,
and a release outside them answers exactly as an unknown one.

The reads are enumerated from the served OpenAPI document, so a new path cannot be left out:
a GET path this test does not know how to fill in fails it.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from perfdash import auth, create_app, store
from perfdash.config import Settings

SECRET = "scope-test-secret-key-0123456789-abcdefghij"
MINE = "Nova Vale"
KEY = re.compile(r"(?<![\w-])demo-\d{3}(?!\d)")
# GET paths that hold no release: a job is seen by its random id only
NO_RELEASES = {"/jobs/{job_id}"}
EDITORS = {"/shares"}  # an editor's own share links: a scoped token is a viewer, refused
ONE_DAY = "from=2026-10-01&to=2026-10-02"  # a day of the demo's readings: every release


class Catalog:
    """The demo catalog split into the scoped token's releases and everyone else's."""

    def __init__(self, engine) -> None:
        rows = store.releases_page(engine, limit=1000)
        self.mine = {r["id"]: r for r in rows if r["artist_name"] == MINE}
        self.theirs = {r["id"]: r for r in rows if r["artist_name"] != MINE}
        self.my_keys = {r["release_id"] for r in self.mine.values()}
        self.their_keys = {r["release_id"] for r in self.theirs.values()}
        self.their_artists = {r["artist_name"] for r in self.theirs.values()} - {None}
        readings = store.readings_page(engine, limit=5000)
        self.my_reading = next(r["id"] for r in readings if r["release_id"] in self.mine)
        self.their_reading = next(r["id"] for r in readings if r["release_id"] in self.theirs)

    def leaks(self, body: Any, text: str) -> list[str]:
        """What in an answer belongs to another artist (empty: nothing)."""
        found = [k for k in KEY.findall(text) if k not in self.my_keys]
        found += [a for a in self.their_artists if a in text or a.replace("&", "\\u0026") in text]

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("release_id"), int) and node["release_id"] not in self.mine:
                    found.append(f"release_id {node['release_id']}")
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(body)
        return found


def _notes_and_goals(engine) -> None:
    """Notes and goals on both sides of the scope (the demo has one goal, on Nova Vale)."""
    rows = store.releases_page(engine, limit=1000)
    mine = next(r["id"] for r in rows if r["artist_name"] == MINE)
    theirs = next(r for r in rows if r["artist_name"] != MINE)
    at = datetime(2026, 10, 1, tzinfo=UTC)
    store.create_annotation(engine, mine, at, "Nova Vale on a playlist")
    store.create_annotation(engine, theirs["id"], at, f"{theirs['artist_name']} on the radio")
    store.create_annotation(engine, None, at, f"catalog: {theirs['artist_name']} signs")
    due = date(2027, 6, 1)
    for scope, values in (
        ("release", dict(release_id=theirs["id"])),
        ("artist", dict(artist_name=MINE)),
        ("artist", dict(artist_name=theirs["artist_name"])),
        ("tag", dict(tag="lofi")),
    ):
        store.create_goal(
            engine, scope=scope, metric_type="views", target=10**9, due_on=due, **values
        )


@pytest.fixture
def api(demo_db):
    engine = store.make_engine(demo_db)
    _notes_and_goals(engine)
    scoped = auth.create_token(engine, "nova-script", "viewer", [MINE])
    everyone = auth.create_token(engine, "all-script", "viewer")
    app = create_app(
        Settings(database_url=demo_db, auth="required", secret_key=SECRET), engine=engine
    )
    client = app.server.test_client()
    cat = Catalog(engine)
    yield (
        client,
        cat,
        {"Authorization": f"Bearer {scoped}"},
        {"Authorization": f"Bearer {everyone}"},
    )
    engine.dispose()


def _reads(client) -> dict[str, dict]:
    doc = client.get("/api/v1/openapi.json").get_json()
    return {path: ops["get"] for path, ops in doc["paths"].items() if "get" in ops}


def _requests(path: str, cat: Catalog) -> tuple[list[str], list[tuple[str, str]]]:
    """(URLs of the scoped token's releases, (URL of another artist's release, URL of an
    unknown one) pairs) for one documented GET path."""
    mine, theirs = sorted(cat.mine)[0], sorted(cat.theirs)[0]
    key, their_key = cat.mine[mine]["release_id"], cat.theirs[theirs]["release_id"]
    other = sorted(cat.their_artists)[0]
    v1 = "/api/v1"
    table: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
        "/releases": (
            [f"{v1}/releases?limit=100", f"{v1}/releases?q=demo"],
            [],
        ),
        "/releases/{release_id}": (
            [f"{v1}/releases/{mine}"],
            [(f"{v1}/releases/{theirs}", f"{v1}/releases/99999")],
        ),
        "/releases/{release_id}/tags": (
            [f"{v1}/releases/{mine}/tags"],
            [(f"{v1}/releases/{theirs}/tags", f"{v1}/releases/99999/tags")],
        ),
        "/metrics": (
            [f"{v1}/metrics?limit=1000&{ONE_DAY}", f"{v1}/metrics?limit=1000&format=csv&{ONE_DAY}"],
            [
                (f"{v1}/metrics?release_id={theirs}", f"{v1}/metrics?release_id=99999"),
                (f"{v1}/metrics?release_key={their_key}", f"{v1}/metrics?release_key=nope-1"),
            ],
        ),
        "/metrics/{metric_id}": (
            [f"{v1}/metrics/{cat.my_reading}"],
            [(f"{v1}/metrics/{cat.their_reading}", f"{v1}/metrics/99999999")],
        ),
        "/annotations": (
            [f"{v1}/annotations", f"{v1}/annotations?release={mine}"],
            [(f"{v1}/annotations?release={theirs}", f"{v1}/annotations?release=99999")],
        ),
        "/kpis": (
            [f"{v1}/kpis", f"{v1}/kpis?release={key}", f"{v1}/kpis?tag=lofi"],
            [(f"{v1}/kpis?release={theirs}", f"{v1}/kpis?release=99999")],
        ),
        "/series": (
            [f"{v1}/series", f"{v1}/series?release={mine}"],
            [(f"{v1}/series?release={their_key}", f"{v1}/series?release=nope-1")],
        ),
        "/leaderboard": (
            [f"{v1}/leaderboard?limit=100", f"{v1}/leaderboard?limit=100&archived=1"],
            [],
        ),
        "/forecast": (
            [f"{v1}/forecast?release={mine}"],
            [(f"{v1}/forecast?release={theirs}", f"{v1}/forecast?release=99999")],
        ),
        "/artists": ([f"{v1}/artists?limit=100"], []),
        "/countries": (
            [f"{v1}/countries", f"{v1}/countries?release={mine}", f"{v1}/countries?tag=lofi"],
            [(f"{v1}/countries?release={theirs}", f"{v1}/countries?release=99999")],
        ),
        "/artists/{name}": (
            [f"{v1}/artists/{MINE}"],
            [(f"{v1}/artists/{other}", f"{v1}/artists/Nobody At All")],
        ),
        "/insights/prompts": (
            [f"{v1}/insights/prompts", f"{v1}/insights/prompts?format=csv"],
            [],
        ),
        "/goals": ([f"{v1}/goals"], []),
        "/tags": ([f"{v1}/tags"], []),
        "/views": ([f"{v1}/views"], []),  # the token's own saved views
    }
    assert path in table, f"a documented read this test does not cover: GET {path}"
    return table[path]


def _asked(theirs: str, unknown: str) -> tuple[str, str]:
    """The part two URLs differ by (a release id or key, an artist's name)."""
    a, b = theirs.split("/api/v1/")[1], unknown.split("/api/v1/")[1]
    start = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
    end = next(i for i, (x, y) in enumerate(zip(a[::-1], b[::-1], strict=False)) if x != y)
    return a[start : len(a) - end], b[start : len(b) - end]


def _body(response) -> tuple[Any, str]:
    text = response.get_data(as_text=True)
    return (response.get_json(silent=True), text)


def test_every_documented_read_holds_only_the_tokens_artists(api):
    client, cat, scoped, everyone = api
    reads = sorted(set(_reads(client)) - NO_RELEASES - EDITORS)
    for path in EDITORS:
        assert client.get(f"/api/v1{path}", headers=scoped).status_code == 403
    assert {"/releases", "/metrics", "/kpis", "/leaderboard", "/artists", "/goals"} <= set(reads)
    checked = 0
    for path in reads:
        urls, _ = _requests(path, cat)
        for url in urls:
            answer = client.get(url, headers=scoped)
            assert answer.status_code == 200, (url, answer.get_data(as_text=True)[:300])
            body, text = _body(answer)
            assert cat.leaks(body, text) == [], url
            checked += 1
    assert checked >= 20


def test_the_same_reads_without_a_scope_show_other_artists(api):
    """The check above can fail: an unscoped token's catalog-wide answers hold other artists."""
    client, cat, _, everyone = api
    for url in (
        "/api/v1/releases?limit=100",
        f"/api/v1/metrics?limit=1000&format=csv&{ONE_DAY}",
        "/api/v1/leaderboard?limit=100",
        "/api/v1/artists?limit=100",
        "/api/v1/goals",
    ):
        answer = client.get(url, headers=everyone)
        assert answer.status_code == 200
        assert cat.leaks(*_body(answer)), url


def test_another_artists_release_answers_like_an_unknown_one(api):
    client, cat, scoped, everyone = api
    reads = sorted(set(_reads(client)) - NO_RELEASES - EDITORS)
    pairs = [p for path in reads for p in _requests(path, cat)[1]]
    assert len(pairs) >= 9
    for theirs, unknown in pairs:
        hidden = client.get(theirs, headers=scoped)
        missing = client.get(unknown, headers=scoped)
        assert hidden.status_code == missing.status_code, theirs
        assert hidden.status_code in (404, 200), theirs
        if hidden.status_code == 200:  # a filter naming no release of the scope: empty
            assert hidden.get_json()["data"] == missing.get_json()["data"] == [], theirs
            continue
        # the same words, but for the name asked for (each answer repeats its own)
        asked = _asked(theirs, unknown)
        said = hidden.get_data(as_text=True).replace(asked[0], "?")
        assert said == missing.get_data(as_text=True).replace(asked[1], "?"), theirs
        # the unscoped token sees it, so the 404 is the scope's
        assert client.get(theirs, headers=everyone).status_code == 200, theirs


def test_scoped_numbers_are_the_sums_of_the_artists_releases(api):
    """The catalog's KPIs for a scoped token are its releases' together, not the catalog's."""
    client, cat, scoped, everyone = api
    catalog = client.get("/api/v1/kpis", headers=everyone).get_json()["kpis"]
    mine = client.get("/api/v1/kpis", headers=scoped).get_json()["kpis"]
    query = "&".join(f"release={pk}" for pk in sorted(cat.mine))
    named = client.get(f"/api/v1/kpis?{query}", headers=everyone).get_json()["kpis"]

    def totals(kpis):
        return {(k["metric_type"], k["currency"]): (k["total"], k["gain"]) for k in kpis}

    assert totals(mine) == totals(named)
    assert totals(mine) != totals(catalog)
    views = totals(mine)[("views", None)][0]
    assert 0 < views < totals(catalog)[("views", None)][0]

    board = client.get("/api/v1/leaderboard?limit=100", headers=scoped).get_json()["rows"]
    assert {r["release_key"] for r in board} == cat.my_keys
    artists = client.get("/api/v1/artists?limit=100", headers=scoped).get_json()["artists"]
    assert [a["artist_name"] for a in artists] == [MINE]
    prompts = client.get("/api/v1/insights/prompts", headers=scoped).get_json()
    assert prompts["releases"] == len(cat.mine)


def test_the_csv_export_holds_only_the_tokens_releases(api):
    client, cat, scoped, everyone = api

    def keys(headers) -> set[str]:
        answer = client.get(f"/api/v1/metrics?limit=1000&format=csv&{ONE_DAY}", headers=headers)
        assert answer.status_code == 200 and answer.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
        assert 0 < len(rows) < 1000  # the whole day, not a page of it
        return {r["release_key"] for r in rows}

    assert keys(scoped) == cat.my_keys  # each of its releases has readings that day
    assert keys(everyone) == cat.my_keys | cat.their_keys


def test_a_scoped_token_cannot_make_a_share_link(api):
    """A scoped token is a viewer; making a link needs an editor."""
    client, cat, scoped, _ = api
    answer = client.post(
        "/api/v1/shares", headers=scoped, json={"view": f"/dashboard?release={min(cat.mine)}"}
    )
    assert answer.status_code == 403
