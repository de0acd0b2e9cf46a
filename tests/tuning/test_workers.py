"""lstmkit.tuning.workers: several worker processes on one study, one of them killed.

The PostgreSQL server is real: started here from Debian's binaries (installed with apt-get
when missing, as root) in a temporary folder, and stopped when the module's tests end.
Outside CI a machine that cannot have one skips those tests; in CI they must run.
"""

import os
import signal
import textwrap
import threading
import time

import optuna
import pytest

from lstmkit import tuning

optuna.logging.set_verbosity(optuna.logging.WARNING)

NUM_TRIALS = 14
HEARTBEAT = 2  # seconds: a killed worker's trial is stale after 4 (1 s flaked under heavy load)

OBJECTIVE = textwrap.dedent("""
    import os, pathlib, time

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        signal = os.environ.get("LSTMKIT_TEST_SIGNAL")
        if signal and not os.path.exists(signal):  # the victim's first trial never ends
            pathlib.Path(signal).write_text(str(trial.number))
            time.sleep(600)
        time.sleep(0.4)
        return (x - 1) ** 2
""")


@pytest.fixture(scope="module")
def postgres_url():
    if os.environ.get("CI") != "true":
        pytest.importorskip("psycopg", reason="the PostgreSQL driver is not installed")
    server = tuning.LocalPostgres(install=True)
    try:
        server.start()
    except RuntimeError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL server here: {error}")
    folder = server.folder
    yield server.url
    server.stop()
    assert not os.path.exists(folder)  # nothing is left behind


def _wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _kill_one_worker_mid_trial(storage, tmp_path):
    objective = tmp_path / "search_objective.py"
    objective.write_text(OBJECTIVE)
    signal_file = tmp_path / "victim_started"
    settings = {
        "storage": storage,
        "study_name": "shared",
        "objective": f"{objective}:objective",
        "num_trials": NUM_TRIALS,
        "heartbeat_seconds": HEARTBEAT,
        "log_dir": str(tmp_path),
    }
    victim = tuning.start_workers(1, seed=1, env={"LSTMKIT_TEST_SIGNAL": str(signal_file)},
                                  **settings)[0]
    survivor = tuning.start_workers(1, seed=2, **settings)[0]
    study = tuning.create_study("shared", storage=storage, heartbeat_seconds=HEARTBEAT)
    start = time.monotonic()
    try:
        # The file exists before its text is written: wait for the number.
        _wait_for(lambda: signal_file.exists() and signal_file.read_text(), 120,
                  "the victim's first trial")
        print("victim in trial after", time.monotonic() - start)
        dead_number = int(signal_file.read_text())
        time.sleep(1.5)  # the dead trial's first heartbeat (sent when it starts) is stored
        assert victim.poll() is None
        os.kill(victim.pid, signal.SIGKILL)
        assert tuning.wait_for_workers([victim], timeout=30) == [-signal.SIGKILL]
        print("killed after", time.monotonic() - start)
        codes = tuning.wait_for_workers([survivor], timeout=180)
        print("survivor done after", time.monotonic() - start)
    finally:  # never leave a worker behind
        for process in (victim, survivor):
            if process.poll() is None:
                process.kill()
    log = open(survivor.log_path).read()
    assert codes == [0], log[-3000:]

    study = tuning.create_study("shared", storage=storage, heartbeat_seconds=HEARTBEAT)
    report = tuning.study_report(study)
    assert report["complete"] == NUM_TRIALS, report
    assert report["duplicates"] == 0, report
    # The killed worker's trial failed and was retried, with its parameters, to the end.
    assert report["failed"] == [dead_number], report
    assert dead_number in report["retried"], report
    trials = study.trials
    retry = trials[report["retried"][dead_number]]
    assert retry.state == optuna.trial.TrialState.COMPLETE
    assert retry.params == trials[dead_number].params
    assert trials[dead_number].state == optuna.trial.TrialState.FAIL
    unfinished = [t.number for t in trials if not t.state.is_finished()]
    assert unfinished == [], report  # nothing left running or queued
    return report


def test_two_workers_on_postgresql_survive_a_killed_worker(postgres_url, tmp_path):
    _kill_one_worker_mid_trial(postgres_url, tmp_path)


def test_two_workers_on_a_journal_file_survive_a_killed_worker(tmp_path):
    _kill_one_worker_mid_trial(f"journal:{tmp_path / 'search.log'}", tmp_path)


