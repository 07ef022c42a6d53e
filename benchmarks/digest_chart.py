"""The digest chart as a PNG: matplotlib against kaleido (Plotly's export, which drives a
Chrome; set BROWSER_PATH=/usr/bin/chromium). Prints one JSON line per engine; kaleido is not a
dependency: pip install kaleido to compare."""

import io
import json
import time

import numpy as np
import pandas as pd

days = pd.date_range("2026-11-01", periods=28, freq="D")
series = {
    p: np.cumsum(np.random.default_rng(1).integers(800, 1200, 28))
    for p in ["YouTube", "TikTok", "Spotify"]
}


def mpl():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.6), dpi=100)
    for n, v in series.items():
        ax.plot(days, v, label=n)
    ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def kal():
    import plotly.graph_objects as go

    fig = go.Figure([go.Scatter(x=days, y=v, name=n) for n, v in series.items()])
    fig.update_layout(width=600, height=260)
    return fig.to_image(format="png")


for name, f in (("matplotlib", mpl), ("kaleido", kal)):
    t = time.perf_counter()
    png = f()
    first = time.perf_counter() - t
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    print(
        json.dumps(
            {
                "engine": name,
                "first_s": round(first, 2),
                "next_s_median": round(sorted(ts)[2], 3),
                "png_bytes": len(png),
            }
        )
    )
