"""Background jobs of the web tier (a confirmed CSV import, "Collect now"): a thread of the
worker that received the click does the work and reports its state in a small JSON file.

Why a file: every gunicorn worker on the machine shares the temp directory, so whichever worker
answers the page's progress poll can read it; no module-level state, no new dependency (Dash's
DiskcacheManager needs diskcache), no schema change (a progress table would need a migration).
If the worker dies mid-job the poll notices the stale heartbeat.  On several machines, use the
CLI (`perfdash import`, `perfdash collect`) or Dash's Celery manager.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

STALE_SECONDS = 120
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class UnknownJobError(ValueError):
    """A token that is not a job's (it comes from the browser, so it is checked)."""


def jobs_dir() -> str:
    path = os.path.join(tempfile.gettempdir(), "perfdash-jobs")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def job_path(token: str, suffix: str) -> str:
    """The file of a job; the token is checked because it comes from the browser."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise UnknownJobError("Unknown job")
    return os.path.join(jobs_dir(), token + suffix)


def new_token() -> str:
    """A fresh job token; files of jobs older than a day are removed on the way."""
    cutoff = time.time() - 86_400
    for name in os.listdir(jobs_dir()):
        full = os.path.join(jobs_dir(), name)
        with contextlib.suppress(OSError):
            if os.path.getmtime(full) < cutoff:
                os.remove(full)
    return uuid.uuid4().hex


def write_state(token: str, state: dict[str, Any]) -> None:
    """Replace the job's state atomically (a poll never reads half a file)."""
    state = {**state, "updated": time.time()}
    path = job_path(token, ".json")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(state, fh)
    os.replace(tmp, path)


def read_state(token: str, *, stale_summary: str) -> dict[str, Any] | None:
    """The job's last reported state, or None if there is none (yet).

    A running job whose heartbeat is older than STALE_SECONDS is reported as failed with
    ``stale_summary`` (its worker died or restarted).
    """
    try:
        with open(job_path(token, ".json"), encoding="utf-8") as fh:
            state = json.load(fh)
    except (OSError, ValueError):
        return None
    if state.get("state") == "running" and time.time() - state["updated"] > STALE_SECONDS:
        state = {**state, "state": "failed", "summary": stale_summary}
    return state


def start(token: str, work: Callable[[], None], name: str) -> None:
    """Run ``work`` in a daemon thread of this worker."""
    threading.Thread(target=work, name=f"perfdash-{name}-{token[:8]}", daemon=True).start()
