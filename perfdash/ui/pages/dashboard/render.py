"""What the dashboard's callbacks show: KPI cards, the leaderboard table, the records' rows and
the messages that stand in for a chart with nothing to draw.  Components from data already
read; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from perfdash import metrics, store
from perfdash.ui.components import kpi_grid
from perfdash.ui.pages.dashboard.state import ViewState, describe_period, release_link

TABLE_COLUMNS = [
    ("recorded_at", "Recorded at"),
    ("release", "Release"),
    ("platform", "Platform"),
    ("metric_type", "Metric"),
    ("metric_value", "Value"),
    ("value_kind", "Kind"),
    ("country", "Country"),
    ("currency", "Currency"),
    ("source", "Source"),
    ("notes", "Notes"),
]


def platform_options(keys: list[str]) -> list[dict]:
    return [{"label": metrics.platform_label(k), "value": k} for k in keys]


EXPORT_KIND_COLUMNS = ("metric_kind", "lower_is_better")  # in the Export, not the table


def table_rows(
    frame: pd.DataFrame, tz: str, overrides: dict[str, tuple[str, bool]] | None = None
) -> list[dict]:
    """The shown page's rows, each with how its metric reads (for the Export)."""
    if frame.empty:
        return []
    shown = frame.assign(
        recorded_at=frame["recorded_at"].dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M")
    )
    shown["metric_value"] = shown["metric_value"].astype("int64")
    records = shown[[c for c, _ in TABLE_COLUMNS]].astype(object).to_dict("records")
    for rec in records:
        for key, value in rec.items():
            if value is None or (isinstance(value, float) and pd.isna(value)):
                rec[key] = None
            elif key == "metric_value":
                rec[key] = int(value)
        kind = metrics.metric_kind(str(rec.get("metric_type") or ""), overrides)
        rec["metric_kind"] = kind.kind
        rec["lower_is_better"] = "true" if kind.lower_is_better else "false"
    return records


def no_metrics(names: Mapping[int, str]) -> dbc.Alert:
    return dbc.Alert(
        [
            f"{', '.join(names.values())} has no metrics yet. Record one on the ",
            html.A("Data entry", href="/entry"),
            " tab or import a CSV.",
        ],
        color="info",
        id="dash-no-metrics",
    )


def no_match(state: ViewState, period: metrics.Period, tz: str) -> dbc.Alert:
    where = ", ".join(metrics.platform_label(p) for p in state.platforms) or "any platform"
    return dbc.Alert(
        f"No {state.metric} readings on {where} from "
        f"{describe_period(period, tz)}. Try a longer period (All time) or clear "
        "the platform filter.",
        color="warning",
        id="dash-no-match",
    )


def kpi_section(
    kpis: list[metrics.Kpi],
    has_previous: bool,
    freshness: dict[str, metrics.Freshness] | str,
    rates: Mapping[str, metrics.StreamRate | None] | None = None,
) -> html.Div | None:
    """The KPI cards, each stating how fresh its own numbers are (or the setting's error);
    money cards (one per currency) with the per-stream rate where streams exist too."""
    if not kpis:
        return None
    return html.Div(
        [
            kpi_cards(kpis, has_previous, freshness if isinstance(freshness, dict) else {}, rates),
            html.Div(freshness, className="kpi-config-error small text-danger")
            if isinstance(freshness, str)
            else None,
        ]
    )


