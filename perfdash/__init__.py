"""perfdash: how every release performs, on every platform.

``create_app`` is the only app factory: it reads settings, makes the engine, registers the API
blueprint and the tabs' callbacks, and returns the Dash app (``app.server`` is the Flask app
gunicorn serves).  Per-app state (settings, engine) lives in ``server.extensions["perfdash"]``;
nothing is kept at module level, so any number of workers serve the same data.
"""

from __future__ import annotations

from pathlib import Path

import dash

from perfdash.config import Settings, load_settings

__version__ = "0.1.0"
ASSETS = Path(__file__).parent / "assets"


def create_app(settings: Settings | None = None, *, engine=None) -> dash.Dash:
    from perfdash import api, store
    from perfdash.ui import shell

    settings = settings or load_settings()
    engine = engine or store.make_engine(
        settings.database_url, statement_timeout_ms=settings.statement_timeout_ms
    )
    app = dash.Dash(
        __name__,
        title="perfdash",
        update_title=None,
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=True,
        serve_locally=True,
    )
    server = app.server
    server.extensions["perfdash"] = {"settings": settings, "engine": engine}
    if settings.secret_key:
        server.secret_key = settings.secret_key
    server.register_blueprint(api.blueprint)
    app.layout = shell.layout
    shell.register(app)
    return app
