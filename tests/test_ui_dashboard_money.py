"""The dashboard's currency picker through its one view callback, as the renderer calls it, on
SQLite and PostgreSQL: the KPI cards keep the chosen currency's card, the leaderboard and the
chart of earnings read one currency (the chosen one, else the first), shown in it; numbers are
never added across currencies."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from auth_helpers import VIEW_CALLBACK, call_callback, view_values

from perfdash import create_app, store


def _array(value) -> list:
    """A figure's y as the browser gets it (plotly may send a base64 typed array)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value or [])


def _texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if isinstance(node, dict):
        return _texts(node.get("props", {}).get("children")) if "props" in node else []
    return []


@pytest.fixture
def money(engine, db_url):
    from perfdash.config import Settings

    at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    a = store.create_release(engine, "paid-a", title="Paid A")
    b = store.create_release(engine, "paid-b", title="Paid B")

    def row(rid, metric, value, country, currency=""):
        return dict(
            release_id=rid,
            platform="Spotify",
            metric_type=metric,
            metric_value=value,
            recorded_at=at,
            value_kind="period",
            source="csv",
            country=country,
            currency=currency,
        )

    store.insert_metrics(
        engine,
        [
            row(a, "earnings", 4_120_000, "US", "USD"),
            row(a, "streams", 60, "US"),
            row(a, "earnings", 2_500_000, "DE", "EUR"),
            row(b, "earnings", 1_000_000, "US", "USD"),
        ],
    )
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    return app, app.server.test_client(), a, b


def answer(money, query: str) -> dict:
    app, client, _, _ = money
    response = call_callback(client, app, VIEW_CALLBACK, view_values(query))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.loads(response.get_data(as_text=True))["response"]


def board(money, query: str) -> list[str]:
    out = answer(money, query + "&view=leaderboard&lbmetric=earnings&period=28d")
    return _texts(out["dash-leaderboard"]["children"])


def test_the_leaderboard_reads_money_in_one_currency_shown_in_it(money):
    usd = " ".join(board(money, "?currency=USD"))
    assert "+$4.12" in usd and "+$1.00" in usd and "€" not in usd
    assert "in USD" in usd
    eur = board(money, "?currency=EUR")
    assert "+€2.50" in eur and not any("$" in t for t in eur)
    first = " ".join(board(money, ""))  # none chosen: the first currency, EUR, never a sum
    assert "in EUR" in first and "+€2.50" in first and "6.62" not in first and "7.62" not in first


def test_the_cards_and_the_chart_keep_the_chosen_currency(money):
    _, _, a, _ = money
    both = answer(money, f"?release={a}&period=28d&metric=earnings")
    text = " ".join(_texts(both["dash-kpis"]["children"]))
    assert "earnings (USD)" in text and "earnings (EUR)" in text
    euro = answer(money, f"?release={a}&period=28d&metric=earnings&currency=EUR")
    text = " ".join(_texts(euro["dash-kpis"]["children"]))
    assert "earnings (EUR)" in text and "USD" not in text and "€2.50" in text
    assert "currency=EUR" in euro["dash-query"]["data"]
    dollars = answer(money, f"?release={a}&period=28d&metric=earnings&currency=USD")
    values = [
        v
        for trace in dollars["dash-series"]["figure"]["data"]
        if "previous" not in str(trace.get("name"))
        for v in _array(trace.get("y"))
        if isinstance(v, int | float) and v == v
    ]
    # the dollar line only (never + the euros), drawn as dollars on an axis that says so
    assert sum(values) == pytest.approx(4.12)
    layout = dollars["dash-series"]["figure"]["layout"]
    assert "(USD)" in layout["yaxis"]["title"]["text"]
    hovers = [
        c[0] for t in dollars["dash-series"]["figure"]["data"] for c in t.get("customdata") or []
    ]
    assert "$4.12" in hovers
    text = " ".join(_texts(dollars["dash-kpis"]["children"]))
    assert "$0.068667" in text and "over 60 streams" in text


def test_the_records_follow_the_country_and_the_currency(money):
    _, _, a, _ = money
    every = answer(money, f"?release={a}&period=28d&metric=earnings")
    assert every["dash-table-note"]["children"].startswith("2 readings")
    euro = answer(money, f"?release={a}&period=28d&metric=earnings&currency=EUR")
    assert euro["dash-table-note"]["children"].startswith("1 readings")
    us = answer(money, f"?release={a}&period=28d&metric=streams&country=US&currency=EUR")
    assert us["dash-table-note"]["children"].startswith("1 readings")  # streams have no currency
