"""Pure figure builders: DataFrames in, Plotly figures out; no database, no Dash callbacks.

Every chart uses the same colour per platform (metrics.platform_colour), thousands
separators, and hover text with exact values, so a reader never has to guess.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from perfdash.metrics import (
    FALLBACK_COLOURS,
    PREVIOUS_COLOUR,
    MetricKind,
    format_level,
    format_money,
    format_number,
    metric_kind,
    platform_colour,
    platform_label,
)
from perfdash.ui.figures.assemble import figure, vrect
from perfdash.vocab import MICRO_UNITS


def plain(text: object) -> str:
    """User text (titles, artists, platforms, metric names, notes) as literal chart text.

    Plotly renders a subset of HTML (<b>, <br>, <a href>) in names, titles, labels and hover
    templates; escaping the angle brackets makes a release called "<b>Hit</b>" show exactly
    that, as text ("&" stays as it is, so "Kiro & The Static" needs no decoding anywhere).
    """
    return str(text).replace("<", "&lt;").replace(">", "&gt;")


TITLE_WIDTH = 34  # characters of a title line: Plotly does not wrap, and a phone is 390 px
TITLE_LINES = 3


def title_text(text: object, width: int = TITLE_WIDTH) -> str:
    """A chart title as lines that fit a phone's width (Plotly cuts a long title at the
    figure's edge instead of wrapping it): what the chart is about, then what it shows
    ("Last Transmission —" / "The Circuit Saints:" / "views gained per day"), broken at spaces,
    three lines at most; a subject too long for them ends in an ellipsis (the legend names
    every line), never the words saying what is drawn.  Escaped like any user text."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return plain(text)
    head, sep, tail = text.rpartition(": ")
    if not sep:
        head, tail = text, ""
    shows = _fit(_wrap(tail, width), TITLE_LINES - 1, width) if tail else []
    about = _fit(_wrap(head + sep.strip(), width), TITLE_LINES - len(shows), width)
    return "<br>".join(plain(line) for line in about + shows)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width``, broken after "—" (title — artist) and "vs" (releases side
    by side) before any other space, so a name is not split in the middle when avoidable."""
    pieces = [p for p in text.replace(" — ", " —\n").replace(" vs ", " vs\n").split("\n") if p]
    lines: list[str] = []
    for piece in pieces:
        for line in textwrap.wrap(piece, width, break_long_words=True, break_on_hyphens=False):
            if lines and len(lines[-1]) + 1 + len(line) <= width:
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
    return lines


def _fit(lines: list[str], most: int, width: int) -> list[str]:
    """At most ``most`` lines, the last one ending in an ellipsis when some were left out."""
    if len(lines) <= most:
        return lines
    last = lines[most - 1][: width - 1].rstrip()
    return [*lines[: most - 1], last + "…"]


def with_title(layout: dict, text: object) -> dict:
    """``layout`` with its title wrapped (``title_text``) and a top margin with room for it."""
    wrapped = title_text(text)
    margin = dict(layout.get("margin") or {})
    margin["t"] = margin.get("t", 40) + 20 * wrapped.count("<br>")
    return {**layout, "title": {"text": wrapped}, "margin": margin}


EMPTY_TEXT = "No data for this selection"
ALL_PLATFORMS = "all"  # platform_key of series summed over platforms (readout.ALL_PLATFORMS)


def empty_figure(message: str = EMPTY_TEXT, template: str = "plotly_white") -> go.Figure:
    layout = dict(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": message,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 16},
            }
        ],
        margin={"l": 20, "r": 20, "t": 40, "b": 20},
        height=380,
    )
    return figure([], layout, template)


HOVER_DATES = {
    "hour": "%Y-%m-%d %H:%M",
    "day": "%a %Y-%m-%d",
    "week": "week of %Y-%m-%d",
    "month": "%B %Y",
}
BUCKET_STEPS = {
    "hour": pd.Timedelta(hours=1),
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
}


def series_title(subject: str, kind: MetricKind, mode: str, granularity: str) -> str:
    """What the chart shows, in words: 'Neon Tides: views gained per day'."""
    return f"{subject}: {axis_title(kind, mode, granularity)}"


def axis_title(kind: MetricKind, mode: str, granularity: str) -> str:
    """The y axis: the metric, and what of it (gained per day, running total, the level)."""
    if kind.is_score:
        return kind.label()
    if mode == "total":
        return f"{kind.metric_type}, running total"
    return f"{kind.metric_type} {kind.gain_word} per {granularity}"


def time_series(
    gains: pd.DataFrame,
    *,
    mode: str = "gain",
    release_names: dict[int, str] | None = None,
    tz: str = "UTC",
    template: str = "plotly_white",
    title: str | None = None,
    colour_by: str = "platform",
    drops: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    granularity: str = "day",
    kind: MetricKind | None = None,
    currency: str | None = None,
) -> go.Figure:
    """One line per (release, platform, metric); corrections (a total that dropped) marked.

    Money (``currency``) is drawn as amounts of its currency on an axis that names it, each
    point's hover in it ("$4.12"), never as micro-units.

    A bucket is marked when its gain is negative, or when ``drops`` (``store.total_drops``:
    readings below the one before, with their bucket) has a reading in it; a drop inside a
    week or month that still grew overall is shown that way instead of disappearing.

    ``previous`` is the previous period's frame (same shape as ``gains``) with its buckets
    already moved forward by the period's length; each line gets a grey dotted twin from it,
    and each point's hover names the previous period's value at the same place.

    A bucket whose ``complete`` is False (today, a week cut by the period) has an open marker,
    says "incomplete" on hover and sits in a shaded band, so a partial bucket never reads as a
    crash.  Hover is unified: one box per bucket lists every series.

    A score (``kind``) is drawn as its level whatever ``mode`` says (a rank has no gain), on a
    reversed axis when lower is better.

    ``colour_by="platform"`` keeps each platform's colour (releases differ by dash);
    ``"release"`` gives each release its own colour, for comparing releases whose platforms
    were summed (``platform_key == "all"``, see ``metrics.combine_platforms``).
    """
    if gains.empty:
        return empty_figure(template=template)
    kind = kind or metric_kind(str(gains["metric_type"].iloc[0]))
    column = "total" if mode == "total" or kind.is_score else "gain"
    fmt = format_level if kind.is_score else format_number
    if currency:
        gains, previous = _as_amounts(gains), _as_amounts(previous)
        fmt = _money_text(currency)
    release_names = release_names or {}
    many_releases = gains["release_id"].nunique() > 1
    many_metrics = gains["metric_type"].nunique() > 1
    traces: list[dict] = []
    previous_parts = _by_line(previous)
    drops_parts = _by_line(drops)
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    release_order = {rid: i for i, rid in enumerate(sorted(gains["release_id"].unique()))}
    incomplete: set[pd.Timestamp] = set()
    for (rid, pkey, metric), part in gains.groupby(
        ["release_id", "platform_key", "metric_type"], sort=True
    ):
        part = part.sort_values("bucket")
        name = "" if pkey == ALL_PLATFORMS else plain(platform_label(pkey))
        if many_metrics:
            name = f"{name} {plain(metric)}".strip()
        if many_releases or not name:
            release_name = plain(release_names.get(rid, f"#{rid}"))
            name = f"{release_name} · {name}" if name else release_name
        if colour_by == "release":
            colour = FALLBACK_COLOURS[release_order[rid] % len(FALLBACK_COLOURS)]
            dash = "solid"
        else:
            colour = platform_colour(pkey)
            dash = dashes[release_order[rid] % len(dashes)]
        values = part[column]
        done = part["complete"].astype(bool) if "complete" in part else pd.Series(True, part.index)
        incomplete.update(part["bucket"][~done])
        earlier = previous_parts.get((rid, pkey, metric))
        before = _previous_values(earlier, part["bucket"], column)
        notes = [
            ("" if ok else " · incomplete")
            + ("" if prev is None else f" (previous period: {fmt(prev)})")
            for ok, prev in zip(done, before, strict=True)
        ]
        traces.append(
            {
                "type": "scatter",
                "x": part["bucket"],
                "y": values,
                "mode": "lines+markers" if len(part) < 60 else "lines",
                "name": name,
                "line": {"color": colour, "dash": dash},
                "marker": {
                    "symbol": ["circle" if ok else "circle-open" for ok in done],
                    "size": 7,
                },
                "customdata": [[fmt(v), note] for v, note in zip(values, notes, strict=True)],
                "hovertemplate": f"{name}: %{{customdata[0]}}%{{customdata[1]}}<extra></extra>",
            }
        )
        if earlier is not None:
            traces.append(_previous_line(earlier, name, column, fmt))
        flagged, amount = _corrections(part, drops_parts.get((rid, pkey, metric)))
        if flagged.any() and not kind.is_score:
            traces.append(
                {
                    "type": "scatter",
                    "x": part["bucket"][flagged],
                    "y": values[flagged],
                    "mode": "markers",
                    "name": f"{name}: correction",
                    "marker": {"symbol": "x", "size": 11, "color": "#d62728"},
                    "customdata": [format_number(v) for v in amount[flagged]],
                    "hovertemplate": "correction: the total dropped by %{customdata}<extra></extra>",
                    "showlegend": False,
                }
            )
    layout = dict(
        **_incomplete_bands(sorted(incomplete), granularity),
        hovermode="x unified",
        yaxis={
            "tickformat": ",",
            "title": {
                "text": plain(axis_title(kind, mode, granularity))
                + (f" ({currency})" if currency else "")
            },
            "rangemode": "normal" if kind.is_score else "tozero",
            "autorange": "reversed" if kind.lower_is_better else True,
        },
        xaxis={
            "title": {"text": f"time ({tz})"},
            "hoverformat": HOVER_DATES.get(granularity, "%Y-%m-%d"),
        },
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        height=420,
    )
    return figure(traces, with_title(layout, title) if title else layout, template)


def _as_amounts(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """Money's gains and totals as amounts of the currency (micro-units / 1,000,000), to draw."""
    if frame is None or frame.empty:
        return frame
    columns = [c for c in ("gain", "total") if c in frame]
    return frame.assign(
        **{c: pd.to_numeric(frame[c]).astype("float64") / MICRO_UNITS for c in columns}
    )


