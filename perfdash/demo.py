"""A realistic demo catalog, deterministic for a given seed and day.

Thirty releases by four artists, a year of daily lifetime-total snapshots on six platforms with
launch-then-decay growth, a few tags (``TAGS``), a goal for a release and one for a tag, prompts whose genre really moves a launch
(``GENRES``), two viral spikes (``VIRAL``) and one platform correction where a YouTube view count
drops (``CORRECTION``), so every chart and rule has something to show.
Demo release keys start with ``demo-`` and rows carry ``source = 'demo'``, which is how
``perfdash demo`` tells them from real data.  The catalog is written like any other input:
releases through ``ingest.releases.save_release``, readings through
``ingest.readings.record_readings``, all in one ``store.transaction``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from perfdash import store
from perfdash.ingest.goals import save_goal
from perfdash.ingest.readings import record_readings
from perfdash.ingest.releases import save_release
from perfdash.ingest.tags import tag_release

ARTISTS = ["Nova Vale", "The Circuit Saints", "Lumen Drift", "Kiro & The Static"]
TITLES = [
    "Neon Tides",
    "Glass Horizon",
    "Midnight Protocol",
    "Paper Satellites",
    "Velvet Static",
    "Golden Loop",
    "Echo Chamber Heart",
    "Satellite Bloom",
    "Afterglow Engine",
    "Northern Code",
    "Silver Lining Drive",
    "Digital Rain",
    "Low Orbit",
    "Chrome Summer",
    "Hollow Signal",
    "Electric Lullaby",
    "Fading Pixels",
    "City of Mirrors",
    "Wildfire Memory",
    "Quiet Machines",
    "Blue Frequency",
    "Parallel Skies",
    "Overclocked Hearts",
    "Ghost Notes",
    "Solar Wind",
    "Last Transmission",
    "Starlight Debug",
    "Analog Dreams",
    "Feedback Loop",
    "Weightless",
]
# platform -> (metric, relative scale)
PLATFORM_METRICS: dict[str, list[tuple[str, float]]] = {
    "YouTube": [("views", 1.0), ("likes", 0.04), ("comments", 0.004)],
    "Spotify": [("streams", 1.6)],
    "TikTok": [("views", 2.5), ("likes", 0.12)],
    "Apple Music": [("streams", 0.35)],
    "Deezer": [("fans", 0.002)],
    "Last.fm": [("listeners", 0.05), ("playcount", 0.3)],
}
# tags (campaigns, moods, series) on some releases, so the tag filters have something to show
TAGS = {
    "summer-campaign": ("demo-012", "demo-013", "demo-014", "demo-015", "demo-016"),
    "lofi": ("demo-005", "demo-010", "demo-020", "demo-025", "demo-030"),
    "synthwave-series": ("demo-001", "demo-009", "demo-017", "demo-026"),
}
VIRAL = {"demo-007": 200, "demo-019": 300}  # release key -> day index of the spike
CORRECTION = ("demo-003", "YouTube", "views", 150)  # release, platform, metric, day index
# The prompts' genre really moves a launch (lofi launches bigger, orchestral smaller), their
# mood and video scene do not: the What works page has a true effect and a true null to show.
GENRES = {"lofi": 2.2, "orchestral": 0.5, "synthwave": 1.0}  # genre -> launch multiplier
MOODS = ["rainy", "sunny"]
SCENES = ["neon city streets at night", "desert road at dusk"]
GOAL_RELEASE = "demo-001"  # the demo's goal: on track for its views by 150 days from now
GOAL_TAG = "summer-campaign"  # and a tag's, on track the same way (the overview shows it)


def prompts(i: int) -> tuple[dict, float]:
    """Release ``i``'s generation fields and its genre's launch multiplier."""
    genre = list(GENRES)[i % len(GENRES)]
    mood = MOODS[(i // 3) % 2]
    fields = {
        "track_prompt": f"{genre} track, {mood} mood, soft vocals",
        "video_prompt": f"{SCENES[i % 2]}, slow camera",
        "suno_clip_id": f"suno-demo-{i:04d}",
        "luma_generation_id": f"luma-demo-{i:04d}" if i % 4 != 3 else "",
    }
    return fields, GENRES[genre]


@dataclass(frozen=True)
class DemoSummary:
    releases: int
    metrics: int


def build(today: datetime | None = None, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo releases and their metric rows (release keys, not ids)."""
    rng = np.random.default_rng(seed)
    today = (today or datetime.now(UTC)).astimezone(UTC)
    # a day's reading is taken at 06:00 UTC: before that, today's is still to come (never a
    # reading in the future, which ingest refuses)
    last_day = today.date() if today.time() >= time(6) else today.date() - timedelta(days=1)
    first_day = datetime.combine(last_day - timedelta(days=364), time(6), tzinfo=UTC)
    releases = []
    rows = []
    for i, title in enumerate(TITLES):
        key = f"demo-{i + 1:03d}"
        artist = ARTISTS[i % len(ARTISTS)]
        start_day = int(i * 10 + rng.integers(0, 5)) if i else 0
        approved = first_day + timedelta(days=start_day) - timedelta(hours=6)
        generated, boost = prompts(i)
        releases.append(
            {
                "release_id": key,
                "title": title,
                "artist_name": artist,
                "approved_at": approved,
                "distribution_status": "distributed"
                if i < 27
                else ("scheduled" if i < 29 else "pending"),
                "youtube_video_id": f"dQw{i:08d}",
                "spotify_track_id": f"4uLU6hMCjMI75M1A2tK{i:03d}",
                "lastfm_artist": artist,
                "lastfm_track": title,
                "deezer_track_id": str(3_135_556 + i),
                **generated,
            }
        )
        days = 365 - start_day
        if days <= 0:
            continue
        t = np.arange(days)
        popularity = rng.lognormal(mean=7.5, sigma=0.8) * boost
        # launch peak, decay to a long tail, weekly rhythm, noise
        base = popularity * (0.15 + np.exp(-t / rng.uniform(12, 40)))
        weekly = 1 + 0.12 * np.sin(2 * np.pi * (t + i) / 7)
        daily = base * weekly * rng.lognormal(0, 0.15, days)
        if key in VIRAL and VIRAL[key] - start_day < days:
            at = VIRAL[key] - start_day
            burst = np.zeros(days)
            burst[at:] = popularity * 25 * np.exp(-(t[at:] - at) / 4)
            daily = daily + burst
        stamps = pd.date_range(first_day + timedelta(days=start_day), periods=days, freq="D")
        for platform, metrics in PLATFORM_METRICS.items():
            plat_scale = rng.uniform(0.5, 1.5)
            for metric, scale in metrics:
                gains = daily * scale * plat_scale * rng.lognormal(0, 0.05, days)
                totals = np.floor(np.cumsum(gains)).astype("int64")
                if (key, platform, metric) == CORRECTION[:3] and CORRECTION[3] - start_day < days:
                    at = CORRECTION[3] - start_day
                    totals[at:] -= int(totals[at] * 0.04) + 1
                rows.append(
                    pd.DataFrame(
                        {
                            "release_key": key,
                            "platform": platform,
                            "metric_type": metric,
                            "metric_value": totals,
                            "recorded_at": stamps,
                        }
                    )
                )
    metrics = pd.concat(rows, ignore_index=True)
    # snapshots are taken at 06:00 UTC: before then, today's has not happened yet
    metrics = metrics[metrics["recorded_at"] <= pd.Timestamp(today)].reset_index(drop=True)
    metrics["value_kind"] = "total"
    metrics["source"] = "demo"
    metrics["source_url"] = None
    metrics["notes"] = None
    return pd.DataFrame(releases), metrics


