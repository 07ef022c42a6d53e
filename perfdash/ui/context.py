"""Access to the app's settings and engine from inside a callback.

Callbacks run inside a Flask request, so the current app's ``extensions["perfdash"]`` holds
what ``create_app`` made; there is no module-level engine to go stale or to differ by worker.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.engine import Engine

from perfdash.config import Settings


def engine() -> Engine:
    return current_app.extensions["perfdash"]["engine"]


def settings() -> Settings:
    return current_app.extensions["perfdash"]["settings"]
