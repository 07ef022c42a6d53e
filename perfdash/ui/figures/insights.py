"""Pure figure builders for insights: annotation markers and launch curves.

DataFrames and lists in, Plotly figures out; no database and no Dash callbacks, so each is
tested on its own.  Markers are layout annotations (a symbol above the plot, its text on hover)
and dotted vertical lines, not traces: they sit at the top of any chart whatever its scale,
leave its y range, legend and traces as they were, and carry ``name`` "Notes" or "Approved".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go

from perfdash.metrics import FALLBACK_COLOURS, format_number
from perfdash.ui.figures.charts import plain, title_text

NOTES_TRACE = "Notes"
APPROVED_TRACE = "Approved"
MEDIAN_TRACE = "Catalog median"


def local_time(at: datetime | pd.Timestamp, tz: str) -> pd.Timestamp:
    """A stored time as a wall-clock time in ``tz`` without a zone, the way the charts' axes
    are drawn (naive UTC is taken as UTC)."""
    ts = pd.Timestamp(at)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert(ZoneInfo(tz)).tz_localize(None)


def _x_range(fig: go.Figure) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last x of the figure's data traces (naive local times), if any."""
    xs: list[pd.Timestamp] = []
    for trace in fig.data:
        x = getattr(trace, "x", None)
        if x is None or len(x) == 0:
            continue
        try:
            values = pd.to_datetime(pd.Series(list(x)))
        except (ValueError, TypeError):
            continue
        xs += [values.min(), values.max()]
    if not xs:
        return None
    return min(xs), max(xs)


def add_annotation_markers(
    fig: go.Figure,
    annotations: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    tz: str = "UTC",
    approved: Mapping[str, datetime | None] | None = None,
    clip: bool = True,
) -> go.Figure:
    """Add notes (``at``, ``text``, ``release_key``) and approval dates as markers.

    ``approved`` maps a release label to its approval time.  With ``clip`` only markers inside
    the chart's time range (to the end of its last day) are drawn, so a 7-day view is not
    stretched to a note from last year.  Each marker is a symbol above the plot with its text on
    hover and a dotted vertical line, both named "Notes" or "Approved".
    """
    rows = (
        annotations.to_dict("records")
        if isinstance(annotations, pd.DataFrame)
        else list(annotations)
    )
    bounds = _x_range(fig) if clip else None

    def inside(x: pd.Timestamp) -> bool:
        if bounds is None:
            return True
        return bounds[0].normalize() <= x <= bounds[1].normalize() + pd.Timedelta(days=1)

    notes = []
    for row in rows:
        x = local_time(row["at"], tz)
        if inside(x):
            who = row.get("release_key") or "whole catalog"
            notes.append((x, f"{x:%Y-%m-%d}: {plain(row['text'])} ({plain(who)})"))
    approvals = []
    for label, at in (approved or {}).items():
        if at is not None and not pd.isna(at):
            x = local_time(at, tz)
            if inside(x):
                approvals.append((x, f"{x:%Y-%m-%d}: {plain(label)} approved"))
    if not notes and not approvals:
        return fig
    for points, name, colour, symbol in (
        (notes, NOTES_TRACE, "#f0ad4e", "▼"),
        (approvals, APPROVED_TRACE, "#6c757d", "★"),
    ):
        for x, text in points:
            _marker(fig, x, text, name, colour, symbol)
    return fig


def _marker(fig: go.Figure, x: Any, text: str, name: str, colour: str, symbol: str) -> None:
    """A dotted vertical line and a symbol above the plot with ``text`` on hover."""
    fig.add_shape(
        type="line",
        x0=x,
        x1=x,
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": colour, "width": 1, "dash": "dot"},
        layer="below",
        name=name,
    )
    fig.add_annotation(
        x=x,
        xref="x",
        y=1,
        yref="paper",
        yanchor="bottom",
        text=symbol,
        showarrow=False,
        font={"color": colour, "size": 14},
        hovertext=text,
        name=name,
    )


def launch_colours(names: Mapping[int, str]) -> dict[int, str]:
    """The colour of each picked release's line, so its notes share it."""
    return {rid: FALLBACK_COLOURS[i % len(FALLBACK_COLOURS)] for i, rid in enumerate(names)}


def add_launch_markers(
    fig: go.Figure,
    annotations: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    day0: Mapping[int, pd.Timestamp],
    names: Mapping[int, str],
    tz: str = "UTC",
    horizon: int = 28,
) -> go.Figure:
    """Notes of the picked releases on the launch chart, at their day since launch.

    ``day0`` maps a release id to its launch day (naive local date, as ``align_launches``
    takes it); a note's day is its local date minus its release's day 0, the same count the
    lines use, so a "playlist add" on day 5 sits on day 5 of that release's line.  Notes of
    releases not in ``names``, catalog-wide notes (they have no launch to count from) and notes
    outside ``[0, horizon)`` are left out.  Each marker has its release's line colour and, on
    hover, the day, date, text and release.
    """
    rows = (
        annotations.to_dict("records")
        if isinstance(annotations, pd.DataFrame)
        else list(annotations)
    )
    colours = launch_colours(names)
    for row in rows:
        rid = row.get("release_id")
        if rid is None or pd.isna(rid) or int(rid) not in names or int(rid) not in day0:
            continue
        rid = int(rid)
        local = local_time(row["at"], tz)
        day = int((local.normalize() - pd.Timestamp(day0[rid]).normalize()).days)
        if not 0 <= day < horizon:
            continue
        text = f"day {day} ({local:%Y-%m-%d}): {plain(row['text'])} ({plain(names[rid])})"
        _marker(fig, day, text, NOTES_TRACE, colours[rid], "▼")
    return fig


def launch_figure(
    aligned: pd.DataFrame,
    median: pd.DataFrame,
    *,
    names: Mapping[int, str],
    value: str = "total",
    metric_type: str = "views",
    horizon: int = 28,
    template: str = "plotly_white",
) -> go.Figure:
    """One line per release by days since launch, and the catalog's median launch, dashed."""
    fig = go.Figure()
    what = "total" if value == "total" else "gain per day"
    metric_type = plain(metric_type)
    colours = launch_colours(names)
    for rid, label in names.items():
        label = plain(label)
        part = aligned[aligned["release_id"] == rid].sort_values("day")
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["day"],
                y=part[value],
                mode="lines+markers" if len(part) <= 31 else "lines",
                name=label,
                line={"color": colours[rid], "width": 2},
                customdata=[format_number(v) for v in part[value]],
                hovertemplate=f"{label}<br>day %{{x}}<br>{metric_type} {what}: "
                "%{customdata}<extra></extra>",
            )
        )
    if not median.empty:
        fig.add_trace(
            go.Scatter(
                x=median["day"],
                y=median["median"],
                mode="lines",
                name=MEDIAN_TRACE,
                line={"color": "#7f7f7f", "width": 3, "dash": "dash"},
                customdata=[
                    (format_number(v), int(n))
                    for v, n in zip(median["median"], median["n"], strict=True)
                ],
                hovertemplate="Catalog median<br>day %{x}<br>%{customdata[0]} "
                "(of %{customdata[1]} releases)<extra></extra>",
            )
        )
    fig.update_layout(
        template=template,
        title={"text": title_text(f"{metric_type}: first {horizon} days after launch ({what})")},
        xaxis={
            "title": "days since launch (day 0 = approval date)",
            "range": [-0.5, horizon - 0.5],
        },
        yaxis={"title": f"{metric_type} {what}", "tickformat": ",", "rangemode": "tozero"},
        hovermode="closest",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 70, "b": 40},
        height=440,
    )
    return fig
