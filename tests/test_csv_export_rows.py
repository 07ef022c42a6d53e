"""CSV of the rows a page shows: every text cell formula-safe, numbers kept numbers."""

import csv
import io

import pytest

from perfdash.csvio.export import rows_csv
from perfdash.ingest.rules import csv_safe


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+33", "'+33"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("Neon Tides", "Neon Tides"),
        ("a=b", "a=b"),
        ("", ""),
        (1234, 1234),
        (None, None),
    ],
)
def test_csv_safe_guards_formula_text_only(value, expected):
    assert csv_safe(value) == expected


def test_rows_csv_guards_every_text_cell_and_keeps_numbers():
    rows = [
        {"release": '=HYPERLINK("x")', "metric_value": 1500, "notes": None},
        {"release": "Neon, Tides", "metric_value": 0, "notes": "@me"},
    ]
    text = rows_csv(rows, ["release", "metric_value", "notes"])
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed == [
        ["release", "metric_value", "notes"],
        ['\'=HYPERLINK("x")', "1500", ""],
        ["Neon, Tides", "0", "'@me"],
    ]
    assert rows_csv([], ["a"]) == "a\n"