def _money_text(currency: str):
    """The hover text of an amount drawn (back to exact micro-units, shown in the currency)."""

    def text(value) -> str:
        if value is None or pd.isna(value):
            return "–"
        return format_money(round(float(value) * MICRO_UNITS), currency)

    return text


def _by_line(frame: pd.DataFrame | None) -> dict[tuple, pd.DataFrame]:
    """``frame``'s rows per (release, platform, metric), each sorted by bucket: one pass
    instead of a filter of the whole frame per line."""
    if frame is None or frame.empty:
        return {}
    keys = ["release_id", "platform_key", "metric_type"]
    return {key: part.sort_values("bucket") for key, part in frame.groupby(keys, sort=False)}


def _incomplete_bands(buckets: list[pd.Timestamp], granularity: str) -> dict[str, list]:
    """A shaded, dotted-edged band over each run of incomplete buckets, labelled (the
    layout's ``shapes`` and ``annotations``; nothing when every bucket is complete)."""
    step = BUCKET_STEPS.get(granularity, pd.DateOffset(days=1))
    runs: list[list[pd.Timestamp]] = []
    for bucket in buckets:
        if runs and runs[-1][1] == bucket:
            runs[-1][1] = bucket + step
        else:
            runs.append([bucket, bucket + step])
    if not runs:
        return {}
    bands = [vrect(first, last, colour=PREVIOUS_COLOUR, label="incomplete") for first, last in runs]
    return {"shapes": [shape for shape, _ in bands], "annotations": [note for _, note in bands]}


