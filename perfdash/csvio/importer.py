"""Importing a CSV file of readings, all-or-nothing: the function the CLI, the data-entry page's
import job and the benchmarks call.

Why it looks like this:
- The file is read in chunks (``CHUNK_ROWS``, fewer for wide rows: ``CHUNK_BYTES``) and checked with vectorised pandas operations
  (``csvio.validate``, the rules of ``ingest.rules``), so a 1,000,000-row file streams in
  bounded memory and no Python loop runs per row on the hot path.
- Every chunk is written through ``store.insert_metrics`` on one connection inside one
  ``store.transaction``; any problem anywhere rolls the whole file back, and a database error
  comes back translated like every other store error.
- Writes are idempotent (the natural-key unique index + ON CONFLICT DO NOTHING), so importing a
  file twice adds nothing the second time and reports how many rows were already there.
- ``--create-missing`` creates unknown releases through ``ingest.releases.save_release``, the
  same checks as the form and the API.
- A ``tags`` column ("lofi;summer-campaign") gives its releases those tags, added to theirs
  through ``ingest.tags`` in the same transaction; a refused tag is a problem on its line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import IO, Any

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from perfdash import store
from perfdash.csvio import formats, statements
from perfdash.csvio.columns import EXPORT_COLUMNS
from perfdash.csvio.reader import (
    Source,
    check_columns,
    numbered_chunks,
    open_binary,
    read_header,
    scan_file,
)
from perfdash.csvio.report import CsvImportError, ImportReport, Problem
from perfdash.csvio.validate import Problems, validate
from perfdash.ingest.releases import save_release
from perfdash.ingest.tags import tag_release
from perfdash.vocab import READING_FIELDS

CHUNK_ROWS = 50_000
CHUNK_BYTES = 8 << 20  # a chunk holds about this much of the file, however wide its rows
MIN_CHUNK_ROWS = 100
PREVIEW_ROWS = 10
MAX_LISTED_KEYS = 200

Progress = Callable[[int, int], None]


def import_csv(
    engine: Engine,
    source: Source,
    *,
    dry_run: bool = False,
    create_missing: bool = False,
    progress: Progress | None = None,
    tz: str = "UTC",
    now: datetime | None = None,
    chunksize: int = CHUNK_ROWS,
    filename: str | None = None,
) -> ImportReport:
    """Check (``dry_run``) or import a CSV file of metrics, all-or-nothing.

    ``source`` is a path, the file's bytes or a binary file object.  File-level problems
    (encoding, header) come back as ``report.fatal``; row problems as ``report.problems`` with
    their file line.  ``progress(rows_done, rows_total)`` is called after every chunk.
    ``filename`` names an upload (a Spotify for Artists song timeline names its song there).
    """
    fh, name, close = open_binary(source)
    name = filename or name
    report = ImportReport(
        filename=os.path.basename(name), dry_run=dry_run, create_missing=create_missing
    )
    try:
        _run(engine, fh, report, progress=progress, tz=tz, now=now, chunksize=chunksize)
    except (CsvImportError, store.PerformanceDbError) as exc:
        report.fatal = str(exc)
        report.committed = False
        report.written = report.already_present = 0
    finally:
        if close:
            fh.close()
    return report


class _Rollback(Exception):
    pass


def _run(
    engine: Engine,
    fh: IO[bytes],
    report: ImportReport,
    *,
    progress: Progress | None,
    tz: str,
    now: datetime | None,
    chunksize: int,
) -> None:
    shape = scan_file(fh)
    newlines, content, quotes = shape.newlines, shape.content, shape.quotes
    if not content:
        raise CsvImportError(
            "The file is empty; it needs a header line (" + ", ".join(EXPORT_COLUMNS[:8]) + ")"
        )
    names, report.delimiter = read_header(fh)
    fmt = formats.detect(names)
    if fmt is None:
        release_col, report.ignored_columns = check_columns(names, formats.known_labels())
    else:
        release_col = None
        report.format_key, report.format_label = fmt.key, fmt.label
        report.column_map = list(fmt.columns.items())
    total = max(newlines - 1, 0)
    if progress:
        progress(0, total)
    now = now or datetime.now(UTC)
    checked = _checked_chunks(
        fh,
        report.delimiter,
        release_col,
        tz=tz,
        now=now,
        chunksize=chunk_rows(shape.size, newlines, chunksize),
        multiline=quotes,
        fmt=fmt,
        ctx=formats.Context(report.filename, _today(now, tz)),
    )
    try:
        with store.transaction(engine) as conn:
            if fmt is None:
                _stream(conn, checked, report, release_col, total=total, progress=progress)
            else:
                _stream_export(conn, checked, report, total=total, progress=progress)
            if report.dry_run or not report.ok:
                raise _Rollback
            report.committed = True
    except _Rollback:
        report.written = 0
        report.committed = False
        if not report.dry_run:
            report.already_present = 0


def chunk_rows(size: int, newlines: int, most: int = CHUNK_ROWS) -> int:
    """Rows per chunk: ``most``, fewer when the file's mean line is wide, so that a chunk holds
    about ``CHUNK_BYTES`` of the file (a 200 MB file of 2 KB rows: 4,096 rows, not 50,000,
    which held 100 MB of text per chunk, twice over with the chunk read ahead)."""
    mean = size / max(newlines, 1)
    return max(min(most, int(CHUNK_BYTES // max(mean, 1))), min(most, MIN_CHUNK_ROWS))


def _stream(
    conn: Connection,
    checked: Iterator[tuple[pd.DataFrame | None, ImportReport]],
    report: ImportReport,
    release_col: str,
    *,
    total: int,
    progress: Progress | None,
) -> None:
    ids: dict[str, int] = {}  # release key (or number as text) -> id, for this import only
    unknown: set[str] = set()
    touched: set[str] = set()
    tagged: dict[str, tuple[set[str], int]] = {}  # release key -> its tags, their first line
    writable = False
    for good, part in _prefetch(checked):
        report.merge(part)
        if good is None:
            continue
        if "tags" in good:
            _collect_tags(good, tagged)
        if not report.preview:
            report.preview = _preview(good)
        keys = good["key"].unique().tolist()
        _resolve(conn, [k for k in keys if k not in ids and k not in unknown], release_col, ids)
        unknown.update(k for k in keys if k not in ids)
        touched.update(keys)
        if release_col == "release_id":
            missing = ~good["key"].isin(ids.keys())
            Problems(report).add(
                missing,
                good["__line"],
                "release_id",
                lambda v: f"No release has the number {v}",
                good["key"],
            )
        elif unknown and report.create_missing and not report.dry_run and not report.problem_count:
            _create_missing(conn, good, ids, report, unknown)
        writable = report.problem_count == 0 and (report.create_missing or not unknown)
        if writable and not report.dry_run:
            frame = good.assign(release_id=good["key"].map(ids), source="csv")
            # while no reading of the file was already stored, expect the next ones to be new
            result = store.insert_metrics(
                conn, frame[list(READING_FIELDS)], expect_new=report.already_present == 0
            )
            report.written += result.written
            report.already_present += result.already_present
        if progress:
            progress(min(report.rows, total) if total else report.rows, total)
    if tagged and writable and not report.dry_run and report.problem_count == 0:
        _add_tags(conn, tagged, ids)
    if release_col == "release_key":
        report.unknown_keys = sorted(unknown)[:MAX_LISTED_KEYS]
        if len(unknown) > MAX_LISTED_KEYS:
            report.unknown_keys.append(f"... and {len(unknown) - MAX_LISTED_KEYS:,} more")
    report.release_count = len(touched)
    report.releases = sorted(touched)[:MAX_LISTED_KEYS]


def _stream_export(
    conn: Connection,
    checked: Iterator[tuple[pd.DataFrame | None, ImportReport]],
    report: ImportReport,
    *,
    total: int,
    progress: Progress | None,
) -> None:
    """An export's chunks: releases matched, counts of one key added up, written."""
    state = statements.Statement()
    for good, part in _prefetch(checked):
        report.merge(part)
        if good is None:
            continue
        if not report.preview:
            report.preview = _preview(good)
        statements.stream_chunk(conn, good, report, state)
        if progress:
            progress(min(report.rows, total) if total else report.rows, total)
    statements.finish(conn, state, report)


