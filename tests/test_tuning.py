"""lstmkit.tuning: schedule, one search space for two tools, resumable studies, tuner checks."""

import math
import os
import subprocess
import sys
import textwrap
import time

import keras
import numpy as np
import optuna
import pytest

from lstmkit import tuning, windowing

optuna.logging.set_verbosity(optuna.logging.WARNING)


# Learning-rate schedule -----------------------------------------------------------------


@pytest.mark.parametrize("decay", ["cosine", "linear"])
def test_schedule_warms_up_then_decays_like_its_formula(decay):
    schedule = tuning.WarmupDecaySchedule(0.02, total_steps=100, warmup_steps=10, decay=decay,
                                          final_learning_rate=0.002)
    steps = np.arange(0, 121)
    values = np.array([float(schedule(step)) for step in steps])
    progress = np.clip((steps - 10) / 90, 0, 1)
    if decay == "cosine":
        after = 0.002 + 0.018 * 0.5 * (1 + np.cos(math.pi * progress))
    else:
        after = 0.02 + (0.002 - 0.02) * progress
    expected = np.where(steps < 10, 0.02 * steps / 10, after)
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-8)
    assert (np.diff(values[:11]) > 0).all() and values[10] == pytest.approx(0.02)
    assert (np.diff(values[10:101]) < 0).all() and values[-1] == pytest.approx(0.002)


def test_schedule_config_round_trip_and_registration():
    schedule = tuning.WarmupDecaySchedule(0.01, total_steps=50, warmup_steps=5, decay="linear")
    again = tuning.WarmupDecaySchedule.from_config(schedule.get_config())
    assert again.get_config() == schedule.get_config()
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert isinstance(restored, tuning.WarmupDecaySchedule)
    assert float(restored(7)) == pytest.approx(float(schedule(7)))


def test_schedule_is_saved_with_the_models_optimizer(tmp_path):
    model = tuning.build_recurrent_model(
        {"units": 4, "schedule": "cosine", "warmup_fraction": 0.1, "learning_rate": 0.005},
        input_shape=(6, 1), num_outputs=1, loss="mse", total_steps=40,
    )
    model.fit(np.zeros((8, 6, 1)), np.zeros((8, 1)), epochs=1, batch_size=4, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    saved = loaded.optimizer.get_config()["learning_rate"]
    assert saved["registered_name"] == "lstmkit>WarmupDecaySchedule"
    schedule = keras.saving.deserialize_keras_object(saved)
    assert isinstance(schedule, tuning.WarmupDecaySchedule)
    assert schedule.get_config() == {"peak_learning_rate": 0.005, "total_steps": 40, "warmup_steps": 4,
                                     "decay": "cosine", "final_learning_rate": 0.0}
    assert int(loaded.optimizer.iterations) == 2


def test_schedule_errors():
    with pytest.raises(ValueError, match=r"`warmup_steps` must be an integer between 0 and 10\. "
                                         r"Received: warmup_steps=11\. Warm-up must end"):
        tuning.WarmupDecaySchedule(0.01, total_steps=10, warmup_steps=11)
    with pytest.raises(ValueError, match=r"`peak_learning_rate` must be a finite number > 0"):
        tuning.WarmupDecaySchedule(0.0, total_steps=10)
    with pytest.raises(ValueError, match=r"`decay` must be one of 'cosine', 'linear', 'constant'"):
        tuning.WarmupDecaySchedule(0.01, total_steps=10, decay="step")


# One search space, two tools ------------------------------------------------------------


def _check_model(model, steps):
    assert model.input_shape == (None, steps, 2) and model.output_shape == (None, 1)
    prediction = model.predict(np.zeros((3, steps, 2), "float32"), verbose=0)
    assert prediction.shape == (3, 1) and np.isfinite(prediction).all()


def test_space_gives_valid_models_from_optuna():
    space = tuning.default_search_space(sequence_lengths=(6, 12))
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    for _ in range(3):
        config = space.suggest(study.ask())
        assert set(config) == set(space.parameters)
        model = tuning.build_recurrent_model(config, input_shape=(12, 2), num_outputs=1, loss="mse",
                                             total_steps=10)
        _check_model(model, config["sequence_length"])
    fixed = optuna.trial.FixedTrial({"units": 32, "num_layers": 2, "bidirectional": True,
                                     "dropout_rate": 0.1, "learning_rate": 1e-3, "schedule": "linear",
                                     "warmup_fraction": 0.1, "batch_size": 16, "sequence_length": 6})
    config = space.suggest(fixed)
    model = tuning.build_recurrent_model(config, input_shape=(12, 2), num_outputs=1, loss="mse", total_steps=10)
    names = [type(layer).__name__ for layer in model.layers]
    assert names == ["InputLayer", "Bidirectional", "Dropout", "Bidirectional", "Dropout", "Dense"]


def test_space_gives_valid_models_from_keras_tuner_and_search_completes(tmp_path):
    keras_tuner = pytest.importorskip("keras_tuner")
    space = tuning.SearchSpace({
        "units": tuning.IntRange(4, 8, step=4),
        "schedule": tuning.Choice(("constant", "cosine")),
        "learning_rate": tuning.FloatRange(1e-3, 1e-2, log=True),
        "batch_size": tuning.Choice((8, 16)),
        "sequence_length": tuning.Choice((6, 12)),
    })
    hp = keras_tuner.HyperParameters()
    config = space.sample(hp)
    assert set(config) == set(space.parameters)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 12, 2)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")
    hypermodel = space.hypermodel(input_shape=(12, 2), num_outputs=1, loss="mse", epochs=1,
                                  num_train_samples=24)
    _check_model(hypermodel.build(hp), config["sequence_length"])
    tuner = keras_tuner.RandomSearch(hypermodel, objective="val_loss", max_trials=2, seed=0,
                                     directory=tmp_path, project_name="t", overwrite=True)
    tuner.search(x[:24], y[:24], epochs=1, validation_data=(x[24:], y[24:]), verbose=0)
    assert tuning.check_tuner_trials(tuner, minimum_completed=2) == 2


