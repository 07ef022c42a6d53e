"""Dashboard arithmetic: KPIs, per-platform breakdown, trends, safe CSV — hand-computed."""

from __future__ import annotations

import pandas as pd
import pytest

from perfdash import metrics


def gains_frame(rows):
    """Rows like store.period_gains: (release, platform, metric, gain, total, corrections, n)."""
    return pd.DataFrame(
        [
            {
                "release_id": r,
                "platform_key": p,
                "metric_type": m,
                "gain": g,
                "total": t,
                "baseline": None,
                "corrections": c,
                "n_rows": n,
                "last_at": pd.Timestamp("2026-01-15", tz="UTC"),
            }
            for r, p, m, g, t, c, n in rows
        ]
    )


CURRENT = gains_frame(
    [
        # YouTube dropped 300 -> 250 once (a correction) but still gained 300 overall
        (1, "youtube", "views", 300, 400, 1, 3),
        (1, "tiktok", "views", 15, 20, 0, 2),
        (2, "youtube", "views", 900, 1900, 0, 2),
        (1, "spotify", "streams", 30, 80, 0, 2),
    ]
)
PREVIOUS = gains_frame(
    [
        (1, "youtube", "views", 200, 100, 0, 4),
        (2, "youtube", "views", 400, 1000, 0, 1),
        (1, "tiktok", "views", 0, 5, 0, 0),  # a series with nothing recorded then
    ]
)


def test_kpis_sum_over_releases_and_platforms_with_a_correction():
    views, streams = metrics.period_kpis(CURRENT, PREVIOUS)[::-1]
    assert views.metric_type == "views" and streams.metric_type == "streams"
    assert views.gain == 300 + 15 + 900  # 1215
    assert views.total == 400 + 20 + 1900  # 2320
    assert views.previous_gain == 200 + 400  # the empty TikTok series adds nothing
    assert views.change == 615
    assert views.change_pct == pytest.approx(102.5)  # 615 / 600
    assert views.corrections == 1
    assert metrics.change_text(views) == "+615 (+102.5%) vs previous period"
    # streams had no reading in the previous period: no change to report
    assert streams.gain == 30 and streams.previous_gain is None and streams.change is None
    assert metrics.change_text(streams) == "nothing recorded in the previous period"


def test_kpis_of_an_empty_period_and_a_single_point():
    assert metrics.period_kpis(CURRENT.iloc[0:0]) == []
    # a series with only a reading before the period: total known, nothing gained
    quiet = gains_frame([(3, "youtube", "views", 0, 70, 0, 0)])
    (kpi,) = metrics.period_kpis(quiet)
    assert kpi.gain is None and kpi.total == 70
    # a single reading in the period, with no reading before: gain 0, total = that reading
    single = gains_frame([(3, "youtube", "views", 0, 70, 0, 1)])
    (kpi,) = metrics.period_kpis(single, single.iloc[0:0])
    assert (kpi.gain, kpi.total, kpi.previous_gain) == (0, 70, None)


def test_kpi_change_against_a_previous_loss_and_zero():
    down = metrics.Kpi("views", gain=-50, total=10, previous_gain=-100, corrections=1)
    assert down.change == 50 and down.change_pct == pytest.approx(50.0)
    flat = metrics.Kpi("views", gain=10, total=10, previous_gain=0, corrections=0)
    assert flat.change == 10 and flat.change_pct is None
    assert metrics.change_text(flat) == "+10 vs previous period"


def test_order_kpis_puts_the_chosen_metric_first():
    kpis = [metrics.Kpi(m, 1, 1, None, 0) for m in ("zzz", "likes", "streams", "views")]
    assert [k.metric_type for k in metrics.order_kpis(kpis, "likes")] == [
        "likes",
        "views",
        "streams",
        "zzz",
    ]


def test_platform_breakdown_sums_releases_and_joins_previous():
    out = metrics.platform_breakdown(CURRENT, "views", PREVIOUS)
    assert out.values.tolist() == [
        ["youtube", 1200, 2300, 600.0, 1100.0],
        ["tiktok", 15, 20, 0.0, 5.0],
    ]
    alone = metrics.platform_breakdown(CURRENT, "streams")
    assert alone["previous_gain"].isna().all()
    assert metrics.platform_breakdown(CURRENT, "likes").empty
    assert metrics.platform_breakdown(CURRENT.iloc[0:0], "views").empty


def test_trend_arrow():
    assert metrics.trend_arrow(10, 5) == "▲"
    assert metrics.trend_arrow(5, 10) == "▼"
    assert metrics.trend_arrow(5, 5) == "▶"
    assert metrics.trend_arrow(5, None) == ""
    assert metrics.trend_arrow(None, 5) == ""


