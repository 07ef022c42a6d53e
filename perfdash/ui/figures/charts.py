"""Pure figure builders: DataFrames in, Plotly figures out; no database, no Dash callbacks.

Every chart uses the same colour per platform (metrics.platform_colour), thousands
separators, and hover text with exact values, so a reader never has to guess.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from perfdash.metrics import (
    FALLBACK_COLOURS,
    MetricKind,
    format_level,
    format_number,
    metric_kind,
    platform_colour,
    platform_label,
)


def plain(text: object) -> str:
    """User text (titles, artists, platforms, metric names, notes) as literal chart text.

    Plotly renders a subset of HTML (<b>, <br>, <a href>) in names, titles, labels and hover
    templates; escaping the angle brackets makes a release called "<b>Hit</b>" show exactly
    that, as text ("&" stays as it is, so "Kiro & The Static" needs no decoding anywhere).
    """
    return str(text).replace("<", "&lt;").replace(">", "&gt;")


EMPTY_TEXT = "No data for this selection"
ALL_PLATFORMS = "all"  # platform_key of series summed over platforms


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
    colour_by: str = "platform",
    drops: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
) -> go.Figure:
    """One line per (release, platform, metric); corrections (a total that dropped) marked.

    A bucket is marked when its gain is negative, or when ``drops`` (``store.total_drops``:
    readings below the one before, with their bucket) has a reading in it; a drop inside a
    week or month that still grew overall is shown that way instead of disappearing.

    ``previous`` is the previous period's frame (same shape as ``gains``) with its buckets
    already moved forward by the period's length; each line gets a dotted twin from it.

    ``colour_by="platform"`` keeps each platform's colour (releases differ by dash);
    ``"release"`` gives each release its own colour, for comparing releases whose platforms
    were summed (``platform_key == "all"``, see ``metrics.combine_platforms``).
    """
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
        name = "" if pkey == ALL_PLATFORMS else plain(platform_label(pkey))
        if many_metrics:
            name = f"{name} {plain(metric)}".strip()
        if many_releases or not name:
            release_name = plain(release_names.get(rid, f"#{rid}"))
            name = f"{release_name} · {name}" if name else release_name
        if colour_by == "release":
            colour = FALLBACK_COLOURS[release_order[rid] % len(FALLBACK_COLOURS)]
            dash = "solid"
        else:
            colour = platform_colour(pkey)
            dash = dashes[release_order[rid] % len(dashes)]
        values = part[column]
        fig.add_trace(
            go.Scatter(
                x=part["bucket"],
                y=values,
                mode="lines+markers" if len(part) < 60 else "lines",
                name=name,
                line={"color": colour, "dash": dash},
                customdata=[format_number(v) for v in values],
                hovertemplate=f"{name}<br>%{{x|%Y-%m-%d %H:%M}}<br>{column}: %{{customdata}}<extra></extra>",
            )
        )
        _previous_line(fig, previous, (rid, pkey, metric), name, colour, column)
        flagged, amount = _corrections(part, drops, (rid, pkey, metric))
        if flagged.any():
            fig.add_trace(
                go.Scatter(
                    x=part["bucket"][flagged],
                    y=values[flagged],
                    mode="markers",
                    name=f"{name}: correction",
                    marker={"symbol": "x", "size": 11, "color": "#d62728"},
                    customdata=[format_number(v) for v in amount[flagged]],
                    hovertemplate="Correction: the total dropped by %{customdata}<extra></extra>",
                    showlegend=False,
                )
            )
    fig.update_layout(
        template=template,
        title=plain(title) if title else None,
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


def _previous_line(
    fig: go.Figure, previous: pd.DataFrame | None, key: tuple, name: str, colour: str, column: str
) -> None:
    if previous is None or previous.empty:
        return
    part = previous[
        (previous["release_id"] == key[0])
        & (previous["platform_key"] == key[1])
        & (previous["metric_type"] == key[2])
    ].sort_values("bucket")
    if part.empty:
        return
    fig.add_trace(
        go.Scatter(
            x=part["bucket"],
            y=part[column],
            mode="lines",
            name=f"{name} (previous period)",
            line={"color": colour, "dash": "dot", "width": 1.5},
            opacity=0.6,
            customdata=[format_number(v) for v in part[column]],
            hovertemplate=f"{name}, previous period<br>{column}: %{{customdata}}<extra></extra>",
        )
    )


def _corrections(
    part: pd.DataFrame, drops: pd.DataFrame | None, key: tuple
) -> tuple[pd.Series, pd.Series]:
    """Which buckets of one line to mark, and by how much the total dropped in each."""
    flagged = part["correction"].astype(bool)
    amount = (-part["gain"].astype("float64")).where(flagged)
    if drops is None or drops.empty:
        return flagged, amount
    mine = drops[
        (drops["release_id"] == key[0])
        & (drops["platform_key"] == key[1])
        & (drops["metric_type"] == key[2])
    ]
    if mine.empty:
        return flagged, amount
    fell = (mine["previous_value"] - mine["metric_value"]).groupby(mine["bucket"]).sum()
    hit = part["bucket"].map(fell).astype("float64")
    return flagged | hit.notna(), hit.where(hit.notna(), amount)


def _bar_hover(metric_type: str, what: str) -> str:
    return f"%{{x}}<br>{metric_type} {what}: %{{customdata}}<extra></extra>"


def platform_bars(
    breakdown: pd.DataFrame,
    *,
    metric_type: str | None = None,
    kind: MetricKind | None = None,
    compare: bool = False,
    template: str = "plotly_white",
) -> go.Figure:
    """Gain per platform in the period (``metrics.platform_breakdown``), one colour each; for a
    score, its level per platform (a score has no gain).

    With ``compare`` the previous period's number stands next to each bar, paler, so the change
    per platform reads at a glance.
    """
    kind = kind or metric_kind(metric_type or "")
    if breakdown.empty:
        return empty_figure(template=template)
    label = plain(kind.label())
    now, before = ("total", "previous_total") if kind.is_score else ("gain", "previous_gain")
    what = "level" if kind.is_score else kind.gain_word
    fmt = format_level if kind.is_score else format_number
    labels = [plain(platform_label(p)) for p in breakdown["platform_key"]]
    colours = [platform_colour(p) for p in breakdown["platform_key"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=breakdown[now],
            name="this period",
            marker={"color": colours},
            customdata=[fmt(v) for v in breakdown[now]],
            hovertemplate=_bar_hover(label, what),
        )
    )
    if compare and breakdown[before].notna().any():
        fig.add_trace(
            go.Bar(
                x=labels,
                y=breakdown[before],
                name="previous period",
                marker={"color": colours, "opacity": 0.4, "pattern": {"shape": "/"}},
                customdata=[fmt(v) for v in breakdown[before]],
                hovertemplate=_bar_hover(label, f"{what} (previous period)"),
            )
        )
    fig.update_layout(
        template=template,
        title=f"{label} per platform" if kind.is_score else f"{label} {what} per platform",
        barmode="group",
        showlegend=compare,
        yaxis={
            "tickformat": ",",
            "title": label if kind.is_score else f"{label} {what}",
            "autorange": "reversed" if kind.lower_is_better else True,
        },
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        height=340,
    )
    return fig


def platform_share(
    breakdown: pd.DataFrame,
    *,
    metric_type: str | None = None,
    kind: MetricKind | None = None,
    template: str = "plotly_white",
) -> go.Figure:
    """Each platform's share of the period's growth, as a donut.

    A platform whose total dropped (a correction) has no share of the growth; it is left out
    of the donut and named under it, so the slices still add up to what was gained.  A score
    has no share (a level does not add up), which the empty figure says.
    """
    kind = kind or metric_kind(metric_type or "")
    if breakdown.empty:
        return empty_figure(template=template)
    metric_type = plain(kind.metric_type)
    if kind.is_score:
        return empty_figure(f"{metric_type} is a score: it has no share to split", template)
    growing = breakdown[breakdown["gain"] > 0]
    if growing.empty:
        return empty_figure(f"No {metric_type} gained in this period", template)
    fig = go.Figure(
        go.Pie(
            labels=[plain(platform_label(p)) for p in growing["platform_key"]],
            values=growing["gain"],
            hole=0.5,
            sort=False,
            marker={"colors": [platform_colour(p) for p in growing["platform_key"]]},
            customdata=[format_number(v) for v in growing["gain"]],
            texttemplate="%{label}<br>%{percent}",
            hovertemplate="%{label}: %{customdata} (%{percent})<extra></extra>",
        )
    )
    shrinking = breakdown[breakdown["gain"] < 0]
    note = ""
    if not shrinking.empty:
        names = ", ".join(plain(platform_label(p)) for p in shrinking["platform_key"])
        note = f"Not shown (total dropped): {names}"
    fig.update_layout(
        template=template,
        title=f"Share of {metric_type} gained",
        showlegend=False,
        margin={"l": 20, "r": 20, "t": 40, "b": 40},
        height=340,
        annotations=[
            {
                "text": note,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": -0.1,
                "showarrow": False,
                "font": {"size": 11},
            }
        ]
        if note
        else [],
    )
    return fig
