"""A PgBouncer of the test's own in transaction mode, in front of the shared PostgreSQL.

Debian's ``pgbouncer`` package (``/usr/sbin/pgbouncer``), started on a free port with a
configuration in a temporary folder: any database name is passed through to 127.0.0.1:5432,
trust authentication for ``root``, two server connections per database and user, so clients
share server connections as they do behind a managed pooler.  PgBouncer refuses to run as
root; as root it runs as the ``postgres`` system user (Debian's package creates it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CONFIG = """\
[databases]
* = host=127.0.0.1 port={upstream}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir = {root}
auth_type = trust
auth_file = {root}/userlist.txt
pool_mode = transaction
default_pool_size = 2
max_client_conn = 200
server_reset_query =
logfile = {root}/pgbouncer.log
pidfile = {root}/pgbouncer.pid
"""


def binary() -> str | None:
    return shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )


class PgBouncer:
    """``start()``, ``url(dbname)``, ``stop()``; the folder is removed at ``stop``."""

    def __init__(self, port: int, upstream: int = 5432) -> None:
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="perfdash-pgbouncer-"))
        (self.root / "pgbouncer.ini").write_text(
            CONFIG.format(port=port, upstream=upstream, root=self.root)
        )
        (self.root / "userlist.txt").write_text('"root" ""\n')
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            for path in (self.root, *self.root.iterdir()):
                shutil.chown(path, "postgres", "postgres")
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        command = [binary() or "pgbouncer", str(self.root / "pgbouncer.ini")]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {self.log()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"pgbouncer did not listen on {self.port}: {self.log()[-2000:]}")

    def log(self) -> str:
        path = self.root / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://root@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.root, ignore_errors=True)
