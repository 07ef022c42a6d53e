"""Checking a table of readings (a DataFrame) by the rules of ``ingest.rules``, fast.

A generated catalog or a program's batch holds tens of thousands of readings in typed columns
(ints, aware datetimes, texts that repeat on most rows).  Checking them one record at a time
costs more than writing them, so every field's rule runs once per *distinct* value of its
column and the verdicts are spread back over the rows: the same rules and messages as one
record gets, a small part of the work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from perfdash import store
from perfdash.ingest.rules import (
    INPUT_FIELDS,
    MAX_ID,
    Rule,
    money_problem,
    no_release_id,
    no_release_key,
    reading_rules,
)
from perfdash.vocab import SOURCES


def check_frame(
    conn: Connection, frame: pd.DataFrame, *, tz: str, now: datetime, source: str
) -> tuple[pd.DataFrame, dict[int, dict[str, str]]]:
    """(the good rows as the store's columns, errors by field of each bad row by position).

    The rows name their release by a ``release_key`` or a ``release_id`` column.
    """
    unknown = sorted(set(frame.columns) - set(INPUT_FIELDS))
    if unknown:
        raise ValueError(f"Unknown reading column(s): {', '.join(unknown)}")
    frame = frame.reset_index(drop=True)
    ids, release_errors = _releases(conn, frame)
    columns: dict[str, Any] = {"release_id": ids}
    messages: dict[str, np.ndarray] = {release_errors[0]: release_errors[1]}
    for name, rule in reading_rules(tz=tz, now=now).items():
        raw = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
        columns[name], messages[name] = _per_distinct(raw, rule)
    messages["currency"] = _money_messages(columns, messages)
    bad = np.zeros(len(frame), dtype=bool)
    for found in messages.values():
        bad |= found != None  # noqa: E711 - elementwise on an object array
    errors = {
        int(i): {f: str(m[i]) for f, m in messages.items() if m[i] is not None}
        for i in np.flatnonzero(bad)
    }
    good = ~bad
    out = pd.DataFrame(
        {
            "release_id": pd.array(columns["release_id"][good], dtype="int64"),
            "platform": columns["platform"][good],
            "metric_type": columns["metric_type"][good],
            "metric_value": pd.array(columns["metric_value"][good], dtype="int64"),
            "recorded_at": pd.to_datetime(pd.Series(columns["recorded_at"][good]), utc=True),
            "value_kind": columns["value_kind"][good],
            "source": source if source in SOURCES else "manual",
            "source_url": columns["source_url"][good],
            "notes": columns["notes"][good],
            "country": columns["country"][good],
            "currency": columns["currency"][good],
        }
    )
    return out, errors


def _money_messages(columns: dict[str, Any], messages: dict[str, np.ndarray]) -> np.ndarray:
    """The currency's messages with ``money_problem`` added (once per distinct pair)."""
    out = messages["currency"].copy()
    pairs = pd.DataFrame({"m": columns["metric_type"], "c": columns["currency"]})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs.astype(object)))
    verdicts = np.array(
        [money_problem(m, c) if c is not None else None for m, c in uniques.tolist()] + [None],
        dtype=object,
    )
    found = verdicts[codes]
    use = (out == None) & (found != None)  # noqa: E711 - elementwise on an object array
    out[use] = found[use]
    return out


def _per_distinct(raw: pd.Series, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """(values, messages or None) of a column, the rule run once per distinct value."""
    codes, uniques = pd.factorize(raw)
    verdicts = [rule(u) for u in pd.Index(uniques).tolist()] + [rule(None)]  # code -1: missing
    values = np.empty(len(verdicts), dtype=object)
    messages = np.empty(len(verdicts), dtype=object)
    for i, (value, message) in enumerate(verdicts):
        values[i], messages[i] = value, message
    return values[codes], messages[codes]


def _releases(conn: Connection, frame: pd.DataFrame) -> tuple[np.ndarray, tuple[str, np.ndarray]]:
    """(the release id of every row, 0 where unknown; (field, message or None per row))."""
    text = np.full(len(frame), None, dtype=object)
    if "release_key" in frame:
        keys = frame["release_key"]
        found = store.release_ids_for_keys(conn, keys.dropna().unique().tolist())
        ids = keys.map(found)
        missing = ids.isna().to_numpy()
        text[missing] = [no_release_key(k) for k in keys[missing]]
        return ids.fillna(0).to_numpy(dtype="int64"), ("release_key", text)
    if "release_id" not in frame:
        raise ValueError("Readings need a release_key or a release_id column")
    ids = frame["release_id"].fillna(0).to_numpy(dtype="int64")
    wanted = [int(i) for i in np.unique(ids) if 0 < i < MAX_ID]
    have = store.existing_release_ids(conn, wanted) if wanted else set()
    missing = ~np.isin(ids, sorted(have))
    text[missing] = [no_release_id(i) for i in ids[missing]]
    return ids, ("release_id", text)
