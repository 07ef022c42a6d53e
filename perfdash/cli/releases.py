"""``perfdash release archive|restore|delete|tag KEY``: take a release out of sight, bring it
back, delete it with its readings (after saying how many go), or set its tags."""

from __future__ import annotations

import click

from perfdash import store
from perfdash.cli.common import database_url_option, db_errors, engine_for, settings_for
from perfdash.ingest.tags import tag_release


@click.group("release")
def release() -> None:
    """Archive, restore, delete or tag a release by its key."""


def _find(engine, key: str) -> dict:
    found = store.get_release_by_key(engine, key)
    if found is None:
        raise click.ClickException(f"No release with key {key!r}")
    return found


@release.command("archive")
@click.argument("key")
@database_url_option
def archive(key: str, database_url: str | None) -> None:
    """Hide KEY from pickers and the leaderboard; it keeps every reading."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        found = _find(engine, key)
        store.set_release_archived(engine, found["id"], True)
    click.echo(f"Archived {key}: kept with its readings, hidden from pickers and the leaderboard.")


@release.command("restore")
@click.argument("key")
@database_url_option
def restore(key: str, database_url: str | None) -> None:
    """Bring an archived KEY back into pickers and the leaderboard."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        found = _find(engine, key)
        store.set_release_archived(engine, found["id"], False)
    click.echo(f"Restored {key}.")


@release.command("delete")
@click.argument("key")
@click.option("--yes", is_flag=True, help="Do not ask; delete at once.")
@database_url_option
def delete(key: str, yes: bool, database_url: str | None) -> None:
    """Delete KEY and every reading of it (asks first, naming how many readings go)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        found = _find(engine, key)
        readings = store.count_metrics(engine, found["id"])
        question = f"Delete {key} and its {readings:,} reading(s)? This cannot be undone"
        if not yes and not click.confirm(question, default=False):
            raise click.ClickException("Nothing was deleted.")
        store.delete_release(engine, found["id"])
    click.echo(f"Deleted {key} and its {readings:,} reading(s).")


@release.command("tag")
@click.argument("key")
@click.argument("tags", nargs=-1)
@click.option("--remove", "mode", flag_value="remove", help="Take these tags off.")
@click.option("--set", "mode", flag_value="set", help="Make these the only tags (none: clear).")
@click.option("--add", "mode", flag_value="add", default=True, help="Add these tags (default).")
@database_url_option
def tag(key: str, tags: tuple[str, ...], mode: str, database_url: str | None) -> None:
    """Tag KEY (campaigns, moods, series: summer-campaign lofi), or with no TAGS list its tags.

    Tags are normalised (lower case, spaces made hyphens); a refused tag changes nothing.
    """
    engine = engine_for(settings_for(database_url))
    with db_errors():
        found = _find(engine, key)
        if not tags and mode != "set":
            now = store.release_tags_of(engine, [found["id"]]).get(found["id"], [])
            click.echo(f"{key}: {', '.join(now)}" if now else f"{key} has no tags.")
            return
        changed = tag_release(engine, found["id"], list(tags), mode=mode)
    if not changed.ok:
        raise click.ClickException(f"Nothing was changed: {changed.error}")
    shown = ", ".join(changed.tags) if changed.tags else "no tags"
    click.echo(f"{key}: {shown}.")