def kpi_cards(
    kpis: list[metrics.Kpi],
    has_previous: bool,
    freshness: Mapping[str, metrics.Freshness] | None = None,
    rates: Mapping[str, metrics.StreamRate | None] | None = None,
) -> html.Div:
    """One card per metric (money: per currency): gain in the period, total at its end, change vs previous, and
    how fresh its own numbers are (newest reading, source, time zone; a stale badge when a
    release's newest number is older than its collection schedule allows)."""
    cards = []
    freshness = freshness or {}
    for kpi in kpis:
        change = metrics.change_text(kpi) if has_previous else "all time: nothing to compare"
        label = kpi.metric_kind.label() + (f" ({kpi.currency})" if kpi.currency else "")
        body = [
            html.Div(label, className="kpi-metric text-uppercase small text-muted"),
            *_kpi_numbers(kpi),
            html.Div(change, className=f"kpi-change small {_change_colour(kpi, has_previous)}"),
        ]
        rate = (rates or {}).get(kpi.currency) if kpi.currency else None
        if rate is not None:
            body.append(
                html.Div(
                    [
                        "Per stream ",
                        html.Span(
                            metrics.format_money(
                                round(rate.micro_per_stream), kpi.currency, decimals=6
                            ),
                            className="kpi-rate-value",
                        ),
                        f" over {rate.streams:,} streams",
                    ],
                    className="kpi-rate small",
                    title="Earnings ÷ streams of the rows that carry both: the same release,"
                    " platform, country and day",
                )
            )
        if kpi.corrections:
            body.append(
                dbc.Badge(
                    f"{kpi.corrections} correction{'s' if kpi.corrections > 1 else ''}",
                    color="warning",
                    className="kpi-corrections mt-1",
                    title="A platform lowered a total in this period; the drop is counted.",
                )
            )
        fresh = freshness.get(kpi.metric_type)
        if fresh is not None:
            body.append(
                html.Div(
                    fresh.short_text(),
                    className="kpi-freshness small text-muted mt-1",
                    title=fresh.text(),
                )
            )
            if fresh.stale:
                body.append(
                    dbc.Badge("stale", color="danger", className="kpi-stale", title=fresh.text())
                )
        cards.append(
            html.Div(
                dbc.Card(dbc.CardBody(body), className="h-100"),
                className="kpi",
                **{"data-metric": kpi.metric_type},
                **({"data-currency": kpi.currency} if kpi.currency else {}),
            )
        )
    return kpi_grid(cards)


def kpi_rows(
    per_release: Mapping[int, list[metrics.Kpi]],
    names: Mapping[int, str],
    has_previous: bool,
    first: str | None = None,
) -> html.Div | None:
    """Several releases: one compact row per release, one column per metric, each cell its
    own gain (or level) and change: never a sum the releases did not make together."""
    if not any(per_release.values()):
        return None
    seen = {k.metric_type: k for kpis in per_release.values() for k in kpis}
    columns = [k.metric_type for k in metrics.order_kpis(list(seen.values()), first)]
    head = html.Thead(
        html.Tr(
            [html.Th("Release")]
            + [html.Th(seen[m].metric_kind.label(), className="text-end") for m in columns]
        )
    )
    rows = []
    for release_id, kpis in per_release.items():
        mine = {k.metric_type: k for k in kpis}
        cells = [html.Td(names.get(release_id, f"#{release_id}"), className="kpi-release")]
        for metric in columns:
            kpi = mine.get(metric)
            if kpi is None:
                cells.append(html.Td("–", className="text-end text-muted"))
                continue
            main = (
                metrics.format_level(kpi.total)
                if kpi.kind == "score"
                else metrics.format_gain(kpi.gain)
            )
            change = metrics.change_text(kpi) if has_previous else ""
            cells.append(
                html.Td(
                    [
                        html.Div(main, className="kpi-cell-main fw-bold"),
                        html.Div(change, className=f"small {_change_colour(kpi, has_previous)}"),
                    ],
                    className="kpi-cell text-end",
                    **{"data-metric": metric},
                )
            )
        rows.append(html.Tr(cells, **{"data-release": str(release_id)}))
    note = html.Div(
        "Each release on its own: gains (a score's level) in the period, change vs the previous "
        "period.",
        className="small text-muted",
    )
    table = dbc.Table([head, html.Tbody(rows)], size="sm", id="dash-kpi-rows", responsive=True)
    return html.Div([table, note])


def _kpi_numbers(kpi: metrics.Kpi) -> list:
    """A counter's or audience's gain and total; a score's level at the end of the period."""
    if kpi.kind == "score":
        return [
            html.H3(metrics.format_level(kpi.total), className="kpi-level kpi-total mb-0"),
            html.Div("level at the end of the period", className="small text-muted"),
        ]
    gained = "gained in the period" if kpi.kind == "counter" else "net change in the period"
    if kpi.currency:  # money: in its currency, exact micro-units rounded to its minor units
        gain = None if kpi.gain is None else metrics.format_money(kpi.gain, kpi.currency)
        total = metrics.format_money(kpi.total, kpi.currency)
        return [
            html.H3(gain or "–", className="kpi-gain mb-0"),
            html.Div("earned in the period", className="small text-muted"),
            html.Div(["Total ", html.Span(total, className="kpi-total")], className="small"),
        ]
    return [
        html.H3(metrics.format_gain(kpi.gain), className="kpi-gain mb-0"),
        html.Div(gained, className="small text-muted"),
        html.Div(
            ["Total ", html.Span(metrics.format_number(kpi.total), className="kpi-total")],
            className="small",
        ),
    ]


