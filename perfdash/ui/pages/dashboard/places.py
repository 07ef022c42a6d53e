"""Where the view's metric was heard: the places panel (``ui/panels/places``) for the
releases (none picked: the whole catalog) in the period, drawn with the rest of the view by
its one callback; money in the view's one currency."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from perfdash.ui.pages.dashboard import data
from perfdash.ui.pages.dashboard.state import ViewState, window
from perfdash.ui.panels import places as panel_places

panel = panel_places.panel
register = panel_places.register


def view(conn: Connection, state: ViewState, tz: str, template: str) -> dict[str, Any]:
    """The map's figure (None: no countries) and the top countries of the view (the
    dashboard's view callback's outputs ``places_map`` and ``places_table``), read in the
    view's transaction."""
    metric = state.metric or "streams"
    period, _ = window(state, tz)
    ids = list(state.releases) or None
    figure, table = panel_places.draw(
        conn,
        ids,
        metric,
        state.platforms,
        period,
        currency=data.money_currency(conn, ids, metric, state.currency),
        chosen=state.country,
        template=template,
    )
    return dict(places_map=figure, places_table=table)
