"""An artist's numbers: its releases side by side, each one's share, and artists ranked.

Inputs are ``store.period_gains`` frames (already summed in SQL per release and platform); an
artist is the releases that carry its name.  Each metric reads as its kind says: a counter's
gains add up over an artist's releases (their sum is the artist's gain, and each release has a
share of it); an audience's net changes add up as on the dashboard, but a share of a net change
that fell somewhere means nothing, so there is none; a score is a level, never a sum: an
artist's level is the mean of its releases' levels, and no release has a "share" of it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from perfdash.exact import exact_sum, int_column
from perfdash.metrics.kinds import MetricKind

RELEASE_COLUMNS = ["release_id", "gain", "total", "share", "previous_gain", "active"]
BOARD_COLUMNS = ["artist_name", "releases", "gain", "total", "previous_gain", "previous_total"]


def _one_metric(frame: pd.DataFrame | None, metric_type: str) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["release_id", "gain", "total", "n_rows"])
    return frame[frame["metric_type"] == metric_type]


def _per_release(frame: pd.DataFrame, kind: MetricKind) -> dict[int, tuple]:
    """(gain, total, active) per release: gains and totals summed over platforms (exact); a
    score's total is the mean level over its platforms and it has no gain."""
    out = {}
    for release_id, part in frame.groupby("release_id", sort=True):
        active = bool((part["n_rows"] > 0).any())
        if kind.is_score:
            out[int(release_id)] = (None, float(part["total"].astype("float64").mean()), active)
        else:
            gain = exact_sum(part["gain"]) if active else None
            out[int(release_id)] = (gain, exact_sum(part["total"]), active)
    return out


def release_shares(
    current: pd.DataFrame,
    metric_type: str,
    kind: MetricKind,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per release of ``current``: its gain (None for a score), its total (a score's
    level), its share of the releases' summed gain (0..1; None for a score, an audience, or
    when the sum is not positive) and its previous period's gain, biggest first."""
    now = _per_release(_one_metric(current, metric_type), kind)
    before = _per_release(_one_metric(previous, metric_type), kind)
    gains = [g for g, _, _ in now.values() if g is not None]
    whole = sum(gains) if gains else 0
    shared = kind.kind == "counter" and whole > 0 and all(g >= 0 for g in gains)
    rows = []
    for release_id, (gain, total, active) in now.items():
        share = (gain or 0) / whole if shared else None
        previous_gain = before.get(release_id, (None, None, False))[0]
        rows.append((release_id, gain, total, share, previous_gain, active))
    frame = pd.DataFrame.from_records(rows, columns=RELEASE_COLUMNS)
    return _ranked(frame, kind, "release_id")


def artist_board(
    current: pd.DataFrame,
    artists: Mapping[int, str],
    kind: MetricKind,
    previous: pd.DataFrame | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Artists ranked for one metric: counters and audiences by the gain of their releases
    added up, scores by the mean level of their releases (best first).  Only releases with a
    reading in the period take part, as on the release leaderboard; ``releases`` counts them."""
    now = _per_release(_one_metric(current, kind.metric_type), kind)
    before = _per_release(_one_metric(previous, kind.metric_type), kind)
    grouped: dict[str, list[int]] = {}
    for release_id, (_, _, active) in now.items():
        if active and release_id in artists:
            grouped.setdefault(artists[release_id], []).append(release_id)
    rows = []
    for name, ids in grouped.items():
        if kind.is_score:
            level = _mean([now[i][1] for i in ids])
            was = _mean([before[i][1] for i in ids if i in before])
            rows.append((name, len(ids), None, level, None, was))
        else:
            had = [before[i][0] for i in ids if i in before and before[i][0] is not None]
            gain = exact_sum([now[i][0] for i in ids])
            total = exact_sum([now[i][1] for i in ids])
            rows.append((name, len(ids), gain, total, exact_sum(had) if had else None, None))
    board = pd.DataFrame.from_records(rows, columns=BOARD_COLUMNS, coerce_float=False)
    frame = _ranked(board, kind, "artist_name")
    return frame if limit is None else frame.head(limit).reset_index(drop=True)


def _mean(values: list) -> float | None:
    kept = [float(v) for v in values if v is not None and not pd.isna(v)]
    return sum(kept) / len(kept) if kept else None


def _ranked(frame: pd.DataFrame, kind: MetricKind, tie: str) -> pd.DataFrame:
    """Best first: by gain (then total) for a counter or an audience, by level for a score
    (lowest first where lower is better); ties by ``tie``.  Sorted in Python: the numbers may
    be exact ints past 2^63 that pandas cannot sort as one column."""
    if frame.empty:
        return frame.reset_index(drop=True)
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    if kind.is_score:
        sign = 1 if kind.lower_is_better else -1

        def key(r: dict) -> tuple:
            level = r["total"]
            missing = level is None or pd.isna(level)
            return (missing, 0 if missing else sign * level, str(r[tie]))
    else:

        def key(r: dict) -> tuple:
            gain = r["gain"]
            missing = gain is None or pd.isna(gain)
            return (missing, 0 if missing else -gain, -(r["total"] or 0), str(r[tie]))

    return _frame(sorted(records, key=key), list(frame.columns), kind)


def _frame(records: list[dict], columns: list[str], kind: MetricKind) -> pd.DataFrame:
    """The rows with gains and counts as exact whole-number columns (int64 while they fit,
    never float64, which a missing value would otherwise make of them)."""
    out = pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object) for c in columns})
    whole = ["gain", "previous_gain"] + ([] if kind.is_score else ["total"])
    for column in whole:
        if column in out:
            out[column] = int_column([r[column] for r in records], out.index)
    for column in ("release_id", "releases"):
        if column in out:
            out[column] = out[column].astype("int64")
    if "active" in out:
        out["active"] = out["active"].astype(bool)
    for column in ("share", "previous_total") + (("total",) if kind.is_score else ()):
        if column in out:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out
