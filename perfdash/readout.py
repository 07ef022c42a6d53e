"""The dashboard's numbers as values: one read path for the dashboard's callbacks and the API.

A view is a set of releases (none: the whole catalog), platforms, a metric and a period with
the previous one; each function takes the connection of its caller's one
``store.transaction`` (one snapshot: a chart's series, baseline and drops agree), reads what
the store aggregates in SQL, and has ``metrics`` read it as each metric's kind says.  The
dashboard draws the results (``ui/pages/dashboard``), the API serialises them
(``api/numbers.py``): the two cannot disagree, because neither computes a number itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection

from perfdash import metrics, store
from perfdash.countries import country_alpha3, country_name
from perfdash.vocab import MONEY_METRICS

ALL_PLATFORMS = "all"  # the platform_key of a series summed over platforms


@dataclass(frozen=True)
class Summary:
    """Each metric's KPI over the view, and the per-platform frames they came from."""

    kpis: list[metrics.Kpi]
    current: pd.DataFrame
    previous: pd.DataFrame | None
    overrides: dict[str, tuple[str, bool]]

    def breakdown(self, metric_type: str) -> pd.DataFrame:
        kind = metrics.metric_kind(metric_type, self.overrides)
        return metrics.platform_breakdown(self.current, metric_type, self.previous, kind)

    def breakdown_by_release(self, metric_type: str) -> pd.DataFrame:
        """The per-platform breakdown of each release on its own, with its ``release_id``."""
        kind = metrics.metric_kind(metric_type, self.overrides)
        parts = []
        for release_id, part in self.current.groupby("release_id", sort=True):
            before = None
            if self.previous is not None and not self.previous.empty:
                before = self.previous[self.previous["release_id"] == release_id]
            shown = metrics.platform_breakdown(part, metric_type, before, kind)
            parts.append(shown.assign(release_id=int(release_id)))
        if not parts:
            return pd.DataFrame(columns=["release_id", *metrics.BREAKDOWN_COLUMNS])
        return pd.concat(parts, ignore_index=True)

    def by_release(self) -> dict[int, list[metrics.Kpi]]:
        """The KPIs of each release on its own (several releases are never summed)."""
        out = {}
        for release_id, part in self.current.groupby("release_id", sort=True):
            before = None
            if self.previous is not None and not self.previous.empty:
                before = self.previous[self.previous["release_id"] == release_id]
            out[int(release_id)] = metrics.period_kpis(part, before, self.overrides)
        return out


@dataclass(frozen=True)
class Line:
    """One metric over one period, and the previous period's gains moved onto it.

    ``gains`` has one row per (release, platform, bucket) with ``complete`` (see
    ``metrics.bucket_complete``); several releases are summed over platforms
    (``platform_key == ALL_PLATFORMS``), one line per release.
    """

    series: pd.DataFrame
    gains: pd.DataFrame
    drops: pd.DataFrame
    previous: pd.DataFrame | None


def kinds(conn: Connection) -> dict[str, tuple[str, bool]]:
    """The editors' metric kinds, read with the view's numbers (one snapshot)."""
    return store.metric_kind_overrides(conn)


def summary(
    conn: Connection,
    release_ids: Sequence[int] | None,
    platforms: Sequence[str],
    period: metrics.Period,
    previous: metrics.Period | None,
    country: str | None = None,
    currency: str | None = None,
) -> Summary:
    """Every metric's KPI over the releases (None: the catalog) and platforms (empty: all),
    in one ``country`` or all territories (``store.territories``); money has a KPI per
    currency (``Kpi.currency``), never one summed across currencies (``currency``: that
    currency's only)."""
    where = dict(platforms=list(platforms) or None, country=country)
    ids = None if release_ids is None else list(release_ids)
    current = store.period_gains(conn, ids, start=period.start, end=period.read_end, **where)
    before = None
    if previous is not None:
        before = store.period_gains(conn, ids, start=previous.start, end=previous.read_end, **where)
    overrides = kinds(conn)
    found = metrics.period_kpis(current, before, overrides)
    for money in MONEY_METRICS:
        chosen = [currency] if currency else store.view_currencies(conn, ids, money)
        for code in chosen:
            each = dict(where, metric_types=[money], currency=code)
            now = store.period_gains(conn, ids, start=period.start, end=period.read_end, **each)
            then = None
            if previous is not None:
                then = store.period_gains(
                    conn, ids, start=previous.start, end=previous.read_end, **each
                )
            found += [replace(k, currency=code) for k in metrics.period_kpis(now, then, overrides)]
    return Summary(found, current, before, overrides)


