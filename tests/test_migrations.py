"""Three starting points end at the current schema with every row kept, on both backends."""

from __future__ import annotations

import ast
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from perfdash import migrations, store
from perfdash.schema import metadata, rollup_sql

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("pg_database")


def run_script(url: str, script: str) -> None:
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.executescript(script.replace("+00'", "'"))
        conn.commit()
        conn.close()
    else:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(script)
        engine.dispose()


def original_schema(url: str) -> str:
    name = "sqlite" if url.startswith("sqlite") else "postgresql"
    return (FIXTURES / f"original_schema_{name}.sql").read_text()


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
            for t in ("approved_releases", "content_performance")
        }


def rows(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.text(
                    "SELECT id, release_id, platform, metric_type, metric_value, source_url, notes "
                    "FROM content_performance ORDER BY id"
                )
            )
        ]


def schema_diff(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    # expression indexes cannot be reflected/compared by Alembic; they are checked by name below
    diffs = [
        d
        for d in diffs
        if not (
            isinstance(d, tuple)
            and d[0] in ("add_index", "remove_index")
            and d[1].name == "uq_performance_natural"
        )
    ]
    if engine.dialect.name == "sqlite":
        # SQLite reflects declared types by affinity (TIMESTAMP WITH TIME ZONE -> NUMERIC) and
        # an INTEGER PRIMARY KEY as nullable: artefacts of reflection, not differences.
        diffs = [
            d
            for d in diffs
            if not (
                isinstance(d, list) and all(c[0] in ("modify_type", "modify_nullable") for c in d)
            )
            # an inline "UNIQUE" in hand-written DDL is not reflected; checked by behaviour instead
            and not (
                isinstance(d, tuple)
                and d[0] == "add_constraint"
                and list(d[1].columns.keys()) == ["release_id"]
            )
        ]
    return diffs


def index_names(engine: sa.Engine, table: str) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return {r[1] for r in conn.exec_driver_sql(f"PRAGMA index_list('{table}')")}
        return set(
            conn.execute(
                sa.text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": table}
            ).scalars()
        )


ORIGINAL_INDEXES = {
    "idx_performance_release_id",
    "idx_performance_platform",
    "idx_performance_metric_type",
    "idx_performance_recorded_at",
}


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning", "ignore::UserWarning")
def test_empty_database_reaches_head_and_second_upgrade_is_a_no_op(empty_url):
    engine = store.make_engine(empty_url)
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert schema_diff(engine) == []
    names = index_names(engine, "content_performance")
    assert ORIGINAL_INDEXES | {"idx_performance_release_time", "uq_performance_natural"} <= names
    assert "idx_performance_series" not in names  # dropped by revision 0007
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert counts(engine) == {"approved_releases": 0, "content_performance": 0}
    engine.dispose()


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning", "ignore::UserWarning")
def test_original_platform_database_is_adopted_with_every_row(empty_url):
    run_script(empty_url, original_schema(empty_url))
    run_script(empty_url, (FIXTURES / "original_data.sql").read_text())
    engine = store.make_engine(empty_url)
    before_counts, before_rows = counts(engine), rows(engine)
    assert before_counts == {"approved_releases": 3, "content_performance": 7}
    assert migrations.current_revision(engine) is None

    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert counts(engine) == before_counts
    assert rows(engine) == before_rows  # exact duplicates included
    assert schema_diff(engine) == []
    assert ORIGINAL_INDEXES <= index_names(engine, "content_performance")
    with engine.connect() as conn:
        sources = set(
            conn.execute(sa.text("SELECT DISTINCT source FROM content_performance")).scalars()
        )
    assert sources == {"legacy"}

    # the adopted rows read back through the store: untitled release labelled by its key
    untitled = store.get_release_by_key(engine, "3f1c6a0e-0000-4000-8000-000000000002")
    assert untitled["title"] is None
    assert store.release_label(untitled) == "3f1c6a0e-0000-4000-8000-000000000002"
    series = store.release_series(engine, [1], metric_types=["views"], bucket="day")
    assert series[["platform_key", "last_value"]].values.tolist() == [
        ["youtube", 1000],
        ["youtube", 1500],
    ]
    assert series["n_rows"].tolist() == [2, 1]  # the duplicate is kept, not hidden

    # new writes are deduplicated even next to legacy duplicates
    frame = [
        dict(
            release_id=1,
            platform="YouTube",
            metric_type="views",
            metric_value=2000,
            recorded_at="2025-03-04T00:00:00+00:00",
        )
    ]
    assert store.insert_metrics(engine, frame).written == 1
    assert store.insert_metrics(engine, frame).written == 0
    assert store.add_performance_metric(2, "TikTok", "likes", 50, engine=engine) > 7

    with pytest.raises(sa.exc.IntegrityError):  # the original UNIQUE key still holds
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO approved_releases (release_id) VALUES (:k)"),
                {"k": "3f1c6a0e-0000-4000-8000-000000000001"},
            )
    migrations.upgrade(engine)  # again: a no-op
    assert counts(engine) == {"approved_releases": 3, "content_performance": 9}
    assert_rollup_counts_every_reading(engine)
    engine.dispose()


