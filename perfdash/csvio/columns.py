"""The columns of the import format and the per-distinct-value helpers that read them.

The export writes ``EXPORT_COLUMNS``, which the import reads back: every column but the two
``KIND_COLUMNS`` at its end, which say how each metric type reads (counter, audience or score,
and whether lower is better) for a person or a spreadsheet.  A metric's kind belongs to its
type, set by an editor, not to a reading, so the import passes over them without a word.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from perfdash.ingest.rules import GUARD_PATTERN, UNGUARD_PATTERN

REQUIRED_COLUMNS = ("platform", "metric_type", "metric_value", "recorded_at")
OPTIONAL_COLUMNS = (
    "value_kind",
    "source_url",
    "notes",
    "country",
    "currency",
    "release_title",
    "artist_name",
    "isrc",
    "upc",
    "tags",
)
RELEASE_COLUMNS = ("release_key", "release_id")
KIND_COLUMNS = ("metric_kind", "lower_is_better")
EXPORT_COLUMNS = (
    "release_key",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
    "source_url",
    "notes",
    "country",
    "currency",
    "release_title",
    "artist_name",
    "isrc",
    "upc",
    "tags",
    *KIND_COLUMNS,
)
TAG_SEPARATORS = ";,"  # a cell's tags: "lofi;summer-campaign" (the export writes ";")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def per_unique(col: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a string function to each *distinct* value once and spread the result back.

    Release keys, platforms, metric types and kinds repeat on almost every row, so this turns
    per-row string work into per-distinct-value work (a hash factorize plus a numpy take).
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    result = fn(pd.Series(uniques, dtype=object))
    return pd.Series(np.asarray(result, dtype=object)[codes], index=col.index)


def per_unique_mask(col: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    result = np.asarray(fn(pd.Series(uniques, dtype=object)), dtype=bool)
    return pd.Series(result[codes], index=col.index)


def guard_formulas(s: pd.Series) -> pd.Series:
    """``ingest.rules.csv_safe`` for a column: an apostrophe before text a spreadsheet would run."""
    text = s.fillna("")
    risky = per_unique_mask(text, lambda u: u.str.contains(GUARD_PATTERN, regex=True))
    if not risky.any():
        return s
    return s.where(~risky, "'" + text)


def unguard_formulas(s: pd.Series) -> pd.Series:
    """``ingest.rules.csv_unsafe`` for a column: the export's apostrophe removed again."""
    return s.str.replace(UNGUARD_PATTERN, "", n=1, regex=True)
