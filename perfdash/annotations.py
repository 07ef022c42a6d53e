"""Moved to ``perfdash.ingest.annotations``; this name stays until its callers import that."""

from perfdash.ingest.annotations import (
    MAX_TEXT,
    CheckedAnnotation,
    add_annotation,
    check_annotation,
    find_release,
)

__all__ = ["MAX_TEXT", "CheckedAnnotation", "add_annotation", "check_annotation", "find_release"]
