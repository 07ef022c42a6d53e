"""Whole numbers that stay exact however large: read by the store and by ``metrics``.

A reading may be as large as 2^63 − 1 (the BIGINT column's maximum).  Two kinds of column lose
such numbers silently: float64 rounds every whole number past 2^53 (9,223,372,036,854,775,807
becomes ...808), and numpy's int64 wraps around past 2^63 − 1 (a sum of two big totals turns
negative).  So a column of whole numbers is int64 only while every value fits, and becomes an
object column of Python ints (which have no limit) when one does not; a sum is a Python int.
Float64 is used only for arithmetic on numbers below 2^53, where it is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
FLOAT_EXACT = 2**53  # every whole number up to this is exact in float64


def whole(value: Any) -> int | None:
    """A Python int from an int, numpy int, Decimal or whole float; None for a missing value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if value != value else int(value)
    if isinstance(value, Decimal):
        return None if value.is_nan() else int(value)
    return int(value)


def int_column(values: Iterable[Any], index: pd.Index | None = None) -> pd.Series:
    """Whole numbers as int64 when all are present and fit, nullable Int64 when some are
    missing, and otherwise an object column of Python ints (None where missing)."""
    items = [whole(v) for v in values]
    present = [v for v in items if v is not None]
    fits = all(INT64_MIN <= v <= INT64_MAX for v in present)
    if fits and len(present) == len(items):
        return pd.Series(np.array(items, dtype="int64"), index=index, dtype="int64")
    if fits:
        return pd.Series(pd.array(items, dtype="Int64"), index=index)
    return pd.Series(items, index=index, dtype=object)


def exact_sum(values: Iterable[Any]) -> int | None:
    """The sum of the present values as a Python int, None when none is present (never via
    float64, never wrapped at 2^63 − 1)."""
    total, seen = 0, False
    for value in values:
        number = whole(value)
        if number is not None:
            total += number
            seen = True
    return total if seen else None


def numbers(values: pd.Series) -> np.ndarray:
    """Whole numbers for vectorised arithmetic: float64 (NaN where missing) while that is
    exact, else an object array of Python ints (NaN where missing), on which + and − are
    exact."""
    if values.dtype.kind in "iu" or values.dtype.kind == "f":
        as_float = values.to_numpy(dtype="float64", na_value=np.nan)
        finite = as_float[~np.isnan(as_float)]
        if not len(finite) or np.abs(finite).max() <= FLOAT_EXACT:
            return as_float
    items = [whole(v) for v in values]
    present = [abs(v) for v in items if v is not None]
    if not present or max(present) <= FLOAT_EXACT:
        return np.array([np.nan if v is None else float(v) for v in items], dtype="float64")
    return np.array([np.nan if v is None else v for v in items], dtype=object)


def as_ints(values: np.ndarray) -> np.ndarray:
    """An array of ``numbers`` as Python ints (NaN where missing), to be combined with one
    that holds ints past 2^53: a float beside a big int would round the result."""
    if values.dtype == object:
        return values
    return np.array([v if v != v else int(v) for v in values.tolist()], dtype=object)


def format_count(value: Any, *, signed: bool = False) -> str:
    """A count with thousands separators, exact at any size (a float is rounded to a whole
    number first); a dash where there is no number."""
    number = whole(value) if not isinstance(value, float) else (None if value != value else value)
    if number is None:
        return "–"
    if isinstance(number, float):
        number = round(number)
    return f"{number:+,}" if signed else f"{number:,}"
