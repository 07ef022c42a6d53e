"""CSV import and export of metrics: one plain function each, shared by the CLI, the tab and
the benchmarks.

Why it looks like this:
- A file is read in chunks (``CHUNK_ROWS``) with pandas and validated with vectorised string
  and datetime operations, so a 1,000,000-row file streams in bounded memory and no Python
  loop runs per row on the hot path.  Per-row messages are produced only for the (few) bad
  rows, by the same scalar rules as the form (``perfdash.ingest``), so messages agree.
- Problems name the *file* line (header = line 1; quoted fields spanning lines are counted).
- An import is all-or-nothing: every chunk is written through ``store.insert_metrics`` on one
  ``Connection`` inside one transaction; any problem anywhere rolls the whole file back.
- Writes are idempotent (the natural-key unique index + ON CONFLICT DO NOTHING), so importing a
  file twice adds nothing the second time and reports how many rows were already there.
- The export writes exactly the columns the import reads, protected against spreadsheet
  formula injection with a leading apostrophe that the import removes again.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection, Engine

from perfdash import ingest, jobs, store
from perfdash.schema import VALUE_KINDS

CHUNK_ROWS = 50_000
MAX_PROBLEMS = 1000
PREVIEW_ROWS = 10
MAX_LISTED_KEYS = 200

REQUIRED_COLUMNS = ("platform", "metric_type", "metric_value", "recorded_at")
OPTIONAL_COLUMNS = ("value_kind", "source_url", "notes", "release_title", "artist_name")
RELEASE_COLUMNS = ("release_key", "release_id")
EXPORT_COLUMNS = (
    "release_key",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
    "source_url",
    "notes",
    "release_title",
    "artist_name",
)
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}

_VALUE_RE = r"\+?(?:\d{1,3}(?:[,\u00a0 \u202f_.]\d{3})+|\d+)"
_MAX_DIGITS = str(ingest.MAX_VALUE)
_TZ_RE = r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$"
_ISO_RE = r"\d{4}-\d{2}-\d{2}(?:$|[T ])"
_URL_RE = r"https?://[^\s/?#]+[^\s]*"
_CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_FORMULA_PREFIX = re.compile(r"^[=+\-@\t\r]")
# Common non-ISO formats; day/month order is decided per value and refused when ambiguous.
_OTHER_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
)
_SLASH_FORMATS = (
    ("%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S"),
    ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"),
    ("%d/%m/%Y", "%m/%d/%Y"),
)
TIME_HELP = "Time must look like 2026-03-01 14:30 or 2026-03-01T14:30:00Z (ISO 8601)"

Progress = Callable[[int, int], None]


class CsvImportError(ValueError):
    """The file as a whole cannot be read (encoding, header, columns); the message says where."""


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line:,}"
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass
class ImportReport:
    """What an import found and did; ``committed`` says whether anything was written."""

    filename: str = ""
    delimiter: str = ","
    dry_run: bool = False
    create_missing: bool = False
    rows: int = 0
    written: int = 0
    already_present: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    unknown_keys: list[str] = field(default_factory=list)
    created_keys: list[str] = field(default_factory=list)
    releases: list[str] = field(default_factory=list)
    release_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    committed: bool = False
    fatal: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the file can be (or was) imported as it is."""
        return (
            self.fatal is None
            and self.problem_count == 0
            and (self.create_missing or not self.unknown_keys)
        )

    def problem_lines(self, limit: int = MAX_PROBLEMS) -> list[str]:
        out = [str(p) for p in self.problems[:limit]]
        if self.problem_count > len(out):
            out.append(f"... and {self.problem_count - len(out):,} more problems")
        return out

    def summary(self) -> str:
        """One paragraph a person reads after an import or a dry run."""
        if self.fatal:
            return f"Nothing was imported: {self.fatal}"
        parts = [f"{self.rows:,} rows for {self.release_count:,} release(s)"]
        if self.unknown_keys:
            verb = "will be created" if self.create_missing else "are unknown"
            if self.committed and self.create_missing:
                verb = "were created"
            parts.append(f"{len(self.unknown_keys):,} release key(s) {verb}")
        if self.ignored_columns:
            parts.append(f"ignored column(s): {', '.join(self.ignored_columns)}")
        head = "; ".join(parts) + "."
        if not self.ok:
            why = []
            if self.problem_count:
                why.append(f"{self.problem_count:,} problem(s)")
            if self.unknown_keys and not self.create_missing:
                why.append("unknown release keys (use --create-missing to create them)")
            return f"{head} Nothing was imported: {' and '.join(why)}."
        if self.dry_run:
            return f"{head} Dry run: nothing was written."
        return f"{head} Added {self.written:,} row(s); {self.already_present:,} were already there."


