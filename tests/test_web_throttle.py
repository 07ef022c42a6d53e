"""Sign-in throttling: ten failures for one user name, or from one address, in 15 minutes,
and the next attempt is refused with 429 and Retry-After before the password is checked."""

from __future__ import annotations

import re
import uuid

from celery_worker import REDIS_URL, redis_up
from conftest import need

from perfdash import auth, create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

SECRET = "throttle-test-secret-key-0123456789-abcdefXYZ"
PASSWORD = "correct horse battery"


def make_app(tmp_path, redis_url=None):
    url = f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:6]}.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    if not store.get_user(engine, "alice"):
        auth.add_user(engine, "alice", PASSWORD, "editor")
    settings = Settings(database_url=url, secret_key=SECRET, auth="required", redis_url=redis_url)
    return create_app(settings, engine=engine)


def attempt(client, username, password, address):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
        environ_base={"REMOTE_ADDR": address},
    )


def test_ten_failures_for_one_user_name_then_429_from_any_address(tmp_path):
    client = make_app(tmp_path).server.test_client()
    for i in range(10):
        assert attempt(client, "alice", "wrong password", f"10.0.0.{i}").status_code == 401
    refused = attempt(client, "Alice", PASSWORD, "10.0.1.1")  # even the right password now
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
    # another user name from another address is not affected
    assert attempt(client, "bob", "wrong password", "10.0.2.1").status_code == 401


def test_ten_failures_from_one_address_then_429_for_any_user_name(tmp_path):
    client = make_app(tmp_path).server.test_client()
    for i in range(10):
        assert attempt(client, f"user{i}", "wrong password", "192.0.2.7").status_code == 401
    assert attempt(client, "alice", PASSWORD, "192.0.2.7").status_code == 429
    assert attempt(client, "alice", PASSWORD, "192.0.2.8").status_code == 302  # signed in


def test_successes_do_not_count(tmp_path):
    server = make_app(tmp_path).server
    for _ in range(12):  # a fresh browser each time: signed in, the form is not shown
        assert attempt(server.test_client(), "alice", PASSWORD, "198.51.100.1").status_code == 302


def test_two_apps_share_the_counts_in_redis(tmp_path):
    need(redis_up(), "Redis is not running on 127.0.0.1:6379")
    name = f"alice-{uuid.uuid4().hex[:8]}"  # counts in Redis outlive the test
    first = make_app(tmp_path, REDIS_URL).server.test_client()
    second = make_app(tmp_path, REDIS_URL).server.test_client()
    for i in range(5):
        assert attempt(first, name, "wrong", f"10.9.0.{i}").status_code == 401
        assert attempt(second, name, "wrong", f"10.9.1.{i}").status_code == 401
    assert attempt(first, name, "wrong", "10.9.2.1").status_code == 429
