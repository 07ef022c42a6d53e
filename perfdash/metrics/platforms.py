"""Platforms and metric types as a person reads them: one key, label and colour per platform.

Stored rows keep whatever spelling arrived ('YouTube', 'youtube'); every chart and table groups
by ``platform_key`` so one platform is one series with one label and one colour everywhere.
"""

from __future__ import annotations

PLATFORM_LABELS: dict[str, str] = {
    "youtube": "YouTube",
    "spotify": "Spotify",
    "tiktok": "TikTok",
    "apple_music": "Apple Music",
    "apple music": "Apple Music",
    "deezer": "Deezer",
    "lastfm": "Last.fm",
    "last.fm": "Last.fm",
    "soundcloud": "SoundCloud",
    "instagram": "Instagram",
    "amazon_music": "Amazon Music",
    "amazon music": "Amazon Music",
    "tidal": "Tidal",
}
KNOWN_PLATFORMS = [
    "YouTube",
    "Spotify",
    "TikTok",
    "Apple Music",
    "Deezer",
    "Last.fm",
    "SoundCloud",
    "Instagram",
]
KNOWN_METRIC_TYPES = [
    "views",
    "streams",
    "likes",
    "comments",
    "shares",
    "followers",
    "listeners",
    "playcount",
    "popularity",
    "rank",
    "fans",
    "saves",
]
# One colour per platform, the same in every chart.
PLATFORM_COLOURS: dict[str, str] = {
    "youtube": "#e62117",
    "spotify": "#1db954",
    "tiktok": "#25f4ee",
    "apple_music": "#fa57c1",
    "apple music": "#fa57c1",
    "deezer": "#a238ff",
    "lastfm": "#b90000",
    "last.fm": "#b90000",
    "soundcloud": "#ff7700",
    "instagram": "#c13584",
}
FALLBACK_COLOURS = ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692"]


def platform_key(name: str) -> str:
    return name.strip().lower()


def platform_label(name: str) -> str:
    """One display label per platform whatever the stored spelling ('YouTube', 'youtube')."""
    key = platform_key(name)
    return PLATFORM_LABELS.get(key, key.title())


def platform_colour(name: str) -> str:
    """A known platform's brand colour; any other platform a stable colour of its name, so it
    keeps its colour from one view to the next without a table to maintain."""
    key = platform_key(name)
    if key in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[key]
    return FALLBACK_COLOURS[sum(key.encode()) % len(FALLBACK_COLOURS)]