BIG = 2**63 - 1


def _period(rows):
    return pd.DataFrame(
        rows,
        columns=["release_id", "platform_key", "metric_type", "gain", "total", "n_rows"],
    ).assign(corrections=0)


def test_period_kpis_sum_past_2_63_exactly():
    current = _period([(1, "youtube", "views", 0, BIG, 0), (1, "spotify", "views", 5, 5, 1)])
    previous = _period([(1, "youtube", "views", BIG, BIG, 1), (1, "spotify", "views", 4, 4, 1)])
    (kpi,) = metrics.period_kpis(current, previous)
    assert kpi.total == BIG + 5 and isinstance(kpi.total, int)
    assert kpi.gain == 5 and kpi.previous_gain == BIG + 4
    assert kpi.change == 1 - BIG
    assert metrics.format_number(kpi.total) == "9,223,372,036,854,775,812"
    assert metrics.change_text(kpi).startswith("-9,223,372,036,854,775,806 (")


def test_platform_breakdown_keeps_big_totals_exact():
    current = _period([(1, "youtube", "views", 0, BIG, 0), (2, "youtube", "views", 3, BIG, 1)])
    out = metrics.platform_breakdown(current, "views")
    assert out["total"].tolist() == [2 * BIG]
    assert out["gain"].tolist() == [3]


def test_an_audience_reads_as_a_net_change_and_a_fall_is_not_a_correction():
    current = gains_frame([(1, "spotify", "followers", -40, 960, 2, 3)])
    previous = gains_frame([(1, "spotify", "followers", 25, 1000, 0, 3)])
    (kpi,) = metrics.period_kpis(current, previous)
    assert (kpi.kind, kpi.gain, kpi.total, kpi.previous_gain) == ("audience", -40, 960, 25)
    assert kpi.corrections == 0  # followers leaving is news, not a platform's correction
    assert kpi.change == -65
    assert metrics.change_text(kpi) == "-65 (-260.0%) vs previous period"


def test_a_score_reads_as_its_level_and_its_move_never_a_sum():
    # Deezer rank 40 -> 25 for release 1, 10 -> 15 for release 2 (rank: lower is better)
    current = gains_frame(
        [(1, "deezer", "rank", -15, 25, 1, 2), (2, "deezer", "rank", 5, 15, 0, 2)]
    )
    previous = gains_frame(
        [(1, "deezer", "rank", 3, 40, 0, 2), (2, "deezer", "rank", -2, 10, 1, 2)]
    )
    (kpi,) = metrics.period_kpis(current, previous)
    assert kpi.kind == "score" and kpi.lower_is_better
    assert kpi.gain is None and kpi.previous_gain is None and kpi.corrections == 0
    assert kpi.total == 20.0  # the mean level (25 + 15) / 2, not 40
    assert kpi.previous_total == 25.0
    assert kpi.change == -5.0 and kpi.change_pct is None
    assert metrics.change_text(kpi) == "-5 since the previous period, better"
    assert metrics.format_level(kpi.total) == "20"
    assert metrics.format_level(20.5) == "20.5"


def test_popularity_is_a_score_where_higher_is_better():
    current = gains_frame([(1, "spotify", "popularity", 4, 61, 0, 2)])
    previous = gains_frame([(1, "spotify", "popularity", 1, 57, 0, 2)])
    (kpi,) = metrics.period_kpis(current, previous)
    assert (kpi.total, kpi.previous_total, kpi.change) == (61, 57, 4)
    assert metrics.change_text(kpi) == "+4 since the previous period, better"


def test_an_editor_set_kind_overrides_the_default_counter():
    current = gains_frame([(1, "radio", "chart_spot", 2, 7, 0, 2)])
    (as_counter,) = metrics.period_kpis(current)
    assert (as_counter.kind, as_counter.gain) == ("counter", 2)
    (as_score,) = metrics.period_kpis(current, None, {"chart_spot": ("score", True)})
    assert (as_score.kind, as_score.gain, as_score.total) == ("score", None, 7)
    assert as_score.lower_is_better


def test_platform_breakdown_of_a_score_gives_levels_best_first():
    current = gains_frame(
        [
            (1, "deezer", "rank", -15, 25, 0, 2),
            (2, "deezer", "rank", 5, 15, 0, 2),
            (1, "spotify", "rank", 0, 3, 0, 1),
        ]
    )
    out = metrics.platform_breakdown(current, "rank", current, metrics.metric_kind("rank"))
    assert out["platform_key"].tolist() == ["spotify", "deezer"]  # rank 3 beats rank 20
    assert out["total"].tolist() == [3.0, 20.0]
    assert out["gain"].isna().all()