def test_make_storage_pools_connections_within_the_server_limit(postgres_url):
    storage = tuning.make_storage(postgres_url, heartbeat_seconds=5, pool_size=2,
                                  max_overflow=0)
    pool = storage.engine.pool
    assert pool.size() == 2 and pool._max_overflow == 0
    assert storage.engine.pool._pre_ping
    # One connection deadlocks Optuna (its heartbeat thread waits for the trial's): refused.
    with pytest.raises(ValueError, match="`pool_size` \\+ `max_overflow` must be >= 2"):
        tuning.make_storage(postgres_url, pool_size=1, max_overflow=0)
    with pytest.raises(ValueError, match="`num_workers` needs up to 400 database connections"):
        tuning.start_workers(100, storage=postgres_url, study_name="s", objective="math:sqrt",
                             num_trials=1)
    with pytest.raises(ValueError, match="`num_workers` must be an integer between 1 and 256"):
        tuning.start_workers(10**12, storage=postgres_url, study_name="s",
                             objective="math:sqrt", num_trials=1)


def test_storage_and_objective_errors(tmp_path):
    with pytest.raises(ValueError, match="`storage` must name a journal file"):
        tuning.make_storage("journal:")
    with pytest.raises(ValueError, match="`storage` must be a database file in an existing"):
        tuning.make_storage(f"journal:{tmp_path / 'no' / 'x.log'}")
    with pytest.raises(ValueError, match="`objective` must be 'module:function'"):
        tuning.load_objective("objective")
    with pytest.raises(ValueError, match="`objective` must name a function of its module"):
        tuning.load_objective("math:no_such_function")
    with pytest.raises(ValueError, match="`pool_size` must be an integer >= 1"):
        tuning.make_storage(tmp_path / "s.db", pool_size=0)


def test_workers_in_one_process_end_with_exactly_the_trials_asked_for(tmp_path):
    # Interleave two "workers" by hand: each one's trial starts while the other's is open.
    storage = f"journal:{tmp_path / 'search.log'}"
    study = tuning.create_study("exact", storage=storage, heartbeat_seconds=1)
    first, second = study.ask(), study.ask()
    tuning.liveness.admit(first, num_trials=2, heartbeat_seconds=1)
    tuning.liveness.admit(second, num_trials=2, heartbeat_seconds=1)
    third = study.ask()
    study.tell(first, 1.0)
    study.tell(second, 2.0)
    with pytest.raises(tuning.liveness.SurplusTrial, match="trial 2 is not needed"):
        tuning.liveness.admit(third, num_trials=2, heartbeat_seconds=1)
    assert third.user_attrs["lstmkit_surplus"] is True


def test_a_silent_trial_on_a_journal_is_failed_and_retried_once(tmp_path):
    storage = f"journal:{tmp_path / 'search.log'}"
    study = tuning.create_study("stale", storage=storage, heartbeat_seconds=1)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    assert tuning.fail_stale_trials(study, heartbeat_seconds=1) == []  # still fresh
    time.sleep(2.2)  # no heartbeat for more than two intervals
    other = tuning.create_study("stale", storage=storage, heartbeat_seconds=1)  # a 2nd worker
    assert tuning.fail_stale_trials(other, heartbeat_seconds=1) == [0]
    assert tuning.fail_stale_trials(study, heartbeat_seconds=1) == []  # failed only once
    trials = study.trials
    assert [t.state.name for t in trials] == ["FAIL", "WAITING"]
    assert trials[1].params == trials[0].params
    assert trials[1].system_attrs["failed_trial"] == 0


def test_a_new_trial_gives_way_to_a_retry_queued_after_it(tmp_path):
    study = tuning.create_study("yield", storage=f"journal:{tmp_path / 's.log'}")
    fresh = study.ask()
    study.add_trial(optuna.create_trial(
        state=optuna.trial.TrialState.WAITING, params={"x": 0.5},
        distributions={"x": optuna.distributions.FloatDistribution(0, 1)},
        system_attrs={"failed_trial": 7},
    ))
    with pytest.raises(tuning.liveness.SurplusTrial, match="a retried trial goes first"):
        tuning.liveness.admit(fresh, num_trials=3, heartbeat_seconds=1)
    retry = study.ask()  # the queued retry is asked for next, and runs
    assert retry.number == 1 and retry.params == {"x": 0.5}
    tuning.liveness.admit(retry, num_trials=3, heartbeat_seconds=1)


def test_a_trial_waiting_for_others_keeps_beating_and_is_not_failed_as_dead(tmp_path):
    # Regression: on a journal the heartbeat started only after the wait, so a trial that
    # waited longer than two intervals was failed as dead by its own worker, which crashed.
    study = tuning.create_study("wait", storage=f"journal:{tmp_path / 's.log'}",
                                heartbeat_seconds=1)
    other = study.ask()  # another worker's live trial
    with tuning.liveness.JournalHeartbeat(other, 1):
        finish = threading.Timer(3.0, lambda: study.tell(other, 1.0))
        finish.start()
        tuning.run_study(study, lambda t: t.suggest_float("x", 0, 1), num_trials=1)
        finish.join()
    waited = study.trials[1]
    assert waited.state == optuna.trial.TrialState.FAIL
    assert waited.user_attrs["lstmkit_surplus"] is True  # not needed, not dead
    assert tuning.study_report(study)["complete"] == 1
