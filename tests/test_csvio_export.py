"""csvio.export: a reading with no recorded_at (an adopted database allows it) is left out of
the export and counted, never written as "NaTZ"; the export imports again, on both backends."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import sqlalchemy as sa
from click.testing import CliRunner

from perfdash import csvio, metrics, store
from perfdash.cli import main
from perfdash.schema import content_performance


def _adopted_rows(engine) -> int:
    release = store.create_release(engine, "rel-a", title="Neon Tides")
    store.add_performance_metric(
        release,
        "YouTube",
        "views",
        100,
        engine=engine,
        recorded_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    with engine.begin() as conn:  # as the original platform module could write it
        conn.execute(
            content_performance.insert().values(
                release_id=release,
                platform="YouTube",
                metric_type="views",
                metric_value=55,
                recorded_at=None,
                source="legacy",
            )
        )
    return release


def test_a_reading_without_a_time_is_left_out_counted_and_the_rest_round_trips(engine):
    release = _adopted_rows(engine)
    assert store.count_metrics(engine) == 2
    out = io.StringIO()
    written, skipped = csvio.export_csv_report(engine, out)
    assert (written, skipped) == (1, 1)
    text = out.getvalue()
    assert "NaT" not in text
    assert text.splitlines()[1].startswith("rel-a,YouTube,views,100,2026-03-01T00:00:00Z")
    # the export imports into an empty database: the timed reading comes back as it was
    store.delete_release(engine, release)
    report = csvio.import_csv(engine, text.encode(), create_missing=True)
    assert report.ok and report.written == 1
    with engine.connect() as conn:
        values = conn.execute(sa.select(content_performance.c.metric_value)).scalars().all()
    assert values == [100]


def test_the_export_command_says_how_many_were_left_out(engine, db_url, tmp_path):
    _adopted_rows(engine)
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(
        main, ["export", "--output", str(target)], env={"DATABASE_URL": db_url}
    )
    assert result.exit_code == 0, result.output
    assert "Exported 1 row(s)" in result.output
    assert "Left out 1 reading(s) with no recorded_at" in result.output
    assert "NaT" not in target.read_text()


def test_each_row_names_its_metric_kind_and_the_export_imports_again_unchanged(engine):
    """counter, audience, score (lower is better) and an editor's kind for a new type, in two
    columns the import passes over without a word: export -> empty database -> the same rows
    and the same export, byte for byte."""
    release = store.create_release(engine, "rel-k", title="Kinds")
    at = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for platform, metric, value in (
        ("YouTube", "views", 900),
        ("Deezer", "fans", 40),
        ("Deezer", "rank", 12),
        ("Spotify", "popularity", 55),
        ("Radio", "airplay_spins", 7),
    ):
        store.add_performance_metric(
            release, platform, metric, value, engine=engine, recorded_at=at
        )
    store.set_metric_kind(engine, "airplay_spins", "audience")
    out = io.StringIO()
    csvio.export_csv(engine, out)
    text = out.getvalue()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[-2:] == ["metric_kind", "lower_is_better"]
    assert {r["metric_type"]: (r["metric_kind"], r["lower_is_better"]) for r in rows} == {
        "views": ("counter", "false"),
        "fans": ("audience", "false"),
        "rank": ("score", "true"),
        "popularity": ("score", "false"),
        "airplay_spins": ("audience", "false"),
    }
    store.delete_release(engine, release)
    report = csvio.import_csv(engine, text.encode(), create_missing=True)
    assert report.ok and report.written == 5
    assert report.ignored_columns == [] and "ignored" not in report.summary()
    again = io.StringIO()
    csvio.export_csv(engine, again)
    assert again.getvalue() == text
    # a file that names another kind changes nothing: a kind belongs to the type, set by an editor
    edited = text.replace("views,900,2026-03-01T12:00:00Z", "views,901,2026-03-01T12:00:00Z")
    edited = edited.replace(",counter,false", ",score,true")
    assert csvio.import_csv(engine, edited.encode()).ok
    assert metrics.metric_kind("views", store.metric_kind_overrides(engine)).kind == "counter"
