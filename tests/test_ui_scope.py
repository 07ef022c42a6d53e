"""An artist-scoped user, signed in through the real sign-in form, across every page's reads
over HTTP (``/_dash-update-component`` with the session cookie, as a browser sends them): the
pages' layouts, the dashboard (a release view naming another artist's release, the
leaderboard), its CSV export, the overview, launches, alerts, artists, what works, the release
picker's search, notes and goals.  Only the user's artist's releases appear.

Every callback of the app is either called here or named in ``NO_RELEASES`` with why, so a new
page's read cannot be forgotten.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from auth_helpers import login, view_values

from perfdash import auth, create_app, store
from perfdash.config import Settings

SECRET = "scope-test-secret-key-0123456789-abcdefghij"
PASSWORD = "nova-viewer-password-1"
MINE = "Nova Vale"
KEY = re.compile(r"(?<![\w-])demo-\d{3}(?!\d)")
THEME = {"theme-store.data": "plotly_white"}
LB = {"dash-lb-metric.value": "views"}  # the leaderboard's metric, as its picker sends it
# callbacks that show no release's data, or that a viewer cannot run (writes: refused for a
# viewer, tests/test_ui_roles.py), by module.function
NO_RELEASES = {
    "pages.overview.query",  # the URL of the overview's own controls
    "pages.artists.query_string",  # the URL of the artist page's controls
    "panels.annotations.date_from_click",  # a clicked point's date
    "pages.entry.metric_form.editing_mode",
    "pages.entry.metric_form.edit",
    "pages.entry.csv_import.ready",
    "pages.entry.csv_import.poll",  # an import job of the user's (a viewer has none)
    "panels.collect_now.poll",
    "pages.entry.metric_kinds.pick_kind",  # metric kinds are the catalog's words
    "pages.entry.releases.archived_options",
    "panels.share.open_share",  # an editor's dialogue
    "panels.share.list_links",  # an editor's links
    "pages.digests.refresh",  # the user's own subscriptions
    "pages.admin.users.refresh_users",  # admins only
    "pages.admin.users.ask_remove",
    "pages.admin.tokens.refresh_tokens",
    "pages.admin.tokens.ask_revoke",
    "pages.admin.shares.refresh_shares",
    "pages.admin.shares.ask_revoke_share",
    "pages.entry.release_admin.ask",
    "panels.saved_views.delete_view",  # the user's own saved views (their URLs)
    "panels.saved_views.make_default",
}
WRITES = re.compile(
    r"\.(add|add_note|add_user|delete|delete_note|remove|remove_user|submit|undo|save_\w+|"
    r"archive|upload|confirm|collect_now|create_\w+|revoke_\w+|change_user)$"
)


def _name(entry: dict) -> str:
    func = entry.get("callback")
    func = getattr(func, "__wrapped__", func)
    return "" if func is None else f"{func.__module__}.{func.__name__}".replace("perfdash.ui.", "")


def _spec(item: dict, values: dict[str, Any]) -> Any:
    key = f"{item['id']}.{item['property']}"
    if item["id"].startswith("{"):
        return values.get(key, [])
    return {"id": item["id"], "property": item["property"], "value": values.get(key)}


def _body(key: str, entry: dict, values: dict[str, Any]) -> dict[str, Any]:
    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
        for part in (key.strip(".").split("...") if key.startswith("..") else [key])
    ]
    inputs = [_spec(i, values) for i in entry["inputs"]]
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": [_spec(s, values) for s in entry["state"]],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)],
    }


class World:
    def __init__(self, demo_db: str) -> None:
        self.engine = store.make_engine(demo_db)
        rows = store.releases_page(self.engine, limit=1000)
        self.mine = sorted(r["id"] for r in rows if r["artist_name"] == MINE)
        self.theirs = sorted(r["id"] for r in rows if r["artist_name"] != MINE)
        self.my_keys = {r["release_id"] for r in rows if r["artist_name"] == MINE}
        self.titles = {r["id"]: r["title"] for r in rows}  # the demo's titles are unique
        self.others = {r["artist_name"] for r in rows if r["artist_name"] != MINE}
        auth.add_user(self.engine, "nova", PASSWORD, "viewer", [MINE])
        auth.add_user(self.engine, "vic", PASSWORD, "viewer")
        self.app = create_app(
            Settings(database_url=demo_db, auth="required", secret_key=SECRET),
            engine=self.engine,
        )

    def client(self, who: str):
        client = self.app.server.test_client()
        assert login(client, who, PASSWORD).status_code == 302
        return client

    def leaks(self, text: str) -> list[str]:
        found = [k for k in KEY.findall(text) if k not in self.my_keys]
        return found + [a for a in self.others if a in text or a.replace("&", "\\u0026") in text]

    def call(self, client, name: str, values: dict[str, Any]) -> tuple[int, dict | None, str]:
        found = [(k, e) for k, e in self.app.callback_map.items() if _name(e) == name]
        assert found, name
        key, entry = next((k, e) for k, e in found if _mine(e, values))
        answer = client.post("/_dash-update-component", json=_body(key, entry, values))
        text = answer.get_data(as_text=True)
        return answer.status_code, answer.get_json(silent=True), text


def _mine(entry: dict, values: dict[str, Any]) -> bool:
    """The entry whose inputs ``values`` names (three pickers share ``components.search``)."""
    return all(f"{i['id']}.{i['property']}" in values for i in entry["inputs"][:1])


@pytest.fixture
def world(demo_db):
    w = World(demo_db)
    mine, theirs = w.mine[0], w.theirs[0]
    at = "2026-10-01T00:00:00+00:00"
    from datetime import datetime

    for pk, text in ((mine, "Nova Vale on a playlist"), (theirs, "Lumen Drift on the radio")):
        store.create_annotation(w.engine, pk, datetime.fromisoformat(at), text)
    yield w
    w.engine.dispose()


def _calls(w: World) -> dict[str, list[dict[str, Any]]]:
    """The values each read callback is sent with: the user's releases and another artist's."""
    both = [w.mine[0], w.theirs[0]]
    dashboard = f"release={w.mine[0]},{w.theirs[0]}&period=90d"
    search = "demo"
    return {
        "shell.route": [
            {"url.pathname": page, "url.search": ""}
            for page in (
                "/overview",
                "/dashboard",
                "/entry",
                "/alerts",
                "/launches",
                "/artists",
                "/digests",
                "/what-works",
            )
        ]
        + [{"url.pathname": "/dashboard", "url.search": f"?{dashboard}"}],
        "pages.overview.overview": [
            {"ov-period.value": p, "ov-platform.value": [], "ov-tag.value": t, **THEME}
            for p, t in (("28d", None), ("90d", None), ("90d", "lofi"))
        ],
        "pages.overview.attention": [{"ov-period.value": "90d"}],
        "pages.overview.tag_goals": [{"ov-tag.value": t} for t in ("lofi", None)],
        "components.search": [
            {"dash-release.search_value": search, "dash-release.value": both},
            {"dash-release.search_value": "", "dash-archived.value": True},
            {"entry-release_id.search_value": search},
            {"entry-rel-pick.search_value": search, "entry-rel-show-archived.value": True},
        ],
        "pages.dashboard.callbacks.render_view": [
            view_values(dashboard),
            view_values("period=90d&view=leaderboard", LB),
            view_values("period=90d&view=leaderboard&archived=1", LB),
            view_values(f"release={w.theirs[0]}&period=90d"),
        ],
        "panels.annotations.list_notes": [{"dash-release.value": both, "ann-version.data": 0}],
        "panels.goals.show": [{"dash-release.value": both, "goal-version.data": 0}],
        "pages.entry.latest.latest": [
            {"entry-release_id.value": pk, "entry-changed.data": 0} for pk in both
        ],
        "pages.entry.releases.pick_release": [{"entry-rel-pick.value": pk} for pk in both],
        "pages.entry.release_admin.buttons": [
            {"entry-rel-pick.value": pk, "entry-rel-admin-version.data": 0} for pk in both
        ],
        "pages.entry.release_tags.show_tags": [{"entry-rel-pick.value": pk} for pk in both],
        "pages.alerts.alerts_list": [{"alerts-window.value": d} for d in (7, 30, 90)],
        "pages.launches.tag_releases": [{"launch-tag.value": "lofi"}],
        "pages.launches.launch_chart": [
            {
                "launch-releases.value": ids,
                "launch-metric.value": "views",
                "launch-horizon.value": 30,
                "launch-mode.value": "total",
                **THEME,
            }
            for ids in (both, w.theirs[:3], [])
        ],
        "pages.artists.artist_view": [
            {"art-query.data": q, **THEME}
            for q in (
                "?period=28d&metric=views",
                f"?artist={MINE}&period=28d&metric=views",
                "?artist=Lumen%20Drift&period=28d&metric=views",
            )
        ],
        "pages.what_works.terms": [{"ww-metric.value": "views", "ww-day.value": "7"}],
        "pages.digests.preview": [
            {"digest-preview.n_clicks": 1, "digest-preview-period.value": p} for p in ("week",)
        ],
    }


def test_every_read_callback_shows_only_the_users_artist(world):
    calls = _calls(world)
    names = {_name(e) for e in world.app.callback_map.values()} - {""}
    exports = {"pages.dashboard.records.export", "pages.what_works.export"}  # below
    forgotten = {n for n in names - set(calls) - NO_RELEASES - exports if not WRITES.search(n)}
    assert forgotten == set(), "read callbacks this test does not call"
    nova, vic = world.client("nova"), world.client("vic")
    seen_other = 0
    for name, cases in calls.items():
        for values in cases:
            status, _, text = world.call(nova, name, values)
            assert status in (200, 204), (name, values, text[:300])
            assert world.leaks(text) == [], (name, values)
            _, _, unscoped = world.call(vic, name, values)
            seen_other += bool(world.leaks(unscoped))
    assert seen_other >= 12  # an unscoped viewer's same calls show other artists


def _response(text: str) -> dict:
    return json.loads(text)["response"]


def test_the_leaderboard_and_overview_hold_the_users_releases_and_their_numbers(world):
    nova, vic = world.client("nova"), world.client("vic")
    values = view_values("period=90d&view=leaderboard", LB)

    def shown(client) -> set[int]:
        _, _, text = world.call(client, "pages.dashboard.callbacks.render_view", values)
        return {pk for pk, title in world.titles.items() if title in text}

    assert shown(nova) == set(world.mine)  # every release of the artist, no other
    assert shown(vic) - set(world.mine)  # an unscoped viewer's board has other artists

    # the overview's catalog is the artist's: its views card says what /kpis says for them
    token = auth.create_token(world.engine, "nova-api", "viewer", [MINE])
    kpis = nova.get("/api/v1/kpis", headers={"Authorization": f"Bearer {token}"}).get_json()["kpis"]
    views = next(k for k in kpis if k["metric_type"] == "views")
    overview = {"ov-period.value": "90d", "ov-platform.value": [], "ov-tag.value": None, **THEME}
    _, _, text = world.call(nova, "pages.overview.overview", overview)
    assert f"{views['gain']:,}" in text
    _, _, catalog = world.call(vic, "pages.overview.overview", overview)
    assert f"{views['gain']:,}" not in catalog


def test_the_csv_export_holds_only_the_users_releases(world):
    nova = world.client("nova")
    values = view_values(f"release={world.mine[0]},{world.theirs[0]}&period=90d")
    _, body, _ = world.call(nova, "pages.dashboard.callbacks.render_view", values)
    rows = body["response"]["dash-table-rows"]["data"]
    assert rows and all(world.titles[world.mine[0]] in r["release"] for r in rows)
    export = {"dash-export.n_clicks": 1, "dash-table-rows.data": rows, "dash-table-page.data": 0}
    _, body, text = world.call(nova, "pages.dashboard.records.export", export)
    csv_text = body["response"]["dash-download"]["data"]["content"]
    assert csv_text.count("\n") == len(rows) + 1 and world.leaks(csv_text) == []
    _, body, _ = world.call(nova, "pages.what_works.terms", {"ww-metric.value": "views"})
    shown = json.dumps(body["response"])
    assert world.leaks(shown) == []


def test_another_artists_release_is_an_unknown_one_on_the_dashboard(world):
    nova = world.client("nova")
    theirs = view_values(f"release={world.theirs[0]}&period=90d")
    nowhere = view_values("release=99999&period=90d")
    _, a, _ = world.call(nova, "pages.dashboard.callbacks.render_view", theirs)
    _, b, _ = world.call(nova, "pages.dashboard.callbacks.render_view", nowhere)
    # the same answer, but for the id it repeats ("#99999 has no metrics yet")
    unknown = json.dumps(b["response"], sort_keys=True).replace("99999", str(world.theirs[0]))
    assert json.dumps(a["response"], sort_keys=True) == unknown


def test_a_scoped_account_stays_a_viewer(world):
    with pytest.raises(ValueError, match="must have the viewer role"):
        auth.add_user(world.engine, "nova-ed", PASSWORD, "editor", [MINE])
    with pytest.raises(ValueError, match="No release carries the artist 'Nova'"):
        auth.add_user(world.engine, "typo", PASSWORD, "viewer", ["Nova"])
    users = store.list_users(world.engine)
    assert "stays a viewer" in auth.access_change_problem(users, "nova", role="editor")
    assert auth.access_change_problem(users, "vic", role="editor") is None
