"""Store tests of alert claims: each alert is claimed once (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from perfdash import store


def T(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def two_releases(engine) -> tuple[int, int]:
    a = store.create_release(engine, "rel-a", title="Neon Tides", approved_at=T(2026, 1, 5, 9))
    b = store.create_release(engine, "rel-b", title="Glass Horizon")
    return a, b


def test_alert_claims_are_granted_once(engine, two_releases):
    a, _ = two_releases
    assert store.claim_alert(engine, "spike:rel-a:2026-03-01", release_id=a)
    assert not store.claim_alert(engine, "spike:rel-a:2026-03-01", release_id=a)
    assert store.sent_alert_keys(engine, ["spike:rel-a:2026-03-01", "other"]) == {
        "spike:rel-a:2026-03-01"
    }
    assert store.release_alert_claim(engine, "spike:rel-a:2026-03-01")
    assert store.claim_alert(engine, "spike:rel-a:2026-03-01")
    assert store.sent_alert_keys(engine) == {"spike:rel-a:2026-03-01"}
