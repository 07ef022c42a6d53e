"""``perfdash goal add | list | remove``: targets per release, artist or tag, with their
progress and projected day; set through ``ingest.goals``, the rules the dashboard and the API
use."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from perfdash import goals, store
from perfdash.cli.common import database_url_option, db_errors, engine_for, settings_for
from perfdash.ingest.goals import save_goal


@click.group()
def goal() -> None:
    """Goals: '1,000,000 views by 2027-03-01', '100,000 streams in the first 28 days'."""


@goal.command("add")
@click.option("--release", help="Release key or id.")
@click.option("--artist", help="Artist, exactly as the releases credit it.")
@click.option("--tag", help="Tag (campaign, mood, series) the releases carry.")
@click.option("--metric", required=True, help="views, streams, ... (not a score)")
@click.option("--target", required=True, help="The number to reach, e.g. 1,000,000.")
@click.option("--by", "by", help="Day to reach it by (YYYY-MM-DD).")
@click.option(
    "--first-days", help="Or: days after launch to reach it in (an artist's or tag's: each launch)."
)
@database_url_option
def goal_add(release, artist, tag, metric, target, by, first_days, database_url) -> None:
    """Set a goal for a release, an artist or a tag."""
    settings = settings_for(database_url)
    engine = engine_for(settings)
    fields = {"release": release, "artist": artist, "tag": tag, "metric": metric}
    fields["target"] = target
    fields |= {"by": by, "first_days": first_days}
    today = datetime.now(ZoneInfo(settings.tz)).date()
    with db_errors(), store.transaction(engine) as conn:
        saved = save_goal(
            conn, {k: v for k, v in fields.items() if v is not None}, today=today, created_by="cli"
        )
    if not saved.ok:
        raise click.ClickException(saved.message)
    click.echo(saved.message)


@goal.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per goal.")
@database_url_option
def goal_list(as_json: bool, database_url: str | None) -> None:
    """Every goal with its progress and the projected day of reaching it."""
    settings = settings_for(database_url)
    engine = engine_for(settings)
    with db_errors(), store.transaction(engine) as conn:
        found = goals.views(conn, settings.tz)
    for v in found:
        if as_json:
            p = v.progress
            click.echo(
                json.dumps(
                    {
                        "id": v.goal["id"],
                        "goal": f"{v.subject}: {v.what}",
                        "status": p.status,
                        "current": round(p.current),
                        "projected": p.likely.isoformat() if p.likely else None,
                        "launches": [
                            {"release": x.label, "status": x.progress.status} for x in v.launches
                        ],
                    }
                )
            )
        else:
            click.echo(f"#{v.goal['id']}\t{v.text()}")
    if not found and not as_json:
        click.echo("No goals yet: perfdash goal add --release KEY --metric views ...", err=True)


@goal.command("remove")
@click.argument("goal_id", type=int)
@database_url_option
def goal_remove(goal_id: int, database_url: str | None) -> None:
    """Remove one goal by its number."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        done = store.delete_goal(engine, goal_id)
    if not done:
        raise click.ClickException(f"No goal #{goal_id}")
    click.echo(f"Removed goal #{goal_id}.")
