"""Releases by their industry codes (ISRC, UPC / EAN) and by artist and title: what the
release writes check for uniqueness and what a distributor's statement is matched by.

Codes are stored bare (``perfdash.ingest.codes``).  A UPC-A and the EAN-13 that is the same
number with a leading 0 name one product, so a UPC is looked up in both forms and may be held
by one release only in either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import approved_releases
from perfdash.store.engine import _begin
from perfdash.store.errors import DuplicateCodeError
from perfdash.store.scope import _in_scope
from perfdash.vocab import RELEASE_CODES

_LOOKUP_CHUNK = 500


def _forms(field: str, code: str) -> tuple[str, ...]:
    if field != "upc":
        return (code,)
    if len(code) == 12:
        return (code, "0" + code)
    if len(code) == 13 and code.startswith("0"):
        return (code, code[1:])
    return (code,)


def code_holder(
    bind: Engine | Connection, field: str, code: str, *, other_than: int | None = None
) -> dict[str, Any] | None:
    """The release (id, key, title, artist) holding ``code`` in ``field``, or None."""
    r = approved_releases.c
    stmt = select(r.id, r.release_id, r.title, r.artist_name).where(
        r[field].in_(_forms(field, code))
    )
    if other_than is not None:
        stmt = stmt.where(r.id != other_than)
    with _begin(bind) as conn:
        row = conn.execute(stmt.limit(1)).first()
    return dict(row._mapping) if row else None


def _check_codes_free(conn: Connection, values: dict[str, Any], pk: int | None) -> None:
    """Raise DuplicateCodeError when a code in ``values`` belongs to another release, naming
    that release, so a person sees which one holds it."""
    for field, label in RELEASE_CODES.items():
        code = values.get(field)
        if not code:
            continue
        holder = code_holder(conn, field, code, other_than=pk)
        if holder:
            name = holder.get("title") or holder["release_id"]
            artist = f" by {holder['artist_name']}" if holder.get("artist_name") else ""
            raise DuplicateCodeError(
                f"{label.split(' ')[0]} {code} already belongs to release "
                f"{holder['release_id']!r} ({name}{artist})",
                field,
            )


def release_ids_for_codes(
    bind: Engine | Connection, field: str, codes: Iterable[str]
) -> dict[str, int]:
    """Map codes of ``field`` (isrc or upc) to release ids; codes nobody holds are absent.
    A UPC given as UPC-A finds the release that holds its EAN-13 form, and back."""
    if field not in RELEASE_CODES:
        raise ValueError(f"not a release code: {field}")
    wanted = sorted({str(c) for c in codes if c})
    asked = {form: code for code in wanted for form in _forms(field, code)}
    found: dict[str, int] = {}
    r = approved_releases.c
    forms = sorted(asked)
    with _begin(bind) as conn:
        for start in range(0, len(forms), _LOOKUP_CHUNK):
            chunk = forms[start : start + _LOOKUP_CHUNK]
            stmt = select(r[field], r.id).where(r[field].in_(chunk), *_in_scope(conn, r.id))
            for stored, rid in conn.execute(stmt):
                found.setdefault(asked[stored], rid)
    return found


def release_names(bind: Engine | Connection) -> list[tuple[int, str | None, str | None]]:
    """Every release's (id, artist, title), for matching a statement's lines by name; the
    catalog's size, never the statement's."""
    r = approved_releases.c
    stmt = (
        select(r.id, r.artist_name, r.title)
        .where(sa.func.coalesce(r.title, "") != "", *_in_scope(bind, r.id))
        .order_by(r.id)
    )
    with _begin(bind) as conn:
        return [(rid, artist, title) for rid, artist, title in conn.execute(stmt)]
