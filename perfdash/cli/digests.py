"""``perfdash digest``: the catalog's report for a day or a week, and who gets it."""

from __future__ import annotations

from datetime import datetime

import click

from perfdash import digests, store
from perfdash.cli.common import database_url_option, db_errors, engine_for, settings_for
from perfdash.digests.render import text_body
from perfdash.ingest.digests import SubscriptionError, masked, subscribe
from perfdash.vocab import DIGEST_PERIODS


@click.group(invoke_without_command=True)
@click.option(
    "--period", "name", type=click.Choice(DIGEST_PERIODS), default="week", show_default=True
)
@click.option("--dry-run", is_flag=True, help="Say who would get it; send nothing.")
@click.option("--send", is_flag=True, help="Send it to every subscriber who has not had it.")
@click.option(
    "--now", "now", help="As of this ISO 8601 time (default: now), e.g. to resend a week."
)
@database_url_option
@click.pass_context
def digest(
    ctx: click.Context,
    name: str,
    dry_run: bool,
    send: bool,
    now: str | None,
    database_url: str | None,
) -> None:
    """Print the last day's or week's digest; --dry-run lists its subscribers, --send sends it."""
    if ctx.invoked_subcommand is not None:
        return
    if dry_run and send:
        raise click.UsageError("give --dry-run or --send, not both")
    at = _moment(now)
    settings = settings_for(database_url)
    engine = engine_for(settings)
    with db_errors():
        if not (dry_run or send):
            with store.transaction(engine) as conn:
                found = digests.build_digest(
                    conn,
                    name,
                    tz=settings.tz,
                    spike_rule=settings.spike_rule,
                    stale_rule=settings.stale_rule,
                    now=at,
                )
            click.echo(text_body(found, settings.public_url), nl=False)
            return
        report = digests.send_digests(engine, settings, name, now=at, dry_run=dry_run)
    for line in report.previews:
        click.echo(f"would send to {line}")
    for line in report.sent:
        click.echo(f"sent to {line}")
    for line in report.already_sent:
        click.echo(f"sent before: {line}")
    for line in report.failed:
        click.echo(f"failed: {line}", err=True)
    click.echo(report.line())
    if report.failed:
        raise SystemExit(1)


def _moment(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise click.BadParameter(
            "an ISO 8601 time with its offset, e.g. 2026-11-30T08:00+00:00", param_hint="--now"
        ) from None
    if at.tzinfo is None:
        raise click.BadParameter(
            "give the time's offset, e.g. 2026-11-30T08:00+00:00", param_hint="--now"
        )
    return at


@digest.command("subscribe")
@click.argument("username")
@click.option("--email", help="Send it to this address (PERFDASH_SMTP_URL must be set).")
@click.option("--slack", help="Post it to this Slack incoming webhook URL.")
@click.option(
    "--period", "name", type=click.Choice(DIGEST_PERIODS), default="week", show_default=True
)
@database_url_option
def digest_subscribe(
    username: str, email: str | None, slack: str | None, name: str, database_url: str | None
) -> None:
    """Subscribe a user: perfdash digest subscribe NAME --email a@b.c [--period day]."""
    if bool(email) == bool(slack):
        raise click.UsageError("give --email ADDRESS or --slack URL (one of them)")
    engine = engine_for(settings_for(database_url))
    with db_errors():
        user = store.get_user(engine, username)
        if user is None:
            raise click.ClickException(f"No user named {username!r} (see perfdash user list)")
        channel, target = ("email", email) if email else ("slack", slack)
        try:
            new_id = subscribe(engine, user["id"], channel, target, name)
        except SubscriptionError as exc:
            raise click.ClickException(f"{'--' + channel}: {exc.message}") from None
    click.echo(f"Subscribed {username} to the {name} digest by {channel} (#{new_id}).")


@digest.command("list")
@click.option("--user", "username", help="Only this user's subscriptions.")
@database_url_option
def digest_list(username: str | None, database_url: str | None) -> None:
    """Every subscription (Slack webhooks shown without their secret part)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        user_id = None
        if username:
            user = store.get_user(engine, username)
            if user is None:
                raise click.ClickException(f"No user named {username!r}")
            user_id = user["id"]
        rows = store.list_digest_subscriptions(engine, user_id=user_id)
    if not rows:
        click.echo("No digest subscriptions yet: perfdash digest subscribe NAME --email ADDRESS")
        return
    for r in rows:
        shown = masked(r["channel"], r["target"])
        click.echo(f"#{r['id']}  {r['username']}  {r['period']}  {r['channel']}  {shown}")


@digest.command("unsubscribe")
@click.argument("subscription_id", type=click.IntRange(1, 2**31 - 1))
@database_url_option
def digest_unsubscribe(subscription_id: int, database_url: str | None) -> None:
    """End a subscription by its number (from perfdash digest list)."""
    engine = engine_for(settings_for(database_url))
    with db_errors():
        if not store.remove_digest_subscription(engine, subscription_id):
            raise click.ClickException(f"No subscription #{subscription_id}")
    click.echo(f"Ended subscription #{subscription_id}.")
