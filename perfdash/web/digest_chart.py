"""``GET /digest-chart/<day|week>/<first day>.png?exp=&sig=``: a sent digest's chart, for the
image Slack shows (``perfdash.digests.chart_link`` signs the address).  No sign-in: Slack's
servers fetch it; the signature is the key, and a wrong or expired one is told apart in words
only as far as saying nothing of the catalog.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from perfdash import store
from perfdash.digests import build_digest
from perfdash.digests.chart_link import PATH, checked_key, digest_moment
from perfdash.digests.render import chart_png


def digest_chart(name: str, first: str) -> Response:
    state = current_app.extensions["perfdash"]
    settings = state["settings"]
    key, problem = checked_key(
        settings.secret_key,
        name,
        first,
        request.args.get("exp", ""),
        request.args.get("sig", ""),
        artists=request.args.getlist("artist"),
    )
    if key is None:
        status = 410 if "expired" in (problem or "") else 404
        return Response(problem, status=status, mimetype="text/plain")
    scope = request.args.getlist("artist") or None  # signed with the rest of the address
    with store.transaction(store.scoped(state["read_engine"], scope)) as conn:
        digest = build_digest(
            conn,
            name,
            tz=settings.tz,
            spike_rule=settings.spike_rule,
            stale_rule=settings.stale_rule,
            now=digest_moment(key, settings.tz),
        )
    png = chart_png(digest)
    if png is None:
        return Response("Nothing to draw for this period", status=404, mimetype="text/plain")
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def install(server: Flask) -> None:
    server.add_url_rule(
        f"{PATH}/<name>/<first>.png", "perfdash_digest_chart", digest_chart, methods=["GET"]
    )
