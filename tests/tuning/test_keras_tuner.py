"""lstmkit.tuning.keras_tuner: the check that a KerasTuner search completed trials."""

import pytest

from lstmkit import tuning


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
        trial_class(
            keras_tuner.HyperParameters(),
            trial_id=f"0{index}",
            status="FAILED",
            message="Traceback (most recent call last):\n"
            "ModuleNotFoundError: No module named 'tensorboard'",
        )
        for index in range(3)
    ]
    with pytest.raises(
        RuntimeError,
        match=r"Only 0 of 3 KerasTuner trial\(s\) completed; at least 1 required\. "
        r"trial 00: FAILED \(ModuleNotFoundError: No module named 'tensorboard'\)"
        r".*unless `tensorboard` is installed",
    ):
        tuning.check_tuner_trials(_FakeTuner(failed))
    done = trial_class(keras_tuner.HyperParameters(), trial_id="03", status="COMPLETED")
    assert tuning.check_tuner_trials(_FakeTuner([*failed, done])) == 1
    with pytest.raises(RuntimeError, match=r"Only 1 of 4 .* at least 2 required"):
        tuning.check_tuner_trials(_FakeTuner([*failed, done]), minimum_completed=2)
    with pytest.raises(
        RuntimeError, match=r"No trial ran: was overwrite=False reloading an old project"
    ):
        tuning.check_tuner_trials(_FakeTuner([]))
    with pytest.raises(TypeError, match=r"`tuner` must be a KerasTuner tuner"):
        tuning.check_tuner_trials(object())
