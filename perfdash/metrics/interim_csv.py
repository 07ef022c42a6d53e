"""Formula-safe CSV of shown rows, kept here only until the one CSV export and guard exist.

The CSV-injection guard belongs with the write rules (``perfdash.ingest.rules``) and the export
with the CSV package (``perfdash.csvio.export``); this module keeps today's callers working
until they point there, and then goes.
"""

from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection advice).

    Text starting with = + - @ tab or carriage return gets a leading apostrophe; numbers and
    other text pass unchanged, so exported values stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def records_csv(rows: list[dict], columns: list[str]) -> str:
    """The rows as CSV (header first), every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise_cell(c) for c in columns])
    for row in rows:
        writer.writerow(
            ["" if row.get(c) is None else neutralise_cell(row.get(c)) for c in columns]
        )
    return buffer.getvalue()
