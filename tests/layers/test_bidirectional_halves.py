"""Tests for lstmkit.layers.bidirectional_halves.BidirectionalHalves."""

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from lstmkit.gates import lstm_forward_numpy
from lstmkit.layers.bidirectional_halves import BidirectionalHalves


def _sequences(batch=3, steps=7, features=2, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, steps, features)).astype("float32")


def _numpy(value):
    return keras.ops.convert_to_numpy(value)


def _numpy_lstm(sequences, kernel, recurrent_kernel, bias, mask=None):
    """Last hidden state of lstmkit's NumPy LSTM reference, reading steps in the order given.

    A masked step leaves the state unchanged, which is the same as skipping it: each row
    runs the reference over its unmasked steps only (zeros when it has none).
    """
    weights = (kernel, recurrent_kernel, bias)
    if mask is None:
        return lstm_forward_numpy(sequences, *weights).hidden_state[:, -1]
    units = recurrent_kernel.shape[0]
    rows = []
    for row, keep in zip(sequences, mask, strict=True):
        kept = row[keep][None]
        rows.append(
            lstm_forward_numpy(kept, *weights).hidden_state[0, -1] if keep.any()
            else np.zeros(units)
        )
    return np.stack(rows)


@pytest.mark.parametrize(
    ("merge_mode", "width"), [("concat", 8), ("sum", 4), ("ave", 4), ("mul", 4)]
)
def test_output_shape(merge_mode, width):
    layer = BidirectionalHalves(keras.layers.LSTM(4), merge_mode=merge_mode)
    assert tuple(layer(_sequences()).shape) == (3, width)
    assert layer.compute_output_shape((None, 7, 2)) == (None, width)
    symbolic = layer(keras.Input((None, 2)))
    assert tuple(symbolic.shape) == (None, width)


def _fixed_weights(layer, input_shape):
    """Deterministic weights, so pinned numbers do not depend on Keras's initializers."""
    layer.build(input_shape)
    layer.set_weights(
        [
            np.linspace(-0.5, 0.5, weight.size).reshape(weight.shape) * (-1) ** index
            for index, weight in enumerate(layer.get_weights())
        ]
    )
    return layer


def test_matches_a_numpy_lstm_on_each_half():
    sequences = _sequences(steps=7)
    layer = _fixed_weights(BidirectionalHalves(keras.layers.LSTM(5)), (None, 7, 2))
    result = _numpy(layer(sequences))
    # Odd length: the forward half gets the extra step (4 forward, 3 backward).
    forward = _numpy_lstm(sequences[:, :4], *layer.forward_layer.get_weights())
    backward = _numpy_lstm(sequences[:, 4:][:, ::-1], *layer.backward_layer.get_weights())
    np.testing.assert_allclose(result, np.concatenate([forward, backward], axis=-1), atol=1e-5)
    np.testing.assert_allclose(result[0, [0, 5]], [0.0013456, -0.0150300], atol=1e-6)


def test_equals_the_wrapped_layers_run_by_hand_on_each_half():
    sequences = _sequences(steps=8)
    layer = BidirectionalHalves(keras.layers.GRU(3), merge_mode="sum")
    result = _numpy(layer(sequences))
    forward = _numpy(layer.forward_layer(sequences[:, :4]))
    backward = _numpy(layer.backward_layer(sequences[:, 4:]))
    np.testing.assert_allclose(result, forward + backward, atol=1e-6)
    assert layer.forward_layer.go_backwards is False
    assert layer.backward_layer.go_backwards is True


def test_masked_steps_do_not_change_the_result():
    sequences = _sequences(batch=2, steps=10)
    mask = np.ones((2, 10), bool)
    mask[0, 8:] = False  # padding at the end: the backward half loses two steps
    mask[1, 3:] = False  # real steps only in the first half: the backward half is empty
    changed = sequences.copy()
    changed[~mask] = 99.0
    layer = BidirectionalHalves(keras.layers.LSTM(4))
    first = _numpy(layer(sequences, mask=mask))
    second = _numpy(layer(changed, mask=mask))
    np.testing.assert_allclose(first, second, atol=1e-6)
    # The row whose second half is all padding gets the backward initial state: zeros.
    np.testing.assert_array_equal(first[1, 4:], np.zeros(4))
    # And the mask matters: without it, the padded values do change the output.
    assert not np.allclose(_numpy(layer(changed)), first, atol=1e-3)


