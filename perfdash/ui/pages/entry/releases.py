"""The release editor: create a release, or pick one and change its key, names, status, its
ISRC and UPC (what distributors' statements are matched by) and the platform identifiers the
collectors read.

The write is ``ingest.releases.save_release`` (the API's and the CSV import's too), with the
form's field names mapped to the ingest ones (``save_form``); the editor role is checked on the
server first.  A saved release appears at once in both pickers of the page.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from perfdash import auth, store
from perfdash.ingest.releases import save_release
from perfdash.ui import components, context
from perfdash.ui.errors import message_of
from perfdash.vocab import DISTRIBUTION_STATUSES, RELEASE_CODES, RELEASE_IDENTIFIERS

NEW_RELEASE = "__new__"
RELEASE_FORM = [
    "key",
    "title",
    "artist",
    "approved",
    "status",
    *RELEASE_CODES,
    *RELEASE_IDENTIFIERS,
]
EMPTY_FORM = ("", "", "", None, "pending", *[""] * (len(RELEASE_CODES) + len(RELEASE_IDENTIFIERS)))
# The form's short field names (its component ids) -> the names ingest and the API use.
INGEST_NAMES = {
    "key": "release_key",
    "title": "title",
    "artist": "artist_name",
    "approved": "approved_at",
    "status": "distribution_status",
    **{column: column for column in RELEASE_CODES},
    **{column: column for column in RELEASE_IDENTIFIERS},
}
FORM_NAMES = {ingest: form for form, ingest in INGEST_NAMES.items()}


def save_form(
    engine, pk: int | None, form: dict, *, tz: str
) -> tuple[int | None, dict[str, str], str]:
    """Create (``pk`` None) or update a release from the editor's values: (id, errors by form
    field, message).  Kept free of Dash so the table-driven test drives what the form does."""
    fields = {INGEST_NAMES[name]: value for name, value in form.items() if name in INGEST_NAMES}
    fields["release_key"] = fields.get("release_key") or ""
    fields["distribution_status"] = fields.get("distribution_status") or "pending"
    try:
        saved = save_release(engine, pk, fields, tz=tz)
    except store.PerformanceDbError as exc:
        return None, {}, f"Nothing was saved: {message_of(exc)}"
    errors = {FORM_NAMES.get(field, field): text for field, text in saved.errors.items()}
    return saved.id, errors, saved.message


def _field(label: str, control, field: str, md: int = 4) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=f"entry-rel-{field}"),
            control,
            html.Div(id=f"entry-rel-{field}-error", className="form-feedback-error"),
        ],
        md=md,
        className="mb-3",
    )


def _choices(options: list[dict]) -> list[dict]:
    return [{"label": "New release", "value": NEW_RELEASE}, *options]


def editor_options(conn, chosen: int | None = None, archived: bool = False) -> list[dict]:
    """The editor's picker: "New release", the chosen release, then the most recently active
    releases (the rest are found by the server search as one types); archived ones only
    with the switch on (the editor is where they are restored), or when chosen."""
    options, _ = components.picker_options(
        conn, [chosen] if chosen else [], with_key=True, archived=archived
    )
    return _choices(options)


def section(options: list[dict]) -> html.Div:
    picker = dcc.Dropdown(
        id="entry-rel-pick",
        options=_choices(options),
        value=NEW_RELEASE,
        clearable=False,
        searchable=True,
        placeholder="Search by title, artist or release key",
    )
    archived = dbc.Switch(
        id="entry-rel-show-archived",
        label="include archived releases (to restore one)",
        value=False,
        className="small mt-1 mb-0",
    )
    status = dbc.Select(
        id="entry-rel-status",
        options=[{"label": s, "value": s} for s in DISTRIBUTION_STATUSES],
        value="pending",
    )
    approved = dbc.Input(id="entry-rel-approved", type="datetime-local")
    hints = {"isrc": "e.g. US-RC1-76-07839", "upc": "12 or 13 digits"}
    codes = [
        _field(label, dbc.Input(id=f"entry-rel-{col}", placeholder=hints[col]), col, md=3)
        for col, label in RELEASE_CODES.items()
    ]
    identifiers = [
        _field(label, dbc.Input(id=f"entry-rel-{col}"), col, md=3)
        for col, label in RELEASE_IDENTIFIERS.items()
    ]
    return html.Div(
        [
            html.H4("Releases", className="mt-5"),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label(
                            "Create or edit (type a title, artist or key)",
                            html_for="entry-rel-pick",
                        ),
                        picker,
                        archived,
                    ],
                    md=6,
                    className="mb-3",
                )
            ),
            dbc.Row(
                [
                    _field("Release key", dbc.Input(id="entry-rel-key"), "key"),
                    _field("Title", dbc.Input(id="entry-rel-title"), "title"),
                    _field("Artist", dbc.Input(id="entry-rel-artist"), "artist"),
                    _field("Approved at", approved, "approved"),
                    _field("Status", status, "status"),
                ]
            ),
            html.H6("Industry codes (distributors' statements are matched by them)"),
            dbc.Row(codes),
            html.H6("Platform identifiers (used by collectors)"),
            dbc.Row(identifiers),
            dbc.Button("Save release", id="entry-rel-save", color="primary"),
            html.Div(id="entry-rel-result", className="mt-3"),
        ]
    )


def _form_values(release: dict, tz: str) -> tuple:
    """A stored release as the editor's fields show it (times in the configured zone)."""
    approved = release.get("approved_at")
    return (
        release["release_id"],
        release.get("title") or "",
        release.get("artist_name") or "",
        approved.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M") if approved else None,
        release.get("distribution_status") or "pending",
        *[release.get(c) or "" for c in RELEASE_CODES],
        *[release.get(c) or "" for c in RELEASE_IDENTIFIERS],
    )


