"""Recording readings: the one way a reading gets in from the form, the API, the collectors
and the demo (a CSV file takes the vectorised twin in ``perfdash.csvio``).

``record_readings`` resolves each record's release (``release_key`` or ``release_id``),
checks every field by ``ingest.rules`` and writes the good ones through the store, resolving
and writing on one connection in one transaction; many readings go the store's bulk path
(COPY on PostgreSQL).  What it does with the awkward cases, the same for every face:

- a record naming a release that does not exist is refused (field ``release_key`` or
  ``release_id``), like any other bad field;
- by default one refused record writes nothing (a batch is all-or-nothing); ``partial=True``
  writes the good records and reports the rest (a collector's one bad value must not lose the
  other readings of its source);
- a reading already stored (same release, platform, metric, time and kind) is counted in
  ``already_present`` and not written again, so a script or a collector can send again
  safely; ``refuse_duplicate=True`` refuses it instead (a person typing one reading is told
  and can edit the stored one);
- a total far below the last one is written: platforms correct their counts, and the charts
  show the drop instead of hiding it.

Database failures raise ``store.PerformanceDbError`` (``DatabaseUnavailableError`` when it
cannot be reached), as every store call does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from perfdash import store
from perfdash.ingest.frames import check_frame
from perfdash.ingest.rules import (
    INPUT_FIELDS,
    MAX_ID,
    check_record,
    is_money,
    no_release_id,
    no_release_key,
    parse_money,
    release_key,
    shape_errors,
)
from perfdash.vocab import MICRO_UNITS

__all__ = [
    "Recorded",
    "Refusal",
    "amount_text",
    "as_entered",
    "below_last_total",
    "record_readings",
    "save_reading",
]

NOT_SAVED = "Nothing was saved: fix the fields marked below."
DUPLICATE = (
    "This release already has this platform and metric at this time; edit that entry instead"
)
GONE = "That release does not exist (any more); choose another"


@dataclass(frozen=True)
class Refusal:
    """One thing wrong with one record: its position in the batch, the field, the message."""

    index: int
    field: str
    message: str

    def as_detail(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "message": self.message}


@dataclass
class Recorded:
    """What ``record_readings`` did.

    ``accepted`` holds the checked values of the records that passed, in order and in the
    shape they came in (a list of mappings, or a DataFrame): what was, or a dry run would be,
    written.  ``row_id`` is the stored row of a one-reading write (``refuse_duplicate`` or
    ``edit``).
    """

    written: int = 0
    already_present: int = 0
    refused: list[Refusal] = field(default_factory=list)
    accepted: list[dict[str, Any]] | pd.DataFrame = field(default_factory=list)
    row_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.refused

    def errors_for(self, index: int) -> dict[str, str]:
        """One record's refusals by field (what a form shows next to its inputs)."""
        return {r.field: r.message for r in self.refused if r.index == index}

    def refused_indexes(self) -> list[int]:
        return sorted({r.index for r in self.refused})


def record_readings(
    bind: Engine | Connection,
    records: Sequence[Any] | pd.DataFrame,
    *,
    source: str,
    tz: str = "UTC",
    now: datetime | None = None,
    partial: bool = False,
    dry_run: bool = False,
    refuse_duplicate: bool = False,
    edit: int | None = None,
) -> Recorded:
    """Check and store ``records`` (mappings of ``rules.INPUT_FIELDS``) from ``source``.

    ``records`` may also be a DataFrame with those columns, typed (ints, aware datetimes): a
    generated or computed batch, checked once per distinct value (``ingest.frames``).  A time
    without a zone is read in ``tz``; no time means ``now``.  ``dry_run`` checks and resolves
    but writes nothing.  ``edit`` corrects the stored reading with that id instead of adding
    one (one record; a clash with another stored reading is refused).
    """
    if (refuse_duplicate or edit is not None) and len(records) != 1:
        raise ValueError("refuse_duplicate and edit take exactly one record")
    now = now or datetime.now(UTC)
    result = Recorded()
    if not len(records):
        return result
    with store.transaction(bind) as conn:
        if isinstance(records, pd.DataFrame):
            result.accepted, bad = check_frame(conn, records, tz=tz, now=now, source=source)
        else:
            result.accepted, bad = _check_list(conn, records, tz=tz, now=now, source=source)
        for index, errors in bad.items():
            result.refused.extend(Refusal(index, f, m) for f, m in errors.items())
        if dry_run or not len(result.accepted) or (result.refused and not partial):
            return result
        if edit is not None:
            _edit(conn, edit, result)
        elif refuse_duplicate:
            _add_one(conn, result)
        else:
            written = store.insert_metrics(conn, result.accepted)
            result.written, result.already_present = written.written, written.already_present
    return result


