"""The data-entry form's write path (``ingest.readings.save_reading`` and the release editor's ``save_form``) on both backends.

Table-driven: every bad input gets its message next to the right field and writes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfdash import store
from perfdash.ingest.readings import save_reading
from perfdash.ui.pages.entry.releases import save_form

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
GOOD = {
    "platform": "YouTube",
    "metric_type": "views",
    "metric_value": "12,345",
    "recorded_at": "2026-03-01T14:30",
    "value_kind": "total",
    "source_url": "https://www.youtube.com/watch?v=abc",
    "notes": "read off the studio page",
}

BAD = [
    ("release_id", None, "Choose a release"),
    ("release_id", "", "Choose a release"),
    ("release_id", "abc", "Choose a release from the list"),
    ("release_id", 987654, "does not exist"),
    ("platform", "", "Choose or type a platform"),
    ("platform", "   ", "Choose or type a platform"),
    ("platform", "x" * 101, "Platform is too long"),
    ("platform", "You\x00Tube", "control characters"),
    ("metric_type", "", "Choose or type a metric type"),
    ("metric_type", "m" * 51, "Metric type is too long"),
    ("metric_value", None, "Enter a value"),
    ("metric_value", "", "Enter a value"),
    ("metric_value", "1e3", "whole number such as 12345"),
    ("metric_value", "NaN", "whole number such as 12345"),
    ("metric_value", "-1", "must not be negative"),
    ("metric_value", str(2**63), "too large"),
    ("metric_value", "12.5", "whole number such as 12345"),
    ("metric_value", "12,34", "whole number such as 12345"),
    ("metric_value", "twelve", "whole number such as 12345"),
    ("metric_value", float("nan"), "finite whole number"),
    ("metric_value", 1.5, "no decimals"),
    ("metric_value", True, "whole number"),
    ("recorded_at", "yesterday", "Time must look like"),
    ("recorded_at", "2026-13-01T10:00", "Time must look like"),
    ("recorded_at", "1999-12-31T23:00", "before 2000"),
    ("recorded_at", "2026-07-01T00:00", "in the future"),
    ("value_kind", "lifetime", "Value kind must be"),
    ("source_url", "ftp://example.com/x", "must start with http"),
    ("source_url", "javascript:alert(1)", "must start with http"),
    ("source_url", "https://", "must start with http"),
    ("notes", "n" * 2001, "Notes is too long"),
    ("notes", "bell\x07", "control characters"),
]


@pytest.fixture
def release(engine):
    return store.create_release(engine, "rel-form", title="Form Song", artist_name="Tester")


@pytest.mark.parametrize(
    ("field", "value", "message"), BAD, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(BAD)]
)
def test_bad_input_names_the_field_and_writes_nothing(engine, release, field, value, message):
    record = {**GOOD, "release_id": release, field: value}
    row_id, errors, summary = save_reading(engine, record, tz="Europe/Berlin", now=NOW)
    assert row_id is None
    assert message in errors[field], errors
    assert summary.startswith("Nothing was saved")
    assert store.count_metrics(engine) == 0


def test_bad_inputs_cover_at_least_25_cases():
    assert len(BAD) >= 25


def test_same_reading_twice_is_refused_and_writes_nothing(engine, release):
    record = {**GOOD, "release_id": release}
    first, errors, _ = save_reading(engine, record, tz="UTC", now=NOW)
    assert first is not None and not errors
    again, errors, summary = save_reading(engine, record, tz="UTC", now=NOW)
    assert again is None
    assert "already has this platform and metric" in errors["recorded_at"]
    assert store.count_metrics(engine) == 1


def test_good_path_then_undo_removes_exactly_that_row(engine, release):
    other = save_reading(
        engine, {**GOOD, "release_id": release, "metric_type": "likes"}, tz="UTC", now=NOW
    )[0]
    row_id, errors, message = save_reading(
        engine, {**GOOD, "release_id": release}, tz="Europe/Berlin", now=NOW
    )
    assert errors == {}
    assert message == f"Saved YouTube views = 12,345 (row {row_id})."
    row = store.get_metric(engine, row_id)
    assert row["metric_value"] == 12345
    # 14:30 in Berlin (CET, UTC+1 on 1 March) is 13:30 UTC
    assert row["recorded_at"] == datetime(2026, 3, 1, 13, 30, tzinfo=UTC)
    assert row["source"] == "manual"
    assert row["notes"] == "read off the studio page"
    # Undo is store.delete_metric of exactly the saved row
    assert store.delete_metric(engine, row_id) is True
    assert store.get_metric(engine, row_id) is None
    assert store.get_metric(engine, other) is not None
    assert store.count_metrics(engine) == 1


def test_edit_changes_the_row_in_place(engine, release):
    row_id = save_reading(engine, {**GOOD, "release_id": release}, tz="UTC", now=NOW)[0]
    edited, errors, message = save_reading(
        engine,
        {**GOOD, "release_id": release, "metric_value": "12 400", "notes": ""},
        tz="UTC",
        now=NOW,
        edit=row_id,
    )
    assert edited == row_id and errors == {}
    assert message.startswith("Updated")
    row = store.get_metric(engine, row_id)
    assert (row["metric_value"], row["notes"]) == (12400, None)
    assert store.count_metrics(engine) == 1


def test_release_create_edit_and_duplicate_key(engine):
    pk, errors, message = save_form(
        engine,
        None,
        {
            "key": "rel-new",
            "title": "New Song",
            "artist": "Someone",
            "approved": "2026-02-01T10:00",
            "status": "distributed",
            "youtube_video_id": "dQw4w9WgXcQ",
            "lastfm_artist": "Someone",
        },
        tz="UTC",
    )
    assert errors == {} and message == "Created release 'rel-new'."
    release = store.get_release(engine, pk)
    assert release["title"] == "New Song"
    assert release["youtube_video_id"] == "dQw4w9WgXcQ"
    assert release["distribution_status"] == "distributed"
    assert release["approved_at"] == datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    assert any(r["id"] == pk for r in store.search_releases(engine, "New Song"))

    again, errors, _ = save_form(engine, None, {"key": "rel-new"}, tz="UTC")
    assert again is None
    assert errors["key"] == "A release with key 'rel-new' already exists"

    other, _, _ = save_form(engine, None, {"key": "rel-other"}, tz="UTC")
    clash, errors, _ = save_form(engine, other, {"key": "rel-new"}, tz="UTC")
    assert clash is None and "already exists" in errors["key"]

    same, errors, message = save_form(
        engine, pk, {"key": "rel-new", "title": "Renamed", "status": "pending"}, tz="UTC"
    )
    assert same == pk and message == "Updated release 'rel-new'."
    assert store.get_release(engine, pk)["title"] == "Renamed"

    bad, errors, _ = save_form(engine, None, {"key": "  ", "approved": "soon"}, tz="UTC")
    assert bad is None
    assert "Enter a release key" in errors["key"]
    assert "Approval date" in errors["approved"]
    assert store.count_releases(engine) == 2


def test_earnings_are_typed_as_an_amount_and_stored_as_micro_units(engine, release):
    """The form's money: "12.34" USD in Germany is 12,340,000 micro-units with DE and USD, the
    message shows the amount, and the row's Edit gives the amount back as typed."""
    from perfdash.ingest.readings import amount_text

    record = {
        **GOOD,
        "release_id": release,
        "metric_type": "earnings",
        "metric_value": "1,012.34",
        "value_kind": "period",
        "country": "de",
        "currency": "USD",
    }
    row_id, errors, message = save_reading(engine, record, tz="UTC", now=NOW)
    assert errors == {}, errors
    row = store.get_metric(engine, row_id)
    assert (row["metric_value"], row["country"], row["currency"]) == (1_012_340_000, "DE", "USD")
    assert "1012.34 USD in DE" in message
    assert amount_text(row["metric_value"]) == "1012.34"
    assert amount_text(4512) == "0.004512" and amount_text(12_000_000) == "12"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"metric_value": "0.1234567"}, "metric_value", "at most 6 decimals"),
        ({"metric_value": "-3.50"}, "metric_value", "negative"),
        ({"currency": ""}, "currency", "Earnings need a currency"),
        ({"currency": "US$"}, "currency", "ISO 4217"),
        ({"country": "usa"}, "country", "ISO 3166-1"),
    ],
)
def test_bad_money_or_country_names_the_field_and_writes_nothing(
    engine, release, changes, field, words
):
    record = {
        **GOOD,
        "release_id": release,
        "metric_type": "earnings",
        "metric_value": "5.00",
        "value_kind": "period",
        "currency": "EUR",
        **changes,
    }
    row_id, errors, _ = save_reading(engine, record, tz="UTC", now=NOW)
    assert row_id is None and words in errors[field], errors
    assert store.count_metrics(engine) == 0


def test_a_country_reading_is_not_judged_against_the_worldwide_total(engine, release):
    """A German total below the worldwide one is no slip: the form asks only within a series."""
    from perfdash.ingest.readings import below_last_total

    save_reading(engine, {**GOOD, "release_id": release, "metric_value": "9000"}, tz="UTC", now=NOW)
    later = {**GOOD, "release_id": release, "recorded_at": "2026-04-01T10:00"}
    assert below_last_total(engine, {**later, "metric_value": "100"}, tz="UTC", now=NOW)
    assert (
        below_last_total(
            engine, {**later, "metric_value": "100", "country": "DE"}, tz="UTC", now=NOW
        )
        is None
    )