def test_masked_result_equals_the_numpy_reference():
    sequences = _sequences(batch=2, steps=6)
    mask = np.array([[1, 1, 1, 1, 1, 0], [1, 1, 0, 0, 0, 0]], bool)
    layer = BidirectionalHalves(keras.layers.LSTM(3))
    result = _numpy(layer(sequences, mask=mask))
    forward = _numpy_lstm(sequences[:, :3], *layer.forward_layer.get_weights(), mask=mask[:, :3])
    backward = _numpy_lstm(
        sequences[:, 3:][:, ::-1], *layer.backward_layer.get_weights(), mask=mask[:, 3:][:, ::-1]
    )
    np.testing.assert_allclose(result, np.concatenate([forward, backward], axis=-1), atol=1e-5)


def test_mask_from_a_masking_layer_in_a_model():
    inputs = keras.Input((6, 1))
    masked = keras.layers.Masking(-1.0)(inputs)
    outputs = BidirectionalHalves(keras.layers.LSTM(3))(masked)
    model = keras.Model(inputs, outputs)
    padded = np.arange(1, 13, dtype="float32").reshape(2, 6, 1)
    padded[0, 4:] = -1.0
    layer = model.layers[-1]
    expected = _numpy(layer(padded, mask=padded[..., 0] != -1.0))
    np.testing.assert_allclose(model.predict(padded, verbose=0), expected, atol=1e-6)
    assert not np.allclose(_numpy(layer(padded))[0], expected[0], atol=1e-3)


def test_dropout_off_at_inference_and_seeded_when_on():
    sequences = _sequences()
    layer = BidirectionalHalves(keras.layers.LSTM(4, dropout=0.5, seed=3))
    inference = _numpy(layer(sequences, training=False))
    np.testing.assert_array_equal(inference, _numpy(layer(sequences)))
    training = _numpy(layer(sequences, training=True))
    assert not np.allclose(training, inference)
    twin = BidirectionalHalves(keras.layers.LSTM(4, dropout=0.5, seed=3))
    twin.build((None, 7, 2))
    twin.set_weights(layer.get_weights())
    fresh = BidirectionalHalves(keras.layers.LSTM(4, dropout=0.5, seed=3))
    fresh.build((None, 7, 2))
    fresh.set_weights(layer.get_weights())
    np.testing.assert_allclose(
        _numpy(twin(sequences, training=True)), _numpy(fresh(sequences, training=True)), atol=1e-6
    )


def test_get_config_from_config_round_trip():
    layer = BidirectionalHalves(
        keras.layers.GRU(6, activation="relu"), merge_mode="ave", name="halves"
    )
    layer.build((None, 9, 2))
    config = layer.get_config()
    assert config["merge_mode"] == "ave"
    assert config["layer"]["class_name"] == "GRU"
    assert config["layer"]["config"]["go_backwards"] is False
    assert config["layer"]["config"]["name"] == layer.forward_layer.name.removeprefix("forward_")
    restored = BidirectionalHalves.from_config(config)
    assert restored.get_config() == config
    assert restored.forward_layer.activation is keras.activations.relu
    restored.build((None, 9, 2))
    restored.set_weights(layer.get_weights())
    sequences = _sequences(steps=9)
    np.testing.assert_allclose(_numpy(restored(sequences)), _numpy(layer(sequences)), atol=1e-6)


