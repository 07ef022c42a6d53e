"""The perfdash command as a whole: help for every command, a clear error for a bad or
unreachable database.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from perfdash.cli import main


def commands(group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path", list(commands(main)), ids=" ".join)
def test_every_command_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) >= 3


def test_bad_database_url_is_a_clear_error():
    result = CliRunner().invoke(main, ["db", "upgrade", "--database-url", "mysql://x@y/z"])
    assert result.exit_code != 0
    assert "DATABASE_URL" in result.output


def test_unreachable_database_is_a_clear_error():
    result = CliRunner().invoke(
        main, ["db", "upgrade", "--database-url", "postgresql://root@127.0.0.1:1/x"]
    )
    assert result.exit_code != 0
    assert "unavailable" in result.output
    assert "Traceback" not in result.output
