"""The release view and leaderboard, the fast way (store + metrics) and the original way.

``release_view`` gathers what the dashboard needs for one release — KPIs with the previous
period's gains, the per-day series, the per-platform bars — through the same store and metrics
functions the callbacks call.  ``naive_release_view`` reproduces the original module's
pattern: every row of the release fetched newest first into pandas and aggregated there.
Both return a ``View`` so tests can prove they give exactly the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from perfdash import metrics, store
from perfdash.metrics import Period


@dataclass
class View:
    series: pd.DataFrame  # store.release_series, day buckets
    baseline: pd.DataFrame  # store.totals_before the period
    gains: pd.DataFrame  # metrics.totals_and_gains: the time-series chart
    current: pd.DataFrame  # store.period_gains of the period: KPI cards and platform bars
    previous: pd.DataFrame  # store.period_gains of the period before: the KPIs' change
    kpis: pd.DataFrame
    bars: pd.DataFrame
    rows_read: int = 0


def frames_equal(fast: pd.DataFrame, naive: pd.DataFrame) -> bool:
    """Same columns, rows and values (dtypes may differ: int64 vs Int64, NaT equals NaT)."""
    if list(fast.columns) != list(naive.columns) or len(fast) != len(naive):
        return False
    fast, naive = fast.reset_index(drop=True), naive.reset_index(drop=True)
    for col in fast.columns:
        a, b = fast[col], naive[col]
        if col in ("last_at", "baseline_at"):
            a, b = pd.to_datetime(a, utc=True), pd.to_datetime(b, utc=True)
        elif col == "bucket":
            a, b = pd.to_datetime(a), pd.to_datetime(b)
        if not ((a == b) | (a.isna() & b.isna())).fillna(False).all():
            return False
    return True


def kpi_frame(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per metric: gain and total summed over platforms, corrections, previous gain."""
    cols = ["gain", "total", "corrections"]
    now = current.groupby("metric_type")[cols].sum()
    before = previous.groupby("metric_type")["gain"].sum().rename("previous_gain")
    out = now.join(before, how="left").reset_index()
    return out.sort_values("metric_type").reset_index(drop=True)


def bar_frame(current: pd.DataFrame) -> pd.DataFrame:
    """Gain per platform and metric over the period (the bar chart's data)."""
    out = current.groupby(["metric_type", "platform_key"])[["gain", "total"]].sum()
    return out.reset_index().sort_values(["metric_type", "platform_key"]).reset_index(drop=True)


def _view(
    series: pd.DataFrame,
    baseline: pd.DataFrame,
    current: pd.DataFrame,
    previous: pd.DataFrame,
    rows_read: int,
) -> View:
    return View(
        series=series,
        baseline=baseline,
        gains=metrics.totals_and_gains(series, baseline),
        current=current,
        previous=previous,
        kpis=kpi_frame(current, previous),
        bars=bar_frame(current),
        rows_read=rows_read,
    )


def release_view(engine: sa.Engine, release_id: int, period: Period, tz: str) -> View:
    """The fast path: aggregates computed in SQL, then pandas on a few hundred rows."""
    prev = period.previous(tz)
    assert prev is not None and period.start is not None
    ids = [release_id]
    with engine.connect() as conn:  # as the chart callback: one connection for its reads
        series = store.release_series(
            conn, ids, start=period.start, end=period.end, bucket="day", tz=tz
        )
        baseline = store.totals_before(conn, ids, period.start)
    with engine.connect() as conn:  # as the KPI callback: one connection for both periods
        current = store.period_gains(conn, ids, start=period.start, end=period.end)
        previous = store.period_gains(conn, ids, start=prev.start, end=prev.end)
    read = len(series) + len(baseline) + len(current) + len(previous)
    return _view(series, baseline, current, previous, read)


# --------------------------------------------------------------------------- the original way

NAIVE_SQL = sa.text(
    "SELECT id, release_id, platform, metric_type, metric_value, recorded_at, value_kind "
    "FROM content_performance WHERE release_id = :rid ORDER BY recorded_at DESC, id DESC"
)


def fetch_all_rows(engine: sa.Engine, release_id: int) -> pd.DataFrame:
    """Every row of a release, newest first, as the original module returned them."""
    with engine.connect() as conn:
        rows = conn.execute(NAIVE_SQL, {"rid": int(release_id)}).mappings().all()
    frame = pd.DataFrame([dict(r) for r in rows])
    if frame.empty:
        return pd.DataFrame(
            columns=["id", "release_id", "platform", "metric_type", "metric_value"]
            + ["recorded_at", "value_kind"]
        )
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame


