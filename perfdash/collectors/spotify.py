"""Spotify Web API with client credentials: track popularity and artist followers.

There are no play counts or monthly listeners in the Web API.  Since February/March 2026,
apps in Development Mode no longer receive track ``popularity`` nor artist ``followers``
(Extended Quota apps still do): a missing field is reported as skipped, never a failed run.
Tracks and artists are read one by one (``/v1/tracks/{id}``, ``/v1/artists/{id}``), which
every app tier may call; 429 answers carry Retry-After and are retried.
"""

from __future__ import annotations

import re
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

NAME = "spotify"
PLATFORM = "Spotify"
IDENTIFIERS = ("spotify_track_id", "spotify_artist_id")
CREDENTIALS = ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET")
BASE_URL_ENV = "PERFDASH_SPOTIFY_API_URL"
DEFAULT_BASE_URL = "https://api.spotify.com"
ACCOUNTS_URL_ENV = "PERFDASH_SPOTIFY_ACCOUNTS_URL"
DEFAULT_ACCOUNTS_URL = "https://accounts.spotify.com"
QUOTA_UNIT = "requests"
_ID = re.compile(r"^[A-Za-z0-9]{22}$")
DEV_MODE_HINT = "not returned to this app (Development Mode apps lose it since Feb 2026)"


def _token(client, report, env, accounts_url, retry, sleep) -> str:
    try:
        response = fetch(
            client,
            report,
            "POST",
            accounts_url.rstrip("/") + "/api/token",
            data={"grant_type": "client_credentials"},
            auth=(env["SPOTIFY_CLIENT_ID"], env["SPOTIFY_CLIENT_SECRET"]),
            retry=retry,
            sleep=sleep,
        )
    except (CallFailed, QuotaExceeded) as exc:
        raise SourceFailure(f"no access token: {exc}") from None
    body = json_body(response)
    token = body.get("access_token") if isinstance(body, dict) else None
    if response.status_code != 200 or not token:
        reason = (
            body.get("error_description") or body.get("error") if isinstance(body, dict) else ""
        )
        raise SourceFailure(
            f"no access token (HTTP {response.status_code} {reason}); "
            "check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET"
        )
    return token


def collect(
    client: httpx.Client,
    releases: Sequence[Mapping[str, Any]],
    report: SourceReport,
    *,
    env: Mapping[str, str],
    base_url: str,
    retry: RetryPolicy,
    sleep: Callable[[float], None],
    accounts_url: str | None = None,
) -> None:
    accounts_url = accounts_url or env.get(ACCOUNTS_URL_ENV) or DEFAULT_ACCOUNTS_URL
    token = _token(client, report, env, accounts_url, retry, sleep)
    headers = {"Authorization": f"Bearer {token}"}
    answers: dict[str, Any] = {}
    todo = list(releases)
    calls = (
        ("spotify_track_id", "/v1/tracks/", ("popularity",), "popularity"),
        ("spotify_artist_id", "/v1/artists/", ("followers", "total"), "followers"),
    )
    for position, release in enumerate(todo):
        for column, path, field, metric in calls:
            ident = str(release.get(column) or "").strip()
            if not ident:
                continue
            if not _ID.match(ident):
                report.skip(release, f"{column} {ident!r} is not a Spotify id (22 characters)")
                continue
            url = public_url(base_url, path + ident)
            try:
                if url not in answers:
                    response = fetch(
                        client, report, "GET", url, headers=headers, retry=retry, sleep=sleep
                    )
                    answers[url] = (response.status_code, json_body(response))
                status, body = answers[url]
            except QuotaExceeded as exc:
                for rest in todo[position:]:
                    report.fail(rest, str(exc))
                return
            except CallFailed as exc:
                report.fail(release, str(exc))
                continue
            if status in (400, 404):
                report.skip(release, f"{path.strip('/')} {ident} not found")
                continue
            if status in (401, 403):
                raise SourceFailure(f"HTTP {status} reading {path}{ident}: the app may not read it")
            if status != 200:
                report.fail(release, f"HTTP {status} reading {path}{ident}")
                continue
            value: Any = body
            for part in field:
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                report.skip(release, f"{'.'.join(field)} of {ident} {DEV_MODE_HINT}")
                continue
            report.add(release, PLATFORM, metric, value, url)