def line(
    conn: Connection,
    release_ids: Sequence[int],
    metric: str,
    platforms: Sequence[str],
    period: metrics.Period,
    granularity: str,
    tz: str,
    previous: metrics.Period | None = None,
    country: str | None = None,
    currency: str | None = None,
) -> Line:
    """The metric's buckets (local to ``tz``), totals/gains, corrections and completeness, and
    with ``previous`` the previous period's line shifted onto this one; in one ``country`` or
    all territories, money in one ``currency``."""
    place = dict(country=country, currency=currency)
    series, gains, drops = _line(
        conn, release_ids, metric, platforms, period, granularity, tz, **place
    )
    before = None
    if previous is not None and not series.empty:
        _, before, _ = _line(
            conn, release_ids, metric, platforms, previous, granularity, tz, **place
        )
        shift = pd.Timedelta(days=round((period.start - previous.start).total_seconds() / 86400))
        before = before.assign(bucket=before["bucket"] + shift)
    return Line(series, gains, drops, before)


def _line(
    conn: Connection,
    release_ids: Sequence[int],
    metric: str,
    platforms: Sequence[str],
    period: metrics.Period,
    granularity: str,
    tz: str,
    country: str | None = None,
    currency: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    where = dict(
        metric_types=[metric], platforms=list(platforms) or None, country=country, currency=currency
    )
    bucket = dict(start=period.start, end=period.read_end, bucket=granularity, tz=tz)
    series = store.release_series(conn, release_ids, **bucket, **where)
    baseline = (
        store.totals_before(conn, release_ids, period.start, **where)
        if period.start and not series.empty
        else None
    )
    gains = metrics.totals_and_gains(series, baseline)
    drops = store.total_drops(conn, release_ids, **bucket, **where)
    if len(release_ids) > 1:
        gains = metrics.combine_platforms(gains).assign(platform_key=ALL_PLATFORMS)
        drops = drops.assign(platform_key=ALL_PLATFORMS)
    gains = gains.assign(complete=metrics.bucket_complete(gains["bucket"], granularity, tz, period))
    return series, gains, drops


def line_points(
    gains: pd.DataFrame, mode: str, kind: metrics.MetricKind, granularity: str, tz: str
) -> list[tuple[tuple[int, str, str], list[tuple[datetime, datetime, float | None, bool]]]]:
    """Each line of ``gains`` as (release, platform, metric) and its points: the bucket's
    start and end (aware, in ``tz``), the value the chart draws (gain or total; a score's
    level), and whether the bucket is complete."""
    column = "total" if mode == "total" or kind.is_score else "gain"
    out = []
    for key, part in gains.groupby(["release_id", "platform_key", "metric_type"], sort=True):
        part = part.sort_values("bucket")
        starts, ends = metrics.bucket_bounds(part["bucket"], granularity, tz)
        points = [
            (
                start.tz_convert(tz).to_pydatetime(),
                end.tz_convert(tz).to_pydatetime(),
                None if pd.isna(value) else value,
                bool(done),
            )
            for start, end, value, done in zip(
                starts, ends, part[column], part["complete"], strict=True
            )
        ]
        out.append(((int(key[0]), str(key[1]), str(key[2])), points))
    return out


def leaderboard(
    conn: Connection,
    kind: metrics.MetricKind,
    period: metrics.Period,
    previous: metrics.Period | None,
    platforms: Sequence[str] = (),
    limit: int = 10,
    archived: bool = False,
    country: str | None = None,
    currency: str | None = None,
    release_ids: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, dict[int, float]]:
    """The top releases in the period on the chosen platforms, and the same releases' numbers
    in the previous period: by gain for a counter or an audience (compared with the previous
    gain), by level for a score (best first; compared with the previous period's level).
    Archived releases only with ``archived``; ``release_ids`` (a tag's releases) narrows the
    board to those releases."""
    by = "gain" if not kind.is_score else ("level_asc" if kind.lower_is_better else "level")
    where = dict(
        platforms=list(platforms) or None,
        by=by,
        limit=limit,
        archived=archived,
        country=country,
        currency=currency,
    )
    board = store.leaderboard(
        conn,
        kind.metric_type,
        start=period.start,
        end=period.read_end,
        release_ids=None if release_ids is None else list(release_ids),
        **where,
    )
    before: dict[int, float] = {}
    if previous is not None and not board.empty:
        prev = store.leaderboard(
            conn,
            kind.metric_type,
            start=previous.start,
            end=previous.read_end,
            release_ids=board["release_id"].tolist(),
            **where,
        )
        column = "total" if kind.is_score else "gain"
        cast = float if kind.is_score else int
        before = {int(r): cast(v) for r, v in zip(prev["release_id"], prev[column], strict=True)}
    return board, before


def catalog_line(
    conn: Connection,
    metric: str,
    period: metrics.Period,
    granularity: str,
    tz: str,
    platforms: Sequence[str] = (),
    country: str | None = None,
    currency: str | None = None,
    release_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """The whole catalog's (or with ``release_ids`` those releases', a tag's) gain of ``metric`` per platform and bucket: each release's gains
    (from its own baseline) added up per platform, with each bucket's completeness; the frame
    has ``time_series``' columns (``release_id`` 0 stands for the catalog).  Only for a
    counter or an audience: a score's levels do not add up (callers refuse one)."""
    where = dict(
        metric_types=[metric], platforms=list(platforms) or None, country=country, currency=currency
    )
    bucket = dict(start=period.start, end=period.end, bucket=granularity, tz=tz)
    ids = None if release_ids is None else list(release_ids)
    series = store.release_series(conn, ids, **bucket, **where)
    if series.empty:
        return metrics.totals_and_gains(series)
    baseline = store.totals_before(conn, ids, period.start, **where) if period.start else None
    gains = metrics.totals_and_gains(series, baseline)
    summed = (
        gains.groupby(["platform_key", "bucket"], sort=True)
        .agg(gain=("gain", lambda g: g.sum(min_count=1)), total=("total", "sum"))
        .reset_index()
    )
    return summed.assign(
        release_id=0,
        metric_type=metric,
        correction=False,
        complete=metrics.bucket_complete(summed["bucket"], granularity, tz, period),
    )


def risers(
    conn: Connection,
    kind: metrics.MetricKind,
    period: metrics.Period,
    previous: metrics.Period | None,
    platforms: Sequence[str] = (),
    count: int = 5,
    archived: bool = False,
    release_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """The catalog's (or ``release_ids``', a tag's) releases (all of them, not the top gainers only) whose gain on the chosen
    platforms grew most over the previous period's; none for a score (a level has no gain)
    or without a previous period."""
    if kind.is_score or previous is None or period.start is None:
        return pd.DataFrame(columns=store.RISER_COLUMNS)
    return store.risers(
        conn,
        kind.metric_type,
        start=period.start,
        end=period.read_end,
        previous_start=previous.start,
        previous_end=previous.read_end,
        platforms=list(platforms) or None,
        limit=count,
        archived=archived,
        release_ids=release_ids,
    )


@dataclass(frozen=True)
class Outlook:
    """A line's forecast, or why there is none (``reason``), for the API and the chart."""

    forecast: metrics.Forecast | None
    reason: str | None = None


def forecasts(
    conn: Connection,
    release_ids: Sequence[int],
    metric: str,
    platforms: Sequence[str],
    tz: str,
    days: int,
    *,
    per_platform: bool,
    today: date | None = None,
) -> dict[tuple[int, str], Outlook]:
    """The next ``days`` days (from tomorrow, local to ``tz``) of each release's total: per
    platform with ``per_platform`` (as one release's chart draws it), else summed over the
    chosen platforms (``ALL_PLATFORMS``).  Only whole days count: today's bucket is not over.
    A score (a rank) has no total to forecast: no entries."""
    kind = metrics.metric_kind(metric, kinds(conn))
    if kind.is_score or not release_ids:
        return {}
    today = today or datetime.now(ZoneInfo(tz)).date()
    where = dict(metric_types=[metric], platforms=list(platforms) or None)
    end = metrics.local_midnight(today, tz)
    series = store.release_series(conn, list(release_ids), end=end, bucket="day", tz=tz, **where)
    gains = metrics.totals_and_gains(series)
    if not per_platform:
        gains = metrics.combine_platforms(gains).assign(platform_key=ALL_PLATFORMS)
    out: dict[tuple[int, str], Outlook] = {}
    for (rid, pkey), part in gains.groupby(["release_id", "platform_key"], sort=True):
        totals = part.set_index(pd.to_datetime(part["bucket"]))["total"].astype("float64")
        key = (int(rid), str(pkey))
        try:
            found = metrics.forecast(
                totals, days, counter=kind.kind == "counter", start=today + timedelta(days=1)
            )
        except ValueError:
            out[key] = Outlook(None, "its newest number is too old to forecast from")
            continue
        if found is None:
            out[key] = Outlook(None, f"it needs {metrics.FORECAST_MIN_DAYS} days of numbers")
        else:
            out[key] = Outlook(found)
    return out


@dataclass(frozen=True)
class Artist:
    """One artist's view: its releases (``store.artist_releases``) and every metric's KPI over
    them (``summary``: counters and audiences summed over the releases, scores averaged)."""

    name: str
    releases: list[dict]
    summary: Summary

    @property
    def release_ids(self) -> list[int]:
        return [int(r["id"]) for r in self.releases]

    def shares(self, metric_type: str) -> pd.DataFrame:
        """Each release's gain, total and share of the artist's gain of ``metric_type``."""
        kind = metrics.metric_kind(metric_type, self.summary.overrides)
        found = metrics.release_shares(
            self.summary.current, metric_type, kind, self.summary.previous
        )
        listed = found["release_id"].tolist()
        quiet = [i for i in self.release_ids if i not in listed]  # no reading of it at all
        if not quiet:
            return found
        rest = pd.DataFrame(
            [(i, None, None, None, None, False) for i in quiet], columns=metrics.RELEASE_COLUMNS
        )
        return pd.concat([found, rest], ignore_index=True) if not found.empty else rest


def artist(
    conn: Connection,
    name: str,
    platforms: Sequence[str],
    period: metrics.Period,
    previous: metrics.Period | None,
) -> Artist | None:
    """The artist's releases and KPIs over the period; None when no release has that name."""
    releases = store.artist_releases(conn, name)
    if not releases:
        return None
    ids = [int(r["id"]) for r in releases]
    return Artist(name, releases, summary(conn, ids, platforms, period, previous))


def artist_board(
    conn: Connection,
    kind: metrics.MetricKind,
    period: metrics.Period,
    previous: metrics.Period | None,
    platforms: Sequence[str] = (),
    limit: int | None = None,
) -> pd.DataFrame:
    """Artists ranked for one metric over the period (``metrics.artist_board``), with the
    previous period's numbers beside each."""
    where = dict(metric_types=[kind.metric_type], platforms=list(platforms) or None)
    current = store.period_gains(conn, None, start=period.start, end=period.read_end, **where)
    before = None
    if previous is not None:
        before = store.period_gains(
            conn, None, start=previous.start, end=previous.read_end, **where
        )
    return metrics.artist_board(current, store.release_artists(conn), kind, before, limit)


@dataclass(frozen=True)
class Places:
    """Where a metric was heard in the period: each country's per-country count (``top``:
    country, name, alpha3, value, share; largest first) and whether any country reading
    exists for the view at all (``any_country``: otherwise the page says what to import)."""

    top: pd.DataFrame
    any_country: bool


def places(
    conn: Connection,
    release_ids: Sequence[int] | None,
    metric: str,
    platforms: Sequence[str],
    period: metrics.Period,
    currency: str | None = None,
) -> Places:
    """The top countries of ``metric`` over the releases (None: the catalog) in the period;
    without any per-country reading of the releases, none (and no read of the period)."""
    ids = None if release_ids is None else list(release_ids)
    if not store.has_country_readings(conn, ids):
        return Places(
            pd.DataFrame(columns=[*store.TOP_COUNTRY_COLUMNS, "name", "alpha3", "share"]), False
        )
    top = store.top_countries(
        conn,
        ids,
        metric,
        start=period.start,
        end=period.read_end,
        platforms=list(platforms) or None,
        currency=currency,
    )
    whole = sum(int(v) for v in top["value"]) if not top.empty else 0
    top = top.assign(
        name=[country_name(c) for c in top["country"]],
        alpha3=[country_alpha3(c) for c in top["country"]],
        share=[(int(v) / whole if whole else 0.0) for v in top["value"]],
    )
    return Places(top, True)


def stream_rates(
    conn: Connection,
    release_ids: Sequence[int] | None,
    platforms: Sequence[str],
    period: metrics.Period,
    country: str | None = None,
    *,
    tz: str,
) -> dict[str, metrics.StreamRate | None]:
    """Per currency of the view's money: the earnings per stream over the rows that carry
    both for one release, platform, country and local day (``store.paired_earnings``,
    ``metrics.per_stream_rate``), in one country or all territories; None: no such rows."""
    ids = None if release_ids is None else list(release_ids)
    where = dict(
        start=period.start, end=period.read_end, platforms=list(platforms) or None, country=country
    )
    currencies = sorted(
        {c for money in MONEY_METRICS for c in store.view_currencies(conn, ids, money)}
    )
    return {
        currency: metrics.per_stream_rate(
            store.paired_earnings(conn, ids, currency=currency, tz=tz, **where)
        )
        for currency in currencies
    }


@dataclass(frozen=True)
class WhatWorks:
    """The terms' effects on launches (``metrics.term_effects``), over how many releases, and
    the catalog's median outcome they are read against."""

    terms: pd.DataFrame
    releases: int
    median: float | None


def what_works(
    conn: Connection, metric: str, day: int, tz: str, *, today: date | None = None
) -> WhatWorks:
    """Which prompt terms and generation attributes go with launches above or below the
    catalog's median: each release's ``metric`` total ``day`` days after its launch (summed
    over platforms), for releases launched at least ``day`` days ago."""
    today = today or datetime.now(ZoneInfo(tz)).date()
    day0 = metrics.launch_days(store.launch_dates(conn), tz)
    series = store.release_series(conn, None, metric_types=[metric], bucket="day", tz=tz)
    combined = metrics.combine_platforms(metrics.totals_and_gains(series))
    aligned = metrics.align_launches(combined, day0, horizon=day + 1)
    outcomes = metrics.launch_outcomes(aligned, day0, day, pd.Timestamp(today))
    terms = metrics.prompt_terms(store.release_prompts(conn))
    median = float(outcomes.median()) if len(outcomes) else None
    return WhatWorks(metrics.term_effects(terms, outcomes), len(outcomes), median)


def tagged(conn: Connection, tag: str | None) -> list[int] | None:
    """The releases a view's tag narrows it to (``tag`` already normalised by
    ``ingest.tags.clean_tag``); None when the view has no tag (every release)."""
    return None if tag is None else store.tagged_release_ids(conn, tag)
