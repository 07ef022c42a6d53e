"""Money as people read it, and the per-stream rate: pure functions of numbers and frames.

Money is stored as exact micro-units (a millionth of the currency's unit) with its ISO 4217
code.  It is shown in its own currency, rounded to that currency's minor units (2 for USD, 0
for JPY, 3 for KWD), and never added to another currency's.  The per-stream rate (earnings /
streams) is computed only over the series that have both: the same release and platform,
read in the same territory and period; elsewhere there is no rate, not a zero.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pandas as pd

from perfdash.countries import CURRENCIES
from perfdash.vocab import MICRO_UNITS

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


def per_stream_rate(earnings: pd.DataFrame, streams: pd.DataFrame) -> float | None:
    """Micro-units earned per stream over the (release, platform) series that have both
    earnings and streams in the period (``store.period_gains`` frames of one currency and one
    territory), or None when no series has both or they have no streams."""
    keys = ["release_id", "platform_key"]
    if earnings.empty or streams.empty:
        return None
    paid = earnings[earnings["n_rows"] > 0].groupby(keys)["gain"].sum()
    heard = streams[streams["n_rows"] > 0].groupby(keys)["gain"].sum()
    both = paid.index.intersection(heard.index)
    total_streams = int(sum(int(v) for v in heard.loc[both])) if len(both) else 0
    if total_streams <= 0:
        return None
    return float(sum(int(v) for v in paid.loc[both])) / total_streams


__all__ = ["format_money", "per_stream_rate"]
