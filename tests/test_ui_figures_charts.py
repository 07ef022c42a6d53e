"""Figure builders: what each chart draws, checked against hand-computed numbers."""

from __future__ import annotations

import pandas as pd

from perfdash import metrics
from perfdash.ui.figures import charts


def series(rows, release=1):
    """store.release_series-shaped rows: (platform, day, last_value)."""
    return pd.DataFrame(
        [
            {
                "release_id": release,
                "platform_key": platform,
                "metric_type": "views",
                "value_kind": "total",
                "bucket": pd.Timestamp(day),
                "last_value": value,
                "sum_value": value,
                "n_rows": 1,
                "last_at": pd.Timestamp(day, tz="UTC"),
            }
            for platform, day, value in rows
        ]
    )


PERIOD = series(
    [
        ("youtube", "2026-01-10", 300),
        ("youtube", "2026-01-11", 250),  # correction: the total dropped by 50
        ("youtube", "2026-01-12", 400),
        ("spotify", "2026-01-10", 50),
        ("spotify", "2026-01-12", 80),
    ]
)
BASELINE = pd.DataFrame(
    [{"release_id": 1, "platform_key": "youtube", "metric_type": "views", "baseline": 100}]
)


def traces(fig):
    return {t.name: t for t in fig.data}


def test_time_series_totals_gains_and_the_correction_marker():
    gains = metrics.totals_and_gains(PERIOD, BASELINE)
    total = traces(charts.time_series(gains, mode="total", tz="Europe/Berlin"))
    assert list(total["YouTube"].y) == [300, 250, 400]
    assert list(total["Spotify"].y) == [50, 80]
    assert total["YouTube"].line.color == metrics.platform_colour("youtube")
    assert total["Spotify"].line.color == metrics.platform_colour("spotify")
    assert [c[0] for c in total["YouTube"].customdata] == ["300", "250", "400"]
    # the drop is marked, at its bucket, and its hover tells by how much
    marker = total["YouTube: correction"]
    assert [str(x)[:10] for x in marker.x] == ["2026-01-11"]
    assert list(marker.y) == [250] and list(marker.customdata) == ["50"]

    gain = traces(charts.time_series(gains, mode="gain"))
    assert list(gain["YouTube"].y) == [200, -50, 150]  # from the baseline of 100
    assert list(gain["YouTube: correction"].y) == [-50]
    # Spotify had no baseline: its first gain is unknown, not invented
    assert pd.isna(gain["Spotify"].y[0]) and gain["Spotify"].y[1] == 30


def test_time_series_axis_format_and_time_zone():
    fig = charts.time_series(metrics.totals_and_gains(PERIOD), tz="Europe/Berlin", title="T")
    assert fig.layout.yaxis.tickformat == ","
    assert fig.layout.xaxis.title.text == "time (Europe/Berlin)"
    assert fig.layout.title.text == "T"


def test_time_series_empty_and_single_point():
    empty = charts.time_series(metrics.totals_and_gains(PERIOD.iloc[0:0]))
    assert len(empty.data) == 0
    assert empty.layout.annotations[0].text == charts.EMPTY_TEXT

    one = series([("youtube", "2026-01-10", 1234567)])
    fig = charts.time_series(metrics.totals_and_gains(one), mode="total")
    (trace,) = fig.data
    assert list(trace.y) == [1234567]
    assert [c[0] for c in trace.customdata] == ["1,234,567"]
    assert trace.mode == "lines+markers"  # a single point is still visible


def test_time_series_compares_releases_by_colour():
    both = pd.concat(
        [
            series([("youtube", "2026-01-10", 10)], release=1),
            series([("youtube", "2026-01-10", 20)], release=2),
        ]
    )
    combined = metrics.combine_platforms(metrics.totals_and_gains(both)).assign(
        platform_key=charts.ALL_PLATFORMS
    )
    fig = charts.time_series(
        combined,
        mode="total",
        release_names={1: "Neon Tides", 2: "Glass Horizon"},
        colour_by="release",
    )
    got = {t.name: (list(t.y), t.line.color) for t in fig.data}
    assert got == {
        "Neon Tides": ([10], metrics.FALLBACK_COLOURS[0]),
        "Glass Horizon": ([20], metrics.FALLBACK_COLOURS[1]),
    }


BREAKDOWN = pd.DataFrame(
    {
        "platform_key": ["youtube", "spotify", "tiktok"],
        "gain": [1200, 300, -20],
        "total": [2300, 900, 50],
        "previous_gain": [600.0, float("nan"), 10.0],
    }
)


