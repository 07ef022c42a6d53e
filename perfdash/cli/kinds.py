"""``perfdash metric-kind ...``: how each metric type's numbers are read (counter, audience,
score), and an editor's way to set the kind of a type perfdash does not know."""

from __future__ import annotations

import click

from perfdash import metrics, store
from perfdash.cli.common import database_url_option, db_errors, engine_for, settings_for
from perfdash.vocab import KNOWN_METRIC_KINDS, METRIC_KINDS


@click.group("metric-kind")
def metric_kind() -> None:
    """Metric kinds: counter (grows), audience (moves both ways), score (a level)."""


@metric_kind.command("set")
@click.argument("metric_type")
@click.argument("kind", type=click.Choice(METRIC_KINDS))
@click.option(
    "--lower-is-better", is_flag=True, help="For a score: a smaller number is better (a rank)."
)
@database_url_option
def set_kind(metric_type: str, kind: str, lower_is_better: bool, database_url: str | None) -> None:
    """Set METRIC_TYPE's kind, e.g. perfdash metric-kind set chart_spot score --lower-is-better."""
    if lower_is_better and kind != "score":
        raise click.UsageError("--lower-is-better is for a score only")
    engine = engine_for(settings_for(database_url))
    with db_errors():
        row = store.set_metric_kind(
            engine, metric_type, kind, lower_is_better=lower_is_better, updated_by="cli"
        )
    shown = metrics.metric_kind(row["metric_type"], {row["metric_type"]: (kind, lower_is_better)})
    click.echo(f"{shown.metric_type}: {kind}{', lower is better' if shown.lower_is_better else ''}")


@metric_kind.command("clear")
@click.argument("metric_type")
@database_url_option
def clear_kind(metric_type: str, database_url: str | None) -> None:
    """Forget the kind set for METRIC_TYPE (it reads as perfdash knows it, or as a counter)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        if not store.clear_metric_kind(engine, metric_type):
            raise click.ClickException(f"No kind was set for {metric_type!r}")
    click.echo(f"{metric_type}: {metrics.metric_kind(metric_type).kind} (perfdash's default)")


@metric_kind.command("list")
@database_url_option
def list_kinds(database_url: str | None) -> None:
    """Every metric type recorded or set, its kind and where the kind comes from."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        overrides = store.metric_kind_overrides(engine)
        types = sorted(set(store.list_metric_types(engine)) | set(overrides))
    for name in types:
        kind = metrics.metric_kind(name, overrides)
        origin = (
            "set" if name in overrides else "known" if name in KNOWN_METRIC_KINDS else "default"
        )
        lower = "\tlower is better" if kind.lower_is_better else ""
        click.echo(f"{name}\t{kind.kind}\t{origin}{lower}")
