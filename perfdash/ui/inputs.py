"""Every callback input's JSON type, checked before the callback runs: refused, never coerced.

A Dash callback receives whatever JSON the browser (or anyone posting to
``/_dash-update-component``) sends: ``true`` for a release id, ``2.5`` or ``1e400`` for a row,
``["YouTube"]`` for a platform, ``{"a": 1}`` for a note, ``"\\ud800"`` in a search.  Python would
coerce most of them quietly (``int(True)`` is release 1, ``str(["YouTube"])`` a platform called
``['YouTube']``) and the database would answer the rest with its own words.  So each input and
state a callback reads has a kind in ``KINDS`` (by component id and property; a pattern id by
its ``type``), and ``check_body`` refuses the whole request with a message naming the field
before any callback sees it: one table, so a new callback cannot forget, and a test holds the
table against the app's callback map both ways.

A value the right JSON type but wrong in substance (a release that does not exist, a value of
-5) is the callback's and ingest's to judge; this module only answers "is it the kind of thing
this field holds".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dash import Dash
from flask import request

from perfdash.web.limits import DASH_CALLBACK, refusal

MAX_ID = 2**31 - 1  # ids are 32-bit serials: a larger one names nothing
MAX_CLICKS = 2**53  # what a browser's number counts exactly
NEW_RELEASE = "__new__"  # the release form's "a new release" choice

Check = Callable[[Any], str | None]  # why a value is refused, or None


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bad_text(value: str, max_len: int) -> str | None:
    if len(value) > max_len:
        return f"is longer than {max_len:,} characters"
    if "\x00" in value:
        return "holds a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "holds a character that is not valid Unicode (a lone surrogate)"
    return None


def text(max_len: int = 1000) -> Check:
    """A string (or nothing) without NUL or lone surrogates, at most ``max_len`` long."""

    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            return "must be text"
        return _bad_text(value, max_len)

    return check


def string(value: Any) -> str | None:
    """A form field ``ingest`` judges (length, control characters, NUL, surrogates: its rules
    and messages are the same for every face); here only its JSON type is checked."""
    if value is None or isinstance(value, str):
        return None
    return f"must be text, not {_shown(value)}"


def texts(max_len: int = 200) -> Check:
    """A list of strings (a multi-select of names), or nothing."""
    one = text(max_len)

    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, list) or len(value) > 1000:
            return "must be a list of names"
        return next((f"item {i + 1} {p}" for i, v in enumerate(value) if (p := one(v))), None)

    return check


def choice(max_len: int = 100) -> Check:
    """One name from a radio group or a single dropdown: text, never a list or a number."""
    return text(max_len)


def one_of(allowed: Callable[[], Any], *, optional: bool = True) -> Check:
    """One of the values a radio group or a store of the page offers (``allowed`` is called
    when a value is checked, so the page that owns the options stays their one truth); a
    crafted other value is refused here rather than failing in the callback."""

    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        names = [str(v) for v in allowed()]
        if isinstance(value, str) and value in names:
            return None
        return f"must be one of {', '.join(names)}, not {_shown(value)}"

    return check


def _dashboard_periods() -> list[str]:
    from perfdash.ui.pages.dashboard.state import PERIODS

    return [v for v, _ in PERIODS]


def _overview_periods() -> list[str]:
    from perfdash.ui.pages.overview import PERIODS

    return [v for v, _ in PERIODS]


def _forecasts() -> list[str]:
    from perfdash.ui.pages.dashboard.state import FORECASTS

    return [str(d) for d in FORECASTS]


THEMES = ("plotly_white", "plotly_dark")  # what the navbar's switch stores (ui/shell.py)


def record_id_list(value: Any) -> str | None:
    """A multi-select picker's releases: a list of ids, or nothing."""
    if value is None:
        return None
    if not isinstance(value, list):
        return f"must be a list of release ids, not {_shown(value)}"
    return record_ids(value)


def record_id(value: Any) -> str | None:
    """A release pk or a row id: a whole number from 1 to 2^31-1, or nothing."""
    if value is None:
        return None
    if not _is_int(value):
        return f"must be a whole number id, not {_shown(value)}"
    if not 1 <= value <= MAX_ID:
        return f"must be an id from 1 to {MAX_ID:,}, not {_shown(value)}"
    return None


def pattern_index(value: Any) -> str | None:
    """A pattern id's index: a row id, or 0 for a page's single button of that type."""
    if _is_int(value) and 0 <= value <= MAX_ID:
        return None
    return f"must be a whole number from 0 to {MAX_ID:,}, not {_shown(value)}"


