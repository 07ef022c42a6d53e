"""The corpus of tests/bad_inputs.py (``FACE_CASES``) through every face, on SQLite and
PostgreSQL: ingest directly, the API over Flask's test client, a CSV import, the entry form's
save callback (posted as the renderer posts it) and the CLI through click's CliRunner.

Every face must give the case's verdict: a refusal names the case's field (the CSV and the CLI
with the file line) in words the case lists, and changes no row; an accepted value is stored
as the case says.  So the five ways in cannot drift apart: one table, one verdict.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from auth_helpers import callback_body
from bad_inputs import CORPUS_TZ, EXACT, FACE_CASES, REFUSE, FaceCase, JsonText
from click.testing import CliRunner
from conftest import _pg_url, need

from perfdash import auth, create_app, csvio, store
from perfdash.cli import main
from perfdash.config import Settings
from perfdash.ingest.readings import record_readings
from perfdash.ingest.releases import save_release
from perfdash.migrations import upgrade
from perfdash.ui.pages.entry.releases import INGEST_NAMES, save_form
from perfdash.web import json_in

BASE_KEY = "corpus-1"
NEW_KEY = "corpus-new"
READING = {
    "platform": "YouTube",
    "metric_type": "views",
    "metric_value": "1000",
    "recorded_at": "2026-01-15T12:00:00+00:00",
    "value_kind": "total",
    "source_url": None,
    "notes": None,
    "country": None,
    "currency": None,
}
RELEASE = {"release_key": NEW_KEY, "title": "New", "artist_name": "Artist"}
CSV_COLUMN = {"title": "release_title"}  # the file's name of a field, where it differs
FIELD_OF_COLUMN = {v: k for k, v in CSV_COLUMN.items()}
FORM_FIELDS = {v: k for k, v in INGEST_NAMES.items()}
LEAKS = ("Traceback", "psycopg", "sqlite3", "[SQL", "Error(", "HINT", "CONTEXT")
FACES = ("ingest", "api", "csv", "form", "cli")


@dataclass
class Outcome:
    """What a face said: accepted, which fields it blamed, its words."""

    ok: bool
    fields: set[str] = field(default_factory=set)
    message: str = ""


@dataclass
class World:
    url: str
    engine: sa.Engine
    app: Any
    client: Any
    token: str
    base_id: int


def _world(url: str) -> World:
    engine = store.make_engine(url)
    upgrade(engine)
    base_id = store.create_release(engine, BASE_KEY, title="Corpus")
    app = create_app(Settings(database_url=url, tz=CORPUS_TZ), engine=engine)
    token = auth.create_token(engine, "corpus", "editor")
    return World(url, engine, app, app.server.test_client(), token, base_id)


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory):
    world = _world(f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'corpus.sqlite3'}")
    yield world
    world.engine.dispose()


@pytest.fixture(scope="module")
def pg_world(pg_admin, pg_template):
    if pg_admin is None:
        yield None
        return
    name = f"perfdash_corpus_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    world = _world(_pg_url(name))
    yield world
    world.engine.dispose()
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request) -> World:
    found = request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_world")
    need(found is not None, "PostgreSQL not reachable")
    return found


# --------------------------------------------------------------------------- the faces

_RAW = "__corpus_raw_json__"


def _post(client, url: str, body: Any, case: FaceCase, headers: dict | None = None):
    """POST ``body`` as JSON, the case's ``JsonText`` written as its very text."""
    raw = case.raw.text if isinstance(case.raw, JsonText) else None

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return _RAW if raw is not None and value is case.raw else value

    text = json.dumps(swap(body))
    if raw is not None:
        assert f'"{_RAW}"' in text
        text = text.replace(f'"{_RAW}"', raw)
    return client.post(url, data=text, content_type="application/json", headers=headers or {})


def _as_read(raw: Any) -> Any:
    """A case's value as the server's JSON reader hands it to ingest."""
    return json_in.loads(raw.text) if isinstance(raw, JsonText) else raw


