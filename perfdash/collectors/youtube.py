"""YouTube Data API v3: lifetime views, likes and comments of public videos.

``videos.list?part=statistics&id=a,b,...`` takes up to 50 ids per call and costs one quota
unit per call (10,000 units a day by default, reset at midnight Pacific), so a catalog of
5,000 videos costs 100 units a run.  Counts arrive as strings; ``likeCount`` is absent when the
owner hides likes and ``commentCount`` when comments are off: those are reported and skipped.
An id the API does not return (deleted, private, mistyped) is reported and skipped.
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

NAME = "youtube"
PLATFORM = "YouTube"
IDENTIFIERS = ("youtube_video_id",)
CREDENTIALS = ("YOUTUBE_API_KEY",)
BASE_URL_ENV = "PERFDASH_YOUTUBE_BASE_URL"
DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
QUOTA_UNIT = "units"
BATCH = 50
STATISTICS = (("viewCount", "views"), ("likeCount", "likes"), ("commentCount", "comments"))
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


def _error_reason(body: Any) -> str:
    try:
        return body["error"]["errors"][0].get("reason", "")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""


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
    key = env["YOUTUBE_API_KEY"]
    by_video: dict[str, list[Mapping[str, Any]]] = {}
    for release in releases:
        video = (release.get("youtube_video_id") or "").strip()
        if not _VIDEO_ID.match(video):
            report.skip(release, f"{video!r} is not a YouTube video id")
            continue
        by_video.setdefault(video, []).append(release)
    videos = list(by_video)
    for start in range(0, len(videos), BATCH):
        chunk = videos[start : start + BATCH]
        try:
            response = fetch(
                client,
                report,
                "GET",
                base_url.rstrip("/") + "/videos",
                params={"part": "statistics", "id": ",".join(chunk), "key": key},
                retry=retry,
                sleep=sleep,
            )
            body = json_body(response)
        except QuotaExceeded as exc:
            _fail_rest(report, videos[start:], by_video, str(exc))
            return
        except CallFailed as exc:
            for video in chunk:
                for release in by_video[video]:
                    report.fail(release, str(exc))
            continue
        if response.status_code != 200:
            reason = _error_reason(body)
            message = (body.get("error", {}) if isinstance(body, dict) else {}).get("message", "")
            if reason in ("quotaExceeded", "rateLimitExceeded", "dailyLimitExceeded"):
                _fail_rest(report, videos[start:], by_video, f"quota exceeded ({reason})")
                return
            raise SourceFailure(
                f"HTTP {response.status_code} {reason or ''} {message}".strip()
                + " (check YOUTUBE_API_KEY and that the YouTube Data API is enabled)"
            )
        items = {
            item.get("id"): item.get("statistics") or {}
            for item in (body.get("items") or [])
            if isinstance(item, dict)
        }
        for video in chunk:
            stats = items.get(video)
            for release in by_video[video]:
                if stats is None:
                    report.skip(release, f"video {video} is unknown, private or deleted")
                    continue
                url = public_url(base_url, "/videos", {"part": "statistics", "id": video})
                for field, metric in STATISTICS:
                    if stats.get(field) is None:
                        report.skip(release, f"video {video} has no {field} (hidden or disabled)")
                        continue
                    report.add(release, PLATFORM, metric, stats[field], url)


def _fail_rest(report, videos, by_video, message: str) -> None:
    for video in videos:
        for release in by_video[video]:
            report.fail(release, message)