def _previous_values(part: pd.DataFrame | None, buckets: pd.Series, column: str) -> list:
    """The previous period's value at each of this line's buckets (None where it had none)."""
    if part is None:
        return [None] * len(buckets)
    lookup = dict(zip(part["bucket"], part[column], strict=True))
    out = []
    for bucket in buckets:
        value = lookup.get(bucket)
        out.append(None if value is None or pd.isna(value) else value)
    return out


def _previous_line(part: pd.DataFrame, name: str, column: str, fmt) -> dict:
    return {
        "type": "scatter",
        "x": part["bucket"],
        "y": part[column],
        "mode": "lines",
        "name": f"{name} (previous period)",
        "line": {"color": PREVIOUS_COLOUR, "dash": "dot", "width": 1.5},
        "customdata": [fmt(v) for v in part[column]],
        "hovertemplate": f"{name}, previous period: %{{customdata}}<extra></extra>",
    }


def _corrections(part: pd.DataFrame, mine: pd.DataFrame | None) -> tuple[pd.Series, pd.Series]:
    """Which buckets of one line to mark, and by how much the total dropped in each
    (``mine``: this line's rows of ``store.total_drops``)."""
    flagged = part["correction"].astype(bool)
    amount = (-part["gain"].astype("float64")).where(flagged)
    if mine is None or mine.empty:
        return flagged, amount
    fell = (mine["previous_value"] - mine["metric_value"]).groupby(mine["bucket"]).sum()
    hit = part["bucket"].map(fell).astype("float64")
    return flagged | hit.notna(), hit.where(hit.notna(), amount)


