"""Where the view's metric was heard: a world map and the top countries of the releases (none
picked: the whole catalog) in the period, drawn with the rest of the view by its one callback.

Only per-country readings have a country: the countries add up what statements and exports
gave per country, never a worldwide number (docs/numbers.md "Territories").  Without any
per-country reading the panel says what to import.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, get_asset_url, html
from sqlalchemy import Connection

from perfdash import metrics, readout, store
from perfdash.ingest.rules import is_money
from perfdash.ui.figures import maps
from perfdash.ui.pages.dashboard.state import ViewState, window

TOP_SHOWN = 15


def panel() -> dbc.Card:
    graph = dcc.Graph(
        id="places-map",
        config={"displaylogo": False, "topojsonURL": get_asset_url(maps.TOPOJSON_ASSETS)},
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5("Where it is heard", className="card-title"),
                dbc.Row(
                    [
                        dbc.Col(dcc.Loading(graph), md=7),
                        dbc.Col(dcc.Loading(html.Div(id="places-table")), md=5),
                    ],
                    className="g-3",
                ),
            ]
        ),
        className="mb-3",
        id="places-panel",
    )


def view(conn: Connection, state: ViewState, tz: str, template: str) -> dict[str, Any]:
    """The map and the top countries of the view (the dashboard's view callback's outputs
    ``places_map`` and ``places_table``), read in the view's transaction."""
    metric = state.metric or "streams"
    period, _ = window(state, tz)
    ids = list(state.releases) or None
    currencies = store.view_currencies(conn, ids, metric) if is_money(metric) else []
    currency = currencies[0] if currencies else None
    found = readout.places(conn, ids, metric, state.platforms, period, currency)
    if not found.any_country:  # no map to draw: the alert says what to import
        return dict(places_map=maps.no_map(template), places_table=no_countries(ids))
    return dict(
        places_map=maps.world_map(found.top, metric, currency=currency, template=template),
        places_table=top_table(found.top, metric, currency, state.country),
    )


def no_countries(release_ids: list[int] | None) -> dbc.Alert:
    """The empty state: what to import to see countries."""
    whose = "these releases" if release_ids else "the catalog"
    return dbc.Alert(
        [
            html.Strong(f"No per-country numbers for {whose} yet. "),
            "Import a distributor statement (DistroKid, TuneCore, CD Baby) or a CSV file with a ",
            html.Code("country"),
            " column (ISO codes such as US, DE, BR) on the ",
            html.A("Data entry", href="/entry"),
            " tab, and the map and the top countries show where the music is heard.",
        ],
        color="info",
        id="places-empty",
        className="mb-0",
    )


def top_table(top, metric: str, currency: str | None, chosen: str | None) -> html.Div | dbc.Alert:
    """The top countries: rank, country, the exact value, its share of the countries."""
    if top.empty:
        return dbc.Alert(
            f"No per-country {metric} in this period.", color="light", id="places-none"
        )
    rows = []
    for rank, r in enumerate(top.head(TOP_SHOWN).itertuples(), start=1):
        value = metrics.format_money(int(r.value), currency) if currency else f"{int(r.value):,}"
        rows.append(
            html.Tr(
                [
                    html.Td(rank),
                    html.Td(f"{r.name} ({r.country})"),
                    html.Td(value, className="text-end"),
                    html.Td(f"{r.share:.1%}", className="text-end"),
                ],
                className="table-active" if r.country == chosen else None,
            )
        )
    more = len(top) - TOP_SHOWN
    note = (
        f"Per-country {metric} only (a worldwide figure has no country)"
        + (f"; {more} more countries" if more > 0 else "")
        + (f"; in {currency}" if currency else "")
        + "."
    )
    head = html.Thead(
        html.Tr(
            [
                html.Th("#"),
                html.Th("Country"),
                html.Th(metric, className="text-end"),
                html.Th("Share", className="text-end"),
            ]
        )
    )
    return html.Div(
        [
            dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, id="places-top"),
            html.Div(note, className="text-muted small"),
        ]
    )
