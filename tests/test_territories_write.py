"""Territories and money on the write side, on both backends: the rules every face shares,
the natural key with country and currency (re-importing adds nothing; another country is
another reading), the rollup counted per country and currency, and the CSV round trip."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from perfdash import csvio, store
from perfdash.ingest import rules
from perfdash.ingest.frames import check_frame
from perfdash.ingest.readings import record_readings

NOW = datetime(2026, 6, 1, tzinfo=UTC)
AT = datetime(2026, 5, 1, 12, tzinfo=UTC)
HEADER = "release_key,platform,metric_type,metric_value,recorded_at,value_kind,country,currency"


@pytest.mark.parametrize(
    ("raw", "code"),
    [(None, ""), ("", ""), ("  ", ""), ("us", "US"), (" DE ", "DE"), ("XK", "XK")],
)
def test_country_codes_are_iso_alpha2_in_upper_case_or_worldwide(raw, code):
    assert rules.country_code(raw) == (code, None)


@pytest.mark.parametrize("raw", ["USA", "U", "ZZ", "EU", "１２", "D\u200be", "U S", 12])
def test_a_bad_country_is_refused_with_the_fields_words(raw):
    value, error = rules.country_code(raw)
    assert value is None and error and ("Country" in error or error == "Must be text")


@pytest.mark.parametrize(
    ("raw", "micro"),
    [("12.34", 12_340_000), ("0.004512", 4_512), ("1,234.50", 1_234_500_000), (".5", 500_000)],
)
def test_money_is_read_as_exact_micro_units(raw, micro):
    assert rules.parse_money(raw) == (micro, None)


@pytest.mark.parametrize("raw", ["-1", "1.1234567", "1e3", "NaN", "", "12.3.4", None, True])
def test_bad_money_is_refused(raw):
    assert rules.parse_money(raw)[0] is None


def test_earnings_need_a_currency_and_nothing_else_has_one():
    base = dict(release_id=1, platform="Spotify", metric_value=5, recorded_at=AT)
    assert rules.check_record({**base, "metric_type": "earnings"}, now=NOW).errors == {
        "currency": rules.NEEDS_CURRENCY
    }
    assert rules.check_record(
        {**base, "metric_type": "streams", "currency": "USD"}, now=NOW
    ).errors == {"currency": rules.NO_CURRENCY_HERE}
    ok = rules.check_record(
        {**base, "metric_type": "earnings", "currency": "eur", "country": "fr"}, now=NOW
    )
    assert ok.ok and (ok.values["currency"], ok.values["country"]) == ("EUR", "FR")
    bad = rules.check_record({**base, "metric_type": "views", "country": "Narnia"}, now=NOW)
    assert set(bad.errors) == {"country"}


@pytest.fixture
def rid(engine):
    return store.create_release(engine, "rel-a", title="A")


def stored(engine):
    with engine.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT country, currency, metric_type, metric_value FROM content_performance "
                "ORDER BY metric_type, country, currency"
            )
        ).all()


def test_api_face_writes_countries_and_a_reimport_adds_nothing(engine, rid):
    records = [
        dict(
            release_key="rel-a",
            platform="Spotify",
            metric_type="streams",
            metric_value=v,
            recorded_at=AT.isoformat(),
            value_kind="period",
            country=c,
        )
        for c, v in (("US", 10), ("DE", 4), ("", 30))
    ] + [
        dict(
            release_key="rel-a",
            platform="Spotify",
            metric_type="earnings",
            metric_value=m,
            recorded_at=AT.isoformat(),
            value_kind="period",
            country="US",
            currency=cur,
        )
        for cur, m in (("USD", 41_000), ("EUR", 38_000))
    ]
    first = record_readings(engine, records, source="api", now=NOW)
    assert (first.written, first.refused) == (5, [])
    again = record_readings(engine, records, source="api", now=NOW)
    assert (again.written, again.already_present) == (0, 5)
    assert stored(engine) == [
        ("US", "EUR", "earnings", 38_000),
        ("US", "USD", "earnings", 41_000),
        ("", "", "streams", 30),
        ("DE", "", "streams", 4),
        ("US", "", "streams", 10),
    ]


def test_a_bad_country_changes_nothing_and_names_the_field(engine, rid):
    records = [
        dict(release_id=rid, platform="Spotify", metric_type="streams", metric_value=1),
        dict(
            release_id=rid, platform="Spotify", metric_type="streams", metric_value=1, country="QQ"
        ),
    ]
    result = record_readings(engine, records, source="api", now=NOW)
    assert result.written == 0
    assert [(r.index, r.field) for r in result.refused] == [(1, "country")]
    assert stored(engine) == []


def test_a_frame_is_checked_by_the_same_rules(engine, rid):
    frame = pd.DataFrame(
        {
            "release_id": [rid, rid, rid],
            "platform": ["Spotify"] * 3,
            "metric_type": ["earnings", "earnings", "streams"],
            "metric_value": [5, 6, 7],
            "recorded_at": [AT, AT + timedelta(hours=1), AT],
            "country": ["us", "SE", "XX"],
            "currency": ["usd", None, None],
        }
    )
    with engine.connect() as conn:
        good, errors = check_frame(conn, frame, tz="UTC", now=NOW, source="collector")
    assert good[["country", "currency"]].values.tolist() == [["US", "USD"]]
    assert errors == {1: {"currency": rules.NEEDS_CURRENCY}, 2: {"country": rules.BAD_COUNTRY}}


def test_the_store_refuses_codes_that_no_rule_checked(engine, rid):
    row = dict(release_id=rid, platform="x", metric_type="views", metric_value=1, recorded_at=AT)
    with pytest.raises(store.InvalidValueError):
        store.insert_metrics(engine, [{**row, "country": "usa"}])
    with pytest.raises(store.InvalidValueError):
        store.add_performance_metric(rid, "x", "views", 1, country="u", engine=engine)
    assert stored(engine) == []


def csv_text(lines):
    return (HEADER + "\n" + "\n".join(lines) + "\n").encode()


def test_csv_import_reads_country_and_currency_and_exports_them_back(engine, rid):
    lines = [
        "rel-a,Spotify,streams,120,2026-05-01T00:00:00Z,period,US,",
        "rel-a,Spotify,streams,80,2026-05-01T00:00:00Z,period,de,",
        "rel-a,Spotify,streams,500,2026-05-01T00:00:00Z,period,,",
        "rel-a,Spotify,earnings,412345,2026-05-01T00:00:00Z,period,US,USD",
    ]
    report = csvio.import_csv(engine, csv_text(lines), now=NOW)
    assert report.ok and report.written == 4
    again = csvio.import_csv(engine, csv_text(lines), now=NOW)
    assert (again.written, again.already_present) == (0, 4)
    out = io.StringIO()
    csvio.export_csv(engine, out)
    exported = pd.read_csv(io.StringIO(out.getvalue()), keep_default_na=False)
    assert {"country", "currency"} <= set(exported.columns)
    assert sorted(
        zip(exported["country"], exported["currency"], exported["metric_value"], strict=True)
    ) == [("", "", 500), ("DE", "", 80), ("US", "", 120), ("US", "USD", 412345)]
    # the export imports back to the same rows: nothing new
    back = csvio.import_csv(engine, out.getvalue().encode(), now=NOW)
    assert (back.written, back.already_present) == (0, 4)


def test_csv_problems_name_the_line_and_the_column(engine, rid):
    lines = [
        "rel-a,Spotify,streams,1,2026-05-01T00:00:00Z,period,US,",
        "rel-a,Spotify,streams,1,2026-05-01T00:00:00Z,period,Germany,",
        "rel-a,Spotify,earnings,1,2026-05-01T00:00:00Z,period,US,",
        "rel-a,Spotify,views,1,2026-05-01T00:00:00Z,total,,EUR",
        "rel-a,Spotify,earnings,1,2026-05-01T00:00:00Z,period,US,DOLLARS",
    ]
    report = csvio.import_csv(engine, csv_text(lines), now=NOW)
    assert not report.committed and report.written == 0
    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (3, "country", rules.BAD_COUNTRY),
        (6, "currency", rules.BAD_CURRENCY),
        (4, "currency", rules.NEEDS_CURRENCY),
        (5, "currency", rules.NO_CURRENCY_HERE),
    ]
    assert stored(engine) == []


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_rollup_counts_each_country_and_currency_apart(pg_url, backend):
    engine = store.make_engine(pg_url)
    rid = store.create_release(engine, "r")
    base = dict(release_id=rid, platform="Spotify", value_kind="period", source="csv")
    rows = [
        {**base, "metric_type": "streams", "metric_value": v, "recorded_at": AT, "country": c}
        for c, v in (("US", 10), ("DE", 4), ("", 30))
    ] + [
        {
            **base,
            "metric_type": "earnings",
            "metric_value": 7,
            "recorded_at": AT + timedelta(hours=h),
            "country": "US",
            "currency": cur,
        }
        for h, cur in ((0, "USD"), (1, "USD"), (0, "EUR"))
    ]
    store.insert_metrics(engine, rows)
    assert store.rollup_differences(engine, "UTC") == 0
    with engine.connect() as conn:
        daily = conn.execute(
            sa.text(
                "SELECT metric_type, country, currency, n_rows, sum_value FROM performance_daily "
                "ORDER BY metric_type, country, currency"
            )
        ).all()
    assert [tuple(r) for r in daily] == [
        ("earnings", "US", "EUR", 1, 7),
        ("earnings", "US", "USD", 2, 14),
        ("streams", "", "", 1, 30),
        ("streams", "DE", "", 1, 4),
        ("streams", "US", "", 1, 10),
    ]
    with engine.begin() as conn:  # an update and a delete recount their days per country
        conn.execute(
            sa.text(
                "UPDATE content_performance SET metric_value = 11 WHERE country = 'US' AND currency = ''"
            )
        )
        conn.execute(sa.text("DELETE FROM content_performance WHERE country = 'DE'"))
    assert store.rollup_differences(engine, "UTC") == 0
    engine.dispose()