def _change_colour(kpi: metrics.Kpi, has_previous: bool) -> str:
    if kpi.change is None or not has_previous:
        return "text-muted"
    if kpi.kind == "score":
        return {True: "text-success", False: "text-danger"}.get(
            kpi.metric_kind.better(kpi.change), "text-muted"
        )
    return "text-success" if kpi.change >= 0 else "text-danger"


def _trend(kind: metrics.MetricKind, now: float, before: float | None) -> tuple[str, str]:
    """The trend arrow and its colour: for a score the arrow follows the level and the colour
    says whether that was good (a rank going down is green)."""
    arrow = metrics.trend_arrow(now, before)
    if not kind.is_score:
        return arrow, {"▲": "text-success", "▼": "text-danger"}.get(arrow, "text-muted")
    judged = kind.better(None if before is None or pd.isna(before) else now - before)
    return arrow, {True: "text-success", False: "text-danger"}.get(judged, "text-muted")


def leaderboard_table(
    board: pd.DataFrame,
    previous: dict[int, float],
    kind: metrics.MetricKind,
    state: ViewState,
    currency: str | None = None,
) -> html.Div:
    """Rank, release (a link to its view), gain, total and trend vs the previous period; for a
    score, its level and its level at the end of the previous period; money in ``currency``."""
    metric = kind.metric_type
    if board.empty:
        return dbc.Alert(
            f"No release has {metric} readings in this period. Try a longer period.",
            color="secondary",
            id="dash-leaderboard-empty",
        )
    rows = []
    for rank, r in enumerate(board.itertuples(), start=1):
        prev = previous.get(int(r.release_id))
        now = r.total if kind.is_score else r.gain
        arrow, colour = _trend(kind, now, prev)
        fmt = metrics.format_level if kind.is_score else metrics.format_number
        title = "vs previous period: " + (fmt(prev) if prev is not None else "–")
        numbers = (
            [
                html.Td(fmt(r.total), className="lb-level text-end"),
                html.Td(fmt(prev), className="text-end"),
            ]
            if kind.is_score
            else [
                html.Td(_signed(r.gain, currency), className="lb-gain text-end"),
                html.Td(
                    metrics.format_money(r.total, currency) if currency else f"{r.total:,}",
                    className="text-end",
                ),
            ]
        )
        rows.append(
            html.Tr(
                [
                    html.Td(rank),
                    html.Td(
                        dcc.Link(
                            store.release_label(
                                {
                                    "title": r.title,
                                    "release_id": r.release_key,
                                    "artist_name": r.artist_name,
                                }
                            ),
                            href="/dashboard" + release_link(state, int(r.release_id)),
                            className="lb-link",
                        )
                    ),
                    *numbers,
                    html.Td(arrow, className=f"lb-trend {colour}", title=title),
                ],
                **{"data-release": str(int(r.release_id))},
            )
        )
    return dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th("#"),
                        html.Th("Release"),
                        *(
                            [
                                html.Th(kind.label(), className="text-end"),
                                html.Th("Previous period", className="text-end"),
                            ]
                            if kind.is_score
                            else [
                                html.Th(f"{metric} {kind.gain_word}", className="text-end"),
                                html.Th("Total", className="text-end"),
                            ]
                        ),
                        html.Th("Trend"),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        hover=True,
        size="sm",
        id="dash-leaderboard-table",
    )


def no_leaderboard() -> dbc.Alert:
    return dbc.Alert("No metrics recorded yet.", color="secondary")


def leaderboard_view(
    board: pd.DataFrame,
    previous: dict[int, float],
    state: ViewState,
    kind: metrics.MetricKind,
    period: metrics.Period,
    tz: str,
    size: int,
    currency: str | None = None,
) -> html.Div:
    where = ", ".join(metrics.platform_label(p) for p in state.platforms) or "all platforms"
    if kind.is_score:
        best = "lowest" if kind.lower_is_better else "highest"
        by = f"{kind.metric_type} level ({best} first, the mean over platforms)"
    else:
        by = f"{kind.metric_type} {kind.gain_word}" + (f" in {currency}" if currency else "")
    return html.Div(
        [
            html.P(
                f"Top {size} releases{f' tagged {state.tag}' if state.tag else ''} by {by} "
                f"on {where}, "
                f"{describe_period(period, tz)} ({tz}); trend vs the previous period.",
                className="text-muted small",
                id="dash-leaderboard-note",
            ),
            leaderboard_table(board, previous, kind, state, currency),
        ]
    )


def _signed(value: int, currency: str | None) -> str:
    """A gain with its sign: "+1,234", or money in its currency ("+$4.12")."""
    if not currency:
        return f"{value:+,}"
    return ("-" if value < 0 else "+") + metrics.format_money(abs(int(value)), currency)