def assert_rollup_counts_every_reading(engine: sa.Engine) -> None:
    """On PostgreSQL revision 0006 counted the rows it found (legacy duplicates included)
    into the daily rollup of zone UTC, and the triggers kept it exact since."""
    if engine.dialect.name != "postgresql":
        assert store.rollup_zones(engine) == []
        return
    assert store.rollup_zones(engine) == ["UTC"]
    assert store.rollup_differences(engine, "UTC") == 0
    with engine.connect() as conn:
        counted = conn.execute(sa.text("SELECT sum(n_rows) FROM performance_daily")).scalar()
        stored = conn.execute(sa.text("SELECT count(*) FROM content_performance")).scalar()
    assert counted == stored > 0


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning", "ignore::UserWarning")
def test_older_perfdash_revision_upgrades_with_every_row(empty_url):
    engine = store.make_engine(empty_url)
    migrations.upgrade(engine, "0001")
    assert migrations.current_revision(engine) == "0001"
    run_script(empty_url, (FIXTURES / "original_data.sql").read_text())
    before_counts, before_rows = counts(engine), rows(engine)
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert counts(engine) == before_counts
    assert rows(engine) == before_rows
    assert schema_diff(engine) == []
    assert_rollup_counts_every_reading(engine)
    engine.dispose()


def test_sql_directory_matches_schema():
    from perfdash.cli import schema_sql

    committed = (Path(__file__).parent.parent / "sql" / "schema.sql").read_text()
    assert committed == schema_sql("postgresql"), (
        "sql/schema.sql is stale: run `perfdash db sql > sql/schema.sql`"
    )


def test_sql_directory_schema_runs_on_postgresql(pg_database):
    """The DDL of record creates the same schema the migrations create."""
    engine = sa.create_engine(pg_database)
    with engine.begin() as conn:
        conn.exec_driver_sql((Path(__file__).parent.parent / "sql" / "schema.sql").read_text())
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [
        d
        for d in diffs
        if not (d[0] in ("add_index", "remove_index") and d[1].name == "uq_performance_natural")
    ] == []
    engine.dispose()


VERSIONS = Path(migrations.__file__).parent / "versions"
ROLLUP_FUNCTIONS = {f"perfdash_rollup_{w}" for w in ("insert", "delete", "update", "truncate")}


def revision_module(revision: str):
    """A revision file as a module, to read the DDL it carries."""
    return (
        ScriptDirectory.from_config(migrations.alembic_config(None)).get_revision(revision).module
    )


def function_bodies(ddls) -> dict[str, str]:
    """Name and body (what pg_proc.prosrc holds) of each CREATE FUNCTION in ``ddls``."""
    bodies = {}
    for ddl in ddls:
        if ddl.startswith("CREATE OR REPLACE FUNCTION "):
            name = ddl.removeprefix("CREATE OR REPLACE FUNCTION ").split("(", 1)[0]
            bodies[name] = ddl.split("$rollup$")[1]
    return bodies


def trigger_ddl(ddls) -> set[str]:
    return {ddl for ddl in ddls if ddl.startswith("CREATE TRIGGER ")}


def installed_functions(engine: sa.Engine) -> dict[str, tuple[str, list[str] | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT proname, prosrc, proconfig FROM pg_proc "
                "WHERE proname LIKE 'perfdash_rollup_%'"
            )
        ).all()
    return {name: (body, config) for name, body, config in rows}


def installed_triggers(engine: sa.Engine) -> set[str]:
    """The triggers on content_performance, as the DDL that created them reads."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = 'content_performance'::regclass AND NOT tgisinternal"
            )
        ).scalars()
        return {
            ddl.replace(" ON public.content_performance ", " ON content_performance ")
            for ddl in rows
        }


def add_readings(engine: sa.Engine, release_key: str, values: list[int]) -> None:
    """Hourly totals of one series, written with plain SQL (any revision's tables take it)."""
    at = datetime(2026, 3, 1, tzinfo=UTC)
    with engine.begin() as conn:
        rid = conn.execute(
            sa.text("INSERT INTO approved_releases (release_id) VALUES (:k) RETURNING id"),
            {"k": release_key},
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO content_performance "
                "(release_id, platform, metric_type, metric_value, recorded_at) "
                "VALUES (:rid, 'YouTube', 'views', :v, :at)"
            ),
            [{"rid": rid, "v": v, "at": at + timedelta(hours=h)} for h, v in enumerate(values)],
        )