def test_platform_bars_with_and_without_the_previous_period():
    fig = charts.platform_bars(BREAKDOWN, metric_type="views")
    (bars,) = fig.data
    assert list(bars.x) == ["YouTube", "Spotify", "TikTok"]
    assert list(bars.y) == [1200, 300, -20]
    assert list(bars.marker.color) == [metrics.platform_colour(p) for p in BREAKDOWN.platform_key]
    assert list(bars.customdata) == ["1,200", "300", "-20"]
    assert fig.layout.yaxis.tickformat == ","
    now, before = charts.platform_bars(BREAKDOWN, metric_type="views", compare=True).data
    assert before.name == "previous period"
    assert list(before.y)[0] == 600 and pd.isna(before.y[1])
    assert len(charts.platform_bars(BREAKDOWN.iloc[0:0], metric_type="views").data) == 0


def test_platform_share_leaves_out_a_drop_and_says_so():
    fig = charts.platform_share(BREAKDOWN, metric_type="views")
    (pie,) = fig.data
    assert list(pie.labels) == ["YouTube", "Spotify"]
    assert list(pie.values) == [1200, 300]
    assert list(pie.marker.colors) == ["#e62117", "#1a9a4a"]
    assert "TikTok" in fig.layout.annotations[0].text
    nothing = BREAKDOWN.assign(gain=[0, 0, -1])
    empty = charts.platform_share(nothing, metric_type="views")
    assert empty.layout.annotations[0].text == "No views gained in this period"


def test_dark_template_is_applied():
    gains = metrics.totals_and_gains(PERIOD)
    for fig in (
        charts.time_series(gains, template="plotly_dark"),
        charts.platform_bars(BREAKDOWN, metric_type="views", template="plotly_dark"),
        charts.platform_share(BREAKDOWN, metric_type="views", template="plotly_dark"),
        charts.empty_figure("x", "plotly_dark"),
    ):
        assert fig.layout.template.layout.paper_bgcolor == "rgb(17,17,17)"


def test_a_drop_inside_a_bucket_is_still_marked():
    # by month the total still grew (100 -> 400), but a reading inside fell 300 -> 250
    month = series([("youtube", "2026-01-01", 400)])
    gains = metrics.totals_and_gains(month, BASELINE)
    assert not gains["correction"].any()
    drops = pd.DataFrame(
        [
            {
                "release_id": 1,
                "platform_key": "youtube",
                "metric_type": "views",
                "bucket": pd.Timestamp("2026-01-01"),
                "recorded_at": pd.Timestamp("2026-01-11", tz="UTC"),
                "metric_value": 250,
                "previous_value": 300,
            }
        ]
    )
    fig = charts.time_series(gains, mode="total", drops=drops)
    marker = traces(fig)["YouTube: correction"]
    assert list(marker.y) == [400] and list(marker.customdata) == ["50"]
    # another platform's drop does not mark this line
    other = charts.time_series(gains, drops=drops.assign(platform_key="spotify"))
    assert "YouTube: correction" not in traces(other)


def test_previous_period_is_a_grey_dotted_twin_and_named_in_each_hover():
    gains = metrics.totals_and_gains(PERIOD, BASELINE)
    before = metrics.totals_and_gains(
        series([("youtube", "2026-01-01", 40), ("youtube", "2026-01-02", 90)])
    ).assign(bucket=lambda f: f["bucket"] + pd.Timedelta(days=9))
    fig = charts.time_series(gains, mode="gain", previous=before)
    got = traces(fig)
    twin = got["YouTube (previous period)"]
    assert [str(x)[:10] for x in twin.x] == ["2026-01-10", "2026-01-11"]
    assert pd.isna(twin.y[0]) and twin.y[1] == 50
    assert twin.line.dash == "dot" and twin.line.color == metrics.PREVIOUS_COLOUR
    assert twin.line.color != got["YouTube"].line.color
    assert "Spotify (previous period)" not in got  # nothing recorded then
    # each bucket's hover says what the previous period had at the same place
    assert [c[1] for c in got["YouTube"].customdata] == [
        "",
        " (previous period: 50)",
        "",
    ]
    assert fig.layout.hovermode == "x unified"


