"""perfdash.exact: whole numbers that stay exact past float64's 2^53 and int64's 2^63 - 1."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from perfdash import exact

M = 2**63 - 1


def test_int_column_keeps_int64_while_it_fits():
    col = exact.int_column([1, M, np.int64(3)])
    assert col.dtype == "int64" and col.tolist() == [1, M, 3]


def test_int_column_with_a_missing_value_is_nullable_and_exact():
    col = exact.int_column([M, None])
    assert str(col.dtype) == "Int64"
    assert col.iloc[0] == M and col.isna().tolist() == [False, True]


def test_int_column_past_int64_holds_python_ints():
    col = exact.int_column([Decimal(M) + 5, 2, None])
    assert col.dtype == object
    assert col.tolist() == [M + 5, 2, None]


def test_exact_sum_never_goes_through_float_or_wraps():
    assert exact.exact_sum(pd.Series([M, 5], dtype="int64")) == M + 5
    assert pd.Series([M, 5], dtype="int64").sum() < 0  # what numpy would have said
    assert exact.exact_sum([None, float("nan")]) is None
    assert exact.exact_sum([]) is None


def test_numbers_float_below_2_53_python_ints_above():
    small = exact.numbers(pd.Series([1, 2**53]))
    assert small.dtype == "float64"
    big = exact.numbers(pd.Series([M, 1]))
    assert big.dtype == object and (big[0] - big[1]) == M - 1
    gaps = exact.numbers(pd.Series([M, None], dtype=object))
    assert gaps[0] == M and gaps[1] != gaps[1]


def test_format_count_is_exact_at_any_size():
    assert exact.format_count(M + 5) == "9,223,372,036,854,775,812"
    assert exact.format_count(M, signed=True) == "+9,223,372,036,854,775,807"
    assert exact.format_count(-56, signed=True) == "-56"
    assert exact.format_count(None) == "–"
    assert exact.format_count(float("nan")) == "–"
    assert exact.format_count(1234.6) == "1,235"
