"""metrics.platforms: one label and colour per platform, whatever the spelling."""

from __future__ import annotations

import pytest

from perfdash import metrics


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("YouTube", "YouTube"),
        ("youtube", "YouTube"),
        ("  YOUTUBE ", "YouTube"),
        ("lastfm", "Last.fm"),
        ("Audiomack", "Audiomack"),
        ("audiomack", "Audiomack"),
        ("AudioMack", "Audiomack"),
    ],
)
def test_platform_labels_ignore_case(name, label):
    assert metrics.platform_label(name) == label
    assert metrics.platform_colour(name) == metrics.platform_colour(label)


def test_every_chart_colour_has_3_to_1_contrast_in_both_themes():
    colours = {
        **metrics.PLATFORM_COLOURS,
        **{f"fallback {i}": c for i, c in enumerate(metrics.FALLBACK_COLOURS)},
        "previous period": metrics.PREVIOUS_COLOUR,
    }
    for theme, background in metrics.CHART_BACKGROUNDS.items():
        for name, colour in colours.items():
            ratio = metrics.contrast_ratio(colour, background)
            assert ratio >= 3.0, f"{name} {colour} on {theme}: {ratio:.2f} : 1"
    assert metrics.contrast_ratio("#25f4ee", "#ffffff") < 1.4  # TikTok's brand cyan fails
    assert round(metrics.contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert metrics.PREVIOUS_COLOUR not in metrics.PLATFORM_COLOURS.values()
