"""HTTP endpoints on the Dash server's Flask app: health now, /api/v1 as it grows."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from perfdash import store

blueprint = Blueprint("perfdash_api", __name__)


@blueprint.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not (for routers and uptime checks)."""
    engine = current_app.extensions["perfdash"]["engine"]
    if store.ping(engine):
        return jsonify(status="ok", database="ok")
    return jsonify(status="unavailable", database="unreachable"), 503
