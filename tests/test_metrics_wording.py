"""What works on a catalog built so that one term has a known effect and one has none: the
first is found with an interval that excludes 0, the second's interval holds 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from perfdash import metrics
from perfdash.metrics import wording


def _catalog(n: int = 40, seed: int = 3):
    """Half the releases say 'lofi' and launch 3x bigger; 'rain' is on every other release
    regardless of anything (its half is balanced between lofi and not)."""
    rng = np.random.default_rng(seed)
    rows, outcomes = [], {}
    for i in range(n):
        lofi = i % 2 == 0
        rain = (i // 2) % 2 == 0
        words = ["dreamy", "synth"] + (["lofi", "beats"] if lofi else ["rock"])
        words += ["rain"] if rain else []
        rows.append(
            {
                "release_id": i + 1,
                "track_prompt": " ".join(words),
                "video_prompt": "neon city at night" if i % 3 else None,
                "suno_clip_id": f"clip-{i}" if i < 30 else "",
                "luma_generation_id": None,
            }
        )
        outcomes[i + 1] = float(np.exp(rng.normal(np.log(3000 if lofi else 1000), 0.3)))
    return pd.DataFrame(rows), pd.Series(outcomes)


def test_a_known_effect_is_found_and_a_null_one_is_not():
    prompts, outcomes = _catalog()
    found = metrics.term_effects(metrics.prompt_terms(prompts), outcomes).set_index("term")
    lofi = found.loc["track: lofi"]
    assert lofi["n"] == 20 and lofi["above"] >= 18  # nearly all above the median
    assert lofi["effect"] == pytest.approx(2.0, rel=0.25)  # three times as big: +200 %
    assert lofi["ci_low"] > 0
    assert "track: lofi beats" in lofi["also"]  # on the same releases: one finding
    assert found.loc["track: rock", "ci_high"] < 0
    rain = found.loc["track: rain"]
    assert rain["n"] == 20
    assert rain["ci_low"] < 0 < rain["ci_high"]
    # on every release: nothing to compare with, so not shown
    assert "track: dreamy" not in found.index and "track: synth" not in found.index


def test_attributes_and_the_minimum_number_of_releases():
    prompts, outcomes = _catalog()
    terms = metrics.prompt_terms(prompts)
    assert "has a Suno clip id" in terms[1] and "has a Suno clip id" not in terms[31]
    assert "has a video prompt" in terms[2] and "has a video prompt" not in terms[1]
    assert "video: neon city" in terms[2] and "video: night" in terms[2]
    assert not any(t.startswith("video: at") for t in terms[2])  # a stop word
    found = metrics.term_effects(terms, outcomes).set_index("term")
    assert found.loc["has a Suno clip id", "n"] == 30
    assert "has a Luma generation id" not in found.index  # on no release
    # 5 releases is the least a term needs; 4 show nothing
    few = outcomes.loc[list(range(1, 10))]
    assert metrics.term_effects(terms, few).empty
    ten = metrics.term_effects(terms, outcomes.loc[list(range(1, 11))])
    assert set(ten["n"]) == {5} and "track: lofi" in set(ten["term"])


def test_the_numbers_repeat_and_order_by_effect():
    prompts, outcomes = _catalog()
    terms = metrics.prompt_terms(prompts)
    first = metrics.term_effects(terms, outcomes)
    again = metrics.term_effects(terms, outcomes)
    pd.testing.assert_frame_equal(first, again)
    assert list(first["effect"]) == sorted(first["effect"], reverse=True)
    assert list(first.columns) == metrics.TERM_COLUMNS


def test_odd_text_and_empty_catalogs():
    prompts = pd.DataFrame(
        [
            {
                "release_id": 1,
                "track_prompt": "Ünïcode—Lo-Fi\x00 <b>beats</b> 🎵",
                "video_prompt": 5,
                "suno_clip_id": "  ",
                "luma_generation_id": "x",
            },
        ]
    )
    terms = metrics.prompt_terms(prompts)[1]
    assert "track: ünïcode" in terms and "track: lo-fi" in terms and "track: beats" in terms
    assert "has a Suno clip id" not in terms and "has a Luma generation id" in terms
    assert metrics.term_effects({}, pd.Series(dtype="float64")).empty


def test_launch_outcomes_take_the_total_at_the_day_for_releases_old_enough():
    aligned = pd.DataFrame(
        {
            "release_id": [1, 1, 1, 2, 2, 3],
            "day": [0, 5, 7, 0, 6, 0],
            "gain": [10, 50, 20, 5, 5, 1],
            "total": [10.0, 60.0, 80.0, 5.0, 10.0, 1.0],
        }
    )
    day0 = {
        1: pd.Timestamp("2026-01-01"),
        2: pd.Timestamp("2026-01-01"),
        3: pd.Timestamp("2026-01-20"),
    }
    got = metrics.launch_outcomes(aligned, day0, 7, pd.Timestamp("2026-01-25"))
    assert got.to_dict() == {1: 80.0, 2: 10.0}  # release 3 launched 5 days ago
    assert wording.MIN_RELEASES == 5
