"""Exports of the platforms and distributors, recognised from their header: each fixture of
tests/fixtures/formats through the command line, the matching of lines to releases (ISRC,
then UPC, then artist + title ignoring case and accents), statement lines added up, and what
holds for every import (all-or-nothing, problems by file line, a second import adds nothing,
encodings).  On SQLite and PostgreSQL."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from perfdash import csvio, store
from perfdash.cli import main
from perfdash.csvio import formats
from perfdash.csvio.matching import normal_name
from perfdash.csvio.reader import _column_name

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
NOW = pd.Timestamp("2026-03-20T12:00:00Z").to_pydatetime()


def _header(path: Path) -> list[str]:
    line = path.read_text(encoding="utf-8-sig").splitlines()[0]
    sep = "\t" if "\t" in line else ","
    return [_column_name(n) for n in pd.read_csv(path, sep=sep, nrows=0).columns]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("distrokid.tsv", "distrokid"),
        ("spotify_songs.csv", "spotify-songs"),
        ("Night Drive-timeline.csv", "spotify-timeline"),
        ("Nova-audience-timeline.csv", "spotify-timeline"),
        ("apple_music.csv", "apple-music"),
        ("Table data.csv", "youtube-table"),
        ("Chart data.csv", "youtube-chart"),
        ("tunecore.csv", "tunecore"),
        ("cdbaby.csv", "cdbaby"),
    ],
)
def test_each_fixture_is_recognised_from_its_header(name, key):
    found = formats.detect(_header(FIXTURES / name))
    assert found is not None and found.key == key


def test_the_own_format_is_not_mistaken_for_an_export():
    assert (
        formats.detect(["release_key", "platform", "metric_type", "metric_value", "date"]) is None
    )


@pytest.fixture
def catalog(engine):
    night = store.create_release(
        engine,
        "night-drive",
        title="Night Drive",
        artist_name="Nova",
        isrc="USRC17607839",
        youtube_video_id="dQw4w9WgXcQ",
    )
    glass = store.create_release(
        engine, "glass-horizon", title="Glass Horizon", artist_name="Nova", isrc="QZES62400001"
    )
    return {"night": night, "glass": glass}


def _rows(engine) -> list[tuple]:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.text(
                    "select r.release_id, c.platform, c.metric_type, c.metric_value, c.value_kind,"
                    " c.country, c.currency from content_performance c join approved_releases r"
                    " on r.id = c.release_id order by 1, 2, 3, 6, 4"
                )
            )
        ]


def _cli(url: str, path: Path, *args: str):
    result = CliRunner().invoke(
        main, ["import", str(path), "-q", "--database-url", url, *args], env={"PERFDASH_TZ": "UTC"}
    )
    return result


def test_distrokid_through_the_cli(db_url, engine, catalog):
    path = FIXTURES / "distrokid.tsv"
    result = _cli(db_url, path, "--dry-run")
    assert "Recognised: DistroKid bank details (TSV)" in result.output
    assert "Country of Sale -> country" in result.output
    assert "Midnight Protocol by Lumen Drift (ISRC GBAYE2600017, UPC 195624700006)" in result.output
    result = _cli(db_url, path)
    assert result.exit_code != 0 and "unmatched" in result.output.lower()
    assert store.count_metrics(engine) == 0
    result = _cli(db_url, path, "--create-missing")
    assert result.exit_code == 0, result.output
    assert "Added 14 row(s); 0 were already there" in result.output
    created = store.get_release_by_key(engine, "isrc-GBAYE2600017")
    assert (created["title"], created["artist_name"], created["isrc"], created["upc"]) == (
        "Midnight Protocol",
        "Lumen Drift",
        "GBAYE2600017",
        None,
    )
    rows = _rows(engine)
    # January, Spotify, US: two lines (two reporting dates) add up: 1520 + 40 streams
    assert ("night-drive", "Spotify", "streams", 1560, "period", "US", "") in rows
    assert ("night-drive", "Spotify", "earnings", 4990311, "period", "US", "USD") in rows
    assert ("night-drive", "Spotify", "streams", 310, "period", "DE", "") in rows
    assert ("night-drive", "iTunes", "downloads", 3, "period", "GB", "") in rows
    assert ("glass-horizon", "Spotify", "streams", 98, "period", "FR", "") in rows
    assert ("isrc-GBAYE2600017", "YouTube (Ads)", "streams", 2204, "period", "BR", "") in rows
    again = _cli(db_url, path)
    assert again.exit_code == 0 and "Added 0 row(s); 14 were already there" in again.output
    assert _rows(engine) == rows


def test_a_statement_split_over_chunks_adds_its_parts_once(engine, catalog, tmp_path):
    lines = (FIXTURES / "distrokid.tsv").read_text().splitlines()
    head, body = lines[0], [line for line in lines[1:] if "Lumen" not in line]
    path = tmp_path / "split.tsv"
    path.write_text("\n".join([head, *body]) + "\n")
    report = csvio.import_csv(engine, path, chunksize=2, now=NOW)
    assert report.committed, report.problem_lines()
    rows = _rows(engine)
    assert ("night-drive", "Spotify", "streams", 1560, "period", "US", "") in rows
    again = csvio.import_csv(engine, path, chunksize=2, now=NOW)
    assert again.committed and again.written == 0
    assert _rows(engine) == rows


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "spotify_songs.csv",
            {
                ("night-drive", "Spotify", "streams", 15230, "total", "", ""),
                ("night-drive", "Spotify", "saves", 402, "total", "", ""),
                ("glass-horizon", "Spotify", "streams", 4102, "total", "", ""),
            },
        ),
        (
            "Night Drive-timeline.csv",
            {("night-drive", "Spotify", "streams", 601, "period", "", "")},
        ),
        (
            "apple_music.csv",
            {
                ("night-drive", "Apple Music", "plays", 331, "period", "", ""),
                ("night-drive", "Apple Music", "shazams", 12, "period", "", ""),
                ("glass-horizon", "Apple Music", "plays", 84, "period", "", ""),
            },
        ),
        (
            "Chart data.csv",
            {("night-drive", "YouTube", "views", 702, "period", "", "")},
        ),
        (
            "tunecore.csv",
            {
                ("night-drive", "Spotify", "streams", 640, "period", "GB", ""),
                ("night-drive", "Spotify", "earnings", 1580000, "period", "GB", "GBP"),
                ("night-drive", "iTunes", "downloads", 2, "period", "US", ""),
                ("glass-horizon", "Apple Music", "streams", 75, "period", "US", ""),
            },
        ),
        (
            "cdbaby.csv",
            {
                ("night-drive", "Spotify", "streams", 488, "period", "US", ""),
                (
                    "glass-horizon",
                    "Amazon Music Unlimited",
                    "earnings",
                    244300,
                    "period",
                    "DE",
                    "USD",
                ),
            },
        ),
    ],
)
def test_each_export_through_the_cli(db_url, engine, catalog, name, expected, tmp_path):
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)  # the S4A timeline names its song in the file name
    result = _cli(db_url, path, "--create-missing")
    assert result.exit_code == 0, result.output
    assert "Recognised:" in result.output
    assert expected <= set(_rows(engine))
    again = _cli(db_url, path)
    assert again.exit_code == 0 and "Added 0 row(s)" in again.output


def test_youtube_table_leaves_out_the_total_line(engine, catalog):
    report = csvio.import_csv(
        engine, FIXTURES / "Table data.csv", create_missing=True, now=NOW, tz="UTC"
    )
    assert report.committed, report.problem_lines()
    rows = _rows(engine)
    assert ("night-drive", "YouTube", "views", 20113, "total", "", "") in rows
    assert ("night-drive", "YouTube", "subscribers", 131, "total", "", "") in rows
    assert not [r for r in rows if r[3] in (24518, 142)]  # the channel's Total line
    made = store.get_release_by_key(engine, "youtube-M7lc1UVf-VE")
    assert (
        made["youtube_video_id"] == "M7lc1UVf-VE" and made["title"] == "Glass Horizon (Visualizer)"
    )


# --------------------------------------------------------------------------- matching


HEAD = "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)\n"


def _line(artist="Nova", title="Night Drive", isrc="", upc="", qty="10", country="US") -> str:
    return f"2026-03-05\t2026-01\tSpotify\t{artist}\t{title}\t{isrc}\t{upc}\t{qty}\t100\tSong\t{country}\t0\t0.01\n"


def test_matching_by_isrc_then_upc_then_artist_and_title(engine):
    by_isrc = store.create_release(engine, "a", title="Other title", isrc="USRC17607839")
    by_upc = store.create_release(engine, "b", title="Album", upc="859123456788")
    by_name = store.create_release(engine, "c", title="Café del Mar", artist_name="Beyoncé")
    text = (
        HEAD
        + _line(title="Anything", isrc="US-RC1-76-07839", upc="859123456788")  # ISRC wins
        + _line(title="Unknown track", isrc="GBAYE2600017", upc="859123456788")  # then UPC
        + _line(artist="BEYONCE", title="cafe  del mar")  # case, accents and spaces ignored
        + _line(artist="Someone", title="Nothing known", country="DE")
    )
    report = csvio.import_csv(engine, text.encode(), dry_run=True, now=NOW)
    assert report.ok is False
    assert report.unknown_keys == ["Nothing known by Someone"]
    report = csvio.import_csv(engine, text.encode(), create_missing=True, now=NOW)
    assert report.committed, report.problem_lines()
    rows = _rows(engine)
    assert ("a", "Spotify", "streams", 10, "period", "US", "") in rows
    assert ("b", "Spotify", "streams", 10, "period", "US", "") in rows
    assert ("c", "Spotify", "streams", 10, "period", "US", "") in rows
    made = store.get_release_by_key(engine, "someone-nothing known")
    assert made["title"] == "Nothing known" and made["artist_name"] == "Someone"
    assert {by_isrc, by_upc, by_name} <= {r["id"] for r in store.releases_page(engine)}


def test_a_title_alone_matches_only_a_title_one_release_has(engine, tmp_path):
    store.create_release(engine, "x1", title="Echo", artist_name="A")
    store.create_release(engine, "x2", title="Echo", artist_name="B")
    store.create_release(engine, "y", title="Solo", artist_name="C")
    path = tmp_path / "songs.csv"
    path.write_text("song,listeners,streams,saves,release_date\nEcho,1,5,1,\nsolo,1,7,1,\n")
    report = csvio.import_csv(engine, path, dry_run=True, now=NOW)
    assert report.unknown_keys == ["Echo"] and report.release_count == 1


def test_normal_name_ignores_case_accents_and_spaces():
    assert (
        normal_name("  Beyoncé   Knowles ") == normal_name("BEYONCE knowles") == "beyonce knowles"
    )
    assert normal_name("Ñandú") == "nandu"


# --------------------------------------------------------------------------- what always holds


def test_problems_are_named_by_file_line_and_nothing_is_written(engine, catalog):
    text = (
        HEAD
        + _line(isrc="USRC17607839")
        + _line(isrc="USRC17607839", qty="12.5", country="FR")
        + _line(isrc="USRC1760783", country="IT")
        + _line(isrc="USRC17607839", country="XQ")
    )
    report = csvio.import_csv(engine, text.encode(), now=NOW)
    assert not report.committed and store.count_metrics(engine) == 0
    lines = report.problem_lines()
    assert any(p.startswith("line 3, metric_value:") for p in lines), lines
    assert any(p.startswith("line 4, isrc: ISRC must be 12 characters") for p in lines), lines
    assert any(p.startswith("line 5, country:") for p in lines), lines


def test_a_bom_is_read_and_utf16_is_refused_clearly(engine, catalog):
    text = HEAD + _line(isrc="USRC17607839")
    bom = csvio.import_csv(engine, codecs.BOM_UTF8 + text.encode(), now=NOW)
    assert bom.committed and bom.format_key == "distrokid"
    utf16 = csvio.import_csv(engine, text.encode("utf-16"), now=NOW)
    assert utf16.fatal and "UTF-16" in utf16.fatal and "UTF-8" in utf16.fatal


def test_an_unknown_header_names_the_formats_perfdash_reads(engine):
    report = csvio.import_csv(engine, b"Foo,Bar\n1,2\n", now=NOW)
    assert "lacks column(s)" in report.fatal and "DistroKid bank details" in report.fatal


def test_the_benchmark_statement_imports_as_the_readings_it_copies(engine, tmp_path):
    from benchmarks import distrokid

    ids = distrokid.create_releases(engine, 3)
    tsv, copy_csv = distrokid.write_files(tmp_path, 120, ids)
    assert formats.detect(_header(tsv)).key == "distrokid"
    report = csvio.import_csv(engine, tsv, now=NOW, tz="UTC")
    assert report.committed, report.problem_lines()
    copied = copy_csv.read_text().splitlines()
    assert report.written == len(copied) == 240


def test_match_codes_name_each_line_as_joining_its_parts_would():
    from perfdash.csvio.matching import SEP, match_codes

    good = pd.DataFrame(
        {
            "isrc": ["A1", "A1", None, "", "A1", None],
            "upc": ["", "", "859", "859", "", None],
            "artist_name": ["Beyoncé", "BEYONCE", "x", "x", "Nova", None],
            "release_title": ["Café", "cafe", "t", "t", "Café", "  "],
        },
        index=[10, 3, 7, 8, 1, 0],
    )
    codes, keys = match_codes(good)
    expected = [
        SEP.join(["", r.isrc, r.upc, normal_name(r.artist_name), normal_name(r.release_title)])
        for r in good.fillna("").itertuples()
    ]
    assert [keys[c] for c in codes] == expected
    assert keys == list(dict.fromkeys(expected))  # distinct, in order of first appearance
    assert match_codes(good.iloc[:0])[1] == []


def test_the_keys_a_statement_wrote_are_found_again_in_any_later_chunk():
    import numpy as np

    from perfdash.csvio.statements import _merged, _seen

    rng = np.random.default_rng(7)
    written, stored = np.empty(0, dtype="uint64"), set()
    for _ in range(30):
        chunk = np.unique(rng.integers(0, 2**64, 50, dtype="uint64", endpoint=False))
        chunk = np.concatenate([chunk, rng.choice(written, 5)]) if len(written) else chunk
        again = _seen(written, chunk)
        assert again.tolist() == [int(h) in stored for h in chunk]
        written = _merged(written, chunk[~again])
        stored |= {int(h) for h in chunk}
        assert (np.diff(written.astype(object)) > 0).all() and len(written) == len(stored)


def test_a_line_repeated_in_far_apart_chunks_is_added_up_once_each(engine, tmp_path):
    store.create_release(engine, "night-drive", title="Night Drive", isrc="USRC17607839")
    other = [_line(title="Night Drive", isrc="USRC17607839", country=c) for c in ("DE", "FR")]
    repeated = _line(title="Night Drive", isrc="USRC17607839", qty="7", country="US")
    path = tmp_path / "DistroKid_repeat.tsv"
    path.write_text(HEAD + repeated + "".join(other) * 3 + repeated + "".join(other) + repeated)
    report = csvio.import_csv(engine, path, chunksize=2, now=NOW)
    assert report.committed, report.problem_lines()
    rows = _rows(engine)
    assert ("night-drive", "Spotify", "streams", 21, "period", "US", "") in rows
    assert ("night-drive", "Spotify", "streams", 40, "period", "DE", "") in rows
    assert csvio.import_csv(engine, path, chunksize=2, now=NOW).written == 0
    assert _rows(engine) == rows
