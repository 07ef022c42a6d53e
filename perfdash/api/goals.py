"""/api/v1/goals: targets per release, artist or tag with their progress and projected day (for
an artist's or a tag's goal in the first days, each launch's too); set through
``ingest.goals`` (the form's and the command line's rules), removed by id."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, jsonify, request

from perfdash import goals, store
from perfdash.api import http
from perfdash.ingest.goals import save_goal


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def _progress(p) -> dict[str, Any]:
    return {
        "current": round(p.current),
        "share": round(p.share, 4),
        "ends": _day(p.ends),
        "status": p.status,
        "reached_on": _day(p.reached_on),
        "projected": _day(p.likely),
        "projected_soonest": _day(p.soonest),
        "projected_latest": _day(p.latest),
    }


def goal_out(view: goals.GoalView) -> dict[str, Any]:
    g = view.goal
    return {
        "id": g["id"],
        "scope": g["scope"],
        "release_key": g.get("release_key"),
        "artist": g.get("artist_name"),
        "tag": g.get("tag"),
        "metric": g["metric_type"],
        "target": int(g["target"]),
        "by": _day(g["due_on"]),
        "first_days": g["first_days"],
        "each_launch": view.each_launch,
        "goal": view.what,
        **_progress(view.progress),
        "launches": [
            {"release_id": x.release_id, "release": x.label, **_progress(x.progress)}
            for x in view.launches
        ],
        "text": view.text(),
    }


def _today():
    return datetime.now(ZoneInfo(http.settings().tz)).date()


def goals_route() -> Response:
    """GET: every goal with its progress; POST (editor): set one."""
    if request.method == "POST":
        return create_goal()
    http.require("viewer")
    tz = http.settings().tz
    with store.transaction(http.engine()) as conn:
        found = goals.views(conn, tz, today=_today())
    return jsonify(data=[goal_out(v) for v in found])


def create_goal() -> Response:
    role = http.require("editor")
    body = http.json_body()
    if not isinstance(body, dict):
        raise http.ApiError(400, "Send one goal as a JSON object")
    tz = http.settings().tz
    with store.transaction(http.engine()) as conn:
        saved = save_goal(conn, body, today=_today(), created_by=f"api ({role})")
        if not saved.ok:
            raise http.ApiError(
                400, saved.message, [{"field": k, "message": v} for k, v in saved.errors.items()]
            )
        goal = next(g for g in store.list_goals(conn) if g["id"] == saved.id)
        shown = goals.view(conn, goal, tz, _today())
    return http.created({"data": goal_out(shown)}, f"{http.API_PREFIX}/goals/{saved.id}")


def delete_goal(goal_id: int) -> Response:
    http.require("editor")
    if not store.delete_goal(http.engine(), goal_id):
        raise http.ApiError(404, f"No goal {goal_id}")
    return Response(status=204)
