"""Pure insight figures: annotation markers and launch curves, without a browser."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go

from perfdash.ui.figures.insights import (
    APPROVED_TRACE,
    MEDIAN_TRACE,
    NOTES_TRACE,
    add_annotation_markers,
    add_launch_markers,
    launch_colours,
    launch_figure,
)


def chart(first: str = "2026-03-01", days: int = 10) -> go.Figure:
    x = pd.date_range(first, periods=days, freq="D")
    return go.Figure(go.Scatter(x=x, y=list(range(days)), name="YouTube"))


def test_notes_and_approval_become_markers_inside_the_chart_range():
    notes = [
        {"at": datetime(2026, 3, 4, 23, tzinfo=UTC), "text": "playlist add", "release_key": "r1"},
        {"at": datetime(2026, 3, 6, tzinfo=UTC), "text": "label push", "release_key": None},
        {"at": datetime(2025, 1, 1, tzinfo=UTC), "text": "long ago", "release_key": "r1"},
    ]
    fig = add_annotation_markers(
        chart(),
        notes,
        tz="Europe/Berlin",
        approved={"Neon Tides": pd.Timestamp("2026-03-01 08:00", tz="UTC")},
    )
    assert [t.name for t in fig.data] == ["YouTube"]  # markers are not traces
    marks = [(a.name, pd.Timestamp(a.x), a.hovertext) for a in fig.layout.annotations]
    # 23:00 UTC on the 4th is the 5th in Berlin; the note from 2025 is outside the chart
    assert marks == [
        (NOTES_TRACE, pd.Timestamp("2026-03-05 00:00"), "2026-03-05: playlist add (r1)"),
        (NOTES_TRACE, pd.Timestamp("2026-03-06 01:00"), "2026-03-06: label push (whole catalog)"),
        (APPROVED_TRACE, pd.Timestamp("2026-03-01 09:00"), "2026-03-01: Neon Tides approved"),
    ]
    assert all(a.yref == "paper" and a.y == 1 for a in fig.layout.annotations)
    assert [s.name for s in fig.layout.shapes] == [NOTES_TRACE, NOTES_TRACE, APPROVED_TRACE]
    everything = add_annotation_markers(chart(), notes, tz="UTC", clip=False)
    assert len(everything.layout.annotations) == 3


def test_no_notes_leaves_the_chart_alone():
    fig = add_annotation_markers(chart(), [], tz="UTC", approved={"x": None})
    assert [t.name for t in fig.data] == ["YouTube"]
    assert not fig.layout.shapes and not fig.layout.annotations


def test_launch_figure_draws_releases_and_the_median():
    aligned = pd.DataFrame(
        {
            "release_id": [1, 1, 2, 2],
            "day": [0, 1, 0, 1],
            "gain": [10.0, 5.0, 20.0, 8.0],
            "total": [10.0, 15.0, 20.0, 28.0],
        }
    )
    median = pd.DataFrame({"day": [0, 1], "median": [15.0, 21.5], "n": [2, 2]})
    fig = launch_figure(aligned, median, names={1: "A", 2: "B"}, value="gain", horizon=7)
    assert [t.name for t in fig.data] == ["A", "B", MEDIAN_TRACE]
    assert list(fig.data[1].y) == [20.0, 8.0]
    assert list(fig.data[2].y) == [15.0, 21.5] and fig.data[2].line.dash == "dash"
    assert "first 7 days" in fig.layout.title.text


def test_launch_markers_sit_at_each_release_notes_day_since_launch():
    names = {1: "Neon Tides", 2: "Glass Horizon"}
    aligned = pd.DataFrame(
        {"release_id": [1, 2], "day": [0, 0], "gain": [1.0, 2.0], "total": [1.0, 2.0]}
    )
    fig = launch_figure(aligned, pd.DataFrame(), names=names, horizon=28)
    day0 = {
        1: pd.Timestamp("2026-03-01"),
        2: pd.Timestamp("2026-04-10"),
        3: pd.Timestamp("2026-01-01"),
    }
    notes = [
        # 23:30 UTC on 5 March is 6 March in Berlin: day 5 of release 1
        {"release_id": 1, "at": datetime(2026, 3, 5, 23, 30, tzinfo=UTC), "text": "playlist add"},
        {"release_id": 2, "at": datetime(2026, 4, 10, 9, tzinfo=UTC), "text": "premiere <b>"},
        {"release_id": 2, "at": datetime(2026, 5, 8, tzinfo=UTC), "text": "day 28: too late"},
        {"release_id": 1, "at": datetime(2026, 2, 27, tzinfo=UTC), "text": "before launch"},
        {"release_id": None, "at": datetime(2026, 3, 3, tzinfo=UTC), "text": "catalog note"},
        {"release_id": 3, "at": datetime(2026, 1, 2, tzinfo=UTC), "text": "not picked"},
    ]
    out = add_launch_markers(fig, notes, day0=day0, names=names, tz="Europe/Berlin", horizon=28)
    assert [t.name for t in out.data] == ["Neon Tides", "Glass Horizon"]  # markers: no traces
    marks = [(a.name, a.x, a.hovertext, a.font.color) for a in out.layout.annotations]
    colours = launch_colours(names)
    assert marks == [
        (NOTES_TRACE, 5, "day 5 (2026-03-06): playlist add (Neon Tides)", colours[1]),
        # text is escaped, as on every chart
        (NOTES_TRACE, 0, "day 0 (2026-04-10): premiere &lt;b&gt; (Glass Horizon)", colours[2]),
    ]
    assert colours[1] == out.data[0].line.color and colours[2] == out.data[1].line.color
    assert [(s.x0, s.name) for s in out.layout.shapes] == [(5, NOTES_TRACE), (0, NOTES_TRACE)]
    # a shorter horizon leaves out the notes after it
    short = add_launch_markers(
        launch_figure(aligned, pd.DataFrame(), names=names, horizon=7),
        notes,
        day0=day0,
        names=names,
        tz="Europe/Berlin",
        horizon=5,
    )
    assert [a.x for a in short.layout.annotations] == [0]
    empty = add_launch_markers(go.Figure(), pd.DataFrame(notes), day0={}, names=names)
    assert not empty.layout.annotations