def register(app: Dash) -> None:
    components.register_search(
        app,
        "entry-rel-pick",
        with_key=True,
        archived_from="entry-rel-show-archived",
        first=_choices([]),
        shared=True,
    )

    @app.callback(
        Output("entry-rel-pick", "options", allow_duplicate=True),
        Input("entry-rel-show-archived", "value"),
        State("entry-rel-pick", "value"),
        prevent_initial_call=True,
    )
    def archived_options(archived, pk):
        """The switch shows (or hides again) the archived releases at once, before any typing."""
        chosen = None if pk in (None, NEW_RELEASE) else int(pk)
        with store.transaction(context.engine()) as conn:
            return editor_options(conn, chosen, archived=bool(archived))

    @app.callback(
        *[Output(f"entry-rel-{f}", "value") for f in RELEASE_FORM],
        *[Output(f"entry-rel-{f}-error", "children", allow_duplicate=True) for f in RELEASE_FORM],
        Output("entry-rel-result", "children", allow_duplicate=True),
        Input("entry-rel-pick", "value"),
        State("entry-rel-result", "children"),
        prevent_initial_call=True,
    )
    def pick_release(pk, result):
        """The picked release in the fields; a failed save's messages belong to the release
        that failed, so they go (a success message stays: saving picks the saved release)."""
        cleared = ("",) * len(RELEASE_FORM)
        failed = (
            isinstance(result, dict) and result.get("props", {}).get("id") == "entry-rel-failed"
        )
        message = None if failed else no_update
        if pk in (None, NEW_RELEASE):
            return *EMPTY_FORM, *cleared, message
        release = store.get_release(context.engine(), int(pk))
        if release is None:
            return *((no_update,) * len(RELEASE_FORM)), *cleared, message
        return *_form_values(release, context.settings().tz), *cleared, message

    @app.callback(
        Output("entry-rel-result", "children"),
        *[Output(f"entry-rel-{f}-error", "children") for f in RELEASE_FORM],
        Output("entry-rel-pick", "options"),
        Output("entry-rel-pick", "value"),
        Output("entry-release_id", "options", allow_duplicate=True),
        Input("entry-rel-save", "n_clicks"),
        State("entry-rel-pick", "value"),
        *[State(f"entry-rel-{f}", "value") for f in RELEASE_FORM],
        prevent_initial_call=True,
    )
    def save_release_cb(n_clicks, pk, *values):
        blank = [""] * len(RELEASE_FORM)
        if not n_clicks:
            return no_update, *blank, no_update, no_update, no_update
        try:
            auth.require_role("editor")
        except auth.PermissionDenied as exc:
            return components.denied(exc), *blank, no_update, no_update, no_update
        engine = context.engine()
        form = dict(zip(RELEASE_FORM, values, strict=True))
        target = None if pk in (None, NEW_RELEASE) else int(pk)
        new_pk, errors, message = save_form(engine, target, form, tz=context.settings().tz)
        texts = [errors.get(f, "") for f in RELEASE_FORM]
        if new_pk is None:
            failed = dbc.Alert(message, color="danger", id="entry-rel-failed")
            return failed, *texts, no_update, no_update, no_update
        with store.transaction(engine) as conn:
            options, _ = components.picker_options(conn, [new_pk], with_key=True)
            editable = editor_options(conn, new_pk)  # the saved one, then the recent
        saved = dbc.Alert(message, color="success", id="entry-rel-saved")
        return saved, *texts, editable, new_pk, options
