"""Background jobs' rows and the uploaded files they read: create, claim, beat, report, finish.

Any host reads and writes them, so a job started on one web worker is polled from another, run
by a Celery worker elsewhere, and seen as dead when its heartbeat stops.  Every statement here
is short and commits at once: a job's rows are never part of the work's own transaction (an
import's rows are all-or-nothing; its progress must be visible while it runs).

SQLite allows one writer at a time, and an import holds the write lock until it commits: the
job's progress and heartbeat written on a second connection would wait for the very import
they report on.  So on SQLite the job tables live in a sibling file (``<database>-jobs``, see
``jobs_engine_for``); on PostgreSQL they are in the one database every host shares.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from perfdash.schema import jobs, uploads
from perfdash.store.engine import _begin, _db_ts, _sqlite_engine, to_utc

_ACTIVE_STATES = ("queued", "running")
_UPLOAD_LIFETIME = timedelta(hours=1)


def _new_id() -> str:
    return uuid.uuid4().hex


def _now() -> datetime:
    return datetime.now(UTC)


def jobs_engine_for(engine: Engine) -> Engine:
    """The engine of the job tables: ``engine`` itself on PostgreSQL; on a SQLite file a
    sibling file with the two tables (created when missing), see the module docstring."""
    url = engine.url
    if engine.dialect.name != "sqlite" or not url.database or url.database == ":memory:":
        return engine
    # no pool: a job's statements are few and short, and an app made and dropped (the tests
    # make hundreds) leaves no file open behind it
    sibling = _sqlite_engine(str(url.set(database=url.database + "-jobs")), poolclass=NullPool)
    with _begin(sibling) as conn:
        jobs.metadata.create_all(conn, tables=[jobs, uploads])
    return sibling


def _row(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    for key in ("created_at", "started_at", "heartbeat_at", "finished_at"):
        out[key] = to_utc(out.get(key))
    return out


# --------------------------------------------------------------------------- jobs


def create_job(
    bind: Engine,
    *,
    kind: str,
    executor: str,
    params: dict[str, Any],
    upload_id: str | None = None,
    exclusive: str | None = None,
    dedupe_key: str | None = None,
    created_by: str | None = None,
    stale_before: datetime | None = None,
) -> tuple[str, bool]:
    """Insert a queued job; returns ``(id, True)``, or ``(the active job's id, False)`` when an
    ``exclusive`` job of the same name is queued or running (a running one whose heartbeat is
    older than ``stale_before`` is marked failed first: its process died), or ``(id of the
    job that took the slot, False)`` for a ``dedupe_key`` already used."""
    job_id = _new_id()
    now = _now()
    with _begin(bind) as conn:
        # a write first: on SQLite it takes the write lock before the reads below, so two
        # processes creating jobs at once queue (busy_timeout) instead of one failing
        _fail_stale(conn, exclusive or "", stale_before or now, now)
        if exclusive or dedupe_key:
            taken = _taken(conn, exclusive, dedupe_key)
            if taken:
                return taken, False
        values = {
            "id": job_id,
            "kind": kind,
            "state": "queued",
            "executor": executor,
            "params": params,
            "upload_id": upload_id,
            "exclusive": exclusive,
            "dedupe_key": dedupe_key,
            "created_by": created_by,
            "created_at": _db_ts(conn, now),
        }
        try:
            with conn.begin_nested():
                conn.execute(insert(jobs).values(**values))
        except sa.exc.IntegrityError:
            # another host took the slot between the check and the insert
            taken = _taken(conn, exclusive, dedupe_key)
            if taken:
                return taken, False
            raise
    return job_id, True


def _taken(conn: sa.Connection, exclusive: str | None, dedupe_key: str | None) -> str | None:
    if dedupe_key:
        found = conn.execute(select(jobs.c.id).where(jobs.c.dedupe_key == dedupe_key)).scalar()
        if found:
            return found
    if exclusive:
        return conn.execute(
            select(jobs.c.id).where(jobs.c.exclusive == exclusive, jobs.c.state.in_(_ACTIVE_STATES))
        ).scalar()
    return None


def _fail_stale(conn: sa.Connection, exclusive: str, stale_before: datetime, now: datetime):
    conn.execute(
        update(jobs)
        .where(
            jobs.c.exclusive == exclusive,
            jobs.c.state == "running",
            jobs.c.heartbeat_at < _db_ts(conn, stale_before),
        )
        .values(
            state="failed",
            finished_at=_db_ts(conn, now),
            result={"summary": "The job stopped (its process died); it was not finished."},
        )
    )


def get_job(bind: Engine, job_id: str) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return _row(row) if row else None


def claim_job(bind: Engine, job_id: str, runner: str, *, stale_before: datetime) -> bool:
    """Mark the job running for ``runner`` if it is queued, or running with a heartbeat older
    than ``stale_before`` (a redelivered message of a job whose process died): True when this
    runner got it.  A finished job, or one that another process runs, is left alone."""
    now = _now()
    with _begin(bind) as conn:
        claimed = conn.execute(
            update(jobs)
            .where(
                jobs.c.id == job_id,
                sa.or_(
                    jobs.c.state == "queued",
                    sa.and_(
                        jobs.c.state == "running",
                        jobs.c.heartbeat_at < _db_ts(conn, stale_before),
                    ),
                ),
            )
            .values(
                state="running",
                runner=runner[:100],
                attempts=jobs.c.attempts + 1,
                started_at=_db_ts(conn, now),
                heartbeat_at=_db_ts(conn, now),
                result=sa.null(),
            )
        ).rowcount
    return claimed == 1


def job_heartbeat(
    bind: Engine, job_id: str, runner: str, progress: dict[str, Any] | None = None
) -> bool:
    """Renew the heartbeat (and the progress, when given) of a job this runner runs; False
    when the job is no longer this runner's."""
    values: dict[str, Any] = {}
    with _begin(bind) as conn:
        values["heartbeat_at"] = _db_ts(conn, _now())
        if progress is not None:
            values["progress"] = progress
        done = conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.runner == runner, jobs.c.state == "running")
            .values(**values)
        ).rowcount
    return done == 1


