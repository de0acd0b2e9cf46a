"""Regression tests for what TruncatedBPTTTrainer refuses or accepts: models and targets."""

import keras
import numpy as np
import pytest
from tbptt_models import BATCH, CHUNK, FEATURES, JIT_COMPILE, data, stateful

from lstmkit import tbptt
from lstmkit.layers import BidirectionalHalves


def _model_around(layer, *, sequences_first=False):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(batch_shape=(BATCH, CHUNK, FEATURES))
    hidden = inputs
    if sequences_first:
        hidden = keras.layers.LSTM(3, stateful=True, return_sequences=True)(hidden)
    model = keras.Model(inputs, keras.layers.Dense(1)(layer(hidden)))
    model.compile("adam", "mse", jit_compile=JIT_COMPILE)
    return model


@pytest.mark.parametrize(
    ("make_layer", "sequences_first"),
    [
        (lambda: keras.layers.Bidirectional(keras.layers.LSTM(3, stateful=True)), False),
        (lambda: keras.layers.LSTM(3, stateful=True, go_backwards=True), False),
        (lambda: BidirectionalHalves(keras.layers.LSTM(3)), True),
    ],
    ids=["Bidirectional", "go_backwards", "BidirectionalHalves"],
)
def test_layers_that_read_backwards_are_refused(make_layer, sequences_first):
    model = _model_around(make_layer(), sequences_first=sequences_first)
    with pytest.raises(ValueError, match=r"`model` must not contain layers that read the seq"):
        tbptt.TruncatedBPTTTrainer(model)
    with pytest.raises(ValueError, match=r"reversed while its state is carried.*model\.fit"):
        tbptt.TruncatedBPTTTrainer(model)


def test_a_subclassed_model_gets_a_clear_error():
    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.memory = keras.layers.LSTM(3, stateful=True)

        def call(self, inputs):
            return self.memory(inputs)

    with pytest.raises(TypeError, match=r"`model` must be a Sequential or functional"):
        tbptt.TruncatedBPTTTrainer(Subclassed())


def test_targets_that_the_loss_would_broadcast_are_refused():
    x, y = data(num_samples=8)
    per_sequence = tbptt.TruncatedBPTTTrainer(stateful())
    with pytest.raises(ValueError, match=r"`y` must hold one target per sequence"):
        per_sequence.fit(x, np.stack([y, y, y], axis=1))  # (8, 3) against (4, 1)
    with pytest.raises(ValueError, match=r"`y` must hold one target per sequence"):
        per_sequence.fit(x, x[..., :1])  # per-step targets for one output per sequence
    with pytest.raises(ValueError, match=r"`y_val` must hold one target per sequence"):
        per_sequence.fit(x, y, validation_data=(x, x[:, :, :1]))
    per_step = tbptt.TruncatedBPTTTrainer(stateful(return_sequences=True))
    with pytest.raises(ValueError, match=r"`y` must hold one target per step"):
        per_step.fit(x, x)  # (8, 20, 2) against (4, 5, 1)


def test_two_valid_target_shapes_in_a_row():
    x, y = data(num_samples=8)
    trainer = tbptt.TruncatedBPTTTrainer(stateful())
    first = trainer.fit(x, y, epochs=1, seed=0)
    second = trainer.fit(x, y[:, None], epochs=1, seed=0)
    assert set(first) == set(second) == {"loss", "mae", "chunk_loss"}
    assert trainer.evaluate(x, y)["loss"] == pytest.approx(trainer.evaluate(x, y[:, None])["loss"])
    per_step = tbptt.TruncatedBPTTTrainer(stateful(return_sequences=True))
    targets = x[..., 0]
    per_step.fit(x, targets, epochs=1, seed=0)
    per_step.fit(x, targets[..., None], epochs=1, seed=0)
    assert per_step.evaluate(x, targets)["loss"] == pytest.approx(
        per_step.evaluate(x, targets[..., None])["loss"]
    )


def _repeat_vector_seq2seq(horizon):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(batch_shape=(BATCH, CHUNK, FEATURES))
    summary = keras.layers.LSTM(4, stateful=True)(inputs)
    repeated = keras.layers.RepeatVector(horizon)(summary)
    decoded = keras.layers.TimeDistributed(keras.layers.Dense(4, activation="tanh"))(repeated)
    model = keras.Model(inputs, keras.layers.TimeDistributed(keras.layers.Dense(1))(decoded))
    model.compile("adam", "mse", jit_compile=JIT_COMPILE)
    return model


@pytest.mark.parametrize("horizon", [3, CHUNK])
def test_a_repeat_vector_decoder_takes_one_target_per_sequence(horizon):
    """The decoder's time axis is the forecast horizon, not the input's steps."""
    x, _ = data(num_samples=8)
    future = np.random.default_rng(0).normal(size=(8, horizon, 1)).astype("float32")
    trainer = tbptt.TruncatedBPTTTrainer(_repeat_vector_seq2seq(horizon))
    assert not trainer.per_step
    history = trainer.fit(x, future, epochs=1, seed=0)
    assert np.isfinite(history["loss"][0])
    assert trainer.predict(x).shape == (8, horizon, 1)
    with pytest.raises(ValueError, match=r"`y` must hold one target per sequence"):
        trainer.fit(x, x[..., :1])
    forced = tbptt.TruncatedBPTTTrainer(_repeat_vector_seq2seq(horizon), targets="per_sequence")
    assert not forced.per_step


def test_sample_weight_checks():
    x, y = data(num_samples=8)
    trainer = tbptt.TruncatedBPTTTrainer(stateful())
    with pytest.raises(ValueError, match=r"`sample_weight` must have shape \(num_samples,\)"):
        trainer.fit(x, y, sample_weight=np.ones((8, 20)))
    with pytest.raises(ValueError, match=r"`sample_weight` must hold finite non-negative"):
        trainer.fit(x, y, sample_weight=-np.ones(8))
    with pytest.raises(ValueError, match="`targets` must be one of"):
        tbptt.TruncatedBPTTTrainer(stateful(), targets="steps")
