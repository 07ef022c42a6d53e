"""Digests: subscriptions (SQLite and PostgreSQL), what a digest says against the dashboard's
read path, and delivery through a real SMTP server (aiosmtpd on loopback) and a Slack
receiver, each subscriber once per period."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from conftest import DEMO_TODAY, free_port

from perfdash import digests, goals, metrics, readout, store
from perfdash.cli import main
from perfdash.config import Settings
from perfdash.digests.render import chart_png, email_message, slack_payload, text_body
from perfdash.ingest.digests import SubscriptionError, check_subscription, subscribe
from perfdash.jobs.cron import schedules

NOW = datetime(2026, 11, 2, 8, tzinfo=UTC)  # a Monday, the day after DEMO_TODAY


# --------------------------------------------------------------------------- rules, store


@pytest.mark.parametrize(
    ("channel", "target", "field"),
    [
        ("email", "", "target"),
        ("email", "ana", "target"),
        ("email", "a@b.c, d@e.f", "target"),
        ("email", "Ana <a@b.c>", "target"),
        ("email", "a\x1b@b.c", "target"),
        ("email", "a\u200b@b.c", "target"),
        ("email", "x" * 251 + "@b.c", "target"),
        ("slack", "http://hooks.slack.com/services/T/B/X", "target"),
        ("slack", "javascript:alert(1)", "target"),
        ("slack", "https://", "target"),
        ("fax", "a@b.c", "channel"),
        ("email", "a@b.c", "monthly"),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(channel, target, field):
    period = "week" if field != "monthly" else "month"
    with pytest.raises(SubscriptionError) as refused:
        check_subscription(channel, target, period)
    assert refused.value.field == (field if field != "monthly" else "period")


def test_good_subscriptions_are_kept_as_given():
    assert check_subscription("email", " ana@label.example ", "day").target == "ana@label.example"
    hook = "https://hooks.slack.com/services/T0/B0/abc"
    assert check_subscription("slack", hook, "week").target == hook
    assert check_subscription("slack", "http://127.0.0.1:9/hook", "week").channel == "slack"


def test_subscriptions_and_claims(engine):
    uid = store.create_user(engine, "ana", "x" * 60, "viewer")
    other = store.create_user(engine, "bo", "x" * 60, "viewer")
    first = subscribe(engine, uid, "email", "ana@example.com", "week")
    subscribe(engine, uid, "slack", "https://hooks.slack.com/services/T/B/C", "day")
    with pytest.raises(store.PerformanceDbError, match="already subscribed"):
        subscribe(engine, uid, "email", "ana@example.com", "week")
    assert [s["period"] for s in store.list_digest_subscriptions(engine, user_id=uid)] == [
        "week",
        "day",
    ]
    assert [s["id"] for s in store.list_digest_subscriptions(engine, period="week")] == [first]
    assert store.claim_digest(engine, first, "week:2026-10-26") is True
    assert store.claim_digest(engine, first, "week:2026-10-26") is False
    assert store.digests_sent_for(engine, "week:2026-10-26") == {first}
    assert store.release_digest_claim(engine, first, "week:2026-10-26") is True
    assert store.claim_digest(engine, first, "week:2026-10-26") is True
    # someone else's subscription is not theirs to end; removing a user ends theirs
    assert store.remove_digest_subscription(engine, first, user_id=other) is False
    assert store.remove_digest_subscription(engine, first, user_id=uid) is True
    store.delete_user(engine, "ana")
    assert store.list_digest_subscriptions(engine) == []


# --------------------------------------------------------------------------- content


def test_periods_are_whole_days_and_whole_weeks():
    day, before, key = digests.digest_period("day", "UTC", NOW)
    assert (day.start, day.end) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 11, 2, tzinfo=UTC),
    )
    assert before.end == day.start and key == "day:2026-11-01"
    # any day of a week gives the last whole Monday-to-Sunday week, so a daily run sends it once
    for today in (date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 8)):
        at = datetime(today.year, today.month, today.day, 23, tzinfo=UTC)
        week, previous, key = digests.digest_period("week", "UTC", at)
        assert key == "week:2026-10-26"
        assert (week.start.date(), week.end.date()) == (date(2026, 10, 26), date(2026, 11, 2))
        assert (previous.start.date(), previous.end) == (date(2026, 10, 19), week.start)
    # in Berlin the day starts at local midnight (23:00 UTC the day before)
    berlin, _, _ = digests.digest_period("day", "Europe/Berlin", NOW)
    assert berlin.start == datetime(2026, 10, 31, 23, tzinfo=UTC)


def test_the_digest_says_what_the_dashboard_says(demo_db):
    engine = store.make_engine(demo_db)
    rule = Settings(database_url=demo_db).spike_rule
    with store.transaction(engine) as conn:
        found = digests.build_digest(
            conn, "week", tz="UTC", spike_rule=rule, stale_rule=metrics.StaleRule(), now=NOW
        )
        same = readout.summary(conn, None, [], found.period, found.previous)
        kind = metrics.metric_kind("views", same.overrides)
        board, _ = readout.leaderboard(conn, kind, found.period, found.previous, limit=50)
        rising = readout.risers(conn, kind, found.period, found.previous)
    assert [k.metric_type for k in found.kpis] == [k.metric_type for k in same.kpis]
    assert [k.gain for k in found.kpis] == [k.gain for k in same.kpis]
    assert found.headline == "views"
    assert [e.release_id for e in found.top] == board["release_id"].head(5).tolist()
    assert found.top[0].text == f"{metrics.format_gain(board['gain'].iloc[0])} views"
    assert [e.release_id for e in found.risers] == rising["release_id"].tolist()
    assert (
        found.risers[0].text
        == f"{metrics.format_gain(rising['rise'].iloc[0])} views more than the period before"
    )
    text = text_body(found, "https://perfdash.example")
    views = next(k for k in found.kpis if k.metric_type == "views")
    assert f"views: {metrics.format_gain(views.gain)} gained" in text
    assert "https://perfdash.example/dashboard?release=" in text
    with store.transaction(engine) as conn:
        goal_lines = [g.text() for g in goals.views(conn, "UTC", today=NOW.date())]
    assert goal_lines and found.goals == goal_lines  # the demo's goal, as the dashboard says
    assert "Goals:\n  " + goal_lines[0] in text
    png = chart_png(found)
    assert png is not None and png.startswith(b"\x89PNG")
    assert "2026-10-26 to 2026-11-01" in found.title()


def test_an_empty_catalog_still_gets_a_readable_digest(sqlite_url):
    engine = store.make_engine(sqlite_url)
    with store.transaction(engine) as conn:
        found = digests.build_digest(
            conn,
            "day",
            tz="UTC",
            spike_rule=metrics.SpikeRule(),
            stale_rule=metrics.StaleRule(),
            now=NOW,
        )
    assert "Nothing was recorded in this period." in text_body(found)
    assert chart_png(found) is None
    msg = email_message(found, sender="p@x.example", to="a@x.example")
    assert "cid:" not in msg.get_body(("html",)).get_content()


def test_catalog_text_is_escaped_in_html_and_slack(demo_db):
    engine = store.make_engine(demo_db)

    def week():
        with store.transaction(engine) as conn:
            return digests.build_digest(
                conn,
                "week",
                tz="UTC",
                spike_rule=metrics.SpikeRule(),
                stale_rule=metrics.StaleRule(),
                now=NOW,
            )

    leader = week().top[0].release_id  # the week's top release, renamed to hostile text
    store.update_release(engine, leader, title="<b>Loud</b> & <script>x</script>")
    found = week()
    assert found.top[0].label.startswith("<b>Loud</b>")
    msg = email_message(found, sender="p@x.example", to="a@x.example")
    page = msg.get_body(("html",)).get_content()
    assert "<script>" not in page and "&lt;b&gt;Loud&lt;/b&gt; &amp;" in page
    blocks = json.dumps(slack_payload(found))
    assert "<b>" not in blocks and "&lt;b&gt;Loud" in blocks


# --------------------------------------------------------------------------- delivery


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=email_policy))
        )
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, f"smtp://127.0.0.1:{port}?from=digests@perfdash.example"
    controller.stop()


@pytest.fixture
def slack_receiver():
    posts: list[dict] = []
    status = {"code": 200}

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posts.append(json.loads(body))
            self.send_response(status["code"])
            self.end_headers()
            self.wfile.write(b"ok" if status["code"] == 200 else b"invalid_payload")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield posts, status, f"http://127.0.0.1:{server.server_address[1]}/services/T/B/secret"
    server.shutdown()


def test_digests_go_out_once_by_email_and_slack(demo_db, smtp_server, slack_receiver):
    inbox, smtp_url = smtp_server
    posts, status, hook = slack_receiver
    engine = store.make_engine(demo_db)
    settings = Settings(
        database_url=demo_db,
        tz="UTC",
        smtp_url=smtp_url,
        public_url="https://perfdash.example",
        secret_key="digest-secret-0123456789-abcdefghijklmnop",
    )
    ana = store.create_user(engine, "ana", "x" * 60, "viewer")
    bo = store.create_user(engine, "bo", "x" * 60, "editor")
    subscribe(engine, ana, "email", "ana@label.example", "week")
    subscribe(engine, bo, "slack", hook, "week")
    subscribe(engine, bo, "email", "bo@label.example", "day")

    status["code"] = 500  # Slack is down: the email goes, the Slack digest waits
    report = digests.send_digests(engine, settings, "week", now=NOW)
    assert len(report.sent) == 1 and len(report.failed) == 1
    assert "Slack answered 500" in report.failed[0] and "secret" not in report.failed[0]
    assert [to for to, _ in inbox.messages] == [["ana@label.example"]]
    status["code"] = 200
    again = digests.send_digests(engine, settings, "week", now=NOW)
    assert len(again.sent) == 1 and len(again.already_sent) == 1 and not again.failed
    assert len(posts) == 2 and len(inbox.messages) == 1  # nobody got it twice
    assert digests.send_digests(engine, settings, "week", now=NOW).sent == []

    _, mail = inbox.messages[0]
    assert mail["Subject"] == "perfdash: the catalog's week, 2026-10-26 to 2026-11-01"
    assert mail["From"] == "digests@perfdash.example"
    text = mail.get_body(("plain",)).get_content()
    assert "Top releases:" in text and "https://perfdash.example/dashboard?release=" in text
    page = mail.get_body(("html",)).get_content()
    assert 'src="cid:perfdash-digest-chart"' in page
    images = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")
    blocks = posts[-1]["blocks"]
    assert blocks[0]["text"]["text"] == mail["Subject"]
    assert any("<https://perfdash.example/dashboard?release=" in json.dumps(b) for b in blocks)
    (image,) = [b for b in blocks if b["type"] == "image"]  # the chart, at a signed address
    assert image["image_url"].startswith(
        "https://perfdash.example/digest-chart/week/2026-10-26.png?exp="
    )

    daily = digests.send_digests(engine, settings, "day", now=NOW)
    assert len(daily.sent) == 1 and inbox.messages[-1][0] == ["bo@label.example"]


def test_a_user_limited_to_an_artist_gets_that_artists_digest(demo_db, slack_receiver):
    """The same week's digest, read as the subscriber reads the catalog."""
    posts, _, hook = slack_receiver
    engine = store.make_engine(demo_db)
    settings = Settings(database_url=demo_db, tz="UTC", public_url="https://perfdash.example")
    nova = store.create_user(engine, "nova", "x" * 60, "viewer", ["Nova Vale"])
    boss = store.create_user(engine, "boss", "x" * 60, "admin")
    subscribe(engine, nova, "slack", hook + "?nova", "week")
    subscribe(engine, boss, "slack", hook + "?boss", "week")
    report = digests.send_digests(engine, settings, "week", now=NOW)
    assert len(report.sent) == 2 and not report.failed
    nova_post, boss_post = (json.dumps(p["blocks"]) for p in posts)
    others = ("The Circuit Saints", "Lumen Drift", "Kiro")
    assert "Nova Vale" in nova_post and not any(name in nova_post for name in others)
    assert any(name in boss_post for name in others)
    engine.dispose()


