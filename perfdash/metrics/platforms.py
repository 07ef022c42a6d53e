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
# One colour per platform, the same in every chart and in both themes: each has at least 3 : 1
# contrast against the light (#ffffff) and the dark (#111111) chart background (WCAG's bar for
# graphics), so brand colours too light for white (TikTok's #25f4ee: 1.4 : 1) or too dark for
# black are shifted to the nearest shade that passes.  tests/test_metrics_platforms.py checks it.
PLATFORM_COLOURS: dict[str, str] = {
    "youtube": "#e62117",
    "spotify": "#1a9a4a",
    "tiktok": "#0f8b8d",
    "apple_music": "#e64980",
    "apple music": "#e64980",
    "deezer": "#a238ff",
    "lastfm": "#c92a2a",
    "last.fm": "#c92a2a",
    "soundcloud": "#e8590c",
    "instagram": "#c13584",
}
FALLBACK_COLOURS = ["#636efa", "#ef553b", "#0ca678", "#ab63fa", "#f76707", "#1098ad", "#d6336c"]
# The previous period beside this one (bars, dotted lines): a grey no platform uses.
PREVIOUS_COLOUR = "#7f7f7f"
CHART_BACKGROUNDS = {"plotly_white": "#ffffff", "plotly_dark": "#111111"}


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""

    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


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
