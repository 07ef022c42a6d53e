"""Pure figure builders: DataFrames in, Plotly figures out; no database, no Dash callbacks.

Every chart uses the same colour per platform (metrics.platform_colour), thousands
separators, and hover text with exact values, so a reader never has to guess.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from perfdash.metrics import format_number, platform_colour, platform_label

EMPTY_TEXT = "No data for this selection"


def empty_figure(message: str = EMPTY_TEXT, template: str = "plotly_white") -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        template=template,
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": message,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 16},
            }
        ],
        margin={"l": 20, "r": 20, "t": 40, "b": 20},
        height=380,
    )
    return fig


def time_series(
    gains: pd.DataFrame,
    *,
    mode: str = "total",
    release_names: dict[int, str] | None = None,
    tz: str = "UTC",
    template: str = "plotly_white",
    title: str | None = None,
) -> go.Figure:
    """One line per (release, platform, metric); corrections (a total that dropped) marked."""
    if gains.empty:
        return empty_figure(template=template)
    column = "total" if mode == "total" else "gain"
    release_names = release_names or {}
    many_releases = gains["release_id"].nunique() > 1
    many_metrics = gains["metric_type"].nunique() > 1
    fig = go.Figure()
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    release_order = {rid: i for i, rid in enumerate(sorted(gains["release_id"].unique()))}
    for (rid, pkey, metric), part in gains.groupby(
        ["release_id", "platform_key", "metric_type"], sort=True
    ):
        part = part.sort_values("bucket")
        name = platform_label(pkey)
        if many_metrics:
            name = f"{name} {metric}"
        if many_releases:
            name = f"{release_names.get(rid, f'#{rid}')} · {name}"
        values = part[column]
        fig.add_trace(
            go.Scatter(
                x=part["bucket"],
                y=values,
                mode="lines+markers" if len(part) < 60 else "lines",
                name=name,
                line={
                    "color": platform_colour(pkey),
                    "dash": dashes[release_order[rid] % len(dashes)],
                },
                customdata=[format_number(v) for v in values],
                hovertemplate=f"{name}<br>%{{x|%Y-%m-%d %H:%M}}<br>{column}: %{{customdata}}<extra></extra>",
            )
        )
        drops = part[part["correction"]]
        if not drops.empty:
            fig.add_trace(
                go.Scatter(
                    x=drops["bucket"],
                    y=drops[column],
                    mode="markers",
                    name=f"{name}: correction",
                    marker={"symbol": "x", "size": 11, "color": "#d62728"},
                    customdata=[format_number(v) for v in drops["gain"]],
                    hovertemplate="Correction: the total dropped by %{customdata}<extra></extra>",
                    showlegend=False,
                )
            )
    fig.update_layout(
        template=template,
        title=title,
        hovermode="closest",
        yaxis={
            "tickformat": ",",
            "title": "running total" if mode == "total" else "gain per period",
            "rangemode": "tozero",
        },
        xaxis={"title": f"time ({tz})"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        height=420,
    )
    return fig
