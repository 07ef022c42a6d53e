"""The goal cases of tests/bad_inputs.py (``FACE_CASES`` whose field is ``goal.…``) through
every face that sets a goal, on SQLite and PostgreSQL: ``ingest.goals.save_goal``, ``POST
/api/v1/goals``, the dashboard's goal form (its callback, posted as the renderer posts it) and
``perfdash goal add``.

Every face gives the case's verdict: a refusal names the case's field in the case's words and
writes no goal; an accepted value is stored as the case says.  The form names its release with
the picker and its artist from that release, so it carries the cases of the target, the day,
the first days and the tag (a crafted ``tag:`` choice); the command line carries text only.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from auth_helpers import callback_body
from bad_inputs import CORPUS_TZ, EXACT, FACE_CASES, REFUSE, FaceCase, JsonText
from click.testing import CliRunner
from conftest import _pg_url, need

from perfdash import auth, create_app, store
from perfdash.cli import main
from perfdash.config import Settings
from perfdash.ingest.goals import save_goal
from perfdash.migrations import upgrade
from perfdash.web import json_in

GOAL_RELEASE = "goal-corpus"
GOAL = {"release": GOAL_RELEASE, "metric": "views", "target": "1,000", "by": "2099-03-01"}
LEAKS = ("Traceback", "psycopg", "sqlite3", "[SQL", "Error(", "HINT", "CONTEXT")
FACES = ("ingest", "api", "form", "cli")
FORM_FIELDS = ("target", "by", "first_days", "tag")
STORED = {"target": "target", "by": "due_on", "first_days": "first_days", "tag": "tag"}
STORED["artist"] = "artist_name"
NAMED = re.compile(r"(?:^|: |; )(release|artist|tag|metric|target|by|first_days): ")


@dataclass
class Outcome:
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
    release_id: int


def _world(url: str) -> World:
    engine = store.make_engine(url)
    upgrade(engine)
    rid = store.create_release(engine, GOAL_RELEASE, title="Goal", artist_name="Corpus Artist")
    store.set_release_tags(engine, rid, ["summer-campaign"])
    app = create_app(Settings(database_url=url, tz=CORPUS_TZ), engine=engine)
    token = auth.create_token(engine, "goal-corpus", "editor")
    return World(url, engine, app, app.server.test_client(), token, rid)


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory):
    world = _world(f"sqlite:///{tmp_path_factory.mktemp('goals') / 'goals.sqlite3'}")
    yield world
    world.engine.dispose()


@pytest.fixture(scope="module")
def pg_world(pg_admin, pg_template):
    if pg_admin is None:
        yield None
        return
    name = f"perfdash_goals_{os.getpid()}_{uuid.uuid4().hex[:6]}"
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


def _fields(case: FaceCase, raw: Any) -> dict[str, Any]:
    """The valid goal with the case's field set to ``raw`` (None: left out)."""
    fields = {**GOAL, **case.others, case.goal_field: raw}
    return {k: v for k, v in fields.items() if v is not None}


def _named(message: str) -> set[str]:
    return set(NAMED.findall(message.split("Nothing was saved", 1)[-1]))


def via_ingest(world: World, case: FaceCase) -> Outcome:
    raw = json_in.loads(case.raw.text) if isinstance(case.raw, JsonText) else case.raw
    today = datetime.now(ZoneInfo(CORPUS_TZ)).date()
    saved = save_goal(world.engine, _fields(case, raw), today=today)
    return Outcome(saved.ok, set(saved.errors), saved.message)


def via_api(world: World, case: FaceCase) -> Outcome:
    got = world.client.post(
        "/api/v1/goals",
        data=json.dumps(_fields(case, case.raw)),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token}"},
    )
    if got.status_code == 201:
        return Outcome(True)
    assert got.status_code == 400, (got.status_code, got.get_data(as_text=True))
    error = got.get_json()["error"]
    details = error.get("details", [])
    return Outcome(
        False,
        {d["field"] for d in details},
        " ".join([error["message"], *(d["message"] for d in details)]),
    )


def via_form(world: World, case: FaceCase) -> Outcome:
    fields = _fields(case, case.raw)
    when = "first_days" if "first_days" in fields else "by"
    values = {
        "goal-add.n_clicks": 1,
        "dash-release.value": [world.release_id],
        "goal-for.value": f"tag:{fields['tag']}" if "tag" in fields else "release",
        "goal-metric.value": fields["metric"],
        "goal-target.value": fields["target"],
        "goal-when.value": when,
        "goal-value.value": fields.get(when),
        "goal-version.data": 0,
    }
    body = callback_body(world.app, "goals.add", values)
    got = world.client.post("/_dash-update-component", json=body)
    assert got.status_code == 200, got.get_data(as_text=True)[:500]
    shown = json.dumps(got.get_json()["response"]["goal-result"]["children"])
    if "Nothing was saved" not in shown:
        assert "saved for" in shown, shown
        return Outcome(True, set(), shown)
    message = json.loads(shown)["props"]["children"]
    return Outcome(False, _named(message), message)


def via_cli(world: World, case: FaceCase) -> Outcome:
    args = ["goal", "add", "--database-url", world.url]
    for name, value in _fields(case, case.raw).items():
        args += [f"--{name.replace('_', '-')}", value]
    got = CliRunner().invoke(main, args, env={"PERFDASH_TZ": CORPUS_TZ})
    assert got.exception is None or isinstance(got.exception, SystemExit), got.output
    return Outcome(got.exit_code == 0, _named(got.output), got.output)


def _pairs() -> list:
    pairs = []
    for case in FACE_CASES:
        if not case.goal_field:
            continue
        for face in FACES:
            if face in ("cli", "form") and not case.is_text:
                continue  # a command line and a form's boxes hold text only
            if face == "form" and case.goal_field not in FORM_FIELDS:
                continue  # the form's release is the picker's, its artist that release's
            pairs.append(pytest.param(case, face, id=f"{case.id}-{face}"))
    return pairs


def _goals(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.text("select * from perfdash_goals order by id")).all()


def test_the_goal_cases_are_many():
    assert len([c for c in FACE_CASES if c.goal_field]) >= 40


@pytest.mark.parametrize(("case", "face"), _pairs())
def test_every_goal_face_gives_the_same_verdict(world: World, case: FaceCase, face: str):
    before = _goals(world.engine)
    outcome = {"ingest": via_ingest, "api": via_api, "form": via_form, "cli": via_cli}[face](
        world, case
    )
    for leak in LEAKS:
        assert leak not in outcome.message, outcome.message
    if case.verdict == REFUSE:
        assert not outcome.ok, f"{face} accepted {case.raw!r}: {outcome.message}"
        assert _goals(world.engine) == before, "a refusal wrote a goal"
        assert outcome.fields == {case.goal_field}, (outcome.fields, outcome.message)
        for word in case.words:
            assert word.lower() in outcome.message.lower(), (word, outcome.message)
        return
    assert case.verdict == EXACT
    assert outcome.ok, f"{face} refused {case.raw!r}: {outcome.fields} {outcome.message}"
    new = [g for g in _goals(world.engine) if g not in before]
    assert len(new) == 1, new
    goal = store.get_goal(world.engine, new[0].id)
    store.delete_goal(world.engine, new[0].id)
    assert goal[STORED[case.goal_field]] == case.expected
