"""Writing the readings of a platform's or a distributor's export (``csvio.formats``): their
releases matched (``csvio.matching``), counts of one natural key added up, all in the
import's transaction.

A statement may hold the same count in several lines (one sale month reported again with a
later reporting date, an album's lines on one store and country): readings with one natural
key are added up within a chunk, and a key an earlier chunk of this file wrote is added to the
stored reading (``store.add_to_readings``).  A key stored by an earlier import is left as it
is and counted as already there, so importing a statement again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from perfdash import store
from perfdash.csvio.matching import Matcher, describe, match_codes, new_release_fields
from perfdash.csvio.report import CsvImportError, ImportReport, Problem
from perfdash.ingest.releases import save_release
from perfdash.vocab import READING_FIELDS

NATURAL_KEY = (
    "release_id",
    "platform_key",
    "metric_type",
    "recorded_at",
    "value_kind",
    "country",
    "currency",
)
MAX_LISTED = 200


@dataclass
class Statement:
    """One import's matching state: the releases found, the lines unmatched, what it wrote."""

    matcher: Matcher = field(default_factory=Matcher)
    ids: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> its first line
    # the natural-key hashes this import wrote, sorted (8 bytes a reading)
    written: np.ndarray = field(default_factory=lambda: np.empty(0, dtype="uint64"))
    touched: set[int] = field(default_factory=set)


def stream_chunk(
    conn: Connection, good: pd.DataFrame, report: ImportReport, state: Statement
) -> None:
    """Match one checked chunk's readings and write them (unless the import cannot be)."""
    codes, keys = match_codes(good)
    new = [k for k in keys if k not in state.ids and k not in state.unknown]
    state.ids.update(state.matcher.resolve(conn, new))
    missing = {k for k in new if k not in state.ids}
    if missing:
        _, first = np.unique(codes, return_index=True)
        at = [i for i, k in enumerate(keys) if k in missing]
        for i, row in zip(at, good.iloc[first[at]].to_dict("records"), strict=True):
            state.unknown[keys[i]] = {**row, "__key": keys[i]}
    if state.unknown and report.create_missing and not report.dry_run and not report.problem_count:
        _create(conn, state, report)
    found = np.array([state.ids.get(k, -1) for k in keys], dtype="int64")
    state.touched.update(int(r) for r in found if r >= 0)
    writable = report.problem_count == 0 and (report.create_missing or not state.unknown)
    if not writable or report.dry_run:
        return
    frame = _summed(good.assign(release_id=found[codes], source="csv"))
    hashes = pd.util.hash_pandas_object(frame[list(NATURAL_KEY)], index=False).to_numpy()
    again = _seen(state.written, hashes)
    if again.any():
        store.add_to_readings(conn, frame[again][list(READING_FIELDS)])
        report.written += int(again.sum())
    fresh = frame[~again]
    result = store.insert_metrics(
        conn, fresh[list(READING_FIELDS)], expect_new=report.already_present == 0
    )
    report.written += result.written
    report.already_present += result.already_present
    if result.already_present == 0:  # every key of this chunk is this import's now
        state.written = _merged(state.written, hashes[~again])


def _seen(written: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Which ``hashes`` are in ``written`` (sorted): a binary search per hash, so a chunk
    costs the same however much of the file came before (``np.isin`` sorted the whole
    history again for every chunk, quadratic in the file's length and its peak memory
    several copies of it)."""
    if not len(written):
        return np.zeros(len(hashes), dtype=bool)
    at = np.searchsorted(written, hashes)
    return written[np.minimum(at, len(written) - 1)] == hashes


def _merged(written: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """``written`` with ``hashes`` added, still sorted (one linear pass, no re-sort)."""
    fresh = np.sort(hashes)
    return np.insert(written, np.searchsorted(written, fresh), fresh)


def _summed(frame: pd.DataFrame) -> pd.DataFrame:
    """Readings with one natural key added up (the first line's text kept)."""
    frame = frame.assign(platform_key=frame["platform"].str.lower())
    frame["release_id"] = frame["release_id"].astype("int64")
    if not frame.duplicated(list(NATURAL_KEY)).any():
        return frame
    first = frame.drop_duplicates(list(NATURAL_KEY)).set_index(list(NATURAL_KEY))
    sums = frame.groupby(list(NATURAL_KEY), sort=False)["metric_value"].sum()
    first["metric_value"] = sums.reindex(first.index).to_numpy()
    return first.reset_index()


def _create(conn: Connection, state: Statement, report: ImportReport) -> None:
    """Create the releases of the unmatched lines (in the import's transaction)."""
    for key, first in list(state.unknown.items()):
        if key in state.ids:
            continue
        fields = new_release_fields(first)
        base, n = fields["release_key"], 1
        while store.get_release_by_key(conn, fields["release_key"]) is not None:
            n += 1
            fields["release_key"] = f"{base[:250]}-{n}"
        saved = save_release(conn, None, fields)
        if saved.id is None:
            why = "; ".join(
                str(Problem(int(first["__line"]), f, m)) for f, m in saved.errors.items()
            )
            raise CsvImportError(f"{describe(first)} cannot be created: {why or saved.message}")
        state.ids[key] = saved.id
        report.created_keys.append(fields["release_key"])


def finish(conn: Connection, state: Statement, report: ImportReport) -> None:
    """What the report lists: the unmatched lines (created or not) and the releases."""
    for rid in sorted(state.touched)[:20]:
        release = store.get_release(conn, rid)
        if release:
            report.releases.append(store.release_label(release))
    unmatched = [describe(first) for key, first in state.unknown.items()]
    report.unknown_keys = unmatched[:MAX_LISTED]
    if len(unmatched) > MAX_LISTED:
        report.unknown_keys.append(f"... and {len(unmatched) - MAX_LISTED:,} more")
    report.release_count = len(state.touched)
