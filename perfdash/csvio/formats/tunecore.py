"""TuneCore's sales report (My Account > Sales Reports > Download), one line per store,
country, song and sales period:

Sales Period, Posted Date, Store Name, Country Of Sale, Artist, Release Type, Release Title,
Song Title, Label, UPC, Optional UPC, TC Song ID, Optional ISRC, Sales Type, # Units Sold,
Per Unit Price, Net Sales, Net Sales Currency, Exchange Rate, Total Earned, Currency.

Units are streams (Sales Type Streaming) or downloads; Total Earned is earnings in Currency.
The period is the sales period's month.  A user's own UPC (Optional UPC) is matched before
TuneCore's.
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


def translate(chunk: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    own_upc = column(chunk, "optional_upc")
    sales = column(chunk, "sales_type").str.lower()
    common = {
        "platform": column(chunk, "store_name"),
        "recorded_at": month_start(column(chunk, "sales_period")),
        "value_kind": "period",
        "country": country(column(chunk, "country_of_sale")),
        "isrc": column(chunk, "optional_isrc"),
        "upc": own_upc.where(own_upc != "", column(chunk, "upc")),
        "artist_name": column(chunk, "artist"),
        "release_title": column(chunk, "song_title").where(
            column(chunk, "song_title") != "", column(chunk, "release_title")
        ),
    }
    metric = pd.Series("streams", index=chunk.index).where(sales != "download", "downloads")
    counts = readings(
        chunk, metric_type=metric, metric_value=whole(column(chunk, "#_units_sold")), **common
    )
    earned = money(chunk, column(chunk, "total_earned"), column(chunk, "currency"), **common)
    return stack(counts, earned)


FORMAT = Format(
    key="tunecore",
    label="TuneCore sales report",
    required=("sales_period", "store_name", "#_units_sold", "total_earned"),
    columns={
        "Sales Period": "the period: its month's first day, value kind period",
        "Posted Date": "not stored",
        "Store Name": "platform",
        "Country Of Sale": "country (UK read as GB)",
        "Artist": "release match (artist + title)",
        "Release Type, Label, TC Song ID": "not stored",
        "Release Title": "release title when a line names no song",
        "Song Title": "release match (artist + title)",
        "UPC, Optional UPC": "release match (second; your own UPC first)",
        "Optional ISRC": "release match (first)",
        "Sales Type": "Streaming: streams; Download: downloads",
        "# Units Sold": "the count",
        "Per Unit Price, Net Sales, Net Sales Currency, Exchange Rate": "not stored",
        "Total Earned": "earnings, in Currency",
        "Currency": "the earnings' currency",
    },
    translate=translate,
)