def _today(now: datetime, tz: str) -> str:
    """The day a table of totals is read on, in the configured zone."""
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d")


def _resolve(conn: Connection, new: list[str], release_col: str, ids: dict[str, int]) -> None:
    """Add the ids of the chunk's release keys (or numbers) seen for the first time."""
    if not new:
        return
    if release_col == "release_key":
        ids.update(store.release_ids_for_keys(conn, new))
    else:
        have = store.existing_release_ids(conn, [int(k) for k in new])
        ids.update({k: int(k) for k in new if int(k) in have})


def _checked_chunks(
    fh: IO[bytes],
    delimiter: str,
    release_col: str,
    *,
    tz: str,
    now: datetime,
    chunksize: int,
    multiline: bool,
    fmt: formats.Format | None = None,
    ctx: formats.Context | None = None,
) -> Iterator[tuple[pd.DataFrame | None, ImportReport]]:
    """Each chunk of the file parsed and checked: (good rows or None when the chunk is blank,
    a report of this chunk alone: its row count and problems, merged in order by the caller).

    Touches no database and no shared state, so it can run in another thread (``_prefetch``).
    """
    for raw, rows in numbered_chunks(fh, delimiter, chunksize, multiline=multiline):
        part = ImportReport(rows=rows)
        if raw.empty:
            yield None, part
            continue
        if fmt is not None:  # an export: its lines as readings, each with its file line
            raw = fmt.translate(raw, ctx).reset_index(drop=True)
        yield validate(raw, release_col, tz=tz, now=now, report=part), part


