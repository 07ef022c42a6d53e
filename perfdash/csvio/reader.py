"""Reading a CSV file: encoding check, header and delimiter, chunks numbered by file line.

A file is checked to be UTF-8 and counted in one pass without holding it in memory, then read
in chunks with pandas' C parser.  Every row carries its *file* line in ``__line`` (header =
line 1; quoted values spanning lines push the following rows down), which is what problems
name.  A line ends at LF, CR LF or a bare CR (old Mac files), as pandas' parser reads them; a
CR inside a quoted value is left in the value, where the text rules refuse it with its line.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from typing import IO, NamedTuple

import pandas as pd

from perfdash.csvio.columns import (
    DELIMITERS,
    EXPORT_COLUMNS,
    KIND_COLUMNS,
    OPTIONAL_COLUMNS,
    RELEASE_COLUMNS,
    REQUIRED_COLUMNS,
)
from perfdash.csvio.report import CsvImportError

Source = str | os.PathLike | bytes | IO[bytes]
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_IN_QUOTE = re.compile(r"EOF inside string")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
MAX_HEADER_BYTES = 1 << 20


class FileShape(NamedTuple):
    """What one pass over a file learnt: its line breaks, whether it has content and quotes,
    and its size in bytes (chunks are sized from the mean line)."""

    newlines: int
    content: bool
    quotes: bool
    size: int


def open_binary(source: Source) -> tuple[IO[bytes], str, bool]:
    """A binary handle on the source, its display name and whether we must close it."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(bytes(source)), "upload", True
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), os.fspath(source), True  # noqa: SIM115 - closed by caller
    return source, getattr(source, "name", "upload"), False


def scan_file(fh: IO[bytes], block: int = 1 << 20) -> FileShape:
    """Check the whole file is UTF-8 and count its lines, without holding it in memory.

    Returns the line breaks (LF, CR LF and bare CR each count one), whether there is any
    non-blank content, whether there is any double quote (without one, no value can span
    lines and line numbers are arithmetic) and the size.  A decoding error raises
    CsvImportError naming the line and byte offset.
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
    ended_cr = False  # the last block ended with CR: a LF first in this one ends no new line
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
                line = newlines + _breaks(data[: exc.start]) + 1
                raise CsvImportError(
                    f"Line {line:,} is not UTF-8 (byte 0x{data[exc.start]:02x} at byte offset "
                    f"{offset + exc.start:,}); save the file as UTF-8"
                ) from None
        newlines += _breaks(good) - (ended_cr and good.startswith(b"\n"))
        ended_cr = good.endswith(b"\r") or (ended_cr and not good)
        quotes = quotes or b'"' in good
        if not content and good.strip(b"\xef\xbb\xbf \t\r\n"):
            content = True
        offset += len(good)
        if final:
            break
    fh.seek(start)
    return FileShape(newlines, content, quotes, offset)


def _breaks(data: bytes) -> int:
    """Line breaks in ``data``: LF, CR LF and bare CR count one each."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def unclosed_quote_line(fh: IO[bytes], block: int = 1 << 20) -> int | None:
    """The file line where a quoted value opens that the file never closes (None if none).

    Only called when the parser stopped at the end of the file inside a quoted value, so the
    slow scan (one step per quote character) runs only on a broken file.
    """
    fh.seek(0)
    line, opened, inside, ended_cr = 1, None, False, False
    while chunk := fh.read(block):
        at = 0
        while True:
            quote = chunk.find(b'"', at)
            part = chunk[at : len(chunk) if quote < 0 else quote]
            line += _breaks(part) - (ended_cr and part.startswith(b"\n"))
            ended_cr = part.endswith(b"\r") if part else ended_cr
            if quote < 0:
                break
            inside = not inside
            opened = line if inside else opened
            ended_cr, at = False, quote + 1
    return opened if inside else None


def read_header(fh: IO[bytes]) -> tuple[list[str], str]:
    """The normalised column names and the delimiter, sniffed from the header line."""
    start = fh.tell()
    head = fh.readline(MAX_HEADER_BYTES)  # a CR-only file has no LF: never read it whole
    fh.seek(start)
    line = _LINE_BREAK.split(head, maxsplit=1)[0].decode("utf-8-sig", errors="replace")
    counts = {d: line.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    names = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    return [_column_name(n) for n in names], delimiter


def check_columns(names: list[str], known: str = "") -> tuple[str, list[str]]:
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
            + (f"; or the header of an export perfdash reads ({known})" if known else "")
        )
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(RELEASE_COLUMNS)
    known |= set(KIND_COLUMNS)  # the export's word on each metric's kind: read, not imported
    ignored = [n for n in names if n not in known or (n in RELEASE_COLUMNS and n != release_col)]
    ignored = [n for n in ignored if n not in KIND_COLUMNS]
    return release_col, ignored


def numbered_chunks(
    fh: IO[bytes], delimiter: str, chunksize: int, *, multiline: bool
) -> Iterator[tuple[pd.DataFrame, int]]:
    """Each chunk's non-blank rows with their file line in ``__line``, and that row count."""
    next_line = 2
    for raw in _chunks(fh, delimiter, chunksize):
        raw.columns = [_column_name(str(c)) for c in raw.columns]
        n = len(raw)
        extra = pd.Series(0, index=raw.index)
        for col in raw.columns if multiline else ():
            if raw[col].str.contains("[\r\n]", regex=True).any():
                extra = extra + raw[col].str.count("\r\n|\r|\n")
        starts = next_line + pd.Series(range(n), index=raw.index) + extra.cumsum() - extra
        raw["__line"] = starts
        next_line = int(starts.iloc[-1] + extra.iloc[-1] + 1) if n else next_line
        blank = (raw.drop(columns="__line") == "").all(axis=1)
        raw = raw[~blank]
        yield raw, len(raw)


def _column_name(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def _chunks(fh: IO[bytes], delimiter: str, chunksize: int) -> Iterator[pd.DataFrame]:
    try:  # read_csv itself parses the first rows: a broken file may stop it already
        for chunk in pd.read_csv(
            fh,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
            chunksize=chunksize,
            engine="c",
        ):
            if not isinstance(chunk.index, pd.RangeIndex):
                # pandas reads a first row one field longer than the header as an index
                # column and shifts every value one column left: refuse it as a bad line
                columns = len(chunk.columns)
                raise CsvImportError(
                    f"Line 2 has {columns + 1} fields but the header has {columns} "
                    "(a delimiter inside an unquoted value, or one at the end of the line?)"
                )
            yield chunk
    except pd.errors.ParserError as exc:
        if _EOF_IN_QUOTE.search(str(exc)):
            line = unclosed_quote_line(fh)
            where = f"Line {line:,}" if line else "A line"
            raise CsvImportError(
                f'{where} opens a quoted value (") that is never closed; close the quote '
                'or write a quote inside a value as two ("")'
            ) from None
        m = _PARSER_LINE.search(str(exc))
        if m:
            raise CsvImportError(
                f"Line {int(m.group(2)):,} has {m.group(3)} fields but the header has "
                f"{m.group(1)} (a delimiter inside an unquoted value?)"
            ) from None
        raise CsvImportError(f"The file is not valid CSV: {exc}") from None
    except UnicodeDecodeError as exc:  # pragma: no cover - scan_file catches these first
        raise CsvImportError(f"The file is not UTF-8: {exc}") from None
