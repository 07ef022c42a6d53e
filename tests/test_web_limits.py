"""Request limits: bodies refused by size (the role checked first, the body never read), files
over PERFDASH_MAX_UPLOAD_MB refused with a message, JSON nesting bounded on Dash and the API."""

from __future__ import annotations

import base64
import io

import pytest
from auth_helpers import call_callback, login

from perfdash import auth, create_app, store
from perfdash.config import Settings
from perfdash.web import limits

SECRET = "s3cr3t-key-for-tests-0123456789-abcdefXYZ"
PASSWORD = "correct horse battery"
CSV = b"release_key,platform,metric_type,metric_value,recorded_at\n"


@pytest.fixture
def db(sqlite_url):
    eng = store.make_engine(sqlite_url)
    auth.add_user(eng, "alice", PASSWORD, "editor")
    auth.add_user(eng, "victor", PASSWORD + " v", "viewer")
    yield eng
    eng.dispose()


@pytest.fixture
def app(sqlite_url, db):
    settings = Settings(
        database_url=sqlite_url, auth="required", secret_key=SECRET, max_upload_mb=1
    )
    return create_app(settings, engine=db)


def client_of(app, name, password):
    client = app.server.test_client()
    assert login(client, name, password).status_code == 302
    return client


class Untouchable(io.RawIOBase):
    """A request body of ``size`` bytes that fails the test if the server reads a byte of it
    (the test client seeks to its end to learn the length it sends as Content-Length)."""

    def __init__(self, size: int) -> None:
        self.size, self.pos = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = self.size if whence == 2 else offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, _buffer) -> int:
        raise AssertionError("the server read a body it should have refused unread")


def post_unread(client, size: int):
    return client.post(
        "/_dash-update-component",
        input_stream=Untouchable(size),
        content_type="application/json",
    )


def test_a_viewers_large_body_is_refused_by_its_length_unread(app):
    viewer = client_of(app, "victor", PASSWORD + " v")
    response = post_unread(viewer, 200 * limits.MB)
    assert response.status_code == 413
    body = response.get_json()
    assert "uploads need the editor role" in body["error"] and body["request_id"]
    assert post_unread(viewer, limits.VIEWER_BODY_BYTES + 1).status_code == 413


def test_an_editors_body_over_the_upload_limit_is_refused_unread(app):
    editor = client_of(app, "alice", PASSWORD)
    response = post_unread(editor, 200 * limits.MB)
    assert response.status_code == 413
    assert "larger than the limit of 1 MB (PERFDASH_MAX_UPLOAD_MB)" in response.get_json()["error"]
    assert post_unread(editor, limits.upload_body_limit(1) + 1).status_code == 413


def test_a_body_without_a_length_is_cut_at_the_limit(app):
    viewer = client_of(app, "victor", PASSWORD + " v")

    def chunks():
        for _ in range(4):
            yield b" " * limits.MB

    response = viewer.post(
        "/_dash-update-component",
        input_stream=io.BytesIO(b"".join(chunks())),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says of a chunked body
    )
    assert response.status_code == 413


def upload(client, app, data: bytes):
    return call_callback(
        client,
        app,
        "csv_import.upload",
        {
            "entry-upload.contents": "data:text/csv;base64," + base64.b64encode(data).decode(),
            "entry-upload.filename": "big.csv",
        },
    )


def test_a_file_just_over_the_limit_gets_a_message_naming_the_limit(app, db):
    editor = client_of(app, "alice", PASSWORD)
    row = b"k,YouTube,views,1,2026-01-01T00:00:00Z\n"
    big = CSV + row * (limits.MB // len(row) + 10)  # inside the body limit, over the file limit
    response = upload(editor, app, big)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "larger than the limit of 1 MB (PERFDASH_MAX_UPLOAD_MB)" in text
    assert "Nothing was changed" in text
    assert store.count_metrics(db) == 0
    small = upload(editor, app, CSV + row)
    assert small.status_code == 200 and "PERFDASH_MAX_UPLOAD_MB" not in small.get_data(as_text=True)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [limits.MAX_JSON_DEPTH + 1, 100_000])
def test_deep_json_is_a_400_on_dash_routes(app, depth):
    viewer = client_of(app, "victor", PASSWORD + " v")
    body = '{"output": "x.children", "inputs": ' + nested(depth) + "}"
    response = viewer.post(
        "/_dash-update-component", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == (
        f"The request's JSON nests deeper than {limits.MAX_JSON_DEPTH} levels"
    )
    broken = viewer.post(
        "/_dash-update-component", data="{", headers={"Content-Type": "application/json"}
    )
    assert (
        broken.status_code == 400 and broken.get_json()["error"] == "The request is not valid JSON"
    )


@pytest.mark.parametrize("depth", [limits.MAX_JSON_DEPTH + 1, 100_000])
def test_deep_json_is_a_400_on_the_api(app, db, depth):
    token = auth.create_token(db, "script", "editor")
    response = app.server.test_client().post(
        "/api/v1/metrics",
        data=nested(depth),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert "nests deeper than 64 levels" in response.get_json()["error"]["message"]
    assert store.count_metrics(db) == 0


def test_too_deep_counts_levels_without_recursion():
    assert not limits.too_deep({"a": [1, {"b": [2]}]}, 4)
    assert limits.too_deep({"a": [1, {"b": [2]}]}, 3)
    assert not limits.too_deep("text", 1) and not limits.too_deep([], 1)
    deep: list = []
    for _ in range(200_000):
        deep = [deep]
    assert limits.too_deep(deep)


def test_ordinary_callbacks_still_work(app):
    viewer = client_of(app, "victor", PASSWORD + " v")
    assert viewer.get("/_dash-layout").status_code == 200
    assert viewer.get("/_dash-dependencies").status_code == 200