_END = object()


def _prefetch(items: Iterator[Any]) -> Iterator[Any]:
    """Yield ``items`` while a worker thread already produces the next one.

    While PostgreSQL writes a chunk the importing thread only waits on the socket (without
    the GIL), so parsing and checking the next chunk meanwhile puts the second core of a small
    machine to work.  One chunk ahead at most, so memory stays at two chunks.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfdash-csv") as pool:
        pending = pool.submit(next, items, _END)
        while (item := pending.result()) is not _END:
            pending = pool.submit(next, items, _END)
            yield item


def _create_missing(
    conn: Connection,
    good: pd.DataFrame,
    ids: dict[str, int],
    report: ImportReport,
    unknown: set[str],
) -> None:
    """Create the chunk's unknown releases (inside the import's transaction).

    Titles and artists were checked with the chunk (``validate``: the release rules, with
    their lines), so what reaches here is stored as it is, never cut.
    """
    wanted = [k for k in good["key"].unique().tolist() if k in unknown and k not in ids]
    if not wanted:
        return
    firsts = good[good["key"].isin(wanted)].drop_duplicates("key").set_index("key")
    for key in wanted:
        fields: dict[str, Any] = {"release_key": key}
        for col, target in (
            ("release_title", "title"),
            ("artist_name", "artist_name"),
            ("isrc", "isrc"),
            ("upc", "upc"),
        ):
            if col in firsts and isinstance(firsts.at[key, col], str):
                fields[target] = firsts.at[key, col]
        saved = save_release(conn, None, fields)
        if saved.id is None:
            line = int(firsts.at[key, "__line"])
            why = "; ".join(str(Problem(line, f, m)) for f, m in saved.errors.items())
            raise CsvImportError(f"Release {key!r} cannot be created: {why or saved.message}")
        ids[key] = saved.id
        report.created_keys.append(key)


def _collect_tags(good: pd.DataFrame, tagged: dict[str, tuple[set[str], int]]) -> None:
    """Each release's tags in the chunk, added to what earlier chunks gave it."""
    rows = good[good["tags"].map(bool)]
    for key, tags, line in zip(rows["key"], rows["tags"], rows["__line"], strict=True):
        have, first = tagged.get(key, (set(), int(line)))
        tagged[key] = (have | set(tags), first)


def _add_tags(conn: Connection, tagged: dict[str, tuple[set[str], int]], ids: dict[str, int]):
    """Give each release the file's tags (added to those it has, never removed), in the
    import's transaction: one refused (too many) undoes the whole file, naming its line."""
    for key, (tags, line) in tagged.items():
        if key not in ids:
            continue
        changed = tag_release(conn, ids[key], sorted(tags), mode="add")
        if not changed.ok:
            raise CsvImportError(
                str(Problem(line, "tags", f"{changed.error}; nothing was imported"))
            )


def _preview(good: pd.DataFrame) -> list[dict[str, Any]]:
    head = good.head(PREVIEW_ROWS)
    return [
        {
            "line": int(r["__line"]),
            "release": r["key"] or r.get("release_title") or r.get("isrc") or "",
            "platform": r["platform"],
            "metric_type": r["metric_type"],
            "metric_value": int(r["metric_value"]),
            "recorded_at": r["recorded_at"].isoformat(),
            "value_kind": r["value_kind"],
            "country": r.get("country") or "",
            "currency": r.get("currency") or "",
        }
        for r in head.to_dict("records")
    ]
