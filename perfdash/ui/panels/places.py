"""Where the music is heard: a world map and the top countries of some releases (None: the
catalog) in a period, for the dashboard and the overview, each with its own ids.

Only per-country readings have a country: the countries add up what statements and exports
gave per country, never a worldwide number (docs/numbers.md "Territories").  Without any
per-country reading the panel says what to import.

The map sits below the fold, and a choropleth is the costliest graph of the page to draw (and
it fetches its topojson), so the page's callback puts the figure in ``{prefix}-map-figure``, a
store, and a clientside callback (``register``) draws it once its place scrolls into view; a
panel without countries draws no graph at all, only a line of text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Dash, Input, Output, clientside_callback, dcc, get_asset_url, html
from sqlalchemy import Connection

from perfdash import metrics, readout
from perfdash.ui.figures import maps

TOP_SHOWN = 15

# The figure came: drawn now if the map is already on the page (a change of the view), else
# once its holder is within 200 px of the viewport; no figure: the holder's line of text.
DRAW_WHEN_SEEN = """function(figure) {
    const dc = window.dash_clientside;
    const holder = document.getElementById('PREFIX-map-holder');
    if (holder && holder.__seen) { holder.__seen.disconnect(); holder.__seen = null; }
    if (!figure) {
        return {type: 'Div', namespace: 'dash_html_components',
                props: {children: 'No countries yet', className: 'text-muted small py-2'}};
    }
    const graph = {type: 'Graph', namespace: 'dash_core_components',
                   props: {id: 'PREFIX-map', figure: figure, config: CONFIG}};
    if (document.getElementById('PREFIX-map') || !holder || !window.IntersectionObserver) {
        return graph;
    }
    const seen = new IntersectionObserver((entries) => {
        if (!entries.some(e => e.isIntersecting)) { return; }
        seen.disconnect(); holder.__seen = null;
        dc.set_props('PREFIX-map-holder', {children: graph});
    }, {rootMargin: '200px 0px'});
    holder.__seen = seen;
    // watched from the frame after next: the rest of the answer (the KPIs above) laid out
    requestAnimationFrame(() => requestAnimationFrame(() => {
        if (holder.__seen === seen) { seen.observe(holder); }
    }));
    return {type: 'Div', namespace: 'dash_html_components',
            props: {style: {height: 'HEIGHTpx'}, className: 'PREFIX-map-waiting'}};
}"""


def map_config() -> dict:
    """The map's plotly config: perfdash's own topojson, no logo."""
    return {"displaylogo": False, "topojsonURL": get_asset_url(maps.TOPOJSON_ASSETS)}


def register(app: Dash, prefix: str = "places") -> None:
    """Draw ``{prefix}``'s map from its store when it scrolls into view (in the browser)."""
    clientside_callback(
        DRAW_WHEN_SEEN.replace("PREFIX", prefix)
        .replace("HEIGHT", str(maps.HEIGHT))  # the wait keeps its place
        .replace("CONFIG", json.dumps(map_config())),
        Output(f"{prefix}-map-holder", "children"),
        Input(f"{prefix}-map-figure", "data"),
    )


def panel(prefix: str = "places", title: str = "Where it is heard") -> dbc.Card:
    """The card: the map's holder (``{prefix}-map`` drawn in it from ``{prefix}-map-figure``)
    beside ``{prefix}-table`` (the countries)."""
    graph = html.Div(
        [dcc.Store(id=f"{prefix}-map-figure"), html.Div(id=f"{prefix}-map-holder")],
        style={"minHeight": "2rem"},
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5(title, className="card-title"),
                dbc.Row(
                    [
                        dbc.Col(dcc.Loading(graph), md=7),
                        dbc.Col(dcc.Loading(html.Div(id=f"{prefix}-table")), md=5),
                    ],
                    className="g-3",
                ),
            ]
        ),
        className="mb-3",
        id=f"{prefix}-panel",
    )


def draw(
    conn: Connection,
    release_ids: Sequence[int] | None,
    metric: str,
    platforms: Sequence[str],
    period: metrics.Period,
    *,
    currency: str | None,
    chosen: str | None,
    template: str,
    prefix: str = "places",
) -> tuple[go.Figure | None, html.Div | dbc.Alert]:
    """The map (None: no per-country reading, no map to draw) and the top countries of
    ``metric`` (money: in ``currency``), read in the caller's transaction; ``chosen`` marks
    the country a filter picked."""
    ids = None if release_ids is None else list(release_ids)
    found = readout.places(conn, ids, metric, platforms, period, currency)
    if not found.any_country:  # no map to draw: the alert says what to import
        return None, no_countries(ids, prefix)
    return (
        maps.world_map(found.top, metric, currency=currency, template=template),
        top_table(found.top, metric, currency, chosen, prefix),
    )


def no_countries(release_ids: list[int] | None, prefix: str = "places") -> dbc.Alert:
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
        id=f"{prefix}-empty",
        className="mb-0",
    )


def top_table(
    top, metric: str, currency: str | None, chosen: str | None, prefix: str = "places"
) -> html.Div | dbc.Alert:
    """The top countries: rank, country, the exact value, its share of the countries."""
    if top.empty:
        return dbc.Alert(
            f"No per-country {metric} in this period.", color="light", id=f"{prefix}-none"
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
            dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, id=f"{prefix}-top"),
            html.Div(note, className="text-muted small"),
        ]
    )
