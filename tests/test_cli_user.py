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
