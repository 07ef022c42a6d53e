"""``perfdash annotate ...`` (dated notes) and ``perfdash alerts`` (spike and goal alerts)."""

from __future__ import annotations

import json
import sys
from zoneinfo import ZoneInfo

import click

from perfdash import alerts as alerting
from perfdash import store
from perfdash.cli.common import database_url_option, db_errors, engine_for, settings_for
from perfdash.goals import goal_alerts
from perfdash.ingest.annotations import add_annotation


@click.group(invoke_without_command=True)
@click.option("--release", "release", help="Release key or id; omit for a note on the catalog.")
@click.option("--date", "when", help="Day (YYYY-MM-DD, in PERFDASH_TZ) or ISO 8601 time.")
@click.option("--text", help="What happened, e.g. 'playlist add'.")
@database_url_option
@click.pass_context
def annotate(
    ctx: click.Context,
    release: str | None,
    when: str | None,
    text: str | None,
    database_url: str | None,
) -> None:
    """Add a dated note: perfdash annotate --release KEY --date 2026-03-01 --text "..."."""
    if ctx.invoked_subcommand is not None:
        return
    if not when or not text:
        raise click.UsageError("give --date and --text (or run `perfdash annotate list`)")
    settings = settings_for(database_url)
    engine = engine_for(settings)
    with db_errors():
        new_id, errors = add_annotation(
            engine, release, when, text, tz=settings.tz, created_by="cli"
        )
    if errors:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in errors.items()))
    click.echo(f"Added annotation #{new_id} ({'release ' + release if release else 'catalog'}).")


@annotate.command("list")
@click.option("--release", help="Only this release's notes (plus catalog-wide ones).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@database_url_option
def annotate_list(release: str | None, as_json: bool, database_url: str | None) -> None:
    """List annotations, oldest first."""
    settings = settings_for(database_url)
    engine = engine_for(settings)
    with db_errors():
        ids = None
        if release:
            found = store.get_release_by_key(engine, release)
            if found is None and release.isdigit():
                found = store.get_release(engine, int(release))
            if found is None:
                raise click.ClickException(f"No release with key {release!r}")
            ids = [found["id"]]
        rows = store.list_annotations(engine, ids)
    for r in rows:
        local = r["at"].astimezone(ZoneInfo(settings.tz))
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "id": r["id"],
                        "release": r["release_key"],
                        "at": r["at"].isoformat(),
                        "text": r["text"],
                    }
                )
            )
        else:
            click.echo(
                f"#{r['id']}\t{local:%Y-%m-%d %H:%M}\t{r['release_key'] or '(catalog)'}\t{r['text']}"
            )


@annotate.command("delete")
@click.argument("annotation_id", type=int)
@database_url_option
def annotate_delete(annotation_id: int, database_url: str | None) -> None:
    """Delete one annotation by its number."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        done = store.delete_annotation(engine, annotation_id)
    if not done:
        raise click.ClickException(f"No annotation #{annotation_id}")
    click.echo(f"Deleted annotation #{annotation_id}.")


@click.command()
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="First day to report (default: 30 days ago)."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per alert.")
@click.option(
    "--notify", is_flag=True, help="Post alerts not sent before to $PERFDASH_ALERT_WEBHOOK."
)
@click.option("--webhook", help="Webhook URL for --notify (default: $PERFDASH_ALERT_WEBHOOK).")
@database_url_option
def alerts(
    since, as_json: bool, notify: bool, webhook: str | None, database_url: str | None
) -> None:
    """Spike alerts (days whose gain is far above the release's recent baseline) and goals
    reached or fallen off track; --notify posts each one once."""
    settings = settings_for(database_url)
    engine = engine_for(settings)
    webhook = webhook or settings.alert_webhook
    if notify and not webhook:
        raise click.ClickException(
            "--notify needs a webhook: set PERFDASH_ALERT_WEBHOOK or pass --webhook"
        )
    first_day = since.date() if since else alerting.default_since()
    with db_errors():
        found = alerting.build_alerts(
            engine, since=first_day, tz=settings.tz, rule=settings.spike_rule
        )
        found = [*found, *goal_alerts(engine, settings.tz)]
    base_url = settings.public_url
    for alert in found:
        if as_json:
            click.echo(json.dumps(alert.to_dict()))
        else:
            click.echo(alert.text(base_url))
    if not found and not as_json:
        click.echo(f"No spikes since {first_day:%Y-%m-%d}.", err=True)
    if notify:
        with db_errors():
            report = alerting.deliver(engine, found, webhook, base_url=base_url)
        click.echo(
            f"Notified {len(report.sent)} new alert(s); {len(report.already_sent)} sent before; "
            f"{len(report.failed)} failed.",
            err=True,
        )
        if report.failed:
            for key, why in report.failed.items():
                click.echo(f"  {key}: {why}", err=True)
            sys.exit(1)
