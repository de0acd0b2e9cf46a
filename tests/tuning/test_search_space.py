"""lstmkit.tuning.search_space: one search space for Optuna and KerasTuner."""

import numpy as np
import optuna
import pytest

from lstmkit import tuning

optuna.logging.set_verbosity(optuna.logging.WARNING)


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
        model = tuning.build_recurrent_model(
            config, input_shape=(12, 2), num_outputs=1, loss="mse", total_steps=10
        )
        _check_model(model, config["sequence_length"])
    fixed = optuna.trial.FixedTrial(
        {
            "units": 32,
            "num_layers": 2,
            "bidirectional": True,
            "dropout_rate": 0.1,
            "learning_rate": 1e-3,
            "schedule": "linear",
            "warmup_fraction": 0.1,
            "batch_size": 16,
            "sequence_length": 6,
        }
    )
    config = space.suggest(fixed)
    model = tuning.build_recurrent_model(
        config, input_shape=(12, 2), num_outputs=1, loss="mse", total_steps=10
    )
    names = [type(layer).__name__ for layer in model.layers]
    assert names == ["InputLayer", "Bidirectional", "Dropout", "Bidirectional", "Dropout", "Dense"]


def test_space_gives_valid_models_from_keras_tuner_and_search_completes(tmp_path):
    keras_tuner = pytest.importorskip("keras_tuner")
    space = tuning.SearchSpace(
        {
            "units": tuning.IntRange(4, 8, step=4),
            "schedule": tuning.Choice(("constant", "cosine")),
            "learning_rate": tuning.FloatRange(1e-3, 1e-2, log=True),
            "batch_size": tuning.Choice((8, 16)),
            "sequence_length": tuning.Choice((6, 12)),
        }
    )
    hp = keras_tuner.HyperParameters()
    config = space.sample(hp)
    assert set(config) == set(space.parameters)
    rng = np.random.default_rng(0)
    x, y = (
        rng.normal(size=(32, 12, 2)).astype("float32"),
        rng.normal(size=(32, 1)).astype("float32"),
    )
    hypermodel = space.hypermodel(
        input_shape=(12, 2), num_outputs=1, loss="mse", epochs=1, num_train_samples=24
    )
    _check_model(hypermodel.build(hp), config["sequence_length"])
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        objective="val_loss",
        max_trials=2,
        seed=0,
        directory=tmp_path,
        project_name="t",
        overwrite=True,
    )
    tuner.search(x[:24], y[:24], epochs=1, validation_data=(x[24:], y[24:]), verbose=0)
    assert tuning.check_tuner_trials(tuner, minimum_completed=2) == 2


def test_space_errors():
    with pytest.raises(
        TypeError,
        match=r"`parameters\['units'\]` must be a Choice, IntRange or FloatRange\. "
        r"Received: 32\. For a fixed value use Choice\(\(value,\)\)",
    ):
        tuning.SearchSpace({"units": 32})
    with pytest.raises(ValueError, match=r"`high` must be an integer >= 8\. Received: high=4"):
        tuning.IntRange(8, 4)
    with pytest.raises(
        ValueError,
        match=r"`schedule` must be one of 'constant', 'cosine', 'linear'\. "
        r"Received: schedule='step'",
    ):
        tuning.build_recurrent_model(
            {"schedule": "step"}, input_shape=(5, 1), num_outputs=1, loss="mse", total_steps=5
        )
    with pytest.raises(ValueError, match=r"`input_shape` must be \(steps, features\)"):
        tuning.build_recurrent_model({}, input_shape=(5,), num_outputs=1, loss="mse", total_steps=5)
    with pytest.raises(ValueError, match=r"`sequence_length` must be an integer between 1 and 12"):
        tuning.last_steps(np.zeros((2, 12, 1)), 13)


def test_space_rejects_bad_flags_and_lengths():
    with pytest.raises(TypeError, match="`log` must be True or False"):
        tuning.FloatRange(0.1, 0.5, log=np.zeros((2, 3)))
    with pytest.raises(TypeError, match="`log` must be True or False"):
        tuning.IntRange(1, 4, log="yes")
    with pytest.raises(ValueError, match="`low` must be an integer >= 1 with log=True"):
        tuning.IntRange(0, 4, log=True)
    with pytest.raises(TypeError, match="`sequence_lengths` must be a list of lengths or None"):
        tuning.default_search_space(sequence_lengths=-1)
