"""A tag's share link over HTTP: the overview of one tag opens without an account and every
callback answer holds that tag's releases only; a crafted callback that widens it (another
tag, no tag = the whole catalog, another period, the catalog's alerts, another page) is
refused with 403; the API makes such a link and refuses a tag no release carries; ended links
go 90 days after they ended, through the job path that tidies after every job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from auth_helpers import call_callback

from perfdash import auth, create_app, jobs, shares, store
from perfdash.config import Settings
from perfdash.jobs.schedules import run_scheduled
from perfdash.schema import share_links

SECRET = "tag-share-web-secret-0123456789-abcdefgh"
TAG = "summer-campaign"
SHOWN = ("Summer One", "Summer Two")
HIDDEN = ("Lofi Secret", "Untagged Secret")


@pytest.fixture
def world(sqlite_url):
    engine = store.make_engine(sqlite_url)
    app = create_app(
        Settings(database_url=sqlite_url, auth="required", secret_key=SECRET, tz="UTC"),
        engine=engine,
    )
    now = datetime.now(UTC)
    ids = {}
    for n, (title, tag) in enumerate(
        [
            ("Summer One", TAG),
            ("Summer Two", TAG),
            ("Lofi Secret", "lofi"),
            ("Untagged Secret", None),
        ]
    ):
        rid = store.create_release(engine, f"tagshare-{n}", title=title, artist_name=f"Band {n}")
        if tag:
            store.set_release_tags(engine, rid, [tag])
        for days, value in ((20, 1000), (1, 5000 + 1000 * n)):
            store.add_performance_metric(
                rid, "YouTube", "views", value, engine=engine, recorded_at=now - timedelta(days)
            )
        ids[title] = rid
    _, token = shares.create(engine, f"/?tag={TAG}&period=28d", None, created_by="eddie", tz="UTC")
    yield {"app": app, "engine": engine, "ids": ids, "token": token}
    engine.dispose()


def _visitor(world):
    client = world["app"].server.test_client()
    client.environ_base["HTTP_X_PERFDASH_SHARE"] = world["token"]
    return client


def _numbers(tag=TAG, period="28d", platforms=None):
    return {
        "ov-period.value": period,
        "ov-platform.value": platforms or [],
        "ov-tag.value": tag,
        "theme-store.data": "plotly_white",
    }


def _text(answer) -> str:
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200, text[:400]
    return text


def test_the_tags_link_opens_without_an_account_and_shows_the_tag_only(world):
    page = world["app"].server.test_client().get(f"/share/{world['token']}")
    assert page.status_code == 200 and "share.js" in page.get_data(as_text=True)
    client = _visitor(world)
    assert "this tag's releases" in _text(client.get("/_dash-layout"))
    layout = _text(
        call_callback(
            client,
            world["app"],
            "shell.route",
            {"url.pathname": f"/share/{world['token']}", "url.search": "?platform=youtube"},
        )
    )
    assert f"Tag {TAG}" in layout and '"lofi' not in layout  # the picker offers the link's tag
    assert "ov-alerts" not in layout and "ov-stale" not in layout  # no catalog-wide lists
    assert "share-open" not in layout  # a visitor makes no link

    numbers = _text(call_callback(client, world["app"], "overview.overview", _numbers()))
    for title in SHOWN:
        assert title in numbers
    for title in HIDDEN:
        assert title not in numbers
    assert "Tag summer-campaign (2 releases)" in numbers
    assert "ov-link" not in numbers and "/dashboard?" not in numbers  # names, not links away
    # the platforms are the visitor's to change
    youtube = call_callback(
        client, world["app"], "overview.overview", _numbers(platforms=["youtube"])
    )
    assert all(title not in _text(youtube) for title in HIDDEN)
    query = call_callback(
        client, world["app"], "overview.query", {**_numbers(), "ov-query.data": None}
    )
    assert f"tag={TAG}" in _text(query)
    assert _text(call_callback(client, world["app"], "overview.tag_goals", {"ov-tag.value": TAG}))


CRAFTED = [
    ("overview.overview", _numbers(tag=None), "names a tag this link does not show"),
    ("overview.overview", _numbers(tag="lofi"), "names a tag this link does not show"),
    ("overview.overview", _numbers(period="90d"), "changes the link's period"),
    ("overview.tag_goals", {"ov-tag.value": "lofi"}, "names a tag this link does not show"),
    ("overview.tag_goals", {"ov-tag.value": None}, "names a tag this link does not show"),
    ("overview.query", {**_numbers(), "ov-query.data": "?period=28d&tag=lofi"}, "names a tag"),
    ("overview.query", {**_numbers(), "ov-query.data": "?period=28d"}, "names a tag"),
    ("overview.attention", {"ov-period.value": "28d"}, "nothing can be"),  # catalog alerts
    ("artists.artist_view", {"art-query.data": "?artist=Band+2&period=28d"}, "nothing can be"),
    ("callbacks.render_view", {"dash-release.value": [1], "dash-period.value": "28d"}, "nothing"),
    ("share.create_link", {"share-create.n_clicks": 1}, "nothing can be"),  # a write
]


@pytest.mark.parametrize(("name", "values", "problem"), CRAFTED)
def test_crafted_widening_is_refused(world, name, values, problem):
    answer = call_callback(_visitor(world), world["app"], name, values)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 403, text[:400]
    assert problem in text and all(title not in text for title in HIDDEN)


@pytest.mark.parametrize(
    ("pathname", "search", "problem"),
    [
        ("{share}", "?tag=lofi", "names a tag this link does not show"),
        ("{share}", "?tag=summer-campaign&period=90d", "changes the link's period"),
        ("{share}", "?release=3", "names a release this link does not show"),
        ("/overview", "?tag=summer-campaign", "asks for another page"),
    ],
)
def test_a_crafted_url_is_refused(world, pathname, search, problem):
    values = {
        "url.pathname": pathname.format(share=f"/share/{world['token']}"),
        "url.search": search,
    }
    answer = call_callback(_visitor(world), world["app"], "shell.route", values)
    assert answer.status_code == 403 and problem in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/overview", "/?tag=lofi", "/api/v1/kpis?tag=lofi", "/artists"])
def test_no_other_page_and_no_api_answer_a_tags_link(world, path):
    answer = _visitor(world).get(path)
    assert answer.status_code == 403
    assert "A share link shows its own view only" in answer.get_data(as_text=True)


def test_the_api_makes_a_tags_link_and_refuses_an_unknown_tag(world):
    engine = world["engine"]
    editor = {"Authorization": f"Bearer {auth.create_token(engine, 'ci', 'editor')}"}
    client = world["app"].server.test_client()
    body = {"view": "/?tag=Summer Campaign&period=7d&platform=YouTube"}
    made = client.post("/api/v1/shares", json=body, headers=editor)
    assert made.status_code == 201, made.get_data(as_text=True)
    out = made.get_json()
    assert out["view"] == f"/overview?tag={TAG}&period=7d&platform=youtube"
    assert store.get_share_link(engine, out["id"])["release_ids"] == []
    path = out["url"].removeprefix("http://localhost")
    assert world["app"].server.test_client().get(path).status_code == 200

    before = store.list_share_links(engine)
    for view, message in [
        ("/overview?tag=winter-campaign", "tag 'winter-campaign' is on no release"),
        ("/overview", "share it for one tag"),
        ("/overview?tag=summer-campaign&period=12m", "period '12m' is not one of 7d, 28d, 90d"),
        ("/overview?tag=a%3Cb", "Tag 'a<b' may hold letters, digits and inner hyphens only"),
    ]:
        answer = client.post("/api/v1/shares", json={"view": view}, headers=editor)
        assert answer.status_code == 400, view
        error = answer.get_json()["error"]
        assert message in error["message"] and error["details"][0]["field"] == "view"
        assert message in error["details"][0]["message"]
    assert store.list_share_links(engine) == before
    # an artist-scoped token is a viewer: it makes no link, of a tag or of its own artist
    scoped = auth.create_token(engine, "band-feed", "viewer", artists=["Band 0"])
    for view in (f"/overview?tag={TAG}", "/artists?artist=Band+0"):
        answer = client.post(
            "/api/v1/shares", json={"view": view}, headers={"Authorization": f"Bearer {scoped}"}
        )
        assert answer.status_code == 403
    assert store.list_share_links(engine) == before


# --------------------------------------------------------------------------- the purge


def _aged(engine, share_id, **when):
    sqlite = engine.dialect.name == "sqlite"
    values = {k: v.replace(tzinfo=None) if sqlite else v for k, v in when.items()}
    with engine.begin() as conn:
        conn.execute(share_links.update().where(share_links.c.id == share_id).values(**values))


def test_the_scheduled_job_path_purges_ended_links(engine):
    """What a worker's beat runs (any job: here the alerts schedule) tidies the links too."""
    store.apply_schema(engine)
    rid = store.create_release(engine, "purge-job", title="Purged")
    now = datetime.now(UTC)
    made = {}
    for name in ("old-revoked", "old-expired", "recent-revoked", "live"):
        made[name], _ = shares.create(
            engine, f"/dashboard?release={rid}", None, created_by=name, tz="UTC"
        )
    _aged(engine, made["old-revoked"], revoked_at=now - timedelta(days=100))
    _aged(engine, made["old-expired"], expires_at=now - timedelta(days=91))
    _aged(engine, made["recent-revoked"], revoked_at=now - timedelta(days=30))
    settings = Settings(database_url=str(engine.url), alerts_schedule="45 6 * * *")
    ctx = jobs.JobContext(settings, engine)
    firing = now.replace(hour=6, minute=45, second=5, microsecond=0)
    assert run_scheduled(ctx, "alerts", firing) == "done"
    kept = {r["created_by"] for r in store.list_share_links(engine)}
    assert kept == {"recent-revoked", "live"}
