"""Pieces every page uses: the release picker and its server-side search, the theme store's id,
the refusal message of a write.

The catalog may hold thousands of releases, so a picker lists the most recently active ones
and asks the store for the rest as the user types.  A release already chosen (by a click, or by
a bookmarked URL for a release far down the list) always stays among the options: a dropdown
shows no label for a value it has no option for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, html, no_update
from sqlalchemy import Connection, Engine

from perfdash import auth, store
from perfdash.countries import COUNTRIES, CURRENCIES
from perfdash.ingest.tags import clean_tag
from perfdash.ui import context

THEME_STORE = "theme-store"  # the Plotly template the navbar's switch chose; charts listen
SEARCH_SIZE = 50  # releases a search lists
PAGE_VIEW = "page-view"  # a page's store of the URL it shows; the router leaves it be
# A page's view query into the shell's URL, a new history entry per change (so Back undoes
# it); the first one replaces the entry the page was opened with.  Outputs: the page's view
# store, url.search, url.href and the page's "synced" marker (its State).
SYNC_URL = """function(search, synced) {
    const skip = window.dash_clientside.no_update;
    if (!search) { return [skip, skip, skip, skip]; }
    const view = window.location.pathname + search;
    if (!synced && window.location.search !== search) {
        window.history.replaceState(window.history.state, '', view);
    }
    return [view, search, window.location.origin + view, 'synced'];
}"""


def page_view(page: str) -> dict[str, str]:
    """The id of the store in which ``page`` keeps the URL (path and query) it shows now.

    A page that puts its view in the URL as it changes (so Back undoes a change) writes that
    URL here too; the router sees the URL is the one already shown and does not rebuild it.
    """
    return {"type": PAGE_VIEW, "page": page}


def release_option(release: Mapping[str, Any], *, with_key: bool = False) -> dict[str, Any]:
    """A release as a dropdown option; ``with_key`` adds the workflow key, for forms that write.

    The browser filters the options the server sent by what the user typed, so the option's
    ``search`` text carries title, artist, key, ISRC and UPC: a release found by its key or
    code is not filtered away for want of it in its label.
    """
    label = store.release_label(dict(release))
    if with_key:
        label = f"{label} ({release['release_id']})"
    if release.get("archived_at"):
        label = f"{label} · archived"
    words = (
        release.get("title"),
        release.get("artist_name"),
        release.get("release_id"),
        release.get("isrc"),
        _isrc_parts(release.get("isrc")),
        release.get("upc"),
    )
    return {
        "label": label,
        "value": release["id"],
        "search": " ".join(str(w) for w in words if w),
    }


def _isrc_parts(isrc: str | None) -> str | None:
    """An ISRC as it is usually written, US-RC1-76-07839, so typing it so finds it too."""
    return f"{isrc[:2]}-{isrc[2:5]}-{isrc[5:7]}-{isrc[7:]}" if isrc and len(isrc) == 12 else None


def release_options(
    bind: Engine | Connection,
    query: str = "",
    *,
    limit: int = SEARCH_SIZE,
    with_key: bool = False,
    archived: bool = False,
    tag: str | None = None,
) -> list[dict[str, Any]]:
    """The releases matching ``query`` (all when empty), most recently active first; archived
    ones only with ``archived`` (the release editor, which restores them); only those carrying
    ``tag`` (normalised) when given."""
    return [
        release_option(r, with_key=with_key)
        for r in store.search_releases(bind, query, limit=limit, archived=archived, tag=tag)
    ]


def picker_options(
    bind: Engine | Connection,
    wanted: Sequence[int],
    *,
    limit: int = SEARCH_SIZE,
    with_key: bool = False,
    archived: bool = False,
    tag: str | None = None,
) -> tuple[list[dict[str, Any]], list[int]]:
    """A picker's first options with the ``wanted`` releases that exist in front of them, and
    those releases' ids (a URL may name a release that was deleted since; one that names an
    archived release shows it); ``tag`` narrows the first options to the tag's releases."""
    options = release_options(bind, limit=limit, with_key=with_key, archived=archived, tag=tag)
    listed = {o["value"] for o in options}
    found = []
    for release_id in wanted:
        release = store.get_release(bind, release_id)
        if release is None:
            continue
        found.append(release_id)
        if release_id not in listed:
            options.insert(0, release_option(release, with_key=with_key))
    return options, found


