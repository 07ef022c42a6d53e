"""The ``perfdash`` command: run the app, manage the database, move numbers in and out.

Subcommands compose like sqlite-utils': each does one thing, reads its settings from the
environment (``--database-url`` overrides ``DATABASE_URL``), prints what it did, and exits
non-zero with a one-line message on failure.  One module per family of commands: ``server``
(run, db, demo), ``data`` (import, export, collect), ``access`` (token, user), ``insights``
(annotate, alerts), ``digests`` (digest), ``kinds`` (metric-kind), ``releases`` (release archive, restore, delete), ``worker`` (the job worker); ``common`` holds what they share.
"""

from __future__ import annotations

import sys

import click

from perfdash.cli import access, data, digests, goals, insights, kinds, releases, server, worker
from perfdash.cli.server import schema_sql


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    kinds.metric_kind,
    releases.release,
    worker.worker,
):
    main.add_command(command)

__all__ = ["main", "schema_sql"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
