"""Checking a CSV chunk with vectorised pandas operations, by the rules of ``ingest.rules``.

No Python loop runs per row on the hot path: string checks run once per distinct value
(``per_unique``), values and times per column.  The patterns, limits, date formats and
messages are the ones the scalar rules use (imported, never restated), and per-row messages
are built only for the few bad rows, by the scalar functions where there are several possible
messages, so a file and a form say the same thing about the same value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pandas as pd

from perfdash.csvio.columns import TAG_SEPARATORS, per_unique, per_unique_mask, unguard_formulas
from perfdash.csvio.report import MAX_PROBLEMS, ImportReport, Problem
from perfdash.ingest import rules
from perfdash.ingest.codes import check_code
from perfdash.ingest.tags import clean_tags
from perfdash.ingest.times import (
    BEFORE_2000,
    EMPTY_TIME,
    TIME_HELP,
    ambiguous_message,
    dst_message,
    parse_times,
)
from perfdash.vocab import RELEASE_CODES, VALUE_KINDS

_MAX_DIGITS = str(rules.MAX_VALUE)


class Problems:
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


def validate(
    chunk: pd.DataFrame, release_col: str | None, *, tz: str, now: datetime, report: ImportReport
) -> pd.DataFrame:
    """Parse and check one chunk; returns the good rows (problems go into ``report``).

    The rows come back as the store's columns plus ``key`` (the release key or number as
    text) and ``__line``; ``release_title``/``artist_name``, ``isrc``/``upc`` (bare) and
    ``tags`` (a tuple of normalised tags) when the file has them.
    """
    problems = Problems(report)
    lines = chunk["__line"]
    if release_col is None:  # an export's lines: their releases are matched afterwards
        key = pd.Series("", index=chunk.index, dtype=object)
        bad = pd.Series(False, index=chunk.index)
    else:
        key, bad = _release_column(chunk, release_col, problems)

    texts = {}
    for name, label, limit in (("platform", "Platform", 100), ("metric_type", "Metric type", 50)):
        texts[name], bad_text = _text_column(
            chunk, name, limit=limit, label=label, problems=problems, required=True
        )
        bad |= bad_text

    values, bad_value = parse_values(chunk["metric_value"])
    problems.add(bad_value, lines, "metric_value", _value_message, chunk["metric_value"])
    bad |= bad_value

    when, bad_when = _times(chunk, tz=tz, now=now, problems=problems)
    bad |= bad_when

    if "value_kind" in chunk:
        kind = per_unique(
            chunk["value_kind"], lambda u: u.str.strip().str.lower().replace("", "total")
        )
        bad_kind = ~kind.isin(VALUE_KINDS)
        problems.add(bad_kind, lines, "value_kind", rules.BAD_KIND)
        bad |= bad_kind
    else:
        kind = pd.Series("total", index=chunk.index)

    url, bad_text = _text_column(
        chunk, "source_url", limit=rules.MAX_URL, label="Source URL", problems=problems
    )
    bad |= bad_text
    if "source_url" in chunk:
        bad_url = (
            url.notna()
            & ~bad_text
            & ~per_unique_mask(url.fillna(""), lambda u: u.str.fullmatch(rules.URL_PATTERN))
        )
        problems.add(bad_url, lines, "source_url", "Source URL must start with http:// or https://")
        bad |= bad_url
    notes, bad_text = _text_column(
        chunk, "notes", limit=rules.MAX_NOTES, label="Notes", problems=problems, multiline=True
    )
    bad |= bad_text
    codes = {}
    for name, rule in (("country", rules.country_code), ("currency", rules.currency_code)):
        codes[name], bad_code = _code_column(chunk, name, rule, problems)
        bad |= bad_code
    bad_money = ~bad & _money_mask(texts["metric_type"], codes["currency"])
    problems.add(
        bad_money,
        lines,
        "currency",
        lambda pair: rules.money_problem(*pair) or rules.BAD_CURRENCY,
        pd.Series(list(zip(texts["metric_type"], codes["currency"], strict=True)), chunk.index),
    )
    bad |= bad_money
    extras = {}
    for extra, label in (
        ("release_title", "Title"),
        ("artist_name", "Artist"),
        ("youtube_video_id", "YouTube video id"),
    ):
        if extra in chunk:
            extras[extra], bad_text = _text_column(
                chunk, extra, limit=rules.MAX_NAME, label=label, problems=problems
            )
            bad |= bad_text

    for code in RELEASE_CODES:
        if code in chunk:
            extras[code], bad_code = release_code_column(chunk, code, problems)
            bad |= bad_code
    if "tags" in chunk:
        extras["tags"], bad_tags = tags_column(chunk, problems)
        bad |= bad_tags

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
            "country": codes["country"],
            "currency": codes["currency"],
            "__line": lines,
        }
    )
    for extra, values in extras.items():
        out[extra] = values
    return out[~bad]


def read_tags(cell: str) -> tuple[tuple[str, ...], str | None]:
    """A ``tags`` cell ("lofi;Summer Campaign", ";" or "," between tags) as its tags, each
    normalised and judged by ``ingest.tags``, or why it is refused (naming the tag)."""
    parts = [p for p in re.split(f"[{re.escape(TAG_SEPARATORS)}]", cell) if p.strip()]
    tags, problem = clean_tags(parts)
    return tuple(tags), problem


def tags_column(chunk: pd.DataFrame, problems: Problems) -> tuple[pd.Series, pd.Series]:
    """(each row's tags as a tuple, bad mask) of the ``tags`` column, once per distinct cell."""
    verdicts = per_unique(chunk["tags"].fillna(""), lambda u: u.map(read_tags))
    bad = verdicts.map(lambda v: v[1] is not None)
    problems.add(bad, chunk["__line"], "tags", lambda v: v[1], verdicts)
    return verdicts.map(lambda v: v[0] if v[1] is None else ()), bad


def _code_column(
    chunk: pd.DataFrame, name: str, rule: Callable, problems: Problems
) -> tuple[pd.Series, pd.Series]:
    """(codes, bad mask) of a country or currency column, by ``rule`` once per distinct value
    (a file has a few hundred countries at most); a missing column is worldwide / none."""
    if name not in chunk:
        return pd.Series("", index=chunk.index, dtype=object), pd.Series(False, index=chunk.index)
    verdicts = per_unique(chunk[name].fillna(""), lambda u: u.map(rule))
    bad = verdicts.map(lambda v: v[1] is not None)
    problems.add(bad, chunk["__line"], name, lambda v: v[1], verdicts)
    return verdicts.map(lambda v: v[0] if v[1] is None else ""), bad


def _money_mask(metric_types: pd.Series, currencies: pd.Series) -> pd.Series:
    """Rows whose metric type and currency break ``rules.money_problem`` (per distinct pair)."""
    pairs = metric_types.fillna("").str.lower() + "|" + currencies
    return per_unique_mask(
        pairs, lambda u: u.map(lambda p: rules.money_problem(*p.rsplit("|", 1)) is not None)
    )


def release_code_column(
    chunk: pd.DataFrame, name: str, problems: Problems
) -> tuple[pd.Series, pd.Series]:
    """(bare ISRC / UPC with None for empty, bad mask) of column ``name``, read by
    ``ingest.codes`` once per distinct value, so a file and a form say the same."""
    lines = chunk["__line"]
    checked = per_unique(
        chunk[name], lambda u: u.map(lambda v: check_code(name, rules.csv_unsafe(v)))
    )
    codes = checked.map(lambda pair: pair[0])
    errors = checked.map(lambda pair: pair[1])
    bad = errors.notna()
    problems.add(bad, lines, name, lambda message: message, errors)
    return codes, bad


def parse_values(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(int64 values, bad mask): whole numbers with optional thousands separators."""
    # pandas' parser also reads "１２３", "1²" (as 12) and "-0": the fast path takes a column
    # only when all of it is ASCII without a minus sign, and the rules read the rest
    text = "".join(raw.tolist())
    if text.isascii() and "-" not in text:
        fast = pd.to_numeric(raw, errors="coerce")
        if fast.dtype == "int64":
            return fast, pd.Series(False, index=raw.index)
    s = raw.str.strip()
    # Other scripts' digits and full-width forms are read by the scalar rule (rare, per value).
    wide = ~s.str.fullmatch(r"[\x00-\x7f]*")
    s = s.where(~wide, "x")
    fmt_ok = s.str.fullmatch(rules.VALUE_PATTERN)
    digits = s.str.replace(r"\D", "", regex=True).str.lstrip("0")
    n = digits.str.len()
    too_big = (n > len(_MAX_DIGITS)) | ((n == len(_MAX_DIGITS)) & (digits > _MAX_DIGITS))
    bad = ~fmt_ok | too_big
    values = pd.to_numeric(digits.where(~bad & (n > 0), "0")).astype("int64")
    if wide.any():
        parsed = per_unique(raw[wide].str.strip(), lambda u: u.map(rules.parse_value))
        values[wide] = [value or 0 for value, _ in parsed]
        bad[wide] = [error is not None for _, error in parsed]
    return values, bad


def _value_message(raw: str) -> str:
    return rules.parse_value(raw)[1] or rules.BAD_NUMBER


def _release_column(
    chunk: pd.DataFrame, release_col: str, problems: Problems
) -> tuple[pd.Series, pd.Series]:
    """(the release key or number as text, bad mask)."""
    lines = chunk["__line"]
    key = per_unique(chunk[release_col], lambda u: unguard_formulas(u.str.strip()))
    no_key = key == ""
    problems.add(no_key, lines, release_col, "Enter a release key")
    bad = no_key.copy()
    if release_col == "release_id":
        not_int = ~per_unique_mask(key, lambda u: u.str.fullmatch(r"\d{1,9}")) & ~no_key
        problems.add(
            not_int,
            lines,
            release_col,
            "release_id must be a release's number; use release_key for keys",
        )
        bad |= not_int
    else:
        _, bad_key = _text_column(
            chunk.assign(release_key=chunk[release_col].where(~no_key, "x")),
            "release_key",
            limit=rules.MAX_NAME,
            label="Release key",
            problems=problems,
            key=True,
            long_message=rules.KEY_TOO_LONG,
        )
        bad |= bad_key
    return key, bad


def _times(
    chunk: pd.DataFrame, *, tz: str, now: datetime, problems: Problems
) -> tuple[pd.Series, pd.Series]:
    """(UTC times, bad mask) of ``recorded_at``: read by ``ingest.times``, not in the future."""
    lines, raw = chunk["__line"], chunk["recorded_at"]
    parsed = parse_times(raw, tz)
    when = parsed.utc
    empty = when.isna() & per_unique_mask(raw, lambda u: u.str.strip() == "")
    problems.add(empty, lines, "recorded_at", EMPTY_TIME)
    problems.add(parsed.unparseable & ~empty, lines, "recorded_at", TIME_HELP)
    problems.add(parsed.ambiguous, lines, "recorded_at", ambiguous_message, raw)
    problems.add(parsed.dst_gap, lines, "recorded_at", dst_message(tz))
    problems.add(parsed.early, lines, "recorded_at", BEFORE_2000)
    future = when > pd.Timestamp(now + rules.FUTURE_ALLOWANCE)
    problems.add(future, lines, "recorded_at", rules.FUTURE)
    return when, when.isna() | future


def _text_column(
    frame: pd.DataFrame,
    name: str,
    *,
    limit: int,
    label: str,
    problems: Problems,
    required: bool = False,
    multiline: bool = False,
    key: bool = False,
    long_message: str | None = None,
) -> tuple[pd.Series, pd.Series]:
    """(cleaned text with None for empty, bad mask) for one text column, as ``clean_text``.

    The refusals of ``rules.text_problem``, with its patterns, once per distinct value:
    control characters, broken characters and (``key``) invisible ones anywhere in the cell,
    the length and "nothing visible" of the trimmed text without the export's formula guard.
    """
    lines = frame["__line"]
    if name not in frame:
        return pd.Series(None, index=frame.index, dtype=object), pd.Series(False, index=frame.index)
    raw = frame[name]
    if multiline:  # a CR LF inside a quoted note is a line break; a bare CR is refused
        raw = per_unique(raw, lambda u: u.str.replace("\r\n", "\n", regex=False))
    s = per_unique(raw, lambda u: unguard_formulas(u.str.strip()))
    empty = s == ""
    control = rules.CONTROL_PATTERN if multiline else rules.LINE_CONTROL_PATTERN
    patterns = [control, rules.SURROGATE_PATTERN] + ([rules.INVISIBLE_PATTERN] if key else [])
    broken = per_unique_mask(raw, lambda u: u.str.contains("|".join(patterns), regex=True))
    long = per_unique_mask(s, lambda u: u.str.len() > limit)
    blank = ~empty & per_unique_mask(
        s, lambda u: u.str.fullmatch(rules.NOTHING_VISIBLE_PATTERN).astype(bool)
    )
    if required:
        problems.add(empty, lines, name, f"Choose or type a {label.lower()}")
    problems.add(
        long,
        lines,
        name,
        long_message
        or (lambda v: f"{label} is too long ({len(v):,} characters; the limit is {limit:,})"),
        s,
    )
    other = (broken | blank) & ~long
    if other.any():
        why = per_unique(
            raw[other],
            lambda u: u.map(
                lambda v: (
                    rules.text_problem(v, limit=len(v), name=label, multiline=multiline, key=key)
                    or f"{label} has no visible characters"
                )
            ),
        )
        problems.add(other, lines, name, lambda message: message, why.reindex(raw.index))
    bad = long | other | (empty if required else False)
    return s.where(~empty, None), bad
