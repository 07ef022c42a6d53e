"""Creating and editing a release: the one write path for the form, the API, a CSV import's
``--create-missing`` and the demo.

Fields are named as the API and the CSV export name them (``RELEASE_INPUT_FIELDS``:
``release_key``, ``title``, ``artist_name``, ``approved_at``, ``distribution_status``,
``track_url``, ``video_url``, the platform identifiers, ``isrc`` and ``upc``); errors come back
under those names.  An ISRC or UPC another release holds is a conflict naming that release.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine

from perfdash import store
from perfdash.ingest.rules import RELEASE_INPUT_FIELDS, check_release

__all__ = ["RELEASE_INPUT_FIELDS", "SavedRelease", "save_release"]

NOT_SAVED = "Nothing was saved: fix the fields marked below."


@dataclass(frozen=True)
class SavedRelease:
    """What ``save_release`` did; unpacks as ``(id, errors, message)``.

    ``id`` is None when nothing was written; ``conflict`` says the key belongs to another
    release (an HTTP API answers 409 for it, a form shows it next to the key).
    """

    id: int | None
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    conflict: bool = False

    def __iter__(self) -> Iterator[Any]:
        return iter((self.id, self.errors, self.message))


def save_release(
    bind: Engine | Connection,
    pk: int | None,
    fields: Mapping[str, Any],
    *,
    tz: str = "UTC",
) -> SavedRelease:
    """Create (``pk`` None) or update release ``pk`` from ``fields``, every field checked first.

    Bad fields, a key that is taken and a release deleted meanwhile come back as errors and
    write nothing; a database that fails raises ``store.PerformanceDbError`` as every store
    call does.  On ``bind`` a Connection, the write joins the caller's transaction.
    """
    checked = check_release(dict(fields), tz=tz, creating=pk is None)
    if not checked.ok:
        return SavedRelease(None, checked.errors, NOT_SAVED)
    values = dict(checked.values)
    key = values.pop("release_key")
    try:
        if pk is None:
            pk = store.create_release(bind, key, **values)
            verb = "Created"
        else:
            store.update_release(bind, pk, release_id=key, **values)
            verb = "Updated"
    except store.DuplicateCodeError as exc:  # the ISRC or UPC names another release
        return SavedRelease(None, {exc.field: str(exc)}, "Nothing was saved.", conflict=True)
    except store.DuplicateReleaseError:
        taken = {"release_key": f"A release with key {key!r} already exists"}
        return SavedRelease(None, taken, "Nothing was saved.", conflict=True)
    except store.UnknownReleaseError as exc:  # deleted while the form was open
        return SavedRelease(None, {}, f"Nothing was saved: {exc}")
    return SavedRelease(pk, {}, f"{verb} release {key!r}.")
