"""A share link over HTTP: the one door (web.shares) lets its visitor reach the link's page
and its view's callbacks only; crafted values for another release or period, writes, other
pages and the API are refused; frame-ancestors allows PERFDASH_EMBED_ORIGINS on share
answers only; the API makes and revokes links."""

from __future__ import annotations

import pytest
from auth_helpers import call_callback, login, pattern_id, pattern_input

from perfdash import auth, create_app, shares, store
from perfdash.config import ConfigError, Settings, embed_origins

SECRET = "share-web-secret-0123456789-abcdefghijk"
PASSWORD = "correct horse battery"
ORIGINS = ("https://intranet.example.com", "https://wiki.example.com:8443")


def _app(sqlite_url, **more):
    engine = store.make_engine(sqlite_url)
    store.apply_schema(engine)
    return create_app(
        Settings(database_url=sqlite_url, auth="required", secret_key=SECRET, **more),
        engine=engine,
    )


@pytest.fixture
def world(sqlite_url):
    app = _app(sqlite_url, embed_origins=ORIGINS)
    engine = app.server.extensions["perfdash"]["engine"]
    mine = store.create_release(engine, "share-mine", title="Mine")
    other = store.create_release(engine, "share-other", title="Secret Other")
    for rid in (mine, other):
        store.add_performance_metric(rid, "YouTube", "views", 1000, engine=engine)
    auth.add_user(engine, "eddie", PASSWORD, "editor")
    auth.add_user(engine, "ada", PASSWORD, "admin")
    _, token = shares.create(
        engine, f"/dashboard?release={mine}&period=28d", None, created_by="eddie", tz="UTC"
    )
    yield {"app": app, "engine": engine, "mine": mine, "other": other, "token": token}
    engine.dispose()


def _visitor(world):
    client = world["app"].server.test_client()
    client.environ_base["HTTP_X_PERFDASH_SHARE"] = world["token"]
    return client


def _query(release, period="28d", more=""):
    return f"?release={release}&period={period}&granularity=day&mode=gain{more}"


CHANGED = ["dash-metric.value"]  # what a visitor changes (the renderer names it alone)


def _controls(release, period="28d", **more):
    """The dashboard's controls as render_view receives them."""
    return {
        "dash-release.value": [release] if not isinstance(release, list) else release,
        "dash-period.value": period,
        "dash-compare.value": False,
        "dash-granularity.value": "day",
        "dash-mode.value": "gain",
        "dash-view.active_tab": "release",
        "theme-store.data": "plotly_white",
        **more,
    }


def _summary(client, world, query_or_release, **more):
    release = query_or_release
    if isinstance(release, str):  # a query string: its first release
        release = int(release.split("release=")[1].split("&")[0])
    return call_callback(
        client, world["app"], "callbacks.render_view", _controls(release, **more), CHANGED
    )


def test_the_links_page_opens_without_an_account(world):
    client = world["app"].server.test_client()
    page = client.get(f"/share/{world['token']}")
    assert page.status_code == 200 and "share.js" in page.get_data(as_text=True)
    assert client.get("/_dash-component-suites/dash/dcc/dash_core_components.js").status_code in (
        200,
        404,  # unversioned name; the point is no sign-in redirect
    )
    frame = _visitor(world).get("/_dash-layout").get_data(as_text=True)
    assert "share-bar" in frame and "nav-entry" not in frame
    embedded = _visitor(world).get("/_dash-layout", headers={"X-Perfdash-Embed": "1"})
    assert "share-bar" not in embedded.get_data(as_text=True)


