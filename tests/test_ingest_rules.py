"""ingest.rules and ingest.times: one verdict per input, whichever way it comes in.

Every case runs through the scalar rules (``check_record``: the form, the API, collectors) and
through the CSV validation of a chunk (``csvio.validate``), once in a chunk of its own and once
beside a row that pushes the chunk off the ISO fast path, and must get the same value or the
same message each time.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
import pytest

from perfdash import csvio, store
from perfdash.csvio.columns import guard_formulas, unguard_formulas
from perfdash.csvio.report import ImportReport
from perfdash.csvio.validate import validate
from perfdash.ingest import rules, times

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TZ = "Europe/Berlin"
GOOD = {
    "platform": "YouTube",
    "metric_type": "views",
    "metric_value": "1000",
    "recorded_at": "2026-03-01T12:00:00Z",
    "value_kind": "total",
    "source_url": "",
    "notes": "",
}
OFF_ISO = {**GOOD, "recorded_at": "02.03.2026 10:00", "metric_value": "1,000"}

# (field, raw text, accepted?)
CASES = [
    # times: ISO 8601 in its usual shapes, with and without a zone
    ("recorded_at", "2026-03-01", True),
    ("recorded_at", "2026-03-01 14:30", True),
    ("recorded_at", "2026-03-01T14:30:00Z", True),
    ("recorded_at", "2026-03-01T14:30:00.123456+02:00", True),
    ("recorded_at", "2026-03-01T14:30:00 UTC", True),
    ("recorded_at", "2026-03-01T14:30+0100", True),
    ("recorded_at", "20260301T1430", True),
    ("recorded_at", "2026-03", True),
    # times: the other formats CSV files use, now read the same everywhere
    ("recorded_at", "01.03.2026", True),
    ("recorded_at", "01.03.2026 14:30", True),
    ("recorded_at", "2026/03/01 10:00", True),
    ("recorded_at", "13/03/2026", True),
    ("recorded_at", "03/13/2026 10:00", True),
    ("recorded_at", "6 Mar 2026", True),
    ("recorded_at", "March 6, 2026", True),
    # times: refused, never guessed
    ("recorded_at", "03/04/2026", False),  # day/month or month/day
    ("recorded_at", "2026-03-29 02:30", False),  # skipped by the DST change in Berlin
    ("recorded_at", "2026-10-25 02:30", False),  # repeated by the DST change
    ("recorded_at", "1999-12-31", False),
    ("recorded_at", "2027-01-01", False),  # future
    ("recorded_at", "yesterday", False),
    ("recorded_at", "2026-02-30", False),
    ("recorded_at", "0000-00-00", False),
    ("recorded_at", "2026-13-01", False),
    ("recorded_at", "2026-01-01T25:00", False),
    ("recorded_at", "2026-01-01'; --", False),
    ("recorded_at", "   ", False),
    ("recorded_at", "2026-01-01" + "0" * 50, False),
    ("recorded_at", "2026-01-01\x00", False),
    ("recorded_at", "2000-01-01T00:30", False),  # 1999-12-31 23:30 UTC
    # values
    ("metric_value", "12,345", True),
    ("metric_value", "12 345", True),
    ("metric_value", "+5", True),
    ("metric_value", "0", True),
    ("metric_value", "\uff11\uff12\uff13", True),  # full-width digits
    ("metric_value", "\u0661\u0662\u0663", True),  # Arabic-Indic digits
    ("metric_value", "12\u00a0345", True),
    ("metric_value", "1\U0001f525", False),
    ("metric_value", str(2**63 - 1), True),
    ("metric_value", str(2**63), False),
    ("metric_value", "-1", False),
    ("metric_value", "1e3", False),
    ("metric_value", "NaN", False),
    ("metric_value", "12.5", False),
    ("metric_value", "12,34", False),
    ("metric_value", "twelve", False),
    ("metric_value", " ", False),
    ("metric_value", "1\u00b2", False),  # 1² is not 12
    ("metric_value", "\u00bd", False),
    ("metric_value", "\u2460", False),  # ①
    ("metric_value", "-0", False),  # refused like every negative
    ("metric_value", "\u0663\u0664\u0665", True),  # ٣٤٥
    ("metric_value", "12\x00", False),
    # text
    ("platform", "  YouTube  ", True),
    ("platform", "Tik🎵Tok", True),
    ("platform", "You\tTube", False),  # a single-line field: tab is a control character
    ("platform", "You\nTube", False),
    ("platform", "You\u2028Tube", False),
    ("platform", "\u200b\u200b", False),  # nothing visible
    ("platform", "You\ud800Tube", False),
    ("platform", "You\u200dTube", True),  # inside visible text, not a key
    ("platform", "", False),
    ("platform", "x" * 101, False),
    ("platform", "You\x07Tube", False),
    ("platform", "You\rTube", False),
    ("platform", "You\x85Tube", False),
    ("metric_type", "m" * 51, False),
    ("notes", "line one\nline two", True),
    ("notes", "n" * 2001, False),
    ("notes", "\x1b[31mred", False),
    ("notes", "bare\rCR", False),
    ("notes", "zero\u200bwidth", True),
    ("notes", "\u200b", False),
    ("notes", "bell\x07", False),
    ("notes", "nel\x85", False),
    ("notes", "nul\x00", False),
    # URLs and kinds
    ("source_url", "https://x.test/a?b=c", True),
    ("source_url", "HTTPS://X.TEST/", True),
    ("source_url", "ftp://x.test/", False),
    ("source_url", "https://", False),
    ("source_url", "javascript:alert(1)", False),
    ("source_url", "https://exa mple.com/", False),
    ("value_kind", " Period ", True),
    ("value_kind", "", True),
    ("value_kind", "lifetime", False),
]


def scalar(field: str, raw: str) -> tuple[object, str | None]:
    checked = rules.check_record({**GOOD, "release_id": 1, field: raw}, tz=TZ, now=NOW)
    return checked.values.get(field), checked.errors.get(field)


def vectorised(field: str, raw: str, *, beside: dict | None = None) -> tuple[object, str | None]:
    rows = [{**GOOD, field: raw}] + ([beside] if beside else [])
    chunk = pd.DataFrame([{"release_key": "rel", **r} for r in rows], dtype=object)
    chunk["__line"] = range(2, 2 + len(chunk))
    report = ImportReport()
    good = validate(chunk, "release_key", tz=TZ, now=NOW, report=report)
    mine = [p.message for p in report.problems if p.line == 2 and p.column == field]
    if not beside:
        assert report.problem_count == len(mine), report.problems  # no other field is blamed
    if mine:
        return None, mine[0]
    assert (good["__line"] == 2).any(), report.problems
    value = good.loc[good["__line"] == 2, field].iloc[0]
    return (value.to_pydatetime() if isinstance(value, pd.Timestamp) else value), None


def comparable(verdict: tuple[object, str | None]) -> tuple[object, str | None]:
    value, message = verdict
    if isinstance(value, str) or value is None:
        return (value or None), message  # CSV reads an empty cell as no text
    return (int(value) if not isinstance(value, datetime) else value), message


@pytest.mark.parametrize(("field", "raw", "accepted"), CASES, ids=[repr(c[1])[:40] for c in CASES])
def test_scalar_and_csv_rules_agree(field, raw, accepted):
    one = comparable(scalar(field, raw))
    assert (one[1] is None) == accepted, one
    assert comparable(vectorised(field, raw)) == one
    assert comparable(vectorised(field, raw, beside=OFF_ISO)) == one


def test_dates_are_read_the_same_alone_and_in_a_column():
    texts = [c[1] for c in CASES if c[0] == "recorded_at" and c[1].strip()]
    column = times.parse_times(pd.Series(texts, dtype=object), TZ)
    for i, text in enumerate(texts):
        when, error = times.parse_timestamp(text, TZ)
        got = column.utc.iat[i]
        assert (None if pd.isna(got) else got.to_pydatetime()) == when, text
        assert (error is None) == pd.notna(got), text


def test_zone_handling_of_the_accepted_formats():
    def at(text: str) -> datetime | None:
        return times.parse_timestamp(text, TZ)[0]

    winter = datetime(2026, 3, 1, 13, 30, tzinfo=UTC)  # 14:30 CET
    assert at("2026-03-01 14:30") == at("01.03.2026 14:30") == at("2026/03/01 14:30") == winter
    assert at("2026-03-01T14:30:00Z") == datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    assert at("2026-07-01 14:30") == datetime(2026, 7, 1, 12, 30, tzinfo=UTC)  # CEST
    naive = datetime(2026, 3, 29, 2, 30)
    assert times.parse_timestamp(naive, TZ)[1] == times.dst_message(TZ)
    assert "day/month or month/day" in times.parse_timestamp("03/04/2026", TZ)[1]


# (text, what the export writes)
FORMULAS = [
    ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
    ("+33", "'+33"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("'=already guarded", "''=already guarded"),
    ("''=twice", "'''=twice"),
    ("'just an apostrophe", "'just an apostrophe"),
    ("plain", "plain"),
    ("a=b", "a=b"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "guarded"), FORMULAS)
def test_formula_guard_round_trips_every_text(text, guarded):
    assert rules.csv_safe(text) == guarded
    assert rules.csv_unsafe(guarded) == text
    column = pd.Series([text, None], dtype=object)
    assert guard_formulas(column).tolist() == [guarded, None]
    assert unguard_formulas(pd.Series([guarded])).tolist() == [text]


def test_numbers_pass_the_guard_unchanged():
    assert rules.csv_safe(-5) == -5 and rules.csv_safe(None) is None


def test_export_then_import_keeps_a_formula_title(engine):
    title = '=HYPERLINK("http://evil","x")'
    pk = store.create_release(engine, "rel-f", title=title, artist_name="'=quoted")
    store.insert_metrics(
        engine,
        [
            {
                "release_id": pk,
                "platform": "YouTube",
                "metric_type": "views",
                "metric_value": 5,
                "recorded_at": datetime(2026, 3, 1, tzinfo=UTC),
                "notes": "'=note",
            }
        ],
    )
    out = io.StringIO()
    csvio.export_csv(engine, out)
    store.delete_release(engine, pk)
    report = csvio.import_csv(engine, out.getvalue().encode(), create_missing=True, now=NOW)
    assert report.ok and report.written == 1, report.problem_lines()
    release = store.get_release_by_key(engine, "rel-f")
    assert (release["title"], release["artist_name"]) == (title, "'=quoted")
    assert store.latest_metrics(engine, release["id"], limit=1)[0]["notes"] == "'=note"


def test_release_rules_name_each_field():
    checked = rules.check_release(
        {
            "release_key": " ",
            "title": "t" * 256,
            "distribution_status": "gone",
            "track_url": "ftp://x",
            "approved_at": "soon",
            "youtube_video_id": 5,
            "colour": "red",
        }
    )
    assert checked.errors == {
        "colour": "Unknown field",
        "youtube_video_id": "Must be text",
        "release_key": "Enter a release key (the workflow's id, e.g. a UUID)",
        "title": "Title is too long (256 characters; the limit is 255)",
        "track_url": "Track URL must start with http:// or https://",
        "distribution_status": "Status must be one of pending, scheduled, distributed, error",
        "approved_at": "Approval date must look like 2026-03-01 14:30 or 2026-03-01T14:30:00Z "
        "(ISO 8601)",
    }
    ok = rules.check_release({"release_key": " k ", "approved_at": "01.03.2026"}, tz=TZ)
    assert ok.values == {
        "release_key": "k",
        "distribution_status": "pending",
        "approved_at": datetime(2026, 2, 28, 23, 0, tzinfo=UTC),
    }
    update = rules.check_release({"release_key": "k"}, creating=False)
    assert update.values == {"release_key": "k"}  # an update leaves the status alone


def test_format_chars_are_unicodes_format_category():
    import re
    import sys
    import unicodedata

    pattern = re.compile(rules.INVISIBLE_PATTERN)
    wrong = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if (unicodedata.category(chr(cp)) == "Cf") != bool(pattern.fullmatch(chr(cp)))
    ]
    assert wrong == [], wrong[:20]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("rel\x1bkey", "control characters"),
        ("rel\nkey", "control characters"),
        ("rel\x85key", "control characters"),
        ("rel\x00", "control characters"),
        ("rel\u200bkey", "invisible characters"),
        ("\u200b", "invisible characters"),
        ("rel\ud800", "broken characters"),
        ("k" * 300, "the limit is 255"),
        ("", "Enter a release key"),
        (5, "Must be text"),
    ],
)
def test_release_keys_refuse_what_cannot_be_seen(raw, message):
    key, error = rules.release_key(raw)
    assert key is None and message in error
    checked = rules.check_release({"release_key": raw})
    assert message in checked.errors["release_key"]


def test_ascii_digits_reads_decimal_digits_of_every_script_and_nothing_else():
    assert rules.ascii_digits("\uff11\uff12\uff13") == "123"
    assert rules.ascii_digits("\u0663\u0664\u0665") == "345"
    assert rules.ascii_digits("\u096a\u096b") == "45"  # Devanagari
    assert rules.ascii_digits("1\u00b2") is None
    assert rules.parse_value("1\u00b2") == (None, rules.BAD_NUMBER)
