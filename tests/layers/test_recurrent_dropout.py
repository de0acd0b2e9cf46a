"""Tests for lstmkit.layers.recurrent_dropout: NumPy reference, dropout masks, saving, errors."""

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from lstmkit.gates import lstm_forward_numpy
from lstmkit.layers.recurrent_dropout import VariationalLSTM, WeightDropLSTM

UNITS, FEATURES, STEPS, BATCH = 3, 2, 6, 4
_numpy = keras.ops.convert_to_numpy  # a tensor of any backend as a NumPy array


def _sequences(seed=0, steps=STEPS):
    return np.random.default_rng(seed).normal(size=(BATCH, steps, FEATURES)).astype("float32")


def _numpy_lstm(sequences, kernel, recurrent_kernel, bias, input_mask=None, recurrent_mask=None):
    """The last hidden state of lstmkit's NumPy reference LSTM (gate order i, f, c, o)."""
    states = lstm_forward_numpy(
        sequences, kernel, recurrent_kernel, bias,
        input_mask=input_mask, recurrent_mask=recurrent_mask,
    )
    return states.hidden_state[:, -1]


def _known_weights():
    kernel = np.linspace(-0.5, 0.5, FEATURES * 4 * UNITS).reshape(FEATURES, 4 * UNITS)
    recurrent_kernel = np.linspace(0.4, -0.4, UNITS * 4 * UNITS).reshape(UNITS, 4 * UNITS)
    bias = np.linspace(-0.1, 0.2, 4 * UNITS)
    return [w.astype("float32") for w in (kernel, recurrent_kernel, bias)]


def _built(layer, weights=None):
    layer(_sequences())
    layer.set_weights(weights or _known_weights())
    return layer


def _plain_lstm(weights=None):
    return _built(keras.layers.LSTM(UNITS), weights)


LAYERS = {
    "variational": lambda seed=5: VariationalLSTM(
        UNITS, dropout_rate=0.3, recurrent_dropout_rate=0.4, seed=seed
    ),
    "weight_drop": lambda seed=5: WeightDropLSTM(UNITS, weight_dropout_rate=0.5, seed=seed),
}


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_output_shapes(kind):
    layer = LAYERS[kind]()
    assert tuple(layer(_sequences()).shape) == (BATCH, UNITS)
    assert tuple(layer(_sequences(), training=True).shape) == (BATCH, UNITS)
    config = layer.get_config() | {"return_sequences": True, "name": "sequences"}
    assert tuple(type(layer).from_config(config)(_sequences()).shape) == (BATCH, STEPS, UNITS)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_inference_equals_plain_lstm_with_same_weights(kind):
    layer = _built(LAYERS[kind]())
    expected = _numpy(_plain_lstm()(_sequences(1)))
    np.testing.assert_allclose(_numpy(layer(_sequences(1), training=False)), expected, atol=1e-6)
    np.testing.assert_allclose(_numpy(layer(_sequences(1))), expected, atol=1e-6)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_dropout_active_in_training_and_seeded(kind):
    first, second, other_seed = (_built(LAYERS[kind](seed)) for seed in (5, 5, 6))
    sequences = _sequences(2)
    out_first = _numpy(first(sequences, training=True))
    np.testing.assert_array_equal(out_first, _numpy(second(sequences, training=True)))
    assert not np.allclose(out_first, _numpy(first(sequences, training=False)))
    assert not np.allclose(out_first, _numpy(other_seed(sequences, training=True)))
    # A fresh mask for every call (batch).
    assert not np.allclose(out_first, _numpy(first(sequences, training=True)))


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("training", [False, True])
def test_masked_steps_do_not_change_the_result(kind, training):
    lengths = np.array([6, 4, 3, 5])
    sequences = _sequences(3)
    mask = np.arange(STEPS)[None, :] < lengths[:, None]
    garbage = np.where(mask[..., None], sequences, 1e3).astype("float32")
    padded = _numpy(_built(LAYERS[kind](seed=9))(garbage, mask=mask, training=training))
    for row, length in enumerate(lengths):
        # A fresh layer with the same seed draws the same masks: they do not depend on
        # the number of steps.
        short_layer = _built(LAYERS[kind](seed=9))
        expected = _numpy(short_layer(sequences[:, :length], training=training))[row]
        np.testing.assert_allclose(padded[row], expected, atol=1e-5)


