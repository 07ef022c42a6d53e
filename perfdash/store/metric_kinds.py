"""The kinds editors gave metric types (``perfdash_metric_kinds``): how their numbers are read.

Only the rows an editor wrote are here; ``metrics.kinds`` combines them with the kinds perfdash
knows (``vocab.KNOWN_METRIC_KINDS``) and the default for everything else.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from perfdash.schema import metric_kinds
from perfdash.store.engine import _begin
from perfdash.store.errors import InvalidValueError
from perfdash.vocab import METRIC_KINDS

MAX_METRIC_TYPE = 50


def set_metric_kind(
    bind: Engine | Connection,
    metric_type: str,
    kind: str,
    *,
    lower_is_better: bool = False,
    updated_by: str | None = None,
) -> dict[str, Any]:
    """Give ``metric_type`` its kind (replacing any earlier choice); returns the stored row.

    ``lower_is_better`` only means something for a score, so it is stored False for the others
    (a counter where fewer views are "better" would turn every chart upside down).
    """
    name = (metric_type or "").strip() if isinstance(metric_type, str) else ""
    if not name:
        raise InvalidValueError("metric type must not be empty")
    if len(name) > MAX_METRIC_TYPE:
        raise InvalidValueError(f"metric type is longer than {MAX_METRIC_TYPE} characters")
    if kind not in METRIC_KINDS:
        raise InvalidValueError(
            f"kind {kind!r} is not one of {', '.join(METRIC_KINDS)} (metric type {name!r})"
        )
    row = {
        "metric_type": name,
        "kind": kind,
        "lower_is_better": bool(lower_is_better) and kind == "score",
        "updated_by": (updated_by or "").strip()[:100] or None,
    }
    with _begin(bind) as conn:
        done = conn.execute(
            metric_kinds.update()
            .where(metric_kinds.c.metric_type == name)
            .values(**row, updated_at=sa.func.current_timestamp())
        )
        if done.rowcount == 0:
            conn.execute(metric_kinds.insert().values(**row))
    return {k: row[k] for k in ("metric_type", "kind", "lower_is_better")}


def clear_metric_kind(bind: Engine | Connection, metric_type: str) -> bool:
    """Forget an editor's choice, so the type reads as perfdash knows it (or as a counter)."""
    with _begin(bind) as conn:
        done = conn.execute(
            metric_kinds.delete().where(metric_kinds.c.metric_type == (metric_type or "").strip())
        )
    return done.rowcount > 0


def metric_kind_overrides(bind: Engine | Connection) -> dict[str, tuple[str, bool]]:
    """Every editor-set kind: metric type -> (kind, lower is better)."""
    m = metric_kinds.c
    with _begin(bind) as conn:
        rows = conn.execute(
            select(m.metric_type, m.kind, m.lower_is_better).order_by(m.metric_type)
        ).all()
    return {r.metric_type: (r.kind, bool(r.lower_is_better)) for r in rows}
