"""Spike alerts: find them (store + metrics), word them, and deliver each one exactly once.

Finding is ``metrics.detect_spikes`` over the daily series ``store.release_series`` aggregates;
this module groups the spikes of one release on one day into one alert (a viral day lifts every
platform at once, and one message says so better than ten).

Delivery posts Slack-compatible JSON (``{"text": ...}``) to a webhook over httpx with a timeout
and retries.  Before posting, an alert's key is *claimed* in the database (``store.claim_alert``:
a unique key, ``ON CONFLICT DO NOTHING``), so concurrent workers, machines and repeated runs
send each alert once; a delivery that fails for good gives its claim back so the next run
retries it.

Staleness follows each release's own collection schedule (``metrics.StaleRule``): the schedule
is the median interval between the release's newest 10 collection runs (distinct reading
times; readings less than 10 minutes apart are one run), and the release is stale when its
newest number is older than max(2 × that interval, 1 hour).  An hourly release is stale after
about 2 hours, a daily one after about 2 days.  With fewer than 3 runs there is no cadence to
infer and the rule's fallback applies.  ``release_stale_hours`` reads the reading times of
every release involved in one query (``store.recent_reading_times``).

This module reads no environment: the webhook, the public URL for links and both rules come
from ``config.Settings`` (``alert_webhook``, ``public_url``, ``spike_rule``, ``stale_rule``) and
are passed in by the caller.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import httpx
import pandas as pd
from sqlalchemy.engine import Connection, Engine

from perfdash import metrics, store


def release_stale_hours(
    engine: Engine | Connection, release_ids: Sequence[int] | None, rule: metrics.StaleRule
) -> dict[int, float]:
    """Per release (all when None), the hours after which its newest number is stale, from
    its own collection cadence (one query for all of them)."""
    times = store.recent_reading_times(engine, release_ids, limit=3 * rule.recent)
    ids = times["release_id"].unique().tolist() if release_ids is None else release_ids
    return metrics.stale_hours_by_release(times, ids, rule)


def stale_release_texts(
    engine: Engine | Connection,
    tz: str,
    rule: metrics.StaleRule,
    *,
    now: datetime | None = None,
) -> list[str]:
    """Each stale release as "name: newest number ... (older than its schedule allows)",
    judged against its own collection schedule: what /alerts, the overview and digests list."""
    hours = release_stale_hours(engine, None, rule)
    newest = store.release_freshness(engine)
    if newest.empty:
        return []
    labels = {r["id"]: store.release_label(r) for r in store.search_releases(engine, limit=1000)}
    out = []
    for r in newest.itertuples():
        judged = metrics.freshness(
            r.newest_at,
            r.source,
            tz,
            now=now,
            stale_after_hours=hours.get(int(r.release_id), rule.fallback_hours),
        )
        if judged.stale:
            out.append(f"{labels.get(r.release_id, r.release_id)}: {judged.text()}")
    return out


@dataclass(frozen=True)
class SpikeItem:
    platform: str
    metric_type: str
    gain: float
    baseline: float
    ratio: float
    peak_day: date
    peak_gain: float
    days: int

    def text(self) -> str:
        usual = metrics.format_number(self.baseline)
        why = (
            "usually nothing"
            if self.ratio == float("inf")
            else f"{self.ratio:,.0f}× the usual {usual}/day"
        )
        lasting = f", {self.days} days running" if self.days > 1 else ""
        return (
            f"{self.platform} {self.metric_type} +{metrics.format_number(self.gain)} "
            f"({why}{lasting})"
        )


@dataclass(frozen=True)
class Alert:
    """Every spike of one release that started on one day."""

    key: str
    release_id: int
    release_key: str
    label: str
    day: date
    items: tuple[SpikeItem, ...] = field(default_factory=tuple)

    @property
    def metric_type(self) -> str:
        return self.items[0].metric_type if self.items else "views"

    def path(self, today: date | None = None) -> str:
        """The dashboard at this release and metric, two weeks either side of the day (never
        past ``today``: a period reaching into the future would compare half a period with a
        whole one), as gains (the dashboard's URL: release, period=custom, from, to, metric,
        mode)."""
        today = today or datetime.now(UTC).date()
        query = {
            "release": self.release_id,
            "period": "custom",
            "from": (self.day - timedelta(days=14)).isoformat(),
            "to": min(self.day + timedelta(days=14), max(today, self.day)).isoformat(),
            "metric": self.metric_type,
            "mode": "gain",
        }
        return "/dashboard?" + urlencode(query)

    def text(self, base_url: str | None = None) -> str:
        link = (base_url or "").rstrip("/") + self.path()
        shown = "; ".join(i.text() for i in self.items[:4])
        more = f" and {len(self.items) - 4} more" if len(self.items) > 4 else ""
        return f"Spike on {self.day:%Y-%m-%d}: {self.label}: {shown}{more}. {link}"

    def to_dict(self) -> dict:
        out = asdict(self)
        out["day"] = self.day.isoformat()
        out["path"] = self.path()
        out["text"] = self.text()
        for item in out["items"]:
            item["peak_day"] = item["peak_day"].isoformat()
            if item["ratio"] == float("inf"):
                item["ratio"] = None
        return out


def _without_scores(series: pd.DataFrame, overrides: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    """A score (rank, popularity) has levels, not gains: a rank jumping from 40 to 2 is not
    "+38 views above the usual", so scores are left out of the spike rule."""
    if series.empty:
        return series
    kinds = metrics.metric_kinds(series["metric_type"].unique(), overrides)
    scores = [t for t, k in kinds.items() if k.is_score]
    return series[~series["metric_type"].isin(scores)] if scores else series


def build_alerts(
    engine: Engine | Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    tz: str = "UTC",
    rule: metrics.SpikeRule | None = None,
    release_ids: Sequence[int] | None = None,
) -> list[Alert]:
    """Alerts whose first spike day is in [since, until], newest first.

    The series is read from ``window_days`` before ``since`` so the first days have a baseline.
    """
    rule = rule or metrics.SpikeRule()
    start = None
    if since is not None:
        start = metrics.local_midnight(since - timedelta(days=rule.window_days + 1), tz)
    end = metrics.local_midnight(until + timedelta(days=1), tz) if until else None
    series = store.release_series(engine, release_ids, start=start, end=end, bucket="day", tz=tz)
    series = _without_scores(series, store.metric_kind_overrides(engine))
    spikes = metrics.detect_spikes(metrics.totals_and_gains(series), rule)
    if spikes.empty:
        return []
    spikes["day"] = pd.to_datetime(spikes["day"]).dt.date
    if since is not None:
        spikes = spikes[spikes["day"] >= since]
    if spikes.empty:
        return []
    info = store.launch_dates(engine, sorted(spikes["release_id"].unique().tolist()))
    names = {
        int(r.release_id): (
            r.release_key,
            store.release_label(
                {"title": r.title, "artist_name": r.artist_name, "release_id": r.release_key}
            ),
        )
        for r in info.itertuples()
    }
    alerts = []
    for (rid, day), part in spikes.groupby(["release_id", "day"], sort=False):
        key, label = names.get(int(rid), (f"#{rid}", f"#{rid}"))
        items = tuple(
            SpikeItem(
                platform=metrics.platform_label(r.platform_key),
                metric_type=r.metric_type,
                gain=r.gain,
                baseline=r.baseline,
                ratio=r.ratio,
                peak_day=pd.Timestamp(r.peak_day).date(),
                peak_gain=r.peak_gain,
                days=int(r.days),
            )
            for r in part.sort_values("gain", ascending=False).itertuples()
        )
        alerts.append(
            Alert(
                key=f"spike:{key}:{day.isoformat()}",
                release_id=int(rid),
                release_key=key,
                label=f"{label} ({key})" if key not in label else label,
                day=day,
                items=items,
            )
        )
    alerts.sort(key=lambda a: (a.day, a.release_key), reverse=True)
    return alerts


@dataclass(frozen=True)
class DeliveryReport:
    sent: list[str]
    already_sent: list[str]
    failed: dict[str, str]


class WebhookError(Exception):
    """The webhook did not accept a message after every retry."""


def post_webhook(
    client: httpx.Client,
    url: str,
    payload: dict,
    *,
    retries: int = 3,
    backoff: float = 0.5,
) -> None:
    """POST JSON; retry on connection errors, timeouts, 429 and 5xx with growing pauses."""
    last = "no attempt"
    for attempt in range(retries):
        try:
            response = client.post(url, json=payload)
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code < 300:
                return
            last = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break  # the message itself is refused; sending it again will not help
        if attempt + 1 < retries:
            time.sleep(backoff * 2**attempt)
    raise WebhookError(last)


def deliver(
    engine: Engine | Connection,
    alerts: Sequence[Alert],
    webhook_url: str,
    *,
    base_url: str | None = None,
    timeout: float = 5.0,
    retries: int = 3,
    backoff: float = 0.5,
    transport: httpx.BaseTransport | None = None,
) -> DeliveryReport:
    """Send each alert not sent before; the database claim makes it once across workers."""
    sent: list[str] = []
    already: list[str] = []
    failed: dict[str, str] = {}
    with httpx.Client(timeout=timeout, transport=transport) as client:
        for alert in alerts:
            if not store.claim_alert(engine, alert.key, release_id=alert.release_id):
                already.append(alert.key)
                continue
            try:
                post_webhook(
                    client,
                    webhook_url,
                    {"text": alert.text(base_url)},
                    retries=retries,
                    backoff=backoff,
                )
            except WebhookError as exc:
                store.release_alert_claim(engine, alert.key)
                failed[alert.key] = str(exc)
            else:
                sent.append(alert.key)
    return DeliveryReport(sent, already, failed)


def default_since(today: date | None = None, days: int = 30) -> date:
    return (today or datetime.now(UTC).date()) - timedelta(days=days)
