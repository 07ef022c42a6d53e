"""`perfdash metric-kind` end to end on the demo catalog: list, set, refuse, clear."""

from __future__ import annotations

from click.testing import CliRunner

from perfdash import store
from perfdash.cli import main


def run(args, url):
    return CliRunner().invoke(main, args, env={"DATABASE_URL": url})


def test_list_set_and_clear_a_kind(demo_db):
    listed = run(["metric-kind", "list"], demo_db)
    assert listed.exit_code == 0, listed.output
    lines = set(listed.output.splitlines())
    assert "views\tcounter\tknown" in lines
    assert "listeners\taudience\tknown" in lines
    set_ = run(["metric-kind", "set", "chart_spot", "score", "--lower-is-better"], demo_db)
    assert set_.exit_code == 0, set_.output
    assert set_.output.strip() == "chart_spot: score, lower is better"
    assert "chart_spot\tscore\tset\tlower is better" in run(["metric-kind", "list"], demo_db).output
    engine = store.make_engine(demo_db)
    assert store.metric_kind_overrides(engine) == {"chart_spot": ("score", True)}
    cleared = run(["metric-kind", "clear", "chart_spot"], demo_db)
    assert cleared.output.strip() == "chart_spot: counter (perfdash's default)"
    assert run(["metric-kind", "clear", "chart_spot"], demo_db).exit_code != 0
    engine.dispose()


def test_bad_kinds_are_refused_in_one_line(demo_db):
    bad = run(["metric-kind", "set", "spins", "gauge"], demo_db)
    assert bad.exit_code == 2 and "'gauge' is not one of" in bad.output
    lower = run(["metric-kind", "set", "spins", "counter", "--lower-is-better"], demo_db)
    assert lower.exit_code == 2 and "--lower-is-better is for a score only" in lower.output
    long = run(["metric-kind", "set", "x" * 60, "counter"], demo_db)
    assert long.exit_code == 1 and "metric type is longer than 50 characters" in long.output
    assert "Traceback" not in long.output
    engine = store.make_engine(demo_db)
    assert store.metric_kind_overrides(engine) == {}
    engine.dispose()
