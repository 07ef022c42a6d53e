"""Exporting readings as CSV: the import format (what ``perfdash export`` writes), and the
rows a page shows (the dashboard's Export button).

Rows stream from the database in chunks, so memory does not grow with the table.  Each row
says how its metric reads (``metric_kind``, ``lower_is_better``), which the import passes over.  Text is
protected against spreadsheet formula injection by ``ingest.rules``' guard, which the import
removes again: an export imports into an empty database (``--create-missing``) to identical
rows and releases, tags included (``tags``: a release's tags on each of its rows, ";"-separated).
"""

from __future__ import annotations

import csv
import io
from typing import IO

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection, Engine

from perfdash import metrics, store
from perfdash.csvio.columns import EXPORT_COLUMNS, guard_formulas, per_unique
from perfdash.ingest.rules import csv_safe

_TEXT_COLUMNS = (
    "release_key",
    "platform",
    "metric_type",
    "source_url",
    "notes",
    "release_title",
    "artist_name",
)


def export_csv(engine: Engine | Connection, out: IO[str], *, release_key: str | None = None) -> int:
    """Write metrics (all, or one release's) as CSV in the import format; returns the rows."""
    return export_csv_report(engine, out, release_key=release_key)[0]


def export_csv_report(
    engine: Engine | Connection, out: IO[str], *, release_key: str | None = None
) -> tuple[int, int]:
    """Like ``export_csv``; returns (rows written, readings left out for having no time).

    An adopted database may hold readings with ``recorded_at`` NULL (the original DDL allows
    it).  A reading without a time cannot be imported (every import needs one) and would be
    written as "NaTZ", so it is left out and counted, and the caller says how many.
    """
    written = skipped = 0
    overrides = store.metric_kind_overrides(engine)
    tags = store.tags_by_release_key(engine, release_key)
    for frame in store.iter_metrics_for_export(engine, release_key=release_key):
        timed = frame["recorded_at"].notna()
        skipped += int((~timed).sum())
        frame = frame[timed].copy()
        if frame.empty:
            continue
        # letters, digits and inner hyphens only (ingest.tags): nothing a spreadsheet runs
        frame["tags"] = per_unique(
            frame["release_key"], lambda u: u.map(lambda k: ";".join(tags.get(k, [])))
        )
        for col in _TEXT_COLUMNS:
            frame[col] = guard_formulas(frame[col].astype(object).where(frame[col].notna(), None))
        frame["recorded_at"] = _iso_utc(pd.to_datetime(frame["recorded_at"], utc=True))
        frame["metric_kind"], frame["lower_is_better"] = kind_columns(
            frame["metric_type"], overrides
        )
        frame[list(EXPORT_COLUMNS)].to_csv(
            out, header=written == 0, index=False, lineterminator="\n"
        )
        written += len(frame)
    if written == 0:
        out.write(",".join(EXPORT_COLUMNS) + "\n")
    return written, skipped


def kind_columns(
    metric_types: pd.Series, overrides: dict[str, tuple[str, bool]]
) -> tuple[pd.Series, pd.Series]:
    """Each row's metric kind (counter, audience, score) and "true"/"false" for lower is
    better, as the dashboard reads the type (the editors' kinds over the known ones)."""
    found = per_unique(
        metric_types.fillna(""), lambda u: u.map(lambda t: metrics.metric_kind(t, overrides))
    )
    kind = found.map(lambda k: k.kind)
    lower = found.map(lambda k: "true" if k.lower_is_better else "false")
    return kind, lower


def _iso_utc(ts: pd.Series) -> np.ndarray:
    """ISO-8601 UTC text for a column of aware timestamps, formatted by numpy in C."""
    values = ts.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    whole = (ts.dt.microsecond == 0).all()
    unit = "s" if whole else "us"
    return np.char.add(np.datetime_as_string(values.astype(f"datetime64[{unit}]"), unit=unit), "Z")


def rows_csv(rows: list[dict], columns: list[str]) -> str:
    """Rows as a page shows them, as CSV (header first), every text cell formula-safe and
    numbers left numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_safe(c) for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c) is None else csv_safe(row.get(c)) for c in columns])
    return buffer.getvalue()
