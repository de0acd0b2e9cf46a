"""Several worker processes on one study: start them, run one, read what they did.

Every worker runs the same objective against one study in a shared storage and stops when
the study holds the requested number of finished trials; a worker may be started late,
killed, or run on another machine. Start them from Python with :func:`start_workers`, or
from a shell on any machine that reaches the storage::

    python -m lstmkit.tuning worker --storage postgresql://optuna@db:5432/optuna \\
        --study lstm --trials 40 --objective my_search:objective

The objective is named ``"module:function"`` (a module importable from the working
folder, or ``<file>.py:function``) because a function cannot be sent to another
process by itself.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

from lstmkit._validation import check_float, check_int, import_optional, received
from lstmkit.tuning.liveness import SURPLUS_KEY, _check_study
from lstmkit.tuning.storages import describe_storage
from lstmkit.tuning.studies import create_study, run_study

__all__ = ["load_objective", "run_worker", "start_workers", "study_report", "wait_for_workers"]


def load_objective(name: str) -> Callable[[Any], Any]:
    """Import an objective named ``"module:function"`` or ``"<file>.py:function"``.

    Example:
        >>> load_objective("math:sqrt")(4.0)
        2.0
    """
    if not isinstance(name, str) or name.count(":") != 1 or name.endswith(":"):
        raise ValueError(
            f"`objective` must be 'module:function' or '<file>.py:function'. "
            f"{received(objective=name)} For example 'my_search:objective'."
        )
    module_name, function = name.split(":")
    if module_name.endswith(".py"):
        spec = importlib.util.spec_from_file_location("lstmkit_objective", module_name)
        if spec is None or spec.loader is None or not os.path.isfile(module_name):
            raise ValueError(f"`objective` names a missing file. {received(objective=name)}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    if not callable(getattr(module, function, None)):
        raise ValueError(
            f"`objective` must name a function of its module. {received(objective=name)} "
            f"{module_name} has no function {function!r}."
        )
    return getattr(module, function)


def run_worker(
    storage: Any,
    study_name: str,
    objective: Callable[[Any], Any] | str,
    *,
    num_trials: int,
    heartbeat_seconds: int = 60,
    direction: str = "minimize",
    seed: int | None = None,
    timeout: float | None = None,
) -> Any:
    """Work on a shared study until it holds ``num_trials`` finished trials.

    Use it in each worker process (the command line's ``worker`` runs it). Unlike one
    :func:`lstmkit.tuning.run_study` call, it goes on past failed trials and trials other
    workers left behind, until the study is complete or ``timeout`` runs out.

    Args:
        storage: as for :func:`lstmkit.tuning.create_study` (a server URL, a
            ``"journal:<file>"`` or, for one worker, a SQLite file).
        study_name: the shared study's name; created by the first worker.
        objective: ``trial -> float``, or its name ``"module:function"``.
        num_trials: finished trials wanted in the whole study, >= 1.
        heartbeat_seconds: how often a running trial reports that it is alive; every
            worker of a study must use the same value.
        direction: ``"minimize"`` or ``"maximize"``.
        seed: seed of this worker's sampler (give each worker its own).
        timeout: stop after this many seconds, or None.

    Returns:
        The ``optuna.Study``.

    Example:
        >>> import os, tempfile
        >>> path = "journal:" + os.path.join(tempfile.mkdtemp(), "search.log")
        >>> study = run_worker(path, "demo", lambda t: t.suggest_float("x", 0, 1), num_trials=3)
        >>> study_report(study)["complete"]
        3
    """
    optuna = import_optional("optuna", purpose="`run_worker`")
    if isinstance(objective, str):
        objective = load_objective(objective)
    if not callable(objective):
        raise TypeError(
            f"`objective` must be a function trial -> float or its name 'module:function'. "
            f"{received(objective=objective)}"
        )
    num_trials = check_int(num_trials, "num_trials", minimum=1)
    if timeout is not None:
        timeout = check_float(timeout, "timeout", minimum=0, include_minimum=False)
    study = create_study(
        study_name, storage=storage, direction=direction, seed=seed,
        heartbeat_seconds=heartbeat_seconds,
    )
    finished = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    deadline = None if timeout is None else time.monotonic() + timeout
    while len(study.get_trials(deepcopy=False, states=finished)) < num_trials:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            break
        run_study(study, objective, num_trials=num_trials, timeout=left)
    return study


def _check_connections(url: str, needed: int) -> None:
    """Refuse to start workers that would need more connections than the server allows."""
    psycopg = import_optional("psycopg", purpose="A PostgreSQL `storage`")
    dsn = "postgresql://" + url.split("://", 1)[1]  # libpq does not know SQLAlchemy's driver
    with psycopg.connect(dsn) as conn:
        free = int(conn.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
        ).fetchone()[0])
    if needed > free:
        raise ValueError(
            f"`num_workers` needs up to {needed} database connections (workers x "
            f"(pool_size + max_overflow)) but the server has {free} free. Start fewer "
            f"workers, or raise the server's max_connections, or put PgBouncer in front."
        )


def start_workers(
    num_workers: int,
    *,
    storage: str,
    study_name: str,
    objective: str,
    num_trials: int,
    heartbeat_seconds: int = 60,
    direction: str = "minimize",
    seed: int | None = None,
    log_dir: str | None = None,
    env: dict[str, str] | None = None,
) -> list[subprocess.Popen]:
    """Start ``num_workers`` worker processes on this machine, all on one study.

    Use it to spread a search over a machine's cores (each worker trains its own model),
    or as the example of what to run on other machines. Each process runs
    ``python -m lstmkit.tuning worker ...`` in the current folder; worker ``i`` gets seed
    ``seed + i``. The study is created before they start, so none races to create it.

    Args:
        num_workers: processes to start, 1 to 256 (about one per core or GPU is useful).
        storage: a server URL or ``"journal:<file>"`` (a SQLite file serialises writers).
        study_name: the study's name.
        objective: ``"module:function"`` or ``"<file>.py:function"``.
        num_trials: finished trials wanted in the whole study, >= 1.
        heartbeat_seconds: heartbeat interval of every worker, >= 1.
        direction: ``"minimize"`` or ``"maximize"``.
        seed: base seed of the workers' samplers, or None.
        log_dir: folder for ``worker-<i>.log`` (output and errors; the next free ``i``);
            a new temporary folder if None. Each process's ``log_path`` attribute names its file.
        env: extra environment variables for the workers.

    Returns:
        The ``subprocess.Popen`` handles (``.pid``, ``.kill()``); wait for them with
        :func:`wait_for_workers`.
    """
    # Each worker is a Python process with its own TensorFlow: one machine runs a few.
    num_workers = check_int(num_workers, "num_workers", minimum=1, maximum=256,
                            hint="Start more on other machines with the command line.")
    num_trials = check_int(num_trials, "num_trials", minimum=1)
    heartbeat_seconds = check_int(heartbeat_seconds, "heartbeat_seconds", minimum=1)
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0, maximum=2**32 - 1 - num_workers)
    if not isinstance(storage, str):
        raise TypeError(
            f"`storage` must be a URL string for workers in other processes. "
            f"{received(storage=storage)} Use 'postgresql://...' or 'journal:<file>'."
        )
    kind, location = describe_storage(storage)
    load_objective(objective)  # fail here, not in every worker
    if kind == "server" and location.startswith(("postgresql", "postgres:")):
        _check_connections(location, needed=num_workers * 4)
    create_study(study_name, storage=storage, direction=direction,
                 heartbeat_seconds=heartbeat_seconds)
    log_dir = log_dir if log_dir is not None else tempfile.mkdtemp(prefix="lstmkit-workers-")
    processes = []
    for index in range(num_workers):
        command = [
            sys.executable, "-m", "lstmkit.tuning", "worker", "--storage", storage,
            "--study", study_name, "--trials", str(num_trials), "--objective", objective,
            "--heartbeat", str(heartbeat_seconds), "--direction", direction,
        ]
        if seed is not None:
            command += ["--seed", str(seed + index)]
        number = index
        while os.path.exists(os.path.join(log_dir, f"worker-{number}.log")):
            number += 1  # a folder shared by several calls keeps every log
        log_path = os.path.join(log_dir, f"worker-{number}.log")
        with open(log_path, "w") as log:  # the child keeps its own copy of the file
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
            )
        process.log_path = log_path  # type: ignore[attr-defined]
        processes.append(process)
    return processes


def wait_for_workers(processes: Sequence[subprocess.Popen], timeout: float = 600) -> list[int]:
    """Wait for worker processes; return their exit codes (negative: killed by a signal).

    Raises ``TimeoutError`` naming the workers still running after ``timeout`` seconds.

    Example:
        >>> wait_for_workers([])
        []
    """
    deadline = time.monotonic() + check_float(timeout, "timeout", minimum=0)
    if not isinstance(processes, (list, tuple)) or not all(
        isinstance(process, subprocess.Popen) for process in processes
    ):
        raise TypeError(
            f"`processes` must be a list of subprocess.Popen, as start_workers returns. "
            f"{received(processes=processes)}"
        )
    codes = []
    for process in processes:
        try:
            codes.append(process.wait(timeout=max(0.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired as error:
            raise TimeoutError(
                f"worker {process.pid} still runs after {timeout} s; its log: "
                f"{getattr(process, 'log_path', '?')}"
            ) from error
    return codes


def study_report(study: Any) -> dict[str, Any]:
    """Count what happened to a shared study's trials.

    Returns:
        A dict: ``complete`` and ``pruned`` (counts), ``failed`` (numbers of failed
        trials, surplus ones aside), ``surplus`` (numbers of trials not needed),
        ``retried`` (failed trial number -> number of its retry) and ``duplicates``
        (completed trials whose parameters equal an earlier completed trial's).

    Example:
        >>> import optuna
        >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
        >>> study = optuna.create_study()
        >>> study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=2)
        >>> report = study_report(study)
        >>> report["complete"], report["failed"], report["duplicates"]
        (2, [], 0)
    """
    optuna = import_optional("optuna", purpose="`study_report`")
    _check_study(study)
    state = optuna.trial.TrialState
    trials = study.get_trials(deepcopy=False)
    complete = [t for t in trials if t.state == state.COMPLETE]
    failed = [t for t in trials if t.state == state.FAIL]
    seen: set[tuple] = set()
    duplicates = 0
    for trial in complete:
        key = tuple(sorted(trial.params.items()))
        duplicates += key in seen
        seen.add(key)
    return {
        "complete": len(complete),
        "pruned": sum(t.state == state.PRUNED for t in trials),
        "failed": [t.number for t in failed if not t.user_attrs.get(SURPLUS_KEY)],
        "surplus": [t.number for t in failed if t.user_attrs.get(SURPLUS_KEY)],
        "retried": {
            t.system_attrs["failed_trial"]: t.number
            for t in trials
            if "failed_trial" in t.system_attrs
        },
        "duplicates": duplicates,
    }
