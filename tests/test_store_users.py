"""Store tests of API tokens (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from perfdash import store


def test_token_use_is_recorded_at_most_once_a_minute(engine):
    store.create_api_token(engine, "script", "h" * 64, "editor")
    with pytest.raises(store.PerformanceDbError, match="already exists"):
        store.create_api_token(engine, " script ", "g" * 64, "viewer")
    with pytest.raises(store.InvalidValueError, match="role"):
        store.create_api_token(engine, "other", "g" * 64, "owner")
    assert store.list_api_tokens(engine)[0]["last_used_at"] is None
    assert store.api_token_by_hash(engine, "h" * 64)["role"] == "editor"
    first = store.list_api_tokens(engine)[0]["last_used_at"]
    assert first is not None
    store.api_token_by_hash(engine, "h" * 64)
    assert store.list_api_tokens(engine)[0]["last_used_at"] == first
    assert store.api_token_by_hash(engine, "x" * 64) is None
    assert store.revoke_api_token(engine, "script")
    assert store.api_token_by_hash(engine, "h" * 64) is None