def test_incomplete_buckets_are_open_markers_in_a_labelled_band_and_say_so():
    gains = metrics.totals_and_gains(PERIOD, BASELINE).assign(
        complete=lambda f: f["bucket"] < pd.Timestamp("2026-01-12")
    )
    fig = charts.time_series(gains, mode="gain", granularity="week")
    youtube = traces(fig)["YouTube"]
    assert list(youtube.marker.symbol) == ["circle", "circle", "circle-open"]
    assert [c[1] for c in youtube.customdata] == ["", "", " · incomplete"]
    (band,) = [s for s in fig.layout.shapes if s.name == "incomplete"]
    assert str(band.x0)[:10] == "2026-01-12" and str(band.x1)[:10] == "2026-01-19"
    assert "incomplete" in [a.text for a in fig.layout.annotations]
    assert fig.layout.xaxis.hoverformat == "week of %Y-%m-%d"


def test_titles_and_axes_name_the_metric_and_what_of_it():
    views, rank = metrics.metric_kind("views"), metrics.metric_kind("rank")
    assert charts.series_title("Neon Tides", views, "gain", "day") == (
        "Neon Tides: views gained per day"
    )
    assert charts.axis_title(views, "total", "week") == "views, running total"
    assert charts.axis_title(metrics.metric_kind("fans"), "gain", "week") == (
        "fans net change per week"
    )
    assert charts.axis_title(rank, "gain", "day") == "rank (lower is better)"
    gains = metrics.totals_and_gains(PERIOD, BASELINE).assign(metric_type="rank")
    fig = charts.time_series(gains, mode="gain", kind=rank)
    assert list(traces(fig)["YouTube"].y) == [300, 250, 400]  # the level, never a gain
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.yaxis.title.text == "rank (lower is better)"
    assert "YouTube: correction" not in traces(fig)  # a rank moving is not a correction


def test_this_and_the_previous_period_have_distinct_colours_on_bars():
    now, before = charts.platform_bars(BREAKDOWN, metric_type="views", compare=True).data
    assert before.marker.color == metrics.PREVIOUS_COLOUR
    assert metrics.PREVIOUS_COLOUR not in list(now.marker.color)


def test_a_long_title_is_broken_into_lines_that_fit_a_phone():
    assert charts.title_text("Neon Tides: views gained per day") == (
        "Neon Tides: views gained per day"
    )
    long = charts.title_text("Last Transmission — The Circuit Saints: views gained per day")
    assert long == "Last Transmission —<br>The Circuit Saints:<br>views gained per day"
    assert all(len(line) <= charts.TITLE_WIDTH for line in long.split("<br>"))
    many = charts.title_text(
        "Paper Satellites — Kiro & The Static vs City of Mirrors — The Circuit Saints vs "
        "Last Transmission — The Circuit Saints: views gained per week"
    )
    lines = many.split("<br>")
    assert len(lines) == 3 and lines[-1] == "views gained per week"  # what is drawn stays
    assert lines[1].endswith("…")
    assert charts.title_text("<b>" + "x" * 40 + "</b>: level").startswith("&lt;b&gt;")
    # the layout's top margin makes room for every line
    fig = charts.time_series(
        pd.DataFrame(
            {
                "release_id": [1],
                "platform_key": ["youtube"],
                "metric_type": ["views"],
                "bucket": [pd.Timestamp("2026-01-01")],
                "total": [10],
                "gain": [10],
                "correction": [False],
                "complete": [True],
            }
        ),
        title="Last Transmission — The Circuit Saints: views gained per day",
    )
    assert fig.layout.title.text == long and fig.layout.margin.t == 40 + 2 * 20


def test_money_is_drawn_as_amounts_of_its_currency():
    """Earnings' micro-units are drawn as dollars, the hover in the currency, the axis naming
    it; the frame passed in keeps its exact micro-units."""
    gains = pd.DataFrame(
        [
            {
                "release_id": 1,
                "platform_key": "spotify",
                "metric_type": "earnings",
                "bucket": pd.Timestamp(day),
                "gain": gain,
                "total": total,
                "correction": False,
                "complete": True,
            }
            for day, gain, total in (
                ("2026-01-10", 4_120_000, 4_120_000),
                ("2026-01-11", 5, 4_120_005),
            )
        ]
    )
    kind = metrics.metric_kind("earnings")
    fig = charts.time_series(gains, kind=kind, currency="USD")
    (line,) = [t for t in fig.data if t.name == "Spotify"]
    assert list(line.y) == [4.12, 0.000005]
    assert [c[0] for c in line.customdata] == ["$4.12", "$0.00"]
    assert "(USD)" in fig.layout.yaxis.title.text
    assert list(gains["gain"]) == [4_120_000, 5]
    plain = charts.time_series(gains, kind=kind)
    assert list(next(t for t in plain.data if t.name == "Spotify").y) == [4_120_000, 5]