def series_in_pandas(rows: pd.DataFrame, start: datetime, end: datetime, tz: str) -> pd.DataFrame:
    """What ``store.release_series`` computes in SQL, computed in pandas."""
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)
    part = rows[(rows["recorded_at"] >= start_ts) & (rows["recorded_at"] < end_ts)].copy()
    if part.empty:
        return pd.DataFrame(columns=store.SERIES_COLUMNS)
    part["platform_key"] = part["platform"].str.lower()
    part["bucket"] = part["recorded_at"].dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D")
    part = part.sort_values(["recorded_at", "id"], ascending=False)
    keys = ["release_id", "platform_key", "metric_type", "value_kind", "bucket"]
    grouped = part.groupby(keys, sort=True)
    out = grouped.agg(
        last_value=("metric_value", "first"),
        sum_value=("metric_value", "sum"),
        n_rows=("metric_value", "size"),
        last_at=("recorded_at", "first"),
    ).reset_index()
    out = out.sort_values(["release_id", "platform_key", "metric_type", "bucket"])
    for col in ("last_value", "sum_value", "n_rows"):
        out[col] = out[col].astype("int64")
    return out[store.SERIES_COLUMNS].reset_index(drop=True)


def baseline_in_pandas(rows: pd.DataFrame, before: datetime) -> pd.DataFrame:
    """What ``store.totals_before`` computes in SQL, computed in pandas."""
    columns = ["release_id", "platform_key", "metric_type", "baseline", "baseline_at"]
    part = rows[(rows["recorded_at"] < pd.Timestamp(before)) & (rows["value_kind"] == "total")]
    if part.empty:
        return pd.DataFrame(columns=columns)
    part = part.assign(platform_key=part["platform"].str.lower()).sort_values(
        ["recorded_at", "id"], ascending=False
    )
    first = part.groupby(["release_id", "platform_key", "metric_type"], sort=True).head(1)
    out = first.rename(columns={"metric_value": "baseline", "recorded_at": "baseline_at"})
    out = out[columns].sort_values(columns[:3]).reset_index(drop=True)
    out["baseline"] = out["baseline"].astype("int64")
    return out


def period_gains_in_pandas(
    rows: pd.DataFrame, start: datetime | None, end: datetime
) -> pd.DataFrame:
    """What ``store.period_gains`` computes in SQL, computed in pandas (same rules)."""
    part = rows[rows["recorded_at"] < pd.Timestamp(end)].copy()
    if part.empty:
        return pd.DataFrame(columns=store.PERIOD_GAIN_COLUMNS)
    part["platform_key"] = part["platform"].str.lower()
    part["inside"] = True if start is None else part["recorded_at"] >= pd.Timestamp(start)
    part = part.sort_values(["recorded_at", "id"])
    series = ["release_id", "platform_key", "metric_type", "value_kind"]
    part["prev"] = part.groupby(series, sort=False)["metric_value"].shift(1)
    total = part["value_kind"] == "total"
    inside = part["inside"]
    out = []
    for key, g in part.groupby(["release_id", "platform_key", "metric_type"], sort=True):
        t_in = g[total.loc[g.index] & inside.loc[g.index]]
        t_out = g[total.loc[g.index] & ~inside.loc[g.index]]
        p = g[~total.loc[g.index]]
        latest = t_in["metric_value"].iloc[-1] if len(t_in) else None
        first = t_in["metric_value"].iloc[0] if len(t_in) else None
        baseline = t_out["metric_value"].iloc[-1] if len(t_out) else None
        period_sum = p.loc[inside.loc[p.index], "metric_value"].sum()
        prior_sum = p.loc[~inside.loc[p.index], "metric_value"].sum()
        start_from = baseline if baseline is not None else first
        gain = (latest - start_from if latest is not None else 0) + period_sum
        now_total = (latest if latest is not None else (baseline or 0)) + prior_sum + period_sum
        corrections = int((t_in["prev"].notna() & (t_in["metric_value"] < t_in["prev"])).sum())
        in_rows = g[inside.loc[g.index]]
        out.append(
            {
                "release_id": key[0],
                "platform_key": key[1],
                "metric_type": key[2],
                "gain": int(gain),
                "total": int(now_total),
                "baseline": baseline,
                "corrections": corrections,
                "n_rows": len(in_rows),
                "last_at": in_rows["recorded_at"].max() if len(in_rows) else pd.NaT,
            }
        )
    frame = pd.DataFrame(out, columns=store.PERIOD_GAIN_COLUMNS)
    for col in ("gain", "total", "corrections", "n_rows"):
        frame[col] = frame[col].astype("int64")
    frame["baseline"] = frame["baseline"].astype("Int64")
    frame["last_at"] = pd.to_datetime(frame["last_at"], utc=True)
    return frame


