"""Saved views in the store and through ``ingest.views`` on SQLite and PostgreSQL: per owner
(another owner's id finds nothing), one default at most, a taken name replaced only when asked,
bad names and views refused with nothing written."""

from __future__ import annotations

import pytest
from bad_inputs import VIEW_NAME_CASES, VIEW_NAME_KEPT

from perfdash import store
from perfdash.ingest import views
from perfdash.ingest.views import ANONYMOUS, MAX_VIEWS, clean_view_query, save_view

VERA, OTTO = views.user_owner("vera"), views.user_owner("otto")


def _names(engine, owner):
    return [(v["name"], v["view"], v["is_default"]) for v in store.list_saved_views(engine, owner)]


def test_views_are_kept_per_owner_by_name(engine):
    a = save_view(engine, VERA, "Summer launch", "?release=3&period=28d")
    b = save_view(engine, VERA, " lofi ", "/dashboard?release=4&release=5&tag=lofi")
    save_view(engine, OTTO, "Summer launch", "?release=9")
    save_view(engine, ANONYMOUS, "Everyone's", "?period=7d")
    assert a.ok and b.ok and b.name == "lofi"
    assert _names(engine, VERA) == [
        ("lofi", "?release=4&release=5&tag=lofi", False),
        ("Summer launch", "?release=3&period=28d", False),
    ]
    assert _names(engine, OTTO) == [("Summer launch", "?release=9", False)]
    assert _names(engine, ANONYMOUS) == [("Everyone's", "?period=7d", False)]
    # another owner's id finds, deletes and defaults nothing
    assert store.get_saved_view(engine, OTTO, a.id) is None
    assert views.delete_view(engine, OTTO, a.id) is False
    assert views.make_default(engine, OTTO, a.id) is False
    assert len(store.list_saved_views(engine, VERA)) == 2
    assert views.delete_view(engine, VERA, a.id) is True
    assert views.delete_view(engine, VERA, a.id) is False
    assert [v["name"] for v in store.list_saved_views(engine, VERA)] == ["lofi"]


def test_one_default_per_owner(engine):
    a = save_view(engine, VERA, "A", "?release=1")
    b = save_view(engine, VERA, "B", "?release=2")
    theirs = save_view(engine, OTTO, "O", "?release=3", default=True)
    assert store.default_saved_view(engine, VERA) is None
    assert views.make_default(engine, VERA, a.id)
    assert store.default_saved_view(engine, VERA)["id"] == a.id
    assert views.make_default(engine, VERA, b.id)
    assert [v["is_default"] for v in store.list_saved_views(engine, VERA)] == [False, True]
    assert store.default_saved_view(engine, OTTO)["id"] == theirs.id  # untouched
    # saving with default moves it; replacing keeps the id and the default
    c = save_view(engine, VERA, "C", "?release=4", default=True)
    assert store.default_saved_view(engine, VERA)["id"] == c.id
    again = save_view(engine, VERA, "C", "?release=5", replace=True)
    assert again.id == c.id and again.replaced
    assert store.default_saved_view(engine, VERA)["view"] == "?release=5"
    assert views.make_default(engine, VERA, None)
    assert store.default_saved_view(engine, VERA) is None
    assert store.default_saved_view(engine, OTTO)["id"] == theirs.id
    for bad in (True, "1", 1.0, -1, 2**31, [a.id]):
        assert views.make_default(engine, VERA, bad) is False
        assert views.delete_view(engine, VERA, bad) is False


def test_a_taken_name_is_replaced_only_when_asked(engine):
    first = save_view(engine, VERA, "Launch", "?release=1")
    taken = save_view(engine, VERA, "Launch", "?release=2")
    assert not taken.ok and taken.exists and taken.field == "name"
    assert "already have a view named 'Launch'" in taken.error
    assert store.get_saved_view(engine, VERA, first.id)["view"] == "?release=1"
    replaced = save_view(engine, VERA, "Launch", "?release=2", replace=True)
    assert replaced.ok and replaced.id == first.id
    assert _names(engine, VERA) == [("Launch", "?release=2", False)]
    # names are kept as typed: another case is another view
    assert save_view(engine, VERA, "launch", "?release=3").ok
    assert len(store.list_saved_views(engine, VERA)) == 2


@pytest.mark.parametrize(
    ("case", "raw", "words"), VIEW_NAME_CASES, ids=[c[0] for c in VIEW_NAME_CASES]
)
def test_a_bad_name_is_refused_and_nothing_saved(engine, case, raw, words):
    result = save_view(engine, VERA, raw, "?release=1")
    assert not result.ok and result.field == "name" and words in result.error
    assert store.list_saved_views(engine, VERA) == []


def test_names_are_stored_as_typed(engine):
    for raw in VIEW_NAME_KEPT:
        result = save_view(engine, VERA, raw, "?release=1")
        assert result.ok, raw
        assert store.get_saved_view(engine, VERA, result.id)["name"] == raw.strip()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "dashboard query"),
        ("?", "dashboard query"),
        ("/artists?artist=x", "dashboard query"),
        ("release=3", "dashboard query"),
        ("?release=3&evil=1", "'evil', which the dashboard does not read"),
        ("?release=3\n", "control characters"),
        ("?metric=%00views", "control characters"),
        ("?metric=" + "v" * 2000, "too long"),
        (["?release=1"], "must be text"),
    ],
)
def test_a_bad_view_is_refused(engine, raw, words):
    result = save_view(engine, VERA, "Bad", raw)
    assert not result.ok and result.field == "view" and words in result.error
    assert store.list_saved_views(engine, VERA) == []


def test_a_view_is_stored_as_its_normalised_query():
    assert clean_view_query("/dashboard?release=3,4&platform=YouTube Music") == (
        "?release=3%2C4&platform=YouTube+Music",
        None,
    )


def test_an_owner_has_at_most_max_views(engine, monkeypatch):
    monkeypatch.setattr(views, "MAX_VIEWS", 3)
    for n in range(3):
        assert save_view(engine, VERA, f"v{n}", "?release=1").ok
    full = save_view(engine, VERA, "one more", "?release=1")
    assert not full.ok and "3 saved views" in full.error
    assert save_view(engine, VERA, "v1", "?release=2", replace=True).ok  # replacing is fine
    assert save_view(engine, OTTO, "theirs", "?release=1").ok
    assert MAX_VIEWS == 100
