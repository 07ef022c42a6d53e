"""The data-entry page: the metric form, the latest entries, the release editor, CSV import,
the metric kinds.

The page-wide stores tie the forms together: ``entry-last-id`` (what Undo removes),
``entry-editing`` (the row being corrected), ``entry-delete-target`` (the row the delete
question names) and ``entry-changed`` (moved on by every write, so the latest entries reload).
"""

from __future__ import annotations

from dash import dcc, html

from perfdash import store
from perfdash.ui import components, context
from perfdash.ui.pages.entry import (
    csv_import,
    latest,
    metric_form,
    metric_kinds,
    release_admin,
    release_tags,
    releases,
)


def layout(query: dict[str, list[str]]) -> html.Div:
    """The page; ``?release=ID`` chooses that release in the metric form."""
    wanted = (query.get("release") or [""])[0]
    with store.transaction(context.engine()) as conn:
        options, found = components.picker_options(
            conn, [int(wanted)] if wanted.isdigit() else [], with_key=True
        )
        editable, _ = components.picker_options(conn, [], with_key=True)
    return html.Div(
        [
            dcc.Store(id="entry-last-id"),
            dcc.Store(id="entry-editing"),
            dcc.Store(id="entry-delete-target"),
            dcc.Store(id="entry-changed", data=0),
            metric_form.section(context.settings().tz, options, found[0] if found else None),
            latest.section(),
            releases.section(editable),
            release_admin.section(),
            release_tags.section(),
            csv_import.section(),
            metric_kinds.section(),
        ]
    )
