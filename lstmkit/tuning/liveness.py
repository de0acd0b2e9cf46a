"""Dead workers and exact trial counts when several workers share one study.

Two things Optuna does not do on its own, used by :func:`lstmkit.tuning.run_study`:

- **Heartbeats on a journal file.** Optuna 5 records heartbeats only in a database
  (``RDBStorage``). For ``JournalStorage`` a running trial here writes the time into its
  user attribute ``"lstmkit_heartbeat"`` every ``heartbeat_seconds``; :func:`fail_stale_trials`
  marks a trial failed once it has been silent for two intervals, and queues its
  parameters again once, as Optuna's ``RetryHeartbeatStaleTrialCallback`` does for a
  database. Only one worker wins that race: the journal refuses a second state change.
- **Exactly ``num_trials`` finished trials.** Stopping after a trial ends
  (``MaxTrialsCallback``) lets every worker that started a trial at the end finish it, so
  two workers overshoot by one. :func:`admit` lets a trial run only if fewer than
  ``num_trials`` trials numbered before it are finished, running or queued; one that
  is not admitted waits for them, and ends failed with user attribute ``"lstmkit_surplus"``
  if they all finish. Trial numbers are unique and never reused, so this is exact. A new
  trial also gives way (ends as surplus) to a dead trial's retry queued after it, so a
  retry runs whenever the study still needs a trial.
"""

from __future__ import annotations

import threading
import time
import warnings
from typing import Any

from lstmkit._validation import check_float, received

__all__ = ["HEARTBEAT_KEY", "SURPLUS_KEY", "JournalHeartbeat", "SurplusTrial", "admit",
           "fail_stale_trials"]

HEARTBEAT_KEY = "lstmkit_heartbeat"
SURPLUS_KEY = "lstmkit_surplus"


class SurplusTrial(Exception):  # noqa: N818 - reads as what it is in Optuna's log
    """Raised inside a trial that is not needed: the study already has its trials."""


def _check_study(study: Any) -> None:
    import optuna

    if not isinstance(study, optuna.Study):
        raise TypeError(
            f"`study` must be an optuna.Study. {received(study=study)} Get one from "
            f"lstmkit.tuning.create_study."
        )


def _is_journal(study: Any) -> bool:
    import optuna

    return isinstance(study._storage, optuna.storages.JournalStorage)


class JournalHeartbeat:
    """Context manager: a thread that records a trial's heartbeat in a journal study.

    Does nothing for other storages (a database records its own). Example:
        >>> with JournalHeartbeat(trial=None, seconds=1, enabled=False):
        ...     pass
    """

    def __init__(self, trial: Any, seconds: float, *, enabled: bool = True) -> None:
        self.trial = trial
        self.seconds = seconds
        self.enabled = enabled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _beat(self) -> None:
        import optuna

        while True:
            try:
                self.trial.set_user_attr(HEARTBEAT_KEY, time.time())
            except optuna.exceptions.UpdateFinishedTrialError:
                return  # another worker declared this trial dead: stop beating
            if self._stop.wait(self.seconds):
                return

    def __enter__(self) -> JournalHeartbeat:
        if self.enabled:
            self.trial.set_user_attr(HEARTBEAT_KEY, time.time())
            self._thread = threading.Thread(target=self._beat, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()


def fail_stale_trials(study: Any, heartbeat_seconds: float) -> list[int]:
    """Mark trials of dead workers failed and queue each one's parameters again, once.

    Use it before reading a shared study's results, or let :func:`lstmkit.tuning.run_study`
    call it. A database storage made by :func:`lstmkit.tuning.make_storage` uses Optuna's
    own check; a journal storage uses the ``"lstmkit_heartbeat"`` user attribute.

    Args:
        study: an ``optuna.Study``.
        heartbeat_seconds: the interval the workers use; silent for twice that is dead.

    Returns:
        The numbers of the trials this call marked failed (journal only; a database's
        check does not say).

    Example:
        >>> import optuna
        >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
        >>> fail_stale_trials(optuna.create_study(), heartbeat_seconds=1)
        []
    """
    import optuna

    _check_study(study)
    heartbeat_seconds = check_float(heartbeat_seconds, "heartbeat_seconds", minimum=0,
                                    include_minimum=False)
    if not _is_journal(study):
        if getattr(study._storage, "get_heartbeat_interval", lambda: None)() is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                optuna.storages.fail_stale_trials(study)
        return []
    failed = []
    now = time.time()
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        # A retried trial inherits the dead one's attributes: its start time counts too.
        started = trial.datetime_start.timestamp() if trial.datetime_start else 0.0
        last = max(float(trial.user_attrs.get(HEARTBEAT_KEY, 0.0)), started)
        if now - last <= 2 * heartbeat_seconds:
            continue
        try:
            study.tell(trial.number, state=optuna.trial.TrialState.FAIL)
        except (optuna.exceptions.UpdateFinishedTrialError, RuntimeError, ValueError):
            continue  # finished meanwhile, or another worker failed it first
        failed.append(trial.number)
        dead = study.get_trials(deepcopy=True)[trial.number]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=1)(study, dead)
    return failed


def admit(trial: Any, num_trials: int, heartbeat_seconds: float) -> None:
    """Return when ``trial`` may run; raise :class:`SurplusTrial` if it is not needed.

    Waits while trials numbered before it could still bring the study to ``num_trials``
    finished trials, failing dead workers' trials meanwhile.

    Example:
        >>> import optuna
        >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
        >>> study = optuna.create_study()
        >>> admit(study.ask(), num_trials=1, heartbeat_seconds=1)  # the first trial runs
    """
    import optuna

    state = optuna.trial.TrialState
    done = (state.COMPLETE, state.PRUNED)
    study = trial.study
    if _is_journal(study):  # a database's check runs before every trial already
        fail_stale_trials(study, heartbeat_seconds)
    while True:
        trials = study.get_trials(deepcopy=False)
        fresh = "failed_trial" not in trials[trial.number].system_attrs  # not a retry
        earlier = [t for t in trials if t.number < trial.number]
        finished = sum(t.state in done for t in earlier)
        running = sum(t.state == state.RUNNING for t in earlier)
        waiting = sum(t.state == state.WAITING for t in earlier)
        # A dead worker's trial queued again after this one was asked goes first.
        queued_later = any(t.state == state.WAITING for t in trials[trial.number + 1 :])
        if finished + running + waiting < num_trials and not (fresh and queued_later):
            return
        if finished >= num_trials or (running == 0 and waiting > 0) or (
            fresh and queued_later
        ):
            # Not needed; or only queued trials block it (or wait after it), and a queued
            # trial runs as soon as a worker asks for one: free this worker to do that.
            trial.set_user_attr(SURPLUS_KEY, True)
            raise SurplusTrial(
                f"trial {trial.number} is not needed: {finished} of {num_trials} trials "
                f"are finished and {running + waiting} more are running or queued"
                + (", and a retried trial goes first" if fresh and queued_later else "")
            )
        fail_stale_trials(study, heartbeat_seconds)
        time.sleep(min(1.0, heartbeat_seconds))