def test_no_revision_imports_perfdash():
    """Each revision carries its own DDL: what it installs cannot change after it is written."""
    for path in sorted(VERSIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "perfdash" for n in names), path.name


def test_todays_rollup_ddl_is_the_last_revisions_frozen_copy():
    """A change to schema.rollup_sql without a revision that installs it fails here."""
    assert rollup_sql.ROLLUP_TRIGGERS_PG == (
        *revision_module("0015").FUNCTIONS.values(),
        *revision_module("0006").TRIGGERS,
    )


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning", "ignore::UserWarning")
def test_each_revision_installs_the_rollup_ddl_it_carries(pg_database):
    """Upgraded one revision at a time from empty: at 0006 the functions and triggers 0006
    carries (counting the readings already there), at 0008 and 0013 the functions each
    carries (JIT off), and at head those of schema.rollup_sql; the rollup stays exact
    throughout, the readings written under one revision's functions counted by the next."""
    engine = store.make_engine(pg_database)
    script = ScriptDirectory.from_config(migrations.alembic_config(None))
    steps = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert steps[0] == "0001" and steps[-1] == migrations.head_revision()
    rev_0006, rev_0008 = revision_module("0006"), revision_module("0008")
    rev_0013, rev_0015 = revision_module("0013"), revision_module("0015")
    revs = {"0008": rev_0008, "0013": rev_0013, "0015": rev_0015}

    def exact(step: str) -> bool:
        # today's count reads country and currency, which exist from 0015 on: before, the
        # rollup is held against it at 0015, counted under every earlier revision's functions
        return step < "0015" or store.rollup_differences(engine, "UTC") == 0

    for step in steps:
        migrations.upgrade(engine, step)
        assert migrations.current_revision(engine) == step
        if step == "0005":
            add_readings(engine, "before-0006", [5, 9, 7, 12, 3] * 5)
        if step == "0006":
            assert installed_functions(engine) == {
                name: (body, None)
                for name, body in function_bodies(rev_0006.FUNCTIONS.values()).items()
            }
            assert installed_triggers(engine) == set(rev_0006.TRIGGERS)
            assert exact(step)
            add_readings(engine, "at-0006", [4, 8, 6, 1] * 5)
            assert exact(step)
        if step in revs:
            rev = revs[step]
            assert installed_functions(engine) == {
                name: (body, ["jit=off"])
                for name, body in function_bodies(rev.FUNCTIONS.values()).items()
            }
            assert exact(step)
            add_readings(engine, f"at-{step}", [6, 2, 9, 9, 4] * 5)
            assert exact(step)
    assert function_bodies(rev_0006.FUNCTIONS.values()) != function_bodies(
        rev_0008.FUNCTIONS.values()
    )
    assert function_bodies(rev_0008.FUNCTIONS.values()) != function_bodies(
        rev_0013.FUNCTIONS.values()
    )
    assert function_bodies(rev_0013.FUNCTIONS.values()) != function_bodies(
        rev_0015.FUNCTIONS.values()
    )
    today = rollup_sql.ROLLUP_TRIGGERS_PG
    assert set(installed_functions(engine)) == ROLLUP_FUNCTIONS
    assert {name: body for name, (body, _) in installed_functions(engine).items()} == (
        function_bodies(today)
    )
    assert installed_triggers(engine) == trigger_ddl(today)

    rid = store.create_release(engine, "r")
    at = datetime(2026, 3, 1, tzinfo=UTC)
    store.insert_metrics(
        engine,
        [
            dict(
                release_id=rid,
                platform="YouTube",
                metric_type="views",
                metric_value=v,
                recorded_at=at + timedelta(hours=h),
                value_kind="total",
                source="csv",
            )
            for h, v in enumerate([5, 9, 7, 12, 3] * 20)
        ],
    )
    assert store.rollup_differences(engine, "UTC") == 0
    with engine.connect() as conn:
        # 25 + 20 + 25 + 25 + 25 readings by plain SQL under five revisions, 100 by the store
        assert conn.execute(sa.text("SELECT sum(n_rows) FROM performance_daily")).scalar() == 220
    engine.dispose()
