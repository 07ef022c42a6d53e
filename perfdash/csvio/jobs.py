"""A confirmed import as a background job of the web tier, and the upload it reads.

The data-entry page keeps the uploaded file next to the job's state file (``perfdash.jobs``);
a thread of the worker that received the click runs ``import_csv`` and reports progress there.
If the worker dies mid-import the transaction rolls back (all-or-nothing holds) and the poll
notices the stale heartbeat.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from sqlalchemy.engine import Engine

from perfdash import jobs
from perfdash.csvio.importer import import_csv
from perfdash.csvio.report import CsvImportError

_STALE = "The import stopped (the server restarted?); nothing was written. Start it again."


def job_path(token: str, suffix: str) -> str:
    """The file of an import job; the token is checked because it comes from the browser."""
    try:
        return jobs.job_path(token, suffix)
    except jobs.UnknownJobError:
        raise CsvImportError("Unknown import; upload the file again") from None


def save_upload(data: bytes) -> str:
    """Keep an uploaded file for preview and import; returns its token."""
    token = jobs.new_token()
    with open(job_path(token, ".csv"), "wb") as fh:
        fh.write(data)
    return token


def read_job(token: str) -> dict[str, Any] | None:
    """The job's last reported state, or None if there is none (yet)."""
    job_path(token, ".json")  # a token that is no job's is an error the page shows
    return jobs.read_state(token, stale_summary=_STALE)


def start_import_job(engine: Engine, token: str, *, create_missing: bool, tz: str) -> None:
    """Run ``import_csv`` on an uploaded file in a background thread, reporting progress."""
    path = job_path(token, ".csv")
    if not os.path.exists(path):
        raise CsvImportError("The uploaded file is no longer on this server; upload it again")
    jobs.write_state(token, {"state": "running", "done": 0, "total": 0})

    def progress(done: int, total: int) -> None:
        jobs.write_state(token, {"state": "running", "done": done, "total": total})

    def work() -> None:
        try:
            report = import_csv(
                engine, path, create_missing=create_missing, progress=progress, tz=tz
            )
            final = {
                "state": "done",
                "ok": report.ok and report.committed,
                "summary": report.summary(),
                "problems": report.problem_lines(limit=50),
                "done": report.rows,
                "total": report.rows,
            }
        except Exception as exc:  # noqa: BLE001 - reported to the page, never lost
            final = {"state": "failed", "summary": f"The import failed: {exc}"}
        # the upload goes before the final state is written: a poll that sees "done" never
        # finds a stale file behind it
        with contextlib.suppress(OSError):
            os.remove(path)
        jobs.write_state(token, final)

    jobs.start(token, work, "import")
