"""A shared corpus of hostile and broken input, for the form, CSV and API tests.

Each ``Case`` names one field of a metric reading, the raw value a person, a file or a script
might send, and what perfdash must do with it:

* ``REFUSE``  a clear message for that field, nothing written;
* ``EXACT``   accepted, stored and shown back exactly as sent (after trimming outer space);
* ``EITHER``  a defensible choice either way, as long as it is one of the two above.

Use ``cases(field)`` or ``CASES`` directly; ``record_with(case, release_id)`` builds a full
form record that is valid except for the case's field.  For CSV, ``csv_cell(case)`` gives the
text a spreadsheet cell would hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REFUSE = "refuse"
EXACT = "exact"
EITHER = "either"


@dataclass(frozen=True)
class Case:
    id: str
    field: str
    raw: Any
    expect: str

    def __str__(self) -> str:  # pytest ids
        return self.id


HUGE = "x" * 1_000_000
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
EMOJI = "🎵🔥 Ñandú — 東京 👩🏽‍🎤"
RTL = "\u202eevil\u202c اغنية"
SQL = "'; DROP TABLE content_performance; --"

CASES: list[Case] = [
    # --- the value: a non-negative whole number that fits a signed 64-bit column
    Case("value-empty", "metric_value", "", REFUSE),
    Case("value-none", "metric_value", None, REFUSE),
    Case("value-whitespace", "metric_value", " \t\n ", REFUSE),
    Case("value-minus-one", "metric_value", "-1", REFUSE),
    Case("value-minus-one-int", "metric_value", -1, REFUSE),
    Case("value-2-63", "metric_value", str(2**63), REFUSE),
    Case("value-2-63-int", "metric_value", 2**63, REFUSE),
    Case("value-2-63-minus-1", "metric_value", str(2**63 - 1), EXACT),
    Case("value-huge-digits", "metric_value", "9" * 5000, REFUSE),
    Case("value-nan", "metric_value", "NaN", REFUSE),
    Case("value-nan-float", "metric_value", float("nan"), REFUSE),
    Case("value-infinity", "metric_value", "Infinity", REFUSE),
    Case("value-inf-float", "metric_value", float("inf"), REFUSE),
    Case("value-1e309", "metric_value", "1e309", REFUSE),
    Case("value-1e3", "metric_value", "1e3", REFUSE),
    Case("value-decimal", "metric_value", "12.5", REFUSE),
    Case("value-hex", "metric_value", "0x10", REFUSE),
    Case("value-sql", "metric_value", "1; DROP TABLE x", REFUSE),
    Case("value-html", "metric_value", "<b>1</b>", REFUSE),
    Case("value-emoji", "metric_value", "1🔥", REFUSE),
    Case("value-arabic-digits", "metric_value", "١٢٣", EITHER),
    Case("value-fullwidth", "metric_value", "１２３", EITHER),
    Case("value-bool", "metric_value", True, REFUSE),
    Case("value-list", "metric_value", [1, 2], REFUSE),
    Case("value-dict", "metric_value", {"a": 1}, REFUSE),
    Case("value-nul", "metric_value", "12\x003", REFUSE),
    Case("value-thousands", "metric_value", "12,345", EITHER),
    Case("value-zero", "metric_value", "0", EXACT),
    # --- when: ISO 8601, not in the future, a real calendar date
    Case("when-0000-00-00", "recorded_at", "0000-00-00", REFUSE),
    Case("when-2026-02-30", "recorded_at", "2026-02-30", REFUSE),
    Case("when-month-13", "recorded_at", "2026-13-01", REFUSE),
    Case("when-hour-25", "recorded_at", "2026-01-01T25:00", REFUSE),
    Case("when-far-future", "recorded_at", "2999-01-01", REFUSE),
    Case("when-year-1", "recorded_at", "0001-01-01", REFUSE),
    Case("when-words", "recorded_at", "yesterday", REFUSE),
    Case("when-sql", "recorded_at", "2026-01-01'; --", REFUSE),
    Case("when-whitespace", "recorded_at", "   ", EITHER),  # blank means "now" in the form
    Case("when-huge", "recorded_at", "2026-01-01" + "0" * 100_000, REFUSE),
    Case("when-control", "recorded_at", "2026-01-01\x00", REFUSE),
    # --- text: platform, metric type, notes, source URL
    Case("platform-empty", "platform", "", REFUSE),
    Case("platform-whitespace", "platform", "   \t", REFUSE),
    Case("platform-huge", "platform", HUGE, REFUSE),
    Case("platform-html", "platform", "<b>YouTube</b>", EITHER),
    Case("platform-emoji", "platform", "Tik🎵Tok", EITHER),
    Case("platform-control", "platform", "You\x07Tube", REFUSE),
    Case("metric-sql", "metric_type", "views' OR '1'='1", EITHER),
    Case("metric-newline", "metric_type", "views\r\nX-Injected: 1", REFUSE),
    Case("notes-html", "notes", HTML, EXACT),
    Case("notes-emoji", "notes", EMOJI, EXACT),
    Case("notes-rtl-override", "notes", RTL, EITHER),
    Case("notes-sql", "notes", SQL, EXACT),
    Case("notes-formula", "notes", '=HYPERLINK("http://evil","x")', EXACT),
    Case("notes-huge", "notes", HUGE, REFUSE),
    Case("notes-nul", "notes", "before\x00after", REFUSE),
    Case("notes-escape-seq", "notes", "\x1b[31mred\x1b[0m", REFUSE),
    Case("notes-lone-surrogate", "notes", "bad \udcff byte", REFUSE),
    Case("notes-mojibake", "notes", "CafÃ© (latin-1 read as UTF-8)", EXACT),
    Case("notes-bytes", "notes", b"\xff\xfe\x00n\x00o", REFUSE),
    Case("notes-bom", "notes", "\ufeffnotes with a BOM", EITHER),
    Case("notes-zero-width", "notes", "zero\u200bwidth", EXACT),
    Case("notes-multiline", "notes", "line one\nline two", EXACT),
    Case("url-javascript", "source_url", "javascript:alert(1)", REFUSE),
    Case("url-data", "source_url", "data:text/html,<script>alert(1)</script>", REFUSE),
    Case("url-no-scheme", "source_url", "youtube.com/watch?v=1", REFUSE),
    Case("url-spaces", "source_url", "https://exa mple.com/", REFUSE),
    Case("url-huge", "source_url", "https://e.com/" + "a" * 100_000, REFUSE),
    Case("url-html-in-query", "source_url", 'https://e.com/?q="><script>x</script>', EITHER),
    Case("url-ok", "source_url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", EXACT),
    # --- the release reference and the kind of value
    Case("release-empty", "release_id", "", REFUSE),
    Case("release-text", "release_id", "demo-001'; --", REFUSE),
    Case("release-missing-id", "release_id", 2**31 + 7, REFUSE),
    Case("release-negative", "release_id", -1, REFUSE),
    Case("kind-unknown", "value_kind", "lifetime<script>", REFUSE),
]

VALID_RECORD: dict[str, Any] = {
    "platform": "YouTube",
    "metric_type": "views",
    "metric_value": "1000",
    "recorded_at": "2026-01-15T12:00:00+00:00",
    "value_kind": "total",
    "source_url": None,
    "notes": None,
}


def cases(field: str | None = None) -> list[Case]:
    return [c for c in CASES if field is None or c.field == field]


def record_with(case: Case, release_id: int) -> dict[str, Any]:
    """A valid form record except for ``case``'s field."""
    record = {**VALID_RECORD, "release_id": release_id}
    record[case.field] = case.raw
    return record


def csv_cell(case: Case) -> str:
    """The case as the text of a CSV cell (bytes decoded as Latin-1, None as empty)."""
    if case.raw is None:
        return ""
    if isinstance(case.raw, bytes):
        return case.raw.decode("latin-1")
    return str(case.raw)


assert len(CASES) >= 40
assert len({c.id for c in CASES}) == len(CASES)
