"""Deezer's public API: a track's ``rank`` and an artist's ``nb_fan`` (no key needed).

``rank`` (0..1,000,000) is Deezer's own popularity score, recomputed daily from streams; it is
not a stream count.  Errors come as HTTP 200 with ``{"error": {"code": N, ...}}``: code 4 is the
quota (50 requests per 5 s per IP; retried with backoff, then the source stops), 800 means no
such object (skipped).  Fan counts are the artist's, stored on each of its releases, and an
artist is asked for once per run.
"""

from __future__ import annotations

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

NAME = "deezer"
PLATFORM = "Deezer"
IDENTIFIERS = ("deezer_track_id", "deezer_artist_id")
CREDENTIALS: tuple[str, ...] = ()
BASE_URL_ENV = "PERFDASH_DEEZER_BASE_URL"
DEFAULT_BASE_URL = "https://api.deezer.com"
QUOTA_UNIT = "requests"
QUOTA_CODE = 4
NOT_FOUND = {800}
CALLS = (
    ("deezer_track_id", "/track/", "rank", "rank"),
    ("deezer_artist_id", "/artist/", "nb_fan", "fans"),
)


def _error(body: Any) -> dict[str, Any] | None:
    err = body.get("error") if isinstance(body, dict) else None
    return err if isinstance(err, dict) else None


def _is_quota(response: httpx.Response) -> bool:
    try:
        err = _error(response.json())
    except ValueError:
        return False
    return bool(err) and err.get("code") == QUOTA_CODE


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
    answers: dict[str, Any] = {}  # per run only: an artist shared by releases is asked once
    todo = list(releases)
    for position, release in enumerate(todo):
        for column, path, field, metric in CALLS:
            ident = str(release.get(column) or "").strip()
            if not ident:
                continue
            if not ident.isdigit():
                report.skip(release, f"{column} {ident!r} is not a Deezer id (digits)")
                continue
            url = public_url(base_url, path + ident)
            try:
                if url not in answers:
                    response = fetch(
                        client, report, "GET", url, retry=retry, sleep=sleep, retry_on=_is_quota
                    )
                    answers[url] = json_body(response)
                body = answers[url]
            except QuotaExceeded as exc:
                for rest in todo[position:]:
                    report.fail(rest, f"quota exceeded (error code 4): {exc}")
                return
            except CallFailed as exc:
                report.fail(release, str(exc))
                continue
            err = _error(body)
            if err is not None:
                if err.get("code") in NOT_FOUND:
                    report.skip(release, f"{path.strip('/')} {ident} not found")
                    continue
                raise SourceFailure(f"Deezer error {err.get('code')}: {err.get('message', '')}")
            if not isinstance(body, dict) or body.get(field) is None:
                report.skip(release, f"{path.strip('/')} {ident} has no {field}")
                continue
            report.add(release, PLATFORM, metric, body[field], url)