def load(engine: Engine, *, today: datetime | None = None, replace: bool = True) -> DemoSummary:
    """Write the demo catalog; with ``replace`` earlier demo rows are removed first."""
    releases, metrics = build(today)
    with store.transaction(engine) as conn:
        if replace:
            store.delete_demo_data(conn)
        known = store.release_ids_for_keys(conn, releases["release_id"])
        for rec in releases.to_dict("records"):
            if rec["release_id"] not in known:
                _create(conn, rec)
        result = record_readings(conn, metrics.drop(columns="source"), source="demo")
        if result.ok:
            _goal(conn, metrics, (today or datetime.now(UTC)).date())
            _tag(conn)
            _tag_goal(conn, metrics, (today or datetime.now(UTC)).date())
    if not result.ok:  # the generator and the rules disagree: a bug, never a user's input
        raise ValueError(f"The demo catalog breaks a rule: {result.refused[0]}")
    return DemoSummary(len(releases), result.written)


def _goal(conn, metrics: pd.DataFrame, today) -> None:
    """A goal the first release is on track for: its views summed over platforms plus about
    100 days of its recent daily gain, rounded, by 150 days from now."""
    views = metrics[(metrics["release_key"] == GOAL_RELEASE) & (metrics["metric_type"] == "views")]
    daily = views.groupby("recorded_at")["metric_value"].sum().sort_index()
    per_day = (daily.iloc[-1] - daily.iloc[-29]) / 28
    target = int(round((daily.iloc[-1] + 100 * per_day) / 10_000) * 10_000)
    fields = {"release": GOAL_RELEASE, "metric": "views", "target": target}
    fields["by"] = (today + timedelta(days=150)).isoformat()
    saved = save_goal(conn, fields, today=today, created_by="demo")
    if not saved.ok:
        raise ValueError(f"The demo goal breaks a rule: {saved.errors}")


def _tag_goal(conn, metrics: pd.DataFrame, today) -> None:
    """A goal the tag ``GOAL_TAG`` is on track for, worked out as the release's: its releases'
    views summed plus about 100 days of their recent daily gain, by 150 days from now."""
    keys = TAGS[GOAL_TAG]
    views = metrics[metrics["release_key"].isin(keys) & (metrics["metric_type"] == "views")]
    daily = views.groupby("recorded_at")["metric_value"].sum().sort_index()
    per_day = (daily.iloc[-1] - daily.iloc[-29]) / 28
    target = int(round((daily.iloc[-1] + 100 * per_day) / 100_000) * 100_000)
    fields = {"tag": GOAL_TAG, "metric": "views", "target": target}
    fields["by"] = (today + timedelta(days=150)).isoformat()
    saved = save_goal(conn, fields, today=today, created_by="demo")
    if not saved.ok:
        raise ValueError(f"The demo's tag goal breaks a rule: {saved.errors}")


def _tag(conn) -> None:
    """The demo's tags, through the one write path of tags."""
    ids = store.release_ids_for_keys(conn, [k for keys in TAGS.values() for k in keys])
    for tag, keys in TAGS.items():
        for key in keys:
            if key in ids:
                tag_release(conn, ids[key], [tag], mode="add")


def _create(conn, rec: dict) -> int:
    fields = {("release_key" if k == "release_id" else k): v for k, v in rec.items()}
    saved = save_release(conn, None, fields)
    if saved.id is None:
        raise ValueError(f"The demo release {rec['release_id']} breaks a rule: {saved.errors}")
    return saved.id
