"""CD Baby's digital sales report (Accounting > Digital Distribution sales, Download), one
line per partner, country, track and sales month:

Sales Date, Report Date, Partner, Country, Artist, Album, Track, UPC, ISRC, Quantity,
Subtotal, Currency (the column set is modelled on CD Baby's report as documented for
accounting; check a real download against it, and tell us if it differs).

Quantity is streams (downloads on a download store); Subtotal is earnings in Currency (USD
when the file has no Currency column); the period is the sales date's month.
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
from perfdash.csvio.formats.distrokid import metric_type


def translate(chunk: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    common = {
        "platform": column(chunk, "partner"),
        "recorded_at": month_start(column(chunk, "sales_date")),
        "value_kind": "period",
        "country": country(column(chunk, "country")),
        "isrc": column(chunk, "isrc"),
        "upc": column(chunk, "upc"),
        "artist_name": column(chunk, "artist"),
        "release_title": column(chunk, "track").where(
            column(chunk, "track") != "", column(chunk, "album")
        ),
    }
    kind = pd.Series("song", index=chunk.index).where(column(chunk, "track") != "", "album")
    counts = readings(
        chunk,
        metric_type=metric_type(common["platform"], kind),
        metric_value=whole(column(chunk, "quantity")),
        **common,
    )
    currency = column(chunk, "currency") if "currency" in chunk else "USD"
    return stack(counts, money(chunk, column(chunk, "subtotal"), currency, **common))


FORMAT = Format(
    key="cdbaby",
    label="CD Baby digital sales report",
    required=("sales_date", "partner", "quantity", "subtotal"),
    columns={
        "Sales Date": "the period: its month's first day, value kind period",
        "Report Date": "not stored",
        "Partner": "platform",
        "Country": "country",
        "Artist": "release match (artist + title)",
        "Album": "release title when a line names no track (album_sales)",
        "Track": "release match (artist + title)",
        "UPC": "release match (second)",
        "ISRC": "release match (first)",
        "Quantity": "streams (downloads on a download store; album_sales without a track)",
        "Subtotal": "earnings, in Currency (USD without one)",
        "Currency": "the earnings' currency",
    },
    translate=translate,
)
