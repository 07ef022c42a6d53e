"""A realistic, reproducible benchmark catalog written as CSV files.

Shape (numbers scale with ``rows``):
- 2,000 releases; a few *heavy* ones are read hourly for a year on 3 platforms x 2 metrics
  (~52,000 rows each), the rest daily, 1-3 platforms x 1-2 metrics, with histories of varying
  length so the rows add up to ``rows``;
- platform names in mixed case ('YouTube', 'youtube', 'YOUTUBE'), some releases mixing
  spellings from row to row (the store groups by ``lower(platform)``);
- lifetime totals that grow, a few platform corrections (a total that drops), and some
  per-day counts (``value_kind = 'period'``).

Two files hold the same rows: ``import.csv`` (release *keys*, what a person imports) and
``copy.csv`` (release *ids*, the columns of ``content_performance``, what raw COPY loads).
Rows are generated a few hundred releases at a time (in time order inside each batch, as
collectors write them), so memory stays flat at ten million rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

NOW = datetime(2026, 11, 25, tzinfo=UTC)
SEED = 20261125
HOURS_PER_YEAR = 8760
SPELLINGS = {
    "youtube": ["YouTube", "youtube", "YOUTUBE"],
    "spotify": ["Spotify", "spotify", "SPOTIFY"],
    "tiktok": ["TikTok", "tiktok", "Tiktok"],
    "apple music": ["Apple Music", "apple music"],
    "deezer": ["Deezer", "deezer"],
    "last.fm": ["Last.fm", "last.fm", "LAST.FM"],
}
METRICS = ["views", "streams", "likes", "followers", "comments"]
IMPORT_COLUMNS = [
    "release_key",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
]
COPY_COLUMNS = [
    "release_id",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
    "source",
]


@dataclass
class Plan:
    """Which release gets which series and how many readings."""

    rows: int
    releases: int = 2000
    heavy: list[int] = field(default_factory=list)
    heavy_hours: int = 0
    days: list[int] = field(default_factory=list)  # per release (0 for heavy)
    series: list[list[tuple[str, str, str]]] = field(default_factory=list)
    # (platform key, metric, value_kind) per release

    def release_key(self, index: int) -> str:
        return f"bench-{index:04d}"

    def release_rows(self, index: int) -> int:
        n = self.heavy_hours if index in self.heavy else self.days[index]
        return n * len(self.series[index])


def plan(rows: int, releases: int = 2000, seed: int = SEED) -> Plan:
    """Split ``rows`` into heavy hourly releases (~25 %) and daily ones (the rest)."""
    rng = np.random.default_rng(seed)
    out = Plan(rows=rows, releases=releases)
    heavy_combo = [(p, m, "total") for p in ("youtube", "spotify", "tiktok") for m in METRICS[:3:2]]
    n_heavy = int(max(1, min(10, rows * 0.25 // (len(heavy_combo) * HOURS_PER_YEAR))))
    out.heavy = [1 + i * (releases // n_heavy) for i in range(n_heavy)]
    out.heavy_hours = int(min(HOURS_PER_YEAR, max(24, rows * 0.25 // (n_heavy * len(heavy_combo)))))
    platforms = list(SPELLINGS)
    weights = rng.uniform(0.3, 1.7, size=releases)
    for i in range(releases):
        if i in out.heavy:
            out.series.append(heavy_combo)
            continue
        chosen = rng.choice(platforms, size=int(rng.integers(1, 4)), replace=False)
        metrics = rng.choice(METRICS, size=int(rng.integers(1, 3)), replace=False)
        combo = [(str(p), str(m), "total") for p in chosen for m in metrics]
        if rng.random() < 0.1:  # a per-day export (counts, not totals)
            combo.append((str(chosen[0]), "streams_daily", "period"))
        out.series.append(combo)
    heavy_rows = n_heavy * out.heavy_hours * len(heavy_combo)
    remaining = max(0, rows - heavy_rows)
    regular = [i for i in range(releases) if i not in out.heavy]
    denom = sum(weights[i] * len(out.series[i]) for i in regular)
    out.days = [0] * releases
    for i in regular:
        out.days[i] = max(1, int(weights[i] * remaining / denom))
    # Hand out what rounding left so the total is exactly ``rows`` (when rows allow).
    short = rows - heavy_rows - sum(out.days[i] * len(out.series[i]) for i in regular)
    for i in regular:
        if short <= 0:
            break
        if len(out.series[i]) == 1:
            take = min(short, 1000)
            out.days[i] += take
            short -= take
    return out


def release_frame(p: Plan, index: int, rng: np.random.Generator) -> pd.DataFrame:
    """All readings of one release, oldest first."""
    heavy = index in p.heavy
    n = p.heavy_hours if heavy else p.days[index]
    step = pd.Timedelta(hours=1) if heavy else pd.Timedelta(days=1)
    offset = pd.Timedelta(minutes=int((index * 37) % (60 if heavy else 1440)))
    times = pd.Timestamp(NOW) - step * np.arange(n, 0, -1) + offset
    mixed = rng.random() < 0.1
    parts = []
    for j, (pkey, metric, kind) in enumerate(p.series[index]):
        spellings = SPELLINGS[pkey]
        if mixed:
            platform = rng.choice(spellings, size=n)
        else:
            platform = np.full(n, spellings[(index + j) % len(spellings)], dtype=object)
        scale = int(rng.integers(5, 5000))
        incr = rng.integers(0, scale, size=n)
        if kind == "total":
            values = int(rng.integers(0, 100 * scale)) + np.cumsum(incr)
            if n > 10 and rng.random() < 0.05:  # a platform correction
                at = int(rng.integers(n // 2, n))
                values[at] = max(0, values[at] - 3 * scale)
        else:
            values = incr
        parts.append(
            pd.DataFrame(
                {
                    "release_key": p.release_key(index),
                    "platform": platform,
                    "metric_type": metric,
                    "metric_value": values.astype("int64"),
                    "recorded_at": times,
                    "value_kind": kind,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def frames(p: Plan, seed: int = SEED, batch_rows: int = 250_000) -> Iterator[pd.DataFrame]:
    """The catalog's rows in batches of whole releases (never all in memory)."""
    rng = np.random.default_rng(seed + 1)
    batch: list[pd.DataFrame] = []
    size = 0
    for i in range(p.releases):
        frame = release_frame(p, i, rng)
        batch.append(frame)
        size += len(frame)
        if size >= batch_rows:
            yield _by_time(batch)
            batch, size = [], 0
    if batch:
        yield _by_time(batch)