def finish_job(
    bind: Engine,
    job_id: str,
    *,
    state: str,
    result: dict[str, Any],
    runner: str | None = None,
    progress: dict[str, Any] | None = None,
) -> None:
    """Record the end of a job: ``done`` or ``failed`` with its result."""
    values: dict[str, Any] = {"state": state, "result": result}
    if progress is not None:
        values["progress"] = progress
    with _begin(bind) as conn:
        values["finished_at"] = _db_ts(conn, _now())
        stmt = update(jobs).where(jobs.c.id == job_id)
        if runner is not None:
            stmt = stmt.where(jobs.c.runner == runner)
        conn.execute(stmt.values(**values))


def delete_old_jobs(bind: Engine, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget finished jobs older than ``older_than``; active ones are kept."""
    with _begin(bind) as conn:
        return conn.execute(
            delete(jobs).where(
                jobs.c.created_at < _db_ts(conn, _now() - older_than),
                jobs.c.state.not_in(_ACTIVE_STATES),
            )
        ).rowcount


# --------------------------------------------------------------------------- uploads


def save_upload(
    bind: Engine, content: bytes, *, filename: str | None = None, created_by: str | None = None
) -> str:
    """Keep an uploaded file for an hour (or until its import ends); expired ones go first."""
    upload_id = _new_id()
    now = _now()
    purge_expired_uploads(bind)
    with _begin(bind) as conn:
        conn.execute(
            insert(uploads).values(
                id=upload_id,
                filename=(filename or "")[:255] or None,
                content=content,
                size=len(content),
                created_by=created_by,
                created_at=_db_ts(conn, now),
                expires_at=_db_ts(conn, now + _UPLOAD_LIFETIME),
            )
        )
    return upload_id


def read_upload(bind: Engine, upload_id: str) -> dict[str, Any] | None:
    """The upload's ``content`` and ``filename``, or None when it is gone (expired, used)."""
    with _begin(bind) as conn:
        row = conn.execute(
            select(uploads.c.content, uploads.c.filename).where(uploads.c.id == upload_id)
        ).first()
    return {"content": bytes(row.content), "filename": row.filename} if row else None


def upload_exists(bind: Engine, upload_id: str, now: datetime | None = None) -> bool:
    """Whether an upload may still be imported: there, and not past its hour (one that expired
    but was not purged yet counts as gone, so an abandoned preview cannot be confirmed late)."""
    with _begin(bind) as conn:
        return (
            conn.execute(
                select(uploads.c.id).where(
                    uploads.c.id == upload_id,
                    uploads.c.expires_at >= _db_ts(conn, now or _now()),
                )
            ).first()
            is not None
        )


def delete_upload(bind: Engine, upload_id: str) -> None:
    with _begin(bind) as conn:
        conn.execute(delete(uploads).where(uploads.c.id == upload_id))


def purge_expired_uploads(bind: Engine, now: datetime | None = None) -> int:
    """Remove uploads past their hour, except those an active job still has to read."""
    with _begin(bind) as conn:
        in_use = select(jobs.c.upload_id).where(
            jobs.c.state.in_(_ACTIVE_STATES), jobs.c.upload_id.is_not(None)
        )
        return conn.execute(
            delete(uploads).where(
                uploads.c.expires_at < _db_ts(conn, now or _now()), uploads.c.id.not_in(in_use)
            )
        ).rowcount
