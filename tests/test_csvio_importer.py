"""CSV import (``csvio.import_csv``) on both backends: formats, problems with file line
numbers, all-or-nothing, idempotent re-import, unknown releases, export round trip."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from perfdash import csvio, store

HEADER = "release_key,platform,metric_type,metric_value,recorded_at,value_kind,source_url,notes"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def releases(engine):
    return {key: store.create_release(engine, key, title=key.title()) for key in ("rel-a", "rel-b")}


def run(engine, text: str | bytes, **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    kw.setdefault("now", NOW)
    return csvio.import_csv(engine, data, **kw)


def rows(engine):
    out = []
    for frame in store.iter_metrics_for_export(engine):
        out.extend(frame.to_dict("records"))
    return out


def test_plain_file_imports_and_reimport_adds_nothing(engine, releases):
    text = (
        HEADER + "\n"
        "rel-a,YouTube,views,1200,2026-03-01T10:00:00Z,total,https://youtu.be/x,first\n"
        "rel-a,YouTube,views,1500,2026-03-02T10:00:00Z,total,,\n"
        "rel-b,Spotify,streams,30,2026-03-02T10:00:00Z,period,,\n"
    )
    report = run(engine, text)
    assert report.ok and report.committed
    assert (report.rows, report.written, report.already_present) == (3, 3, 0)
    assert report.releases == ["rel-a", "rel-b"]
    assert report.summary().endswith("Added 3 row(s); 0 were already there.")
    got = rows(engine)
    assert [(r["release_key"], r["metric_value"], r["value_kind"]) for r in got] == [
        ("rel-a", 1200, "total"),
        ("rel-a", 1500, "total"),
        ("rel-b", 30, "period"),
    ]
    assert got[0]["source_url"] == "https://youtu.be/x" and got[0]["notes"] == "first"
    again = run(engine, text)
    assert (again.written, again.already_present) == (0, 3)
    assert "Added 0 row(s); 3 were already there." in again.summary()
    assert store.count_metrics(engine) == 3


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bom", "\ufeff" + HEADER + "\nrel-a,YouTube,views,7,2026-03-01 10:00,,,\n"),
        ("crlf", HEADER + "\r\nrel-a,YouTube,views,7,2026-03-01 10:00,,,\r\n"),
        (
            "semicolon",
            HEADER.replace(",", ";") + "\nrel-a;YouTube;views;7;2026-03-01 10:00;;;\n",
        ),
        ("tab", HEADER.replace(",", "\t") + "\nrel-a\tYouTube\tviews\t7\t2026-03-01 10:00\t\t\t\n"),
        (
            "bom-semicolon-crlf",
            "\ufeff"
            + HEADER.replace(",", ";")
            + "\r\nrel-a;YouTube;views;7;2026-03-01 10:00;;;\r\n",
        ),
    ],
)
def test_encodings_delimiters_and_line_endings(engine, releases, name, data):
    report = run(engine, data, tz="UTC")
    assert report.ok, report.problem_lines()
    assert report.written == 1
    (row,) = rows(engine)
    assert (row["release_key"], row["platform"], row["metric_value"]) == ("rel-a", "YouTube", 7)
    assert row["recorded_at"] == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_quoted_commas_and_multiline_notes_keep_line_numbers(engine, releases):
    text = (
        HEADER + "\n"
        'rel-a,YouTube,views,"12,345",2026-03-01T10:00Z,total,,"note, with comma"\n'
        'rel-a,YouTube,views,"1,000,000",2026-03-02T10:00Z,total,,"two\nlines"\n'
        "rel-a,YouTube,views,oops,2026-03-03T10:00Z,total,,\n"
    )
    report = run(engine, text)
    assert [str(p) for p in report.problems] == [
        "line 5, metric_value: Value must be a whole number such as 12345 or 12,345"
    ]
    assert store.count_metrics(engine) == 0
    fixed = run(engine, text.replace("oops", "1 000 001"))
    assert fixed.written == 3
    got = rows(engine)
    assert [r["metric_value"] for r in got] == [12345, 1000000, 1000001]
    assert got[0]["notes"] == "note, with comma"
    assert got[1]["notes"] == "two\nlines"


def test_semicolon_file_with_dotted_thousands(engine, releases):
    text = HEADER.replace(",", ";") + "\nrel-a;YouTube;views;1.234.567;01.03.2026 10:00;;;\n"
    report = run(engine, text, tz="Europe/Berlin")
    assert report.ok, report.problem_lines()
    (row,) = rows(engine)
    assert row["metric_value"] == 1234567
    assert row["recorded_at"] == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_missing_columns_are_named(engine, releases):
    report = run(engine, "release_key,platform,recorded_at\nrel-a,YouTube,2026-03-01\n")
    assert report.fatal.startswith("Line 1 (the header) lacks column(s): metric_type, metric_value")
    assert not report.ok and store.count_metrics(engine) == 0
    report = run(
        engine, "platform,metric_type,metric_value,recorded_at\nYouTube,views,1,2026-03-01\n"
    )
    assert "release_key (or release_id)" in report.fatal


def test_extra_columns_are_ignored_and_reported(engine, releases):
    text = "comment," + HEADER + ",colour\nhi,rel-a,YouTube,views,5,2026-03-01,total,,,red\n"
    report = run(engine, text)
    assert report.ok and report.written == 1
    assert report.ignored_columns == ["comment", "colour"]
    assert "ignored column(s): comment, colour" in report.summary()


def test_empty_file_and_header_only(engine, releases):
    for empty in (b"", b"\n\n", b"\xef\xbb\xbf"):
        report = run(engine, empty)
        assert report.fatal and "empty" in report.fatal
    report = run(engine, HEADER + "\n")
    assert report.fatal is None and report.ok
    assert (report.rows, report.written) == (0, 0)
    assert store.count_metrics(engine) == 0


def test_not_utf8_names_line_and_byte(engine, releases):
    data = (HEADER + "\nrel-a,YouTube,views,5,2026-03-01,total,,caf").encode() + b"\xe9\n"
    report = run(engine, data)
    assert report.fatal.startswith("Line 2 is not UTF-8 (byte 0xe9 at byte offset ")
    assert store.count_metrics(engine) == 0


def test_ragged_row_names_its_line(engine, releases):
    text = (
        HEADER
        + "\nrel-a,YouTube,views,5,2026-03-01,total,,\nrel-a,YouTube,views,6,2026-03-02,total,,,x,y\n"
    )
    report = run(engine, text)
    assert report.fatal.startswith("Line 3 has 10 fields but the header has 8")
    assert store.count_metrics(engine) == 0


@pytest.mark.parametrize(
    ("first_row", "fields"),
    [
        ("rel-a,YouTube,views,5,2026-03-01,total,,,extra", 9),  # one value too many
        ("rel-a,YouTube,views,5,2026-03-01,total,,,", 9),  # a delimiter at the end
    ],
)
def test_a_first_row_one_field_longer_than_the_header_names_its_line(
    engine, releases, first_row, fields
):
    """pandas would take such a row's first value as an index and shift the rest a column to
    the left (a KeyError, or misleading problems on the wrong columns)."""
    report = run(engine, HEADER + "\n" + first_row + "\nrel-a,YouTube,views,6,2026-03-02,total,,\n")
    assert report.fatal is not None, report
    assert report.fatal.startswith(f"Line 2 has {fields} fields but the header has 8")
    assert store.count_metrics(engine) == 0


def test_times_formats_zones_and_problems(engine, releases):
    text = (
        HEADER + "\n"
        "rel-a,YouTube,views,1,2026-03-01 10:00,,,\n"  # naive: Berlin, CET
        "rel-a,YouTube,views,2,2026-03-02T10:00:00+02:00,,,\n"
        "rel-a,YouTube,views,3,2026-03-03T10:00:00Z,,,\n"
        "rel-a,YouTube,views,4,04.03.2026,,,\n"
        "rel-a,YouTube,views,5,2026/03/05 10:00,,,\n"
        "rel-a,YouTube,views,6,13/03/2026,,,\n"  # only day/month is possible
        "rel-a,YouTube,views,7,6 Mar 2026,,,\n"
    )
    report = run(engine, text, tz="Europe/Berlin")
    assert report.ok, report.problem_lines()
    got = {r["metric_value"]: r["recorded_at"] for r in rows(engine)}
    assert got[1] == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert got[2] == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert got[3] == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert got[4] == datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    assert got[5] == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert got[6] == datetime(2026, 3, 12, 23, 0, tzinfo=UTC)
    assert got[7] == datetime(2026, 3, 5, 23, 0, tzinfo=UTC)


def test_row_problems_are_all_listed_with_lines(engine, releases):
    text = (
        HEADER + "\n"
        "rel-a,YouTube,views,1,2026-03-01,,,\n"
        "rel-a,,views,1,2026-03-01,,,\n"
        "rel-a,YouTube,views,-5,2026-03-01,,,\n"
        "rel-a,YouTube,views,1e3,2026-03-01,,,\n"
        "rel-a,YouTube,views,9223372036854775808,2026-03-01,,,\n"
        "rel-a,YouTube,views,1,03/04/2026,,,\n"
        "rel-a,YouTube,views,1,2027-01-01,,,\n"
        "rel-a,YouTube,views,1,next tuesday,,,\n"
        "rel-a,YouTube,views,1,2026-03-01,lifetime,,\n"
        "rel-a,YouTube,views,1,2026-03-01,,ftp://x,\n"
        ",YouTube,views,1,2026-03-01,,,\n"
        "rel-a,YouTube,views,1,,,,\n"
    )
    report = run(engine, text)
    assert not report.ok and not report.committed
    assert [(p.line, p.column) for p in sorted(report.problems, key=lambda p: p.line)] == [
        (3, "platform"),
        (4, "metric_value"),
        (5, "metric_value"),
        (6, "metric_value"),
        (7, "recorded_at"),
        (8, "recorded_at"),
        (9, "recorded_at"),
        (10, "value_kind"),
        (11, "source_url"),
        (12, "release_key"),
        (13, "recorded_at"),
    ]
    messages = {p.line: p.message for p in report.problems}
    assert messages[4] == "Value must not be negative"
    assert messages[6].startswith("Value is too large")
    assert "day/month or month/day" in messages[7]
    assert "future" in messages[8]
    assert messages[13] == "Enter when the value was recorded"
    assert store.count_metrics(engine) == 0


def test_bad_row_at_line_50000_writes_nothing(engine, releases, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w") as fh:
        fh.write(HEADER + "\n")
        for i in range(2, 60_002):
            value = "12x" if i == 50_000 else str(i)
            fh.write(f"rel-a,YouTube,views,{value},2025-01-01T00:00:00Z,period,,n{i}\n")
    seen = []
    report = csvio.import_csv(
        engine, path, chunksize=20_000, now=NOW, progress=lambda d, t: seen.append((d, t))
    )
    assert [str(p) for p in report.problems] == [
        "line 50,000, metric_value: Value must be a whole number such as 12345 or 12,345"
    ]
    assert report.problems[0].line == 50_000
    assert report.rows == 60_000 and not report.committed and report.written == 0
    assert store.count_metrics(engine) == 0
    assert seen[0] == (0, 60_000) and seen[-1] == (60_000, 60_000)


def test_duplicate_rows_in_one_file_are_counted_once(engine, releases):
    line = "rel-a,YouTube,views,5,2026-03-01T10:00:00Z,total,,\n"
    text = HEADER + "\n" + line + line + line.replace("YouTube", "youtube")
    report = run(engine, text)
    assert (report.written, report.already_present) == (1, 2)
    assert store.count_metrics(engine) == 1


def test_unknown_release_keys_listed_then_created(engine, releases):
    text = (
        "release_key,release_title,artist_name,platform,metric_type,metric_value,recorded_at\n"
        "rel-a,,,YouTube,views,5,2026-03-01\n"
        "rel-new,New One,Newcomer,YouTube,views,6,2026-03-01\n"
        "rel-zzz,,,YouTube,views,7,2026-03-01\n"
    )
    report = run(engine, text)
    assert report.unknown_keys == ["rel-new", "rel-zzz"]
    assert not report.ok and "unknown release keys" in report.summary()
    assert store.count_metrics(engine) == 0
    assert store.get_release_by_key(engine, "rel-new") is None
    dry = run(engine, text, dry_run=True, create_missing=True)
    assert dry.ok and "2 release key(s) will be created" in dry.summary()
    assert store.get_release_by_key(engine, "rel-new") is None
    report = run(engine, text, create_missing=True)
    assert report.ok and report.written == 3
    assert report.created_keys == ["rel-new", "rel-zzz"]
    new = store.get_release_by_key(engine, "rel-new")
    assert (new["title"], new["artist_name"]) == ("New One", "Newcomer")


def test_unknown_key_rolls_back_created_releases_when_rows_are_bad(engine, releases):
    text = (
        HEADER + "\nrel-new,YouTube,views,5,2026-03-01,,,\nrel-new,YouTube,views,x,2026-03-02,,,\n"
    )
    report = run(engine, text, create_missing=True)
    assert not report.ok
    assert store.get_release_by_key(engine, "rel-new") is None
    assert store.count_metrics(engine) == 0


def test_release_id_column_uses_numbers(engine, releases):
    rid = releases["rel-b"]
    text = f"release_id,platform,metric_type,metric_value,recorded_at\n{rid},Deezer,fans,9,2026-03-01\n999999,Deezer,fans,9,2026-03-01\n"
    report = run(engine, text)
    assert [str(p) for p in report.problems] == [
        "line 3, release_id: No release has the number 999999"
    ]
    assert store.count_metrics(engine) == 0
    report = run(engine, text.rsplit("999999", 1)[0])
    assert report.written == 1
    assert rows(engine)[0]["release_key"] == "rel-b"


def test_export_round_trip_into_an_empty_database(engine, releases):
    text = (
        "release_key,release_title,artist_name,platform,metric_type,metric_value,recorded_at,"
        "value_kind,source_url,notes\n"
        'rel-a,Rel-A,Ann,YouTube,views,"1,200",2026-03-01T10:00:00.123456Z,total,https://x.org/a,'
        '"=HYPERLINK(""http://evil"")"\n'
        'rel-a,Rel-A,Ann,TikTok,likes,3,2026-03-01T10:00:00Z,period,,"multi\nline; with, stuff"\n'
        "rel-b,Rel-B,,Spotify,streams,9223372036854775807,2026-03-02 00:00,total,,@sum\n"
    )
    assert run(engine, text, create_missing=True).written == 3
    before = rows(engine)
    out = io.StringIO()
    assert csvio.export_csv(engine, out) == 3
    exported = out.getvalue()
    assert "'=HYPERLINK" in exported and "'@sum" in exported  # formula injection guard
    for release in ("rel-a", "rel-b"):
        store.delete_release(engine, store.get_release_by_key(engine, release)["id"])
    assert store.count_metrics(engine) == 0 and store.count_releases(engine) == 0
    report = run(engine, exported, create_missing=True)
    assert report.ok and report.written == 3
    after = rows(engine)
    assert after == before
    notes = {r["metric_type"]: r["notes"] for r in after}
    assert notes["views"] == '=HYPERLINK("http://evil")'
    assert notes["likes"] == "multi\nline; with, stuff"
    assert {r["metric_type"]: r["metric_value"] for r in after}["streams"] == 2**63 - 1
    one = io.StringIO()
    assert csvio.export_csv(engine, one, release_key="rel-b") == 1
    with pytest.raises(store.UnknownReleaseError):
        csvio.export_csv(engine, io.StringIO(), release_key="nope")


def test_the_documented_sample_file_imports(engine):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "docs" / "sample_import.csv"
    report = csvio.import_csv(engine, sample, create_missing=True, tz="UTC", now=NOW)
    assert report.ok, report.problem_lines()
    assert (report.written, report.created_keys) == (5, ["sample-001", "sample-002"])
    values = sorted(r["metric_value"] for r in rows(engine))
    assert values == [820, 905, 1204, 12345, 13010]


def test_file_overlapping_stored_readings_in_a_later_chunk(engine, releases):
    """The first chunks are copied straight in (expected new); a later chunk holding stored
    readings falls back to ON CONFLICT DO NOTHING, and every row is counted once."""
    line = "rel-a,YouTube,views,{v},2026-03-01T{h:02d}:{m:02d}:00Z,total,,\n"
    first = [line.format(v=i, h=i // 60, m=i % 60) for i in range(0, 300)]
    run(engine, HEADER + "\n" + "".join(first[250:270]))  # 20 readings already stored
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        report = run(engine, HEADER + "\n" + "".join(first), chunksize=100)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert report.committed
    assert (report.written, report.already_present) == (280, 20)
    assert store.count_metrics(engine) == 300
    values = sorted(r["metric_value"] for r in rows(engine))
    assert values == list(range(300))
    if engine.dialect.name == "postgresql":
        assert any(s.startswith("SAVEPOINT") for s in seen)  # chunks 1-2 went straight in
        assert any("ROLLBACK TO SAVEPOINT" in s for s in seen)  # chunk 3 met stored rows
        assert store.rollup_differences(engine, "UTC") == 0


def test_ragged_row_in_a_later_chunk_undoes_the_chunks_already_written(engine, releases):
    """The parser (in the worker thread) fails on chunk 4 after chunks 1-3 were copied in:
    the error reaches the caller with its line and the transaction leaves nothing behind."""
    good = "".join(
        f"rel-a,YouTube,views,{i},2026-03-01T{i // 60:02d}:{i % 60:02d}:00Z,total,,\n"
        for i in range(348)
    )
    text = HEADER + "\n" + good + "rel-a,YouTube,views,1,2026-03-02,total,,,x\n" + good[:200]
    report = run(engine, text, chunksize=100)
    assert report.fatal is not None
    assert report.fatal.startswith("Line 350 has 9 fields but the header has 8"), report.fatal
    assert not report.committed and report.written == 0
    assert store.count_metrics(engine) == 0
    if engine.dialect.name == "postgresql":
        assert store.rollup_differences(engine, "UTC") == 0
