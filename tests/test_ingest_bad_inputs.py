"""Every case of the shared bad-input corpus through the form's path, on both backends.

The form path is ``ingest.check_record`` then ``store.add_performance_metric`` (what the data
entry callback does).  Each case is refused with a clear message for its field and nothing is
written, or accepted and read back from the database exactly as sent.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from bad_inputs import CASES, EXACT, REFUSE, Case, record_with
from conftest import _pg_url, need

from perfdash import ingest, store
from perfdash.migrations import upgrade

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WRITE_FIELDS = ("release_id", "platform", "metric_type", "metric_value", "source_url", "notes")


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'corpus.sqlite3'}"
    eng = store.make_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def pg_db(pg_admin, pg_template):
    if pg_admin is None:
        yield None
        return
    name = f"perfdash_corpus_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    eng = store.make_engine(_pg_url(name))
    yield eng
    eng.dispose()
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    eng = request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_db")
    need(eng is not None, "PostgreSQL not reachable")
    if store.get_release_by_key(eng, "corpus-1") is None:
        store.create_release(eng, "corpus-1", artist_name="Corpus")
    return eng


def assert_clear(message: str) -> None:
    assert isinstance(message, str) and 5 < len(message) < 300, message
    for leak in ("Traceback", "Error(", "psycopg", "sqlite3", "[SQL", "0x"):
        assert leak not in message, message


def expected_exact(case: Case):
    if case.field == "metric_value":
        return int(case.raw)
    return case.raw.strip() if isinstance(case.raw, str) else case.raw


def snapshot(db) -> list:
    with db.connect() as conn:
        return conn.execute(sa.text("select * from content_performance order by id")).all()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_form_path_refuses_or_keeps_exactly(db, case: Case):
    rid = store.get_release_by_key(db, "corpus-1")["id"]
    before = snapshot(db)
    record = record_with(case, rid)
    checked = ingest.check_record(record, tz="UTC", now=NOW)

    if not checked.ok:
        assert case.expect != EXACT, f"refused {case.raw!r}: {checked.errors}"
        assert list(checked.errors) == [case.field], checked.errors
        assert_clear(checked.errors[case.field])
        assert snapshot(db) == before
        return

    try:
        row_id = store.add_performance_metric(
            engine=db,
            **{k: checked.values[k] for k in WRITE_FIELDS},
            recorded_at=checked.values["recorded_at"],
            value_kind=checked.values["value_kind"],
            source="manual",
        )
    except store.PerformanceDbError as exc:
        assert case.expect != EXACT, f"store refused {case.raw!r}: {exc}"
        assert_clear(str(exc))
        assert snapshot(db) == before
        return

    try:
        assert case.expect != REFUSE, f"accepted {case.raw!r} as {checked.values.get(case.field)!r}"
        stored = store.get_metric(db, row_id)
        if case.field in WRITE_FIELDS:
            assert stored[case.field] == checked.values[case.field]
        if case.expect == EXACT:
            assert stored[case.field] == expected_exact(case)
        assert len(snapshot(db)) == len(before) + 1
    finally:
        store.delete_metric(db, row_id)
    assert snapshot(db) == before


def test_the_corpus_covers_what_the_issue_lists():
    raws = {repr(c.raw) for c in CASES}
    for needle in ("''", "'-1'", repr(str(2**63)), "'NaN'", "'Infinity'", "'1e309'"):
        assert needle in raws, needle
    assert "'0000-00-00'" in raws and "'2026-02-30'" in raws
    assert len(CASES) >= 40
