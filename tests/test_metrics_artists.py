"""metrics.artists with hand-computed numbers: counters summed with each release's share,
audiences summed without shares, scores averaged and never summed, exact past 2^63."""

from __future__ import annotations

import pandas as pd

from perfdash import metrics


def gains(rows, metric="views"):
    return pd.DataFrame(
        rows, columns=["release_id", "platform_key", "gain", "total", "n_rows"]
    ).assign(metric_type=metric)


def test_release_shares_of_a_counter_add_up_to_one():
    frame = gains(
        [(1, "youtube", 300, 1000, 2), (1, "tiktok", 100, 500, 1), (2, "youtube", 600, 900, 3)]
    )
    out = metrics.release_shares(frame, "views", metrics.metric_kind("views"))
    assert out["release_id"].tolist() == [2, 1]  # biggest gain first
    assert out["gain"].tolist() == [600, 400]
    assert out["total"].tolist() == [900, 1500]
    assert out["share"].tolist() == [0.6, 0.4]


def test_a_release_without_readings_in_the_period_has_no_gain_and_no_share():
    frame = gains([(1, "youtube", 50, 100, 1), (2, "youtube", 0, 70, 0)])
    out = metrics.release_shares(frame, "views", metrics.metric_kind("views"))
    assert out["release_id"].tolist() == [1, 2]
    assert pd.isna(out["gain"].iloc[1]) and out["total"].iloc[1] == 70
    assert out["share"].tolist()[0] == 1.0 and out["share"].tolist()[1] == 0.0
    assert out["active"].tolist() == [True, False]


def test_audience_changes_have_no_share():
    frame = gains([(1, "deezer", -20, 980, 2), (2, "deezer", 50, 400, 2)], "fans")
    out = metrics.release_shares(frame, "fans", metrics.metric_kind("fans"))
    assert out["gain"].tolist() == [50, -20]
    assert out["share"].isna().all()


def test_scores_are_levels_never_sums():
    frame = gains(
        [(1, "deezer", 0, 10, 1), (1, "spotify", 0, 20, 1), (2, "deezer", 0, 4, 1)], "rank"
    )
    kind = metrics.metric_kind("rank")  # lower is better
    out = metrics.release_shares(frame, "rank", kind)
    assert out["release_id"].tolist() == [2, 1]
    assert out["total"].tolist() == [4.0, 15.0]
    assert out["gain"].isna().all() and out["share"].isna().all()
    board = metrics.artist_board(frame, {1: "A", 2: "A"}, kind)
    assert board.to_dict("records")[0]["total"] == 9.5  # the mean of 15 and 4, not 19


def test_artist_board_sums_counters_over_releases_and_ranks_them():
    now = gains(
        [
            (1, "youtube", 300, 1000, 2),
            (2, "youtube", 600, 900, 3),
            (3, "youtube", 800, 800, 1),
            (4, "youtube", 0, 5, 0),
        ]
    )
    before = gains([(1, "youtube", 100, 700, 1), (3, "youtube", 50, 0, 1)])
    artists = {1: "Nova Vale", 2: "Nova Vale", 3: "Lumen Drift", 4: "Quiet"}
    board = metrics.artist_board(now, artists, metrics.metric_kind("views"), before)
    assert board["artist_name"].tolist() == ["Nova Vale", "Lumen Drift"]  # Quiet: no reading
    assert board["gain"].tolist() == [900, 800]
    assert board["releases"].tolist() == [2, 1]
    assert board["previous_gain"].tolist() == [100, 50]
    assert metrics.artist_board(now, artists, metrics.metric_kind("views"), limit=1)[
        "artist_name"
    ].tolist() == ["Nova Vale"]


def test_artist_sums_stay_exact_past_int64():
    big = 2**62
    now = gains([(1, "youtube", big, big, 1), (2, "youtube", big, big, 1), (3, "youtube", 1, 1, 1)])
    board = metrics.artist_board(now, {1: "A", 2: "A", 3: "B"}, metrics.metric_kind("views"))
    assert board["gain"].tolist() == [2**63, 1]
    shares = metrics.release_shares(now.head(2), "views", metrics.metric_kind("views"))
    assert shares["share"].tolist() == [0.5, 0.5]


def test_nothing_in_nothing_out():
    empty = gains([])
    assert metrics.artist_board(empty, {}, metrics.metric_kind("views")).empty
    assert metrics.release_shares(empty, "views", metrics.metric_kind("views")).empty
