"""/api/v1/releases: list, create, read and change the catalog's releases; find one by its
ISRC or UPC (``?isrc=`` / ``?upc=``, read as every face reads them: dashes and spaces dropped);
each release carries its tags, and ``?tag=`` lists only the releases that carry one.

A release is known to scripts by its ``release_key`` (the workflow's text key, stored in
``approved_releases.release_id``) and by perfdash's integer ``id``.  Creating one checks the
JSON body with ``ingest.releases.save_release`` (the form's and the CSV import's rules) and
writes nothing when any field is bad.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from perfdash import store
from perfdash.api import http
from perfdash.ingest.codes import check_code
from perfdash.ingest.releases import RELEASE_INPUT_FIELDS, SavedRelease, save_release
from perfdash.ingest.tags import clean_tag
from perfdash.vocab import RELEASE_CODES, RELEASE_IDENTIFIERS

# what the release was generated from (the platform's prompts and generation ids)
GENERATION_FIELDS = ("track_prompt", "video_prompt", "suno_clip_id", "luma_generation_id")


def release_out(row: dict[str, Any], tags: list[str] | None = None) -> dict[str, Any]:
    """A release as the API shows it; ``tags`` its tags (read here when not given)."""
    if tags is None:
        tags = store.release_tags_of(http.engine(), [row["id"]]).get(row["id"], [])
    out = {
        "id": row["id"],
        "release_key": row["release_id"],
        "title": row.get("title"),
        "artist_name": row.get("artist_name"),
        "approved_at": http.iso(row.get("approved_at")),
        "distribution_status": row.get("distribution_status"),
        "track_url": row.get("track_url"),
        "video_url": row.get("video_url"),
    }
    out.update({name: row.get(name) for name in RELEASE_IDENTIFIERS})
    out.update({name: row.get(name) for name in RELEASE_CODES})
    out.update({name: row.get(name) for name in GENERATION_FIELDS})
    out["tags"] = list(tags)
    return out


def releases() -> Response:
    if request.method == "POST":
        return create_release()
    return list_releases()


def list_releases() -> Response:
    http.require("viewer")
    limit, after = http.page_args()
    query = request.args.get("q", "")
    if len(query) > 255:
        raise http.ApiError(400, "q is longer than 255 characters", [{"field": "q"}])
    tag = _tag_arg()
    codes = _code_args()
    if codes:
        found = _by_codes(codes)
        if tag is not None:
            found = [r for r in found if tag in r["tags"]]
        return jsonify(data=found, next_cursor=None)
    engine = http.engine()
    rows = store.releases_page(engine, query=query, after_id=after, limit=limit + 1, tag=tag)
    shown, next_cursor = http.page(rows, limit)
    tags = store.release_tags_of(engine, [r["id"] for r in shown])
    return jsonify(
        data=[release_out(r, tags.get(r["id"], [])) for r in shown], next_cursor=next_cursor
    )


def _tag_arg() -> str | None:
    """``tag``, read as every face reads a tag (400 naming it when refused); None: not given."""
    raw = request.args.get("tag")
    if raw is None or raw.strip() == "":
        return None
    tag, problem = clean_tag(raw)
    if problem:
        raise http.ApiError(400, problem, [{"field": "tag", "message": problem}])
    return tag


def create_release() -> Response:
    http.require("editor")
    body = http.json_body()
    if not isinstance(body, dict):
        raise http.ApiError(400, "The body must be a JSON object describing one release")
    http.unknown_fields(body, RELEASE_INPUT_FIELDS)
    engine = http.engine()
    saved = save_release(engine, None, body, tz=http.settings().tz)
    _refused(saved)
    release = store.get_release(engine, saved.id)
    return http.created(release_out(release), f"{http.API_PREFIX}/releases/{saved.id}")


def _refused(saved: SavedRelease) -> None:
    """A save that wrote nothing as its answer: 409 for a key, ISRC or UPC another release
    holds (the message names it), 400 with a message per field otherwise."""
    details = [{"field": f, "message": m} for f, m in saved.errors.items()]
    if saved.conflict:
        raise http.ApiError(409, next(iter(saved.errors.values())), details)
    if saved.id is None:
        if not saved.errors:  # the release went meanwhile
            raise http.ApiError(404, saved.message)
        raise http.ApiError(400, "The release is not valid; nothing was written", details)


def _code_args() -> dict[str, str]:
    """``isrc`` / ``upc`` of a lookup, read as the release rules read them (400 if not a code)."""
    codes = {}
    for name in RELEASE_CODES:
        raw = request.args.get(name)
        if raw is None or raw.strip() == "":
            continue
        code, error = check_code(name, raw)
        if error:
            raise http.ApiError(400, error, [{"field": name, "message": error}])
        codes[name] = code
    return codes


def _by_codes(codes: dict[str, str]) -> list[dict[str, Any]]:
    """The releases holding every given code (an ISRC and a UPC together must meet on one)."""
    engine = http.engine()
    found: set[int] | None = None
    for name, code in codes.items():
        ids = set(store.release_ids_for_codes(engine, name, [code]).values())
        found = ids if found is None else found & ids
    return [release_out(store.get_release(engine, pk)) for pk in sorted(found or ())]


def release_detail(release_id: int) -> Response:
    """One release by perfdash's integer id (the API's ``release_id``; ``release_key`` is the
    workflow's text key); PATCH changes the fields it names."""
    if request.method == "PATCH":
        return update_release(release_id)
    http.require("viewer")
    release = store.get_release(http.engine(), release_id) if release_id <= http.MAX_ID else None
    if release is None:
        raise http.ApiError(404, f"No release with id {release_id}")
    return jsonify(release_out(release))


def update_release(release_id: int) -> Response:
    """Change the fields the JSON object names (the others stay); an empty text clears one."""
    http.require("editor")
    body = http.json_body()
    if not isinstance(body, dict):
        raise http.ApiError(400, "The body must be a JSON object of the fields to change")
    http.unknown_fields(body, RELEASE_INPUT_FIELDS)
    engine = http.engine()
    current = store.get_release(engine, release_id) if release_id <= http.MAX_ID else None
    if current is None:
        raise http.ApiError(404, f"No release with id {release_id}")
    fields = {"release_key": current["release_id"], **body}
    saved = save_release(engine, release_id, fields, tz=http.settings().tz)
    _refused(saved)
    return jsonify(release_out(store.get_release(engine, release_id)))
