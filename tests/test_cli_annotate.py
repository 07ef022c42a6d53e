"""`perfdash annotate` end to end: add, list and delete notes on the demo catalog."""

from __future__ import annotations

from click.testing import CliRunner

from perfdash.cli import main


def run(args, url, env=None):
    result = CliRunner().invoke(main, args, env={"DATABASE_URL": url, **(env or {})})
    return result


def test_annotate_add_list_delete(demo_db):
    added = run(
        ["annotate", "--release", "demo-007", "--date", "2026-05-20", "--text", "TikTok trend"],
        demo_db,
    )
    assert added.exit_code == 0, added.output
    assert "Added annotation #1 (release demo-007)" in added.output
    catalog = run(["annotate", "--date", "2026-05-01", "--text", "Label campaign"], demo_db)
    assert "(catalog)" in catalog.output
    bad = run(["annotate", "--release", "nope", "--date", "01/05", "--text", "x"], demo_db)
    assert bad.exit_code != 0
    assert "release: No release with id or key 'nope'" in bad.output
    assert "date: Time must look like" in bad.output
    listed = run(["annotate", "list"], demo_db)
    assert listed.output.splitlines() == [
        "#2\t2026-05-01 00:00\t(catalog)\tLabel campaign",
        "#1\t2026-05-20 00:00\tdemo-007\tTikTok trend",
    ]
    assert run(["annotate", "delete", "1"], demo_db).exit_code == 0
    assert run(["annotate", "delete", "1"], demo_db).exit_code != 0
    assert len(run(["annotate", "list"], demo_db).output.splitlines()) == 1
