"""The ``perfdash`` command: run the app, manage the database, move numbers in and out.

Subcommands compose like sqlite-utils': each does one thing, reads its settings from the
environment (``--database-url`` overrides ``DATABASE_URL``), prints what it did, and exits
non-zero with a one-line message on failure.  One module per family of commands: ``server``
(run, db, demo), ``data`` (import, export, collect), ``access`` (token, user), ``insights``
(annotate, alerts), ``digests`` (digest), ``goals`` (goal), ``what_works`` (insights prompts),
``kinds`` (metric-kind), ``releases`` (release archive, restore, delete), ``worker`` (the job
worker); ``common`` holds what they share.
"""

from __future__ import annotations

import sys

import click

from perfdash.cli import (
    access,
    data,
    digests,
    goals,
    insights,
    kinds,
    releases,
    server,
    what_works,
    worker,
)
from perfdash.cli.server import schema_sql


class _Command(click.Group):
    """The group that refuses, before anything runs, an argument the shell passed as bytes
    that are not UTF-8: Python hands them over as lone surrogates, which no store, file or
    message can hold, so the answer names the argument instead of failing deep inside."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for position, arg in enumerate(args, start=1):
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
                raise click.UsageError(
                    f"Argument {position} ({shown}) holds bytes that are not UTF-8; "
                    "nothing was done. Type it again in UTF-8 (set LANG to a UTF-8 locale)."
                ) from None
        return super().parse_args(ctx, args)


@click.group(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfdash")
def main() -> None:
    """perfdash: performance analytics for music releases."""


for command in (
    server.run,
    server.db,
    server.demo,
    data.import_,
    data.export_,
    data.collect,
    access.token,
    access.user,
    insights.annotate,
    insights.alerts,
    digests.digest,
    goals.goal,
    what_works.insights,
    kinds.metric_kind,
    releases.release,
    worker.worker,
):
    main.add_command(command)

__all__ = ["main", "schema_sql"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