def record_ids(value: Any) -> str | None:
    """One release pk or a list of them (a multi-select picker), or nothing."""
    if isinstance(value, list):
        if len(value) > 1000:
            return "lists too many releases"
        return next((p for v in value if (p := record_id(v))), None)
    return record_id(value)


def release_or_new(value: Any) -> str | None:
    return None if value == NEW_RELEASE else record_id(value)


def count(value: Any) -> str | None:
    """A click or tick counter (n_clicks, n_intervals, a version number), or nothing."""
    if value is None:
        return None
    if not _is_int(value) or not 0 <= value <= MAX_CLICKS:
        return f"must be a count, not {_shown(value)}"
    return None


def whole(value: Any) -> str | None:
    """A whole number option (days of a window), or nothing."""
    if value is None:
        return None
    if not _is_int(value) or abs(value) > MAX_CLICKS:
        return f"must be a whole number, not {_shown(value)}"
    return None


def flag(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return f"must be true or false, not {_shown(value)}"


def amount(value: Any) -> str | None:
    """What a person typed as a number: ingest reads text and numbers (and says why ``true`` or
    ``1.5`` is no count); a list or an object is no number at all."""
    if isinstance(value, str | int | float | type(None)):
        return None
    return f"must be a whole number such as 12345, not {_shown(value)}"


def page_number(value: Any) -> str | None:
    """A table's page index as its own store holds it: a whole number from 0, or nothing."""
    if value is None or (_is_int(value) and 0 <= value <= MAX_ID):
        return None
    return f"must be a page number from 0 to {MAX_ID:,}, not {_shown(value)}"


def table_sort(value: Any) -> str | None:
    """A table's sort as its header clicks set it: {"column": one of the records table's
    columns, "direction": "asc" or "desc"}, or nothing (newest first)."""
    from perfdash.ui.pages.dashboard.render import TABLE_COLUMNS  # the table's own columns

    if value is None:
        return None
    columns = [c for c, _ in TABLE_COLUMNS]
    if (
        not isinstance(value, dict)
        or set(value) != {"column", "direction"}
        or value["column"] not in columns
        or value["direction"] not in ("asc", "desc")
    ):
        return (
            f'must be {{"column": one of {", ".join(columns)}, "direction": "asc" or "desc"}}, '
            f"not {_shown(value)}"
        )
    return None


def job_id(value: Any) -> str | None:
    """A job's or an upload's id (hex), or nothing."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.isascii() or not value.isalnum() or len(value) > 64:
        return f"must be a job id, not {_shown(value)}"
    return None


def anything(value: Any) -> str | None:
    """Rendered children the page itself sent back (read for display only, never written)."""
    return None


def mapping(value: Any) -> str | None:
    """An object such as a chart's clickData, or nothing (the callback reads its keys)."""
    if value is None or isinstance(value, dict):
        return None
    return f"must be an object, not {_shown(value)}"


def records(value: Any) -> str | None:
    """A list of objects (a table's rows, a dropdown's options, sort_by), or nothing."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return f"must be a list of objects, not {_shown(value)}"
    return None


# (field name in messages, check) by "component-id.property"; a pattern-matching id by
# "{type}.property", whose index is a record id
KINDS: dict[str, tuple[str, Check]] = {
    # the frame
    "url.pathname": ("page", text(2000)),
    "url.search": ("query string", text(4000)),
    "theme-store.data": ("theme", one_of(lambda: THEMES)),
    "{page-view}.data": ("page view", text(4000)),
    # the dashboard
    "dash-release.value": ("release", record_id_list),
    "dash-release.search_value": ("release search", text(200)),
    "dash-release.options": ("release options", records),
    "dash-period.value": ("period", one_of(_dashboard_periods)),
    "dash-prev.n_clicks": ("previous period", count),
    "dash-next.n_clicks": ("next period", count),
    "dash-range.start_date": ("from", text(40)),
    "dash-range.end_date": ("to", text(40)),
    "dash-compare.value": ("compare", flag),
    "dash-archived.value": ("include archived releases", flag),
    "dash-platform.value": ("platform", texts(100)),
    "dash-metric.value": ("metric", choice(50)),
    "dash-granularity.value": ("granularity", choice()),
    "dash-mode.value": ("mode", choice()),
    "dash-forecast.value": ("forecast", one_of(_forecasts)),
    "dash-view.active_tab": ("view", choice()),
    "dash-lb-metric.value": ("leaderboard metric", choice(50)),
    "dash-country.value": ("country", choice(2)),
    "dash-currency.value": ("currency", choice(3)),
    "dash-query.data": ("view", text(4000)),
    # the readings table's own stores: a page or an order the table never sets is refused
    "dash-table-page.data": ("table page", page_number),
    "dash-table-sort.data": ("table sort", table_sort),
    "dash-table-rows.data": ("table", records),
    "dash-table-prev.n_clicks": ("previous page", count),
    "dash-table-next.n_clicks": ("next page", count),
    "dash-export.n_clicks": ("export", count),
    "dash-series.clickData": ("chart click", mapping),
    # notes on the dashboard
    "ann-add.n_clicks": ("add note", count),
    "ann-date.value": ("note date", string),
    "ann-text.value": ("note", string),
    "ann-catalog.value": ("whole catalog", flag),
    "ann-version.data": ("notes version", count),
    "{ann-delete}.n_clicks": ("delete note", count),
    # goals on the dashboard
    "goal-add.n_clicks": ("set goal", count),
    "goal-for.value": ("goal for", choice()),
    "goal-metric.value": ("goal metric", string),
    "goal-target.value": ("goal target", string),
    "goal-when.value": ("goal when", choice()),
    "goal-value.value": ("goal day or days", string),
    "goal-version.data": ("goals version", count),
    "{goal-delete}.n_clicks": ("remove goal", count),
    # data entry: one reading
    "entry-release_id.value": ("release", record_id),
    "entry-release_id.search_value": ("release search", text(200)),
    "entry-release_id.options": ("release options", records),
    "entry-platform.value": ("platform", string),
    "entry-metric_type.value": ("metric_type", string),
    "entry-metric_value.value": ("metric_value", amount),
    "entry-country.value": ("country", string),
    "entry-currency.value": ("currency", string),
    "entry-recorded_at.value": ("recorded_at", string),
    "entry-source_url.value": ("source_url", string),
    "entry-notes.value": ("notes", string),
    "entry-value_kind.value": ("value_kind", string),
    "entry-editing.data": ("editing", record_id),
    "entry-changed.data": ("changes", count),
    "entry-submit.n_clicks": ("save", count),
    "{entry-confirm-low-button}.n_clicks": ("save as a correction", count),
    "entry-undo.n_clicks": ("undo", count),
    "entry-last-id.data": ("last row", record_id),
    "{entry-edit}.n_clicks": ("edit", count),
    "entry-cancel-edit.n_clicks": ("cancel edit", count),
    "{entry-delete}.n_clicks": ("delete", count),
    "entry-delete-cancel.n_clicks": ("cancel delete", count),
    "entry-delete-confirm.n_clicks": ("confirm delete", count),
    "entry-delete-target.data": ("row to delete", record_id),
    # data entry: releases
    "entry-rel-pick.value": ("release", release_or_new),
    "entry-rel-pick.search_value": ("release search", text(200)),
    "entry-rel-pick.options": ("release options", records),
    "entry-rel-show-archived.value": ("include archived releases", flag),
    "entry-rel-save.n_clicks": ("save release", count),
    "entry-rel-archive.n_clicks": ("archive release", count),
    "entry-rel-restore.n_clicks": ("restore release", count),
    "entry-rel-delete.n_clicks": ("delete release", count),
    "entry-rel-delete-cancel.n_clicks": ("keep release", count),
    "entry-rel-delete-confirm.n_clicks": ("confirm release delete", count),
    "entry-rel-admin-version.data": ("release archive version", count),
    "entry-rel-result.children": ("release result", anything),
    "entry-rel-key.value": ("release key", string),
    "entry-rel-title.value": ("title", string),
    "entry-rel-artist.value": ("artist", string),
    "entry-rel-approved.value": ("approved", string),
    "entry-rel-status.value": ("status", string),
    "entry-rel-isrc.value": ("ISRC", string),
    "entry-rel-upc.value": ("UPC", string),
    "entry-rel-youtube_video_id.value": ("YouTube video id", string),
    "entry-rel-spotify_track_id.value": ("Spotify track id", string),
    "entry-rel-spotify_artist_id.value": ("Spotify artist id", string),
    "entry-rel-lastfm_artist.value": ("Last.fm artist", string),
    "entry-rel-lastfm_track.value": ("Last.fm track", string),
    "entry-rel-deezer_track_id.value": ("Deezer track id", string),
    "entry-rel-deezer_artist_id.value": ("Deezer artist id", string),
    # data entry: metric kinds
    "entry-mk-type.value": ("metric type", choice(50)),
    "entry-mk-kind.value": ("kind", choice()),
    "entry-mk-lower.value": ("lower is better", flag),
    "entry-mk-save.n_clicks": ("save kind", count),
    # data entry: CSV import (the file's size is web.limits' to bound)
    "entry-upload.contents": ("file", text(2**40)),
    "entry-upload.filename": ("file name", text(1000)),
    "entry-import-token.data": ("upload", job_id),
    "entry-import-confirm.n_clicks": ("import", count),
    "entry-import-create.value": ("create releases", flag),
    "entry-import-unknown-count.data": ("unknown releases", count),
    "entry-import-poll.n_intervals": ("import progress", count),
    "entry-import-job.data": ("import job", job_id),
    # collect now
    "collect-now-button.n_clicks": ("collect now", count),
    "collect-now-poll.n_intervals": ("collection progress", count),
    "collect-now-job.data": ("collection job", job_id),
    # the overview
    "ov-period.value": ("period", one_of(_overview_periods)),
    "ov-platform.value": ("platform", texts(100)),
    "ov-tag.value": ("tag", choice(200)),
    "ov-query.data": ("view", text(4000)),
    # alerts and launches
    "alerts-window.value": ("window", whole),
    "launch-releases.value": ("releases", record_ids),
    "launch-metric.value": ("metric", choice(50)),
    "launch-horizon.value": ("horizon", whole),
    "launch-mode.value": ("mode", choice()),
    # what works
    "ww-metric.value": ("metric", choice(50)),
    "ww-day.value": ("day", choice()),
    "ww-export.n_clicks": ("export", count),
    "ww-rows.data": ("terms", records),
    "launch-tag.value": ("tag", choice(200)),
    # the admin page: users
    "admin-users-version.data": ("users version", count),
    "admin-user-add.n_clicks": ("add user", count),
    "admin-user-name.value": ("user name", text(1000)),
    "admin-user-role.value": ("role", choice()),
    "admin-user-artists.value": ("artists", texts(255)),
    "admin-user-password.value": ("password", text(2000)),
    "admin-pick.value": ("user", choice(1000)),
    "admin-role.value": ("new role", choice()),
    "admin-role-save.n_clicks": ("change role", count),
    "admin-password.value": ("new password", text(2000)),
    "admin-password-save.n_clicks": ("set password", count),
    "admin-remove.n_clicks": ("remove user", count),
    "admin-remove-cancel.n_clicks": ("keep user", count),
    "admin-remove-confirm.n_clicks": ("confirm removal", count),
    # the dashboard's share links
    "share-open.n_clicks": ("share this view", count),
    "share-modal.is_open": ("share dialog", flag),
    "share-version.data": ("share links version", count),
    "share-create.n_clicks": ("create link", count),
    "share-expires.value": ("expires", text(100)),
    "{share-view}.data": ("view", text(4000)),
    "{share-revoke}.n_clicks": ("revoke link", count),
    "dash-tag.value": ("tag", text(200)),
    # the dashboard's saved views
    "view-save.n_clicks": ("save view", count),
    "view-replace.n_clicks": ("replace view", count),
    "view-name.value": ("view name", string),
    "{view-delete}.n_clicks": ("delete view", count),
    "{view-default}.n_clicks": ("make default", count),
    "{view-undefault}.n_clicks": ("unset default", count),
    # the admin page: share links
    "admin-shares-version.data": ("share links version", count),
    "admin-share-pick.value": ("share link", record_id),
    "admin-share-revoke.n_clicks": ("revoke link", count),
    "admin-share-cancel.n_clicks": ("keep link", count),
    "admin-share-confirm.n_clicks": ("confirm revoke", count),
    # the admin page: API tokens
    "digest-version.data": ("digests version", count),
    "digest-subscribe.n_clicks": ("subscribe", count),
    "digest-user.value": ("user", choice()),
    "digest-channel.value": ("channel", choice()),
    "digest-target.value": ("address or webhook URL", text(500)),
    "digest-period.value": ("how often", choice()),
    "digest-pick.value": ("subscription", choice()),
    "digest-unsubscribe.n_clicks": ("unsubscribe", count),
    "digest-preview.n_clicks": ("show the digest", count),
    "digest-preview-period.value": ("digest period", choice()),
    "admin-tokens-version.data": ("tokens version", count),
    "admin-token-create.n_clicks": ("create token", count),
    "admin-token-name.value": ("token name", text(1000)),
    "admin-token-role.value": ("token role", choice()),
    "admin-token-artists.value": ("artists", texts(255)),
    "admin-token-pick.value": ("token", choice(1000)),
    "admin-token-revoke.n_clicks": ("revoke token", count),
    "admin-token-cancel.n_clicks": ("keep token", count),
    "admin-token-confirm.n_clicks": ("confirm revoke", count),
    # data entry: a release's tags (ingest.tags judges the text)
    "entry-rel-tags.value": ("tags", string),
    "entry-rel-tags-save.n_clicks": ("save tags", count),
    # artists
    "art-artist.value": ("artist", choice(255)),
    "art-period.value": ("period", choice()),
    "art-metric.value": ("metric", choice(50)),
    "art-query.data": ("view", text(4000)),
}


def kind_key(component_id: Any, prop: Any) -> str:
    """The key of ``KINDS`` for an input: "id.prop", or "{type}.prop" for a pattern id."""
    if isinstance(component_id, dict):
        return f"{{{component_id.get('type')}}}.{prop}"
    return f"{component_id}.{prop}"


def _item_problem(item: Any) -> str | None:
    refused = _item_refusal(item)
    return refused[0] if refused else None


def _item_refusal(item: Any) -> tuple[str, str | None] | None:
    """Why one input is refused, and the plain component id it belongs to (None for a pattern
    id or a malformed item): the page shows the words beside that field when it has one."""
    if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("property"), str):
        return "The request names its inputs wrongly. Nothing was changed.", None
    component_id = item["id"]
    key = kind_key(component_id, item["property"])
    label, check = KINDS.get(key, (key, None))
    if (
        isinstance(component_id, dict)
        and "index" in component_id
        and (problem := pattern_index(component_id["index"]))
    ):
        return f"{label}: the row {problem}. Nothing was changed.", None
    if check is not None and (problem := check(item.get("value"))):
        field = component_id if isinstance(component_id, str) else None
        return f"{label} {problem}. Nothing was changed.", field
    return None


def _changed_problem(changed: Any) -> str | None:
    """``changedPropIds`` (what ``ctx.triggered_id`` is read from): a pattern id's index too."""
    if changed is None:
        return None
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "The request names its inputs wrongly. Nothing was changed."
    for name in changed:
        component, _, prop = name.rpartition(".")
        if component.startswith("{"):
            try:
                component = json.loads(component)
            except ValueError:
                return "The request names its inputs wrongly. Nothing was changed."
            if not isinstance(component, dict):
                return "The request names its inputs wrongly. Nothing was changed."
            label = KINDS.get(kind_key(component, prop), (name,))[0]
            if "index" in component and (problem := pattern_index(component["index"])):
                return f"{label}: the row {problem}. Nothing was changed."
    return None


def body_problem(body: Any) -> str | None:
    """Why a callback request's JSON is refused, naming the field; None when it may run."""
    refused = body_refusal(body)
    return refused[0] if refused else None


def body_refusal(body: Any) -> tuple[str, str | None] | None:
    """``body_problem`` and the component id of the refused field, when it is one field."""
    if not isinstance(body, dict):
        return "The request is not a callback. Nothing was changed.", None
    if problem := _changed_problem(body.get("changedPropIds")):
        return problem, None
    for part in ("inputs", "state"):
        items = body.get(part) or []
        if not isinstance(items, list):
            return "The request names its inputs wrongly. Nothing was changed.", None
        for item in items:
            for one in item if isinstance(item, list) else [item]:  # an ALL input is a list
                if refused := _item_refusal(one):
                    return refused
    return None


def shape_problem(body: dict[str, Any], callback_map: dict[str, Any]) -> str | None:
    """A body must name a callback of this app and send as many inputs and states as it
    declares (Dash itself would fail with an IndexError on fewer)."""
    entry = callback_map.get(body.get("output")) if isinstance(body.get("output"), str) else None
    if entry is None:
        return "The request names no callback of this page; reload the page. Nothing was changed."
    for part in ("inputs", "state"):
        if len(body.get(part) or []) != len(entry.get(part) or []):
            return (
                f"The request sends {len(body.get(part) or [])} {part} where the callback takes "
                f"{len(entry.get(part) or [])}; reload the page. Nothing was changed."
            )
    return None


def check_body(callback_map: dict[str, Any]):
    """``before_request`` for Dash's callback route (after ``web.limits`` parsed the JSON).

    The answer names the refused component (``field``): assets/session.js shows the words
    beside it when the page has a place for them (an element ``<id>-error``), in the page's
    banner otherwise.
    """
    if request.path != DASH_CALLBACK or request.method != "POST":
        return None
    body = request.get_json(silent=True)
    refused = body_refusal(body)
    if refused is None and (problem := shape_problem(body, callback_map)):
        refused = problem, None
    if refused is None:
        return None
    answer, status = refusal(400, refused[0])
    if refused[1] is not None:
        answer["field"] = refused[1]
    return answer, status


def install(app: Dash) -> None:
    """Check every callback request of ``app`` against ``KINDS`` and its callback map."""
    app.server.before_request(lambda: check_body(app.callback_map))