# --------------------------------------------------------------------------- reading the file


def _open_binary(source: str | os.PathLike | bytes | IO[bytes]) -> tuple[IO[bytes], str, bool]:
    """A binary handle on the source, its display name and whether we must close it."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(bytes(source)), "upload", True
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), os.fspath(source), True  # noqa: SIM115 - closed by caller
    return source, getattr(source, "name", "upload"), False


def scan_file(fh: IO[bytes], block: int = 1 << 20) -> tuple[int, bool, bool]:
    """Check the whole file is UTF-8 and count its lines, without holding it in memory.

    Returns (newline characters, whether there is any non-blank content, whether there is
    any double quote: without one, no value can span lines and line numbers are arithmetic).
    A decoding error raises CsvImportError naming the line and byte offset.
    """
    start = fh.tell()
    head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvImportError(
            "The file is UTF-16 encoded; save it as UTF-8 (CSV UTF-8 in spreadsheet programs)"
        )
    fh.seek(start)
    newlines = 0
    offset = 0
    carry = b""
    content = False
    quotes = False
    while True:
        chunk = fh.read(block)
        final = not chunk
        data = carry + chunk
        try:
            data.decode("utf-8")
            carry = b""
            good = data
        except UnicodeDecodeError as exc:
            if not final and exc.reason == "unexpected end of data" and len(data) - exc.start < 4:
                good, carry = data[: exc.start], data[exc.start :]
            else:
                line = newlines + data[: exc.start].count(b"\n") + 1
                raise CsvImportError(
                    f"Line {line:,} is not UTF-8 (byte 0x{data[exc.start]:02x} at byte offset "
                    f"{offset + exc.start:,}); save the file as UTF-8"
                ) from None
        newlines += good.count(b"\n")
        quotes = quotes or b'"' in good
        if not content and good.strip(b"\xef\xbb\xbf \t\r\n"):
            content = True
        offset += len(good)
        if final:
            break
    fh.seek(start)
    return newlines, content, quotes


def _header(fh: IO[bytes]) -> tuple[list[str], str]:
    """The normalised column names and the delimiter, sniffed from the header line."""
    start = fh.tell()
    line = fh.readline().decode("utf-8-sig")
    fh.seek(start)
    counts = {d: line.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    names = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    return [n.strip().lower().replace(" ", "_") for n in names], delimiter


def _check_columns(names: list[str]) -> tuple[str, list[str]]:
    """Which release column the file uses and which columns are ignored."""
    if not any(n for n in names):
        raise CsvImportError("Line 1 is empty: the file needs a header line")
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise CsvImportError(f"Line 1 names column(s) twice: {', '.join(dupes)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    release_col = next((c for c in RELEASE_COLUMNS if c in names), None)
    if release_col is None:
        missing.insert(0, "release_key (or release_id)")
    if missing:
        raise CsvImportError(
            f"Line 1 (the header) lacks column(s): {', '.join(missing)}. Expected: "
            + ", ".join(EXPORT_COLUMNS[:8])
        )
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(RELEASE_COLUMNS)
    ignored = [n for n in names if n not in known or (n in RELEASE_COLUMNS and n != release_col)]
    return release_col, ignored


_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _chunks(fh: IO[bytes], delimiter: str, chunksize: int) -> Iterator[pd.DataFrame]:
    reader = pd.read_csv(
        fh,
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        encoding="utf-8-sig",
        chunksize=chunksize,
        engine="c",
    )
    try:
        yield from reader
    except pd.errors.ParserError as exc:
        m = _PARSER_LINE.search(str(exc))
        if m:
            raise CsvImportError(
                f"Line {int(m.group(2)):,} has {m.group(3)} fields but the header has "
                f"{m.group(1)} (a delimiter inside an unquoted value?)"
            ) from None
        raise CsvImportError(f"The file is not valid CSV: {exc}") from None
    except UnicodeDecodeError as exc:  # pragma: no cover - scan_file catches these first
        raise CsvImportError(f"The file is not UTF-8: {exc}") from None


# --------------------------------------------------------------------------- validation


class _Problems:
    """Collects problems from vectorised masks, building messages only for the first few."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report

    def add(
        self,
        mask: pd.Series,
        lines: pd.Series,
        column: str | None,
        message: str | Callable[[str], str],
        raw: pd.Series | None = None,
    ) -> None:
        count = int(mask.sum())
        if not count:
            return
        self.report.problem_count += count
        room = MAX_PROBLEMS - len(self.report.problems)
        if room <= 0:
            return
        idx = mask[mask].index[:room]
        for i in idx:
            text = message(raw.at[i]) if callable(message) and raw is not None else message
            self.report.problems.append(Problem(int(lines.at[i]), column, str(text)))