def _reading(case: FaceCase, raw: Any = None) -> dict[str, Any]:
    raw = case.raw if raw is None else raw
    if case.field == "release_id":  # the release named by its number instead of its key
        return {**READING, **case.others, "release_id": raw}
    return {"release_key": BASE_KEY, **READING, **case.others, case.field: raw}


def _release(case: FaceCase, raw: Any = None) -> dict[str, Any]:
    return {**RELEASE, case.field: case.raw if raw is None else raw}


def via_ingest(world: World, case: FaceCase) -> Outcome:
    if case.release_field:
        saved = save_release(world.engine, None, _release(case, _as_read(case.raw)), tz=CORPUS_TZ)
        return Outcome(saved.id is not None, set(saved.errors), " ".join(saved.errors.values()))
    reading = _reading(case, _as_read(case.raw))
    done = record_readings(world.engine, [reading], source="api", tz=CORPUS_TZ)
    return Outcome(
        done.ok, {r.field for r in done.refused}, " ".join(r.message for r in done.refused)
    )


def via_api(world: World, case: FaceCase) -> Outcome:
    headers = {"Authorization": f"Bearer {world.token}"}
    if case.release_field:
        response = _post(world.client, "/api/v1/releases", _release(case), case, headers)
    else:
        response = _post(world.client, "/api/v1/metrics", [_reading(case)], case, headers)
    if response.status_code in (200, 201):
        return Outcome(True)
    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True))
    error = response.get_json()["error"]
    details = error.get("details", [])
    return Outcome(
        False,
        {d["field"] for d in details},
        " ".join([error["message"], *(d["message"] for d in details)]),
    )


def via_form(world: World, case: FaceCase) -> Outcome:
    if case.release_field:
        form = {FORM_FIELDS[k]: v for k, v in _release(case).items()}
        saved, errors, message = save_form(world.engine, None, form, tz=CORPUS_TZ)
        fields = {INGEST_NAMES.get(k, k) for k in errors}
        return Outcome(saved is not None, fields, " ".join([message, *errors.values()]))
    record = {**READING, **case.others, case.field: case.raw}
    values = {f"entry-{name}.value": record[name] for name in READING}
    values.update(
        {
            "entry-submit.n_clicks": 1,
            "entry-release_id.value": world.base_id,
            "entry-editing.data": None,
            "entry-changed.data": 0,
        }
    )
    body = callback_body(world.app, "metric_form.submit", values)
    response = _post(world.client, "/_dash-update-component", body, case)
    if response.status_code == 400:  # a value of the wrong JSON type, refused before the form
        error = response.get_json()["error"]
        return Outcome(False, {name for name in READING if name in error}, error)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    outputs = response.get_json()["response"]
    shown = {
        key[len("entry-") : -len("-error")]: value["children"]
        for key, value in outputs.items()
        if key.endswith("-error") and value.get("children")
    }
    result = json.dumps(outputs.get("entry-result", {}))
    saved = "entry-failed" not in result and not shown
    return Outcome(saved, set(shown), " ".join([*map(str, shown.values()), result]))


def _csv_bytes(case: FaceCase) -> bytes:
    if case.release_field:
        columns = {**{k: v for k, v in READING.items() if v is not None}, **_release(case)}
    else:
        columns = {k: v for k, v in _reading(case).items() if v is not None}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([CSV_COLUMN.get(name, name) for name in columns])
    writer.writerow(columns.values())
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def via_csv(world: World, case: FaceCase) -> Outcome:
    report = csvio.import_csv(
        world.engine, _csv_bytes(case), tz=CORPUS_TZ, create_missing=case.release_field
    )
    if report.fatal:
        return Outcome(False, set(), report.fatal)
    fields = {FIELD_OF_COLUMN.get(p.column, p.column) for p in report.problems}
    lines = {p.line for p in report.problems}
    assert lines <= {2}, report.problems
    text = " ".join(f"line {p.line}, {p.message}" for p in report.problems)
    return Outcome(report.ok and report.committed, fields, text)


