"""Figures put together from plain dicts, without Plotly's per-property validation.

Building a figure through ``go.Scatter(...)`` and ``fig.update_layout(...)`` checks and copies
every property; on the dashboard that checking cost more than reading the data (about 50 ms of
a time series' 55).  The builders here write the same properties as dicts and hand them to
``go.Figure`` once with validation off, so a figure costs a few milliseconds.  What they write
is still checked: tests rebuild every figure through Plotly's validating constructor and
compare the two (``tests/test_figures_assemble.py``).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio


def figure(traces: list[dict[str, Any]], layout: dict[str, Any], template: str) -> go.Figure:
    """A figure of ``traces`` (each a dict with its ``type``) and ``layout`` in ``template``.

    The template is resolved here, as validation would have done: Plotly.js only knows a
    template as the object itself, never its name.
    """
    return go.Figure(
        data=traces, layout={**layout, "template": pio.templates[template]}, _validate=False
    )


def vrect(x0: Any, x1: Any, *, colour: str, label: str) -> tuple[dict, dict]:
    """A shaded band over ``[x0, x1]`` edged with a dotted line, and its label at top left:
    the shape and annotation ``fig.add_vrect`` would add."""
    shape = {
        "type": "rect",
        "x0": x0,
        "x1": x1,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "fillcolor": "rgba(127, 127, 127, 0.15)",
        "line": {"width": 1, "dash": "dot", "color": colour},
        "layer": "below",
        "name": label,
    }
    note = {
        "text": label,
        "x": x0,
        "xref": "x",
        "xanchor": "left",
        "y": 1,
        "yref": "y domain",
        "yanchor": "top",
        "showarrow": False,
        "font": {"size": 11, "color": colour},
    }
    return shape, note
