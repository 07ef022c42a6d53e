"""The server's JSON reader keeps the sign of a negative zero (and reads the rest as Python)."""

from __future__ import annotations

import math

from perfdash.web import json_in


def test_negative_zero_keeps_its_sign():
    for text in ("-0", "-0.0", "-0e0", "-0E+2"):
        value = json_in.loads(text)
        assert value == 0 and math.copysign(1.0, value) < 0, text


def test_other_numbers_read_as_python_reads_them():
    body = json_in.loads('{"a": 0, "b": -1, "c": 9223372036854775807, "d": [1.5, true, null]}')
    assert body == {"a": 0, "b": -1, "c": 2**63 - 1, "d": [1.5, True, None]}
    assert isinstance(body["a"], int) and isinstance(body["c"], int)


def test_the_app_reads_requests_through_it(tmp_path):
    from flask import request

    from perfdash import create_app
    from perfdash.config import Settings

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'j.sqlite3'}"))
    with app.server.test_request_context(
        "/", method="POST", data='{"v": -0}', content_type="application/json"
    ):
        value = request.get_json()["v"]
    assert math.copysign(1.0, value) < 0
