"""The catalog's risers: the releases whose gain grew most over the previous period's.

Every release of the catalog takes part, not only the period's top gainers: a release that
went from 10 to 5,000 views rose more than one that went from 90,000 to 91,000, though only
the second is on the leaderboard.  Each period's gain per release is the leaderboard's SQL
aggregate without a limit (the daily rollup when the period allows), both read in one
snapshot; the difference and its order are taken over those per-release rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from perfdash.store.engine import _one_transaction
from perfdash.store.periods import LEADERBOARD_COLUMNS, leaderboard

RISER_COLUMNS = [*LEADERBOARD_COLUMNS, "previous_gain", "rise"]


@_one_transaction
def risers(
    bind: Engine | Connection,
    metric_type: str,
    *,
    start: datetime,
    end: datetime,
    previous_start: datetime,
    previous_end: datetime,
    platforms: Sequence[str] | None = None,
    limit: int = 5,
    archived: bool = False,
    release_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """The ``limit`` releases whose gain of ``metric_type`` in [start, end) exceeds their gain
    in [previous_start, previous_end) the most (a release new in the period rose by all it
    gained), ties by release id; only releases that rose.  For counters and audiences: a
    score has levels, not gains (callers ask the leaderboard by level instead).  ``release_ids``
    (a tag's releases) keeps the others out."""
    ids = None if release_ids is None else list(release_ids)
    where = dict(platforms=platforms, limit=None, archived=archived, release_ids=ids)
    now = leaderboard(bind, metric_type, start=start, end=end, **where)
    if now.empty:
        return pd.DataFrame(columns=RISER_COLUMNS)
    before = leaderboard(bind, metric_type, start=previous_start, end=previous_end, **where)
    earlier = dict(zip(before["release_id"].tolist(), before["gain"].tolist(), strict=True))
    previous = [earlier.get(r, 0) for r in now["release_id"].tolist()]
    rise = [g - p for g, p in zip(now["gain"].tolist(), previous, strict=True)]
    out = now.assign(previous_gain=previous, rise=rise)
    out = out[[r > 0 for r in rise]]
    out = out.sort_values(["rise", "release_id"], ascending=[False, True], kind="stable")
    return out.head(max(1, int(limit))).reset_index(drop=True)[RISER_COLUMNS]
