"""The dashboard's figures are built without Plotly's validation (ui/figures/assemble.py):
each is rebuilt here through the validating constructor, which refuses any property Plotly does
not know and fills in what validation would; the two must serialise alike."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from perfdash import metrics
from perfdash.metrics import metric_kind
from perfdash.ui.figures import charts

DAYS = pd.date_range("2026-09-01", periods=40, freq="D")


def gains_frame(metric: str = "views") -> pd.DataFrame:
    rows = []
    for rid in (1, 2):
        for platform in ("youtube", "spotify", "tiktok"):
            for i, day in enumerate(DAYS):
                gain = -50 if i == 7 else 1000 + 3 * i
                rows.append(
                    {
                        "release_id": rid,
                        "platform_key": platform,
                        "metric_type": metric,
                        "bucket": day,
                        "gain": gain,
                        "total": 10**6 + 1000 * i,
                        "complete": i < 38,
                        "correction": gain < 0,
                        "corrected_by": 0,
                    }
                )
    return pd.DataFrame(rows)


GAINS = gains_frame()
ONE = GAINS[GAINS["release_id"] == 1]
DROPS = pd.DataFrame(
    [
        {
            "release_id": 1,
            "platform_key": "youtube",
            "metric_type": "views",
            "bucket": DAYS[3],
            "previous_value": 500,
            "metric_value": 400,
        }
    ]
)
BREAKDOWN = pd.DataFrame(
    {
        "release_id": [1, 1, 2],
        "platform_key": ["youtube", "spotify", "tiktok"],
        "gain": [5, -2, 7],
        "total": [10, 20, 30],
        "previous_gain": [3, None, 4],
        "previous_total": [9, 19, None],
    }
)
NAMES = {1: "Neon <b>Tides</b>", 2: "B"}
VIEWS, RANK = metric_kind("views"), metric_kind("rank")

FIGURES = {
    "series with previous, drops, title": lambda: charts.time_series(
        ONE, previous=ONE.assign(gain=ONE["gain"] - 5), drops=DROPS, title="A <b>t</b>"
    ),
    "two releases, running total, weeks, dark": lambda: charts.time_series(
        GAINS, release_names=NAMES, mode="total", granularity="week", template="plotly_dark"
    ),
    "a score": lambda: charts.time_series(gains_frame("rank"), kind=RANK),
    "coloured by release, all complete": lambda: charts.time_series(
        GAINS.assign(complete=True), colour_by="release", tz="Europe/Berlin"
    ),
    "no data": lambda: charts.time_series(GAINS.iloc[:0]),
    "platform bars compared": lambda: charts.platform_bars(
        BREAKDOWN, metric_type="views", compare=True
    ),
    "score bars, dark": lambda: charts.platform_bars(
        BREAKDOWN, metric_type="rank", compare=True, template="plotly_dark"
    ),
    "platform share": lambda: charts.platform_share(BREAKDOWN, metric_type="views"),
    "release bars": lambda: charts.release_bars(BREAKDOWN, NAMES, kind=VIEWS),
    "release share": lambda: charts.release_share(BREAKDOWN, NAMES, kind=VIEWS),
    "empty, dark": lambda: charts.empty_figure("Pick a release", "plotly_dark"),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_what_plotly_would_validate(name):
    fast = FIGURES[name]()
    assert isinstance(fast, go.Figure)
    sent = json.loads(pio.to_json(fast))
    checked = go.Figure(sent)  # raises on any property plotly does not know
    assert json.loads(pio.to_json(checked)) == sent


def test_the_template_is_sent_as_the_template_itself():
    for template in ("plotly_white", "plotly_dark"):
        sent = json.loads(pio.to_json(charts.time_series(ONE, template=template)))
        expected = json.loads(pio.to_json(go.Figure(layout={"template": template})))
        assert sent["layout"]["template"] == expected["layout"]["template"]


def test_exact_values_and_hover_survive():
    big = ONE.assign(total=2**62 + ONE["total"])
    fig = charts.time_series(big, mode="total")
    youtube = next(t for t in fig.data if t.name == "YouTube")
    assert youtube.customdata[0][0] == metrics.format_number(2**62 + 10**6)
    band = [s for s in fig.layout.shapes if s.name == "incomplete"]
    assert len(band) == 1 and str(band[0].x0)[:10] == str(DAYS[38])[:10]
