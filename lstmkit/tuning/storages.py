"""Where a study lives: SQLite, a database server, or a journal file.

:func:`make_storage` turns one ``storage`` argument into an Optuna storage with liveness
checks switched on, so a worker that dies mid-trial is noticed and its trial retried:

- ``"search.db"`` or ``"sqlite:///search.db"``: one file, for **one worker** at a time
  (SQLite locks the whole file on every write; several processes on one machine work but
  wait for each other, and a file on a network drive can corrupt).
- ``"postgresql://user@host:5432/db"`` (or ``mysql://...``): a database server, for **many
  workers on many machines**. Each worker keeps a small pool of connections
  (``pool_size + max_overflow``, checked with ``pool_pre_ping`` so a connection the server
  or a firewall closed is replaced instead of failing a heartbeat).
- ``"journal:search.log"``: Optuna's append-only journal file, for **several workers that
  share a file system** and have no server. Optuna 5 has no heartbeat for it, so lstmkit
  records one itself (:mod:`lstmkit.tuning.liveness`).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from lstmkit._validation import check_int, import_optional, received

__all__ = ["JOURNAL_PREFIX", "describe_storage", "make_storage", "postgres_url"]

JOURNAL_PREFIX = "journal:"


def _check_file(path: str, storage: Any) -> str:
    """A file path whose folder exists and that is not a folder itself."""
    if os.path.isdir(path):
        raise ValueError(
            f"`storage` must be a database file, not a folder. "
            f"{received(storage=os.fspath(storage))} Name a file inside it, for example "
            f"{os.path.join(path, 'search.db')!r}."
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(
            f"`storage` must be a database file in an existing folder. "
            f"{received(storage=os.fspath(storage))} The folder {folder} does not exist; "
            f"create it first (os.makedirs(folder, exist_ok=True)) or fix the path."
        )
    return path


def describe_storage(storage: Any) -> tuple[str, str]:
    """Classify a ``storage`` argument: ``(kind, location)``.

    ``kind`` is ``"sqlite"``, ``"server"`` (any other database URL) or ``"journal"``;
    ``location`` is the URL (SQLite, server) or the journal file's path. A file's folder
    must exist.

    Args:
        storage: a file path (SQLite), a database URL, or ``"journal:<path>"``.

    Returns:
        ``(kind, location)``, two strings.

    Example:
        >>> describe_storage("journal:/tmp/search.log")
        ('journal', '/tmp/search.log')
        >>> describe_storage("postgresql://optuna@127.0.0.1:5432/optuna")[0]
        'server'
    """
    if isinstance(storage, str) and storage.startswith(JOURNAL_PREFIX):
        path = storage[len(JOURNAL_PREFIX) :]
        path = path[2:] if path.startswith("///") else path  # journal:///abs/path
        if not path:
            raise ValueError(
                f"`storage` must name a journal file after 'journal:'. "
                f"{received(storage=storage)} Use for example 'journal:search.log'."
            )
        return "journal", _check_file(path, storage)
    if isinstance(storage, str) and "://" in storage:
        if storage.startswith("sqlite:///"):
            database = storage[len("sqlite:///") :]
            if database and database != ":memory:":
                _check_file(database, storage)
            return "sqlite", storage
        return "server", storage
    if isinstance(storage, str) or hasattr(storage, "__fspath__"):
        path = _check_file(os.fspath(storage), storage)
        return "sqlite", f"sqlite:///{path}"
    raise TypeError(
        f"`storage` must be a database URL such as 'sqlite:///study.db' or a file path. "
        f"{received(storage=storage)} Use 'postgresql://...' for a database server or "
        f"'journal:<file>' for a journal file shared by several workers."
    )


def postgres_url(url: str) -> str:
    """Name the psycopg (3) driver in a PostgreSQL URL; other URLs are returned unchanged.

    SQLAlchemy 2.0 reads ``postgresql://`` as psycopg2 and 2.1 as psycopg 3; naming the
    driver makes a URL mean the same everywhere.

    Example:
        >>> postgres_url("postgresql://optuna@127.0.0.1:5432/optuna")
        'postgresql+psycopg://optuna@127.0.0.1:5432/optuna'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_storage(
    storage: Any,
    *,
    heartbeat_seconds: int = 60,
    pool_size: int = 2,
    max_overflow: int = 2,
) -> Any:
    """Build an Optuna storage whose dead workers' trials are failed and retried once.

    Use it through :func:`lstmkit.tuning.create_study`; call it directly to hand the same
    storage to ``optuna.load_study`` or to inspect a study. A running trial reports that it
    is alive every ``heartbeat_seconds``; one silent for ``2 * heartbeat_seconds`` is
    marked failed by the next worker that looks, and its parameters are queued again once
    (Optuna's ``RetryHeartbeatStaleTrialCallback``).

    Args:
        storage: a file path or ``"sqlite:///..."`` (SQLite, one worker), a server URL such
            as ``"postgresql://user:password@host:5432/db"`` (many workers, many machines;
            needs the ``psycopg`` driver, ``pip install "psycopg[binary]"``), or
            ``"journal:<file>"`` (several workers on one shared file system, no server).
        heartbeat_seconds: how often a running trial reports that it is alive, >= 1.
        pool_size: database connections each worker keeps open (server URLs only), >= 1.
            A worker uses one for its trials and one for its heartbeat thread, so
            ``pool_size + max_overflow`` must be >= 2.
        max_overflow: extra connections a worker may open at a peak, >= 0. The server must
            allow ``workers * (pool_size + max_overflow)`` connections in all (PostgreSQL's
            default ``max_connections`` is 100, a few of them reserved).

    Returns:
        An ``optuna.storages.RDBStorage`` (SQLite, server) or ``JournalStorage``.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> type(make_storage(os.path.join(folder, "s.db"), heartbeat_seconds=5)).__name__
        'RDBStorage'
        >>> type(make_storage("journal:" + os.path.join(folder, "s.log"))).__name__
        'JournalStorage'
    """
    optuna = import_optional("optuna", purpose="`make_storage`")
    heartbeat_seconds = check_int(heartbeat_seconds, "heartbeat_seconds", minimum=1)
    pool_size = check_int(pool_size, "pool_size", minimum=1)
    max_overflow = check_int(max_overflow, "max_overflow", minimum=0)
    if pool_size + max_overflow < 2:
        raise ValueError(
            f"`pool_size` + `max_overflow` must be >= 2: a worker holds one connection for "
            f"its trial and one for its heartbeat, and with one it waits forever. "
            f"{received(pool_size=pool_size, max_overflow=max_overflow)}"
        )
    kind, location = describe_storage(storage)
    if kind == "journal":
        journal = optuna.storages.journal
        # A worker killed while appending leaves its lock behind: others break it after
        # 10 s (Optuna's default waits 30 s). Appends take milliseconds.
        lock = journal.JournalFileSymlinkLock(location, grace_period=10)
        return optuna.storages.JournalStorage(journal.JournalFileBackend(location, lock_obj=lock))
    engine_kwargs: dict[str, Any] = {}
    if kind == "server":
        location = postgres_url(location)
        if location.startswith("postgresql+psycopg://"):
            import_optional("psycopg", purpose="A PostgreSQL `storage`")
        engine_kwargs = {
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "pool_pre_ping": True,  # replace connections the server closed
            "pool_recycle": 1800,  # and never keep one longer than 30 minutes
        }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        if hasattr(optuna.storages, "RetryHeartbeatStaleTrialCallback"):
            callback = optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=1)
            retry = {"heartbeat_stale_trial_callback": callback}
        else:  # pragma: no cover - Optuna 4.x
            retry = {"failed_trial_callback": optuna.storages.RetryFailedTrialCallback(max_retry=1)}
        return optuna.storages.RDBStorage(
            location,
            engine_kwargs=engine_kwargs or None,
            heartbeat_interval=heartbeat_seconds,
            grace_period=2 * heartbeat_seconds,
            **retry,
        )
