"""What each kind of job does: the same functions the CLI calls, reporting to the job's row.

Each returns ``(state, result)``: ``done`` or ``failed`` and a JSON-able result.  Every kind is
safe to run again from the start (what a redelivered message does after a worker died): an
import is all-or-nothing and skips readings already stored, a collection run's readings are
stamped with its minute and the natural key skips a repeat, and an alert is claimed once.
"""

from __future__ import annotations

from typing import Any

from perfdash import store
from perfdash.jobs.context import JobContext, Reporter

Result = tuple[str, dict[str, Any]]


# a job is started from the entry page or the API, never the command line
CREATE_HINT = (
    "tick “Create the unknown releases in the same import” on the entry page, or send "
    "create_missing=1 through the API, to create them"
)


def run_import(ctx: JobContext, job: dict[str, Any], reporter: Reporter) -> Result:
    """Import the job's upload, all-or-nothing, reporting rows done after every chunk."""
    from perfdash.csvio.importer import import_csv

    upload = store.read_upload(ctx.jobs_engine, job["upload_id"]) if job["upload_id"] else None
    if upload is None:
        return "failed", {
            "ok": False,
            "summary": "The uploaded file is gone (uploads are kept for an hour); upload it "
            "again. Nothing was written.",
        }
    params = job["params"]
    reporter.progress({"done": 0, "total": 0})
    report = import_csv(
        ctx.engine,
        upload["content"],
        create_missing=bool(params.get("create_missing")),
        progress=lambda done, total: reporter.progress({"done": done, "total": total}),
        tz=params.get("tz") or ctx.settings.tz,
        filename=upload["filename"] or None,
    )
    if upload["filename"]:
        report.filename = upload["filename"]
    ok = report.ok and report.committed
    reporter.last = {"done": report.rows, "total": report.rows}
    return ("done" if ok else "failed"), {
        "ok": ok,
        "summary": report.summary(create_hint=CREATE_HINT),
        "problems": report.problem_lines(limit=50),
        "rows": report.rows,
        "written": report.written,
        "already_present": report.already_present,
        "created_releases": list(report.created_keys),
    }


def run_collect(ctx: JobContext, job: dict[str, Any], reporter: Reporter) -> Result:
    """A collection run (``collect.run``) with the credentials of the process running it,
    reporting the source being read and, within it, the releases done."""
    from perfdash import collect
    from perfdash.collectors.base import RetryPolicy

    state: dict[str, Any] = {"current": "", "finished": [], "source": None, "done": 0, "total": 0}

    def source_line(message: str) -> None:
        # run() says "Collecting from X…" before a source and "X: n readings, ..." after it
        if message.startswith("Collecting from"):
            state.update(current=message, done=0, total=0)
        else:
            state["finished"].append(message)
            state.update(current="Saving…", source=None)
        reporter.progress(state)

    def release_done(source: str, done: int, total: int) -> None:
        state.update(source=source, done=done, total=total)
        state["current"] = f"Collecting from {source}… {done:,} / {total:,} releases"
        reporter.progress(state)

    interactive = bool(job["params"].get("interactive"))
    # someone is waiting on the page: shorter retries than the scheduled run
    retry = RetryPolicy(attempts=2, backoff=1.0, max_wait=5.0) if interactive else None
    summary = collect.run(
        ctx.engine,
        env=ctx.settings.collector_env,
        retry=retry,
        timeout=10.0 if interactive else 20.0,
        progress=source_line,
        release_progress=release_done,
    )
    return "done", {"lines": summary.lines(), "failed": bool(summary.failed)}


def run_alerts(ctx: JobContext, job: dict[str, Any], reporter: Reporter) -> Result:
    """Find the spikes of the last 30 days and the goals reached or fallen off track, and post
    the new ones to the webhook, each once (what ``perfdash alerts --notify`` does)."""
    from perfdash import alerts

    settings = ctx.settings
    from perfdash.goals import goal_alerts

    found = alerts.build_alerts(
        ctx.engine, since=alerts.default_since(), tz=settings.tz, rule=settings.spike_rule
    )
    found = [*found, *goal_alerts(ctx.engine, settings.tz)]  # goals reached or off track
    reporter.progress({"alerts": len(found)})
    if not settings.alert_webhook:
        return "done", {"lines": [f"{len(found)} alert(s); no PERFDASH_ALERT_WEBHOOK to post to"]}
    report = alerts.deliver(ctx.engine, found, settings.alert_webhook, base_url=settings.public_url)
    line = (
        f"Notified {len(report.sent)} new alert(s); {len(report.already_sent)} sent before; "
        f"{len(report.failed)} failed."
    )
    return ("failed" if report.failed else "done"), {"lines": [line], "failed": bool(report.failed)}


def run_digest(ctx: JobContext, job: dict[str, Any], reporter: Reporter) -> Result:
    """Send the day's digests and, once a week has ended, the week's, each subscriber once
    (what ``perfdash digest --send`` does for both periods)."""
    from perfdash import digests

    lines, failed = [], False
    for name in ("day", "week"):
        report = digests.send_digests(ctx.engine, ctx.settings, name)
        reporter.progress({name: len(report.sent)})
        lines.append(report.line())
        failed = failed or bool(report.failed)
    return ("failed" if failed else "done"), {"lines": lines, "failed": failed}


WORK = {"import": run_import, "collect": run_collect, "alerts": run_alerts, "digest": run_digest}
