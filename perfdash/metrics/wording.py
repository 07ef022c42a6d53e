"""What works: which words and phrases of the prompts, and which generation attributes, go with
launches above or below the catalog's typical one.

For each release that has launched at least ``day`` days ago, its outcome is its total of the
chosen metric ``day`` days after launch (summed over platforms: what it gained since launch).
For each term (a word or a two-word phrase of the track or the video prompt, or an attribute
such as "has a Suno clip id"), the releases with it are compared with the releases without it:

- ``effect``: how much larger the typical launch with the term is than one without, as a
  fraction (the ratio of geometric means of ``1 + outcome``, minus 1: +0.5 means half as big
  again, -0.3 a third smaller); geometric because launches differ by orders of magnitude and
  one hit must not make a word look good on its own;
- ``ci_low``, ``ci_high``: a 95 % bootstrap interval of the effect (both groups resampled with
  replacement, ``REPS`` times, from a seed per term so the numbers repeat);
- ``n``: the releases with the term; a term in fewer than ``MIN_RELEASES`` (or missing from
  fewer than that many) is not shown;
- ``above``: how many of them launched above the catalog's median;
- ``also``: other terms found on exactly the same releases (one finding, named once).

It is association, not cause: a word may go with a genre, an artist or a season that is what
really sold, and with many terms some intervals miss 0 by chance alone.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping

import numpy as np
import pandas as pd

MIN_RELEASES = 5
REPS = 2000
SEED = 20261204
MAX_TERMS = 300  # the most frequent terms are tested, so a run stays quick
TERM_COLUMNS = ["term", "n", "effect", "ci_low", "ci_high", "above", "also"]
CAVEAT = (
    "Association, not cause: releases whose prompts use a term launched this much bigger or "
    "smaller than the others, but the term may only travel with what really made the "
    "difference (an artist, a genre, a season, a promotion). With many terms, some intervals "
    "miss 0 by chance alone; trust a term more when it holds across periods and metrics."
)
STOPWORDS = frozenset(
    """a an and are as at be but by for from in into is it its of on or over so than that the
    their then there these this those to under up very was were with without
    track song music video clip""".split()
)
ATTRIBUTES = {
    "suno_clip_id": "has a Suno clip id",
    "luma_generation_id": "has a Luma generation id",
    "video_prompt": "has a video prompt",
}
WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


CLAUSE = re.compile(r"[,.;:!?()\[\]\n|/]+")


def _clauses(text: object) -> list[list[str]]:
    """The prompt's words, clause by clause (a phrase never spans a comma)."""
    if not isinstance(text, str):
        return []
    return [
        [w for w in WORD.findall(part) if len(w) >= 3 and w not in STOPWORDS]
        for part in CLAUSE.split(text.lower())
    ]


def prompt_terms(prompts: pd.DataFrame) -> dict[int, set[str]]:
    """Each release's terms: ``track: word``, ``track: two words`` (neighbours once stop words
    are dropped), the same for ``video:``, and the attributes it has."""
    out: dict[int, set[str]] = {}
    for row in prompts.to_dict("records"):
        terms: set[str] = set()
        for column, prefix in (("track_prompt", "track"), ("video_prompt", "video")):
            for words in _clauses(row.get(column)):
                terms |= {f"{prefix}: {w}" for w in words}
                terms |= {f"{prefix}: {a} {b}" for a, b in zip(words, words[1:], strict=False)}
        for column, label in ATTRIBUTES.items():
            value = row.get(column)
            if isinstance(value, str) and value.strip():
                terms.add(label)
        out[int(row["release_id"])] = terms
    return out


def launch_outcomes(
    aligned: pd.DataFrame, day0: Mapping[int, pd.Timestamp], day: int, today: pd.Timestamp
) -> pd.Series:
    """Each release's total ``day`` days after launch (its newest total on or before that day),
    for releases launched at least ``day`` days before ``today``; ``aligned`` is
    ``align_launches`` output with a horizon past ``day``."""
    if aligned.empty:
        return pd.Series(dtype="float64")
    old_enough = {r for r, d in day0.items() if (today - pd.Timestamp(d)).days >= day}
    part = aligned[
        aligned["release_id"].isin(old_enough) & (aligned["day"] <= day) & aligned["total"].notna()
    ]
    return part.sort_values("day").groupby("release_id")["total"].last().astype("float64")


def _seed(term: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(term.encode("utf-8"))])


def term_effects(
    terms: Mapping[int, set[str]],
    outcomes: pd.Series,
    *,
    min_releases: int = MIN_RELEASES,
    reps: int = REPS,
) -> pd.DataFrame:
    """Every term in at least ``min_releases`` releases with an outcome (and missing from as
    many), its effect and 95 % bootstrap interval; biggest effect first."""
    ids = [int(r) for r in outcomes.index if int(r) in terms]
    if len(ids) < 2 * min_releases:
        return pd.DataFrame(columns=TERM_COLUMNS)
    logs = np.log1p(np.maximum(outcomes.loc[ids].to_numpy(dtype="float64"), 0.0))
    median = float(np.median(outcomes.loc[ids]))
    high = outcomes.loc[ids].to_numpy(dtype="float64") > median
    counts: dict[str, int] = {}
    for rid in ids:
        for term in terms[rid]:
            counts[term] = counts.get(term, 0) + 1
    eligible = [t for t, c in counts.items() if c >= min_releases and len(ids) - c >= min_releases]
    eligible = sorted(eligible, key=lambda t: (-counts[t], len(t), t))[:MAX_TERMS]
    groups: dict[bytes, list[str]] = {}  # terms on exactly the same releases are one finding
    masks: dict[bytes, np.ndarray] = {}
    for term in eligible:
        has = np.array([term in terms[rid] for rid in ids])
        groups.setdefault(has.tobytes(), []).append(term)
        masks[has.tobytes()] = has
    rows = []
    for key, same in groups.items():
        term, also = same[0], same[1:]
        has = masks[key]
        a, b = logs[has], logs[~has]
        rng = _seed(term)
        boot_a = a[rng.integers(0, len(a), (reps, len(a)))].mean(axis=1)
        boot_b = b[rng.integers(0, len(b), (reps, len(b)))].mean(axis=1)
        low, up = np.quantile(boot_a - boot_b, [0.025, 0.975])
        rows.append(
            {
                "term": term,
                "n": int(has.sum()),
                "effect": float(np.expm1(a.mean() - b.mean())),
                "ci_low": float(np.expm1(low)),
                "ci_high": float(np.expm1(up)),
                "above": int(high[has].sum()),
                "also": also,
            }
        )
    if not rows:
        return pd.DataFrame(columns=TERM_COLUMNS)
    frame = pd.DataFrame(rows, columns=TERM_COLUMNS)
    return frame.sort_values(["effect", "term"], ascending=[False, True], ignore_index=True)