_CLI_PROBLEM = re.compile(r"^line (\d+), (\w+): ", re.M)


def via_cli(world: World, case: FaceCase, tmp_path) -> Outcome:
    path = tmp_path / "corpus.csv"
    path.write_bytes(_csv_bytes(case))
    args = ["import", str(path), "-q", "--database-url", world.url]
    result = CliRunner().invoke(
        main,
        args + (["--create-missing"] if case.release_field else []),
        env={"PERFDASH_TZ": CORPUS_TZ},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    fields = {
        FIELD_OF_COLUMN.get(m.group(2), m.group(2)) for m in _CLI_PROBLEM.finditer(result.output)
    }
    return Outcome(result.exit_code == 0, fields, result.output)


# --------------------------------------------------------------------------- the test


def _snapshot(engine: sa.Engine) -> tuple[list, list]:
    with engine.connect() as conn:
        readings = conn.execute(sa.text("select * from content_performance order by id")).all()
        releases = conn.execute(sa.text("select * from approved_releases order by id")).all()
    return readings, releases


def _stored(world: World, case: FaceCase, before: tuple[list, list]) -> Any:
    """The accepted value as stored, then the new rows removed again."""
    readings, releases = _snapshot(world.engine)
    if case.release_field:
        new = [r for r in releases if r not in before[1]]
        assert len(new) == 1, new
        release = store.get_release(world.engine, new[0].id)
        store.delete_release(world.engine, new[0].id)
        return release["release_id" if case.field == "release_key" else case.field]
    new = [r for r in readings if r not in before[0]]
    assert len(new) == 1, new
    row = store.get_metric(world.engine, new[0].id)
    store.delete_metric(world.engine, new[0].id)
    return row[case.field]


def _pairs() -> list:
    pairs = []
    for case in FACE_CASES:
        if case.goal_field:
            continue  # a goal's faces are tests/test_goals_corpus.py's
        for face in FACES:
            if face in ("csv", "cli") and not case.is_text:
                continue  # a file holds text only
            if case.field == "release_id" and face not in ("ingest", "api"):
                continue  # a file names releases by text; the form's picker is its callback's
            pairs.append(pytest.param(case, face, id=f"{case.id}-{face}"))
    return pairs


def _unencodable(case: FaceCase) -> bool:
    try:
        str(case.raw).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@pytest.mark.parametrize(("case", "face"), _pairs())
def test_every_face_gives_the_same_verdict(world: World, case: FaceCase, face: str, tmp_path):
    before = _snapshot(world.engine)
    if face == "cli":
        outcome = via_cli(world, case, tmp_path)
    else:
        outcome = {"ingest": via_ingest, "api": via_api, "csv": via_csv, "form": via_form}[face](
            world, case
        )
    for leak in LEAKS:
        assert leak not in outcome.message, outcome.message
    if case.verdict == REFUSE:
        assert not outcome.ok, f"{face} accepted {case.raw!r}"
        assert _snapshot(world.engine) == before, "a refusal changed rows"
        if face in ("csv", "cli") and _unencodable(case):
            # a lone surrogate cannot be written as UTF-8: the file is refused, by its line
            assert "line 2" in outcome.message.lower() and "utf-8" in outcome.message.lower()
            return
        assert outcome.fields == {case.field}, (outcome.fields, outcome.message)
        for word in case.words:
            assert word.lower() in outcome.message.lower(), (word, outcome.message)
        if face in ("csv", "cli"):
            assert "line 2" in outcome.message.lower(), outcome.message
        return
    assert case.verdict == EXACT
    assert outcome.ok, f"{face} refused {case.raw!r}: {outcome.fields} {outcome.message}"
    assert _stored(world, case, before) == case.expected
    assert _snapshot(world.engine) == before
