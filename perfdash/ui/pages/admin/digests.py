"""The admin page's digest subscriptions: everyone's, as the Digests page lists them for an
admin, with the way there to add or remove one (``perfdash digest subscribe`` does the same).
Read when the page opens: nothing here writes, so there is no callback to guard.
"""

from __future__ import annotations

from dash import dcc, html

from perfdash import store
from perfdash.ui import context
from perfdash.ui.panels.digests import subscriptions_table


def section() -> html.Section:
    rows = store.list_digest_subscriptions(context.engine())
    return html.Section(
        [
            html.H4("Digest subscriptions", className="mt-4"),
            html.Div(subscriptions_table(rows), id="admin-digests-list"),
            html.P(
                [
                    "Add or remove a subscription for any user on the ",
                    dcc.Link("Digests page", href="/digests", id="admin-digests-link"),
                    ", where the digest as it would go out now can be read too.",
                ],
                className="small text-muted",
            ),
        ],
        id="admin-digests",
    )
