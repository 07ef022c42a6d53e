"""How fresh the numbers are, in words: under a chart, on each KPI card, for the whole catalog.

Every text is judged the same way: a release's newest number against that release's own
collection schedule (``alerts.release_stale_hours``), with the one staleness rule of the
settings (``Settings.stale_rule``, checked at start-up).
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html
from sqlalchemy import Connection, Engine

from perfdash import alerts, metrics, store
from perfdash.ui import context

Bind = Engine | Connection
STALE_LISTED = 20  # stale releases named on /alerts; the count says how many there are


def stale_rule() -> metrics.StaleRule:
    """The staleness rule of every freshness text in the UI."""
    return context.settings().stale_rule


Schedules = tuple[metrics.StaleRule, dict[int, float]]


def schedules(bind: Bind, release_ids: Sequence[int] | None) -> Schedules:
    """The rule and, per release, the hours after which its newest number is stale: read
    once by a view whose chart note and KPI cards both judge the same releases."""
    rule = stale_rule()
    return rule, alerts.release_stale_hours(bind, release_ids, rule)


def chart_note(
    bind: Bind, release_ids: Sequence[int], tz: str, known: Schedules | None = None
) -> str:
    """One line for a chart: newest number, source, time zone, and whether any release is
    older than its own collection schedule allows (``known``: the view's ``schedules``)."""
    ids = list(release_ids)
    rule, hours = known or schedules(bind, ids)
    newest = store.release_freshness(bind, ids)
    return metrics.combined_freshness(newest, hours, tz, fallback_hours=rule.fallback_hours).text()


def by_metric(
    bind: Bind,
    release_ids: Sequence[int],
    platforms: Sequence[str] | None,
    tz: str,
    known: Schedules | None = None,
) -> dict[str, metrics.Freshness] | str:
    """Per metric type, how fresh a KPI card's numbers are (or the configuration error);
    ``known``: the view's ``schedules`` of the same releases."""
    ids = list(release_ids)
    rule, hours = known or schedules(bind, ids)
    newest = store.metric_freshness(bind, ids, platforms=platforms)
    return metrics.freshness_by_metric(newest, hours, tz, fallback_hours=rule.fallback_hours)


def catalog(bind: Bind, tz: str) -> html.Div | dbc.Alert:
    """The /alerts freshness summary: every release judged against its own schedule."""
    rule, hours = schedules(bind, None)
    newest = store.release_freshness(bind)
    if newest.empty:
        return html.Div("No numbers recorded yet.", id="freshness-summary")
    summary = metrics.combined_freshness(
        newest.sort_values("newest_at").tail(1), hours, tz, fallback_hours=rule.fallback_hours
    )
    stale = [
        html.Li(text, className="freshness-stale")
        for text in alerts.stale_release_texts(bind, tz, rule)
    ]
    return html.Div(
        [
            html.P(f"Catalog: {summary.text()}"),
            html.P(
                f"{len(stale)} of {len(newest)} releases are stale."
                if stale
                else "Every release has a number as recent as its collection schedule."
            ),
            html.Ul(stale[:STALE_LISTED], className="small text-muted") if stale else None,
            html.P(_rule_text(rule), className="small text-muted"),
        ],
        id="freshness-summary",
    )


def _rule_text(rule: metrics.StaleRule) -> str:
    return (
        f"A release is stale when its newest number is older than {rule.factor:g}× its usual "
        f"interval between readings (at least {rule.floor_hours:g} hour); releases with fewer "
        f"than {rule.min_runs} readings: {rule.fallback_hours:g} hours (PERFDASH_STALE_HOURS)."
    )
