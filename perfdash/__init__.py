"""perfdash: how every release performs, on every platform.

``create_app`` is the only app factory: it reads settings, makes the engine, installs the web
layer (sign-in, security headers), registers the API blueprints and the pages' callbacks, and
returns the Dash app (``app.server`` is the Flask app
gunicorn serves).  Per-app state (settings, engines, the job context) lives in ``server.extensions["perfdash"]``;
nothing is kept at module level, so any number of workers serve the same data.
"""

from __future__ import annotations

from pathlib import Path

import dash

from perfdash.config import Settings, load_settings

__version__ = "0.1.0"


def assets_folder() -> Path:
    """Dash's assets folder: ``assets/`` next to ``app.py`` in a checkout (an editable install
    included), ``perfdash/assets`` in an installed wheel (pyproject maps the one to the other)."""
    package = Path(__file__).resolve().parent
    installed = package / "assets"
    return installed if installed.is_dir() else package.parent / "assets"


def create_app(
    settings: Settings | None = None, *, engine=None, network: bool | None = None
) -> dash.Dash:
    """Build the app.  ``network``: True when served to other machines (gunicorn via app.py, a
    non-loopback ``perfdash run --host``), False for ``perfdash run`` on loopback, None (code and
    tests) -- it decides whether login is required, see ``auth.login_policy``.
    """
    # Imported here, not at the top: every ``import perfdash.x`` (the CLI, migrations, a job
    # worker) runs this file, and need not load the pages and the API (about a second).
    from perfdash import api, auth, jobs, store
    from perfdash.ui import bundles, errors, inputs, shell
    from perfdash.web import (
        digest_chart,
        json_in,
        limits,
        login,
        security,
        shares,
        throttle,
        transfer,
    )

    settings = settings or load_settings()
    engine = engine or store.engine_from_settings(settings)
    # the dashboards' reads (dashboard, leaderboard, launches, alerts) may go to a replica;
    # writes, sign-in, data entry and the API stay on the primary
    read_engine = (
        store.engine_from_settings(settings, settings.replica_url)
        if settings.replica_url
        else engine
    )
    app = bundles.App(
        __name__,
        title="perfdash",
        update_title=None,
        assets_folder=str(assets_folder()),
        suppress_callback_exceptions=True,
        serve_locally=True,
        on_error=errors.on_error,
    )
    server = app.server
    login_required = auth.login_policy(settings, engine, network=network)
    server.extensions["perfdash"] = {
        "settings": settings,
        "engine": engine,
        "read_engine": read_engine,
        "jobs": jobs.JobContext(settings, engine),
        "login_required": login_required,
    }
    if network:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind a PaaS router: the client's address and https come from X-Forwarded-*.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    json_in.install(server)  # -0 keeps its sign: refused as negative, as in a CSV
    transfer.install(server)  # before security: see transfer.install
    security.install(server)
    login.install(
        server,
        login_required=login_required,
        secret_key=settings.secret_key,
        secure_cookies=settings.secure_cookies,
    )
    throttle.install(server, redis_url=settings.redis_url, tls_verify=settings.redis_tls_verify)
    limits.install(server, max_upload_mb=settings.max_upload_mb)
    inputs.install(app)  # after limits: the callback's JSON is parsed and bounded
    shares.install(server, lambda: app.callback_map)  # after inputs: the JSON types are right
    server.register_blueprint(api.blueprint)
    digest_chart.install(server)
    app.layout = shell.layout
    shell.register(app)
    return app
