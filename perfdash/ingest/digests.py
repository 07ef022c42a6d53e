"""Digest subscriptions: the rules an address or a webhook URL is checked by, for every face
(CLI, API, admin page), before the store writes it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import Connection, Engine

from perfdash import store
from perfdash.ingest.rules import clean_text
from perfdash.vocab import DIGEST_CHANNELS, DIGEST_PERIODS

MAX_ADDRESS = 254  # RFC 5321's limit for a forward path
MAX_WEBHOOK = 500
_ADDRESS = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\].]+")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class SubscriptionError(ValueError):
    """A subscription refused by its rules; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Subscription:
    channel: str
    target: str
    period: str


def check_subscription(channel: Any, target: Any, period: Any) -> Subscription:
    """A subscription from what a person or a script sent, or ``SubscriptionError``.

    Email: one address (``name@example.com``), no display name, no list.  Slack: an incoming
    webhook's https:// URL (http:// only to this machine, for a receiver in a test)."""
    if channel not in DIGEST_CHANNELS:
        raise SubscriptionError("channel", f"Channel must be one of {', '.join(DIGEST_CHANNELS)}")
    if period not in DIGEST_PERIODS:
        raise SubscriptionError("period", f"Period must be one of {', '.join(DIGEST_PERIODS)}")
    if channel == "email":
        text, error = clean_text(target, limit=MAX_ADDRESS, name="Email address", key=True)
        if error:
            raise SubscriptionError("target", error)
        if not text or not _ADDRESS.fullmatch(text):
            raise SubscriptionError(
                "target", "Email address must look like name@example.com (one address)"
            )
        return Subscription(channel, text, period)
    text, error = clean_text(target, limit=MAX_WEBHOOK, name="Slack webhook URL", key=True)
    if error:
        raise SubscriptionError("target", error)
    parts = urlsplit(text or "")
    local = parts.scheme == "http" and parts.hostname in LOOPBACK
    if not text or not parts.hostname or (parts.scheme != "https" and not local):
        raise SubscriptionError(
            "target",
            "Slack webhook URL must start with https:// "
            "(Slack gives one per channel: https://hooks.slack.com/services/...)",
        )
    return Subscription(channel, text, period)


def subscribe(
    bind: Engine | Connection, user_id: int, channel: Any, target: Any, period: Any
) -> int:
    """Check and store a subscription; its id.  Store refusals (a duplicate) pass through as
    ``store.PerformanceDbError`` with their own message."""
    sub = check_subscription(channel, target, period)
    return store.add_digest_subscription(bind, user_id, sub.channel, sub.target, sub.period)


def masked(channel: str, target: str) -> str:
    """A target as it may be shown: an address whole, a webhook URL without its secret path."""
    if channel != "slack":
        return target
    parts = urlsplit(target)
    return f"{parts.scheme}://{parts.netloc}/…"
