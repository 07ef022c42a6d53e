"""``perfdash import``, ``export`` and ``collect``: numbers in and out in bulk.

csvio and the collectors are imported inside the command that needs them, so the other
commands start without them.
"""

from __future__ import annotations

import contextlib
import sys

import click

from perfdash import store
from perfdash.cli.common import database_url_option, db_errors, engine_for, settings_for


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=False))
@click.option(
    "--dry-run", is_flag=True, help="Check the file and show what would happen; write nothing."
)
@click.option(
    "--create-missing",
    is_flag=True,
    help="Create releases whose release_key is not in the database, or that no line of an "
    "export matched (in the same transaction).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@database_url_option
def import_(
    file: str, dry_run: bool, create_missing: bool, quiet: bool, database_url: str | None
) -> None:
    """Import metrics from a CSV file, all-or-nothing (columns as `perfdash export` writes),
    or an export of Spotify for Artists, Apple Music for Artists, YouTube Studio, DistroKid,
    TuneCore or CD Baby, recognised from its header (--dry-run shows how each column maps).

    Columns: release_key (or release_id), platform, metric_type, metric_value, recorded_at,
    value_kind, source_url, notes.  Comma, semicolon or tab separated, UTF-8 with or without
    BOM; times without a zone are read in PERFDASH_TZ.  Importing a file again adds nothing.
    An export's lines are matched to releases by ISRC, then UPC, then artist and title;
    --create-missing creates the unmatched ones.
    """
    from perfdash import csvio

    settings = settings_for(database_url)
    engine = engine_for(settings)
    with db_errors():
        store.apply_schema(engine)
    show = not quiet and sys.stderr.isatty()
    bar = (
        click.progressbar(length=1, label="Checking" if dry_run else "Importing", file=sys.stderr)
        if show
        else contextlib.nullcontext()
    )
    with bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            if not show:
                return
            bar.length = max(total, done, 1)
            bar.update(done - state["done"])
            state["done"] = done

        report = csvio.import_csv(
            engine,
            file,
            dry_run=dry_run,
            create_missing=create_missing,
            progress=progress,
            tz=settings.tz,
        )
    exported = report.format_key != "perfdash"
    if exported and not report.fatal:
        click.echo(f"Recognised: {report.format_label}", err=not dry_run)
        if dry_run:
            for name, meaning in report.column_map:
                click.echo(f"  {name} -> {meaning}")
    for line in report.problem_lines(limit=50):
        click.echo(line, err=True)
    if report.unknown_keys and not create_missing:
        what = (
            "Unmatched releases (by ISRC, UPC, then artist and title)"
            if exported
            else ("Unknown release keys")
        )
        joined = ("; " if exported else ", ").join(report.unknown_keys[:50])
        click.echo(f"{what}: {joined}", err=True)
    if report.created_keys:
        click.echo(f"Created {len(report.created_keys):,} release(s).")
    if not report.ok:
        raise click.ClickException(report.summary())
    click.echo(report.summary())


@click.command("export")
@click.option("--release", "release_key", default=None, help="Only this release (its key).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    help="File to write (default: standard output).",
)
@database_url_option
def export_(release_key: str | None, output: str, database_url: str | None) -> None:
    """Export metrics as CSV in the format `perfdash import` reads (streamed)."""
    from perfdash import csvio

    engine = engine_for(settings_for(database_url))
    with db_errors():
        with click.open_file(output, "w", encoding="utf-8") as out:
            rows, skipped = csvio.export_csv_report(engine, out, release_key=release_key)
    if output != "-":
        click.echo(f"Exported {rows:,} row(s) to {output}.", err=True)
    if skipped:
        click.echo(
            f"Left out {skipped:,} reading(s) with no recorded_at (an adopted database allows "
            "it): a reading without a time cannot be imported. Give them a time in the "
            "database to export them.",
            err=True,
        )


@click.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Choice(["youtube", "lastfm", "deezer", "spotify"]),
    help="Only these sources (repeatable; default: every source with credentials).",
)
@click.option("--release", "releases", multiple=True, help="Only these release keys (repeatable).")
@click.option("--dry-run", is_flag=True, help="Call the APIs and report, but write nothing.")
@database_url_option
def collect(
    sources: tuple[str, ...], releases: tuple[str, ...], dry_run: bool, database_url: str | None
) -> None:
    """Read lifetime totals from the platforms' APIs for every release with an identifier.

    Credentials come from the settings (YOUTUBE_API_KEY, LASTFM_API_KEY,
    SPOTIFY_CLIENT_ID/SPOTIFY_CLIENT_SECRET; Deezer needs none).  Safe to schedule: a second
    run in the same minute writes nothing.  Exits 1 when anything failed.
    """
    from perfdash import collect, jobs
    from perfdash.jobs.runner import run_job

    settings = settings_for(database_url)
    engine = engine_for(settings)
    ctx = jobs.JobContext(settings, engine)
    outcome: dict = {}

    def work(_ctx, _job, reporter):
        outcome["summary"] = collect.run(
            engine,
            sources=list(sources) or None,
            release_keys=list(releases) or None,
            dry_run=dry_run,
            env=settings.collector_env,
            progress=lambda message: click.echo(message, err=True),
        )
        return "done", {
            "lines": outcome["summary"].lines(),
            "failed": bool(outcome["summary"].failed),
        }

    with db_errors():
        try:
            # one collection at a time across every host: a scheduled run, Collect now, this
            job_id = jobs.submit_collect(
                ctx, created_by="cli", interactive=False, executor="inline"
            )
        except jobs.JobRunning as exc:
            raise click.ClickException(
                f"{exc}: wait for it to finish (a second run would spend the quotas twice)"
            ) from None
        run_job(ctx, job_id, work)
    summary = outcome.get("summary")
    if summary is None:
        raise click.ClickException(
            (jobs.view(ctx, job_id) or {}).get("result", {}).get("summary", "The collection failed")
        )
    for line in summary.lines():
        click.echo(line)
    if summary.failed:
        sys.exit(1)
