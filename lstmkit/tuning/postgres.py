"""A throw-away PostgreSQL server on this machine, for tests, notebooks and trying things.

:class:`LocalPostgres` runs Debian's (or any) PostgreSQL binaries in a temporary folder on
``127.0.0.1`` and a free port, with no password (``trust`` for local connections only),
and deletes everything when stopped. It is not how to run a shared server for real: for
that, use a managed database or a PostgreSQL your machines reach, and pass its URL.

    with LocalPostgres(install=True) as server:
        study = lstmkit.tuning.create_study("s", storage=server.url)
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from typing import Any

from lstmkit._validation import check_bool, check_int, received

__all__ = ["LocalPostgres", "find_postgres"]


def find_postgres() -> str | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None if PostgreSQL is not installed.

    Example:
        >>> folder = find_postgres()
        >>> folder is None or os.path.exists(os.path.join(folder, "pg_ctl"))
        True
    """
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return os.path.dirname(os.path.realpath(found))
    versions = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")  # Debian keeps them off PATH
    versions.sort(key=lambda path: int(path.split("/")[-3]) if path.split("/")[-3].isdigit()
                  else 0)
    return os.path.dirname(versions[-1]) if versions else None


def _install() -> None:
    """``apt-get install postgresql`` (root only), updating the package lists if needed."""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise RuntimeError(
            "PostgreSQL is not installed and cannot be installed here (this needs apt-get "
            "and root). Install it (Debian/Ubuntu: apt-get install postgresql) or pass the "
            "URL of a server you have."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"]
    if subprocess.run(command, env=env, capture_output=True).returncode != 0:  # noqa: S603
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)  # noqa: S607
        subprocess.run(command, env=env, capture_output=True, check=True)  # noqa: S603


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalPostgres:
    """A PostgreSQL server in a temporary folder; a context manager.

    Use it where a test or a notebook needs a real database server and nobody set one up.
    Root cannot run PostgreSQL, so as root the server runs as the ``postgres`` user that
    Debian's package creates.

    Args:
        install: install Debian's ``postgresql`` package with apt-get if it is missing
            (root only). If False and it is missing, :meth:`start` raises RuntimeError.
        max_connections: the server's connection limit (each worker uses a few).
        database: the database to create; the URL points at it.

    Attributes:
        url: ``postgresql://optuna@127.0.0.1:<port>/<database>`` once started.

    Example:
        >>> server = LocalPostgres(install=False)
        >>> server.url is None
        True
    """

    def __init__(self, *, install: bool = False, max_connections: int = 60,
                 database: str = "optuna") -> None:
        if not isinstance(database, str) or not database.isidentifier():
            raise ValueError(f"`database` must be a plain name. {received(database=database)}")
        self.install = check_bool(install, "install")
        self.max_connections = check_int(max_connections, "max_connections", minimum=10,
                                         maximum=10_000)
        self.database = database
        self.url: str | None = None
        self.folder: str | None = None
        self._bin: str | None = None

    def _run(self, program: str, *args: str) -> None:
        user = "postgres" if os.geteuid() == 0 else None
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            [os.path.join(self._bin or "", program), *args],
            capture_output=True, text=True, user=user, cwd=self.folder,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stderr.strip()[-1500:]}")

    def start(self) -> str:
        """Create the cluster, start the server, create the database; returns the URL."""
        if self.url is not None:
            return self.url
        self._bin = find_postgres()
        if self._bin is None and self.install:
            _install()
            self._bin = find_postgres()
        if self._bin is None:
            raise RuntimeError(
                "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in "
                "/usr/lib/postgresql). Install it (apt-get install postgresql), use "
                "LocalPostgres(install=True) as root, or pass the URL of a server you have."
            )
        self.folder = tempfile.mkdtemp(prefix="lstmkit-postgres-")
        data = os.path.join(self.folder, "data")
        if os.geteuid() == 0:
            shutil.chown(self.folder, user="postgres")
        port = _free_port()
        self._run("initdb", "-D", data, "-U", "optuna", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        options = (f"-p {port} -h 127.0.0.1 -k {self.folder} -F "
                   f"-c max_connections={self.max_connections}")
        self._run("pg_ctl", "-D", data, "-o", options, "-l",
                  os.path.join(self.folder, "server.log"), "-w", "-t", "60", "start")
        atexit.register(self.stop)  # never leave a server behind
        self._run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "optuna",
                  self.database)
        self.url = f"postgresql://optuna@127.0.0.1:{port}/{self.database}"
        return self.url

    def stop(self) -> None:
        """Stop the server and delete its folder (safe to call twice)."""
        if self.folder is None:
            return
        data = os.path.join(self.folder, "data")
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            try:
                self._run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
            except RuntimeError:
                pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = self.url = None

    def __enter__(self) -> LocalPostgres:
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
