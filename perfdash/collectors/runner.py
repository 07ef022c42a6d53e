"""Moved to ``perfdash.collect``; this name stays until its callers import that."""

from perfdash.collect import (
    SOURCE_NAMES,
    SOURCES,
    STALE,
    RunSummary,
    base_url_for,
    minute,
    read_job,
    run,
    start_job,
)

__all__ = [
    "SOURCES",
    "SOURCE_NAMES",
    "STALE",
    "RunSummary",
    "base_url_for",
    "minute",
    "read_job",
    "run",
    "start_job",
]
