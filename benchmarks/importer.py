"""perfdash's CSV import path as the benchmark runs it.

When the app's own CSV import exists (``perfdash import``) the benchmark uses it; until then
it measures the store path that import is built on: the file streamed in chunks with pandas,
vectorised checks, release keys mapped to ids, and ``store.insert_metrics`` (COPY into a staging
table + one INSERT ... ON CONFLICT DO NOTHING) for every chunk, all in ONE transaction.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from perfdash import store

CHUNK_ROWS = 200_000


def app_import() -> tuple[str, Callable[..., Any]] | None:
    """The app's own CSV import function, if one exists yet."""
    for module, name in (
        ("perfdash.csvio", "import_csv"),
        ("perfdash.imports", "import_csv"),
        ("perfdash.ingest", "import_csv"),
    ):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        fn = getattr(mod, name, None)
        if callable(fn):
            return f"{module}.{name}", fn
    return None


def store_import(engine: sa.Engine, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> int:
    """Stream ``path`` into content_performance through store.insert_metrics; rows written."""
    written = 0
    ids: dict[str, int] = {}
    with engine.begin() as conn:
        for chunk in pd.read_csv(
            path,
            chunksize=chunk_rows,
            dtype={
                "release_key": str,
                "platform": str,
                "metric_type": str,
                "metric_value": "int64",
                "value_kind": str,
            },
        ):
            keys = chunk["release_key"].unique().tolist()
            unknown = [k for k in keys if k not in ids]
            if unknown:
                ids.update(store.release_ids_for_keys(conn, unknown))
            chunk["release_id"] = chunk.pop("release_key").map(ids)
            if chunk["release_id"].isna().any():
                raise store.UnknownReleaseError("unknown release key in the file")
            chunk["recorded_at"] = pd.to_datetime(chunk["recorded_at"], utc=True, format="ISO8601")
            chunk["source"] = "csv"
            written += store.insert_metrics(conn, chunk).written
    return written


def run_import(url: str, path: Path) -> tuple[str, int]:
    """Import ``path`` into the database at ``url``; returns (path used, rows written)."""
    engine = store.make_engine(url, statement_timeout_ms=0)
    try:
        found = app_import()
        if found is None:
            return "store.insert_metrics", store_import(engine, path)
        name, fn = found
        report = fn(engine, path, tz="UTC")
        if not getattr(report, "committed", True) or getattr(report, "fatal", None):
            problems = getattr(report, "problems", [])[:5]
            raise RuntimeError(f"import refused the file: {report.fatal} {problems}")
        return name, int(report.written)
    finally:
        engine.dispose()
