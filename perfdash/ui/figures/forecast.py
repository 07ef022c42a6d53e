"""The forecast on the time series: each line's next days dotted, inside its shaded 80 % band.

Pure: a figure and ``metrics.Forecast`` values in, the same figure with the forecast's traces
out.  Every trace says "forecast" in its name and hover, so a projected number never reads as a
recorded one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import plotly.graph_objects as go

from perfdash.metrics import (
    FALLBACK_COLOURS,
    Forecast,
    format_number,
    platform_colour,
    platform_label,
)
from perfdash.ui.figures.charts import ALL_PLATFORMS, plain


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def add_forecast(
    fig: go.Figure,
    lines: Mapping[tuple[int, str], Forecast],
    *,
    mode: str,
    names: Mapping[int, str],
    colour_by: str,
    anchors: Mapping[tuple[int, str], tuple[date, float]] | None = None,
) -> go.Figure:
    """Each line's forecast (``mode`` total: the running total; gain: each day's gain), dotted
    from the line's last whole day (``anchors``: that day and the value the line shows there)
    and a band filled between the low and high edges."""
    value, low, high = (
        ("value", "low", "high") if mode == "total" else ("gain", "gain_low", "gain_high")
    )
    order = {rid: i for i, rid in enumerate(sorted({rid for rid, _ in lines}))}
    anchors = anchors or {}
    for (rid, pkey), found in sorted(lines.items()):
        points = found.points
        if points.empty:
            continue
        colour = (
            FALLBACK_COLOURS[order[rid] % len(FALLBACK_COLOURS)]
            if colour_by == "release" or pkey == ALL_PLATFORMS
            else platform_colour(pkey)
        )
        label = names.get(rid, f"#{rid}") if pkey == ALL_PLATFORMS else platform_label(pkey)
        if colour_by == "release" and pkey != ALL_PLATFORMS:
            label = f"{names.get(rid, f'#{rid}')} · {platform_label(pkey)}"
        name = f"{plain(label)} forecast"
        days = list(points["date"])
        centre = list(points[value])
        anchor = anchors.get((rid, pkey))
        if anchor is not None:
            days, centre = [anchor[0], *days], [anchor[1], *centre]
        group = f"forecast-{rid}-{pkey}"
        fig.add_trace(
            go.Scatter(
                x=list(points["date"]),
                y=list(points[high]),
                mode="lines",
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=group,
                name=f"{name} high",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=list(points["date"]),
                y=list(points[low]),
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=_rgba(colour, 0.15),
                legendgroup=group,
                name=f"{name}: 80% band",
                customdata=[
                    [format_number(round(lo)), format_number(round(hi))]
                    for lo, hi in zip(points[low], points[high], strict=True)
                ],
                hovertemplate=f"{name} 80% band: %{{customdata[0]}} to %{{customdata[1]}}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=days,
                y=centre,
                mode="lines",
                line={"color": colour, "dash": "dot", "width": 2},
                legendgroup=group,
                name=name,
                customdata=[format_number(round(v)) for v in centre],
                hovertemplate=f"{name}: %{{customdata}}<extra></extra>",
            )
        )
    starts = [found.points["date"].iloc[0] for found in lines.values() if not found.points.empty]
    if starts:
        first = min(starts)
        fig.add_vline(x=str(first), line={"width": 1, "dash": "dot", "color": "#888"})
        fig.add_annotation(
            x=str(first),
            y=1,
            yref="paper",
            text="forecast →",
            showarrow=False,
            xanchor="left",
            font={"size": 11, "color": "#666"},
        )
    return fig
