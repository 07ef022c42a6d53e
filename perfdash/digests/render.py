"""A digest as an email (plain text, HTML with the chart inline) and as a Slack message.

Every text that came from the catalog (titles, artists) is escaped in the HTML; Slack's
mrkdwn control characters (&, <, >) are escaped in its message.  The chart is a PNG drawn with
matplotlib: it needs no browser (kaleido drives a Chrome, which a PaaS dyno does not have) and
drew the chart in 0.3 s against kaleido's 6.2 s on this machine (docs/digests.md).
"""

from __future__ import annotations

import html
import io
from email.message import EmailMessage

from perfdash import metrics
from perfdash.digests.content import Digest

CHART_CID = "perfdash-digest-chart"


def _link(base_url: str | None, path: str) -> str:
    return (base_url or "").rstrip("/") + path


def kpi_lines(digest: Digest) -> list[str]:
    """'views: +1,151,681 gained (-307,196 (-21.1%) vs previous period)' per metric."""
    out = []
    for kpi in digest.kpis:
        kind = kpi.metric_kind
        if kind.is_score:
            main = f"level {metrics.format_level(kpi.total)}"
        else:
            word = "net change" if kpi.kind == "audience" else "gained"
            main = f"{metrics.gain_text(kpi)} {word}"
        out.append(f"{metrics.kpi_label(kpi)}: {main} ({metrics.change_text(kpi)})")
    return out


def text_body(digest: Digest, base_url: str | None = None) -> str:
    lines = [digest.title(), ""]
    if not digest.kpis:
        lines += ["Nothing was recorded in this period.", ""]
    else:
        lines += [f"The whole catalog ({digest.releases} releases with numbers):"]
        lines += [f"  {line}" for line in kpi_lines(digest)] + [""]
    for heading, entries in (("Top releases", digest.top), ("Rising", digest.risers)):
        if entries:
            lines.append(f"{heading}:")
            lines += [
                f"  {i}. {e.label}: {e.text} {_link(base_url, e.path)}"
                for i, e in enumerate(entries, 1)
            ]
            lines.append("")
    if digest.goals:
        lines.append("Goals:")
        lines += [f"  {g}" for g in digest.goals]
        lines.append("")
    lines.append("Spikes:" if digest.spikes else "Spikes: none.")
    lines += [f"  {a.text(base_url)}" for a in digest.spikes]
    lines.append("")
    if digest.stale:
        lines.append(f"Stale releases ({len(digest.stale)}):")
        lines += [f"  {t}" for t in digest.stale[:10]]
        if len(digest.stale) > 10:
            lines.append(f"  and {len(digest.stale) - 10} more")
    else:
        lines.append("Every release has a number as recent as its collection schedule.")
    lines += ["", f"Open the overview: {_link(base_url, '/?period=7d')}"]
    return "\n".join(lines) + "\n"


def html_body(digest: Digest, base_url: str | None = None, *, chart: bool = True) -> str:
    e = html.escape
    parts = [f"<h2>{e(digest.title())}</h2>"]
    if digest.kpis:
        parts.append(f"<p>The whole catalog ({digest.releases} releases with numbers):</p><ul>")
        parts += [f"<li>{e(line)}</li>" for line in kpi_lines(digest)]
        parts.append("</ul>")
    else:
        parts.append("<p>Nothing was recorded in this period.</p>")
    if chart:
        parts.append(f'<p><img src="cid:{CHART_CID}" alt="{e(chart_title(digest))}"></p>')
    for heading, entries in (("Top releases", digest.top), ("Rising", digest.risers)):
        if entries:
            parts.append(f"<h3>{heading}</h3><ol>")
            parts += [
                f'<li><a href="{e(_link(base_url, x.path))}">{e(x.label)}</a> {e(x.text)}</li>'
                for x in entries
            ]
            parts.append("</ol>")
    if digest.goals:
        parts.append("<h3>Goals</h3><ul>" + "".join(f"<li>{e(g)}</li>" for g in digest.goals))
        parts.append("</ul>")
    parts.append("<h3>Spikes</h3>")
    if digest.spikes:
        parts.append("<ul>")
        parts += [
            f'<li><a href="{e(_link(base_url, a.path()))}">{e(a.label)}</a>: '
            f"{e('; '.join(i.text() for i in a.items[:4]))}</li>"
            for a in digest.spikes
        ]
        parts.append("</ul>")
    else:
        parts.append("<p>None.</p>")
    parts.append("<h3>Freshness</h3>")
    if digest.stale:
        parts.append("<ul>" + "".join(f"<li>{e(t)}</li>" for t in digest.stale[:10]) + "</ul>")
    else:
        parts.append("<p>Every release has a number as recent as its collection schedule.</p>")
    overview = _link(base_url, "/?period=7d")
    parts.append(f'<p><a href="{e(overview)}">Open the overview</a></p>')
    return "<html><body>" + "\n".join(parts) + "</body></html>"


