"""The one write path: the rules every input is checked by and the functions that store it.

``rules`` and ``times`` say what may be stored; ``readings.record_readings`` and
``releases.save_release`` check and write through the store, for every face; ``annotations``
does the same for dated notes.  CSV files take the vectorised twin of these rules in
``perfdash.csvio``.

The names below are re-exported for callers that still write ``ingest.check_record``; new code
imports them from ``perfdash.ingest.rules``.
"""

from perfdash.ingest.rules import (
    FUTURE_ALLOWANCE,
    MAX_NOTES,
    MAX_URL,
    MAX_VALUE,
    Checked,
    check_record,
    clean_text,
    clean_url,
    parse_timestamp,
    parse_value,
)

__all__ = [
    "FUTURE_ALLOWANCE",
    "MAX_NOTES",
    "MAX_URL",
    "MAX_VALUE",
    "Checked",
    "check_record",
    "clean_text",
    "clean_url",
    "parse_timestamp",
    "parse_value",
]
