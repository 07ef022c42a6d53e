"""The records table's pieces that need no browser: the sort order a browser may send (any
value, since it is a store the page holds) and the rows it draws."""

from __future__ import annotations

import pytest
from auth_helpers import call_callback

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


def test_a_tampered_page_and_sort_still_draw_a_page_not_an_error(demo_app):
    client = demo_app.server.test_client()
    client.get("/dashboard")
    release = store.get_release_by_key(context_engine(demo_app), "demo-003")["id"]
    response = call_callback(
        client,
        demo_app,
        "records.page",
        {
            "dash-query.data": f"?release={release}&period=all",
            "dash-table-sort.data": {"column": ["metric_value"], "direction": "up"},
            "dash-table-page.data": "abc",
        },
        changed=["dash-table-next.n_clicks"],
    )
    assert response.status_code == 200
    out = response.get_json()["response"]
    assert "page 2 of" in out["dash-table-note"]["children"]  # "abc" read as page 1, then next
    assert len(out["dash-table-rows"]["data"]) == 25
    assert out["dash-table-prev"]["disabled"] is False
