"""lstmkit.models.recurrent: build_recurrent_model's layers, checks of every config value."""

import keras
import numpy as np
import pytest

from lstmkit import models
from lstmkit.layers import AttentionPooling
from lstmkit.models import DEFAULT_CONFIG, build_recurrent_model, last_steps
from lstmkit.schedules import WarmupDecaySchedule


def _build(config=None, **kwargs):
    options = {"input_shape": (10, 2), "num_outputs": 1, "loss": "mse", "total_steps": 10}
    return build_recurrent_model({} if config is None else config, **{**options, **kwargs})


def _layer_names(model):
    return [type(layer).__name__ for layer in model.layers]


def test_defaults_build_one_lstm_with_the_schedule():
    model = _build()
    assert _layer_names(model) == ["InputLayer", "LSTM", "Dense"]
    assert model.input_shape == (None, 10, 2) and model.output_shape == (None, 1)
    assert model.layers[1].units == DEFAULT_CONFIG["units"]
    schedule = keras.saving.deserialize_keras_object(model.optimizer.get_config()["learning_rate"])
    assert isinstance(schedule, WarmupDecaySchedule)
    assert schedule.get_config()["total_steps"] == 10


def test_stacked_bidirectional_with_dropout_and_sequence_length():
    model = _build(
        {
            "units": 4,
            "num_layers": 2,
            "bidirectional": True,
            "dropout_rate": 0.1,
            "sequence_length": 6,
        }
    )
    assert _layer_names(model) == [
        "InputLayer",
        "Bidirectional",
        "Dropout",
        "Bidirectional",
        "Dropout",
        "Dense",
    ]
    assert model.input_shape == (None, 6, 2)


def test_any_length_input_and_numpy_values():
    model = _build({"units": np.int64(3), "bidirectional": np.bool_(False)}, input_shape=(None, 2))
    assert model.input_shape == (None, None, 2)
    assert model.predict(np.zeros((2, 7, 2), "float32"), verbose=0).shape == (2, 1)


def test_a_string_bool_is_refused_not_read_as_true():
    # "False" is a non-empty string: it used to build a bidirectional model.
    with pytest.raises(TypeError, match="`bidirectional` must be True or False"):
        _build({"bidirectional": "False"})


@pytest.mark.parametrize(
    ("config", "error", "name"),
    [
        ({"units": "32"}, TypeError, "units"),
        ({"units": 0}, ValueError, "units"),
        ({"num_layers": 1.0}, TypeError, "num_layers"),
        ({"dropout_rate": 1.0}, ValueError, "dropout_rate"),
        ({"dropout_rate": "0.1"}, TypeError, "dropout_rate"),
        ({"learning_rate": 0}, ValueError, "learning_rate"),
        ({"warmup_fraction": 1.5}, ValueError, "warmup_fraction"),
        ({"schedule": "step"}, ValueError, "schedule"),
        ({"schedule": 1}, TypeError, "schedule"),
        ({"batch_size": True}, TypeError, "batch_size"),
        ({"sequence_length": 0}, ValueError, "sequence_length"),
        ({"sequence_length": 11}, ValueError, "sequence_length"),
    ],
)
def test_every_config_value_is_checked(config, error, name):
    with pytest.raises(error, match=f"`{name}`"):
        _build(config)


@pytest.mark.parametrize(
    ("input_shape", "error", "name"),
    [
        ((0, 2), ValueError, r"input_shape\[0\]"),
        ((10, 0), ValueError, r"input_shape\[1\]"),
        ((None, None), TypeError, r"input_shape\[1\]"),
        ((10.0, 2), TypeError, r"input_shape\[0\]"),
        ((10,), ValueError, "input_shape"),
        ("10, 2", ValueError, "input_shape"),
    ],
)
def test_input_shape_is_checked(input_shape, error, name):
    with pytest.raises(error, match=f"`{name}`"):
        _build(input_shape=input_shape)


def test_other_arguments_are_checked():
    with pytest.raises(TypeError, match="`config`"):
        _build(config=[("units", 4)])
    with pytest.raises(ValueError, match="`num_outputs`"):
        _build(num_outputs=0)
    with pytest.raises(ValueError, match="`total_steps`"):
        _build(total_steps=0)
    with pytest.raises(TypeError, match="`use_attention`"):
        _build(use_attention="yes")
    with pytest.raises(TypeError, match="`metrics`"):
        _build(metrics="accuracy")


def test_attention_pooling_and_metrics():
    model = _build(
        {"units": 4, "bidirectional": True},
        use_attention=True,
        metrics=["mae"],
        num_outputs=3,
        output_activation="softmax",
        loss="categorical_crossentropy",
    )
    assert _layer_names(model) == ["InputLayer", "Bidirectional", "AttentionPooling", "Dense"]
    assert isinstance(model.layers[2], AttentionPooling)
    x = np.random.default_rng(0).normal(size=(8, 10, 2)).astype("float32")
    y = keras.utils.to_categorical(np.arange(8) % 3, 3)
    history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert "mae" in history.history


def test_last_steps_keeps_the_end_as_a_copy():
    x = np.arange(24).reshape(2, 12, 1)
    kept = last_steps(x, 5)
    np.testing.assert_array_equal(kept, x[:, 7:])
    assert not np.shares_memory(kept, x)
    with pytest.raises(ValueError, match=r"`sequence_length` must be an integer between 1 and 12"):
        last_steps(x, 13)


def test_sizes_and_activation_are_checked_before_building(monkeypatch):
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(10**8))
    with pytest.raises(ValueError, match="`units`"):
        _build({"units": 10**6})
    with pytest.raises(ValueError, match="`num_layers`"):
        _build({"num_layers": 10**12})
    with pytest.raises(ValueError, match="`input_shape`"):
        _build(input_shape=(10, 10**12))
    with pytest.raises(ValueError, match="`num_outputs`"):
        _build(num_outputs=10**12)
    with pytest.raises(ValueError, match="`output_activation`"):
        _build(output_activation="bad")


def test_text_classifier_masks_padding_and_checks_its_sizes():
    model = models.build_text_classifier(100, 4, embedding_dim=8, units=6)
    tokens = np.array([[5, 9, 2, 0, 0, 0]])
    longer = np.array([[5, 9, 2, 0, 0, 0, 0, 0, 0, 0]])
    np.testing.assert_allclose(model.predict(tokens, verbose=0),
                               model.predict(longer, verbose=0), atol=1e-6)
    assert model.count_params() == 100 * 8 + 4 * 6 * (8 + 6 + 1) + (6 + 1) * 4
    with pytest.raises(ValueError, match=r"`vocabulary_size` must be an integer >= 2"):
        models.build_text_classifier(1, 4)
    with pytest.raises(ValueError, match=r"`vocabulary_size`.*would not fit in memory"):
        models.build_text_classifier(10**13, 4)
