"""The Slack digest's chart: an image block whose signed address the app answers with the
period's chart, without a sign-in; a changed, foreign or expired address shows nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from perfdash import create_app, digests, store
from perfdash.config import Settings
from perfdash.digests.chart_link import chart_url, checked_key
from perfdash.digests.render import chart_png, slack_payload

NOW = datetime(2026, 11, 2, 8, tzinfo=UTC)  # a Monday, the day after the demo's last day
SECRET = "digest-chart-secret-0123456789-abcdefghij"
BASE = "https://perfdash.example"


@pytest.fixture
def served(demo_db):
    engine = store.make_engine(demo_db)
    settings = Settings(
        database_url=demo_db, tz="UTC", auth="required", secret_key=SECRET, public_url=BASE
    )
    app = create_app(settings, engine=engine)
    yield app.server.test_client(), engine, settings
    engine.dispose()


def _week(engine, settings):
    with store.transaction(engine) as conn:
        return digests.build_digest(
            conn,
            "week",
            tz="UTC",
            spike_rule=settings.spike_rule,
            stale_rule=settings.stale_rule,
            now=NOW,
        )


def test_the_slack_message_shows_the_chart_the_app_draws_for_its_address(served):
    client, engine, settings = served
    digest = _week(engine, settings)
    url = chart_url(BASE, SECRET, digest.key)
    payload = slack_payload(digest, BASE, url)
    images = [b for b in payload["blocks"] if b["type"] == "image"]
    assert [b["image_url"] for b in images] == [url]
    assert images[0]["alt_text"].startswith("Catalog: ")

    parts = urlsplit(url)
    assert parts.path == "/digest-chart/week/2026-10-26.png"
    answer = client.get(f"{parts.path}?{parts.query}")  # no session: Slack signs in nowhere
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "image/png" and answer.data.startswith(b"\x89PNG")
    assert answer.data == chart_png(digest)  # the same period's chart, drawn again

    # the rest of the app still asks for a sign-in
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        lambda p, q: (p, q.replace("sig=", "sig=x")),
        lambda p, q: (p.replace("2026-10-26", "2026-10-19"), q),  # another week, same signature
        lambda p, q: (p.replace("/week/", "/day/"), q),
        lambda p, q: (p, q.replace("exp=", "exp=1")),  # a later end the signature does not cover
        lambda p, q: (p, ""),
        lambda p, q: (p.replace("2026-10-26", "2026-13-45"), q),
    ],
)
def test_a_changed_address_shows_nothing(served, change):
    client, engine, settings = served
    parts = urlsplit(chart_url(BASE, SECRET, "week:2026-10-26"))
    path, query = change(parts.path, parts.query)
    answer = client.get(f"{path}?{query}")
    assert answer.status_code == 404
    assert not answer.data.startswith(b"\x89PNG") and b"Traceback" not in answer.data


def test_an_address_signed_with_another_secret_or_expired_shows_nothing(served):
    client, _, _ = served
    foreign = urlsplit(
        chart_url(BASE, "another-secret-0123456789-abcdefghijklmn", "week:2026-10-26")
    )
    assert client.get(f"{foreign.path}?{foreign.query}").status_code == 404
    old = urlsplit(
        chart_url(BASE, SECRET, "week:2026-10-26", now=datetime.now(UTC) - timedelta(days=91))
    )
    answer = client.get(f"{old.path}?{old.query}")
    assert answer.status_code == 410 and b"expired" in answer.data
    query = parse_qs(old.query)
    before_its_end = datetime.now(UTC) - timedelta(days=2)  # the same address was good then
    sig = query["sig"][0]
    found = checked_key(SECRET, "week", "2026-10-26", query["exp"][0], sig, before_its_end)
    assert found == ("week:2026-10-26", None)


def test_no_public_address_or_secret_means_no_image(demo_db, served):
    _, engine, settings = served
    digest = _week(engine, settings)
    assert not [b for b in slack_payload(digest, BASE)["blocks"] if b["type"] == "image"]
    assert checked_key(None, "week", "2026-10-26", "9999999999", "x") == (None, "No such chart")


def test_a_scoped_subscribers_chart_is_drawn_from_its_artists_releases(served):
    """The address names the artists, signed: drawn from their releases, and dropping or
    changing them shows nothing (it cannot be turned into the catalog's chart)."""
    client, engine, settings = served
    url = chart_url(BASE, SECRET, "week:2026-10-26", artists=["Nova Vale"])
    parts = urlsplit(url)
    assert parse_qs(parts.query)["artist"] == ["Nova Vale"]
    mine = client.get(f"{parts.path}?{parts.query}")
    assert mine.status_code == 200 and mine.mimetype == "image/png"
    assert mine.data == chart_png(_week(store.scoped(engine, ["Nova Vale"]), settings))
    assert mine.data != chart_png(_week(engine, settings))
    catalog = parts.query.split("&artist=")[0]  # the artists dropped: the signature fails
    assert client.get(f"{parts.path}?{catalog}").status_code == 404
    other = parts.query.replace("Nova+Vale", "Lumen+Drift")
    assert client.get(f"{parts.path}?{other}").status_code == 404