def naive_release_view(engine: sa.Engine, release_id: int, period: Period, tz: str) -> View:
    """The original pattern: fetch every row of the release, aggregate in pandas."""
    prev = period.previous(tz)
    assert prev is not None and period.start is not None
    rows = fetch_all_rows(engine, release_id)
    return _view(
        series_in_pandas(rows, period.start, period.end, tz),
        baseline_in_pandas(rows, period.start),
        period_gains_in_pandas(rows, period.start, period.end),
        period_gains_in_pandas(rows, prev.start, prev.end),
        len(rows),
    )


def _first_metric(view: View) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    """The view's first metric, its per-day gains and its per-platform bars."""
    if view.gains.empty:
        return None, view.gains, view.bars
    metric = sorted(view.gains["metric_type"].unique())[0]
    part = view.gains[view.gains["metric_type"] == metric]
    bars = view.bars[view.bars["metric_type"] == metric]
    return metric, part, bars


def build_figures(view: View, tz: str, template: str = "plotly_white") -> list[str]:
    """The dashboard's figures of the view's first metric (the time series and the platform
    bars, through the builders the callbacks call), serialised as Dash sends them."""
    from plotly.io.json import to_json_plotly

    from perfdash.ui.figures import charts

    metric, part, bars = _first_metric(view)
    if metric is None:
        return [to_json_plotly(charts.empty_figure(template=template))]
    breakdown = bars.assign(previous_gain=None, previous_total=None)
    return [
        to_json_plotly(charts.time_series(part, mode="gain", tz=tz, template=template)),
        to_json_plotly(charts.platform_bars(breakdown, metric_type=metric, template=template)),
    ]


def px_build_figures(view: View, tz: str, template: str = "plotly_white") -> list[str]:
    """The same two figures the way most Dash apps build them, with plotly express (every
    property validated): the baseline ``figures_ms`` is compared with in the same run."""
    import plotly.express as px
    from plotly.io.json import to_json_plotly

    metric, part, bars = _first_metric(view)
    if metric is None:
        return [to_json_plotly(px.line(template=template))]
    line = px.line(
        part.sort_values("bucket"), x="bucket", y="gain", color="platform_key", template=template
    )
    line.update_layout(hovermode="x unified", yaxis_tickformat=",", xaxis_title=f"time ({tz})")
    bar = px.bar(bars, x="platform_key", y="gain", color="platform_key", template=template)
    bar.update_layout(yaxis_tickformat=",")
    return [to_json_plotly(line), to_json_plotly(bar)]


LEADERBOARD_SQL = sa.text(
    "SELECT cp.id, cp.release_id, cp.platform, cp.metric_type, cp.metric_value, "
    "cp.recorded_at, cp.value_kind FROM content_performance cp "
    "WHERE cp.metric_type = :metric ORDER BY cp.recorded_at DESC, cp.id DESC"
)


def naive_leaderboard(
    engine: sa.Engine, metric_type: str, *, start: datetime, end: datetime, limit: int = 10
) -> pd.DataFrame:
    """The leaderboard the original way: every reading of the metric into pandas."""
    with engine.connect() as conn:
        rows = pd.DataFrame(
            [dict(r) for r in conn.execute(LEADERBOARD_SQL, {"metric": metric_type}).mappings()]
        )
        releases = pd.DataFrame(
            [
                dict(r)
                for r in conn.execute(
                    sa.text(
                        "SELECT id, release_id AS release_key, title, artist_name FROM approved_releases"
                    )
                ).mappings()
            ]
        )
    if rows.empty:
        return pd.DataFrame(columns=store.LEADERBOARD_COLUMNS)
    rows["recorded_at"] = pd.to_datetime(rows["recorded_at"], utc=True)
    per_platform = period_gains_in_pandas(rows, start, end)
    per_platform = per_platform[per_platform["n_rows"] > 0]
    board = (
        per_platform.groupby("release_id")
        .agg(gain=("gain", "sum"), total=("total", "sum"), platforms=("gain", "size"))
        .reset_index()
        .merge(releases, left_on="release_id", right_on="id")
        .sort_values(["gain", "total", "release_id"], ascending=[False, False, True])
        .head(limit)
    )
    out = board[store.LEADERBOARD_COLUMNS].reset_index(drop=True)
    for col in ("gain", "total", "platforms"):
        out[col] = out[col].astype("int64")
    return out
