"""lstmkit.schedules.WarmupDecaySchedule (still importable from lstmkit.tuning)."""

import math

import keras
import numpy as np
import pytest

from lstmkit import tuning


@pytest.mark.parametrize("decay", ["cosine", "linear"])
def test_schedule_warms_up_then_decays_like_its_formula(decay):
    schedule = tuning.WarmupDecaySchedule(
        0.02, total_steps=100, warmup_steps=10, decay=decay, final_learning_rate=0.002
    )
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
        input_shape=(6, 1),
        num_outputs=1,
        loss="mse",
        total_steps=40,
    )
    model.fit(np.zeros((8, 6, 1)), np.zeros((8, 1)), epochs=1, batch_size=4, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    saved = loaded.optimizer.get_config()["learning_rate"]
    assert saved["registered_name"] == "lstmkit>WarmupDecaySchedule"
    schedule = keras.saving.deserialize_keras_object(saved)
    assert isinstance(schedule, tuning.WarmupDecaySchedule)
    assert schedule.get_config() == {
        "peak_learning_rate": 0.005,
        "total_steps": 40,
        "warmup_steps": 4,
        "decay": "cosine",
        "final_learning_rate": 0.0,
    }
    assert int(loaded.optimizer.iterations) == 2


def test_schedule_errors():
    with pytest.raises(
        ValueError,
        match=r"`warmup_steps` must be an integer between 0 and 10\. "
        r"Received: warmup_steps=11\. Warm-up must end",
    ):
        tuning.WarmupDecaySchedule(0.01, total_steps=10, warmup_steps=11)
    with pytest.raises(ValueError, match=r"`peak_learning_rate` must be a finite number > 0"):
        tuning.WarmupDecaySchedule(0.0, total_steps=10)
    with pytest.raises(ValueError, match=r"`decay` must be one of 'cosine', 'linear', 'constant'"):
        tuning.WarmupDecaySchedule(0.01, total_steps=10, decay="step")