def test_the_links_view_answers_and_shows_no_other_release(world):
    client = _visitor(world)
    answer = call_callback(
        client,
        world["app"],
        "shell.route",
        {"url.pathname": f"/share/{world['token']}", "url.search": "?embed=1&metric=views"},
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200, text[:300]
    assert "Mine" in text and "Secret Other" not in text  # the picker offers the link's alone
    assert "ann-add" not in text and "dash-tab-leaderboard" not in text
    answer = _summary(client, world, _query(world["mine"]))
    assert answer.status_code == 200 and "1,000" in answer.get_data(as_text=True)


Q = _query
SHARE = "/share/{token}"
# (callback, values from (mine, other, share path), what the refusal says)
RV = "callbacks.render_view"
# (callback, values from (mine, other, share path), what the refusal says)
CRAFTED = [
    (RV, lambda m, o, p: _controls(o), "names a release this link does not show"),
    (RV, lambda m, o, p: _controls([m, o]), "names a release this link does not show"),
    (RV, lambda m, o, p: _controls([]), "names a release this link does not show"),
    (RV, lambda m, o, p: _controls(m, "all"), "changes the link's period"),
    (RV, lambda m, o, p: _controls(m, **{"dash-compare.value": True}), "comparison"),
    (RV, lambda m, o, p: _controls(m, **{"dash-view.active_tab": "leaderboard"}), "leaderboard"),
    (RV, lambda m, o, p: _controls(m, **{"dash-prev.n_clicks": 1}), "steps the link's period"),
    (RV, lambda m, o, p: _controls(m, **{"dash-query.data": Q(o)}), "names a release"),
    ("annotations.list_notes", lambda m, o, p: {"dash-release.value": [m, o]}, "a release"),
    ("annotations.list_notes", lambda m, o, p: {"dash-release.value": []}, "a release"),
    (
        "shell.route",
        lambda m, o, p: {"url.pathname": "/dashboard", "url.search": Q(o)},
        "asks for another page",
    ),
    ("shell.route", lambda m, o, p: {"url.pathname": "/share/pds_x"}, "another page"),
    (
        "shell.route",
        lambda m, o, p: {"url.pathname": p, "url.search": f"?release={o}"},
        "names a release",
    ),
    (
        "annotations.add_note",
        lambda m, o, p: {
            "ann-add.n_clicks": 1,
            "dash-release.value": [m],
            "ann-text.value": "x",
            "ann-date.value": "2026-01-01",
        },
        "nothing can be",
    ),
    (
        "share.create_link",
        lambda m, o, p: {"share-create.n_clicks": 1, "dash-query.data": Q(m)},
        "nothing can be",
    ),
    ("goals.show", lambda m, o, p: {"dash-release.value": [m]}, "nothing can be"),
    ("users.add_user", lambda m, o, p: {"admin-user-add.n_clicks": 1}, "nothing can be"),
]


@pytest.mark.parametrize(("name", "build", "problem"), CRAFTED)
def test_crafted_callbacks_are_refused_and_change_nothing(world, name, build, problem):
    values = build(world["mine"], world["other"], SHARE.format(token=world["token"]))
    engine = world["engine"]
    before = (store.list_share_links(engine), store.list_users(engine))
    changed = ["dash-prev.n_clicks"] if "dash-prev.n_clicks" in values else None
    if name == RV and changed is None:
        changed = CHANGED
    answer = call_callback(_visitor(world), world["app"], name, values, changed)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 403, text[:500]
    assert problem in text and "Secret Other" not in text
    assert (store.list_share_links(engine), store.list_users(engine)) == before


def test_a_note_cannot_be_deleted_through_a_link(world):
    note = store.create_annotation(
        world["engine"], world["mine"], store.to_utc("2026-01-02T00:00:00Z"), "launch"
    )
    key = '{"index":["ALL"],"type":"ann-delete"}.n_clicks'
    answer = call_callback(
        _visitor(world),
        world["app"],
        "annotations.delete_note",
        {key: pattern_input("ann-delete", note)},
        [f"{pattern_id('ann-delete', note)}.n_clicks"],
    )
    assert answer.status_code == 403
    assert store.get_annotation(world["engine"], note) is not None


@pytest.mark.parametrize(
    "path",
    ["/api/v1/releases", "/api/v1/metrics", "/dashboard", "/entry", "/admin", "/login", "/"],
)
def test_no_other_page_and_no_api_answer_a_link(world, path):
    answer = _visitor(world).get(path)
    assert answer.status_code == 403
    assert "A share link shows its own view only" in answer.get_data(as_text=True)
    assert _visitor(world).post("/api/v1/metrics", json=[]).status_code == 403


def test_a_link_carries_no_role_even_for_a_signed_in_admin(world):
    client = world["app"].server.test_client()
    assert login(client, "ada", PASSWORD).status_code == 302
    client.environ_base["HTTP_X_PERFDASH_SHARE"] = world["token"]
    answer = call_callback(
        client,
        world["app"],
        "users.add_user",
        {"admin-user-add.n_clicks": 1, "admin-user-name.value": "x"},
    )
    assert answer.status_code == 403
    assert _summary(client, world, _query(world["other"])).status_code == 403


def test_revoked_expired_and_unknown_links_are_refused(world):
    engine = world["engine"]
    link = shares.lookup(engine, world["token"])
    store.revoke_share_link(engine, link["id"])
    page = world["app"].server.test_client().get(f"/share/{world['token']}")
    assert page.status_code == 410 and "was revoked" in page.get_data(as_text=True)
    assert "Try again" not in page.get_data(as_text=True)
    answer = _summary(_visitor(world), world, _query(world["mine"]))
    assert answer.status_code == 410 and "was revoked" in answer.get_json()["error"]
    unknown = world["app"].server.test_client().get("/share/pds_nothing-here")
    assert unknown.status_code == 404 and "does not exist" in unknown.get_data(as_text=True)
    assert world["app"].server.test_client().post(f"/share/{world['token']}").status_code == 410


def test_frame_ancestors_allow_the_embed_origins_on_share_answers_only(world):
    client = world["app"].server.test_client()
    page = client.get(f"/share/{world['token']}?embed=1")
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors https://intranet.example.com https://wiki.example.com:8443" in csp
    assert "X-Frame-Options" not in page.headers
    framed = _visitor(world).get("/_dash-layout")
    assert (
        "frame-ancestors https://intranet.example.com" in framed.headers["Content-Security-Policy"]
    )
    for other in (client.get("/login"), client.get("/dashboard"), client.get("/healthz")):
        assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]
        assert other.headers["X-Frame-Options"] == "DENY"
    ended = client.get("/share/pds_nothing-here")
    assert ended.headers["X-Frame-Options"] == "DENY"


