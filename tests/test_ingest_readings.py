"""ingest.readings on both backends: one reading (the form), a batch (the API), a collector's
partial batch and a typed table (the demo), each checked by the same rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from perfdash import store
from perfdash.ingest.readings import DUPLICATE, below_last_total, record_readings, save_reading

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WHEN = "2026-03-01T10:00:00Z"


@pytest.fixture
def rel(engine) -> dict[str, int]:
    return {key: store.create_release(engine, key) for key in ("rel-1", "rel-2")}


def reading(**fields):
    base = {
        "release_key": "rel-1",
        "platform": "YouTube",
        "metric_type": "views",
        "metric_value": 10,
        "recorded_at": WHEN,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


# --------------------------------------------------------------------------- one reading


def test_one_reading_saved_refused_as_a_duplicate_and_edited(engine, rel):
    record = {**reading(release_key=..., release_id=rel["rel-1"]), "metric_value": "1,200"}
    row, errors, message = save_reading(engine, record, tz="UTC", now=NOW)
    assert errors == {} and message == f"Saved YouTube views = 1,200 (row {row})."
    stored = store.get_metric(engine, row)
    assert (stored["metric_value"], stored["source"]) == (1200, "manual")

    again, errors, message = save_reading(engine, record, tz="UTC", now=NOW)
    assert again is None and errors == {"recorded_at": DUPLICATE}
    assert message.startswith("Nothing was saved")

    other = save_reading(engine, {**record, "metric_type": "likes"}, tz="UTC", now=NOW)[0]
    edited, errors, message = save_reading(
        engine, {**record, "metric_value": "1,300"}, tz="UTC", now=NOW, edit=row
    )
    assert (edited, errors) == (row, {}) and message.startswith("Updated")
    assert store.get_metric(engine, row)["metric_value"] == 1300
    clash, errors, _ = save_reading(engine, record, tz="UTC", now=NOW, edit=other)
    assert clash is None and errors == {"recorded_at": DUPLICATE}
    assert store.count_metrics(engine) == 2


def test_one_reading_names_each_bad_field(engine, rel):
    record = {
        "release_id": 987654,
        "platform": "",
        "metric_type": "views",
        "metric_value": "-1",
        "recorded_at": "03/04/2026",
        "value_kind": "daily",
    }
    row, errors, _ = save_reading(engine, record, tz="UTC", now=NOW)
    assert row is None
    assert set(errors) == {"release_id", "platform", "metric_value", "recorded_at", "value_kind"}
    assert "does not exist" in errors["release_id"]
    assert "day/month or month/day" in errors["recorded_at"]
    assert save_reading(engine, {**record, "release_id": None}, tz="UTC")[1]["release_id"] == (
        "Choose a release"
    )
    assert store.count_metrics(engine) == 0


def test_a_blank_time_means_now_and_a_drop_is_written(engine, rel):
    result = record_readings(
        engine,
        [reading(metric_value=500, recorded_at="2026-05-01"), reading(recorded_at="")],
        source="api",
        now=NOW,
    )
    assert (result.written, result.already_present) == (2, 0)
    stored = store.latest_metrics(engine, rel["rel-1"], limit=5)
    assert sorted(r["recorded_at"] for r in stored)[-1] == NOW  # 10, far below 500: kept


# --------------------------------------------------------------------------- a batch


def test_a_batch_with_one_bad_record_writes_nothing_and_names_it(engine, rel):
    batch = [reading(metric_value=i, recorded_at=f"2026-03-01T12:{i:02d}:00Z") for i in range(5)]
    batch[3]["metric_value"] = "lots"
    result = record_readings(engine, batch, source="api", now=NOW)
    assert not result.ok and result.written == 0
    assert [(r.index, r.field) for r in result.refused] == [(3, "metric_value")]
    assert result.refused[0].as_detail()["message"].startswith("Value must be a whole number")
    assert store.count_metrics(engine) == 0

    batch[3]["metric_value"] = 3
    assert record_readings(engine, batch, source="api", now=NOW).written == 5
    again = record_readings(engine, batch, source="api", now=NOW)
    assert (again.written, again.already_present) == (0, 5)


def test_how_a_record_names_its_release(engine, rel):
    batch = [
        reading(),
        reading(release_key=..., release_id=rel["rel-2"]),
        reading(release_key="nope"),
        reading(release_key=...),
        reading(release_id=rel["rel-2"]),
        reading(release_key=..., release_id="1"),
        reading(release_key=..., release_id=99999),
        reading(release_key=5),
        "views",
        reading(views=3, platform=7),
    ]
    result = record_readings(engine, batch, source="api", now=NOW)
    assert {(r.index, r.field) for r in result.refused} == {
        (2, "release_key"),
        (3, "release_key"),
        (4, "release_id"),
        (5, "release_id"),
        (6, "release_id"),
        (7, "release_key"),
        (8, "record"),
        (9, "views"),
        (9, "platform"),
    }
    assert result.errors_for(2) == {"release_key": "No release with key 'nope'"}
    assert result.errors_for(4) == {"release_id": "Does not match release_key"}
    assert result.errors_for(9) == {"views": "Unknown field", "platform": "Must be text"}
    assert len(result.accepted) == 2 and result.written == 0


def test_a_collector_batch_keeps_the_good_readings(engine, rel):
    stamp = NOW.replace(second=0, microsecond=0)
    records = [
        {
            "release_id": rel["rel-1"],
            "platform": "Deezer",
            "metric_type": metric,
            "metric_value": value,
            "recorded_at": stamp,
            "value_kind": "total",
            "source_url": "https://api.deezer.com/track/1",
        }
        for metric, value in (("rank", 812345), ("fans", "-3"), ("bpm", "12.5"))
    ]
    dry = record_readings(
        engine, records, source="collector", now=stamp, partial=True, dry_run=True
    )
    assert (len(dry.accepted), dry.refused_indexes(), dry.written) == (1, [1, 2], 0)
    assert store.count_metrics(engine) == 0
    result = record_readings(engine, records, source="collector", now=stamp, partial=True)
    assert (result.written, result.refused_indexes()) == (1, [1, 2])
    row = store.latest_metrics(engine, rel["rel-1"], limit=1)[0]
    assert (row["metric_value"], row["source"], row["recorded_at"]) == (812345, "collector", stamp)


def test_one_record_options_refuse_a_batch(engine, rel):
    with pytest.raises(ValueError):
        record_readings(engine, [reading(), reading()], source="manual", refuse_duplicate=True)
    assert record_readings(engine, [], source="api").written == 0


# --------------------------------------------------------------------------- a typed table


def test_a_table_is_checked_by_the_same_rules(engine, rel):
    days = [NOW - timedelta(days=d) for d in (3, 2, 1)]
    frame = pd.DataFrame(
        {
            "release_key": ["rel-1", "rel-1", "rel-2", "ghost"],
            "platform": ["YouTube", "YouTube", "You\x07Tube", "YouTube"],
            "metric_type": "views",
            "metric_value": [5, 6, 7, 8],
            "recorded_at": pd.to_datetime([*days, days[0]], utc=True),
            "value_kind": "total",
            "source_url": None,
            "notes": None,
        }
    )
    result = record_readings(engine, frame, source="demo", now=NOW)
    as_list = record_readings(engine, frame.to_dict("records"), source="demo", now=NOW)
    assert [r.as_detail() for r in result.refused] == [r.as_detail() for r in as_list.refused]
    assert {(r.index, r.field) for r in result.refused} == {(2, "platform"), (3, "release_key")}
    assert store.count_metrics(engine) == 0

    good = frame.iloc[:2]
    written = record_readings(engine, good, source="demo", now=NOW)
    assert (written.written, written.already_present, len(written.accepted)) == (2, 0, 2)
    again = record_readings(engine, good, source="demo", now=NOW)
    assert (again.written, again.already_present) == (0, 2)
    rows = store.latest_metrics(engine, rel["rel-1"], limit=5)
    assert {(r["metric_value"], r["source"]) for r in rows} == {(5, "demo"), (6, "demo")}
    partial = record_readings(engine, frame, source="demo", now=NOW, partial=True)
    assert (partial.written, partial.already_present) == (0, 2)


def test_a_total_below_the_last_one_is_found_before_it_is_saved(engine, rel):
    record = {**reading(release_key=..., release_id=rel["rel-1"]), "metric_value": "119,724"}
    save_reading(engine, record, tz="UTC", now=NOW)
    later = {**record, "recorded_at": "2026-03-02T10:00:00Z"}
    last = below_last_total(engine, {**later, "metric_value": "100"}, tz="UTC", now=NOW)
    assert last == (119_724, datetime(2026, 3, 1, 10, tzinfo=UTC))
    # the platform's name in any case is the same series
    assert (
        below_last_total(
            engine, {**later, "platform": "youtube", "metric_value": "5"}, tz="UTC", now=NOW
        )[0]
        == 119_724
    )
    # equal or higher, another metric or platform, a count for a period, an earlier time,
    # or a record the rules refuse: nothing to confirm
    for other in (
        {**later, "metric_value": "119,724"},
        {**later, "metric_type": "likes", "metric_value": "5"},
        {**later, "platform": "TikTok", "metric_value": "5"},
        {**later, "value_kind": "period", "metric_value": "5"},
        {**record, "recorded_at": "2026-02-01T10:00:00Z", "metric_value": "5"},
        {**later, "metric_value": "-5"},
    ):
        assert below_last_total(engine, other, tz="UTC", now=NOW) is None, other
    assert store.count_metrics(engine) == 1  # asking wrote nothing