def save_reading(
    bind: Engine | Connection,
    record: dict[str, Any],
    *,
    tz: str,
    now: datetime | None = None,
    edit: int | None = None,
    source: str = "manual",
) -> tuple[int | None, dict[str, str], str]:
    """One reading a person entered (or corrected: ``edit``): (row id, errors by field, message).

    The data-entry form's whole write: a refusal or a database failure writes nothing and
    says why, in words for the page.  A person types money as an amount in its currency
    ("12.34"), which is stored as micro-units like every other face's money (``as_entered``).
    """
    record, amount_error = as_entered(record)
    try:
        result = record_readings(
            bind, [record], source=source, tz=tz, now=now, refuse_duplicate=True, edit=edit
        )
    except store.PerformanceDbError as exc:
        return None, {}, f"Nothing was saved: {exc}"
    if amount_error or not result.ok:
        errors = result.errors_for(0)
        if amount_error:
            errors["metric_value"] = amount_error
        return None, errors, NOT_SAVED
    v = result.accepted[0]
    verb = "Updated" if edit is not None else "Saved"
    row = result.row_id
    shown = amount_text(v["metric_value"]) + f" {v['currency']}" if v.get("currency") else None
    where = f" in {v['country']}" if v.get("country") else ""
    return (
        row,
        {},
        f"{verb} {v['platform']} {v['metric_type']} = {shown or format(v['metric_value'], ',')}"
        f"{where} (row {row}).",
    )


def as_entered(record: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A form's record with money's amount ("12.34" of its currency) as micro-units
    (12340000), or the amount's problem (the value then left empty, so nothing is written)."""
    raw = record.get("metric_value")
    if not is_money(record.get("metric_type")) or raw is None or raw == "":
        return record, None
    value, problem = parse_money(raw)
    return {**record, "metric_value": value}, problem


def amount_text(micro_units: int) -> str:
    """Micro-units as the amount a person types back ("12.34", "0.004512", "12"): exact."""
    whole, fraction = divmod(int(micro_units), MICRO_UNITS)
    digits = f"{fraction:06d}".rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)


def below_last_total(
    bind: Engine | Connection,
    record: dict[str, Any],
    *,
    tz: str,
    now: datetime | None = None,
) -> tuple[int, datetime] | None:
    """The last total (and its time) of the record's release, platform and metric before the
    record's time, when the record is a lifetime total below it; else None.

    A total lower than the last one is a drop: the dashboard counts it as a platform's
    correction.  Typed by hand it is far more often a slip (100 for 100,000), so the form asks
    before saving it.  A record that does not pass the rules gives None: saving it says why.
    """
    record, amount_error = as_entered(record)
    if amount_error:
        return None
    checked = record_readings(bind, [record], source="manual", tz=tz, now=now, dry_run=True)
    if not checked.ok or not len(checked.accepted):
        return None
    v = checked.accepted[0]
    if v["value_kind"] != "total":
        return None
    with store.transaction(bind) as conn:
        before = store.totals_before(
            conn,
            [v["release_id"]],
            v["recorded_at"],
            metric_types=[v["metric_type"]],
            platforms=[v["platform"]],
            country=v.get("country") or None,
            currency=v.get("currency") or None,
        )
    if before.empty:
        return None
    last = int(before["baseline"].iloc[0])
    if v["metric_value"] >= last:
        return None
    return last, before["baseline_at"].iloc[0].to_pydatetime()


# --------------------------------------------------------------------------- a list of records


def _check_list(
    conn: Connection, records: Sequence[Any], *, tz: str, now: datetime, source: str
) -> tuple[list[dict[str, Any]], dict[int, dict[str, str]]]:
    """(checked values of the good records, errors by field of each bad one by position)."""
    key_ids, known_ids = _known_releases(conn, records)
    good, bad = [], {}
    for index, raw in enumerate(records):
        values, errors = _check_one(raw, key_ids, known_ids, tz=tz, now=now, source=source)
        if errors:
            bad[index] = errors
        else:
            good.append(values)
    return good, bad


