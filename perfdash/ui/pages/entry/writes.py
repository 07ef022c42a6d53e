"""The data-entry forms' writes: validate one submission with ``ingest``'s rules and write it
through the store, answering (id, errors by field, message) for the form to show.

Kept free of Dash so the table-driven test drives exactly what the forms do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from perfdash import ingest, store
from perfdash.schema import DISTRIBUTION_STATUSES, RELEASE_IDENTIFIERS


def save_metric(
    engine,
    record: dict[str, Any],
    *,
    tz: str,
    now: datetime | None = None,
    editing: int | None = None,
) -> tuple[int | None, dict[str, str], str]:
    """Validate and write one form submission: (row id, errors by field, message).

    Kept free of Dash so the table-driven test drives exactly what the form does.
    """
    checked = ingest.check_record(record, tz=tz, now=now)
    if not checked.ok:
        return None, checked.errors, "Nothing was saved: fix the fields marked below."
    v = checked.values
    fields = {k: v[k] for k in ("platform", "metric_type", "metric_value", "source_url", "notes")}
    try:
        if editing is not None:
            store.update_metric(
                engine,
                editing,
                release_id=v["release_id"],
                recorded_at=v["recorded_at"],
                value_kind=v["value_kind"],
                **fields,
            )
            row_id = editing
        else:
            row_id = store.add_performance_metric(
                v["release_id"],
                **fields,
                recorded_at=v["recorded_at"],
                value_kind=v["value_kind"],
                source="manual",
                engine=engine,
            )
    except store.UnknownReleaseError:
        errors = {"release_id": "That release does not exist (any more); choose another"}
        return None, errors, "Nothing was saved: fix the fields marked below."
    except store.DuplicateMetricError:
        errors = {
            "recorded_at": "This release already has this platform and metric at this time; "
            "edit that entry instead"
        }
        return None, errors, "Nothing was saved: fix the fields marked below."
    except store.PerformanceDbError as exc:
        return None, {}, f"Nothing was saved: {exc}"
    verb = "Updated" if editing is not None else "Saved"
    return (
        row_id,
        {},
        f"{verb} {v['platform']} {v['metric_type']} = {v['metric_value']:,} (row {row_id}).",
    )


def save_release(
    engine, pk: int | None, form: dict[str, Any], *, tz: str
) -> tuple[int | None, dict[str, str], str]:
    """Create (``pk`` None) or update a release from the form: (id, errors by field, message)."""
    errors: dict[str, str] = {}
    key = (form.get("key") or "").strip()
    if not key:
        errors["key"] = "Enter a release key (the workflow's id, e.g. a UUID)"
    elif len(key) > 255:
        errors["key"] = "The release key is longer than 255 characters"
    fields: dict[str, Any] = {}
    for name, column, label in (("title", "title", "Title"), ("artist", "artist_name", "Artist")):
        text, error = ingest.clean_text(form.get(name), limit=255, name=label)
        if error:
            errors[name] = error
        fields[column] = text
    status = form.get("status") or "pending"
    if status not in DISTRIBUTION_STATUSES:
        errors["status"] = f"Status must be one of {', '.join(DISTRIBUTION_STATUSES)}"
    fields["distribution_status"] = status
    if form.get("approved"):
        when, error = ingest.parse_timestamp(form["approved"], tz)
        if error:
            errors["approved"] = error.replace("Time", "Approval date")
        fields["approved_at"] = when
    for column, label in RELEASE_IDENTIFIERS.items():
        text, error = ingest.clean_text(form.get(column), limit=255, name=label)
        if error:
            errors[column] = error
        fields[column] = text
    if errors:
        return None, errors, "Nothing was saved: fix the fields marked below."
    try:
        if pk is None:
            pk = store.create_release(engine, key, **fields)
            verb = "Created"
        else:
            store.update_release(engine, pk, release_id=key, **fields)
            verb = "Updated"
    except store.DuplicateReleaseError:
        return None, {"key": f"A release with key {key!r} already exists"}, "Nothing was saved."
    except store.PerformanceDbError as exc:
        return None, {}, f"Nothing was saved: {exc}"
    return pk, {}, f"{verb} release {key!r}."