def chosen_ids(value: Any) -> list[int]:
    """A picker's value (one release, several, or none) as a list of release ids."""
    if value is None:
        return []
    if isinstance(value, int | str):
        value = [value]
    return [int(v) for v in value if str(v).isdigit()]


def register_search(
    app: Dash,
    picker: str,
    *,
    with_key: bool = False,
    archived_from: str | None = None,
    tag_from: str | None = None,
    first: Sequence[dict[str, Any]] = (),
    shared: bool = False,
) -> None:
    """Server-side search for the dropdown ``picker`` (one release or several): ``first`` (a
    fixed choice such as "New release"), the chosen releases, then what the store finds for
    the typed text (title, artist, key, codes); archived releases too when the switch
    ``archived_from`` is on; only the releases carrying the tag the dropdown ``tag_from``
    holds, whose every change lists them afresh.  ``shared``: other callbacks write the
    options too (a save)."""
    extra = [State(archived_from, "value")] if archived_from else []
    tag_input = [Input(tag_from, "value")] if tag_from else []
    fixed = list(first)
    fixed_values = {o["value"] for o in fixed}

    @app.callback(
        Output(picker, "options", allow_duplicate=shared),
        Input(picker, "search_value"),
        *tag_input,
        State(picker, "value"),
        State(picker, "options"),
        *extra,
        prevent_initial_call=True,
    )
    def search(search_value: str | None, *rest: Any):
        tag_raw = rest[0] if tag_from else None
        value, current, *more = rest[1:] if tag_from else rest
        archived = more[0] if more else False
        retagged = bool(tag_from) and ctx.triggered_id == tag_from
        if search_value is None and not retagged:
            return no_update
        tag = clean_tag(tag_raw)[0] if isinstance(tag_raw, str) and tag_raw else None
        chosen = set(chosen_ids(value))
        kept = [o for o in current or [] if o["value"] in chosen]
        found = release_options(
            context.engine(),
            search_value or "",
            with_key=with_key,
            archived=bool(archived),
            tag=tag,
        )
        return fixed + kept + [o for o in found if o["value"] not in chosen | fixed_values]


def denied(exc: auth.PermissionDenied) -> dbc.Alert:
    """What a write callback shows instead of writing when the role does not allow it."""
    return dbc.Alert(f"Nothing was changed: {exc}", color="danger")


def kpi_grid(cards: list) -> html.Div:
    """The cards in even rows: all in one row on a wide screen, two even rows on a middle one
    (seven cards are 4 + 3, never 6 + 1), one row scrolled sideways on a phone so the chart
    comes up near the top (assets/perfdash.css, ``.perfdash-kpi-grid``; the dashboard and
    the overview)."""
    n = max(1, len(cards))
    wide = n if n <= 8 else -(-n // 2)
    return html.Div(
        cards,
        className="perfdash-kpi-grid",
        style={"--kpi-wide": str(wide), "--kpi-middle": str(-(-wide // 2))},
    )


def country_options() -> list[dict[str, str]]:
    """Every ISO 3166-1 country for a picker, by name, with its code (typing either finds it);
    the dashboard's filter and the entry form's country share it."""
    return [
        {"label": f"{name} ({code})", "value": code}
        for code, (_, name) in sorted(COUNTRIES.items(), key=lambda item: item[1][1])
    ]


def currency_options(codes: Sequence[str] | None = None) -> list[dict[str, str]]:
    """ISO 4217 currencies for a picker (``codes``: only those, e.g. the view's), by code."""
    return [
        {"label": code, "value": code} for code in sorted(CURRENCIES if codes is None else codes)
    ]