def chart_title(digest: Digest) -> str:
    return f"Catalog: {digest.headline or 'numbers'} gained per day, by platform"


def chart_png(digest: Digest) -> bytes | None:
    """The catalog's gain per day by platform, as a PNG (None when there is nothing to draw).

    A weekly digest draws its 7 days, a daily one its day and the 6 before, so there is a line
    to read rather than one dot per platform.
    """
    line = digest.line
    if line is None or line.empty or line["gain"].notna().sum() == 0:
        return None
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(7, 2.8), dpi=100)
    ax = fig.add_subplot()
    for platform, part in line.groupby("platform_key", sort=True):
        part = part.sort_values("bucket")
        ax.plot(
            part["bucket"],
            part["gain"].astype("float64"),
            marker="o",
            label=metrics.platform_label(str(platform)),
            color=metrics.platform_colour(str(platform)),
        )
    ax.set_title(chart_title(digest), fontsize=10, loc="left")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def email_message(
    digest: Digest, *, sender: str, to: str, base_url: str | None = None
) -> EmailMessage:
    """The digest as a multipart email: text, and HTML with the chart as an inline image."""
    msg = EmailMessage()
    msg["Subject"] = digest.title()
    msg["From"] = sender
    msg["To"] = to
    msg.set_content(text_body(digest, base_url))
    png = chart_png(digest)
    msg.add_alternative(html_body(digest, base_url, chart=png is not None), subtype="html")
    if png is not None:
        msg.get_payload()[1].add_related(
            png, maintype="image", subtype="png", cid=f"<{CHART_CID}>", filename="chart.png"
        )
    return msg


def _slack(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(
    digest: Digest, base_url: str | None = None, chart_url: str | None = None
) -> dict:
    """An incoming webhook's message: a header, the KPIs, the chart (an image Slack fetches
    from ``chart_url``: a webhook cannot upload one), the top releases and risers as links,
    spikes and stale releases."""

    def linked(path: str, label: str) -> str:
        url = _link(base_url, path)
        return f"<{url}|{_slack(label)}>" if base_url else _slack(label)

    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": digest.title()[:150]}}
    ]
    kpis = "\n".join(f"• {_slack(line)}" for line in kpi_lines(digest))
    section = kpis or "Nothing was recorded in this period."
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": section}})
    if chart_url and not digest.line.empty:
        blocks.append({"type": "image", "image_url": chart_url, "alt_text": chart_title(digest)})
    for heading, entries in (("Top releases", digest.top), ("Rising", digest.risers)):
        if entries:
            rows = "\n".join(
                f"{i}. {linked(x.path, x.label)} {_slack(x.text)}" for i, x in enumerate(entries, 1)
            )
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*{heading}*\n{rows}"}}
            )
    if digest.goals:
        goals = "\n".join(f"• {_slack(g)}" for g in digest.goals)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*Goals*\n{goals}"}})
    spikes = "\n".join(f"• {linked(a.path(), a.label)}" for a in digest.spikes) or "None."
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*Spikes*\n{spikes}"}})
    stale = (
        f"{len(digest.stale)} stale: " + "; ".join(_slack(t) for t in digest.stale[:3])
        if digest.stale
        else "Every release has a number as recent as its collection schedule."
    )
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": stale[:2900]}]})
    if base_url:
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": linked("/?period=7d", "Open the overview"),
                },
            }
        )
    return {"text": digest.title(), "blocks": blocks}