def _bar_hover(metric_type: str, what: str) -> str:
    return f"%{{x}}<br>{metric_type} {what}: %{{customdata}}<extra></extra>"


def platform_bars(
    breakdown: pd.DataFrame,
    *,
    metric_type: str | None = None,
    kind: MetricKind | None = None,
    compare: bool = False,
    template: str = "plotly_white",
) -> go.Figure:
    """Gain per platform in the period (``metrics.platform_breakdown``), one colour each; for a
    score, its level per platform (a score has no gain).

    With ``compare`` the previous period's number stands next to each bar, paler, so the change
    per platform reads at a glance.
    """
    kind = kind or metric_kind(metric_type or "")
    if breakdown.empty:
        return empty_figure(template=template)
    label = plain(kind.label())
    now, before = ("total", "previous_total") if kind.is_score else ("gain", "previous_gain")
    what = "level" if kind.is_score else kind.gain_word
    fmt = format_level if kind.is_score else format_number
    labels = [plain(platform_label(p)) for p in breakdown["platform_key"]]
    colours = [platform_colour(p) for p in breakdown["platform_key"]]
    traces = [
        {
            "type": "bar",
            "x": labels,
            "y": breakdown[now],
            "name": "this period",
            "marker": {"color": colours},
            "customdata": [fmt(v) for v in breakdown[now]],
            "hovertemplate": _bar_hover(label, what),
        }
    ]
    if compare and breakdown[before].notna().any():
        traces.append(
            {
                "type": "bar",
                "x": labels,
                "y": breakdown[before],
                "name": "previous period",
                "marker": {"color": PREVIOUS_COLOUR, "pattern": {"shape": "/"}},
                "customdata": [fmt(v) for v in breakdown[before]],
                "hovertemplate": _bar_hover(label, f"{what} (previous period)"),
            }
        )
    return _per_platform_figure(traces, template, label, what, kind, legend=compare)


def platform_share(
    breakdown: pd.DataFrame,
    *,
    metric_type: str | None = None,
    kind: MetricKind | None = None,
    template: str = "plotly_white",
) -> go.Figure:
    """Each platform's share of the period's growth, as a donut.

    A platform whose total dropped (a correction) has no share of the growth; it is left out
    of the donut and named under it, so the slices still add up to what was gained.  A score
    has no share (a level does not add up), which the empty figure says.
    """
    kind = kind or metric_kind(metric_type or "")
    if breakdown.empty:
        return empty_figure(template=template)
    metric_type = plain(kind.metric_type)
    if kind.is_score:
        return empty_figure(f"{metric_type} is a score: it has no share to split", template)
    growing = breakdown[breakdown["gain"] > 0]
    if growing.empty:
        return empty_figure(f"No {metric_type} gained in this period", template)
    donut = {
        "type": "pie",
        "labels": [plain(platform_label(p)) for p in growing["platform_key"]],
        "values": growing["gain"],
        "hole": 0.5,
        "sort": False,
        "marker": {"colors": [platform_colour(p) for p in growing["platform_key"]]},
        "customdata": [format_number(v) for v in growing["gain"]],
        "texttemplate": "%{label}<br>%{percent}",
        "hovertemplate": "%{label}: %{customdata} (%{percent})<extra></extra>",
    }
    shrinking = breakdown[breakdown["gain"] < 0]
    note = ""
    if not shrinking.empty:
        names = ", ".join(plain(platform_label(p)) for p in shrinking["platform_key"])
        note = f"Not shown (total dropped): {names}"
    layout = dict(
        showlegend=False,
        margin={"l": 20, "r": 20, "t": 40, "b": 40},
        height=340,
        annotations=[
            {
                "text": note,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": -0.1,
                "showarrow": False,
                "font": {"size": 11},
            }
        ]
        if note
        else [],
    )
    return figure([donut], with_title(layout, f"Share of {metric_type} gained"), template)


