"""A PostgreSQL server of a test's own, to stop and restart without disturbing the shared one.

initdb into a temporary folder, its own port and socket folder, started and stopped with
pg_ctl, all as the `postgres` user when the tests run as root (PostgreSQL refuses root).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    if found:
        return found[0].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OwnPostgres:
    bin: Path
    data: Path
    port: int
    user: str | None  # who runs the server (None: whoever runs the tests)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def _ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), *args)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    @property
    def _options(self) -> str:
        return f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self) -> None:
        self._ctl("-o", self._options, "-w", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")

    async def astart(self) -> None:
        await asyncio.to_thread(self.start)

    async def astop(self) -> None:
        await asyncio.to_thread(self.stop)

    async def arestart(self) -> None:
        await asyncio.to_thread(self._ctl, "-o", self._options, "-m", "fast", "-w", "restart")


@contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    """A running server of this test's own, removed afterwards. Skipped on a laptop without
    the server binaries; a failure in CI, where it must run."""
    binaries = _bin_dir()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are required in CI")
        pytest.skip("no PostgreSQL server binaries")
    user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="chatcrm-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    server = OwnPostgres(binaries, folder / "data", _free_port(), user)
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()  # unless not running (a test that failed while it was stopped)
        shutil.rmtree(folder, ignore_errors=True)
