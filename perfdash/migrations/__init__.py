"""Alembic migrations, run programmatically so no alembic.ini has to be found on disk.

Three starting points all end at the current schema with every row kept:
- an empty database: revision 0001 creates the original tables;
- a database created by the original platform's SQL (no ``alembic_version`` table): 0001 sees
  the tables, creates only what is missing, and 0002 adds perfdash's columns, marking the rows
  it found as ``source = 'legacy'`` so that duplicates they may hold stay untouched;
- a database at an older perfdash revision: Alembic applies the revisions it lacks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

HERE = Path(__file__).parent


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(
    engine: Engine, revision: str = "head", *, progress: Callable[[str], None] | None = None
) -> None:
    """Apply the missing revisions; ``progress`` hears one line per revision applied (the
    release phase of a deploy shows it, so a long one is seen to be working)."""
    cfg = alembic_config(engine)
    if progress is not None:
        started = [time.monotonic()]

        def on_version_apply(*, step, **_kw) -> None:
            took = time.monotonic() - started[0]
            started[0] = time.monotonic()
            doc = " ".join((getattr(step.up_revision, "doc", "") or "").split())
            doc = doc if len(doc) <= 72 else doc[:71] + "…"
            progress(f"  applied {step.up_revision_id}: {doc} ({took:.1f} s)")

        cfg.attributes["on_version_apply"] = on_version_apply
    command.upgrade(cfg, revision)


def pending_revisions(engine: Engine) -> list[str]:
    """The revisions ``upgrade`` would apply, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    current = current_revision(engine)
    walked = script.walk_revisions(current or "base", "heads")
    return [rev.revision for rev in reversed(list(walked)) if rev.revision != current]


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config(None))  # type: ignore[arg-type]
    return script.get_current_head()
