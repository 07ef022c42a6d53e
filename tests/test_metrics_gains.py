"""metrics.gains: totals versus gains, corrections, summed platforms, and the KPIs over them —
hand-computed numbers.
"""

from __future__ import annotations

import pandas as pd
import pytest

from perfdash import metrics


def series(rows, kind="total", platform="youtube", metric="views", release=1):
    return pd.DataFrame(
        [
            {
                "release_id": release,
                "platform_key": platform,
                "metric_type": metric,
                "value_kind": kind,
                "bucket": pd.Timestamp(day),
                "last_value": last,
                "sum_value": total,
                "n_rows": 1,
                "last_at": pd.Timestamp(day, tz="UTC"),
            }
            for day, last, total in rows
        ]
    )


def test_totals_become_gains_and_a_drop_is_flagged():
    s = series(
        [
            ("2026-01-01", 100, 100),
            ("2026-01-02", 150, 150),
            ("2026-01-03", 140, 140),
            ("2026-01-05", 200, 200),
        ]
    )
    g = metrics.totals_and_gains(s)
    assert g["total"].tolist() == [100, 150, 140, 200]
    assert g["gain"].isna().tolist() == [True, False, False, False]  # nothing to measure from
    assert g["gain"].tolist()[1:] == [50, -10, 60]  # the gap's growth lands on the next bucket
    assert g["correction"].tolist() == [False, False, True, False]


def test_baseline_gives_the_first_gain():
    s = series([("2026-01-01", 100, 100), ("2026-01-02", 130, 130)])
    base = pd.DataFrame(
        [{"release_id": 1, "platform_key": "youtube", "metric_type": "views", "baseline": 90}]
    )
    g = metrics.totals_and_gains(s, base)
    assert g["gain"].tolist() == [10, 30]


def test_period_counts_are_summed_and_accumulated():
    s = series([("2026-01-01", 5, 12), ("2026-01-02", 3, 3), ("2026-01-03", 7, 10)], kind="period")
    g = metrics.totals_and_gains(s)
    assert g["gain"].tolist() == [12, 3, 10]
    assert g["total"].tolist() == [12, 15, 25]
    assert not g["correction"].any()


def test_series_are_kept_apart_by_platform_and_release():
    s = pd.concat(
        [
            series([("2026-01-01", 10, 10), ("2026-01-02", 20, 20)], platform="youtube"),
            series([("2026-01-01", 1000, 1000), ("2026-01-02", 1001, 1001)], platform="spotify"),
            series([("2026-01-01", 7, 7), ("2026-01-02", 5, 5)], release=2),
        ]
    )
    g = metrics.totals_and_gains(s).set_index(["release_id", "platform_key", "bucket"])
    assert g.loc[(1, "youtube", pd.Timestamp("2026-01-02")), "gain"] == 10
    assert g.loc[(1, "spotify", pd.Timestamp("2026-01-02")), "gain"] == 1
    assert g.loc[(2, "youtube", pd.Timestamp("2026-01-02")), "gain"] == -2
    assert g.loc[(2, "youtube", pd.Timestamp("2026-01-02")), "correction"]


def test_empty_and_single_point():
    assert metrics.totals_and_gains(series([])).empty
    g = metrics.totals_and_gains(series([("2026-01-01", 42, 42)]))
    assert g["total"].tolist() == [42] and g["gain"].isna().all()
    assert metrics.kpis(metrics.totals_and_gains(series([]))) == []
    (kpi,) = metrics.kpis(g)
    assert kpi.total == 42 and kpi.gain is None and kpi.change_pct is None


def test_kpis_with_previous_period_and_correction():
    current = metrics.totals_and_gains(
        series([("2026-01-03", 150, 150), ("2026-01-04", 140, 140)]),
        pd.DataFrame(
            [{"release_id": 1, "platform_key": "youtube", "metric_type": "views", "baseline": 100}]
        ),
    )
    previous = metrics.totals_and_gains(
        series([("2026-01-01", 80, 80), ("2026-01-02", 100, 100)]),
        pd.DataFrame(
            [{"release_id": 1, "platform_key": "youtube", "metric_type": "views", "baseline": 60}]
        ),
    )
    (kpi,) = metrics.kpis(current, previous)
    assert kpi.gain == 40  # +50, then -10 (a correction)
    assert kpi.total == 140
    assert kpi.previous_gain == 40
    assert kpi.change == 0 and kpi.change_pct == 0
    assert kpi.corrections == 1


