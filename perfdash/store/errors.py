"""What the store raises and returns: every failure leaves the store as ``PerformanceDbError``
(or a subclass) with a message a person can act on, so faces never catch a driver's exception."""

from __future__ import annotations

from dataclasses import dataclass


class PerformanceDbError(Exception):
    """Anything that went wrong talking to the performance database."""


class DatabaseUnavailableError(PerformanceDbError):
    """The database cannot be reached or refused the connection."""


class DatabaseBusyError(PerformanceDbError):
    """The database is there but could not answer now: a lock held by another session (on
    SQLite the whole file), or a statement that ran out of its time.  Nothing was changed
    and the same request may succeed in a moment, so the API answers 503 with Retry-After
    rather than a 400 that would tell a script its request was wrong."""


class DatabaseNotUpgradedError(PerformanceDbError):
    """The database lacks perfdash's tables or columns: it was never upgraded (a new file, an
    empty PostgreSQL database) or was upgraded by an older perfdash.  Its message says to run
    ``perfdash db upgrade``; until then nothing can be read or written, which is an outage
    with a known cure rather than a refusal of one request."""


class DatabaseRefusedError(PerformanceDbError):
    """The database refused a statement for a reason no check foresaw.

    Its message is fixed and says nothing of the database's own text (which names tables,
    columns and values); it ends with a reference under which the detail was logged, so
    every face shows the same words and the reference finds the detail.
    """


class UnknownReleaseError(PerformanceDbError):
    """A release id or key that is not in approved_releases."""


class InvalidValueError(PerformanceDbError):
    """A value the table cannot hold (negative, too large, wrong kind...)."""


class DuplicateReleaseError(PerformanceDbError):
    """A release key that already exists."""


class DuplicateCodeError(DuplicateReleaseError):
    """An ISRC or UPC that another release already holds; ``field`` names which."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class DuplicateMetricError(PerformanceDbError):
    """The same reading (release, platform, metric, time, kind) is already stored."""


@dataclass(frozen=True)
class WriteResult:
    written: int
    already_present: int

    @property
    def total(self) -> int:
        return self.written + self.already_present