def test_save_and_load_in_a_fresh_process(tmp_path):
    inputs = keras.Input((None, 2))
    summary = BidirectionalHalves(keras.layers.LSTM(4), merge_mode="concat")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(3)(summary))
    sequences = _sequences(steps=11)
    np.save(tmp_path / "x.npy", sequences)
    model.save(tmp_path / "m.keras")
    script = textwrap.dedent(
        f"""
        import numpy as np, keras
        import lstmkit.layers.bidirectional_halves  # registers the class
        model = keras.models.load_model({str(tmp_path / "m.keras")!r})
        x = np.load({str(tmp_path / "x.npy")!r})
        np.save({str(tmp_path / "y.npy")!r}, model.predict(x, verbose=0))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=300)
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), model.predict(sequences, verbose=0))


def test_trains_in_a_model():
    keras.utils.set_random_seed(0)
    sequences = _sequences(batch=32, steps=12, features=1)
    labels = (sequences[:, 0, 0] > 0).astype("float32")
    inputs = keras.Input((12, 1))
    summary = BidirectionalHalves(keras.layers.LSTM(4))(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(summary))
    model.compile("adam", "binary_crossentropy")
    history = model.fit(sequences, labels, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert len(model.trainable_weights) == 2 * 3 + 2


def test_rejects_a_layer_that_is_not_recurrent():
    with pytest.raises(TypeError, match=r"`layer` must be a Keras recurrent layer.*type Dense"):
        BidirectionalHalves(keras.layers.Dense(4))
    with pytest.raises(TypeError, match=r"Received: layer of type Bidirectional"):
        BidirectionalHalves(keras.layers.Bidirectional(keras.layers.LSTM(4)))


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        ("return_sequences", "no step has an output from both to merge"),
        ("return_state", "returns one merged tensor"),
        ("stateful", "would join the middle of one sequence"),
        ("go_backwards", "sets each direction itself"),
    ],
)
def test_rejects_unsupported_options_with_the_reason(option, reason):
    with pytest.raises(ValueError, match=rf"does not support {option}=True.*{reason}"):
        BidirectionalHalves(keras.layers.LSTM(4, **{option: True}))


def test_rejects_a_bad_merge_mode():
    with pytest.raises(
        ValueError, match=r"`merge_mode` must be one of .*Received: merge_mode='max'"
    ):
        BidirectionalHalves(keras.layers.LSTM(4), merge_mode="max")
    with pytest.raises(TypeError, match=r"`merge_mode` must be one of the strings"):
        BidirectionalHalves(keras.layers.LSTM(4), merge_mode=None)


def test_rejects_a_single_step_sequence():
    layer = BidirectionalHalves(keras.layers.LSTM(4))
    with pytest.raises(ValueError, match=r"at least 2 steps.*input_shape=\(None, 1, 3\)"):
        layer.build((None, 1, 3))


def test_does_not_change_the_inputs():
    sequences = _sequences()
    before = sequences.copy()
    BidirectionalHalves(keras.layers.LSTM(2))(sequences)
    np.testing.assert_array_equal(sequences, before)


def test_the_mask_is_consumed_not_passed_on():
    # The output has no time axis, so like keras.layers.LSTM(return_sequences=False) the
    # layer passes no mask on; a Dense layer after it must not receive a stale one.
    layer = BidirectionalHalves(keras.layers.LSTM(2))
    mask = np.ones((3, 7), bool)
    assert layer.compute_mask(_sequences(), mask) is None
    inputs = keras.Input((7, 2))
    summary = layer(keras.layers.Masking(0.0)(inputs))
    assert getattr(summary, "_keras_mask", None) is None


@pytest.mark.requires_tensorflow
def test_a_free_length_accepts_one_step_batches_from_bucketing():
    """A 1-step bucket used to crash deep in TensorFlow (empty backward half)."""
    import tensorflow as tf

    from lstmkit.padding import BucketDataset

    keras.utils.set_random_seed(0)
    inputs = keras.Input((None, 1))
    layer = BidirectionalHalves(keras.layers.LSTM(3))
    model = keras.Model(inputs, keras.layers.Dense(1)(layer(inputs)))
    model.compile("adam", "mse", jit_compile=False)
    sequences = [np.ones((1, 1), "float32")] * 4 + [np.ones((3, 1), "float32")] * 4
    dataset = BucketDataset(sequences, np.zeros(8, "float32"), batch_size=4)
    model.fit(dataset, epochs=1, verbose=0)  # batches of 1 and 3 steps
    one_step = np.full((2, 1, 1), 0.5, "float32")
    forward = _numpy(layer.forward_layer(one_step))
    expected = np.concatenate([forward, np.zeros_like(forward)], axis=-1)
    np.testing.assert_allclose(_numpy(layer(one_step)), expected, atol=1e-6)
    free_length = tf.function(layer, input_signature=[tf.TensorSpec((None, None, 1))])
    np.testing.assert_allclose(_numpy(free_length(one_step)), expected, atol=1e-6)
    # the masked extra step leaves longer inputs unchanged
    longer = _sequences(batch=2, steps=5, features=1)
    np.testing.assert_allclose(_numpy(free_length(longer)), _numpy(layer(longer)), atol=1e-6)
