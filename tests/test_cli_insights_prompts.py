"""`perfdash insights prompts` on SQLite and PostgreSQL, on the catalog where 'lofi' triples a
launch and 'rain' does nothing: its JSON is the API's JSON object, its CSV the API's CSV, its
table the same terms with the same numbers as the What works page's rows; a bad metric is
refused naming --metric."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from prompt_catalog import build_catalog

from perfdash import create_app, readout, store
from perfdash.cli import main
from perfdash.config import Settings
from perfdash.ui.pages import what_works as page


@pytest.fixture
def world(db_url, engine):
    build_catalog(engine)
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    return {"url": db_url, "engine": engine, "client": app.server.test_client()}


def run(world, *args: str):
    env = {"DATABASE_URL": world["url"], "PERFDASH_TZ": "UTC"}
    return CliRunner().invoke(main, ["insights", "prompts", *args], env=env)


@pytest.mark.parametrize("day", [7, 28])
def test_json_and_csv_are_the_apis_answers(world, day):
    api = world["client"].get(f"/api/v1/insights/prompts?metric=views&day={day}").get_json()
    got = run(world, "--metric", "views", "--day", str(day), "--format", "json")
    assert got.exit_code == 0, got.output
    mine = json.loads(got.output)
    assert mine == api
    assert mine["releases"] == 24 and len(mine["terms"]) >= 2
    lofi = next(t for t in mine["terms"] if t["term"] == "track: lofi")
    assert lofi["n"] == 12 and lofi["ci_low"] > 0
    rain = next(t for t in mine["terms"] if t["term"] == "track: rain")
    assert rain["ci_low"] < 0 < rain["ci_high"]

    api_csv = world["client"].get(f"/api/v1/insights/prompts?metric=views&day={day}&format=csv")
    as_csv = run(world, "--metric", "views", "--day", str(day), "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.output == api_csv.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [r["term"] for r in rows] == [t["term"] for t in api["terms"]]


def test_the_table_shows_the_pages_terms_and_numbers(world):
    got = run(world, "--metric", "views", "--day", "28")
    assert got.exit_code == 0, got.output
    with store.transaction(world["engine"]) as conn:
        shown = page._rows(readout.what_works(conn, "views", 28, "UTC"))
    lines = got.output.splitlines()
    assert lines[0].split() == ["term", "n", "effect", "95", "%", "interval"]
    pct = page._pct
    assert len(lines) == len(shown) + 2
    for line, row in zip(lines[1:], shown, strict=False):
        assert line.startswith(row["term"])
        rest = line[len(row["term"]) :].split()
        assert " ".join(rest) == (
            f"{row['n']} {pct(row['effect'])} {pct(row['ci_low'])} to {pct(row['ci_high'])}"
        )
    assert "24 releases, compared by their views total 28 days after launch" in lines[-1]
    assert "association, not cause" in lines[-1].lower()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--metric", "streams"], "no release has streams readings"),
        (["--metric", "m" * 51], "longer than 50 characters"),
        (["--day", "14"], "'14' is not one of '7', '28'"),
        (["--format", "xml"], "'xml' is not one of"),
    ],
)
def test_bad_options_are_refused_by_name(world, args, words):
    got = run(world, *args)
    assert got.exit_code == 2, got.output
    assert words in got.output and "Traceback" not in got.output
    assert "--metric" in got.output or "--day" in got.output or "--format" in got.output
