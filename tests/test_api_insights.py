"""/api/v1/insights/prompts on SQLite and PostgreSQL, on a catalog built so that one prompt word
('lofi') triples a launch and another ('rain') does nothing: the first is found with an interval
above 0, the second's interval holds 0; CSV export; refusals name the field."""

from __future__ import annotations

import csv
import io

import pytest
from prompt_catalog import build_catalog

from perfdash import create_app, store
from perfdash.config import Settings


@pytest.fixture
def client(db_url, engine):
    build_catalog(engine)
    return create_app(Settings(database_url=db_url, tz="UTC"), engine=engine).server.test_client()


def test_a_known_effect_is_found_and_a_null_one_is_not(client):
    body = client.get("/api/v1/insights/prompts?metric=views&day=7").get_json()
    assert body["metric"] == "views" and body["day"] == 7 and body["releases"] == 24
    assert "association, not cause" in body["caveat"].lower()
    terms = {t["term"]: t for t in body["terms"]}
    lofi = terms["track: lofi"]
    assert lofi["n"] == 12 and lofi["ci_low"] > 0
    assert lofi["effect"] == pytest.approx(2.0, rel=0.3)  # three times as big: +200 %
    assert "track: beats" in lofi["also"] and "track: lofi beats" in lofi["also"]
    assert terms["track: hard"]["ci_high"] < 0
    rain = terms["track: rain"]
    assert rain["n"] == 12 and rain["ci_low"] < 0 < rain["ci_high"]
    assert terms["has a Suno clip id"]["n"] == 16
    assert not any(t["n"] < 5 for t in body["terms"])
    assert body == client.get("/api/v1/insights/prompts?metric=views&day=7").get_json()


def test_csv_export_has_the_same_rows(client):
    got = client.get("/api/v1/insights/prompts?day=28&format=csv")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    json_rows = client.get("/api/v1/insights/prompts?day=28").get_json()["terms"]
    assert [r["term"] for r in rows] == [t["term"] for t in json_rows]
    assert float(rows[0]["effect"]) == json_rows[0]["effect"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("day=14", "day", "must be one of 7, 28"),
        ("day=x", "day", "whole number"),
        ("metric=streams", "metric", "no release has streams"),
        ("metric=rank", "metric", "a score"),
        ("format=xml", "format", "json or csv"),
    ],
)
def test_bad_parameters(client, query, field, words):
    got = client.get(f"/api/v1/insights/prompts?{query}")
    assert got.status_code == 400
    error = got.get_json()["error"]
    assert words in error["message"]
    assert error["details"][0]["field"] == field


def test_an_empty_catalog_answers_no_terms(sqlite_url):
    engine = store.make_engine(sqlite_url)
    from perfdash.migrations import upgrade

    upgrade(engine)
    client = create_app(Settings(database_url=sqlite_url), engine=engine).server.test_client()
    body = client.get("/api/v1/insights/prompts").get_json()
    assert body["terms"] == [] and body["metric"] is None and body["releases"] == 0