def test_no_mail_server_is_a_clear_failure_and_the_digest_waits(demo_db):
    engine = store.make_engine(demo_db)
    uid = store.create_user(engine, "ana", "x" * 60, "viewer")
    sub = subscribe(engine, uid, "email", "ana@label.example", "week")
    report = digests.send_digests(engine, Settings(database_url=demo_db), "week", now=NOW)
    assert report.failed == [
        "ana by email to ana@label.example: PERFDASH_SMTP_URL is not set: "
        "there is no mail server to send with"
    ]
    assert store.digests_sent_for(engine, "week:2026-10-26") == set()
    assert sub


def test_the_command_line(demo_db, smtp_server, monkeypatch):
    inbox, smtp_url = smtp_server
    monkeypatch.setenv("DATABASE_URL", demo_db)
    monkeypatch.setenv("PERFDASH_SMTP_URL", smtp_url)
    run = CliRunner().invoke
    engine = store.make_engine(demo_db)
    store.create_user(engine, "ana", "x" * 60, "viewer")
    assert "No digest subscriptions yet" in run(main, ["digest", "list"]).output
    bad = run(main, ["digest", "subscribe", "ana", "--email", "nope"])
    assert bad.exit_code == 1 and "--email: Email address must look like" in bad.output
    assert (
        "No user named 'zed'"
        in run(main, ["digest", "subscribe", "zed", "--email", "a@b.c"]).output
    )
    ok = run(main, ["digest", "subscribe", "ana", "--email", "ana@label.example"])
    assert ok.exit_code == 0, ok.output
    assert "ana  week  email  ana@label.example" in run(main, ["digest", "list"]).output
    now = ["--now", NOW.isoformat()]
    printed = run(main, ["digest", *now])
    assert printed.exit_code == 0 and printed.output.startswith("perfdash: the catalog's week")
    dry = run(main, ["digest", "--dry-run", *now])
    assert "would send to ana by email to ana@label.example" in dry.output and not inbox.messages
    sent = run(main, ["digest", "--send", *now])
    assert sent.exit_code == 0 and "sent 1" in sent.output and len(inbox.messages) == 1
    assert "sent 0, 1 sent before" in run(main, ["digest", "--send", *now]).output
    assert run(main, ["digest", "--now", "yesterday"]).exit_code == 2
    assert "Ended subscription #1" in run(main, ["digest", "unsubscribe", "1"]).output
    assert "No subscription #1" in run(main, ["digest", "unsubscribe", "1"]).output


def test_the_digest_has_its_schedule():
    settings = Settings(database_url="sqlite://")
    assert schedules(settings)["digest"] == "0 7 * * *"
    assert "digest" not in schedules(settings.with_(digest_schedule=None))
    assert DEMO_TODAY < NOW
