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


# --------------------------------------------------------------------------- every face
# The table every face is held to (tests/test_ingest_corpus.py): one value in one field, the
# verdict (REFUSE, or EXACT with what is stored) and the words the message must hold.  Every
# text case runs through ingest, the API, a CSV import, the entry form's save callback and the
# CLI; a case whose value is not text (a JSON number, list, bool, object) only through the
# faces that can carry it (ingest, the API, the form's callback).  Times are read in
# CORPUS_TZ, where 2025-03-30 02:30 does not exist and 2025-10-26 02:30 happens twice.

CORPUS_TZ = "Europe/Berlin"
SAME = object()  # EXACT: stored as sent, after trimming outer space


@dataclass(frozen=True)
class FaceCase:
    id: str
    field: str
    raw: Any
    verdict: str
    words: tuple[str, ...] = ()
    stored: Any = SAME
    also: tuple[tuple[str, Any], ...] = ()  # the record's other fields this case needs

    @property
    def others(self) -> dict[str, Any]:
        return dict(self.also)

    def __str__(self) -> str:  # pytest ids
        return self.id

    @property
    def is_text(self) -> bool:
        return isinstance(self.raw, str)

    @property
    def expected(self) -> Any:
        if self.stored is not SAME:
            return self.stored
        return self.raw.strip() if isinstance(self.raw, str) else self.raw

    @property
    def release_field(self) -> bool:
        """A field of a release (created by each face) rather than of a reading."""
        return self.field in RELEASE_CASE_FIELDS

    @property
    def goal_field(self) -> str | None:
        """The goal's field a ``goal.`` case is about (its faces: tests/test_goals_corpus.py)."""
        return self.field.split(".", 1)[1] if self.field.startswith("goal.") else None


RELEASE_CASE_FIELDS = ("release_key", "title", "artist_name", "isrc", "upc")


@dataclass(frozen=True)
class JsonText:
    """A JSON value sent as this very text: Python has no integer ``-0`` to hand a JSON
    encoder, so the faces that read JSON (the API, a callback) are sent the text itself, and
    ingest gets what the server's JSON reader (``perfdash.web.json_in``) makes of it."""

    text: str

    def __repr__(self) -> str:
        return f"JSON {self.text}"


def _refuse(id_: str, field_: str, raw: Any, *words: str, also: dict | None = None) -> FaceCase:
    return FaceCase(id_, field_, raw, REFUSE, tuple(words), also=tuple((also or {}).items()))


def _exact(
    id_: str, field_: str, raw: Any, stored: Any = SAME, also: dict | None = None
) -> FaceCase:
    return FaceCase(id_, field_, raw, EXACT, (), stored, tuple((also or {}).items()))


EARNINGS = {"metric_type": "earnings"}  # money: a currency is required, and only there
IN_USD = {"metric_type": "earnings", "currency": "USD"}


NO_BY = {"by": None}  # a goal in the first days has no day
NO_RELEASE = {"release": None}  # a goal for an artist or a tag names no release


def _day(*args: int):
    from datetime import date

    return date(*args)


def _utc(*args: int):
    from datetime import UTC, datetime

    return datetime(*args, tzinfo=UTC)


