"""ISRC and UPC on releases: read the same by every face, unique where set (the refusal names
the release that holds the code), found by the pickers' search, the API's lookup and a CSV file.
On SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from perfdash import auth, create_app, csvio, store
from perfdash.cli import main
from perfdash.config import Settings
from perfdash.ingest.codes import clean_isrc, clean_upc, upc_check_digit
from perfdash.ingest.releases import save_release
from perfdash.migrations import upgrade
from perfdash.ui import components
from perfdash.ui.pages.entry.releases import save_form

# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("US-RC1-76-07839", "USRC17607839"),
        ("usrc17607839", "USRC17607839"),
        ("GB-AYE-05-00001", "GBAYE0500001"),
        ("FR Z03 21 00057", "FRZ032100057"),
        ("QZ-ES6-24-12345", "QZES62412345"),
    ],
)
def test_isrc_is_read_without_separators_in_capitals(raw, code):
    assert clean_isrc(raw) == (code, None)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("USRC1760783", "12 characters"),
        ("USRC176078390", "12 characters"),
        ("U1RC17607839", "country (2 letters)"),
        ("USR_17607839", "registrant"),
        ("USRC1760783X", "designation (5 digits)"),
        ("US/RC1/76/07839", "12 characters"),
    ],
)
def test_isrc_refused_names_its_parts(raw, words):
    code, error = clean_isrc(raw)
    assert code is None and words in error and "ISRC" in error


def test_upc_check_digit_is_gs1():
    assert upc_check_digit("03600029145") == 2  # UPC-A 036000291452
    assert upc_check_digit("400638133393") == 1  # EAN-13 4006381333931
    assert clean_upc("0 36000 29145 2") == ("036000291452", None)
    assert clean_upc("4006381333931") == ("4006381333931", None)
    code, error = clean_upc("4006381333932")
    assert code is None and "check digit" in error and "ends in 1" in error
    assert clean_upc("") == (None, None)
    assert clean_upc(None) == (None, None)


# --------------------------------------------------------------------------- the store


def test_codes_are_unique_and_the_refusal_names_the_holder(engine):
    first = save_release(
        engine,
        None,
        {
            "release_key": "r-1",
            "title": "Night Drive",
            "artist_name": "Nova",
            "isrc": "US-RC1-76-07839",
            "upc": "036000291452",
        },
    )
    assert first.id and not first.errors
    again = save_release(engine, None, {"release_key": "r-2", "isrc": "usrc17607839"})
    assert again.id is None and again.conflict
    assert again.errors == {
        "isrc": "ISRC USRC17607839 already belongs to release 'r-1' (Night Drive by Nova)"
    }
    # the EAN-13 form of the same UPC-A is the same product
    ean = save_release(engine, None, {"release_key": "r-3", "upc": "0036000291452"})
    assert ean.conflict and "already belongs to release 'r-1'" in ean.errors["upc"]
    assert store.count_releases(engine) == 1
    # an edit may keep its own codes; taking another's is refused, changing nothing
    other = save_release(engine, None, {"release_key": "r-4", "isrc": "GBAYE0500001"})
    assert save_release(engine, first.id, {"release_key": "r-1", "isrc": "USRC17607839"}).id
    taken = save_release(engine, other.id, {"release_key": "r-4", "isrc": "USRC17607839"})
    assert taken.conflict and store.get_release(engine, other.id)["isrc"] == "GBAYE0500001"
    # cleared codes free them; NULLs never collide
    assert save_release(engine, first.id, {"release_key": "r-1", "isrc": ""}).id
    assert store.get_release(engine, first.id)["isrc"] is None
    assert save_release(engine, None, {"release_key": "r-5"}).id
    assert save_release(engine, None, {"release_key": "r-6"}).id


def test_the_unique_index_guards_what_the_store_did_not_check(engine):
    store.create_release(engine, "a", isrc="USRC17607839")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(
            sa.text("insert into approved_releases (release_id, isrc) values ('b', 'USRC17607839')")
        )


def test_lookups_and_search_by_code(engine):
    a = store.create_release(engine, "a", title="Alpha", isrc="USRC17607839", upc="036000291452")
    b = store.create_release(engine, "b", title="Beta", upc="4006381333931")
    assert store.release_ids_for_codes(engine, "isrc", ["USRC17607839", "GBAYE0500001"]) == {
        "USRC17607839": a
    }
    assert store.release_ids_for_codes(engine, "upc", ["0036000291452", "4006381333931"]) == {
        "0036000291452": a,
        "4006381333931": b,
    }
    assert [r["id"] for r in store.search_releases(engine, "US-RC1-76")] == [a]
    assert [r["id"] for r in store.search_releases(engine, "usrc176")] == [a]
    assert [r["id"] for r in store.search_releases(engine, "40063813")] == [b]
    assert [r["id"] for r in store.releases_page(engine, query="0360002")] == [a]
    # the picker's option carries the codes, as typed with or without dashes
    option = components.release_option(store.get_release(engine, a))
    assert "USRC17607839" in option["search"] and "US-RC1-76-07839" in option["search"]
    assert "036000291452" in option["search"]


def test_the_release_editor_saves_codes_and_shows_refusals(engine):
    pk, errors, message = save_form(
        engine, None, {"key": "f-1", "title": "T", "isrc": "US-RC1-76-07839", "upc": ""}, tz="UTC"
    )
    assert pk and not errors and store.get_release(engine, pk)["isrc"] == "USRC17607839"
    pk2, errors, message = save_form(
        engine, None, {"key": "f-2", "isrc": "USRC17607839", "upc": "036000291453"}, tz="UTC"
    )
    assert pk2 is None and "check digit" in errors["upc"]
    pk3, errors, message = save_form(engine, None, {"key": "f-3", "isrc": "USRC17607839"}, tz="UTC")
    assert pk3 is None and errors == {
        "isrc": "ISRC USRC17607839 already belongs to release 'f-1' (T)"
    }


def test_migration_keeps_every_row_and_adds_the_codes(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = store.make_engine(url)
    from alembic import command

    from perfdash.migrations import alembic_config

    command.upgrade(alembic_config(engine), "0016")
    with engine.begin() as conn:
        conn.execute(
            sa.text("insert into approved_releases (release_id, title) values ('old', 'Old')")
        )
        conn.execute(sa.text("insert into approved_releases (release_id) values ('old2')"))
    upgrade(engine)
    rows = store.releases_page(engine)
    assert [(r["release_id"], r["title"], r["isrc"], r["upc"]) for r in rows] == [
        ("old", "Old", None, None),
        ("old2", None, None, None),
    ]
    engine.dispose()


# --------------------------------------------------------------------------- the API


@pytest.fixture
def api(db_url):
    engine = store.make_engine(db_url)
    app = create_app(Settings(database_url=db_url), engine=engine)
    token = auth.create_token(engine, "script", "editor")
    yield app.server.test_client(), {"Authorization": f"Bearer {token}"}, engine
    engine.dispose()


def test_api_creates_reads_updates_and_looks_up_by_code(api):
    client, headers, engine = api
    made = client.post(
        "/api/v1/releases",
        json={"release_key": "api-1", "title": "One", "isrc": "US-RC1-76-07839"},
        headers=headers,
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["isrc"] == "USRC17607839" and body["upc"] is None
    pk = body["id"]
    changed = client.patch(
        f"/api/v1/releases/{pk}", json={"upc": "0-36000-29145-2"}, headers=headers
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["upc"] == "036000291452"
    assert changed.get_json()["title"] == "One"  # a field not named stays
    assert client.get(f"/api/v1/releases/{pk}", headers=headers).get_json()["upc"] == "036000291452"

    found = client.get("/api/v1/releases?isrc=usrc-176-0783", headers=headers)
    assert found.status_code == 400  # not the ISRC's parts: a refusal naming the field
    assert found.get_json()["error"]["details"][0]["field"] == "isrc"
    found = client.get("/api/v1/releases?isrc=US-RC1-76-07839", headers=headers).get_json()
    assert [r["release_key"] for r in found["data"]] == ["api-1"]
    found = client.get("/api/v1/releases?upc=0036000291452", headers=headers).get_json()
    assert [r["release_key"] for r in found["data"]] == ["api-1"]
    found = client.get("/api/v1/releases?upc=4006381333931", headers=headers).get_json()
    assert found["data"] == []

    dup = client.post(
        "/api/v1/releases", json={"release_key": "api-2", "isrc": "USRC17607839"}, headers=headers
    )
    assert dup.status_code == 409
    assert "already belongs to release 'api-1'" in dup.get_json()["error"]["message"]
    assert dup.get_json()["error"]["details"][0]["field"] == "isrc"
    other = client.post("/api/v1/releases", json={"release_key": "api-3"}, headers=headers)
    taken = client.patch(
        f"/api/v1/releases/{other.get_json()['id']}", json={"upc": "036000291452"}, headers=headers
    )
    assert taken.status_code == 409 and "'api-1'" in taken.get_json()["error"]["message"]
    bad = client.patch(f"/api/v1/releases/{pk}", json={"isrc": "nope"}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["details"][0]["field"] == "isrc"
    assert client.patch("/api/v1/releases/999999", json={}, headers=headers).status_code == 404
    assert client.patch(f"/api/v1/releases/{pk}", json={"x": 1}, headers=headers).status_code == 400
    assert store.get_release(engine, pk)["isrc"] == "USRC17607839"


# --------------------------------------------------------------------------- CSV


def _csv(*rows: str) -> bytes:
    head = "release_key,platform,metric_type,metric_value,recorded_at,release_title,isrc,upc"
    return ("\n".join([head, *rows]) + "\n").encode()


def test_csv_codes_are_checked_by_line_and_set_on_created_releases(engine):
    bad = csvio.import_csv(
        engine,
        _csv(
            "k1,Spotify,streams,10,2026-01-01,One,US-RC1-76-07839,036000291452",
            "k2,Spotify,streams,10,2026-01-01,Two,USRC1760783,",
            "k3,Spotify,streams,10,2026-01-01,Three,,036000291453",
        ),
        create_missing=True,
    )
    assert not bad.committed and store.count_releases(engine) == 0
    lines = bad.problem_lines()
    assert lines[0].startswith("line 3, isrc: ISRC must be 12 characters")
    assert lines[1].startswith("line 4, upc: UPC 036000291453's check digit is wrong")
    good = csvio.import_csv(
        engine,
        _csv("k1,Spotify,streams,10,2026-01-01,One,US-RC1-76-07839,036000291452"),
        create_missing=True,
    )
    assert good.committed and good.written == 1
    release = store.get_release_by_key(engine, "k1")
    assert (release["isrc"], release["upc"]) == ("USRC17607839", "036000291452")
    out = io.StringIO()
    csvio.export_csv(engine, out)
    header, row = out.getvalue().splitlines()
    assert ",isrc,upc," in header and ",USRC17607839,036000291452," in row


def test_export_then_import_into_an_empty_database_keeps_the_codes(engine, tmp_path):
    store.create_release(engine, "x", title="X", isrc="GBAYE0500001", upc="4006381333931")
    csvio.import_csv(
        engine,
        b"release_key,platform,metric_type,metric_value,recorded_at\nx,YouTube,views,5,2026-01-02\n",
    )
    path = tmp_path / "out.csv"
    with path.open("w") as fh:
        csvio.export_csv(engine, fh)
    target = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    copy = store.make_engine(target)
    upgrade(copy)
    result = CliRunner().invoke(
        main, ["import", str(path), "-q", "--create-missing", "--database-url", target]
    )
    assert result.exit_code == 0, result.output
    release = store.get_release_by_key(copy, "x")
    assert (release["isrc"], release["upc"]) == ("GBAYE0500001", "4006381333931")
    copy.dispose()
