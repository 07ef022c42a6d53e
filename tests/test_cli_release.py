"""``perfdash release archive|restore|delete KEY`` on both backends."""

from __future__ import annotations

from click.testing import CliRunner

from perfdash import store
from perfdash.cli import main
from perfdash.migrations import upgrade


def test_archive_restore_and_delete_with_its_question(db_url):
    engine = store.make_engine(db_url)
    upgrade(engine)
    rid = store.create_release(engine, "rel-1", title="Neon Tides")
    for i in range(3):
        store.add_performance_metric(rid, "YouTube", "views", 10 * i, engine=engine)
    runner = CliRunner()

    def run(*args, **kw):
        return runner.invoke(main, [*args, "--database-url", db_url], **kw)

    out = run("release", "archive", "rel-1")
    assert out.exit_code == 0, out.output
    assert "Archived rel-1" in out.output
    assert store.get_release(engine, rid)["archived_at"] is not None
    assert store.search_releases(engine, "neon") == []
    out = run("release", "restore", "rel-1")
    assert out.exit_code == 0 and "Restored rel-1" in out.output
    assert store.get_release(engine, rid)["archived_at"] is None

    # delete asks, naming the readings; "no" deletes nothing
    out = run("release", "delete", "rel-1", input="n\n")
    assert "Delete rel-1 and its 3 reading(s)?" in out.output
    assert out.exit_code == 1 and "Nothing was deleted" in out.output
    assert store.count_metrics(engine, rid) == 3
    out = run("release", "delete", "rel-1", input="y\n")
    assert out.exit_code == 0 and "Deleted rel-1 and its 3 reading(s)." in out.output
    assert store.get_release(engine, rid) is None and store.count_metrics(engine) == 0

    out = run("release", "archive", "nope")
    assert out.exit_code == 1 and "No release with key 'nope'" in out.output
    assert "Traceback" not in out.output
    engine.dispose()


def test_an_argument_that_is_not_utf8_is_named_and_nothing_runs(db_url, tmp_path):
    """The shell passes raw bytes; the command names the argument, changes nothing, no
    traceback and no log line about codecs."""
    import os
    import subprocess
    import sys

    engine = store.make_engine(db_url)
    upgrade(engine)
    rid = store.create_release(engine, "ab-c", title="Neon Tides")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfdash",
            "release",
            "archive",
            b"ab\xffc",
            "--database-url",
            db_url,
        ],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Argument 3 (ab\\xffc) holds bytes that are not UTF-8; nothing was done" in err
    assert "Traceback" not in err and "codec" not in err
    assert store.get_release(engine, rid)["archived_at"] is None
    engine.dispose()
