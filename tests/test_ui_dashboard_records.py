"""The records table's pieces that need no browser: the sort order and page a browser may
send (refused before the callback when the table never sets them) and the rows it draws."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from auth_helpers import VIEW_CALLBACK, call_callback, view_values

from perfdash import store
from perfdash.ui.pages.dashboard import records

NEWEST_FIRST = [("recorded_at", "desc")]


@pytest.mark.parametrize(
    "sent",
    [
        None,
        "metric_value",
        {},
        {"column": "id; DROP TABLE content_performance", "direction": "asc"},
        {"column": "metric_value", "direction": "sideways"},
        {"column": ["metric_value"], "direction": "asc"},
        {"column": "platform", "direction": ["asc"]},
    ],
)
def test_a_sort_the_table_does_not_offer_sorts_newest_first(sent):
    assert records.sort_order(sent) == NEWEST_FIRST


def test_a_column_of_the_table_sorts_either_way():
    assert records.sort_order({"column": "metric_value", "direction": "asc"}) == [
        ("metric_value", "asc")
    ]
    assert records.sort_order({"column": "platform", "direction": "desc"}) == [("platform", "desc")]


def test_a_row_shows_every_column_and_groups_the_value():
    row = records.body(
        [{"recorded_at": "2026-11-01 06:00", "platform": "youtube", "metric_value": 1234567}]
    )[0]
    cells = {c.to_plotly_json()["props"]["data-column"]: c.children for c in row.children}
    assert list(cells) == [c for c, _ in records.render.TABLE_COLUMNS]
    assert cells["metric_value"] == "1,234,567"
    assert cells["platform"] == "youtube" and cells["notes"] is None


def context_engine(app):
    return app.server.extensions["perfdash"]["engine"]


def _page(client, app, release, sort, page):
    return call_callback(
        client,
        app,
        VIEW_CALLBACK,
        view_values(
            f"?release={release}&period=all",
            {
                "dash-table-sort.data": sort,
                "dash-table-page.data": page,
                "dash-table-next.n_clicks": 1,
            },
        ),
        changed=["dash-table-next.n_clicks"],
    )


@pytest.mark.parametrize(
    ("sort", "page", "words"),
    [
        ({"column": ["metric_value"], "direction": "up"}, 0, "table sort must be"),
        ({"column": "id; DROP TABLE x", "direction": "asc"}, 0, "table sort must be"),
        ({"column": "platform", "direction": "sideways"}, 0, "table sort must be"),
        ({"column": "platform", "direction": "asc", "x": 1}, 0, "table sort must be"),
        ("metric_value", 0, "table sort must be"),
        (None, "abc", "table page must be a page number"),
        (None, -1, "table page must be a page number"),
        (None, 1.5, "table page must be a page number"),
        (None, True, "table page must be a page number"),
        (None, 2**40, "table page must be a page number"),
    ],
)
def test_a_tampered_page_or_sort_is_refused_naming_the_store(demo_app, sort, page, words):
    client = demo_app.server.test_client()
    release = store.get_release_by_key(context_engine(demo_app), "demo-003")["id"]
    response = _page(client, demo_app, release, sort, page)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    message = response.get_json()["error"]
    assert message.startswith(words) and "Nothing was changed" in message, message


def test_the_pages_and_sorts_the_table_sets_draw_their_page(demo_app):
    client = demo_app.server.test_client()
    release = store.get_release_by_key(context_engine(demo_app), "demo-003")["id"]
    response = _page(client, demo_app, release, {"column": "metric_value", "direction": "asc"}, 2)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    out = response.get_json()["response"]
    assert "page 4 of" in out["dash-table-note"]["children"]  # page index 2, then next
    values = [row["metric_value"] for row in out["dash-table-rows"]["data"]]
    assert len(values) == 25 and values == sorted(values)
    response = _page(client, demo_app, release, None, None)
    assert "page 2 of" in response.get_json()["response"]["dash-table-note"]["children"]


def test_the_export_names_each_rows_metric_kind(demo_app):
    """The shown page's Export says how each metric reads: a rank is a score, lower is better."""
    client = demo_app.server.test_client()
    client.get("/dashboard")
    engine = context_engine(demo_app)
    release = store.get_release_by_key(engine, "demo-003")["id"]
    for days, rank in ((3, 40), (2, 12)):
        at = datetime.now(UTC) - timedelta(days=days)
        store.add_performance_metric(release, "Deezer", "rank", rank, engine=engine, recorded_at=at)
    page = call_callback(
        client,
        demo_app,
        VIEW_CALLBACK,
        view_values(f"?release={release}&period=all&metric=rank"),
        changed=["dash-metric.value"],
    )
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    rows = page.get_json()["response"]["dash-table-rows"]["data"]
    assert rows and {r["metric_type"] for r in rows} == {"rank"}
    answer = call_callback(
        client,
        demo_app,
        "records.export",
        {"dash-export.n_clicks": 1, "dash-table-rows.data": rows, "dash-table-page.data": 0},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    text = answer.get_json()["response"]["dash-download"]["data"]["content"]
    exported = list(csv.DictReader(io.StringIO(text)))
    assert len(exported) == len(rows)
    assert list(exported[0])[-2:] == ["metric_kind", "lower_is_better"]
    assert {(r["metric_kind"], r["lower_is_better"]) for r in exported} == {("score", "true")}
