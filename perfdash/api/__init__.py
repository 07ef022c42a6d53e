"""The HTTP API on the Dash server's Flask app: /healthz and the JSON API under /api/v1.

The API is how scripts record and read numbers.  It shares the CSV field names and the
validation of the form and the CSV import, and never writes anything when one record of a
batch is bad.  Writes need ``Authorization: Bearer <token>`` of an editor (tokens come from
``perfdash token create``); reads are anonymous while the deployment does not require login,
otherwise they need a viewer token.

This module is the route table, so every URL the API answers is listed in one place:
``http`` holds the plumbing the resources share, ``releases``, ``readings`` and
``annotations`` one resource each, ``jobs`` the background jobs (imports, collection), ``numbers``
the dashboard's numbers (KPIs, series, leaderboard), ``forecast`` a release's next days,
``artists`` the artist pages' numbers,
``shares`` read-only share links,
``artists`` the artist pages' numbers, ``tags`` tags, ``views`` saved dashboard views,
``openapi`` the document.  ``create_app`` registers
``blueprint``.
"""

# No ``from __future__ import annotations`` here: in a package's __init__ it would shadow the
# ``annotations`` submodule imported below.
from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from perfdash import store
from perfdash.api import (
    annotations,
    artists,
    forecast,
    goals,
    http,
    insights,
    jobs,
    numbers,
    openapi,
    readings,
    releases,
    shares,
    tags,
    views,
)

blueprint = Blueprint("perfdash_api", __name__)


def healthz() -> tuple[Response, int] | Response:
    """200 when the database answers with the tables this perfdash needs, 503 when it does not
    answer or lacks revisions (for routers, uptime checks and a PaaS's health check).

    A database ahead of this code (another release already ran its upgrade, as in a rolling
    deploy) is healthy: only revisions this code knows and the database lacks count.
    """
    engine = current_app.extensions["perfdash"]["engine"]
    if not store.ping(engine):
        return jsonify(status="unavailable", database="unreachable"), 503
    try:
        pending = store.pending_revisions(engine)
    except Exception:  # a revision this code does not know: a newer perfdash upgraded it
        pending = []
    if pending:
        cure = f"not upgraded: run perfdash db upgrade ({len(pending)} revision(s) to apply)"
        return jsonify(status="unavailable", database=cure), 503
    return jsonify(status="ok", database="ok")


def not_found(rest: str) -> Response:
    """Unknown API paths answer JSON 404 (Dash's catch-all would serve its HTML page).

    This rule accepts every method, so it also sees e.g. PUT /api/v1/metrics: those answer 405
    with the methods the path really has.
    """
    allowed = http.allowed_methods(request.path)
    if allowed:
        raise http.method_not_allowed(*allowed)
    raise http.ApiError(
        404, f"There is no endpoint {http.API_PREFIX}/{rest}; see {http.API_PREFIX}/openapi.json"
    )


V1 = http.API_PREFIX
ROUTES = (
    ("/healthz", healthz, ("GET",)),
    (V1 + "/openapi.json", openapi.document, ("GET",)),
    (V1 + "/releases", releases.releases, ("GET", "POST")),
    (V1 + "/releases/<int:release_id>", releases.release_detail, ("GET", "PATCH")),
    (V1 + "/metrics", readings.readings, ("GET", "POST")),
    (V1 + "/metrics/<int:metric_id>", readings.reading_detail, ("GET", "DELETE")),
    (V1 + "/annotations", annotations.list_annotations, ("GET",)),
    (V1 + "/annotations", annotations.create_annotation, ("POST",)),
    (V1 + "/annotations/<int:annotation_id>", annotations.delete_annotation, ("DELETE",)),
    (V1 + "/imports", jobs.post_import, ("POST",)),
    (V1 + "/collect", jobs.post_collect, ("POST",)),
    (V1 + "/jobs/<job_id>", jobs.get_job, ("GET",)),
    (V1 + "/kpis", numbers.kpis, ("GET",)),
    (V1 + "/series", numbers.series, ("GET",)),
    (V1 + "/leaderboard", numbers.leaderboard, ("GET",)),
    (V1 + "/countries", numbers.countries, ("GET",)),
    (V1 + "/forecast", forecast.forecast, ("GET",)),
    (V1 + "/artists", artists.artists, ("GET",)),
    (V1 + "/artists/<path:name>", artists.artist_detail, ("GET",)),
    (V1 + "/insights/prompts", insights.prompts, ("GET",)),
    (V1 + "/goals", goals.goals_route, ("GET", "POST")),
    (V1 + "/goals/<int:goal_id>", goals.delete_goal, ("DELETE",)),
    (V1 + "/shares", shares.shares_route, ("GET", "POST")),
    (V1 + "/shares/<int:share_id>", shares.revoke_share, ("DELETE",)),
    (V1 + "/tags", tags.list_tags, ("GET",)),
    (V1 + "/releases/<int:release_id>/tags", tags.release_tags, ("GET", "PUT")),
    (V1 + "/views", views.views_route, ("GET", "POST")),
    (V1 + "/views/<int:view_id>", views.delete, ("DELETE",)),
    (http.CATCH_ALL_RULE, not_found, ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")),
)

for rule, view, methods in ROUTES:
    blueprint.add_url_rule(rule, view_func=view, methods=list(methods))

blueprint.before_request(http.limit_body)
blueprint.before_request(http.check_args)
blueprint.register_error_handler(http.ApiError, http.api_error_response)
blueprint.register_error_handler(store.DatabaseUnavailableError, http.db_down_response)
blueprint.register_error_handler(store.PerformanceDbError, http.db_error_response)
blueprint.app_errorhandler(HTTPException)(http.http_error_response)
