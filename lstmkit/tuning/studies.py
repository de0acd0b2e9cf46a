"""Optuna searches that survive restarts: studies stored in a database.

:func:`create_study` stores a study in a database and loads it again after a restart (or
from another worker); :func:`run_study` runs only the trials still missing. The
walk-forward objective lives in :mod:`lstmkit.tuning.walk_forward` and is re-exported here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from lstmkit._validation import (
    check_float,
    check_int,
    check_option,
    import_optional,
    received,
)
from lstmkit.tuning.liveness import JournalHeartbeat, SurplusTrial, admit
from lstmkit.tuning.storages import make_storage
from lstmkit.tuning.walk_forward import walk_forward_score

__all__ = ["create_study", "run_study", "walk_forward_score"]

_HEARTBEAT_ATTRIBUTE = "lstmkit_heartbeat_seconds"  # a study attribute: what workers use


def create_study(
    study_name: str,
    *,
    storage: Any,
    direction: str = "minimize",
    seed: int | None = None,
    pruner: Any = None,
    heartbeat_seconds: int = 60,
    pool_size: int = 2,
    max_overflow: int = 2,
) -> Any:
    """Create an Optuna study stored in a database, or load it if it exists.

    Use it for any search that may be interrupted or run by several workers: every
    finished trial is stored as soon as it ends, so calling this again with the same
    ``study_name`` and ``storage`` (from a new process, or another machine sharing the
    database) continues the same study. A worker that dies mid-trial stops sending
    heartbeats; after ``2 * heartbeat_seconds`` its trial is marked failed and re-queued
    once (Optuna's ``RetryHeartbeatStaleTrialCallback``) by the next worker that starts.

    Args:
        study_name: the study's name in the database.
        storage: a file path (SQLite) or a database URL (``"sqlite:///search.db"``,
            ``"postgresql://..."`` for many machines), or ``"journal:<file>"`` (several
            workers sharing a file system; see :func:`lstmkit.tuning.make_storage`). A
            file's folder must exist (it is not created, so a typo in the path is an
            error, not a new folder). None keeps the study in memory: nothing survives
            the process, so use it only for a quick try.
        direction: ``"minimize"`` or ``"maximize"``.
        seed: seed of the TPE sampler (repeatable suggestions in one process).
        pruner: an ``optuna.pruners.BasePruner`` object such as
            ``optuna.pruners.MedianPruner()``, or None for the default
            ``MedianPruner(n_startup_trials=2, n_warmup_steps=1)``. Strings are refused.
        heartbeat_seconds: how often a running trial reports that it is alive, >= 1.
        pool_size: connections each worker keeps open to a database server, >= 1.
        max_overflow: extra connections a worker may open at a peak, >= 0.

    Returns:
        An ``optuna.Study``.

    Example:
        >>> import os, tempfile
        >>> from lstmkit import tuning
        >>> path = os.path.join(tempfile.mkdtemp(), "search.db")
        >>> study = tuning.create_study("demo", storage=path, seed=0)
        >>> _ = tuning.run_study(study, lambda trial: trial.suggest_float("x", -1, 1) ** 2,
        ...                      num_trials=3)
        >>> again = tuning.create_study("demo", storage=path)  # e.g. after a restart
        >>> len(again.trials)
        3
    """
    optuna = import_optional("optuna", purpose="`create_study`")
    if not isinstance(study_name, str) or not study_name:
        raise ValueError(
            f"`study_name` must be a non-empty string. {received(study_name=study_name)}"
        )
    direction = check_option(direction, "direction", ("minimize", "maximize"))
    heartbeat_seconds = check_int(heartbeat_seconds, "heartbeat_seconds", minimum=1)
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    if pruner is not None and not isinstance(pruner, optuna.pruners.BasePruner):
        raise TypeError(
            f"`pruner` must be an optuna pruner object or None. {received(pruner=pruner)} "
            f"Pass for example optuna.pruners.MedianPruner(), or None for the default."
        )
    if pruner is None:
        pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1)
    settings = {
        "study_name": study_name,
        "direction": direction,
        "sampler": optuna.samplers.TPESampler(seed=seed),
        "pruner": pruner,
    }
    if storage is None:  # in memory: a quick try that nothing resumes
        return optuna.create_study(**settings)
    storage = make_storage(
        storage, heartbeat_seconds=heartbeat_seconds, pool_size=pool_size,
        max_overflow=max_overflow,
    )
    study = optuna.create_study(storage=storage, load_if_exists=True, **settings)
    if isinstance(storage, optuna.storages.JournalStorage):  # a database keeps its own
        study.set_user_attr(_HEARTBEAT_ATTRIBUTE, heartbeat_seconds)
    return study


def _heartbeat_seconds(study: Any) -> float:
    """The heartbeat interval of a study's workers (60 s where none is recorded)."""
    interval = getattr(study._storage, "get_heartbeat_interval", lambda: None)()
    if interval is None:
        interval = study.user_attrs.get(_HEARTBEAT_ATTRIBUTE, 60)
    return float(interval)


