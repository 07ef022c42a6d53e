"""`perfdash import` and `perfdash export` end to end through click, on both backends."""

from __future__ import annotations

import csv

from click.testing import CliRunner

from perfdash import store
from perfdash.cli import main

TEXT = (
    "release_key;platform;metric_type;metric_value;recorded_at;value_kind;source_url;notes\n"
    "cli-a;YouTube;views;1.200;2026-03-01 10:00;total;;\n"
    "cli-a;YouTube;views;1.500;2026-03-02 10:00;total;;\n"
    "cli-b;Spotify;streams;30;2026-03-02T10:00:00Z;period;;imported\n"
)


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_import_dry_run_create_missing_reimport_and_export(engine, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(TEXT, encoding="utf-8")
    runner = CliRunner()
    env = {"DATABASE_URL": _url(engine), "PERFDASH_TZ": "UTC"}

    result = runner.invoke(main, ["import", str(src)], env=env)
    assert result.exit_code == 1
    assert "Unknown release keys: cli-a, cli-b" in result.output
    assert "Nothing was imported" in result.output
    assert store.count_metrics(engine) == 0

    result = runner.invoke(main, ["import", str(src), "--dry-run", "--create-missing"], env=env)
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written." in result.output
    assert store.count_releases(engine) == 0

    result = runner.invoke(main, ["import", str(src), "--create-missing"], env=env)
    assert result.exit_code == 0, result.output
    assert "Created 2 release(s)." in result.output
    assert "Added 3 row(s); 0 were already there." in result.output

    result = runner.invoke(main, ["import", str(src)], env=env)
    assert result.exit_code == 0, result.output
    assert "Added 0 row(s); 3 were already there." in result.output
    assert store.count_metrics(engine) == 3

    out = tmp_path / "out.csv"
    result = runner.invoke(main, ["export", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    exported = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["release_key"], r["metric_value"], r["recorded_at"]) for r in exported] == [
        ("cli-a", "1200", "2026-03-01T10:00:00Z"),
        ("cli-a", "1500", "2026-03-02T10:00:00Z"),
        ("cli-b", "30", "2026-03-02T10:00:00Z"),
    ]

    result = runner.invoke(main, ["export", "--release", "cli-b"], env=env)
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("release_key,platform,metric_type,metric_value,recorded_at")
    assert lines[1].startswith("cli-b,Spotify,streams,30,2026-03-02T10:00:00Z,period,,imported")

    result = runner.invoke(main, ["export", "--release", "nope"], env=env)
    assert result.exit_code == 1 and "No release with key 'nope'" in result.output


def test_import_reports_bad_lines_and_exits_nonzero(engine, tmp_path):
    store.create_release(engine, "cli-a")
    src = tmp_path / "bad.csv"
    src.write_text(TEXT.replace("1.500", "-3"), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["import", str(src), "--create-missing"], env={"DATABASE_URL": _url(engine)}
    )
    assert result.exit_code == 1
    assert "line 3, metric_value: Value must not be negative" in result.output
    assert store.count_metrics(engine) == 0
    assert store.get_release_by_key(engine, "cli-b") is None


def test_import_of_a_non_utf8_file_names_the_line(engine, tmp_path):
    src = tmp_path / "latin1.csv"
    src.write_bytes(TEXT.replace("imported", "café").encode("latin-1"))
    result = CliRunner().invoke(main, ["import", str(src)], env={"DATABASE_URL": _url(engine)})
    assert result.exit_code == 1
    assert "Line 4 is not UTF-8" in result.output
