"""A DistroKid bank-details statement of N lines imported through perfdash, against raw COPY
of the same readings (each line: its streams and its earnings, in its country).

Lines are release x store x country x sale month, every one a distinct natural key, so the
import writes exactly the rows the COPY writes and the ratio compares like with like; releases
are matched by ISRC, as a real statement's are.

    python benchmarks/run.py --distrokid --rows 1000000
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from perfdash import store
from perfdash.ingest.codes import upc_check_digit

HEADER = (
    "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\t"
    "Song/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)\n"
)
STORES = (
    "Spotify",
    "Apple Music",
    "Amazon Unlimited",
    "YouTube (Ads)",
    "Deezer",
    "Tidal",
    "TikTok",
    "Instagram/Facebook",
    "Pandora",
    "Napster",
)
COUNTRIES = (
    "US",
    "GB",
    "DE",
    "FR",
    "BR",
    "MX",
    "JP",
    "CA",
    "AU",
    "NL",
    "SE",
    "ES",
    "IT",
    "PL",
    "IN",
    "ID",
    "PH",
    "TR",
    "AR",
    "CL",
    "CO",
    "NO",
    "DK",
    "FI",
    "BE",
)
COPY_COLUMNS = (
    "release_id",
    "platform",
    "metric_type",
    "metric_value",
    "recorded_at",
    "value_kind",
    "source",
    "country",
    "currency",
)


def isrc(i: int) -> str:
    return f"QZBEN{26:02d}{i:05d}"


def create_releases(engine: sa.Engine, releases: int) -> dict[int, int]:
    ids = {}
    for i in range(releases):
        body = f"8591{i:07d}"
        ids[i] = store.create_release(
            engine,
            f"dk-{i}",
            title=f"Track {i}",
            artist_name="Bench",
            isrc=isrc(i),
            upc=body + str(upc_check_digit(body)),
        )
    return ids


def write_files(directory: Path, lines: int, ids: dict[int, int]) -> tuple[Path, Path]:
    """The statement (TSV) and the readings it holds as COPY's CSV (release ids)."""
    releases, per = len(ids), len(ids) * len(STORES) * len(COUNTRIES)
    tsv, csv = directory / "DistroKid_bench.tsv", directory / "distrokid_copy.csv"
    with tsv.open("w") as ft, csv.open("w") as fc:
        ft.write(HEADER)
        for i in range(lines):
            r = i % releases
            s = STORES[(i // releases) % len(STORES)]
            c = COUNTRIES[(i // (releases * len(STORES))) % len(COUNTRIES)]
            month = i // per
            year, mon = 2020 + month // 12, month % 12 + 1
            qty = 1 + (i * 7919) % 5000
            cents = qty * 3127  # micro-units: 0.003127 USD a stream
            money = f"{cents // 1_000_000}.{cents % 1_000_000:06d}"
            ft.write(
                f"2026-03-05\t{year}-{mon:02d}\t{s}\tBench\tTrack {r}\t{isrc(r)}\t\t{qty}\t100\t"
                f"Song\t{c}\t0\t{money}\n"
            )
            when = f"{year}-{mon:02d}-01T00:00:00Z"
            rid = ids[r]
            fc.write(f'{rid},{s},streams,{qty},{when},period,csv,{c},""\n')
            fc.write(f"{rid},{s},earnings,{cents},{when},period,csv,{c},USD\n")
    return tsv, csv


def raw_copy(url: str, path: Path) -> tuple[float, int]:
    """COPY the readings in 1 MB blocks and commit: the ingest limit."""
    conninfo = (
        sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        t = time.perf_counter()
        with (
            cur.copy(
                f"COPY content_performance ({', '.join(COPY_COLUMNS)}) FROM STDIN (FORMAT csv)"
            ) as copy,
            path.open("rb") as f,
        ):
            while block := f.read(1 << 20):
                copy.write(block)
        rows = cur.rowcount
        conn.commit()
        return time.perf_counter() - t, rows


def measure(url: str, directory: Path, lines: int, rounds: int, run: Any) -> dict[str, Any]:
    """Raw COPY, then perfdash's import of the statement, ``rounds`` times into the emptied
    table; the ratio of each round is the import's readings/s over COPY's."""
    engine = store.make_engine(url, statement_timeout_ms=0)
    try:
        releases = min(2000, max(1, lines // 50))
        ids = create_releases(engine, releases)
        tsv, csv = write_files(directory, lines, ids)
        out: dict[str, Any] = {
            "distrokid_lines": lines,
            "distrokid_releases": releases,
            "distrokid_mb": round(tsv.stat().st_size / 2**20, 1),
        }
        ratios, copies, imports = [], [], []
        for _ in range(rounds):
            run.truncate(url)
            seconds, copied = raw_copy(url, csv)
            copies.append(copied / seconds)
            run.log(
                f"raw COPY of the statement's readings: {copied:,} rows, {copies[-1]:,.0f} rows/s"
            )
            run.truncate(url)
            result = run.child_import(url, tsv)
            imports.append(result["written"] / result["seconds"])
            run.log(f"DistroKid import: {result['written']:,} rows, {imports[-1]:,.0f} rows/s")
            ratios.append(imports[-1] / copies[-1])
            out["distrokid_rows_written"] = result["written"]
            out["distrokid_import_peak_rss_mb"] = result["peak_rss_mb"]
        out["distrokid_copy_rows_per_s"] = round(sorted(copies)[len(copies) // 2])
        out["distrokid_import_rows_per_s"] = round(sorted(imports)[len(imports) // 2])
        out["distrokid_import_vs_copy"] = round(sorted(ratios)[len(ratios) // 2], 3)
        out["distrokid_import_vs_copy_rounds"] = [round(r, 3) for r in ratios]
        return out
    finally:
        engine.dispose()
