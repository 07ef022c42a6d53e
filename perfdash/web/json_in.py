"""How the server reads JSON from a browser or a script: one reader for the API and Dash.

Python's parser reads the JSON number ``-0`` as the integer 0, losing its sign, so a script
that sends ``"metric_value": -0`` would be told "saved" where the CSV cell ``-0`` and the form's
text ``-0`` are refused as negative.  This reader keeps the sign: ``-0`` becomes the float
``-0.0``, which ``ingest.rules.parse_value`` refuses as every other face does (any other
integer is read as Python reads it).  Installed as the Flask app's JSON provider, so
``request.get_json`` of the API and of Dash's callback route both read through it.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider


def _integer(text: str) -> int | float:
    value = int(text)
    return -0.0 if value == 0 and text.startswith("-") else value


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` that keeps the sign of a negative zero."""
    kwargs.setdefault("parse_int", _integer)
    return json.loads(text, **kwargs)


class SignedZeroJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, reading with ``loads`` above (writing as Flask does)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


def install(server: Flask) -> None:
    """Every ``request.get_json`` of ``server`` reads through ``loads``."""
    provider = SignedZeroJSONProvider(server)
    for name in ("sort_keys", "compact", "ensure_ascii", "mimetype"):  # keep the app's choices
        setattr(provider, name, getattr(server.json, name))
    server.json = provider
