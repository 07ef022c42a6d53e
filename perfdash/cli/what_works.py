"""``perfdash insights prompts``: What works from the command line, the very terms the page and
``GET /api/v1/insights/prompts`` give (``perfdash.what_works.answer``), as a table, CSV (the
API's CSV) or JSON (the API's JSON object)."""

from __future__ import annotations

import json

import click

from perfdash import metrics, store, what_works
from perfdash.cli.common import database_url_option, db_errors, engine_for, settings_for


@click.group()
def insights() -> None:
    """What the catalog's numbers say: which prompt terms go with stronger launches."""


def _table(found: dict, terms: list[dict]) -> str:
    """The page's table as text: its rows unrounded, shown as the page shows them."""
    pct = what_works.percent
    if not terms:
        least = found["min_releases"]
        return (
            f"Nothing to show yet: {found['releases']} releases have {found['metric']} from "
            f"launch to day {found['day']}, and a term needs at least {least} releases with it "
            f"and {least} without."
        )
    width = max(len("term"), *(len(t["term"]) for t in terms))
    lines = [f"{'term':<{width}}  {'n':>4}  {'effect':>8}  95 % interval"]
    for t in terms:
        lines.append(
            f"{t['term']:<{width}}  {t['n']:>4}  {pct(t['effect']):>8}  "
            f"{pct(t['ci_low'])} to {pct(t['ci_high'])}"
        )
    median = metrics.format_number(found["median"]) if found["median"] is not None else "-"
    lines.append(
        f"{found['releases']} releases, compared by their {found['metric']} total "
        f"{found['day']} days after launch (median {median}). {found['caveat']}"
    )
    return "\n".join(lines)


@insights.command("prompts")
@click.option("--metric", help="The metric launches are compared by (default: views, streams).")
@click.option(
    "--day",
    type=click.Choice([str(d) for d in what_works.DAYS]),
    default=str(what_works.DAYS[0]),
    show_default=True,
    help="Days after launch.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="csv and json are the API's answers.",
)
@database_url_option
def prompts(metric: str | None, day: str, fmt: str, database_url: str | None) -> None:
    """Prompt terms and generation attributes that go with launches above or below the
    catalog's median, each with its releases, effect and bootstrap interval (association, not
    cause)."""
    settings = settings_for(database_url)
    engine = engine_for(settings)
    if metric is not None and len(metric) > store.MAX_METRIC_TYPE:
        raise click.BadParameter(
            f"longer than {store.MAX_METRIC_TYPE} characters", param_hint="--metric"
        )
    with db_errors(), store.transaction(engine) as conn:
        try:
            chosen, read = what_works.read(conn, metric or None, int(day), settings.tz)
        except what_works.MetricProblem as exc:
            raise click.BadParameter(str(exc), param_hint="--metric") from None
    found = what_works.answer_of(chosen, read, int(day))
    if fmt == "json":
        click.echo(json.dumps(found))
    elif fmt == "csv":
        click.echo(what_works.csv_text(found["terms"]), nl=False)
    else:
        click.echo(_table(found, what_works.rows_of(read, places=None)))
