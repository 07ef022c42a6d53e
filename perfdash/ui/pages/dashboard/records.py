"""The dashboard's records table: the readings behind the chart, a page at a time, sorted and
paged in SQL, and the shown page exported to CSV.

A plain Bootstrap table, not Dash's DataTable: the DataTable's bundles (about 0.5 MB of
JavaScript before compression) would load on every first view for 25 rows and two buttons.
Sorting is a clientside callback (a header click only flips a sort order in the browser);
the dashboard's one view callback reads and draws the page (``page``), with the rest of the
view when the filters change, alone when the order or the page does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, clientside_callback, dcc, html
from sqlalchemy import Connection

from perfdash.csvio.export import rows_csv
from perfdash.ui.pages.dashboard import data, render
from perfdash.ui.pages.dashboard.state import ViewState, window

SORT = "dash-table-sort"  # {"column": ..., "direction": "asc" | "desc"}
SORT_BUTTON = "dash-table-sort-by"
DEFAULT_SORT = {"column": "recorded_at", "direction": "desc"}
NUMERIC = {"metric_value"}
ARROWS = {"asc": " ▲", "desc": " ▼"}

# A header click: the same column flips its order, another column sorts ascending first.
TOGGLE_SORT = """function(clicks, current) {
    const trig = dash_clientside.callback_context.triggered_id;
    if (!trig || !clicks.some(n => n)) { return [dash_clientside.no_update, dash_clientside.no_update]; }
    const names = NAMES;
    const same = current && current.column === trig.column;
    const sort = {column: trig.column,
                  direction: same && current.direction === 'asc' ? 'desc' : 'asc'};
    const arrow = {asc: ' \u25b2', desc: ' \u25bc'};
    const labels = Object.keys(names).map(c => names[c] + (c === sort.column ? arrow[sort.direction] : ''));
    return [sort, labels];
}""".replace("NAMES", json.dumps(dict(render.TABLE_COLUMNS)))


def section() -> html.Div:
    """The heading with the export button, the table, the pager and the note under it."""
    return html.Div(
        [
            html.Div(
                [
                    html.H5("Records", className="d-inline me-3"),
                    dbc.Button(
                        "Export shown rows to CSV",
                        id="dash-export",
                        size="sm",
                        color="secondary",
                        outline=True,
                    ),
                    dcc.Download(id="dash-download"),
                ],
                className="mb-2",
            ),
            dcc.Store(id=SORT, data=DEFAULT_SORT),
            dcc.Store(id="dash-table-page", data=0),
            dcc.Store(id="dash-table-rows", data=[]),
            dcc.Loading(html.Div(_table(), className="table-responsive")),
            html.Div(
                [
                    dbc.Button("‹ Previous", id="dash-table-prev", size="sm", disabled=True),
                    dbc.Button("Next ›", id="dash-table-next", size="sm", disabled=True),
                    html.Span(id="dash-table-note", className="text-muted small ms-2"),
                ],
                className="d-flex align-items-center gap-2 mb-3",
            ),
        ]
    )


def _header(column: str, name: str) -> html.Th:
    arrow = ARROWS[DEFAULT_SORT["direction"]] if column == DEFAULT_SORT["column"] else ""
    return html.Th(
        html.Button(
            name + arrow,
            id={"type": SORT_BUTTON, "column": column},
            className="btn btn-link btn-sm p-0 fw-semibold text-reset text-decoration-none",
            title=f"Sort by {name.lower()}",
        ),
        className="text-end pe-4" if column in NUMERIC else None,
        **{"data-column": column},
    )


def _table() -> dbc.Table:
    """The header stays (the clientside callback relabels it); the body is a page of rows."""
    head = html.Thead(html.Tr([_header(c, name) for c, name in render.TABLE_COLUMNS]))
    body = html.Tbody(id="dash-table-body")
    return dbc.Table([head, body], id="dash-table", size="sm", hover=True)


def body(rows: list[dict]) -> list[html.Tr]:
    return [_row(r) for r in rows]


def _row(row: dict) -> html.Tr:
    cells = []
    for column, _ in render.TABLE_COLUMNS:
        value = row.get(column)
        if column in NUMERIC and isinstance(value, int):
            value = f"{value:,}"
        cells.append(
            html.Td(
                value,
                className="text-end pe-4" if column in NUMERIC else None,
                **{"data-column": column},
            )
        )
    return html.Tr(cells)


def sort_order(sort: dict | None) -> list[tuple[str, str]]:
    """The store's sort order (newest first when there is none).  A sort the table never sets
    is refused before the callback runs (``ui.inputs.table_sort``); anything else reaching
    here still sorts newest first rather than naming a column the table does not have."""
    sort = sort if isinstance(sort, dict) else {}
    column, direction = sort.get("column"), sort.get("direction")
    known = isinstance(column, str) and column in dict(render.TABLE_COLUMNS)
    if not known or not isinstance(direction, str) or direction not in ARROWS:
        column, direction = DEFAULT_SORT["column"], DEFAULT_SORT["direction"]
    return [(column, direction)]


def page(
    conn: Connection,
    state: ViewState,
    tz: str,
    sort: Any,
    current: Any,
    step: int,
    overrides: dict[str, tuple[str, bool]] | None = None,
) -> dict[str, Any]:
    """The table's outputs for the view: the first page for new filters or a new order,
    else the page ``step`` from the one shown (``current``, a store the browser holds); the
    metric kinds (``overrides``) are read unless the view already read them."""
    if not state.releases:
        return dict(
            table_body=[],
            table_rows=[],
            table_page=0,
            table_note="",
            table_prev=True,
            table_next=True,
        )
    shown_before = current or 0  # ui.inputs refused any page the table never sets
    wanted = shown_before + step if step else 0
    period, _ = window(state, tz)
    frame, count, pages, shown = data.records(
        conn, state, period, page=wanted, sort=sort_order(sort)
    )
    rows = render.table_rows(frame, tz, data.kinds(conn) if overrides is None else overrides)
    return dict(
        table_body=body(rows),
        table_rows=rows,
        table_page=shown,
        table_note=f"{count:,} readings · page {shown + 1} of {pages} · times in {tz}",
        table_prev=shown == 0,
        table_next=shown >= pages - 1,
    )


def register(app: Dash) -> None:
    clientside_callback(
        TOGGLE_SORT,
        Output(SORT, "data"),
        Output({"type": SORT_BUTTON, "column": ALL}, "children"),
        Input({"type": SORT_BUTTON, "column": ALL}, "n_clicks"),
        State(SORT, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("dash-download", "data"),
        Input("dash-export", "n_clicks"),
        State("dash-table-rows", "data"),
        State("dash-table-page", "data"),
        prevent_initial_call=True,
    )
    def export(_clicks, rows, shown):
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        columns = [c for c, _ in render.TABLE_COLUMNS] + list(render.EXPORT_KIND_COLUMNS)
        text = rows_csv(rows or [], columns)
        return dcc.send_string(
            text, f"perfdash-records-p{(shown if isinstance(shown, int) else 0) + 1}-{stamp}.csv"
        )
