"""Access to the app's settings and engine from inside a callback.

Callbacks run inside a Flask request, so the current app's ``extensions["perfdash"]`` holds
what ``create_app`` made; there is no module-level engine to go stale or to differ by worker.
Both engines carry the signed-in user's artist scope (``auth.current_scope``): every page
reads through them, so a user limited to some artists sees only their releases on every page
without a page knowing of it (the store applies the scope, ``store.scope``).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.engine import Engine

from perfdash import auth, store
from perfdash.config import Settings
from perfdash.jobs import JobContext


def engine() -> Engine:
    """The primary: every write, sign-in and data entry."""
    return store.scoped(current_app.extensions["perfdash"]["engine"], auth.current_scope())


def read_engine() -> Engine:
    """The dashboards' reads (dashboard, leaderboard, launches, alerts): the read replica when
    DATABASE_REPLICA_URL is set (its numbers may lag the primary by its replication delay),
    the primary otherwise."""
    return store.scoped(current_app.extensions["perfdash"]["read_engine"], auth.current_scope())


def jobs() -> JobContext:
    return current_app.extensions["perfdash"]["jobs"]


def settings() -> Settings:
    return current_app.extensions["perfdash"]["settings"]
