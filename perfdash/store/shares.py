"""Read-only share links: create, look up by the hash of their token, list, revoke.

``perfdash.shares`` makes the tokens and checks the views; the store never sees a token, only
its SHA-256.  A revoked or expired link keeps its row for a while (the lists say what became
of it; the web layer refuses it); ``purge_ended_share_links`` removes it once it ended long
enough ago that nobody asks any more.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import share_links
from perfdash.store.engine import _begin, _db_ts, to_utc


def _out(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out.pop("token_hash", None)
    for key in ("created_at", "expires_at", "revoked_at"):
        out[key] = to_utc(out[key])
    out["release_ids"] = [int(r) for r in out["releases"].split(",") if r]
    return out


def create_share_link(
    bind: Engine | Connection,
    token_hash: str,
    view: str,
    release_ids: list[int],
    *,
    created_by: str | None,
    expires_at: datetime | None,
) -> int:
    """Record a link; its id (the lists and ``DELETE /api/v1/shares/ID`` name it by)."""
    with _begin(bind) as conn:
        return conn.execute(
            share_links.insert()
            .values(
                token_hash=token_hash,
                view=view,
                releases=",".join(str(r) for r in release_ids),
                created_by=created_by,
                created_at=_db_ts(conn, datetime.now(UTC)),
                expires_at=_db_ts(conn, expires_at),
            )
            .returning(share_links.c.id)
        ).scalar_one()


def share_link_by_hash(bind: Engine | Connection, token_hash: str) -> dict[str, Any] | None:
    """The link with this token hash, live or not (the caller says which and why)."""
    with _begin(bind) as conn:
        row = conn.execute(
            select(share_links).where(share_links.c.token_hash == token_hash)
        ).first()
    return _out(row) if row else None


def get_share_link(bind: Engine | Connection, share_id: int) -> dict[str, Any] | None:
    with _begin(bind) as conn:
        row = conn.execute(select(share_links).where(share_links.c.id == share_id)).first()
    return _out(row) if row else None


def list_share_links(
    bind: Engine | Connection, *, created_by: str | None = None
) -> list[dict[str, Any]]:
    """Every link (the admin page) or one creator's, newest first; never a token."""
    stmt = select(share_links).order_by(share_links.c.id.desc())
    if created_by is not None:
        stmt = stmt.where(share_links.c.created_by == created_by)
    with _begin(bind) as conn:
        return [_out(r) for r in conn.execute(stmt)]


def revoke_share_link(bind: Engine | Connection, share_id: int) -> bool:
    """End a link now; False when there is no such link or it was already revoked."""
    with _begin(bind) as conn:
        return (
            conn.execute(
                share_links.update()
                .where(share_links.c.id == share_id, share_links.c.revoked_at.is_(None))
                .values(revoked_at=_db_ts(conn, datetime.now(UTC)))
            ).rowcount
            > 0
        )


_ENDED_KEPT = timedelta(days=90)


def purge_ended_share_links(
    bind: Engine | Connection, older_than: timedelta = _ENDED_KEPT, *, now: datetime | None = None
) -> int:
    """Delete the links revoked, or expired, more than ``older_than`` ago; how many went.
    A live link (no expiry, or one still ahead) is never touched."""
    with _begin(bind) as conn:
        before = _db_ts(conn, (now or datetime.now(UTC)) - older_than)
        c = share_links.c
        return conn.execute(
            delete(share_links).where(or_(c.revoked_at < before, c.expires_at < before))
        ).rowcount
