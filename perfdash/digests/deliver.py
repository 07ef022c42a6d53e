"""Sending digests: each subscriber's digest for a period claimed before it goes out, so
several workers, machines and repeated runs send it once; a failed delivery gives the claim
back for the next run.  Email goes through SMTP (``PERFDASH_SMTP_URL``), Slack through the
subscriber's incoming webhook."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
from sqlalchemy.engine import Engine

from perfdash import auth, store
from perfdash.config import Settings
from perfdash.digests.chart_link import chart_url
from perfdash.digests.content import Digest, build_digest
from perfdash.digests.render import email_message, slack_payload
from perfdash.ingest.digests import masked

log = logging.getLogger(__name__)
TIMEOUT_S = 20.0


class DeliveryError(Exception):
    """A digest could not be sent; the message says why without any secret in it."""


@dataclass
class DigestReport:
    name: str
    key: str
    subscriptions: int = 0
    sent: list[str] = field(default_factory=list)  # masked targets
    already_sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "target: why"
    previews: list[str] = field(default_factory=list)  # dry run: what would go where

    def line(self) -> str:
        if self.previews:
            return f"{self.name} digest {self.key}: would send {len(self.previews)} (dry run)"
        return (
            f"{self.name} digest {self.key}: sent {len(self.sent)}, "
            f"{len(self.already_sent)} sent before, {len(self.failed)} failed "
            f"({self.subscriptions} subscription(s))"
        )


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    username: str | None
    password: str | None
    sender: str
    tls: bool  # TLS from the first byte (smtps://)
    starttls: bool


def smtp_from_url(url: str) -> Smtp:
    """``smtp://user:password@host:587?starttls=1&from=digests@example.com`` (or smtps://)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise DeliveryError(
            "PERFDASH_SMTP_URL must look like smtp://user:password@host:587?starttls=1"
            "&from=digests@example.com (or smtps://...)"
        )
    query = parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    sender = (query.get("from") or [""])[0] or (
        f"perfdash@{parts.hostname}" if parts.hostname else "perfdash@localhost"
    )
    return Smtp(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=sender,
        tls=tls,
        starttls=(query.get("starttls") or ["0"])[0].lower() in ("1", "true", "yes"),
    )


def send_email(smtp: Smtp, message) -> None:
    try:
        if smtp.tls:
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_S)
        with client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"the mail server refused or could not be reached ({exc})") from None


def send_slack(url: str, payload: dict) -> None:
    try:
        response = httpx.post(url, json=payload, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"Slack could not be reached ({type(exc).__name__})") from None
    if response.status_code >= 300:
        raise DeliveryError(f"Slack answered {response.status_code}: {response.text[:200]}")


def send_digests(
    engine: Engine,
    settings: Settings,
    name: str,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> DigestReport:
    """Send the ``name`` (day or week) digest to every subscriber who has not had it."""
    subscriptions = store.list_digest_subscriptions(engine, period=name)
    built: dict[frozenset[str] | None, Digest] = {}

    def digest_for(scope: frozenset[str] | None) -> Digest:
        """The digest as ``scope`` reads the catalog (a user limited to artists gets theirs),
        built once per scope."""
        if scope not in built:
            with store.transaction(store.scoped(engine, scope)) as conn:
                built[scope] = build_digest(
                    conn,
                    name,
                    tz=settings.tz,
                    spike_rule=settings.spike_rule,
                    stale_rule=settings.stale_rule,
                    now=now,
                )
        return built[scope]

    digest = digest_for(None)
    report = DigestReport(name, digest.key, subscriptions=len(subscriptions))
    for sub in subscriptions:
        scope = auth.scope_of_user(engine, sub["username"])
        digest = digest_for(scope)
        shown = f"{sub['username']} by {sub['channel']} to {masked(sub['channel'], sub['target'])}"
        if dry_run:
            report.previews.append(shown)
            continue
        if not store.claim_digest(engine, sub["id"], digest.key):
            report.already_sent.append(shown)
            continue
        try:
            _deliver(digest, sub, settings, sorted(scope or ()))
        except DeliveryError as exc:
            store.release_digest_claim(engine, sub["id"], digest.key)
            log.warning("digest %s to %s failed: %s", digest.key, shown, exc)
            report.failed.append(f"{shown}: {exc}")
            continue
        report.sent.append(shown)
    return report


def _deliver(digest: Digest, sub: dict, settings: Settings, artists: list[str]) -> None:
    if sub["channel"] == "slack":
        chart = (
            chart_url(settings.public_url, settings.secret_key, digest.key, artists=artists)
            if settings.public_url and settings.secret_key
            else None
        )
        send_slack(sub["target"], slack_payload(digest, settings.public_url, chart))
        return
    if not settings.smtp_url:
        raise DeliveryError("PERFDASH_SMTP_URL is not set: there is no mail server to send with")
    smtp = smtp_from_url(settings.smtp_url)
    send_email(
        smtp,
        email_message(digest, sender=smtp.sender, to=sub["target"], base_url=settings.public_url),
    )
