"""lstmkit.tuning.studies: resumable studies in a database."""

import os
import subprocess
import sys
import textwrap
import time

import optuna
import pytest

from lstmkit import tuning

optuna.logging.set_verbosity(optuna.logging.WARNING)


WORKER = textwrap.dedent("""
    import os, sys, time
    import optuna
    from lstmkit import tuning

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = tuning.create_study("resume", storage=sys.argv[1], seed=0, heartbeat_seconds=1)

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        if trial.number == 3:
            time.sleep(1.5)  # long enough for the trial's first heartbeat to be stored
            os._exit(9)  # killed in the middle of trial 3, which stays RUNNING in the database
        return (x - 1) ** 2

    tuning.run_study(study, objective, num_trials=10)
""")


def test_a_killed_search_resumes_from_its_database_without_repeating_trials(tmp_path):
    path = tmp_path / "search.db"
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    result = subprocess.run(
        [sys.executable, str(script), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 9, result.stderr[-2000:]

    time.sleep(2.5)  # past the grace period (2 heartbeats): the dead worker's trial is stale
    study = tuning.create_study("resume", storage=path, heartbeat_seconds=1)
    before = {
        trial.number: trial.params["x"]
        for trial in study.trials
        if trial.state == optuna.trial.TrialState.COMPLETE
    }
    assert sorted(before) == [0, 1, 2]
    assert study.trials[3].state == optuna.trial.TrialState.RUNNING

    evaluated = []

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        evaluated.append((trial.number, x))
        return (x - 1) ** 2

    tuning.run_study(study, objective, num_trials=6)
    trials = study.trials
    complete = [trial for trial in trials if trial.state == optuna.trial.TrialState.COMPLETE]
    assert len(complete) == 6 and len(evaluated) == 3
    # Finished trials keep their numbers and values; nothing finished is re-run.
    assert {trial.number: trial.params["x"] for trial in complete if trial.number < 3} == before
    assert all(number > 3 for number, _ in evaluated)
    assert not {x for _, x in evaluated} & set(before.values())
    # The killed trial was marked failed and retried once with its own parameters.
    assert trials[3].state == optuna.trial.TrialState.FAIL
    assert evaluated[0][1] == trials[3].params["x"]
    # Calling again with the same total runs nothing more.
    tuning.run_study(study, objective, num_trials=6)
    assert len(evaluated) == 3


def test_create_study_errors(tmp_path):
    with pytest.raises(
        TypeError, match=r"`storage` must be a database URL such as 'sqlite:///study\.db'"
    ):
        tuning.create_study("s", storage=3)
    with pytest.raises(ValueError, match=r"`direction` must be one of 'minimize', 'maximize'"):
        tuning.create_study("s", storage=tmp_path / "s.db", direction="up")


def test_create_study_refuses_a_pruner_given_as_a_string(tmp_path):
    with pytest.raises(TypeError, match="`pruner` must be an optuna pruner object or None"):
        tuning.create_study("s", storage=tmp_path / "s.db", pruner="median")
    study = tuning.create_study("s", storage=tmp_path / "s.db", pruner=optuna.pruners.NopPruner())
    assert isinstance(study.pruner, optuna.pruners.NopPruner)


def test_create_study_names_storage_in_a_missing_folder(tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "s.db"
    with pytest.raises(ValueError, match="`storage` must be a database file in an existing folder"):
        tuning.create_study("s", storage=missing)
    with pytest.raises(ValueError, match="`storage` must be a database file in an existing folder"):
        tuning.create_study("s", storage=f"sqlite:///{missing}")
    assert not missing.parent.exists()


def test_run_study_raises_when_every_trial_fails(tmp_path):
    study = tuning.create_study("failing", storage=tmp_path / "s.db", seed=0)
    with pytest.raises(
        RuntimeError,
        match=r"All 3 trial\(s\) run by `run_study` failed.*"
        r"First failure: trial 0 returned nan",
    ):
        tuning.run_study(study, lambda trial: float("nan"), num_trials=3)


def test_run_study_keeps_going_past_some_failed_trials(tmp_path):
    study = tuning.create_study("mixed", storage=tmp_path / "s.db", seed=0)

    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        return float("nan") if trial.number == 0 else x**2

    tuning.run_study(study, objective, num_trials=2)
    states = [trial.state for trial in study.trials]
    assert states[0] == optuna.trial.TrialState.FAIL
    assert states.count(optuna.trial.TrialState.COMPLETE) == 1


def test_create_study_without_storage_keeps_the_study_in_memory(tmp_path):
    study = tuning.create_study("memory", storage=None, seed=0)
    tuning.run_study(study, lambda trial: trial.suggest_float("x", 0, 1), num_trials=2)
    assert len(study.trials) == 2
    with pytest.raises(ValueError, match="`storage` must be a database file, not a folder"):
        tuning.create_study("s", storage=tmp_path)


def test_create_study_bounds_the_seed(tmp_path):
    with pytest.raises(ValueError, match=r"`seed` must be an integer between 0 and 4294967295"):
        tuning.create_study("s", storage=tmp_path / "s.db", seed=10**12)