def _strip_formula_guard(s: pd.Series) -> pd.Series:
    return s.str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)


def _per_unique(col: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a string function to each *distinct* value once and spread the result back.

    Release keys, platforms, metric types and kinds repeat on almost every row, so this turns
    per-row string work into per-distinct-value work (a hash factorize plus a numpy take).
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    result = fn(pd.Series(uniques, dtype=object))
    return pd.Series(np.asarray(result, dtype=object)[codes], index=col.index)


def _per_unique_mask(col: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    result = np.asarray(fn(pd.Series(uniques, dtype=object)), dtype=bool)
    return pd.Series(result[codes], index=col.index)


def _value_message(raw: str) -> str:
    return ingest.parse_value(raw)[1] or "Value must be a whole number such as 12345 or 12,345"


def _parse_values(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(int64 values, bad mask): whole numbers with optional thousands separators."""
    fast = pd.to_numeric(raw, errors="coerce")
    if fast.dtype == "int64" and (len(fast) == 0 or fast.min() >= 0):
        return fast, pd.Series(False, index=raw.index)
    s = raw.str.strip()
    fmt_ok = s.str.fullmatch(_VALUE_RE)
    digits = s.str.replace(r"\D", "", regex=True).str.lstrip("0")
    n = digits.str.len()
    too_big = (n > len(_MAX_DIGITS)) | ((n == len(_MAX_DIGITS)) & (digits > _MAX_DIGITS))
    bad = ~fmt_ok | too_big
    values = pd.to_numeric(digits.where(~bad & (n > 0), "0")).astype("int64")
    return values, bad


def _parse_times(raw: pd.Series, tz: str) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(UTC datetimes, unparseable mask, ambiguous-day/month mask, DST-gap mask).

    Fast path: a chunk in one ISO-8601 shape (all naive or all with the same offset) is parsed
    by pandas' C parser in one call; anything else takes the detailed path below.
    """
    no = pd.Series(False, index=raw.index)
    try:
        parsed = pd.to_datetime(raw, format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        parsed = None
    if parsed is not None and parsed.notna().all():
        if parsed.dt.tz is None:
            local = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
            return local.dt.tz_convert("UTC"), no, no, local.isna()
        return parsed.dt.tz_convert("UTC"), no, no, no
    s = raw.str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us, UTC]")
    aware = s.str.contains(_TZ_RE, regex=True)
    iso = s.str.match(_ISO_RE)
    naive_local = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    if (iso & aware).any():
        sub = s[iso & aware].str.replace(r"\s*UTC$", "Z", regex=True)
        out.loc[sub.index] = pd.to_datetime(sub, format="ISO8601", errors="coerce", utc=True)
    if (iso & ~aware).any():
        sub = s[iso & ~aware]
        naive_local.loc[sub.index] = pd.to_datetime(sub, format="ISO8601", errors="coerce")
    ambiguous = pd.Series(False, index=s.index)
    rest = ~iso & ~aware & (s != "")
    if rest.any():
        sub = s[rest].str.replace(",", "", regex=False).str.replace(r"\s+", " ", regex=True)
        for fmt in _OTHER_FORMATS:
            todo = naive_local.loc[sub.index].isna()
            if not todo.any():
                break
            part = sub[todo]
            naive_local.loc[part.index] = pd.to_datetime(part, format=fmt, errors="coerce")
        for day_first, month_first in _SLASH_FORMATS:
            todo = naive_local.loc[sub.index].isna()
            if not todo.any():
                break
            part = sub[todo]
            a = pd.to_datetime(part, format=day_first, errors="coerce")
            b = pd.to_datetime(part, format=month_first, errors="coerce")
            both = a.notna() & b.notna() & (a != b)
            ambiguous.loc[both[both].index] = True
            naive_local.loc[part.index] = a.where(~both & a.notna(), b.where(~both))
    has_naive = naive_local.notna()
    dst_gap = pd.Series(False, index=s.index)
    if has_naive.any():
        local = naive_local[has_naive].dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        dst_gap.loc[local.index] = local.isna().to_numpy()
        out.loc[local.index] = local.dt.tz_convert("UTC")
    unparseable = out.isna() & ~ambiguous & ~dst_gap
    return out, unparseable, ambiguous, dst_gap


def _text_column(
    frame: pd.DataFrame, name: str, *, limit: int, label: str, problems: _Problems, required: bool
) -> tuple[pd.Series, pd.Series]:
    """(cleaned text with None for empty, bad mask) for one text column."""
    lines = frame["__line"]
    if name not in frame:
        return pd.Series(None, index=frame.index, dtype=object), pd.Series(False, index=frame.index)
    s = _per_unique(frame[name], lambda u: _strip_formula_guard(u.str.strip()))
    empty = s == ""
    long = _per_unique_mask(s, lambda u: u.str.len() > limit)
    control = _per_unique_mask(s, lambda u: u.str.contains(_CONTROL_RE, regex=True)) & ~long
    if required:
        problems.add(empty, lines, name, f"Choose or type a {label.lower()}")
    problems.add(
        long,
        lines,
        name,
        lambda v: f"{label} is too long ({len(v):,} characters; the limit is {limit:,})",
        s,
    )
    problems.add(control, lines, name, f"{label} contains control characters")
    bad = long | control | (empty if required else False)
    return s.where(~empty, None), bad


def _validate(
    chunk: pd.DataFrame, release_col: str, *, tz: str, now: datetime, report: ImportReport
) -> pd.DataFrame:
    """Parse and check one chunk; returns the good rows (problems go into ``report``)."""
    problems = _Problems(report)
    lines = chunk["__line"]
    bad = pd.Series(False, index=chunk.index)

    key = _per_unique(chunk[release_col], lambda u: _strip_formula_guard(u.str.strip()))
    no_key = key == ""
    problems.add(no_key, lines, release_col, "Enter a release key")
    bad |= no_key
    if release_col == "release_id":
        not_int = ~_per_unique_mask(key, lambda u: u.str.fullmatch(r"\d{1,9}")) & ~no_key
        problems.add(
            not_int,
            lines,
            release_col,
            "release_id must be a release's number; use release_key for keys",
        )
        bad |= not_int
    else:
        long = _per_unique_mask(key, lambda u: u.str.len() > 255)
        problems.add(long, lines, release_col, "Release key is longer than 255 characters")
        bad |= long

    texts = {}
    for name, label, limit in (("platform", "Platform", 100), ("metric_type", "Metric type", 50)):
        texts[name], bad_text = _text_column(
            chunk, name, limit=limit, label=label, problems=problems, required=True
        )
        bad |= bad_text

    values, bad_value = _parse_values(chunk["metric_value"])
    problems.add(bad_value, lines, "metric_value", _value_message, chunk["metric_value"])
    bad |= bad_value

    when, unparseable, ambiguous, dst_gap = _parse_times(chunk["recorded_at"], tz)
    empty_when = when.isna() & _per_unique_mask(chunk["recorded_at"], lambda u: u.str.strip() == "")
    problems.add(empty_when, lines, "recorded_at", "Enter when the value was recorded")
    problems.add(unparseable & ~empty_when, lines, "recorded_at", TIME_HELP)
    problems.add(
        ambiguous,
        lines,
        "recorded_at",
        lambda v: f"{v!r} could be day/month or month/day; write it as YYYY-MM-DD",
        chunk["recorded_at"],
    )
    problems.add(
        dst_gap,
        lines,
        "recorded_at",
        f"This local time does not exist or is ambiguous in {tz} (daylight saving change); "
        "add a UTC offset",
    )
    future = when > pd.Timestamp(now + ingest.FUTURE_ALLOWANCE)
    problems.add(
        future, lines, "recorded_at", "Time is in the future; metrics record what already happened"
    )
    early = when < pd.Timestamp("2000-01-01", tz="UTC")
    problems.add(early, lines, "recorded_at", "Time is before 2000; check the date")
    bad |= when.isna() | future | early

    if "value_kind" in chunk:
        kind = _per_unique(
            chunk["value_kind"], lambda u: u.str.strip().str.lower().replace("", "total")
        )
        bad_kind = ~kind.isin(VALUE_KINDS)
        problems.add(
            bad_kind,
            lines,
            "value_kind",
            "Value kind must be 'total' (lifetime) or 'period' (a count for a period)",
        )
        bad |= bad_kind
    else:
        kind = pd.Series("total", index=chunk.index)

    url, bad_text = _text_column(
        chunk,
        "source_url",
        limit=ingest.MAX_URL,
        label="Source URL",
        problems=problems,
        required=False,
    )
    bad |= bad_text
    if "source_url" in chunk:
        bad_url = (
            url.notna()
            & ~bad_text
            & ~_per_unique_mask(url.fillna(""), lambda u: u.str.fullmatch(_URL_RE))
        )
        problems.add(bad_url, lines, "source_url", "Source URL must start with http:// or https://")
        bad |= bad_url
    notes, bad_text = _text_column(
        chunk, "notes", limit=ingest.MAX_NOTES, label="Notes", problems=problems, required=False
    )
    bad |= bad_text

    out = pd.DataFrame(
        {
            "key": key,
            "platform": texts["platform"],
            "metric_type": texts["metric_type"],
            "metric_value": values,
            "recorded_at": when,
            "value_kind": kind,
            "source_url": url,
            "notes": notes,
            "__line": lines,
        }
    )
    for extra in ("release_title", "artist_name"):
        if extra in chunk:
            out[extra] = _per_unique(chunk[extra], lambda u: u.str.strip().replace("", None))
    return out[~bad]


# --------------------------------------------------------------------------- import


def import_csv(
    engine: Engine,
    source: str | os.PathLike | bytes | IO[bytes],
    *,
    dry_run: bool = False,
    create_missing: bool = False,
    progress: Progress | None = None,
    tz: str = "UTC",
    now: datetime | None = None,
    chunksize: int = CHUNK_ROWS,
) -> ImportReport:
    """Check (``dry_run``) or import a CSV file of metrics, all-or-nothing.

    ``source`` is a path, the file's bytes or a binary file object.  File-level problems
    (encoding, header) come back as ``report.fatal``; row problems as ``report.problems`` with
    their file line.  ``progress(rows_done, rows_total)`` is called after every chunk.
    """
    fh, name, close = _open_binary(source)
    report = ImportReport(
        filename=os.path.basename(name), dry_run=dry_run, create_missing=create_missing
    )
    try:
        _run(
            engine,
            fh,
            report,
            dry_run=dry_run,
            progress=progress,
            tz=tz,
            now=now,
            chunksize=chunksize,
        )
    except CsvImportError as exc:
        report.fatal = str(exc)
        report.committed = False
        report.written = report.already_present = 0
    except store.PerformanceDbError as exc:
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
    dry_run: bool,
    progress: Progress | None,
    tz: str,
    now: datetime | None,
    chunksize: int,
) -> None:
    newlines, content, quotes = scan_file(fh)
    if not content:
        raise CsvImportError(
            "The file is empty; it needs a header line (" + ", ".join(EXPORT_COLUMNS[:8]) + ")"
        )
    names, report.delimiter = _header(fh)
    release_col, report.ignored_columns = _check_columns(names)
    total = max(newlines - 1, 0)
    now = now or datetime.now(UTC)
    if progress:
        progress(0, total)
    try:
        with engine.begin() as conn:
            _stream(
                conn,
                fh,
                report,
                release_col,
                tz=tz,
                now=now,
                chunksize=chunksize,
                dry_run=dry_run,
                total=total,
                progress=progress,
                multiline=quotes,
            )
            if dry_run or not report.ok:
                raise _Rollback
            report.committed = True
    except _Rollback:
        report.written = 0
        report.committed = False
        if not dry_run:
            report.already_present = 0


def _stream(
    conn: Connection,
    fh: IO[bytes],
    report: ImportReport,
    release_col: str,
    *,
    tz: str,
    now: datetime,
    chunksize: int,
    dry_run: bool,
    total: int,
    progress: Progress | None,
    multiline: bool | None,
) -> None:
    ids: dict[str, int] = {}  # release key (or number as text) -> id, for this import only
    unknown: set[str] = set()
    touched: set[str] = set()
    checked = _checked_chunks(
        fh, report.delimiter, release_col, tz=tz, now=now, chunksize=chunksize, multiline=multiline
    )
    for good, part in _prefetch(checked):
        _merge_problems(report, part)
        if good is None:
            continue
        if not report.preview:
            report.preview = _preview(good)
        keys = good["key"].unique().tolist()
        new = [k for k in keys if k not in ids and k not in unknown]
        if new:
            if release_col == "release_key":
                found = store.release_ids_for_keys(conn, new)
            else:
                have = store.existing_release_ids(conn, [int(k) for k in new])
                found = {k: int(k) for k in new if int(k) in have}
            ids.update(found)
            unknown.update(k for k in new if k not in found)
        touched.update(keys)
        if release_col == "release_id":
            missing = ~good["key"].isin(ids.keys())
            _Problems(report).add(
                missing,
                good["__line"],
                "release_id",
                lambda v: f"No release has the number {v}",
                good["key"],
            )
        elif unknown and report.create_missing and not dry_run and report.problem_count == 0:
            _create_missing(conn, good, ids, report, unknown)
        writable = report.problem_count == 0 and (report.create_missing or not unknown)
        if writable and not dry_run:
            frame = good.assign(release_id=good["key"].map(ids), source="csv")
            # while no reading of the file was already stored, expect the next ones to be new
            result = store.insert_metrics(
                conn, frame[list(store.METRIC_COLUMNS)], expect_new=report.already_present == 0
            )
            report.written += result.written
            report.already_present += result.already_present
        if progress:
            progress(min(report.rows, total) if total else report.rows, total)
    report.unknown_keys = sorted(unknown)[:MAX_LISTED_KEYS] if release_col == "release_key" else []
    if release_col == "release_key" and len(unknown) > MAX_LISTED_KEYS:
        report.unknown_keys.append(f"... and {len(unknown) - MAX_LISTED_KEYS:,} more")
    report.release_count = len(touched)
    report.releases = sorted(touched)[:MAX_LISTED_KEYS]


def _checked_chunks(
    fh: IO[bytes],
    delimiter: str,
    release_col: str,
    *,
    tz: str,
    now: datetime,
    chunksize: int,
    multiline: bool | None,
) -> Iterator[tuple[pd.DataFrame | None, ImportReport]]:
    """Each chunk of the file parsed and checked: (good rows or None when the chunk is blank,
    a report of this chunk alone: its row count and problems, merged in order by the caller).

    Touches no database and no shared state, so it can run in another thread (``_prefetch``).
    """
    next_line = 2
    for raw in _chunks(fh, delimiter, chunksize):
        raw.columns = [str(c).strip().lower().replace(" ", "_") for c in raw.columns]
        n = len(raw)
        # file line of each row: quoted values spanning lines push the following rows down
        extra = pd.Series(0, index=raw.index)
        for col in raw.columns if multiline else ():
            if raw[col].str.contains("\n", regex=False).any():
                extra = extra + raw[col].str.count("\n")
        starts = next_line + pd.Series(range(n), index=raw.index) + extra.cumsum() - extra
        raw["__line"] = starts
        next_line = int(starts.iloc[-1] + extra.iloc[-1] + 1) if n else next_line
        blank = (raw.drop(columns="__line") == "").all(axis=1)
        raw = raw[~blank]
        part = ImportReport(rows=len(raw))
        if raw.empty:
            yield None, part
            continue
        yield _validate(raw, release_col, tz=tz, now=now, report=part), part


def _merge_problems(report: ImportReport, part: ImportReport) -> None:
    """Add one chunk's rows and problems to the import's report (first MAX_PROBLEMS kept)."""
    report.rows += part.rows
    report.problem_count += part.problem_count
    room = MAX_PROBLEMS - len(report.problems)
    if room > 0:
        report.problems.extend(part.problems[:room])


_END = object()


def _prefetch(items: Iterator[Any]) -> Iterator[Any]:
    """Yield ``items`` while a worker thread already produces the next one.

    While PostgreSQL writes a chunk the importing thread only waits on the socket (without
    the GIL), so parsing and checking the next chunk meanwhile puts the second core of a small
    machine to work: the import was Python, then database, then Python again (issue 8).
    One chunk ahead at most, so memory stays at two chunks.
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
    """Create the chunk's unknown releases (inside the import's transaction)."""
    wanted = [k for k in good["key"].unique().tolist() if k in unknown and k not in ids]
    if not wanted:
        return
    firsts = good[good["key"].isin(wanted)].drop_duplicates("key").set_index("key")
    for key in wanted:
        fields: dict[str, Any] = {}
        for col, target in (("release_title", "title"), ("artist_name", "artist_name")):
            if col in firsts and isinstance(firsts.at[key, col], str):
                fields[target] = firsts.at[key, col][:255]
        ids[key] = store.create_release(conn, key, **fields)
        report.created_keys.append(key)


def _preview(good: pd.DataFrame) -> list[dict[str, Any]]:
    head = good.head(PREVIEW_ROWS)
    return [
        {
            "line": int(r["__line"]),
            "release": r["key"],
            "platform": r["platform"],
            "metric_type": r["metric_type"],
            "metric_value": int(r["metric_value"]),
            "recorded_at": r["recorded_at"].isoformat(),
            "value_kind": r["value_kind"],
        }
        for r in head.to_dict("records")
    ]


# --------------------------------------------------------------------------- export


def _guard_formula(s: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text a spreadsheet would run as a formula."""
    text = s.fillna("")
    risky = _per_unique_mask(text, lambda u: u.str.contains(_FORMULA_PREFIX, regex=True))
    if not risky.any():
        return s
    return s.where(~risky, "'" + text)


def _iso_utc(ts: pd.Series) -> np.ndarray:
    """ISO-8601 UTC text for a column of aware timestamps, formatted by numpy in C."""
    values = ts.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    whole = (ts.dt.microsecond == 0).all()
    unit = "s" if whole else "us"
    return np.char.add(np.datetime_as_string(values.astype(f"datetime64[{unit}]"), unit=unit), "Z")


def export_csv(engine: Engine | Connection, out: IO[str], *, release_key: str | None = None) -> int:
    """Write metrics (all, or one release's) as CSV in the import format; returns the rows.

    Rows are streamed from the database in chunks, so memory does not grow with the table.
    """
    written = 0
    for frame in store.iter_metrics_for_export(engine, release_key=release_key):
        frame = frame.copy()
        for col in (
            "release_key",
            "platform",
            "metric_type",
            "source_url",
            "notes",
            "release_title",
            "artist_name",
        ):
            frame[col] = _guard_formula(frame[col].astype(object).where(frame[col].notna(), None))
        frame["recorded_at"] = _iso_utc(pd.to_datetime(frame["recorded_at"], utc=True))
        frame[list(EXPORT_COLUMNS)].to_csv(
            out, header=written == 0, index=False, lineterminator="\n"
        )
        written += len(frame)
    if written == 0:
        out.write(",".join(EXPORT_COLUMNS) + "\n")
    return written


# --------------------------------------------------------------------------- background jobs
# The tab runs a confirmed import in a thread of the worker that received the click and
# reports progress through a job file (perfdash.jobs); the uploaded file waits next to it.
# If the worker dies mid-import the transaction rolls back (all-or-nothing holds) and the poll
# notices the stale heartbeat.

_STALE = "The import stopped (the server restarted?); nothing was written. Start it again."


def job_path(token: str, suffix: str) -> str:
    """The file of an import job; the token is checked because it comes from the browser."""
    try:
        return jobs.job_path(token, suffix)
    except jobs.UnknownJobError:
        raise CsvImportError("Unknown import; upload the file again") from None


def save_upload(data: bytes) -> str:
    """Keep an uploaded file for preview and import; returns its token."""
    token = jobs.new_token()
    with open(job_path(token, ".csv"), "wb") as fh:
        fh.write(data)
    return token


def read_job(token: str) -> dict[str, Any] | None:
    """The job's last reported state, or None if there is none (yet)."""
    job_path(token, ".json")  # a token that is no job's is an error the page shows
    return jobs.read_state(token, stale_summary=_STALE)


def start_import_job(engine: Engine, token: str, *, create_missing: bool, tz: str) -> None:
    """Run ``import_csv`` on an uploaded file in a background thread, reporting progress."""

    path = job_path(token, ".csv")
    if not os.path.exists(path):
        raise CsvImportError("The uploaded file is no longer on this server; upload it again")
    jobs.write_state(token, {"state": "running", "done": 0, "total": 0})

    def progress(done: int, total: int) -> None:
        jobs.write_state(token, {"state": "running", "done": done, "total": total})

    def work() -> None:
        try:
            report = import_csv(
                engine, path, create_missing=create_missing, progress=progress, tz=tz
            )
            final = {
                "state": "done",
                "ok": report.ok and report.committed,
                "summary": report.summary(),
                "problems": report.problem_lines(limit=50),
                "done": report.rows,
                "total": report.rows,
            }
        except Exception as exc:  # noqa: BLE001 - reported to the page, never lost
            final = {"state": "failed", "summary": f"The import failed: {exc}"}
        # the upload goes before the final state is written: a poll that sees "done" never
        # finds a stale file behind it
        with contextlib.suppress(OSError):
            os.remove(path)
        jobs.write_state(token, final)

    jobs.start(token, work, "import")