def _by_time(batch: list[pd.DataFrame]) -> pd.DataFrame:
    # In time order within a batch, as collectors write them (hour by hour, every release):
    # a release's rows are spread over many table pages, as in production, not packed together.
    frame = pd.concat(batch, ignore_index=True)
    return frame.sort_values("recorded_at", kind="stable", ignore_index=True)


def write_csvs(p: Plan, directory: Path, ids: dict[str, int]) -> tuple[Path, Path, int]:
    """Write import.csv (release keys) and copy.csv (release ids); return paths and row count."""
    directory.mkdir(parents=True, exist_ok=True)
    import_path = directory / "import.csv"
    copy_path = directory / "copy.csv"
    total = 0
    fmt = "%Y-%m-%dT%H:%M:%S+00:00"
    with import_path.open("w", newline="") as fi, copy_path.open("w", newline="") as fc:
        fi.write(",".join(IMPORT_COLUMNS) + "\n")
        for frame in frames(p):
            frame.to_csv(fi, header=False, index=False, date_format=fmt)
            frame.assign(release_id=frame["release_key"].map(ids), source="csv")[
                COPY_COLUMNS
            ].to_csv(fc, header=False, index=False, date_format=fmt, quoting=csv.QUOTE_MINIMAL)
            total += len(frame)
    return import_path, copy_path, total


def naive_sample(p: Plan, n: int = 5000) -> pd.DataFrame:
    """``n`` readings of a separate release for the one-commit-per-row baseline."""
    times = pd.Timestamp(NOW) - pd.Timedelta(minutes=1) * np.arange(n, 0, -1)
    return pd.DataFrame(
        {
            "platform": "YouTube",
            "metric_type": "views",
            "metric_value": np.arange(n, dtype="int64") * 3,
            "recorded_at": times,
        }
    )