def release_bars(
    breakdown: pd.DataFrame,
    release_names: dict[int, str],
    *,
    kind: MetricKind,
    template: str = "plotly_white",
) -> go.Figure:
    """Several releases side by side per platform (``readout.Summary.breakdown_by_release``):
    one colour per release, as on the time series, never one summed bar."""
    if breakdown.empty:
        return empty_figure(template=template)
    column = "total" if kind.is_score else "gain"
    what = "level" if kind.is_score else kind.gain_word
    fmt = format_level if kind.is_score else format_number
    label = plain(kind.label())
    order = {rid: i for i, rid in enumerate(sorted(breakdown["release_id"].unique()))}
    traces = []
    for rid, part in breakdown.groupby("release_id", sort=True):
        name = plain(release_names.get(rid, f"#{rid}"))
        traces.append(
            {
                "type": "bar",
                "x": [plain(platform_label(p)) for p in part["platform_key"]],
                "y": part[column],
                "name": name,
                "marker": {"color": FALLBACK_COLOURS[order[rid] % len(FALLBACK_COLOURS)]},
                "customdata": [fmt(v) for v in part[column]],
                "hovertemplate": f"{name}<br>%{{x}}: %{{customdata}}<extra></extra>",
            }
        )
    return _per_platform_figure(traces, template, label, what, kind, legend=True)


def release_share(
    breakdown: pd.DataFrame,
    release_names: dict[int, str],
    *,
    kind: MetricKind,
    template: str = "plotly_white",
) -> go.Figure:
    """Each release's share of what the releases gained together (a score has no share)."""
    if breakdown.empty:
        return empty_figure(template=template)
    metric_type = plain(kind.metric_type)
    if kind.is_score:
        return empty_figure(f"{metric_type} is a score: it has no share to split", template)
    gains = breakdown.groupby("release_id", sort=True)["gain"].sum()
    gains = gains[gains > 0]
    if gains.empty:
        return empty_figure(f"No {metric_type} gained in this period", template)
    order = {rid: i for i, rid in enumerate(sorted(breakdown["release_id"].unique()))}
    donut = {
        "type": "pie",
        "labels": [plain(release_names.get(r, f"#{r}")) for r in gains.index],
        "values": list(gains),
        "hole": 0.5,
        "sort": False,
        "marker": {
            "colors": [FALLBACK_COLOURS[order[r] % len(FALLBACK_COLOURS)] for r in gains.index]
        },
        "customdata": [format_number(v) for v in gains],
        "texttemplate": "%{percent}",
        "hovertemplate": "%{label}: %{customdata} (%{percent})<extra></extra>",
    }
    layout = dict(
        showlegend=True,
        legend={"orientation": "h", "y": -0.1},
        margin={"l": 20, "r": 20, "t": 40, "b": 40},
        height=340,
    )
    return figure(
        [donut], with_title(layout, f"Share of {metric_type} gained, by release"), template
    )


def _per_platform_figure(
    traces: list[dict], template: str, label: str, what: str, kind: MetricKind, *, legend: bool
) -> go.Figure:
    """The per-platform bars' frame, one for a release and for several side by side."""
    layout = dict(
        barmode="group",
        showlegend=legend,
        yaxis={
            "tickformat": ",",
            "title": {"text": label if kind.is_score else f"{label} {what}"},
            "autorange": "reversed" if kind.lower_is_better else True,
        },
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        height=340,
    )
    title = f"{label} per platform" if kind.is_score else f"{label} {what} per platform"
    return figure(traces, with_title(layout, title), template)
