"""A failed callback says so in a banner at the top of the page, never with a traceback.

The banner and the Dash ``on_error`` hook that fills it live together: the hook writes to the
banner's id with ``set_props``, so the two cannot drift apart.  The request id in the message
is the one the log lines of the request carry (``web.security``), which links a user's report
to the log.
"""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc
from dash import set_props

from perfdash import auth, store
from perfdash.web.security import request_id

BANNER = "page-error"
OUTAGE = "page-outage"  # assets/session.js fills it and greys the page when the server is gone

log = logging.getLogger(__name__)


def error_banner() -> dbc.Alert:
    """Where ``on_error`` reports a failed callback; hidden until then."""
    return dbc.Alert(id=BANNER, color="danger", is_open=False, dismissable=True, className="mx-3")


def message_of(exc: store.PerformanceDbError) -> str:
    """A store error in words for the page (a refusal nobody foresaw carries the reference of
    its logged detail; the database's own text never reaches the page)."""
    return str(exc)


def outage_banner() -> dbc.Alert:
    """Where the page says that the database or the session went away and since when its
    numbers are stale (``assets/session.js`` opens it on a 503 or 401, closes it when fresh
    answers come again); hidden until then."""
    return dbc.Alert(id=OUTAGE, color="warning", is_open=False, className="mx-3")


def on_error(exc: Exception) -> None:
    """Dash ``on_error``: a callback failed; say so in the banner, log the details.

    Nothing about the failure's internals reaches the browser.  An unavailable database is
    not a failure of this callback: it goes on to Flask's 503 (``web.security``).
    """
    if isinstance(exc, auth.PermissionDenied):
        message = f"Not allowed: {exc}. Nothing was changed."
        log.info("callback refused: %s", exc)
    elif isinstance(exc, store.DatabaseUnavailableError | store.DatabaseNotUpgradedError):
        # Flask answers 503, as the sign-in gate does when it cannot read the session: one
        # answer for "the database went away" (or has no tables yet: the answer says so and
        # what to run), which session.js turns into the outage banner
        raise exc
    elif isinstance(exc, store.PerformanceDbError):
        message = str(exc)
        log.warning("callback failed: %s", exc)
    else:
        message = "Something went wrong showing this; the error was logged."
        log.error("callback failed", exc_info=exc)
    set_props(BANNER, {"children": f"{message} (request id {request_id()})", "is_open": True})