def test_space_errors():
    with pytest.raises(TypeError, match=r"`parameters\['units'\]` must be a Choice, IntRange or FloatRange\. "
                                        r"Received: 32\. For a fixed value use Choice\(\(value,\)\)"):
        tuning.SearchSpace({"units": 32})
    with pytest.raises(ValueError, match=r"`high` must be an integer >= 8\. Received: high=4"):
        tuning.IntRange(8, 4)
    with pytest.raises(ValueError, match=r"`schedule` must be one of 'constant', 'cosine', 'linear'\. "
                                         r"Received: schedule='step'"):
        tuning.build_recurrent_model({"schedule": "step"}, input_shape=(5, 1), num_outputs=1,
                                     loss="mse", total_steps=5)
    with pytest.raises(ValueError, match=r"`input_shape` must be \(steps, features\)"):
        tuning.build_recurrent_model({}, input_shape=(5,), num_outputs=1, loss="mse", total_steps=5)
    with pytest.raises(ValueError, match=r"`sequence_length` must be an integer between 1 and 12"):
        tuning.last_steps(np.zeros((2, 12, 1)), 13)


# Walk-forward objective and pruning -----------------------------------------------------


def _tiny_builder(steps):
    return tuning.build_recurrent_model({"units": 4}, input_shape=(8, 1), num_outputs=1, loss="mse",
                                        total_steps=steps)


def test_walk_forward_score_reports_every_fold_and_prunes():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 8, 1)).astype("float32")
    y = x[:, -1]
    study = optuna.create_study(pruner=optuna.pruners.NopPruner())
    trial = study.ask()
    folds = windowing.walk_forward_splits(x, num_folds=2, gap=7)
    score = tuning.walk_forward_score(x, y, build_model=_tiny_builder, folds=folds, epochs=1, trial=trial)
    # One report per fold and epoch, at step fold * epochs + epoch: no step is reported twice.
    assert score > 0 and sorted(study.trials[0].intermediate_values) == [0, 1]
    always = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=0.0))
    with pytest.raises(optuna.TrialPruned):
        tuning.walk_forward_score(x, y, build_model=_tiny_builder, folds=2, epochs=2, trial=always.ask())


def test_walk_forward_score_errors():
    with pytest.raises(ValueError, match=r"`x` must be a 3-D array"):
        tuning.walk_forward_score(np.zeros((10, 4)), np.zeros(10), build_model=_tiny_builder)
    with pytest.raises(TypeError, match=r"`build_model` must be a function steps -> compiled model"):
        tuning.walk_forward_score(np.zeros((10, 4, 1)), np.zeros(10), build_model=None)
    with pytest.raises(ValueError, match=r"`folds` must be an int or a non-empty list of \(train_indices, "):
        tuning.walk_forward_score(np.zeros((10, 4, 1)), np.zeros(10), build_model=_tiny_builder, folds=[1])


# Resumable studies ------------------------------------------------------------------------

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
    result = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 9, result.stderr[-2000:]

    time.sleep(2.5)  # past the grace period (2 heartbeats): the dead worker's trial is stale
    study = tuning.create_study("resume", storage=path, heartbeat_seconds=1)
    before = {trial.number: trial.params["x"] for trial in study.trials
              if trial.state == optuna.trial.TrialState.COMPLETE}
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
    with pytest.raises(TypeError, match=r"`storage` must be a database URL such as 'sqlite:///study\.db'"):
        tuning.create_study("s", storage=3)
    with pytest.raises(ValueError, match=r"`direction` must be one of 'minimize', 'maximize'"):
        tuning.create_study("s", storage=tmp_path / "s.db", direction="up")


# KerasTuner trial check -------------------------------------------------------------------


class _FakeOracle:
    def __init__(self, trials):
        self.trials = {trial.trial_id: trial for trial in trials}


class _FakeTuner:
    def __init__(self, trials):
        self.oracle = _FakeOracle(trials)


def test_check_tuner_trials_raises_when_trials_failed():
    keras_tuner = pytest.importorskip("keras_tuner")
    trial_class = keras_tuner.engine.trial.Trial
    failed = [
        trial_class(keras_tuner.HyperParameters(), trial_id=f"0{index}", status="FAILED",
                    message="Traceback (most recent call last):\nModuleNotFoundError: No module named 'tensorboard'")
        for index in range(3)
    ]
    with pytest.raises(
        RuntimeError,
        match=r"Only 0 of 3 KerasTuner trial\(s\) completed; at least 1 required\. trial 00: FAILED "
        r"\(ModuleNotFoundError: No module named 'tensorboard'\).*unless `tensorboard` is installed",
    ):
        tuning.check_tuner_trials(_FakeTuner(failed))
    done = trial_class(keras_tuner.HyperParameters(), trial_id="03", status="COMPLETED")
    assert tuning.check_tuner_trials(_FakeTuner([*failed, done])) == 1
    with pytest.raises(RuntimeError, match=r"Only 1 of 4 .* at least 2 required"):
        tuning.check_tuner_trials(_FakeTuner([*failed, done]), minimum_completed=2)
    with pytest.raises(RuntimeError, match=r"No trial ran: was overwrite=False reloading an old project"):
        tuning.check_tuner_trials(_FakeTuner([]))
    with pytest.raises(TypeError, match=r"`tuner` must be a KerasTuner tuner"):
        tuning.check_tuner_trials(object())
