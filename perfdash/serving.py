"""What gunicorn serves, and the checks a server on the network passes first.

``check_served_settings`` is one function for the two places that run it: gunicorn's master
(``gunicorn.conf.py``, once, before forking) and ``app.py`` (each worker, for a gunicorn started
with another configuration).  Either way a refusal is one line naming the variable to set.
"""

from __future__ import annotations

import dash

from perfdash.config import ConfigError, Settings, load_settings, require_server_database


def check_served_settings(settings: Settings | None = None) -> Settings:
    """The settings, if a server on the network may run with them; ConfigError otherwise."""
    from perfdash.auth import check_secret_key

    settings = settings or load_settings()
    require_server_database(settings)
    if settings.auth != "off":  # sign-in is on for every server on the network
        check_secret_key(settings.secret_key)
    return settings


def served_app() -> dash.Dash:
    """``create_app(network=True)`` after the checks; a refusal is gunicorn's one-line
    ``AppImportError`` (exit code 4: the master stops instead of booting workers again)."""
    from perfdash import create_app

    try:
        settings = check_served_settings()
        return create_app(settings, network=True)
    except ConfigError as exc:
        from gunicorn.errors import AppImportError

        raise AppImportError(f"perfdash: {exc}") from None