def test_variational_matches_numpy_reference_with_its_masks():
    layer = _built(LAYERS["variational"](seed=11))
    sequences = _sequences(4)
    output = _numpy(layer(sequences, training=True))
    # The layer draws the input mask, then the recurrent mask, from SeedGenerator(seed).
    generator = keras.random.SeedGenerator(11)
    input_mask = _numpy(
        keras.random.dropout(keras.ops.ones((BATCH, FEATURES)), 0.3, seed=generator)
    )
    recurrent_mask = _numpy(
        keras.random.dropout(keras.ops.ones((BATCH, UNITS)), 0.4, seed=generator)
    )
    assert np.all(np.isclose(recurrent_mask, 0) | np.isclose(recurrent_mask, 1 / 0.6))
    expected = _numpy_lstm(sequences, *_known_weights(), input_mask, recurrent_mask)
    np.testing.assert_allclose(output, expected, atol=1e-5)


def test_exact_number_against_numpy_reference():
    sequences = np.linspace(-1, 1, BATCH * STEPS * FEATURES).reshape(BATCH, STEPS, FEATURES)
    expected = _numpy_lstm(sequences, *_known_weights())
    assert expected[0, 0] == pytest.approx(0.0336269, abs=1e-6)
    for kind in LAYERS:
        output = _numpy(_built(LAYERS[kind]())(sequences.astype("float32")))
        np.testing.assert_allclose(output, expected, atol=1e-6)


def test_weight_drop_runs_the_lstm_on_the_dropped_kernel():
    """Pins the mechanism: Keras's LSTM reads cell.recurrent_kernel at call time."""
    layer = _built(LAYERS["weight_drop"](seed=21))
    twin = _built(LAYERS["weight_drop"](seed=21))
    dropped = _numpy(twin.dropped_recurrent_kernel())  # the same first mask
    kernel = _known_weights()[1]
    kept = dropped != 0
    assert 0.2 < 1 - kept.mean() < 0.8
    np.testing.assert_allclose(dropped[kept], kernel[kept] / 0.5, rtol=1e-6)
    sequences = _sequences(5)
    expected = _plain_lstm([_known_weights()[0], dropped, _known_weights()[2]])(sequences)
    np.testing.assert_allclose(_numpy(layer(sequences, training=True)), _numpy(expected),
                               atol=1e-6)
    # The variable is back in place and still the layer's trainable weight.
    assert layer.cell.recurrent_kernel is layer.trainable_weights[1]
    assert len(layer.trainable_weights) == 3


@pytest.mark.requires_tensorflow
def test_weight_drop_gradients_reach_the_kernel_through_the_mask():
    import tensorflow as tf

    layer = _built(LAYERS["weight_drop"](seed=22))
    twin = _built(LAYERS["weight_drop"](seed=22))
    kept = _numpy(twin.dropped_recurrent_kernel()) != 0
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(_sequences(6), training=True) ** 2)
    gradient = tape.gradient(loss, layer.cell.recurrent_kernel)
    assert gradient is not None
    gradient = _numpy(gradient)
    assert np.all(gradient[~kept] == 0)
    assert np.count_nonzero(gradient[kept]) == kept.sum()


def test_weight_drop_keeps_the_fused_path():
    layer = LAYERS["weight_drop"]()
    keras_dropout = keras.layers.LSTM(UNITS, recurrent_dropout=0.2)
    # implementation 2: one matmul per step (Keras drops to 1 for recurrent_dropout).
    assert layer.cell.implementation == 2 and keras_dropout.cell.implementation == 1
    assert layer.recurrent_dropout == 0
    assert "inner_loop" not in vars(WeightDropLSTM)


@pytest.mark.requires_tensorflow
def test_weight_drop_uses_cudnn_on_gpu():
    import tensorflow as tf

    if not tf.config.list_physical_devices("GPU"):
        pytest.skip("needs a GPU")
    layer = LAYERS["weight_drop"]()
    function = tf.function(lambda x: layer(x, training=True))
    graph = function.get_concrete_function(tf.constant(_sequences())).graph
    assert any(op.type.startswith("CudnnRNN") for op in graph.get_operations())


