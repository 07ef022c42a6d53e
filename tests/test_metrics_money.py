"""Money as people read it (exact, in its own currency's minor units) and the per-stream rate
over the rows that carry both earnings and streams."""

from __future__ import annotations

import pandas as pd
import pytest

from perfdash.metrics import Kpi, change_text, format_money, per_stream_rate


@pytest.mark.parametrize(
    ("micro", "currency", "text"),
    [
        (412_340_000, "USD", "$412.34"),
        (38_000_000, "EUR", "€38.00"),
        (1_200_000_000, "JPY", "¥1,200"),
        (1_234_500_000, "SEK", "1,234.50 SEK"),
        (5_000, "KWD", "0.005 KWD"),
        (4_125, "USD", "$0.00"),  # rounded half-even at the cent, never a float's drift
        (9_223_372_036_854_775_807, "USD", "$9,223,372,036,854.78"),
        (None, "USD", "–"),
    ],
)
def test_money_is_shown_in_its_currency(micro, currency, text):
    assert format_money(micro, currency) == text


def test_a_rate_keeps_its_decimals():
    assert format_money(3_127, "USD", decimals=6) == "$0.003127"


def pairs(rows):
    return pd.DataFrame(
        rows, columns=["release_id", "platform_key", "country", "earned", "streams", "days"]
    )


def test_the_rate_is_over_the_rows_that_have_both():
    """Only matched rows reach the rate (``store.paired_earnings``): release 1's DE line and
    release 2's worldwide line; a release with a worldwide pair is not counted again by country."""
    found = per_stream_rate(
        pairs(
            [
                (1, "spotify", "DE", 4_000_000, 1_000, 1),
                (2, "spotify", "", 9_000_000, 1_000, 2),
                (2, "spotify", "US", 5_000_000, 50, 1),
            ]
        )
    )
    assert (found.earned, found.streams, found.micro_per_stream) == (13_000_000, 2_000, 6_500.0)
    assert per_stream_rate(pairs([])) is None
    assert per_stream_rate(pairs([(5, "deezer", "FR", 10, 0, 1)])) is None


def test_a_money_change_reads_in_its_currency():
    kpi = Kpi("earnings", 5_000_000, 5_000_000, 2_500_000, 0, currency="EUR")
    assert change_text(kpi) == "+€2.50 (+100.0%) vs previous period"


def test_every_card_shows_money_in_its_currency():
    from perfdash.metrics import gain_text, kpi_label

    usd = Kpi("earnings", 412_340_000, 900_000_000, None, 0, currency="USD")
    assert (gain_text(usd), kpi_label(usd)) == ("+$412.34", "earnings (USD)")
    views = Kpi("views", 1234, 5000, None, 0)
    assert gain_text(views) == "+1,234" and "(" not in kpi_label(views)
