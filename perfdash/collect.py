"""A collection run: choose sources and releases, isolate failures, record, summarise.

Each source runs on its own: a source without credentials is skipped, a source that fails
(bad key, quota) loses only its own rows, and inside a source one release's failure does not
stop the others.  Readings are recorded per source through ``ingest.readings.record_readings``
(the same checks and the same write as every other way in, ``partial``: a platform's one odd
value is skipped, not the source) as lifetime totals (``value_kind='total'``,
``source='collector'``) stamped with the run's start truncated to the minute: the natural-key
unique index makes a second run in the same minute write nothing.

Credentials and base URLs come in as the ``env`` mapping; the platform clients in
``perfdash.collectors`` never read the process environment themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from perfdash import store
from perfdash.collectors import deezer, lastfm, spotify, youtube
from perfdash.collectors.base import USER_AGENT, RetryPolicy, SourceFailure, SourceReport
from perfdash.ingest.readings import Recorded, record_readings

SOURCES: tuple[ModuleType, ...] = (youtube, lastfm, deezer, spotify)
SOURCE_NAMES = tuple(m.NAME for m in SOURCES)


@dataclass
class RunSummary:
    """What a run did, for the CLI, the UI and a scheduler's log."""

    dry_run: bool = False
    releases: int = 0
    written: int = 0
    already_present: int = 0
    would_write: int = 0
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    quota: dict[str, str] = field(default_factory=dict)
    sources_run: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        head = "Dry run (nothing written): " if self.dry_run else ""
        rows = (
            f"{self.would_write} rows would be written"
            if self.dry_run
            else f"{self.written} rows written, {self.already_present} already present"
        )
        out = [
            f"{head}{self.releases} releases, {rows}, {len(self.skipped)} skipped, "
            f"{len(self.failed)} failed.",
        ]
        if self.quota:
            out.append(
                "Quota used: " + ", ".join(f"{name} {used}" for name, used in self.quota.items())
            )
        out += [f"skipped: {message}" for message in self.skipped]
        out += [f"FAILED: {message}" for message in self.failed]
        return out


