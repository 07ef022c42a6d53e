"""What every collector shares: readings, the per-source report, retries with backoff.

A platform answers 429 or 5xx now and then; ``fetch`` retries those (and dropped connections)
with exponential backoff, honouring ``Retry-After`` up to ``RetryPolicy.max_wait`` so a hostile
header cannot park a run for hours.  Every HTTP request made is counted in the report, which is
the quota a run used (a YouTube ``videos.list`` call costs one unit).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

USER_AGENT = "perfdash-collector/1 (+https://github.com/; metrics for own releases)"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one request: ``attempts`` in all, waits of backoff, 2*backoff, ..."""

    attempts: int = 4
    backoff: float = 1.0
    max_wait: float = 60.0


class QuotaExceeded(Exception):
    """The platform refuses further calls for now; the source stops for this run."""


class SourceFailure(Exception):
    """The source cannot run at all (bad credentials, unusable answers)."""


class CallFailed(Exception):
    """One call failed after its retries; the releases it served are reported as failed."""


@dataclass(frozen=True)
class Reading:
    release_id: int
    release_key: str
    platform: str
    metric_type: str
    value: Any
    source_url: str


@dataclass
class SourceReport:
    """What one source did in one run: readings to write and what it could not read."""

    source: str
    readings: list[Reading] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: int = 0
    releases: set[int] = field(default_factory=set)
    # told how many releases the source is done with (read, skipped or failed), as it goes
    on_release: Callable[[int], None] | None = None
    _settled: set[Any] = field(default_factory=set)

    def add(self, release: Mapping[str, Any], platform: str, metric: str, value: Any, url: str):
        self.readings.append(
            Reading(release["id"], release["release_id"], platform, metric, value, url)
        )
        self.releases.add(release["id"])
        self._settle(release)

    def skip(self, release: Mapping[str, Any] | None, message: str) -> None:
        prefix = f"{self.source} {release['release_id']}: " if release else f"{self.source}: "
        self.skipped.append(prefix + message)
        self._settle(release)

    def fail(self, release: Mapping[str, Any] | None, message: str) -> None:
        prefix = f"{self.source} {release['release_id']}: " if release else f"{self.source}: "
        self.failed.append(prefix + message)
        self._settle(release)

    def _settle(self, release: Mapping[str, Any] | None) -> None:
        if release is None or self.on_release is None:
            return
        key = release.get("id", release.get("release_id"))
        if key not in self._settled:
            self._settled.add(key)
            self.on_release(len(self._settled))


def public_url(base: str, path: str, params: Mapping[str, Any] | None = None) -> str:
    """The URL of a call as stored in source_url: never with a key or token in it."""
    url = base.rstrip("/") + path
    if params:
        url += "?" + urlencode(params)
    return url


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def fetch(
    client: httpx.Client,
    report: SourceReport,
    method: str,
    url: str,
    *,
    retry: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    retry_on: Callable[[httpx.Response], bool] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One API call with retries on 429, 5xx, dropped connections and ``retry_on(response)``.

    Returns the last response (any status); raises ``CallFailed`` when the connection never
    worked or the platform kept answering 429/5xx.
    """
    attempts = max(1, retry.attempts)
    for attempt in range(attempts):
        report.requests += 1
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            if attempt == attempts - 1:
                raise CallFailed(
                    f"could not reach {httpx.URL(url).host}: {type(exc).__name__}"
                ) from None
            sleep(min(retry.max_wait, retry.backoff * 2**attempt))
            continue
        again = response.status_code == 429 or response.status_code >= 500
        if not again and retry_on is not None:
            again = retry_on(response)
        if not again:
            return response
        if attempt == attempts - 1:
            if response.status_code == 429 or (retry_on is not None and retry_on(response)):
                raise QuotaExceeded(
                    f"rate limited (HTTP {response.status_code}) after {attempts} attempts"
                )
            raise CallFailed(f"HTTP {response.status_code} after {attempts} attempts")
        wait = _retry_after(response)
        if wait is None:
            wait = retry.backoff * 2**attempt
        sleep(min(retry.max_wait, wait))
    raise CallFailed("no attempt made")  # pragma: no cover - attempts >= 1


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise CallFailed(f"HTTP {response.status_code} with a body that is not JSON") from None
