"""`perfdash user add/passwd/role/remove/list` end to end through click."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from perfdash import auth, store
from perfdash.cli import main

PASSWORD = "correct horse battery"


@pytest.fixture
def db(sqlite_url):
    eng = store.make_engine(sqlite_url)
    yield eng
    eng.dispose()


def test_cli_user_commands(sqlite_url, db):
    runner = CliRunner()
    env = {"DATABASE_URL": sqlite_url}
    result = runner.invoke(
        main,
        ["user", "add", "frank", "--role", "editor", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert auth.authenticate(db, "frank", PASSWORD)["role"] == "editor"

    # typed twice at a prompt; a mismatch asks again
    result = runner.invoke(
        main,
        ["user", "add", "grace", "--role", "viewer"],
        input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert auth.authenticate(db, "grace", PASSWORD)["role"] == "viewer"

    result = runner.invoke(
        main, ["user", "add", "frank", "--role", "viewer", "--password-stdin"], input="x\n", env=env
    )
    assert result.exit_code == 1 and "already exists" in result.output

    result = runner.invoke(
        main,
        ["user", "add", "henry", "--role", "viewer", "--password-stdin"],
        input="short\n",
        env=env,
    )
    assert result.exit_code == 1 and "too short" in result.output
    assert store.get_user(db, "henry") is None

    result = runner.invoke(
        main, ["user", "passwd", "frank", "--password-stdin"], input="another long one\n", env=env
    )
    assert result.exit_code == 0, result.output
    assert auth.authenticate(db, "frank", PASSWORD) is None
    assert auth.authenticate(db, "frank", "another long one") is not None

    assert runner.invoke(main, ["user", "role", "frank", "admin"], env=env).exit_code == 0
    result = runner.invoke(main, ["user", "list"], env=env)
    assert result.output.splitlines() == [
        "frank\tadmin\t0 active sessions",
        "grace\tviewer\t0 active sessions",
    ]
    assert "scrypt" not in result.output

    assert runner.invoke(main, ["user", "remove", "grace"], env=env).exit_code == 0
    result = runner.invoke(main, ["user", "remove", "grace"], env=env)
    assert result.exit_code == 1 and "no user named" in result.output
    assert [u["username"] for u in store.list_users(db)] == ["frank"]


def test_cli_user_limited_to_artists(sqlite_url, db):
    """``--artist`` limits a viewer to those artists; the list shows it; other roles refused."""
    store.apply_schema(db)
    store.create_release(db, "n-1", title="Neon Tides", artist_name="Nova Vale")
    store.create_release(db, "l-1", title="Glass", artist_name="Lumen Drift")
    runner = CliRunner()
    env = {"DATABASE_URL": sqlite_url}
    add = ["user", "add", "nina", "--role", "viewer", "--password-stdin"]
    both = ["--artist", "Nova Vale", "--artist", "Lumen Drift"]
    result = runner.invoke(main, [*add, *both], input=PASSWORD + "\n", env=env)
    assert result.exit_code == 0, result.output
    assert "limited to Lumen Drift, Nova Vale" in result.output
    assert auth.scope_of_user(db, "nina") == frozenset({"Nova Vale", "Lumen Drift"})
    listed = runner.invoke(main, ["user", "list"], env=env).output
    assert "nina\tviewer\t0 active sessions\tartists: Lumen Drift, Nova Vale" in listed

    refused = runner.invoke(
        main,
        ["user", "add", "ed", "--role", "editor", "--artist", "Nova Vale", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
    )
    assert refused.exit_code != 0
    assert "must have the viewer role (it has editor)" in refused.output
    typo = runner.invoke(
        main,
        ["user", "add", "ty", "--role", "viewer", "--artist", "Nova", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
    )
    assert typo.exit_code != 0 and "No release carries the artist 'Nova'" in typo.output
    assert store.get_user(db, "ed") is None and store.get_user(db, "ty") is None

    promoted = runner.invoke(main, ["user", "role", "nina", "editor"], env=env)
    assert promoted.exit_code != 0 and "stays a viewer" in promoted.output
    assert store.get_user(db, "nina")["role"] == "viewer"


def test_cli_user_artists_changes_an_accounts_scope(sqlite_url, db):
    """``user artists`` replaces a viewer's artists or lifts the limit; the scope a request
    reads changes with it; typos, editors and a missing user are refused, changing nothing."""
    store.apply_schema(db)
    store.create_release(db, "n-1", title="Neon Tides", artist_name="Nova Vale")
    store.create_release(db, "l-1", title="Glass", artist_name="Lumen Drift")
    auth.add_user(db, "nina", PASSWORD, "viewer", ["Nova Vale"])
    auth.add_user(db, "ed", PASSWORD, "editor")
    runner = CliRunner()
    env = {"DATABASE_URL": sqlite_url}

    def run(*args):
        return runner.invoke(main, ["user", "artists", *args], env=env)

    moved = run("nina", "--artist", "Lumen Drift")
    assert moved.exit_code == 0, moved.output
    assert "'nina' now reads only Lumen Drift." in moved.output
    assert auth.scope_of_user(db, "nina") == frozenset({"Lumen Drift"})
    both = run("nina", "--artist", "Lumen Drift", "--artist", "Nova Vale")
    assert both.exit_code == 0 and "only Lumen Drift, Nova Vale" in both.output
    assert (
        "artists: Lumen Drift, Nova Vale" in runner.invoke(main, ["user", "list"], env=env).output
    )

    assert "No release carries the artist 'Nova'" in run("nina", "--artist", "Nova").output
    refused = run("ed", "--artist", "Nova Vale")
    assert refused.exit_code == 1 and "must have the viewer role (it has editor)" in refused.output
    assert auth.scope_of_user(db, "ed") is None
    assert "There is no user named 'zed'" in run("zed", "--artist", "Nova Vale").output
    assert run("nina").exit_code == 2  # neither --artist nor --whole-catalog
    assert auth.scope_of_user(db, "nina") == frozenset({"Lumen Drift", "Nova Vale"})

    lifted = run("nina", "--whole-catalog")
    assert lifted.exit_code == 0 and "'nina' now reads the whole catalog." in lifted.output
    assert auth.scope_of_user(db, "nina") is None
