"""`perfdash token create/list/revoke` end to end through click, on both backends."""

from __future__ import annotations

from click.testing import CliRunner

from perfdash import auth, store
from perfdash.cli import main


def test_token_create_list_revoke(db_url):
    engine = store.make_engine(db_url)
    runner = CliRunner()
    env = {"DATABASE_URL": db_url}
    created = runner.invoke(main, ["token", "create", "--name", "ci", "--role", "editor"], env=env)
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert token.startswith(auth.TOKEN_PREFIX)
    assert auth.role_for_token(engine, token) == "editor"
    assert all(
        row["token_hash"] != token
        for row in [store.api_token_by_hash(engine, auth.hash_token(token))]
    )

    listed = runner.invoke(main, ["token", "list"], env=env)
    assert "ci\teditor\tactive" in listed.output and token not in listed.output

    dup = runner.invoke(main, ["token", "create", "--name", "ci"], env=env)
    assert dup.exit_code == 1 and "already exists" in dup.output
    assert (
        runner.invoke(
            main, ["token", "create", "--name", "x", "--role", "admin"], env=env
        ).exit_code
        == 2
    )

    revoked = runner.invoke(main, ["token", "revoke", "ci"], env=env)
    assert revoked.exit_code == 0 and auth.role_for_token(engine, token) is None
    assert "ci\teditor\trevoked" in runner.invoke(main, ["token", "list"], env=env).output
    missing = runner.invoke(main, ["token", "revoke", "nobody"], env=env)
    assert missing.exit_code == 1 and "No token named 'nobody'" in missing.output
    engine.dispose()


def test_token_limited_to_an_artist(db_url):
    engine = store.make_engine(db_url)
    store.apply_schema(engine)
    store.create_release(engine, "n-1", title="Neon Tides", artist_name="Nova Vale")
    runner = CliRunner()
    env = {"DATABASE_URL": db_url}
    made = runner.invoke(
        main, ["token", "create", "--name", "nova", "--artist", "Nova Vale"], env=env
    )
    assert made.exit_code == 0, made.output
    assert "(viewer, limited to Nova Vale)" in made.stderr
    token = made.stdout.strip().splitlines()[0]
    assert store.api_token_by_hash(engine, auth.hash_token(token))["artists"] == ["Nova Vale"]
    listed = runner.invoke(main, ["token", "list"], env=env).output
    assert "nova\tviewer\tactive\tlast used" in listed
    assert listed.rstrip().endswith("\tartists: Nova Vale")
    refused = runner.invoke(
        main,
        ["token", "create", "--name", "ed", "--role", "editor", "--artist", "Nova Vale"],
        env=env,
    )
    assert refused.exit_code != 0 and "must have the viewer role" in refused.output
    engine.dispose()
