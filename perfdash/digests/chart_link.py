"""The digest's chart at a signed address, for Slack: an incoming webhook cannot upload an
image, Slack fetches one from a public address.  The address names the period and carries an
HMAC of it under ``PERFDASH_SECRET_KEY`` with an end date, so only a digest that was sent can
show its chart, and nothing is stored: the chart is drawn again from the numbers when fetched.
The digest of a subscriber limited to artists names them in the address, signed with the rest,
so its chart is drawn from their releases only and cannot be turned into the catalog's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from perfdash.digests.content import PERIOD_DAYS
from perfdash.metrics import local_midnight

LIFETIME = timedelta(days=90)
PATH = "/digest-chart"


def _signature(secret: str, key: str, expires: int, artists: Sequence[str] = ()) -> str:
    scope = "\x1f".join(sorted(artists))
    mac = hmac.new(
        secret.encode(), f"digest-chart|{key}|{expires}|{scope}".encode(), hashlib.sha256
    )
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def chart_url(
    base_url: str,
    secret: str,
    key: str,
    now: datetime | None = None,
    artists: Sequence[str] = (),
) -> str:
    """The chart of the digest ``key`` ("week:2026-11-23"), valid for ``LIFETIME``, of the
    releases of ``artists`` when the subscriber is limited to them."""
    name, first = key.split(":", 1)
    expires = int(((now or datetime.now(UTC)) + LIFETIME).timestamp())
    sig = _signature(secret, key, expires, artists)
    scope = "".join(f"&{urlencode({'artist': a})}" for a in sorted(artists))
    return f"{base_url.rstrip('/')}{PATH}/{name}/{first}.png?exp={expires}&sig={sig}{scope}"


def checked_key(
    secret: str | None,
    name: str,
    first: str,
    expires: str,
    sig: str,
    now: datetime | None = None,
    artists: Sequence[str] = (),
) -> tuple[str | None, str | None]:
    """(the digest's key, None) for a genuine, unexpired address, else (None, why)."""
    if not secret or name not in PERIOD_DAYS:
        return None, "No such chart"
    try:
        date.fromisoformat(first)
        ends = int(expires)
    except ValueError:
        return None, "No such chart"
    key = f"{name}:{first}"
    if not hmac.compare_digest(_signature(secret, key, ends, artists), sig):
        return None, "No such chart"
    if ends <= (now or datetime.now(UTC)).timestamp():
        return None, "This chart's address has expired"
    return key, None


def digest_moment(key: str, tz: str) -> datetime:
    """A moment whose digest is ``key``: the day after the period, when it was sent."""
    name, first = key.split(":", 1)
    return local_midnight(date.fromisoformat(first) + timedelta(days=PERIOD_DAYS[name]), tz)
