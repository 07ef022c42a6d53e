"""What an import found and did: the file-level error, the line problems and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS = 1000


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
    # the format recognised from the header and what each of its columns is read as
    format_key: str = "perfdash"
    format_label: str = "perfdash's own format"
    column_map: list[tuple[str, str]] = field(default_factory=list)
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
        """The problems in file line order (checks run column by column, so they are found
        out of order), then how many more there are."""
        ordered = sorted(self.problems, key=lambda p: p.line)
        out = [str(p) for p in ordered[:limit]]
        if self.problem_count > len(out):
            out.append(f"... and {self.problem_count - len(out):,} more problems")
        return out

    def summary(self, create_hint: str = "use --create-missing to create them") -> str:
        """One paragraph a person reads after an import or a dry run; ``create_hint`` says how
        to create unknown releases in the words of the face that shows it."""
        if self.fatal:
            return f"Nothing was imported: {self.fatal}"
        parts = [f"{self.rows:,} rows for {self.release_count:,} release(s)"]
        if self.unknown_keys:
            verb = "will be created" if self.create_missing else "are unknown"
            if self.committed and self.create_missing:
                verb = "were created"
            noun = "release key(s)" if self.format_key == "perfdash" else "unmatched release(s)"
            parts.append(f"{len(self.unknown_keys):,} {noun} {verb}")
        if self.ignored_columns:
            parts.append(f"ignored column(s): {', '.join(self.ignored_columns)}")
        head = "; ".join(parts) + "."
        if not self.ok:
            why = []
            if self.problem_count:
                why.append(f"{self.problem_count:,} problem(s)")
            if self.unknown_keys and not self.create_missing:
                what = "release keys" if self.format_key == "perfdash" else "unmatched releases"
                why.append(f"unknown {what} ({create_hint})")
            return f"{head} Nothing was imported: {' and '.join(why)}."
        if self.dry_run:
            return f"{head} Dry run: nothing was written."
        return f"{head} Added {self.written:,} row(s); {self.already_present:,} were already there."

    def merge(self, part: ImportReport) -> None:
        """Add one chunk's rows and problems (first MAX_PROBLEMS kept, in file order)."""
        self.rows += part.rows
        self.problem_count += part.problem_count
        room = MAX_PROBLEMS - len(self.problems)
        if room > 0:
            self.problems.extend(part.problems[:room])