FACE_CASES: list[FaceCase] = [
    # --- values: NFKC, then ASCII digits only
    _refuse("value-empty", "metric_value", "", "enter a value"),
    _refuse("value-minus-one", "metric_value", "-1", "negative"),
    _refuse("value-minus-zero", "metric_value", "-0", "negative"),
    _refuse("value-2-63", "metric_value", str(2**63), "too large", "9,223,372,036,854,775,807"),
    _refuse("value-5000-digits", "metric_value", "9" * 5000, "too large"),
    _refuse("value-nan", "metric_value", "NaN", "whole number"),
    _refuse("value-1e3", "metric_value", "1e3", "whole number"),
    _refuse("value-decimal", "metric_value", "12.5", "whole number"),
    _refuse("value-hex", "metric_value", "0x10", "whole number"),
    _refuse("value-superscript", "metric_value", "1\u00b2", "whole number"),
    _refuse("value-circled", "metric_value", "\u2460", "whole number"),
    _refuse("value-inner-nul", "metric_value", "12\x003", "whole number"),
    _refuse("value-trailing-nul", "metric_value", "12\x00", "whole number"),
    _refuse("value-emoji", "metric_value", "1\U0001f525", "whole number"),
    _exact("value-max", "metric_value", str(2**63 - 1), 2**63 - 1),
    _exact("value-fullwidth", "metric_value", "\uff11\uff12\uff13", 123),
    _exact("value-arabic-indic", "metric_value", "\u0663\u0664\u0665", 345),
    _exact("value-thousands", "metric_value", "12,345", 12345),
    _exact("value-zero", "metric_value", "0", 0),
    _refuse("value-json-bool", "metric_value", True, "whole number"),
    _refuse("value-json-list", "metric_value", [1, 2], "whole number"),
    _refuse("value-json-object", "metric_value", {"a": 1}, "whole number"),
    _refuse("value-json-2-63", "metric_value", 2**63, "too large"),
    _refuse("value-json-negative", "metric_value", -1, "negative"),
    _refuse("value-json-fraction", "metric_value", 1.5, "whole number"),
    _refuse("value-json-minus-zero-float", "metric_value", -0.0, "negative"),
    _refuse("value-json-text-minus-zero", "metric_value", JsonText("-0"), "negative"),
    _refuse("value-json-text-minus-zero-float", "metric_value", JsonText("-0.0"), "negative"),
    _refuse("value-json-text-minus-zero-exp", "metric_value", JsonText("-0e0"), "negative"),
    _exact("value-json-text-zero", "metric_value", JsonText("0"), 0),
    # --- times: zone-aware ranges, daylight saving gaps and repeats refused everywhere
    _refuse("when-plus-14-before-2000", "recorded_at", "2000-01-01T05:00:00+14:00", "before 2000"),
    _refuse("when-local-before-2000", "recorded_at", "2000-01-01 00:30", "before 2000"),
    _refuse("when-trailing-nul", "recorded_at", "2026-01-01\x00", "time must look like"),
    _refuse("when-dst-gap", "recorded_at", "2025-03-30 02:30", "daylight saving"),
    _refuse("when-dst-repeat", "recorded_at", "2025-10-26 02:30", "daylight saving"),
    _refuse("when-far-future", "recorded_at", "2999-01-01", "future"),
    _refuse("when-feb-30", "recorded_at", "2026-02-30", "time must look like"),
    _refuse("when-words", "recorded_at", "yesterday", "time must look like"),
    _refuse("when-ambiguous-day", "recorded_at", "03/04/2026", "day/month"),
    _exact(
        "when-repeat-with-offset",
        "recorded_at",
        "2025-10-26T02:30:00+01:00",
        _utc(2025, 10, 26, 1, 30),
    ),
    _exact("when-local", "recorded_at", "2026-03-01 14:30", _utc(2026, 3, 1, 13, 30)),
    _refuse("when-json-number", "recorded_at", 20260101, ""),
    # --- text of a reading
    _refuse("platform-bel", "platform", "You\x07Tube", "platform", "control characters"),
    _refuse("platform-esc", "platform", "You\x1b[0mTube", "platform", "control characters"),
    _refuse("platform-newline", "platform", "You\nTube", "platform", "control characters"),
    _refuse("platform-nel", "platform", "You\x85Tube", "platform", "control characters"),
    _refuse("platform-zero-width-only", "platform", "\u200b\u200b", "platform", "visible"),
    _refuse("platform-surrogate", "platform", "You\ud800Tube", ""),
    _refuse("platform-101", "platform", "p" * 101, "platform", "the limit is 100"),
    _exact("platform-html", "platform", "<b>YouTube</b>"),
    _exact("platform-emoji", "platform", "Tik🎵Tok"),
    _refuse("metric-crlf", "metric_type", "views\r\nX-Injected: 1", "metric type", "control"),
    _refuse("metric-51", "metric_type", "m" * 51, "metric type", "the limit is 50"),
    _refuse("metric-json-list", "metric_type", ["views"], "must be text"),
    _exact("notes-html", "notes", HTML),
    _exact("notes-sql", "notes", SQL),
    _exact("notes-formula", "notes", '=HYPERLINK("http://evil","x")'),
    _exact("notes-multiline", "notes", "line one\nline two"),
    _exact("notes-zero-width-inside", "notes", "zero\u200bwidth"),
    _exact("notes-emoji", "notes", EMOJI),
    _refuse("notes-nul", "notes", "before\x00after", "notes", "control characters"),
    _refuse("notes-esc", "notes", "\x1b[31mred\x1b[0m", "notes", "control characters"),
    _refuse("notes-bel", "notes", "bell\x07", "notes", "control characters"),
    _refuse("notes-nel", "notes", "next\x85line", "notes", "control characters"),
    _refuse("notes-bare-cr", "notes", "one\rtwo", "notes", "control characters"),
    _refuse("notes-zero-width-only", "notes", "\u200b", "notes", "visible"),
    _refuse("notes-2001", "notes", "n" * 2001, "notes", "the limit is 2,000"),
    _refuse("notes-json-object", "notes", {"a": 1}, "must be text"),
    _refuse("url-javascript", "source_url", "javascript:alert(1)", "http"),
    _refuse("url-space", "source_url", "https://exa mple.com/", "http"),
    _exact("url-ok", "source_url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    _refuse("kind-unknown", "value_kind", "lifetime", "value kind"),
    _exact("kind-period", "value_kind", " Period ", "period"),
    # --- the release a reading names by its number (a script's or a picker's JSON)
    _refuse("release-id-true", "release_id", True, "choose a release"),
    _refuse("release-id-fraction", "release_id", 2.5, "choose a release"),
    _refuse("release-id-text", "release_id", "1", "choose a release"),
    _refuse("release-id-list", "release_id", [1], "choose a release"),
    _refuse("release-id-past-32-bits", "release_id", 2**31 + 7, "does not exist"),
    _refuse("release-id-negative", "release_id", -1, "does not exist"),
    # --- a release's fields: created by each face (the CSV and CLI with --create-missing)
    _refuse("key-esc", "release_key", "key\x1b[0m", "release key", "control characters"),
    _refuse("key-newline", "release_key", "key\none", "release key", "control characters"),
    _refuse("key-nel", "release_key", "key\x85one", "release key", "control characters"),
    _refuse("key-nul", "release_key", "key\x00", "release key", "control characters"),
    _refuse("key-zero-width-only", "release_key", "\u200b", "release key", "invisible"),
    _refuse("key-zero-width-inside", "release_key", "key\u200bone", "release key", "invisible"),
    _refuse("key-surrogate", "release_key", "key\ud800", ""),
    _refuse("key-300", "release_key", "k" * 300, "release key", "255"),
    _exact("key-sql", "release_key", "k'; DROP TABLE approved_releases; --"),
    _exact("key-uuid", "release_key", "2f1c7a64-8a5e-4b1e-9d55-0c0ffee00001"),
    _refuse("key-json-list", "release_key", ["key"], "must be text"),
    _refuse("title-300", "title", "t" * 300, "title", "the limit is 255"),
    _refuse("title-bel", "title", "Bell\x07", "title", "control characters"),
    _refuse("title-esc", "title", "Esc\x1b[0m", "title", "control characters"),
    _refuse("title-newline", "title", "One\nTwo", "title", "control characters"),
    _refuse("title-nul", "title", "Title\x00", "title", "control characters"),
    _refuse("title-zero-width-only", "title", "\u200b", "title", "visible"),
    _exact("title-formula", "title", '=HYPERLINK("http://evil","x")'),
    _exact("title-unicode", "title", "Café 東京 — Ñandú"),
    _refuse("title-json-number", "title", 5, "must be text"),
    _refuse("artist-300", "artist_name", "a" * 300, "artist", "the limit is 255"),
    _refuse("artist-bel", "artist_name", "A\x07", "artist", "control characters"),
    _refuse("artist-surrogate", "artist_name", "A\ud800", ""),
    _exact("artist-at", "artist_name", "@artist"),
    # --- a release's industry codes: separators dropped, parts and the check digit checked
    _exact("isrc-dashes", "isrc", "US-RC1-76-07839", "USRC17607839"),
    _exact("isrc-lower-spaces", "isrc", " us rc1 76 07839 ", "USRC17607839"),
    _exact("isrc-fullwidth", "isrc", "\uff35\uff33RC17607839", "USRC17607839"),
    _refuse("isrc-11", "isrc", "USRC1760783", "isrc", "12 characters"),
    _refuse("isrc-digit-country", "isrc", "1SRC17607839", "isrc", "country (2 letters)"),
    _refuse("isrc-letter-year", "isrc", "USRC1A607839", "isrc", "year (2 digits)"),
    _refuse("isrc-bel", "isrc", "US\x07RC17607839", "isrc"),
    _refuse("isrc-zero-width", "isrc", "USRC\u200b17607839", "isrc"),
    _refuse("isrc-huge", "isrc", "U" * 5000, "isrc", "too long"),
    _refuse("isrc-json-number", "isrc", 17607839, "must be text"),
    _exact("upc-a", "upc", "036000291452"),
    _exact("upc-ean13", "upc", "4006381333931"),
    _exact("upc-dashes", "upc", "0-36000-29145-2", "036000291452"),
    _refuse("upc-check-digit", "upc", "036000291453", "upc", "check digit", "ends in 2"),
    _refuse("upc-11-digits", "upc", "03600029145", "upc", "12 digits"),
    _refuse("upc-letters", "upc", "03600029145X", "upc", "12 digits"),
    _refuse("upc-superscript", "upc", "03600029145\u00b2", "upc", "12 digits"),
    _refuse("upc-json-number", "upc", 36000291452, "must be text"),
    # --- a reading's country: ISO 3166-1 alpha-2, any case, empty = worldwide; never guessed
    _exact("country-upper", "country", "DE"),
    _exact("country-lower", "country", "de", "DE"),
    _exact("country-spaces", "country", " br ", "BR"),
    _exact("country-empty", "country", "", ""),
    _refuse("country-xx", "country", "XX", "country", "ISO 3166-1"),
    _refuse("country-alpha3", "country", "usa", "country", "ISO 3166-1"),
    _refuse("country-inner-space", "country", "u s", "country", "ISO 3166-1"),
    _refuse("country-name", "country", "Germany", "country", "ISO 3166-1"),
    _refuse("country-bel", "country", "D\x07E", "country", "control characters"),
    _refuse("country-unit-separator", "country", "DE\x1f", "country", "control characters"),
    _refuse("country-nel", "country", "DE\x85", "country", "control characters"),
    _refuse("country-fullwidth", "country", "\uff24\uff25", "country", "ISO 3166-1"),
    _refuse("country-json-number", "country", 49, "must be text"),
    # --- money's currency: ISO 4217, for earnings only
    _exact("currency-upper", "currency", "EUR", also=EARNINGS),
    _exact("currency-lower", "currency", "usd", "USD", also=EARNINGS),
    _refuse("currency-symbol", "currency", "US$", "currency", "ISO 4217", also=EARNINGS),
    _refuse("currency-unknown", "currency", "XYZ", "currency", "ISO 4217", also=EARNINGS),
    _refuse("currency-bel", "currency", "US\x07D", "currency", "control", also=EARNINGS),
    _refuse("currency-missing", "currency", "", "currency", "earnings need", also=EARNINGS),
    _refuse("currency-on-views", "currency", "USD", "currency", "only money"),
    # --- an amount of money: too many decimals or below zero, refused on every face (the
    # form reads an amount, 12.34; a script and a file send micro-units, 12340000)
    _refuse("money-7-decimals", "metric_value", "0.1234567", "number", also=IN_USD),
    _refuse("money-negative", "metric_value", "-5", "negative", also=IN_USD),
    _refuse("money-negative-fraction", "metric_value", "-0.5", "", also=IN_USD),
    # --- a goal's fields (tests/test_goals_corpus.py: ingest, the API, the dashboard's goal
    # form, `perfdash goal add`): each case changes one field of a valid goal, "1,000 views by
    # 2099-03-01" for the release GOAL_RELEASE (by Corpus Artist, tagged summer-campaign)
    _refuse("goal-target-negative", "goal.target", "-5", "target", "negative"),
    _refuse("goal-target-zero", "goal.target", "0", "target", "above 0"),
    _refuse("goal-target-2-63", "goal.target", str(2**63), "target", "too large"),
    _refuse("goal-target-5000-digits", "goal.target", "9" * 5000, "target", "too large"),
    _refuse("goal-target-words", "goal.target", "lots", "target", "whole number"),
    _refuse("goal-target-decimal", "goal.target", "12.5", "target", "whole number"),
    _refuse("goal-target-1e6", "goal.target", "1e6", "target", "whole number"),
    _refuse("goal-target-letter-o", "goal.target", "9O,000", "target", "whole number"),
    _refuse("goal-target-nul", "goal.target", "10\x000", "target", "whole number"),
    _refuse("goal-target-empty", "goal.target", "", "target"),
    _refuse("goal-target-json-negative", "goal.target", -1, "target", "negative"),
    _refuse("goal-target-json-bool", "goal.target", True, "target", "whole number"),
    _refuse("goal-target-json-fraction", "goal.target", 1.5, "target", "whole number"),
    _exact("goal-target-thousands", "goal.target", "1,000,000", 1_000_000),
    _exact("goal-target-max", "goal.target", str(2**63 - 1), 2**63 - 1),
    _exact("goal-target-fullwidth", "goal.target", "\uff11\uff12\uff13", 123),
    _exact("goal-target-json-number", "goal.target", 5000, 5000),
    _refuse("goal-by-past", "goal.by", "2020-01-01", "by", "in the past"),
    _refuse("goal-by-feb-30", "goal.by", "2027-02-30", "by", "YYYY-MM-DD"),
    _refuse("goal-by-words", "goal.by", "soon", "by", "YYYY-MM-DD"),
    _refuse("goal-by-day-month", "goal.by", "01/03/2027", "by", "YYYY-MM-DD"),
    _refuse("goal-by-time", "goal.by", "2099-03-01T25:00", "by", "YYYY-MM-DD"),
    _refuse("goal-by-2101", "goal.by", "2101-01-01", "by", "before 2101"),
    _refuse("goal-by-nul", "goal.by", "2099-03-01\x00", "by", "YYYY-MM-DD"),
    _refuse("goal-by-json-number", "goal.by", 20990301, "by", "YYYY-MM-DD"),
    _exact("goal-by-day", "goal.by", " 2099-03-01 ", _day(2099, 3, 1)),
    _refuse("goal-days-zero", "goal.first_days", "0", "first_days", "1 to 3,650", also=NO_BY),
    _refuse("goal-days-3651", "goal.first_days", "3651", "first_days", "1 to 3,650", also=NO_BY),
    _refuse("goal-days-negative", "goal.first_days", "-7", "first_days", "1 to", also=NO_BY),
    _refuse("goal-days-words", "goal.first_days", "a month", "first_days", "1 to", also=NO_BY),
    _exact("goal-days-28", "goal.first_days", "28", 28, also=NO_BY),
    _exact("goal-days-json-28", "goal.first_days", 28, 28, also=NO_BY),
    _refuse("goal-release-unknown", "goal.release", "no-such-release", "release", "no release"),
    _refuse("goal-release-esc", "goal.release", "rel\x1b[0m", "release", "control characters"),
    _refuse("goal-release-json-list", "goal.release", ["x"], "release", "must be text"),
    _refuse("goal-artist-unknown", "goal.artist", "Nobody", "artist", "credited", also=NO_RELEASE),
    _refuse("goal-artist-bel", "goal.artist", "A\x07", "artist", "control", also=NO_RELEASE),
    _exact("goal-artist", "goal.artist", "Corpus Artist", also=NO_RELEASE),
    _refuse(
        "goal-tag-unknown", "goal.tag", "nowhere", "tag", "no release carries", also=NO_RELEASE
    ),
    _refuse(
        "goal-tag-punctuation", "goal.tag", "lo fi!", "tag", "letters, digits", also=NO_RELEASE
    ),
    _refuse("goal-tag-json-number", "goal.tag", 7, "tag", "must be text", also=NO_RELEASE),
    _exact("goal-tag-spelt", "goal.tag", " Summer Campaign ", "summer-campaign", also=NO_RELEASE),
]

assert len({c.id for c in FACE_CASES}) == len(FACE_CASES)


# --- a saved dashboard view's name: every face that names a view (the dashboard's "Save view",
# POST /api/v1/views) refuses each with these words, beside the field, saving nothing
VIEW_NAME_CASES: list[tuple[str, Any, str]] = [
    ("view-name-empty", "", "empty"),
    ("view-name-spaces", "   ", "empty"),
    ("view-name-81", "v" * 81, "the limit is 80"),
    ("view-name-huge", HUGE, "too long"),
    ("view-name-newline", "Summer\nlaunch", "control characters"),
    ("view-name-tab", "Summer\tlaunch", "control characters"),
    ("view-name-esc", "\x1b[31mred", "control characters"),
    ("view-name-nul", "name\x00", "control characters"),
    ("view-name-nel", "next\x85line", "control characters"),
    ("view-name-zero-width-only", "\u200b\u200b", "no visible characters"),
    ("view-name-surrogate", "a\ud800b", "broken characters"),
    ("view-name-json-number", 5, "must be text"),
    ("view-name-json-list", ["a"], "must be text"),
]
# names stored exactly as typed (after trimming outer spaces)
VIEW_NAME_KEPT: list[Any] = [HTML, SQL, EMOJI, RTL, "Summer campaign, week 1", " Lofi "]
