"""Share links' rules and rows: views normalised or refused by name, expiries, the scope a
callback's view must stay in, and the store on SQLite and PostgreSQL (hashes only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from perfdash import shares, store
from perfdash.schema import share_links


@pytest.fixture
def catalog(engine):
    store.apply_schema(engine)
    ids = [store.create_release(engine, f"share-{i}", title=f"Song {i}") for i in range(3)]
    return engine, ids


def test_a_link_is_stored_by_hash_listed_and_revoked(catalog):
    engine, ids = catalog
    share_id, token = shares.create(
        engine,
        f"/dashboard?release={ids[0]},{ids[1]}&period=28d",
        "2030-01-01",
        created_by="eddie",
        tz="Europe/Berlin",
    )
    assert token.startswith("pds_") and len(token) > 40
    link = shares.lookup(engine, token)
    assert link["id"] == share_id and link["release_ids"] == ids[:2]
    assert link["view"] == (
        f"/dashboard?release={ids[0]}&release={ids[1]}&period=28d&granularity=day&mode=gain"
    )
    assert link["expires_at"] == datetime(2029, 12, 31, 23, tzinfo=UTC)  # Berlin midnight
    assert shares.status(link) == "live" and "token_hash" not in link
    assert token not in str(store.list_share_links(engine))
    assert [r["id"] for r in store.list_share_links(engine, created_by="eddie")] == [share_id]
    assert store.list_share_links(engine, created_by="vera") == []
    assert shares.lookup(engine, token + "x") is None
    assert shares.lookup(engine, "not-a-token") is None
    assert store.revoke_share_link(engine, share_id)
    assert not store.revoke_share_link(engine, share_id)  # already revoked
    assert shares.status(shares.lookup(engine, token)) == "revoked"
    assert "revoked" in shares.ended_message(shares.lookup(engine, token))


@pytest.mark.parametrize(
    ("view", "message"),
    [
        ("", "view must be a dashboard link"),
        ("/overview", "the overview shows the whole catalog: share it for one tag"),
        ("/?period=28d", "the overview shows the whole catalog: share it for one tag"),
        ("/launches?tag=x", "only dashboard views, artist pages and a tag's overview"),
        ("/overview?tag=nobody-has-it", "tag 'nobody-has-it' is on no release"),
        ("/overview?tag=bad%21tag", "may hold letters, digits and inner hyphens only"),
        ("/dashboard?period=28d", "needs at least one release"),
        ("/dashboard?release=abc", "'abc' is not a release id"),
        ("/dashboard?release=999999", "release 999999 does not exist"),
        ("/dashboard?release={0}&view=leaderboard", "cannot be shared"),
        ("/dashboard?release={0}&period=5y", "period '5y' is not one of"),
        ("/dashboard?release={0}&period=custom&from=2026-01-01", "needs both from and to"),
        ("/dashboard?release={0}&period=custom&from=2026-02-01&to=2026-01-01", "is before"),
        ("/dashboard?release={0}&period=custom&from=2026-13-01&to=2026-01-01", "not a date"),
        ("/dashboard?release={0}&colour=red", "unknown settings: colour"),
        ("/dashboard?release={0}&metric=a%0Ab", "not a name a view can hold"),
        ("/dashboard?release={0}&granularity=hour", "granularity 'hour'"),
        ("/dashboard?release=" + ",".join(str(i) for i in range(1, 60)), "at most 50 releases"),
        ("/dashboard?" + "x" * 2001, "at most 2,000 characters"),
        ("/dashboard?release={0}&metric=a\x00b", "holds a control character"),
        ("/dashboard?release={0}&metric=" + "x" * 1_000_000, "at most 2,000 characters"),
        ("/dashboard?release={0}&metric=%00", "not a name a view can hold"),
        ("/dashboard?release=-1", "'-1' is not a release id"),
        ("/dashboard?release=99999999999", "is not a release id"),
        ("/dashboard?release=1e3", "'1e3' is not a release id"),
        ("/dashboard?release={0}&currency=dollars", "currency 'dollars' is not a code"),
    ],
)
def test_views_a_link_cannot_be_made_of(catalog, view, message):
    engine, ids = catalog
    with pytest.raises(shares.ShareError) as refused:
        shares.create(engine, view.format(ids[0]), None, created_by=None, tz="UTC")
    assert message in str(refused.value) and refused.value.field == "view"
    assert store.list_share_links(engine) == []


def test_a_full_url_and_a_custom_period_are_read(catalog):
    engine, ids = catalog
    view, got = shares.normalise_view(
        engine,
        f"https://perfdash.example/dashboard?release={ids[2]}&period=custom"
        "&from=2026-01-01&to=2026-01-31&compare=true&platform=YouTube&mode=total",
    )
    assert got == [ids[2]]
    assert view == (
        f"/dashboard?release={ids[2]}&period=custom&from=2026-01-01&to=2026-01-31&compare=1"
        "&platform=youtube&granularity=day&mode=total"
    )


def test_a_country_and_a_currency_are_kept_in_upper_case(catalog):
    engine, ids = catalog
    view, _ = shares.normalise_view(
        engine, f"/dashboard?release={ids[0]}&metric=earnings&country=de&currency=eur"
    )
    assert view.endswith("&country=DE&currency=EUR")


NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("2027-01-01", datetime(2027, 1, 1, tzinfo=UTC)),
        ("2027-01-01T09:30:00+02:00", datetime(2027, 1, 1, 7, 30, tzinfo=UTC)),
        ("2026-12-04T13:00:00Z", datetime(2026, 12, 4, 13, tzinfo=UTC)),
    ],
)
def test_expiries_read(value, expected):
    assert shares.parse_expiry(value, "UTC", NOW) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-12-04", "is not in the future"),
        ("2020-01-01", "is not in the future"),
        ("2040-01-01", "more than 5 years away"),
        ("next week", "is not a date"),
        ("2027-01-01T10:00:00", "needs a time zone offset"),
        (20270101, "must be a date"),
        (["2027-01-01"], "must be a date"),
    ],
)
def test_expiries_refused(value, message):
    with pytest.raises(shares.ShareError) as refused:
        shares.parse_expiry(value, "UTC", NOW)
    assert message in str(refused.value) and refused.value.field == "expires"


def test_a_link_ends_at_its_expiry():
    link = {"revoked_at": None, "expires_at": NOW}
    assert shares.status(link, NOW - timedelta(seconds=1)) == "live"
    assert shares.status(link, NOW) == "expired"
    assert "expired on 2026-12-04 13:00 (Europe/Berlin)" in shares.ended_message(
        link, "Europe/Berlin"
    )
    assert "does not exist" in shares.ended_message(None)


LINK = {
    "view": "/dashboard?release=3&release=5&period=28d&granularity=day&mode=gain",
    "release_ids": [3, 5],
}


@pytest.mark.parametrize(
    ("query", "needs", "problem"),
    [
        ("?release=3&release=5&period=28d&granularity=week&mode=total", True, None),
        ("?release=5&period=28d&metric=likes&platform=youtube", True, None),
        ("?release=3&release=7&period=28d", True, "names a release this link does not show"),
        ("?release=3&period=90d", True, "changes the link's period"),
        ("?release=3", True, "changes the link's period"),
        ("?release=3&period=28d&compare=1", True, "changes the link's compare"),
        ("?release=3&period=28d&view=leaderboard", True, "changes the link's view"),
        ("?period=28d", True, "names no release of this link"),
        ("", False, None),
        ("?embed=1", False, None),
        ("?release=7", False, "names a release this link does not show"),
        ("?period=all", False, "changes the link's period"),
    ],
)
def test_a_view_must_stay_in_the_links_scope(query, needs, problem):
    assert shares.query_problem(LINK, query, needs_releases=needs) == problem


def test_the_visitor_changes_only_how_the_view_is_drawn():
    query = shares.shared_query(
        LINK, {"release": ["9"], "period": ["all"], "metric": ["likes"], "mode": ["total"]}
    )
    assert query["release"] == ["3", "5"] and query["period"] == ["28d"]
    assert query["metric"] == ["likes"] and query["mode"] == ["total"]


def test_who_may_revoke():
    link = {"created_by": "eddie"}
    assert shares.may_revoke(link, "eddie", "editor")
    assert not shares.may_revoke(link, "ed", "editor")
    assert shares.may_revoke(link, None, "admin")
    assert not shares.may_revoke({"created_by": None}, None, "editor")


def test_an_artist_page_is_shared_by_its_artist(engine):
    store.apply_schema(engine)
    store.create_release(engine, "art-1", title="One", artist_name="Nova Vale")
    view, ids = shares.normalise_view(
        engine, "/artists?artist=Nova+Vale&period=90d&metric=views&embed=1"
    )
    assert view == "/artists?artist=Nova+Vale&period=90d&metric=views" and ids == []
    for bad, message in [
        ("/artists", "needs its artist"),
        ("/artists?artist=Nobody", "no release carries the artist 'Nobody'"),
        ("/artists?artist=Nova+Vale&period=all", "period 'all' is not one of"),
        ("/artists?artist=Nova+Vale&release=1", "unknown settings: release"),
    ]:
        with pytest.raises(shares.ShareError, match=message):
            shares.normalise_view(engine, bad)
    link = {"view": view, "release_ids": []}
    assert shares.is_artist(link)
    assert (
        shares.query_problem(link, "?artist=Nova+Vale&period=90d&metric=likes", needs_releases=True)
        is None
    )
    assert shares.query_problem(link, "?artist=Other&period=90d", needs_releases=True) == (
        "names an artist this link does not show"
    )
    assert shares.query_problem(link, "?period=90d", needs_releases=True) == (
        "names an artist this link does not show"
    )
    assert shares.query_problem(link, "?artist=Nova+Vale&period=7d", needs_releases=True) == (
        "changes the link's period"
    )
    assert shares.query_problem(link, "?embed=1", needs_releases=False) is None
    assert shares.shared_query(link, {"artist": ["Other"], "metric": ["likes"]}) == {
        "artist": ["Nova Vale"],
        "period": ["90d"],
        "metric": ["likes"],
    }


def test_a_link_made_through_a_scoped_engine_holds_only_its_artists(engine):
    """What a face limited to artists hands ``shares.create``: another artist's release or
    page is refused as an unknown one."""
    mine = store.create_release(engine, "s-mine", title="Mine", artist_name="Nova Vale")
    theirs = store.create_release(engine, "s-theirs", title="Theirs", artist_name="Lumen Drift")
    scoped = store.scoped(engine, ["Nova Vale"])
    made, _ = shares.create(scoped, f"/dashboard?release={mine}", None, created_by="n", tz="UTC")
    assert store.get_share_link(engine, made)["release_ids"] == [mine]
    for view, said in (
        (f"/dashboard?release={mine},{theirs}", f"release {theirs} does not exist"),
        ("/artists?artist=Lumen%20Drift", "no release carries the artist 'Lumen Drift'"),
    ):
        with pytest.raises(shares.ShareError, match=said):
            shares.create(scoped, view, None, created_by="n", tz="UTC")
    unknown = f"/dashboard?release={mine},99999"
    with pytest.raises(shares.ShareError, match="release 99999 does not exist"):
        shares.create(scoped, unknown, None, created_by="n", tz="UTC")
    assert len(store.list_share_links(engine)) == 1


def test_a_tags_overview_is_shared_by_its_tag(engine):
    store.apply_schema(engine)
    tagged = store.create_release(engine, "tag-1", title="One")
    store.set_release_tags(engine, tagged, ["summer-campaign"])
    view, ids = shares.normalise_view(
        engine, "/?tag=Summer Campaign&period=90d&platform=YouTube&embed=1"
    )
    assert view == "/overview?tag=summer-campaign&period=90d&platform=youtube" and ids == []
    assert shares.normalise_view(engine, "/overview?tag=summer-campaign")[0] == (
        "/overview?tag=summer-campaign&period=28d"
    )
    for bad, message in [
        ("/overview?tag=summer-campaign&period=12m", "period '12m' is not one of 7d, 28d, 90d"),
        ("/overview?tag=summer-campaign&release=1", "unknown settings: release"),
        ("/overview?tag=summer-campaign&artist=X", "unknown settings: artist"),
        ("/overview?tag=", "share it for one tag"),
    ]:
        with pytest.raises(shares.ShareError, match=message):
            shares.normalise_view(engine, bad)
    link = {"view": view, "release_ids": []}
    assert shares.kind(link) == "tag" and shares.is_tag(link) and not shares.is_artist(link)
    ok = "?period=90d&platform=spotify&tag=summer-campaign"
    assert shares.query_problem(link, ok, needs_releases=True) is None
    for query, needs, problem in [
        ("?period=90d&tag=lofi", True, "names a tag this link does not show"),
        ("?period=90d", True, "names a tag this link does not show"),  # the whole catalog
        ("?period=28d&tag=summer-campaign", True, "changes the link's period"),
        (
            "?period=90d&tag=summer-campaign&release=1",
            True,
            "names a release this link does not show",
        ),
        (
            "?period=90d&tag=summer-campaign&artist=X",
            True,
            "names a release this link does not show",
        ),
        ("?tag=lofi", False, "names a tag this link does not show"),
        ("?embed=1", False, None),
    ]:
        assert shares.query_problem(link, query, needs_releases=needs) == problem, query
    assert shares.shared_query(link, {"tag": ["lofi"], "period": ["7d"], "platform": []}) == {
        "tag": ["summer-campaign"],
        "period": ["90d"],
        "platform": [],
    }


def test_ended_links_are_purged_after_90_days_and_live_ones_kept(engine):
    store.apply_schema(engine)
    rid = store.create_release(engine, "purge-1", title="One")
    now = datetime.now(UTC)

    def link(name, **when):
        share_id = store.create_share_link(
            engine,
            f"hash-{name}",
            f"/dashboard?release={rid}",
            [rid],
            created_by=name,
            expires_at=None,
        )
        values = {
            k: v.replace(tzinfo=None) if engine.dialect.name == "sqlite" else v
            for k, v in when.items()
        }
        if values:
            with engine.begin() as conn:
                conn.execute(
                    share_links.update().where(share_links.c.id == share_id).values(**values)
                )
        return share_id

    old_revoked = link("old-revoked", revoked_at=now - timedelta(days=91))
    old_expired = link("old-expired", expires_at=now - timedelta(days=120))
    recent_revoked = link("recent-revoked", revoked_at=now - timedelta(days=89))
    recent_expired = link("recent-expired", expires_at=now - timedelta(days=3))
    live = link("live")
    live_expiring = link("live-expiring", expires_at=now + timedelta(days=400))
    assert store.purge_ended_share_links(engine) == 2
    kept = {r["id"] for r in store.list_share_links(engine)}
    assert kept == {recent_revoked, recent_expired, live, live_expiring}
    assert old_revoked not in kept and old_expired not in kept
    assert store.purge_ended_share_links(engine) == 0  # nothing more to go
    later = now + timedelta(days=95)  # the recent ones' 90 days are up; live ones stay
    assert store.purge_ended_share_links(engine, now=later) == 2
    assert {r["id"] for r in store.list_share_links(engine)} == {live, live_expiring}


def test_a_link_made_within_an_artist_scope_stays_in_it(engine):
    store.apply_schema(engine)
    mine = store.create_release(engine, "scope-1", title="Mine", artist_name="Nova Vale")
    other = store.create_release(engine, "scope-2", title="Other", artist_name="Hidden Band")
    for rid in (mine, other):
        store.set_release_tags(engine, rid, ["summer-campaign"])
    scoped = store.scoped(engine, {"Nova Vale"})
    view, ids = shares.normalise_view(scoped, f"/dashboard?release={mine}")
    assert ids == [mine]
    assert shares.normalise_view(scoped, "/artists?artist=Nova+Vale")[0].startswith("/artists")
    for bad, message in [
        (f"/dashboard?release={other}", f"release {other} does not exist"),
        ("/artists?artist=Hidden+Band", "no release carries the artist 'Hidden Band'"),
        ("/overview?tag=summer-campaign", "limited to artists cannot share a tag's overview"),
    ]:
        with pytest.raises(shares.ShareError, match=message):
            shares.create(scoped, bad, None, created_by="nova", tz="UTC")
    assert store.list_share_links(engine) == []
    assert shares.normalise_view(engine, "/overview?tag=summer-campaign")[0] == (
        "/overview?tag=summer-campaign&period=28d"
    )
