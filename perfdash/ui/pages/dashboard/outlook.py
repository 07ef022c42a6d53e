"""The dashboard's forecast: which lines get one, read through ``readout.forecasts`` (the API's
path), drawn by ``figures.forecast``, and the sentence under the chart that says what it is and
how well the method did on each series' past.  Nothing is drawn where it would mislead: a score,
weekly or monthly gains (the band is of daily numbers), or a period that ends before today.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Connection

from perfdash import metrics, readout
from perfdash.ingest.rules import is_money
from perfdash.ui.figures import forecast as figure
from perfdash.ui.pages.dashboard.state import ViewState


def _why_not(state: ViewState, kind: metrics.MetricKind, period: metrics.Period, tz: str):
    if kind.is_score:
        return f"{kind.metric_type} is a score (a level, not a total): no forecast."
    if is_money(kind.metric_type):
        return f"{kind.metric_type} is money, read per currency: no forecast."
    if state.mode == "gain" and state.granularity != "day":
        return "The forecast is of daily numbers: pick day, or Running total, to see it."
    today = datetime.now(ZoneInfo(tz)).date()
    if period.end is not None and period.end < metrics.local_midnight(today, tz):
        return "The forecast starts tomorrow: pick a period that runs to today to see it."
    return None


def _anchors(gains: pd.DataFrame, lines: dict, column: str) -> dict:
    """Each forecast line's last whole day and the value the chart shows there."""
    out = {}
    for (rid, pkey), found in lines.items():
        day = pd.Timestamp(found.last_day)
        row = gains[
            (gains["release_id"] == rid)
            & (gains["platform_key"] == pkey)
            & (pd.to_datetime(gains["bucket"]) == day)
        ]
        if not row.empty and pd.notna(row[column].iloc[0]):
            out[(rid, pkey)] = (found.last_day, float(row[column].iloc[0]))
    return out


def _said(key: tuple[int, str], found: metrics.Forecast, names: dict[int, str]) -> str:
    rid, pkey = key
    where = "" if pkey == readout.ALL_PLATFORMS else f" · {metrics.platform_label(pkey)}"
    who = names.get(rid, f"#{rid}") + where
    back = found.backtest
    if back.mape_28d is None or back.band_coverage is None:
        return f"{who}: too short a history to test the method on"
    return (
        f"{who}: on its past, 28-day gains were off by {back.mape_28d:.0%} on average and the "
        f"band held {back.band_coverage:.0%} of outcomes"
    )


def draw(
    conn: Connection,
    fig: go.Figure,
    line: readout.Line,
    state: ViewState,
    kind: metrics.MetricKind,
    period: metrics.Period,
    names: dict[int, str],
    tz: str,
) -> tuple[go.Figure, str]:
    """The chart with the view's forecast on it, and the sentence that goes with it."""
    if not state.forecast:
        return fig, ""
    why_not = _why_not(state, kind, period, tz)
    if why_not:
        return fig, why_not
    outlooks = readout.forecasts(
        conn,
        state.releases,
        kind.metric_type,
        state.platforms,
        tz,
        state.forecast,
        per_platform=len(state.releases) == 1,
    )
    lines = {k: o.forecast for k, o in outlooks.items() if o.forecast is not None}
    missing = [
        f"{names.get(rid, f'#{rid}')}"
        f"{'' if pkey == readout.ALL_PLATFORMS else ' · ' + metrics.platform_label(pkey)}: "
        f"no forecast, {o.reason}"
        for (rid, pkey), o in outlooks.items()
        if o.forecast is None
    ]
    column = "total" if state.mode == "total" else "gain"
    figure.add_forecast(
        fig,
        lines,
        mode=state.mode,
        names=names,
        colour_by="release" if len(state.releases) > 1 else "platform",
        anchors=_anchors(line.gains, lines, column),
    )
    head = (
        f"Forecast of the next {state.forecast} days (dotted, shaded: the 80 % band), from a "
        "damped trend of the daily gains: a projection, not a recorded number."
    )
    parts = [_said(k, f, names) for k, f in sorted(lines.items())] + missing
    return fig, " ".join([head, "; ".join(parts) + "."]) if parts else head
