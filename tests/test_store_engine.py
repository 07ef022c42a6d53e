"""Store tests of engines: an unreachable database is a clear error, and the original
module's functions work against the database ``DATABASE_URL`` names.
"""

from __future__ import annotations

import pytest

from perfdash import store


def test_database_unreachable_is_a_clear_error():
    eng = store.make_engine("postgresql+psycopg://root@127.0.0.1:1/nothing")
    with pytest.raises(store.DatabaseUnavailableError, match="unavailable"):
        store.count_releases(eng)
    assert store.ping(eng) is False


def test_original_api_uses_database_url(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    store.apply_schema()
    eng = store.make_engine(db_url)
    rid = store.create_release(eng, "legacy-caller")
    new_id = store.add_performance_metric(rid, "TikTok", "likes", 42)
    rows = store.get_performance_metrics_for_release(rid)
    assert rows[0]["id"] == new_id and rows[0]["metric_value"] == 42
    eng.dispose()
    store.default_engine().dispose()
