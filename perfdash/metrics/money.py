"""Money as people read it, and the per-stream rate: pure functions of numbers and frames.

Money is stored as exact micro-units (a millionth of the currency's unit) with its ISO 4217
code.  It is shown in its own currency, rounded to that currency's minor units (2 for USD, 0
for JPY, 3 for KWD), and never added to another currency's.  The per-stream rate (earnings /
streams) is computed only over rows that carry both: the same release, platform, country and
day; elsewhere there is no rate, not a zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import pandas as pd

from perfdash.countries import CURRENCIES
from perfdash.vocab import MICRO_UNITS, WORLDWIDE

# The symbols everyone reads without doubt; other currencies are shown with their code.
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩", "BRL": "R$"}


def format_money(micro_units: int | None, currency: str, *, decimals: int | None = None) -> str:
    """``micro_units`` of ``currency`` as text: "$412.34", "€38.00", "¥1,200", "1,234.50 SEK".

    ``decimals`` overrides the currency's minor units (a per-stream rate needs more: a
    stream pays fractions of a cent).  Exact: Decimal arithmetic, never a float.
    """
    if micro_units is None:
        return "–"
    places = CURRENCIES.get(currency, 2) if decimals is None else decimals
    amount = (Decimal(int(micro_units)) / MICRO_UNITS).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN
    )
    text = f"{abs(amount):,.{places}f}"
    sign = "-" if amount < 0 else ""
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


@dataclass(frozen=True)
class StreamRate:
    """Micro-units earned per stream (``micro_per_stream``) over ``streams`` streams and
    ``earned`` micro-units of the matched rows (``store.paired_earnings``)."""

    micro_per_stream: float
    earned: int
    streams: int


def per_stream_rate(pairs: pd.DataFrame) -> StreamRate | None:
    """The rate over matched rows (earnings and streams of one release, platform, country and
    day; ``store.paired_earnings``), or None when no row has both or they count no stream.

    Territories by the rule of docs/numbers.md: per release and platform, the worldwide pairs
    when there are any, else the sum of its countries' pairs, so a stream already in a
    worldwide pair is not counted again in a country's.
    """
    if pairs.empty:
        return None
    worldwide = pairs["country"] == WORLDWIDE
    keys = ["release_id", "platform_key"]
    has_worldwide = worldwide.groupby([pairs[k] for k in keys]).transform("any")
    counted = pairs[worldwide | ~has_worldwide]
    streams = sum(int(v) for v in counted["streams"])
    if streams <= 0:
        return None
    earned = sum(int(v) for v in counted["earned"])
    return StreamRate(earned / streams, earned, streams)


__all__ = ["StreamRate", "format_money", "per_stream_rate"]