def minute(now: datetime | None = None) -> datetime:
    """The run's timestamp: now in UTC truncated to the minute."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return now.replace(second=0, microsecond=0)


def base_url_for(module: ModuleType, env: Mapping[str, str], base_urls: Mapping[str, str]) -> str:
    return base_urls.get(module.NAME) or env.get(module.BASE_URL_ENV) or module.DEFAULT_BASE_URL


def run(
    engine: Engine,
    *,
    sources: Sequence[str] | None = None,
    release_keys: Sequence[str] | None = None,
    dry_run: bool = False,
    env: Mapping[str, str] | None = None,
    base_urls: Mapping[str, str] | None = None,
    retry: RetryPolicy | None = None,
    now: datetime | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
    release_progress: Callable[[str, int, int], None] | None = None,
    timeout: float = 20.0,
) -> RunSummary:
    """Collect from ``sources`` (default all) for ``release_keys`` (default every release).

    ``env`` holds the credentials and base-URL overrides (``YOUTUBE_API_KEY``,
    ``PERFDASH_YOUTUBE_BASE_URL``, ...): ``Settings.collector_env``.  Without it only the
    sources that need no credentials run.  ``progress`` hears a line before and after each
    source, ``release_progress(source, releases_done, releases)`` each release a source is
    done with (Last.fm reads about five a second: a large catalog takes minutes per source).
    """
    env = dict(env or {})
    base_urls = dict(base_urls or {})
    retry = retry or RetryPolicy()
    stamp = minute(now)
    summary = RunSummary(dry_run=dry_run)
    wanted = list(sources) if sources else list(SOURCE_NAMES)
    unknown = [name for name in wanted if name not in SOURCE_NAMES]
    if unknown:
        raise ValueError(
            f"Unknown source(s): {', '.join(unknown)}; choose from {', '.join(SOURCE_NAMES)}"
        )
    keys = list(release_keys) if release_keys else None
    if keys:
        found = store.release_ids_for_keys(engine, keys)
        for key in keys:
            if key not in found:
                summary.failed.append(f"release {key}: no release with this key")
    touched: set[int] = set()
    for module in SOURCES:
        if module.NAME not in wanted:
            continue
        missing = [name for name in module.CREDENTIALS if not env.get(name)]
        if missing:
            summary.skipped.append(f"{module.NAME}: {' and '.join(missing)} not set")
            continue
        if progress:
            progress(f"Collecting from {module.NAME}…")
        try:
            releases = store.releases_with_identifiers(
                engine, module.IDENTIFIERS, release_keys=keys
            )
        except store.PerformanceDbError as exc:
            summary.failed.append(f"{module.NAME}: {exc}")
            continue
        report = SourceReport(
            module.NAME, on_release=_per_release(release_progress, module.NAME, len(releases))
        )
        if not releases:
            summary.quota[module.NAME] = f"0 {module.QUOTA_UNIT}"
            continue
        summary.sources_run.append(module.NAME)
        try:
            with httpx.Client(
                transport=transport, timeout=timeout, headers={"User-Agent": USER_AGENT}
            ) as client:
                module.collect(
                    client,
                    releases,
                    report,
                    env=env,
                    base_url=base_url_for(module, env, base_urls),
                    retry=retry,
                    sleep=sleep,
                    **_extra(module, base_urls),
                )
        except SourceFailure as exc:
            report.fail(None, str(exc))
        except Exception as exc:  # noqa: BLE001 - one source's bug must not lose the others
            report.fail(None, f"{type(exc).__name__}: {exc}")
        summary.quota[module.NAME] = f"{report.requests} {module.QUOTA_UNIT}"
        _write(engine, report, stamp, summary, dry_run)
        touched |= report.releases
        if progress:
            progress(
                f"{module.NAME}: {len(report.readings)} readings, {len(report.skipped)} skipped, "
                f"{len(report.failed)} failed"
            )
    summary.releases = len(touched)
    return summary


def _per_release(
    release_progress: Callable[[str, int, int], None] | None, source: str, total: int
) -> Callable[[int], None] | None:
    if release_progress is None:
        return None
    return lambda done: release_progress(source, min(done, total), total)


def _extra(module: ModuleType, base_urls: Mapping[str, str]) -> dict[str, Any]:
    if module is spotify and base_urls.get("spotify_accounts"):
        return {"accounts_url": base_urls["spotify_accounts"]}
    return {}


def _write(
    engine: Engine, report: SourceReport, stamp: datetime, summary: RunSummary, dry_run: bool
) -> None:
    """Record one source's readings; a refused reading is reported as skipped."""
    records = [
        {
            "release_id": reading.release_id,
            "platform": reading.platform,
            "metric_type": reading.metric_type,
            "metric_value": reading.value,
            "recorded_at": stamp,
            "value_kind": "total",
            "source_url": reading.source_url,
        }
        for reading in report.readings
    ]
    failure = None
    try:
        result = record_readings(
            engine, records, source="collector", now=stamp, partial=True, dry_run=dry_run
        )
    except store.PerformanceDbError as exc:
        result = Recorded()
        failure = f"{report.source}: writing {len(records)} rows failed: {exc}"
    for index in result.refused_indexes():
        reading = report.readings[index]
        problems = "; ".join(f"{k}: {v}" for k, v in result.errors_for(index).items())
        report.skip(
            {"release_id": reading.release_key},
            f"{reading.metric_type} value {reading.value!r} rejected ({problems})",
        )
    summary.skipped += report.skipped
    summary.failed += report.failed
    if failure:
        summary.failed.append(failure)
    elif dry_run:
        summary.would_write += len(result.accepted)
    else:
        summary.written += result.written
        summary.already_present += result.already_present
