"""The catalog's report for a day or a week, sent to each subscriber once.

``content`` reads what the overview shows (KPIs with their change, top releases and risers,
spikes, stale releases, goals' progress) through the dashboard's read path; ``render`` turns it into an email
(text, HTML and the chart as a PNG drawn with matplotlib) and a Slack message; ``deliver``
claims each subscriber's digest for the period before sending it, by SMTP or to a Slack
incoming webhook.  ``perfdash digest`` and the ``digest`` job schedule run it.
"""

from perfdash.digests.content import Digest, Entry, build_digest, digest_period
from perfdash.digests.deliver import DigestReport, send_digests

__all__ = ["Digest", "DigestReport", "Entry", "build_digest", "digest_period", "send_digests"]
