"""Last.fm ``track.getInfo``: lifetime playcount (scrobbles) and listeners of a track.

Scrobbles are what Last.fm users' players reported, not a platform's stream count.  Errors
arrive as JSON ``{"error": N, "message": ...}``: 6 = not found (skipped), 29 = rate limit
(retried, then the source stops), 10/26 = bad or suspended key (the source fails).  The API
allows about 5 requests per second per IP, so calls are spaced by ``MIN_INTERVAL``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from perfdash.collectors.base import (
    CallFailed,
    QuotaExceeded,
    RetryPolicy,
    SourceFailure,
    SourceReport,
    fetch,
    json_body,
    public_url,
)

NAME = "lastfm"
PLATFORM = "Last.fm"
IDENTIFIERS = ("lastfm_artist", "lastfm_track")
CREDENTIALS = ("LASTFM_API_KEY",)
BASE_URL_ENV = "PERFDASH_LASTFM_BASE_URL"
DEFAULT_BASE_URL = "https://ws.audioscrobbler.com/2.0"
QUOTA_UNIT = "requests"
MIN_INTERVAL = 0.2
NOT_FOUND = {6}
RATE_LIMITED = {29}


def _error_code(response: httpx.Response) -> int | None:
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None


def collect(
    client: httpx.Client,
    releases: Sequence[Mapping[str, Any]],
    report: SourceReport,
    *,
    env: Mapping[str, str],
    base_url: str,
    retry: RetryPolicy,
    sleep: Callable[[float], None],
) -> None:
    key = env["LASTFM_API_KEY"]
    last_call = 0.0
    todo = list(releases)
    for position, release in enumerate(todo):
        artist = (release.get("lastfm_artist") or "").strip()
        track = (release.get("lastfm_track") or "").strip()
        if not artist or not track:
            report.skip(release, "needs both lastfm_artist and lastfm_track")
            continue
        wait = MIN_INTERVAL - (time.monotonic() - last_call)
        if wait > 0:
            sleep(wait)
        last_call = time.monotonic()
        query = {"method": "track.getInfo", "artist": artist, "track": track}
        try:
            response = fetch(
                client,
                report,
                "GET",
                base_url.rstrip("/") + "/",
                params={**query, "api_key": key, "format": "json", "autocorrect": "0"},
                retry=retry,
                sleep=sleep,
                retry_on=lambda r: _error_code(r) in RATE_LIMITED,
            )
            body = json_body(response)
        except QuotaExceeded as exc:
            for rest in todo[position:]:
                report.fail(rest, str(exc))
            return
        except CallFailed as exc:
            report.fail(release, str(exc))
            continue
        code = body.get("error") if isinstance(body, dict) else None
        if code is not None:
            message = body.get("message", "")
            if code in NOT_FOUND:
                report.skip(release, f"Last.fm does not know {artist} - {track} ({message})")
                continue
            raise SourceFailure(f"Last.fm error {code}: {message} (check LASTFM_API_KEY)")
        info = body.get("track") if isinstance(body, dict) else None
        if not isinstance(info, dict):
            report.fail(release, "answer has no track object")
            continue
        url = public_url(base_url, "/", query)
        for field in ("playcount", "listeners"):
            if info.get(field) in (None, ""):
                report.skip(release, f"answer has no {field}")
                continue
            report.add(release, PLATFORM, field, info[field], url)
