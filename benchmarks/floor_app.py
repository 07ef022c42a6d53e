"""The floor: the smallest Dash page with one Plotly chart, as a person would write it.

``gunicorn benchmarks.floor_app:server``.  Dash's defaults (no compression, bundles served
locally); a radio changes the chart through one server callback, the floor of an interaction.
Whatever Dash and plotly.js cost, this page pays too; ``benchmarks/page.py`` holds perfdash's
first view against it.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

PERIODS = {"7 days": 7, "28 days": 28, "90 days": 90, "12 months": 365}


def figure(days: int) -> go.Figure:
    """A daily line of ``days`` points: data the size of one release's view."""
    x = list(range(days))
    y = [round(1000 + 40 * d + 300 * math.sin(d / 5)) for d in x]
    return go.Figure(go.Scatter(x=x, y=y, mode="lines", name="views")).update_layout(
        title=f"views, last {days} days", margin={"t": 40}
    )


def make_app() -> Dash:
    app = Dash(__name__, title="floor")
    app.layout = html.Div(
        [
            dcc.RadioItems(id="period", options=list(PERIODS), value="28 days", inline=True),
            dcc.Graph(id="chart"),
        ]
    )

    @app.callback(Output("chart", "figure"), Input("period", "value"))
    def chart(period: str) -> go.Figure:
        return figure(PERIODS.get(period, 28))

    return app


server = make_app().server