def test_no_embed_origins_means_no_framing_at_all(sqlite_url):
    app = _app(sqlite_url)
    engine = app.server.extensions["perfdash"]["engine"]
    rid = store.create_release(engine, "share-x", title="X")
    _, token = shares.create(engine, f"/dashboard?release={rid}", None, created_by=None, tz="UTC")
    page = app.server.test_client().get(f"/share/{token}?embed=1")
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_embed_origins_are_read_strictly():
    assert embed_origins(" https://a.example, https://B.example:8443/ http://c.test ") == (
        "https://a.example",
        "https://b.example:8443",
        "http://c.test",
    )
    assert embed_origins(None) == () and embed_origins("") == ()
    for bad in (
        "*",
        "https://a.example/path",
        "a.example",
        "https://a.example;script-src *",
        "'self'",
        "javascript:alert(1)",
    ):
        with pytest.raises(ConfigError, match="PERFDASH_EMBED_ORIGINS"):
            embed_origins(bad)


# --------------------------------------------------------------------------- the API


@pytest.fixture
def api(world):
    engine = world["engine"]
    editor = {"Authorization": f"Bearer {auth.create_token(engine, 'ci', 'editor')}"}
    other = {"Authorization": f"Bearer {auth.create_token(engine, 'other', 'editor')}"}
    viewer = {"Authorization": f"Bearer {auth.create_token(engine, 'reader', 'viewer')}"}
    return world["app"].server.test_client(), editor, other, viewer


