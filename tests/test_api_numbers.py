"""/api/v1/kpis, /series and /leaderboard against what the dashboard's callbacks show for the
same view, on SQLite and PostgreSQL, with hand-computed numbers; and their refusals."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from auth_helpers import VIEW_CALLBACK, call_callback, view_values

from perfdash import create_app, metrics, store
from perfdash.config import Settings

VIEW = "period=custom&from=2026-01-01&to=2026-01-31"


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def world(db_url, engine):
    a = store.create_release(engine, "rel-a", title="Neon Tides", artist_name="Nova Vale")
    b = store.create_release(engine, "rel-b", title="Glass Horizon")
    rows = [
        # December (the previous period) and January
        (a, "YouTube", "views", 1000, T(2025, 12, 31, 12)),
        (a, "YouTube", "views", 1400, T(2026, 1, 10, 12)),
        (a, "YouTube", "views", 1500, T(2026, 1, 20, 12)),  # +500 in January
        (a, "TikTok", "views", 100, T(2025, 12, 1, 12)),
        (a, "TikTok", "views", 300, T(2025, 12, 30, 12)),  # +200 in December
        (a, "TikTok", "views", 4300, T(2026, 1, 15, 12)),  # +4000 in January
        (b, "YouTube", "views", 10, T(2025, 12, 31, 12)),
        (b, "YouTube", "views", 2010, T(2026, 1, 25, 12)),  # +2000 in January
        (a, "Deezer", "rank", 40, T(2025, 12, 20, 12)),
        (a, "Deezer", "rank", 12, T(2026, 1, 28, 12)),
        (b, "Deezer", "rank", 7, T(2026, 1, 28, 12)),
    ]
    store.insert_metrics(
        engine,
        [
            dict(release_id=r, platform=p, metric_type=m, metric_value=v, recorded_at=t)
            for r, p, m, v, t in rows
        ],
    )
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    return {"app": app, "client": app.server.test_client(), "a": a, "b": b}


def _nodes(tree):
    """Every component in a callback's answer, depth first."""
    if isinstance(tree, dict):
        if "props" in tree:
            yield tree
            yield from _nodes(tree["props"].get("children"))
        else:
            for value in tree.values():
                yield from _nodes(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _nodes(item)


def _text(node) -> str:
    children = node["props"].get("children")
    if isinstance(children, str | int | float):
        return str(children)
    return "".join(_text(n) for n in _nodes(children) if isinstance(n, dict)) if children else ""


def _with_class(tree, name: str) -> list:
    return [n for n in _nodes(tree) if name in (n["props"].get("className") or "").split()]


def _array(value) -> list:
    """A figure's x or y as the browser gets it (plotly may send a base64 typed array)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("+", "").replace("−", "-"))


def _dashboard(world, name: str, query: str) -> dict:
    response = call_callback(world["client"], world["app"], name, view_values(query))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def test_kpis_match_the_dashboards_cards(world):
    a = world["a"]
    api = world["client"].get(f"/api/v1/kpis?release=rel-a&{VIEW.split('&', 1)[1]}").get_json()
    assert (api["from"], api["to"], api["cut_at_now"]) == (
        "2026-01-01T00:00:00+00:00",
        "2026-02-01T00:00:00+00:00",
        False,
    )
    assert (api["previous_from"], api["previous_to"]) == (
        "2025-12-01T00:00:00+00:00",
        "2026-01-01T00:00:00+00:00",
    )
    by_metric = {k["metric_type"]: k for k in api["kpis"]}
    views, rank = by_metric["views"], by_metric["rank"]
    # hand-computed: YouTube +500, TikTok +4000; totals 1500 + 4300; December: TikTok +200
    # (YouTube's only December reading is its first: it grew from itself, +0)
    assert (views["gain"], views["total"], views["previous_gain"]) == (4500, 5800, 200)
    assert views["change"] == 4300 and views["kind"] == "counter"
    assert rank == {
        "metric_type": "rank",
        "kind": "score",
        "lower_is_better": True,
        "gain": None,
        "total": 12,
        "previous_gain": None,
        "change": -28,
        "currency": None,
    }
    shown = _dashboard(world, VIEW_CALLBACK, f"?release={a}&{VIEW}&metric=views")
    cards = {n["props"]["data-metric"]: n for n in _nodes(shown) if "data-metric" in n["props"]}
    assert set(cards) == set(by_metric)
    gain = _with_class(cards["views"], "kpi-gain")[0]
    assert _number(_text(gain)) == views["gain"]
    assert _number(_text(_with_class(cards["views"], "kpi-total")[0])) == views["total"]
    assert _number(_text(_with_class(cards["rank"], "kpi-level")[0])) == rank["total"]
    change = _text(_with_class(cards["rank"], "kpi-change")[0])
    assert change == "-28 since the previous period, better"


def test_the_catalog_kpis_add_every_release(world):
    api = world["client"].get(f"/api/v1/kpis?{VIEW.split('&', 1)[1]}").get_json()
    views = next(k for k in api["kpis"] if k["metric_type"] == "views")
    assert (views["gain"], views["total"]) == (4500 + 2000, 5800 + 2010)
    assert api["releases"] == []
    rank = next(k for k in api["kpis"] if k["metric_type"] == "rank")
    assert rank["total"] == pytest.approx((12 + 7) / 2)  # the mean level, never a sum


def test_series_match_the_dashboards_chart(world):
    a = world["a"]
    query = f"release=rel-a&metric=views&{VIEW.split('&', 1)[1]}&granularity=week"
    api = world["client"].get(f"/api/v1/series?{query}").get_json()
    lines = {s["platform"]: s["points"] for s in api["series"]}
    assert set(lines) == {"youtube", "tiktok"}
    youtube = lines["youtube"]
    # weeks of 2026-01-05 (+400 from 1000) and 2026-01-19 (+100)
    assert [(p["start"][:10], p["value"]) for p in youtube] == [
        ("2026-01-05", 400),
        ("2026-01-19", 100),
    ]
    assert youtube[0]["end"] == "2026-01-12T00:00:00+00:00"
    assert all(p["complete"] for p in youtube)
    shown = _dashboard(
        world, VIEW_CALLBACK, f"?release={a}&{VIEW}&metric=views&granularity=week&mode=gain"
    )
    figure = shown["dash-series"]["figure"]
    traces = {t["name"]: t for t in figure["data"] if "previous" not in t["name"]}
    for platform, points in lines.items():
        trace = traces[metrics.platform_label(platform)]
        assert [p["value"] for p in points] == _array(trace["y"])
        assert [p["start"][:10] for p in points] == [str(x)[:10] for x in _array(trace["x"])]
    assert figure["layout"]["title"]["text"].endswith("views gained per week")


def test_a_period_into_the_future_is_cut_and_its_last_bucket_incomplete(world):
    today = datetime.now(UTC).date()
    api = (
        world["client"]
        .get(
            f"/api/v1/series?release=rel-a&from=2026-01-01&to={today.replace(year=today.year + 1)}"
        )
        .get_json()
    )
    assert api["cut_at_now"] is True
    assert api["to"] <= datetime.now(UTC).isoformat()


def test_leaderboard_matches_the_dashboard_and_follows_the_platform(world):
    a, b = world["a"], world["b"]
    rest = VIEW.split("&", 1)[1]
    api = world["client"].get(f"/api/v1/leaderboard?metric=views&platform=youtube&{rest}")
    rows = api.get_json()["rows"]
    # YouTube only: rel-b +2000 beats rel-a +500 (rel-a's TikTok +4000 is left out)
    assert [(r["release_key"], r["gain"], r["previous_gain"]) for r in rows] == [
        ("rel-b", 2000, 0),
        ("rel-a", 500, 0),
    ]
    shown = _dashboard(
        world,
        VIEW_CALLBACK,
        f"?release={a}&{VIEW}&platform=youtube&view=leaderboard&lbmetric=views",
    )
    table = [n for n in _nodes(shown) if "data-release" in n["props"]]
    assert [int(n["props"]["data-release"]) for n in table] == [b, a]
    gains = [_number(_text(_with_class(n, "lb-gain")[0])) for n in table]
    assert gains == [r["gain"] for r in rows]
    ranks = world["client"].get(f"/api/v1/leaderboard?metric=rank&{rest}").get_json()
    assert ranks["kind"] == "score" and ranks["lower_is_better"] is True
    assert [(r["release_key"], r["level"], r["gain"]) for r in ranks["rows"]] == [
        ("rel-b", 7, None),
        ("rel-a", 12, None),
    ]


def test_an_archived_release_leaves_the_leaderboard_unless_asked(world, engine):
    rest = VIEW.split("&", 1)[1]
    store.set_release_archived(engine, world["b"], True)

    def keys(query: str) -> list[str]:
        answer = world["client"].get(f"/api/v1/leaderboard?metric=views&{rest}{query}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return [r["release_key"] for r in answer.get_json()["rows"]]

    assert keys("") == ["rel-a"]
    assert keys("&archived=1") == ["rel-a", "rel-b"]  # rel-a +4500 on all platforms


def test_date_times_with_an_offset_name_exact_instants(world):
    """from/to as ISO 8601 date-times: the same numbers as the whole days they cover, in any
    offset (an unencoded "+" reads as a space and is taken back), answered with the offset."""
    client = world["client"]

    def kpis(query: str) -> dict:
        answer = client.get(f"/api/v1/kpis?{query}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()

    days = kpis("from=2026-01-01&to=2026-01-31")
    for query in (
        "from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z",
        "from=2026-01-01T01:00:00%2B01:00&to=2026-02-01T01:00:00%2B01:00",
        "from=2026-01-01T01:00:00+01:00&to=2026-01-31T19:00:00-05:00",
        "from=2026-01-01&to=2026-02-01T00:00:00Z",
    ):
        exact = kpis(query)
        assert exact["from"] == "2026-01-01T00:00:00+00:00" == days["from"], query
        assert exact["to"] == "2026-02-01T00:00:00+00:00" == days["to"], query
        assert exact["previous_from"] == days["previous_from"] == "2025-12-01T00:00:00+00:00"
        assert exact["kpis"] == days["kpis"], query
    # half a month, to the hour: rel-a's YouTube 1000 -> 1400 on 10 January 12:00 is in,
    # its 1500 of the 20th and TikTok's 4300 of the 15th are not
    half = kpis("release=rel-a&platform=youtube&from=2026-01-01T00:00Z&to=2026-01-10T13:00Z")
    views = next(k for k in half["kpis"] if k["metric_type"] == "views")
    assert views["gain"] == 400 and half["to"] == "2026-01-10T13:00:00+00:00"
    assert half["cut_at_now"] is False
    future = kpis("from=2026-01-01T00:00Z&to=2100-01-01T00:00Z")
    assert future["cut_at_now"] is True
    assert datetime.fromisoformat(future["to"]) <= datetime.now(UTC)
    series = client.get(
        "/api/v1/series?release=rel-a&metric=views&granularity=week"
        "&from=2026-01-01T00:00Z&to=2026-02-01T00:00Z"
    ).get_json()
    assert series["from"] == "2026-01-01T00:00:00+00:00"
    board = client.get(
        "/api/v1/leaderboard?metric=views&from=2026-01-20T00:00Z&to=2026-02-01T00:00Z"
    )
    assert [r["release_key"] for r in board.get_json()["rows"]] == ["rel-b", "rel-a"]


def test_times_are_answered_in_the_configured_zone(db_url, engine, world):
    app = create_app(Settings(database_url=db_url, tz="Europe/Berlin"), engine=engine)
    answer = app.server.test_client().get("/api/v1/kpis?from=2026-01-01T00:00Z&to=2026-01-02")
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert body["from"] == "2026-01-01T01:00:00+01:00"
    assert body["to"] == "2026-01-03T00:00:00+01:00"  # the local day 2 January included


@pytest.mark.parametrize(
    ("path", "field", "status"),
    [
        ("/api/v1/kpis?release=nope", "release", 404),
        ("/api/v1/kpis?from=2026-13-01", "from", 400),
        ("/api/v1/kpis?to=2026-01-31", "from", 400),
        ("/api/v1/kpis?from=2026-02-01&to=2026-01-01", "to", 400),
        ("/api/v1/kpis?from=2026-01-01T00:00:00", "from", 400),
        ("/api/v1/kpis?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to", 400),
        ("/api/v1/series?release=rel-a&from=2026-01-01&to=2026-01-31T25:00Z", "to", 400),
        ("/api/v1/leaderboard?from=yesterday", "from", 400),
        ("/api/v1/leaderboard?from=2026-01-01T00:00Z&to=" + "9" * 41, "to", 400),
        ("/api/v1/kpis?from=2999-01-01T00:00:00%2B00:00", "from", 400),
        ("/api/v1/kpis?from=1900-01-01", "from", 400),
        ("/api/v1/series?metric=rank", "metric", 400),
        ("/api/v1/series?mode=total", "mode", 400),
        ("/api/v1/series?release=rel-a&granularity=year", "granularity", 400),
        ("/api/v1/series?release=rel-a&mode=sum", "mode", 400),
        ("/api/v1/leaderboard?limit=0", "limit", 400),
        ("/api/v1/leaderboard?archived=yes", "archived", 400),
        ("/api/v1/leaderboard?metric=" + "x" * 51, "metric", 400),
    ],
)
def test_bad_views_are_refused_naming_the_field(world, path, field, status):
    response = world["client"].get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()["error"]
    assert body["details"][0]["field"] == field and field in body["message"]
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.fixture
def recent(world, engine):
    """The last days' numbers of both releases, for the overview's relative periods."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    day = timedelta(days=1)
    rows = [
        (world["a"], "YouTube", "views", 5000, now - 5 * day),
        (world["a"], "YouTube", "views", 5600, now - 3 * day),
        (world["a"], "TikTok", "views", 9000, now - 4 * day),
        (world["a"], "TikTok", "views", 9900, now - 2 * day),
        (world["b"], "YouTube", "views", 3000, now - 4 * day),
        (world["b"], "YouTube", "views", 3070, now - 1 * day),
        (world["b"], "Deezer", "rank", 5, now - 1 * day),
    ]
    store.insert_metrics(
        engine,
        [
            dict(release_id=r, platform=p, metric_type=m, metric_value=v, recorded_at=t)
            for r, p, m, v, t in rows
        ],
    )
    return world


def test_series_without_a_release_is_the_overviews_catalog_chart(recent):
    """No release: the catalog's gains per platform, the overview's chart for the same days
    (both through ``readout.catalog_line``); a score is refused, it cannot be added up."""
    today = datetime.now(UTC).date()
    days = f"from={today - timedelta(days=6)}&to={today}"
    answer = recent["client"].get(f"/api/v1/series?metric=views&{days}")
    api = answer.get_json()
    assert answer.status_code == 200, api
    assert api["catalog"] is True and api["kind"] == "counter"
    lines = {s["platform"]: s for s in api["series"]}
    assert set(lines) == {"youtube", "tiktok"}
    assert all(s["release_key"] is None for s in api["series"])
    # YouTube: rel-a +600 (5000 -> 5600; the baseline 1500 of January gives +3500 first) ...
    youtube = {p["start"][:10]: p["value"] for p in lines["youtube"]["points"]}
    assert sum(v or 0 for v in youtube.values()) == (5600 - 1500) + (3070 - 2010)
    values = {"ov-period.value": "7d", "theme-store.data": "plotly_white"}
    response = call_callback(recent["client"], recent["app"], "overview.overview", values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    figure = response.get_json()["response"]["ov-chart"]["figure"]
    traces = {t["name"]: t for t in figure["data"] if "previous" not in t["name"]}
    for platform, line in lines.items():
        trace = traces[metrics.platform_label(platform)]
        assert [p["value"] for p in line["points"]] == _array(trace["y"])
    refused = recent["client"].get(f"/api/v1/series?metric=rank&{days}")
    body = refused.get_json()["error"]
    assert refused.status_code == 400 and body["details"][0]["field"] == "metric"
    assert "score" in body["message"] and "cannot be added up" in body["message"]
    total = recent["client"].get(f"/api/v1/series?metric=views&mode=total&{days}")
    assert total.status_code == 400 and total.get_json()["error"]["details"][0]["field"] == "mode"
