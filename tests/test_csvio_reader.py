"""Reading CSV files (``csvio.reader``) through ``import_csv`` on both backends: line endings,
quotes that never close, carriage returns inside quoted values, other scripts' digits, release
titles and artists by the release rules, and chunks bounded by bytes as well as rows."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from perfdash import csvio, store
from perfdash.csvio.importer import CHUNK_BYTES, CHUNK_ROWS, chunk_rows
from perfdash.csvio.reader import scan_file, unclosed_quote_line

HEAD = "release_key,platform,metric_type,metric_value,recorded_at,notes"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def release(engine):
    return store.create_release(engine, "rel-a", title="A")


def run(engine, text: str, **kw):
    kw.setdefault("now", NOW)
    return csvio.import_csv(engine, text.encode("utf-8"), **kw)


def stored(engine) -> list[tuple]:
    return [
        (r["release_key"], r["metric_value"], r["notes"])
        for frame in store.iter_metrics_for_export(engine)
        for r in frame.to_dict("records")
    ]


def test_cr_only_line_endings_import_with_their_lines(engine, release):
    text = "\r".join(
        [
            HEAD,
            "rel-a,YouTube,views,10,2026-03-01T10:00:00Z,a",
            "rel-a,YouTube,views,20,2026-03-02T10:00:00Z,b",
            "",
        ]
    )
    report = run(engine, text)
    assert report.ok and report.written == 2, (report.fatal, report.problems)
    assert stored(engine) == [("rel-a", 10, "a"), ("rel-a", 20, "b")]
    bad = run(engine, text.replace(",20,", ",twenty,"), dry_run=True)
    assert [(p.line, p.column) for p in bad.problems] == [(3, "metric_value")]


def test_an_unclosed_quote_names_its_line_and_writes_nothing(engine, release):
    text = (
        f"{HEAD}\n"
        'rel-a,YouTube,views,1,2026-03-01T10:00:00Z,"fine"\n'
        "rel-a,YouTube,views,2,2026-03-02T10:00:00Z,plain\n"
        'rel-a,YouTube,views,3,2026-03-03T10:00:00Z,"never closed\n'
        "rel-a,YouTube,views,4,2026-03-04T10:00:00Z,x\n"
    )
    report = run(engine, text)
    assert not report.committed
    assert report.fatal.startswith("Line 4 opens a quoted value"), report.fatal
    assert "Traceback" not in report.fatal and "EOF" not in report.fatal
    assert store.count_metrics(engine) == 0
    first = run(engine, f'{HEAD}\n"rel-a,YouTube,views,1,2026-03-01,x\n')
    assert first.fatal.startswith("Line 2 opens a quoted value"), first.fatal


def test_a_bare_cr_inside_a_quoted_value_is_refused_with_its_line_before_the_write(engine, release):
    text = (
        f"{HEAD}\n"
        "rel-a,YouTube,views,1,2026-03-01T10:00:00Z,ok\n"
        'rel-a,YouTube,views,2,2026-03-02T10:00:00Z,"one\rtwo"\n'
        "rel-a,YouTube,views,3,2026-03-03T10:00:00Z,after\n"
    )
    preview = run(engine, text, dry_run=True)
    assert [(p.line, p.column, p.message) for p in preview.problems] == [
        (3, "notes", "Notes contains control characters")
    ]
    report = run(engine, text)
    assert not report.committed and report.fatal is None
    assert [(p.line, p.column) for p in report.problems] == [(3, "notes")]
    assert store.count_metrics(engine) == 0
    crlf = run(engine, text.replace('"one\rtwo"', '"one\r\ntwo"'))
    assert crlf.ok and crlf.committed, crlf.problems  # CR LF inside a note is a line break
    assert ("rel-a", 2, "one\ntwo") in stored(engine)


def test_other_scripts_digits_read_as_the_form_reads_them(engine, release):
    text = (
        f"{HEAD}\n"
        "rel-a,YouTube,views,\uff11\uff12\uff13,2026-03-01T10:00:00Z,\n"
        "rel-a,YouTube,views,\u0663\u0664\u0665,2026-03-02T10:00:00Z,\n"
    )
    report = run(engine, text)
    assert report.ok, report.problems
    assert [v for _, v, _ in stored(engine)] == [123, 345]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1\u00b2", "whole number"),
        ("-0", "must not be negative"),
        ("12\x00", "whole number"),
    ],
)
def test_values_the_form_refuses_are_refused_in_a_file(engine, release, cell, message):
    text = f"{HEAD}\nrel-a,YouTube,views,7,2026-03-01T10:00:00Z,\nrel-a,YouTube,views,{cell},2026-03-02T10:00:00Z,\n"
    report = run(engine, text)
    assert [(p.line, p.column) for p in report.problems] == [(3, "metric_value")]
    assert message in report.problems[0].message
    assert store.count_metrics(engine) == 0


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("release_title", "T" * 300, "the limit is 255"),
        ("release_title", "bell\x07", "control characters"),
        ("artist_name", "esc\x1b[0m", "control characters"),
        ("artist_name", "\u200b", "no visible characters"),
        ("release_key", "new\u200bkey", "invisible characters"),
        ("release_key", "new\x85key", "control characters"),
    ],
)
def test_create_missing_checks_release_fields_with_their_line_and_never_cuts(
    engine, column, cell, message
):
    fields = {"release_key": "new-key", "release_title": "Title", "artist_name": "Artist"}
    fields[column] = cell
    text = (
        f"{HEAD},release_title,artist_name\n"
        f"{fields['release_key']},YouTube,views,1,2026-03-01T10:00:00Z,,"
        f"{fields['release_title']},{fields['artist_name']}\n"
    )
    for dry in (True, False):
        report = run(engine, text, create_missing=True, dry_run=dry)
        assert [(p.line, p.column) for p in report.problems] == [(2, column)], report.problems
        assert message in report.problems[0].message
    assert store.count_releases(engine) == 0 and store.count_metrics(engine) == 0


def test_export_then_import_keeps_formula_like_titles_and_artists(engine):
    title = '=HYPERLINK("http://evil.test","x")'
    text = (
        f"{HEAD},release_title,artist_name\n"
        "new-key,YouTube,views,1,2026-03-01T10:00:00Z,+note,"
        f'"{title.replace(chr(34), chr(34) * 2)}",@artist\n'
    )
    assert run(engine, text, create_missing=True).committed
    out = io.StringIO()
    assert csvio.export_csv(engine, out) == 1
    exported = out.getvalue()
    assert "'=HYPERLINK" in exported and "'@artist" in exported and "'+note" in exported
    store.delete_release(engine, store.get_release_by_key(engine, "new-key")["id"])
    report = run(engine, exported, create_missing=True)
    assert report.ok and report.committed, (report.fatal, report.problems)
    again = store.get_release_by_key(engine, "new-key")
    assert (again["title"], again["artist_name"]) == (title, "@artist")
    assert stored(engine) == [("new-key", 1, "+note")]


def test_chunks_are_bounded_by_bytes_as_well_as_rows():
    assert chunk_rows(10_000_000, 200_000) == CHUNK_ROWS  # 50-byte rows: the row bound
    wide = chunk_rows(200 << 20, (200 << 20) // 2048)  # 2 KB rows
    assert wide * 2048 <= CHUNK_BYTES * 1.01 and wide < CHUNK_ROWS
    assert chunk_rows(50 << 20, 10) == 100  # a few huge rows: never fewer than 100 a chunk
    assert chunk_rows(100, 0, most=7) == 7


def test_scan_counts_every_kind_of_line_break():
    data = b"h\r\na\rb\nc\r"
    shape = scan_file(io.BytesIO(data), block=3)  # blocks split the CR LF pair
    assert shape.newlines == 4 and shape.size == len(data)
    assert unclosed_quote_line(io.BytesIO(b'a\r\n"b""c"\r"d\n')) == 3
    assert unclosed_quote_line(io.BytesIO(b'a\n"b\nc"\n')) is None