def _known_releases(conn: Connection, records: Sequence[Any]) -> tuple[dict[str, int], set[int]]:
    """The ids of the release keys the records name, and which of the ids they name exist."""
    keys = {
        key
        for r in records
        if isinstance(r, dict) and (key := release_key(r.get("release_key"))[0]) is not None
    }
    ids = {
        r["release_id"]
        for r in records
        if isinstance(r, dict) and _is_id(r.get("release_id")) and 0 < r["release_id"] < MAX_ID
    }
    key_ids = store.release_ids_for_keys(conn, keys) if keys else {}
    known_ids = store.existing_release_ids(conn, ids) if ids else set()
    return key_ids, known_ids


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _release(
    raw: dict[str, Any], key_ids: dict[str, int], known_ids: set[int]
) -> tuple[int | None, dict[str, str]]:
    """The release id a record names, or what is wrong with how it names one.

    A record names its release by ``release_key`` (scripts, files) or by ``release_id`` (a
    picker, a collector); with both, they must agree.
    """
    key, rid = raw.get("release_key"), raw.get("release_id")
    if rid == "":
        rid = None
    if key is not None:
        key, error = release_key(key)
        if error:
            return None, {"release_key": error}
        if key not in key_ids:
            return None, {"release_key": no_release_key(key)}
        if rid is not None and rid != key_ids[key]:
            return None, {"release_id": "Does not match release_key"}
        return key_ids[key], {}
    if rid is None:
        if "release_id" in raw:
            return None, {"release_id": "Choose a release"}
        return None, {"release_key": "Give release_key (or release_id)"}
    if not _is_id(rid):
        return None, {"release_id": "Choose a release from the list (a release's number)"}
    if rid not in known_ids:
        return None, {"release_id": no_release_id(rid)}
    return rid, {}


def _check_one(
    raw: Any,
    key_ids: dict[str, int],
    known_ids: set[int],
    *,
    tz: str,
    now: datetime,
    source: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """(checked values, errors by field) of one record: shape, release, then every field."""
    errors = shape_errors(raw)
    if "record" in errors:
        return {}, errors
    rid, release_errors = _release(raw, key_ids, known_ids)
    errors.update(release_errors)
    resolved = {k: v for k, v in raw.items() if k in INPUT_FIELDS and k not in errors}
    resolved.pop("release_key", None)
    resolved["release_id"] = rid if rid is not None else 0  # refused already; check the rest
    checked = check_record(resolved, tz=tz, now=now, source=source)
    errors.update({k: v for k, v in checked.errors.items() if k not in errors})
    if "release_key" in errors:
        errors.pop("release_id", None)
    return checked.values, errors


# --------------------------------------------------------------------------- one reading


def _add_one(conn: Connection, result: Recorded) -> None:
    v = result.accepted[0]
    try:
        result.row_id = store.add_performance_metric(
            v["release_id"],
            v["platform"],
            v["metric_type"],
            v["metric_value"],
            v["source_url"],
            v["notes"],
            recorded_at=v["recorded_at"],
            value_kind=v["value_kind"],
            source=v["source"],
            country=v.get("country") or "",
            currency=v.get("currency") or "",
            engine=conn,
        )
    except store.DuplicateMetricError:
        result.refused.append(Refusal(0, "recorded_at", DUPLICATE))
    except store.UnknownReleaseError:  # deleted since it was resolved
        result.refused.append(Refusal(0, "release_id", GONE))
    else:
        result.written = 1


def _edit(conn: Connection, metric_id: int, result: Recorded) -> None:
    v = result.accepted[0]
    fields = ("release_id", "platform", "metric_type", "metric_value", "recorded_at")
    try:
        store.update_metric(
            conn,
            metric_id,
            **{k: v[k] for k in fields},
            value_kind=v["value_kind"],
            source_url=v["source_url"],
            notes=v["notes"],
            country=v.get("country") or "",
            currency=v.get("currency") or "",
        )
    except store.DuplicateMetricError:
        result.refused.append(Refusal(0, "recorded_at", DUPLICATE))
    except store.UnknownReleaseError:
        result.refused.append(Refusal(0, "release_id", GONE))
    else:
        result.row_id, result.written = metric_id, 1
