"""/entry: record, correct and remove metrics; create and edit releases; import CSV.

One module per form, each with its layout and callbacks: ``metric_form``, ``latest`` (the
latest entries, edit and delete), ``releases`` (the release editor), ``release_admin`` (archive, restore, delete), ``release_tags`` (a release's tags), ``csv_import``, ``metric_kinds`` (how each
metric type is read).  Their
writes go through ``perfdash.ingest``, the one write path of every face.
"""

from dash import Dash

from perfdash.ui.pages.entry import (
    csv_import,
    latest,
    metric_form,
    metric_kinds,
    release_admin,
    release_tags,
    releases,
)
from perfdash.ui.pages.entry.layout import layout


def register(app: Dash) -> None:
    metric_form.register(app)
    latest.register(app)
    releases.register(app)
    release_admin.register(app)
    release_tags.register(app)
    csv_import.register(app)
    metric_kinds.register(app)


__all__ = ["layout", "register"]
