"""CSV import and export of readings.

``reader`` reads a file (encoding, header, numbered chunks), ``validate`` checks a chunk with
vectorised pandas by the rules of ``perfdash.ingest.rules``, ``importer`` writes a file
all-or-nothing, ``export`` writes the import format back out, ``report`` says what happened.
A confirmed upload runs in the background as a job of ``perfdash.jobs``.

The names below are re-exported for callers that still write ``csvio.import_csv``; new code
imports them from their module.
"""

from perfdash.csvio.columns import DELIMITERS, EXPORT_COLUMNS
from perfdash.csvio.export import export_csv, export_csv_report
from perfdash.csvio.importer import CHUNK_ROWS, import_csv
from perfdash.csvio.report import CsvImportError, ImportReport, Problem

__all__ = [
    "CHUNK_ROWS",
    "DELIMITERS",
    "EXPORT_COLUMNS",
    "CsvImportError",
    "ImportReport",
    "Problem",
    "export_csv",
    "export_csv_report",
    "import_csv",
]
