"""Kept only so ``create_app`` can go on registering ``api_insights.blueprint``: the
annotation routes live in ``perfdash.api`` now, and this blueprint has none, so nothing is
served twice.  Remove it with the registration line."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("perfdash_api_insights", __name__)
