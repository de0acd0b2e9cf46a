"""Tests for lstmkit.tbptt.recurrent_state: reset, save, restore; the gradient cut."""

import keras
import numpy as np
import pytest
from tbptt_models import BATCH, CHUNK, FEATURES, UNITS, data, full_sequence_twin, stateful

from lstmkit import tbptt


@pytest.mark.requires_tensorflow
def test_the_gradient_stops_at_the_chunk_border():
    import tensorflow as tf

    model = stateful(batch=2, compile_model=False)
    x = tf.constant(data(num_samples=2, sequence_length=2 * CHUNK)[0])
    first, second = x[:, :CHUNK], x[:, CHUNK:]
    tbptt.reset_recurrent_states(model)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(first)
        tape.watch(second)
        model(first)  # advances the state
        loss = tf.reduce_sum(model(second))
    assert tape.gradient(loss, first) is None  # nothing flows into the earlier chunk
    assert float(tf.reduce_sum(tf.abs(tape.gradient(loss, second)))) > 0
    # ... whereas full backpropagation reaches it:
    twin = full_sequence_twin(model)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(twin(x))
    assert float(tf.reduce_sum(tf.abs(tape.gradient(loss, x)[:, :CHUNK]))) > 0


def test_reset_and_save_restore_helpers():
    model = stateful()
    layer = tbptt.recurrent_layers(model)[0]
    # An eager call advances the state on every backend (compiled steps on JAX need the
    # trainer, which carries it: see lstmkit/tbptt/_carry.py).
    model(data(num_samples=BATCH, sequence_length=CHUNK)[0])
    saved = tbptt.get_recurrent_states(model)
    assert len(saved) == 1 and [s.shape for s in saved[0]] == [(BATCH, UNITS)] * 2
    assert np.abs(saved[0][0]).max() > 0
    tbptt.reset_recurrent_states(model)
    assert float(np.abs(keras.ops.convert_to_numpy(layer.states[0])).max()) == 0.0
    tbptt.set_recurrent_states(model, saved)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.states[1]), saved[0][1])
    with pytest.raises(
        ValueError,
        match=(
            "`states` must hold one list per stateful recurrent layer"
        ),
    ):
        tbptt.set_recurrent_states(model, [])


@pytest.mark.requires_jax
def test_carrying_the_state_on_jax_adds_no_garbage_collection(monkeypatch):
    """Registering and unregistering the states per batch must stay cheap.

    Deleting a layer attribute that is a variable makes Keras run ``gc.collect()``, about
    0.4 s per batch: a 20-step epoch took 2 s instead of 0.015 s before the states were
    held in a list that is emptied first.
    """
    import gc

    model = stateful()
    x, y = data(num_samples=2 * BATCH, sequence_length=4 * CHUNK)
    weights_before = [variable.path for variable in model.weights]
    collections = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(args) or 0)
    history = tbptt.TruncatedBPTTTrainer(model).fit(x, y, epochs=2, seed=0)
    assert collections == []
    assert len(history["loss"]) == 2
    assert [variable.path for variable in model.weights] == weights_before
    assert np.abs(tbptt.get_recurrent_states(model)[0][0]).max() > 0  # the state moved


def _predict_twice(model):
    one = np.ones((BATCH, CHUNK, FEATURES), "float32")
    return [keras.ops.convert_to_numpy(model.predict_on_batch(one)) for _ in range(2)]


def test_carry_states_lets_predict_on_batch_carry_the_state_and_restores_the_model():
    model = stateful()
    weights = [variable.path for variable in model.weights]
    with tbptt.carry_states(model):
        first, second = _predict_twice(model)
    assert np.abs(second - first).max() > 1e-4  # the second call started from the first's state
    assert [variable.path for variable in model.weights] == weights
    assert np.abs(tbptt.get_recurrent_states(model)[0][0]).max() > 0
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        tbptt.carry_states("model")


@pytest.mark.requires_jax
def test_without_carry_states_keras_on_jax_drops_the_state():
    """Why carry_states exists: the same calls outside it leave the state at zero."""
    model = stateful()
    first, second = _predict_twice(model)
    np.testing.assert_array_equal(first, second)
    assert np.abs(tbptt.get_recurrent_states(model)[0][0]).max() == 0
