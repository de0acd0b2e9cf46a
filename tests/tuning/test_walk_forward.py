"""lstmkit.tuning.walk_forward: folds in time order, pruning."""

import numpy as np
import optuna
import pytest

from lstmkit import tuning, windowing

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _tiny_builder(steps):
    return tuning.build_recurrent_model(
        {"units": 4}, input_shape=(8, 1), num_outputs=1, loss="mse", total_steps=steps
    )


def test_walk_forward_score_reports_every_fold_and_prunes():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 8, 1)).astype("float32")
    y = x[:, -1]
    study = optuna.create_study(pruner=optuna.pruners.NopPruner())
    trial = study.ask()
    folds = windowing.walk_forward_splits(x, num_folds=2, gap=7)
    score = tuning.walk_forward_score(
        x, y, build_model=_tiny_builder, folds=folds, epochs=1, trial=trial
    )
    # One report per fold and epoch, at step fold * epochs + epoch: no step is reported twice.
    assert score > 0 and sorted(study.trials[0].intermediate_values) == [0, 1]
    always = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=0.0))
    with pytest.raises(optuna.TrialPruned):
        tuning.walk_forward_score(
            x, y, build_model=_tiny_builder, folds=2, epochs=2, trial=always.ask()
        )


def test_walk_forward_score_errors():
    with pytest.raises(ValueError, match=r"`x` must be a 3-D array"):
        tuning.walk_forward_score(np.zeros((10, 4)), np.zeros(10), build_model=_tiny_builder)
    with pytest.raises(
        TypeError, match=r"`build_model` must be a function steps -> compiled model"
    ):
        tuning.walk_forward_score(np.zeros((10, 4, 1)), np.zeros(10), build_model=None)
    with pytest.raises(
        ValueError, match=r"`folds` must be an int or a non-empty list of \(train_indices, "
    ):
        tuning.walk_forward_score(
            np.zeros((10, 4, 1)), np.zeros(10), build_model=_tiny_builder, folds=[1]
        )


def test_walk_forward_score_refuses_a_fold_validated_before_its_training_part():
    x = np.zeros((20, 8, 1), "float32")
    y = np.zeros(20, "float32")
    leaking = [(np.arange(10, 20), np.arange(0, 5))]
    with pytest.raises(ValueError, match="`folds` must train each fold only on windows before"):
        tuning.walk_forward_score(x, y, build_model=_tiny_builder, folds=leaking)
    overlapping = [(np.arange(0, 10), np.arange(8, 12))]
    with pytest.raises(
        ValueError, match=r"folds\[0\] trains on window 9 but validates from window 8"
    ):
        tuning.walk_forward_score(x, y, build_model=_tiny_builder, folds=overlapping)
    outside = [(np.arange(0, 10), np.arange(15, 25))]
    with pytest.raises(ValueError, match="`folds` must hold integer indices between 0 and 19"):
        tuning.walk_forward_score(x, y, build_model=_tiny_builder, folds=outside)