def test_the_api_makes_a_link_that_opens_and_revokes_it(world, api):
    client, editor, other, viewer = api
    body = {"view": f"/dashboard?release={world['mine']}&period=7d", "expires": "2027-01-01"}
    made = client.post("/api/v1/shares", json=body, headers=editor)
    assert made.status_code == 201, made.get_data(as_text=True)
    out = made.get_json()
    assert set(out) == {"id", "url", "view", "expires_at"}
    assert out["url"].startswith("http://localhost/share/pds_")
    assert made.headers["Location"] == f"/api/v1/shares/{out['id']}"
    assert out["expires_at"] == "2027-01-01T00:00:00+00:00"
    link = store.get_share_link(world["engine"], out["id"])
    assert link["created_by"] == "token:ci" and out["url"].rsplit("/", 1)[1] not in str(link)
    path = out["url"].removeprefix("http://localhost")
    assert world["app"].server.test_client().get(path).status_code == 200

    assert client.delete(f"/api/v1/shares/{out['id']}", headers=viewer).status_code == 403
    assert client.delete(f"/api/v1/shares/{out['id']}", headers=other).status_code == 403
    assert client.delete(f"/api/v1/shares/{out['id']}", headers=editor).status_code == 204
    assert client.delete(f"/api/v1/shares/{out['id']}", headers=editor).status_code == 404
    assert client.delete("/api/v1/shares/99999", headers=editor).status_code == 404
    assert world["app"].server.test_client().get(path).status_code == 410


@pytest.mark.parametrize(
    ("body", "status", "field", "message"),
    [
        ({"view": "/launches"}, 400, "view", "only dashboard views"),
        ({"view": "/dashboard?release=OTHER&view=leaderboard"}, 400, "view", "cannot be shared"),
        ({"view": 3}, 400, "view", "must be text"),
        ({"view": None}, 400, "view", "must be text"),
        ({"view": "/dashboard?release=MINE", "expires": "2001-01-01"}, 400, "expires", "future"),
        ({"view": "/dashboard?release=MINE", "expires": 2027}, 400, "expires", "must be a date"),
        ({"view": "/dashboard?release=MINE", "colour": "red"}, 400, "colour", "Unknown field"),
        (["/dashboard"], 400, None, "JSON object"),
    ],
)
def test_the_api_refuses_bad_links_by_field(world, api, body, status, field, message):
    client, editor, _, _ = api
    if isinstance(body, dict) and isinstance(body.get("view"), str):
        body = {
            **body,
            "view": body["view"]
            .replace("MINE", str(world["mine"]))
            .replace("OTHER", str(world["other"])),
        }
    before = store.list_share_links(world["engine"])
    answer = client.post("/api/v1/shares", json=body, headers=editor)
    assert answer.status_code == status
    error = answer.get_json()["error"]
    assert message in error["message"]
    if field:
        assert error["details"][0]["field"] == field
    assert store.list_share_links(world["engine"]) == before


def test_the_api_needs_an_editor_token(world, api):
    client, _, _, viewer = api
    body = {"view": f"/dashboard?release={world['mine']}"}
    assert client.post("/api/v1/shares", json=body).status_code == 401
    assert client.post("/api/v1/shares", json=body, headers=viewer).status_code == 403
    assert len(store.list_share_links(world["engine"])) == 1


def test_a_link_is_revoked_by_its_creator_or_an_admin_on_the_page(world):
    engine = world["engine"]
    link = shares.lookup(engine, world["token"])
    auth.add_user(engine, "edna", PASSWORD, "editor")
    key = '{"index":["ALL"],"type":"share-revoke"}.n_clicks'
    values = {key: pattern_input("share-revoke", link["id"])}
    changed = [f"{pattern_id('share-revoke', link['id'])}.n_clicks"]
    for who, revoked in (("edna", False), ("eddie", True)):
        client = world["app"].server.test_client()
        assert login(client, who, PASSWORD).status_code == 302
        answer = call_callback(client, world["app"], "share.revoke_link", values, changed)
        assert answer.status_code == 200
        assert (store.get_share_link(engine, link["id"])["revoked_at"] is not None) is revoked
    _, token = shares.create(
        engine, f"/dashboard?release={world['mine']}", None, created_by="edna", tz="UTC"
    )
    second = shares.lookup(engine, token)["id"]
    admin = world["app"].server.test_client()
    assert login(admin, "ada", PASSWORD).status_code == 302
    answer = call_callback(
        admin,
        world["app"],
        "shares.revoke_share",
        {"admin-share-confirm.n_clicks": 1, "admin-share-pick.value": second},
    )
    assert "Revoked link" in answer.get_data(as_text=True)
    assert store.get_share_link(engine, second)["revoked_at"] is not None
    editor = world["app"].server.test_client()
    assert login(editor, "eddie", PASSWORD).status_code == 302
    refused = call_callback(
        editor,
        world["app"],
        "shares.revoke_share",
        {"admin-share-confirm.n_clicks": 1, "admin-share-pick.value": second},
    )
    assert "needs the admin role" in refused.get_data(as_text=True)