def run_study(
    study: Any,
    objective: Callable[[Any], Any],
    *,
    num_trials: int,
    timeout: float | None = None,
) -> Any:
    """Run ``objective`` until the study holds ``num_trials`` finished trials in total.

    Unlike ``study.optimize(n_trials=...)``, which runs that many *more* trials every time
    it is called, this counts the trials already finished (completed or pruned) in the
    database, by this process, an earlier one that was killed, or other workers. A
    restarted search therefore runs only what is missing and never repeats finished
    trials; several workers calling it on one shared study stop together, with exactly
    ``num_trials`` finished trials: a trial started when enough others are already
    running waits for them, and ends failed with user attribute ``"lstmkit_surplus"`` if
    it is not needed (:mod:`lstmkit.tuning.liveness`). Trials of workers that died are
    failed and retried once (on a journal file too, where Optuna has no heartbeat).

    An exception in ``objective`` stops the search, as in ``study.optimize``. A trial
    whose objective returns NaN or None is marked failed by Optuna and the search goes
    on; if *every* trial this call ran failed that way, it raises instead of returning
    a study with nothing finished.

    Args:
        study: from :func:`create_study`.
        objective: ``trial -> float``, as for ``study.optimize``.
        num_trials: the total number of finished trials wanted, >= 1.
        timeout: stop after this many seconds in this call, or None.

    Returns:
        The study.

    Raises:
        RuntimeError: every trial run by this call failed; the message shows the first
            failure.
    """
    optuna = import_optional("optuna", purpose="`run_study`")
    num_trials = check_int(num_trials, "num_trials", minimum=1)
    if timeout is not None:
        timeout = check_float(timeout, "timeout", minimum=0, include_minimum=False)
    finished = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    missing = num_trials - len(study.get_trials(deepcopy=False, states=finished))
    if missing <= 0:
        return study
    outcomes: list[str | None] = []  # None for a finished trial, else why it failed
    journal = isinstance(study._storage, optuna.storages.JournalStorage)
    heartbeat = _heartbeat_seconds(study)

    def recorded(trial: Any) -> Any:
        try:  # the heartbeat covers the wait in `admit` too, or others find it stale
            with JournalHeartbeat(trial, heartbeat, enabled=journal):
                admit(trial, num_trials, heartbeat)  # raises SurplusTrial if not needed
                value = objective(trial)
        except optuna.TrialPruned:
            outcomes.append(None)
            raise
        if value is None or (
            isinstance(value, numbers.Real) and not math.isfinite(float(value))
        ):
            outcomes.append(f"trial {trial.number} returned {value!r}")
        else:
            outcomes.append(None)
        return value

    study.optimize(
        recorded,
        n_trials=missing,
        timeout=timeout,
        catch=(SurplusTrial,),
        callbacks=[optuna.study.MaxTrialsCallback(num_trials, states=finished)],
    )
    if outcomes and all(outcome is not None for outcome in outcomes):
        raise RuntimeError(
            f"All {len(outcomes)} trial(s) run by `run_study` failed, so the study gained no "
            f"finished trial. First failure: {outcomes[0]}. The objective must return a "
            f"finite number; a NaN usually means training diverged (lower the learning rate "
            f"or clip gradients)."
        )
    return study