def test_combine_platforms_carries_totals_forward():
    s = pd.concat(
        [
            series([("2026-01-01", 10, 10), ("2026-01-02", 20, 20)], platform="youtube"),
            series([("2026-01-01", 100, 100)], platform="spotify"),
        ]
    )
    c = metrics.combine_platforms(metrics.totals_and_gains(s))
    assert c["total"].tolist() == [110, 120]


def test_format_number():
    assert metrics.format_number(1234567) == "1,234,567"
    assert metrics.format_number(None) == "–"
    assert metrics.format_number(float("nan")) == "–"


def _gains_with_groupby(series_: pd.DataFrame, baseline: pd.DataFrame | None) -> pd.DataFrame:
    """The pandas groupby/merge formulation totals_and_gains replaced (the reference)."""
    keys = ["release_id", "platform_key", "metric_type", "value_kind"]
    frame = series_.sort_values([*keys, "bucket"]).reset_index(drop=True)
    totals = frame["value_kind"] == "total"
    out = frame[[*keys, "bucket", "last_at"]].copy()
    out["total"] = frame["last_value"].where(totals).astype("float64")
    previous = frame.groupby(keys, sort=False)["last_value"].shift(1)
    if baseline is not None and not baseline.empty:
        base = frame[keys].merge(
            baseline.assign(value_kind="total")[[*keys, "baseline"]], on=keys, how="left"
        )["baseline"]
        first = frame.groupby(keys, sort=False).cumcount() == 0
        previous = previous.where(~first, base.values)
    out["gain"] = (frame["last_value"] - previous).where(totals)
    periods = ~totals
    if periods.any():
        out.loc[periods, "gain"] = frame.loc[periods, "sum_value"].astype("float64")
        out.loc[periods, "total"] = (
            frame.loc[periods].groupby(keys, sort=False)["sum_value"].cumsum().astype("float64")
        )
    out["correction"] = (out["gain"] < 0).fillna(False).astype(bool)
    return out[metrics.GAIN_COLUMNS]


@pytest.mark.parametrize("seed", range(12))
def test_totals_and_gains_equals_the_groupby_formulation(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    rows, base = [], []
    for release in (1, 2):
        for platform in ("youtube", "spotify", "tiktok")[: int(rng.integers(1, 4))]:
            for metric in ("views", "likes")[: int(rng.integers(1, 3))]:
                for kind in ("total", "period") if rng.random() < 0.3 else ("total",):
                    days = sorted(rng.choice(60, size=int(rng.integers(1, 12)), replace=False))
                    value = int(rng.integers(0, 1000))
                    for day in days:
                        value = max(0, value + int(rng.integers(-50, 400)))
                        rows.append(
                            {
                                "release_id": release,
                                "platform_key": platform,
                                "metric_type": metric,
                                "value_kind": kind,
                                "bucket": pd.Timestamp("2026-01-01") + pd.Timedelta(days=int(day)),
                                "last_value": value,
                                "sum_value": value + int(rng.integers(0, 9)),
                                "n_rows": 1,
                                "last_at": pd.Timestamp("2026-01-01", tz="UTC")
                                + pd.Timedelta(days=int(day)),
                            }
                        )
                if rng.random() < 0.6:
                    base.append((release, platform, metric, int(rng.integers(0, 900))))
    frame = pd.DataFrame(rows).sample(frac=1, random_state=seed)  # any order in
    baseline = pd.DataFrame(base, columns=["release_id", "platform_key", "metric_type", "baseline"])
    for b in (None, baseline, baseline.iloc[0:0]):
        fast = metrics.totals_and_gains(frame, b)
        slow = _gains_with_groupby(frame, b)
        pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow, check_dtype=False)
        assert fast["correction"].dtype == bool


def test_gains_of_totals_near_2_63_are_exact():
    big = 2**63 - 1
    series = pd.DataFrame(
        {
            "release_id": [1, 1, 1],
            "platform_key": ["youtube", "youtube", "spotify"],
            "metric_type": ["views"] * 3,
            "value_kind": ["total"] * 3,
            "bucket": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-02"]),
            "last_value": [big - 10, big, 5],
            "sum_value": [big - 10, big, 5],
            "last_at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-02"]),
        }
    )
    baseline = pd.DataFrame(
        {
            "release_id": [1],
            "platform_key": ["youtube"],
            "metric_type": ["views"],
            "baseline": [big - 20],
        }
    )
    out = metrics.totals_and_gains(series, baseline)
    yt = out[out["platform_key"] == "youtube"]
    assert yt["gain"].tolist() == [10, 10]  # float64 would say 0 and 0
    assert yt["total"].tolist() == [big - 10, big]
    combined = metrics.combine_platforms(out)
    assert combined["total"].tolist() == [big - 10, big + 5]