def test_an_artist_link_shows_its_artist_and_no_other(world):
    engine = world["engine"]
    store.create_release(engine, "art-a", title="Alpha Song", artist_name="Nova Vale")
    store.create_release(engine, "art-b", title="Beta Song", artist_name="Hidden Band")
    _, token = shares.create(
        engine, "/artists?artist=Nova Vale&period=28d", None, created_by="eddie", tz="UTC"
    )
    client = world["app"].server.test_client()
    assert client.get(f"/share/{token}").status_code == 200
    client.environ_base["HTTP_X_PERFDASH_SHARE"] = token
    page = call_callback(
        client, world["app"], "shell.route", {"url.pathname": f"/share/{token}", "url.search": ""}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nova Vale" in text and "Hidden Band" not in text
    view = call_callback(
        client,
        world["app"],
        "artists.artist_view",
        {"art-query.data": "?artist=Nova+Vale&period=28d&metric=views"},
    )
    assert view.status_code == 200, view.get_data(as_text=True)[:300]
    assert "Alpha Song" in view.get_data(as_text=True)
    assert "Hidden Band" not in view.get_data(as_text=True)  # no ranking of the others
    for values, problem in [
        ({"art-query.data": "?artist=Hidden+Band&period=28d"}, "names an artist"),
        ({"art-query.data": "?artist=Nova+Vale&period=90d"}, "changes the link's period"),
    ]:
        refused = call_callback(client, world["app"], "artists.artist_view", values)
        assert refused.status_code == 403 and problem in refused.get_data(as_text=True)
    refused = call_callback(
        client,
        world["app"],
        "artists.query_string",
        {"art-artist.value": "Hidden Band", "art-period.value": "28d"},
    )
    assert refused.status_code == 403
    dashboard = _summary(client, world, _query(world["mine"]))
    assert dashboard.status_code == 403  # an artist's link opens no dashboard view


def test_the_api_lists_the_links_its_token_made(world, api):
    client, editor, other, viewer = api
    body = {"view": f"/dashboard?release={world['mine']}&period=7d", "expires": "2027-01-01"}
    made = client.post("/api/v1/shares", json=body, headers=editor).get_json()
    theirs = client.post("/api/v1/shares", json=body, headers=other).get_json()
    client.delete(f"/api/v1/shares/{theirs['id']}", headers=other)

    listed = client.get("/api/v1/shares", headers=editor)
    assert listed.status_code == 200, listed.get_data(as_text=True)
    rows = listed.get_json()["data"]
    assert [r["id"] for r in rows] == [made["id"]]
    assert rows[0]["view"] == made["view"] and rows[0]["status"] == "live"
    assert rows[0]["created_by"] == "token:ci"
    assert rows[0]["expires_at"] == "2027-01-01T00:00:00+00:00" and rows[0]["revoked_at"] is None
    token = made["url"].rsplit("/", 1)[1]
    assert token not in listed.get_data(as_text=True)  # a list never shows a token
    assert "token_hash" not in rows[0]

    theirs_listed = client.get("/api/v1/shares", headers=other).get_json()["data"]
    assert [(r["id"], r["status"]) for r in theirs_listed] == [(theirs["id"], "revoked")]
    assert client.get("/api/v1/shares", headers=viewer).status_code == 403
    assert client.get("/api/v1/shares").status_code == 401
