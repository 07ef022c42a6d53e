"""Money as people read it (exact, in its own currency's minor units) and the per-stream rate
over the series that have both earnings and streams."""

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


def frame(rows):
    return pd.DataFrame(rows, columns=["release_id", "platform_key", "gain", "n_rows"])


def test_the_rate_is_over_the_series_that_have_both():
    paid = frame([(1, "spotify", 4_000_000, 1), (2, "spotify", 9_000_000, 1)])
    heard = frame([(1, "spotify", 1_000, 3), (3, "spotify", 50_000, 2)])
    # release 2 has no streams, release 3 no earnings: only release 1 counts
    assert per_stream_rate(paid, heard) == 4_000.0
    assert per_stream_rate(paid, frame([])) is None
    assert per_stream_rate(paid, frame([(5, "deezer", 10, 1)])) is None


def test_a_money_change_reads_in_its_currency():
    kpi = Kpi("earnings", 5_000_000, 5_000_000, 2_500_000, 0, currency="EUR")
    assert change_text(kpi) == "+€2.50 (+100.0%) vs previous period"


def test_every_card_shows_money_in_its_currency():
    from perfdash.metrics import gain_text, kpi_label

    usd = Kpi("earnings", 412_340_000, 900_000_000, None, 0, currency="USD")
    assert (gain_text(usd), kpi_label(usd)) == ("+$412.34", "earnings (USD)")
    views = Kpi("views", 1234, 5000, None, 0)
    assert gain_text(views) == "+1,234" and "(" not in kpi_label(views)
