"""store.scope on SQLite and PostgreSQL: an engine limited to some artists reads only their
releases through every kind of read, and a release outside the scope is an unknown one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfdash import store


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def catalog(engine):
    nova = store.create_release(engine, "nova-1", title="Neon Tides", artist_name="Nova Vale")
    nova2 = store.create_release(engine, "nova-2", title="Night Bus", artist_name="Nova Vale")
    lumen = store.create_release(engine, "lumen-1", title="Glass", artist_name="Lumen Drift")
    other = store.create_release(engine, "orphan", title="Nameless")
    rows = []
    for pk, base in ((nova, 100), (nova2, 10), (lumen, 1000), (other, 5)):
        for day, add in ((1, 0), (10, 50), (20, 120)):
            rows.append(
                dict(
                    release_id=pk,
                    platform="YouTube",
                    metric_type="views",
                    metric_value=base + add,
                    recorded_at=T(2026, 1, day),
                    value_kind="total",
                )
            )
    store.insert_metrics(engine, rows)
    store.set_release_tags(engine, nova, ["summer"])
    store.set_release_tags(engine, lumen, ["summer", "lofi"])
    store.create_annotation(engine, nova, T(2026, 1, 5), "Nova on a playlist")
    store.create_annotation(engine, lumen, T(2026, 1, 6), "Lumen on radio")
    store.create_annotation(engine, None, T(2026, 1, 7), "catalog-wide: Lumen's label news")
    for scope, values in (
        ("release", dict(release_id=nova)),
        ("release", dict(release_id=lumen)),
        ("artist", dict(artist_name="Nova Vale")),
        ("artist", dict(artist_name="Lumen Drift")),
        ("tag", dict(tag="summer")),
    ):
        store.create_goal(
            engine,
            scope=scope,
            metric_type="views",
            target=10**6,
            due_on=T(2026, 6, 1).date(),
            **values,
        )
    return {"nova": nova, "nova2": nova2, "lumen": lumen, "other": other}


def test_unscoped_engine_is_the_engine_itself(engine):
    assert store.scoped(engine, None) is engine
    assert store.scope_of(engine) is None
    limited = store.scoped(engine, ["Nova Vale"])
    assert store.scope_of(limited) == frozenset({"Nova Vale"})
    with store.transaction(limited) as conn:  # a transaction carries it to every read
        assert store.scope_of(conn) == frozenset({"Nova Vale"})


def test_a_scoped_engine_reads_only_its_artists_releases(engine, catalog):
    nova, nova2, lumen = catalog["nova"], catalog["nova2"], catalog["lumen"]
    mine = {nova, nova2}
    scoped = store.scoped(engine, ["Nova Vale"])
    period = dict(start=T(2026, 1, 5), end=T(2026, 1, 25))

    # releases: lists, search, counts, lookups; outside the scope is unknown
    assert {r["id"] for r in store.search_releases(scoped)} == mine
    assert {r["id"] for r in store.search_releases(engine)} == {*mine, lumen, catalog["other"]}
    assert store.search_releases(scoped, "Glass") == []
    assert {r["id"] for r in store.releases_page(scoped)} == mine
    assert store.count_releases(scoped) == 2 and store.count_releases(engine) == 4
    assert store.get_release(scoped, lumen) is None
    assert store.get_release(scoped, nova)["artist_name"] == "Nova Vale"
    assert store.get_release_by_key(scoped, "lumen-1") is None
    assert store.release_ids_for_keys(scoped, ["nova-1", "lumen-1"]) == {"nova-1": nova}
    assert store.existing_release_ids(scoped, [nova, lumen]) == {nova}
    assert set(store.launch_dates(scoped)["release_id"]) == mine

    # artists and tags
    assert store.list_artists(scoped) == [{"artist_name": "Nova Vale", "releases": 2}]
    assert store.artist_releases(scoped, "Lumen Drift") == []
    assert set(store.release_artists(scoped)) == mine
    assert store.list_tags(scoped) == [{"tag": "summer", "releases": 1}]
    assert store.tagged_release_ids(scoped, "summer") == [nova]
    assert store.release_tags_of(scoped) == {nova: ["summer"]}

    # numbers: the catalog (None) and a list naming another artist's release both narrow
    gains = store.period_gains(scoped, None, **period)
    assert set(gains["release_id"]) == mine
    assert set(store.period_gains(scoped, [nova, lumen], **period)["release_id"]) == {nova}
    assert store.period_gains(scoped, [lumen], **period).empty
    board = store.leaderboard(scoped, "views", limit=None, **period)
    assert board["release_id"].tolist() == [nova, nova2]  # 120 each from Jan 1; tie by total
    assert board["gain"].tolist() == [120, 120]
    series = store.release_series(scoped, [nova, lumen], metric_types=["views"], **period)
    assert set(series["release_id"]) == {nova}
    before = store.totals_before(scoped, [nova, lumen], T(2026, 1, 5))
    assert set(before["release_id"]) == {nova}
    assert set(store.release_freshness(scoped)["release_id"]) == mine
    assert set(store.recent_reading_times(scoped)["release_id"]) == mine
    assert set(store.metric_freshness(scoped, [nova, lumen])["release_id"]) == {nova}

    # readings: pages, the records table, the export, one reading by id
    page = store.readings_page(scoped, limit=100)
    assert {r["release_id"] for r in page} == mine and len(page) == 6
    assert store.count_records(scoped, None) == 6
    assert set(store.metric_records(scoped, None)["release_id"]) == mine
    exported = list(store.iter_metrics_for_export(scoped))
    assert {k for f in exported for k in f["release_key"]} == {"nova-1", "nova-2"}
    with pytest.raises(store.UnknownReleaseError):
        list(store.iter_metrics_for_export(scoped, release_key="lumen-1"))
    theirs = next(r for r in store.readings_page(engine, limit=100) if r["release_id"] == lumen)
    assert store.get_metric(scoped, theirs["id"]) is None
    assert store.get_metric(engine, theirs["id"]) is not None
    assert store.latest_metrics(scoped, lumen) == []
    assert store.count_metrics(scoped) == 6 and store.count_metrics(engine) == 12

    # notes: its releases' only (a catalog-wide note may speak of any artist)
    assert [n["text"] for n in store.list_annotations(scoped)] == ["Nova on a playlist"]
    assert [n["text"] for n in store.list_annotations(scoped, [nova, lumen])] == [
        "Nova on a playlist"
    ]
    assert len(store.list_annotations(engine)) == 3

    # goals: its releases' and its artist's, not another's nor a tag's
    goals = store.list_goals(scoped)
    assert [(g["scope"], g["release_id"], g["artist_name"]) for g in goals] == [
        ("release", nova, None),
        ("artist", None, "Nova Vale"),
    ]
    assert len(store.list_goals(engine)) == 5
    lumen_goal = next(g for g in store.list_goals(engine) if g["release_id"] == lumen)
    assert store.get_goal(scoped, lumen_goal["id"]) is None


def test_several_artists_and_an_artist_without_releases(engine, catalog):
    both = store.scoped(engine, ["Nova Vale", "Lumen Drift"])
    assert store.count_releases(both) == 3
    period = dict(start=T(2026, 1, 5), end=T(2026, 1, 25))
    board = store.leaderboard(both, "views", limit=None, **period)
    assert set(board["release_id"]) == {catalog["nova"], catalog["nova2"], catalog["lumen"]}
    nobody = store.scoped(engine, ["Gone Artist"])  # its releases renamed or deleted
    assert store.search_releases(nobody) == []
    assert store.period_gains(nobody, None, **period).empty
    assert store.leaderboard(nobody, "views", limit=None, **period).empty
    assert store.list_artists(nobody) == []


def test_account_artists_are_stored_with_the_account(engine, catalog):
    store.create_user(engine, "nova-fan", "x" * 20, "viewer", ["Nova Vale", " Nova Vale "])
    store.create_user(engine, "boss", "x" * 20, "admin")
    store.create_api_token(engine, "nova-script", "h" * 64, "viewer", ["Nova Vale", "Lumen Drift"])
    assert store.user_artists_of(engine, "nova-fan") == ["Nova Vale"]
    assert store.user_artists_of(engine, "boss") == []
    listed = {u["username"]: u["artists"] for u in store.list_users(engine)}
    assert listed == {"boss": [], "nova-fan": ["Nova Vale"]}
    assert store.api_token_by_hash(engine, "h" * 64)["artists"] == ["Lumen Drift", "Nova Vale"]
    assert store.list_api_tokens(engine)[0]["artists"] == ["Lumen Drift", "Nova Vale"]
    assert store.delete_user(engine, "nova-fan")
    assert store.user_artists_of(engine, "nova-fan") == []


def test_an_accounts_artists_are_replaced_in_one_go(engine, catalog):
    store.create_user(engine, "fan", "x" * 20, "viewer", ["Nova Vale"])
    assert store.set_user_artists(engine, "fan", ["Lumen Drift", "Nova Vale"])
    assert store.user_artists_of(engine, "fan") == ["Lumen Drift", "Nova Vale"]
    assert store.set_user_artists(engine, "fan", ["Lumen Drift"])
    assert store.user_artists_of(engine, "fan") == ["Lumen Drift"]
    assert store.set_user_artists(engine, "fan", [])
    assert store.user_artists_of(engine, "fan") == []
    assert store.set_user_artists(engine, "nobody", ["Nova Vale"]) is False
    assert store.set_user_artists(engine, "fan", ["Nova Vale"])
    with pytest.raises(store.InvalidValueError):
        store.set_user_artists(engine, "fan", ["Lumen Drift", "x" * 256])
    assert store.user_artists_of(engine, "fan") == ["Nova Vale"]  # a refused change keeps it
