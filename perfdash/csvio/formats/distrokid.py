"""DistroKid's bank details export ("DistroKid_<date>.tsv", tab separated).

Columns: Reporting Date, Sale Month, Store, Artist, Title, ISRC, UPC, Quantity, Team
Percentage, Song/Album, Country of Sale, Songwriter Royalties Withheld, Earnings (USD).
Each line is a count for its sale month in one country on one store: Quantity as streams
(downloads on download stores, album sales on an Album line), Earnings (USD) as earnings.
"""

from __future__ import annotations

import pandas as pd

from perfdash.csvio.formats.base import (
    Context,
    Format,
    column,
    country,
    money,
    month_start,
    readings,
    stack,
    whole,
)

DOWNLOAD_STORES = ("itunes", "amazon (downloads)", "google play", "7digital", "beatport")


def metric_type(store: pd.Series, kind: pd.Series) -> pd.Series:
    """streams, downloads (a download store) or album_sales (an Album line)."""
    lowered = store.str.lower()
    download = lowered.map(lambda s: any(d in s for d in DOWNLOAD_STORES))
    out = pd.Series("streams", index=store.index).where(~download, "downloads")
    return out.where(kind.str.lower() != "album", "album_sales")


def translate(chunk: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    kind = column(chunk, "song/album")
    common = {
        "platform": column(chunk, "store"),
        "recorded_at": month_start(column(chunk, "sale_month")),
        "value_kind": "period",
        "country": country(column(chunk, "country_of_sale")),
        "isrc": column(chunk, "isrc"),
        "upc": column(chunk, "upc"),
        "artist_name": column(chunk, "artist"),
        "release_title": column(chunk, "title"),
    }
    counts = readings(
        chunk,
        metric_type=metric_type(common["platform"], kind),
        metric_value=whole(column(chunk, "quantity")),
        **common,
    )
    return stack(counts, money(chunk, column(chunk, "earnings_(usd)"), "USD", **common))


FORMAT = Format(
    key="distrokid",
    label="DistroKid bank details (TSV)",
    required=("reporting_date", "sale_month", "store", "quantity", "earnings_(usd)"),
    columns={
        "Reporting Date": "not stored (the statement's date; the sale month is the period)",
        "Sale Month": "the period: the month's first day, value kind period",
        "Store": "platform",
        "Artist": "release match (artist + title), release's artist when created",
        "Title": "release match (artist + title), release's title when created",
        "ISRC": "release match (first)",
        "UPC": "release match (second)",
        "Quantity": "streams (downloads on a download store; album_sales on an Album line)",
        "Team Percentage": "not stored",
        "Song/Album": "Album lines count album_sales",
        "Country of Sale": "country",
        "Songwriter Royalties Withheld": "not stored",
        "Earnings (USD)": "earnings, in USD",
    },
    translate=translate,
)
