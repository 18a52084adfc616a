"""A real, throwaway PostgreSQL server for the tests: initdb into a temp dir, start it on a
free port with only a unix socket, one fresh database per test (copied from a migrated
template), stopped and deleted at the end of the session.

Needs the server binaries (Debian's ``postgresql`` package). Without them the PostgreSQL
half of the suite is skipped, unless ``VIGIL_REQUIRE_POSTGRES=1`` (set by ``.ci/run``)
makes that a failure. PostgreSQL refuses to run as root; as root the server runs as the
``postgres`` user the package creates.
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REQUIRE_ENV = "VIGIL_REQUIRE_POSTGRES"
TEMPLATE = "vigil_template"


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL binaries, or the server would not start."""


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl are: $VIGIL_PG_BIN, Debian's versioned dirs, or PATH."""
    explicit = os.environ.get("VIGIL_PG_BIN")
    candidates = [explicit] if explicit else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    root: Path
    port: int
    user: str = "vigil"
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def fresh_database(self) -> str:
        """A new, migrated, empty database's URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        # A file copy of the tiny template is quicker than WAL-logging it (PostgreSQL 15+).
        strategy = " STRATEGY FILE_COPY" if self.version >= 15 else ""
        _admin(self, f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}{strategy}')
        return self.url(name)

    def empty_database(self) -> str:
        """A new database with no tables at all (nothing migrated yet)."""
        name = f"empty_{os.getpid()}_{next(self._names)}"
        _admin(self, f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`fresh_database` (hundreds would fill the disk)."""
        name = url.split("/")[3].split("?")[0]
        _admin(self, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @property
    def version(self) -> int:
        return int((self.root / "data" / "PG_VERSION").read_text().split(".")[0])

    def stop(self) -> None:
        _run(self, [str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                    "immediate", "-w", "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(server: PgServer, command: list[str], check: bool = True) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True,
                          timeout=120, check=False)
    if check and done.returncode != 0:
        raise PostgresUnavailableError(f"{command[0]} failed: {done.stderr.strip()}")


def _admin(server: PgServer, sql: str) -> None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(server.url())
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _in_own_loop(go())


def _in_own_loop(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` to completion from sync code, even inside a running test's loop."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work).result()


def start(*, durable: bool = False) -> PgServer:
    """Start a server with a migrated template database, or raise PostgresUnavailableError.

    Tests run it without fsync (their data is thrown away); ``durable`` keeps PostgreSQL's
    defaults, as a measurement beside SQLite's synced commits must."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailableError(
            "no PostgreSQL server binaries (initdb) found: install the postgresql package "
            "or set VIGIL_PG_BIN")
    root = Path(tempfile.mkdtemp(prefix="vigil-pg-"))
    (root / "socket").mkdir()
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise PostgresUnavailableError("running as root and no postgres user") from exc
        for path in (root, root / "socket"):
            os.chown(path, account.pw_uid, account.pw_gid)
    server = PgServer(bindir, root, _free_port())
    data = str(root / "data")
    try:
        _run(server, [str(bindir / "initdb"), "-D", data, "-U", server.user, "-A", "trust",
                      "-E", "UTF8", "--locale=C", "--no-sync"])
        options = f"-k {server.socket_dir} -p {server.port} -c listen_addresses='' "
        options += "-c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        _run(server, [str(bindir / "pg_ctl"), "-D", data, "-o", options, "-l",
                      str(root / "server.log"), "-w", "start"])
        _admin(server, f"CREATE DATABASE {TEMPLATE}")
        _migrate(server.url(TEMPLATE))
    except BaseException:
        server.stop()
        raise
    return server


def _migrate(url: str) -> None:
    from bot.storage import open_database

    async def go() -> None:
        database = await open_database(url)
        await database.close()

    _in_own_loop(go())
