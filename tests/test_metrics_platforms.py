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