def test_training_with_fit_updates_weights():
    inputs = keras.Input((STEPS, FEATURES))
    hidden = VariationalLSTM(
        UNITS, dropout_rate=0.2, recurrent_dropout_rate=0.2, seed=1, return_sequences=True
    )(inputs)
    outputs = keras.layers.Dense(1)(WeightDropLSTM(UNITS, weight_dropout_rate=0.3, seed=2)(hidden))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    before = [np.array(w) for w in model.get_weights()]
    history = model.fit(_sequences(), np.ones((BATCH, 1)), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True))


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_get_config_round_trip(kind):
    layer = LAYERS[kind]()
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    assert config["seed"] == 5


def test_save_and_load_in_a_fresh_process(tmp_path):
    sequences = _sequences(7)
    for kind in LAYERS:
        model = keras.Sequential(
            [keras.Input((STEPS, FEATURES)), LAYERS[kind](), keras.layers.Dense(1)]
        )
        model.save(tmp_path / f"{kind}.keras")
        np.save(tmp_path / f"{kind}.npy", model.predict(sequences, verbose=0))
    np.save(tmp_path / "sequences.npy", sequences)
    script = textwrap.dedent(
        f"""
        import os, numpy as np
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        import keras
        import lstmkit.layers.recurrent_dropout  # registers the layers
        folder = {str(tmp_path)!r}
        sequences = np.load(os.path.join(folder, "sequences.npy"))
        for kind in {sorted(LAYERS)!r}:
            model = keras.models.load_model(os.path.join(folder, kind + ".keras"))
            np.save(os.path.join(folder, kind + "_loaded.npy"), model.predict(sequences, verbose=0))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    for kind in LAYERS:
        np.testing.assert_array_equal(
            np.load(tmp_path / f"{kind}_loaded.npy"), np.load(tmp_path / f"{kind}.npy")
        )


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (
            lambda: VariationalLSTM(0),
            ValueError,
            r"`units` must be an integer >= 1\. Received: units=0",
        ),
        (lambda: VariationalLSTM(2.5), TypeError, r"`units` must be an integer"),
        (
            lambda: VariationalLSTM(4, dropout_rate=1.0),
            ValueError,
            r"`dropout_rate` must be a finite number >= 0\.0 and < 1\.0\. "
            r"Received: dropout_rate=1\.0",
        ),
        (
            lambda: VariationalLSTM(4, recurrent_dropout_rate=-0.1),
            ValueError,
            r"`recurrent_dropout_rate` must be .*Received: recurrent_dropout_rate=-0\.1",
        ),
        (
            lambda: VariationalLSTM(4, dropout_rate="0.2"),
            TypeError,
            r"`dropout_rate` must be a number",
        ),
        (lambda: VariationalLSTM(4, seed=-1), ValueError, r"`seed` must be an integer between 0"),
        # JAX keeps seeds as uint32: 10**12 used to be an OverflowError there.
        (
            lambda: WeightDropLSTM(4, seed=10**12),
            ValueError,
            r"`seed` must be an integer between 0 and 4294967295. Received: seed=1000000000000",
        ),
        (
            lambda: WeightDropLSTM(4, weight_dropout_rate=1.5),
            ValueError,
            r"`weight_dropout_rate` must be .*Received: weight_dropout_rate=1\.5",
        ),
        (
            lambda: WeightDropLSTM(4, recurrent_dropout=0.2),
            ValueError,
            r"`recurrent_dropout` must be 0 in WeightDropLSTM.*weight_dropout_rate",
        ),
        (
            lambda: WeightDropLSTM(-2),
            ValueError,
            r"`units` must be an integer >= 1\. Received: units=-2",
        ),
    ],
)
def test_bad_arguments_have_clear_errors(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_variational_rejects_two_dimensional_input():
    with pytest.raises(ValueError, match="expected ndim=3"):
        VariationalLSTM(2)(np.zeros((2, 3), "float32"))
