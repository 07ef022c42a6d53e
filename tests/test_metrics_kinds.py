"""Metric kinds: known types, the default, an editor's choice, and what a change means."""

from __future__ import annotations

from perfdash import metrics
from perfdash.vocab import KNOWN_METRIC_KINDS, METRIC_KINDS


def test_known_types_come_with_their_kind():
    for counter in ("views", "streams", "plays", "playcount", "likes", "comments", "shazams"):
        assert metrics.metric_kind(counter).kind == "counter"
    for audience in ("followers", "fans", "listeners", "subscribers"):
        assert metrics.metric_kind(audience).kind == "audience"
    assert metrics.metric_kind("rank") == metrics.MetricKind("rank", "score", True)
    assert metrics.metric_kind("chart_position").lower_is_better
    assert metrics.metric_kind("popularity") == metrics.MetricKind("popularity", "score", False)
    assert set(KNOWN_METRIC_KINDS.values()) == set(METRIC_KINDS)


def test_a_new_type_is_a_counter_until_an_editor_says_otherwise():
    assert metrics.metric_kind("radio_spins") == metrics.MetricKind("radio_spins", "counter")
    overrides = {"radio_spins": ("audience", True), "views": ("score", False)}
    # lower-is-better belongs to scores only
    assert metrics.metric_kind("radio_spins", overrides).lower_is_better is False
    assert metrics.metric_kind("radio_spins", overrides).kind == "audience"
    assert metrics.metric_kind("views", overrides).kind == "score"
    kinds = metrics.metric_kinds(["rank", "radio_spins"], overrides)
    assert [k.kind for k in kinds.values()] == ["score", "audience"]


def test_better_follows_the_direction_of_the_score():
    rank, popularity = metrics.metric_kind("rank"), metrics.metric_kind("popularity")
    assert rank.better(-3) is True and rank.better(2) is False
    assert popularity.better(2) is True and popularity.better(-1) is False
    assert rank.better(0) is None and rank.better(None) is None
    assert rank.label() == "rank (lower is better)"
    assert popularity.label() == "popularity"
    assert metrics.metric_kind("views").gain_word == "gained"
    assert metrics.metric_kind("followers").gain_word == "net change"
