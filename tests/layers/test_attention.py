"""AttentionPooling: shapes, masks, float16, saving, the entropy penalty, and a NumPy reference."""

import json
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from lstmkit.layers.attention import AttentionPooling

SCORES = ["additive", "multiplicative"]


def _numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def _sequences(batch=3, steps=7, features=4, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, steps, features)).astype("float32")


def _right_padded_mask(lengths, steps):
    return np.arange(steps)[None, :] < np.asarray(lengths)[:, None]


def _reference(inputs, mask, layer):
    """NumPy attention pooling, written from the formulas in the docstring."""
    weights = {w.name: _numpy(w).astype("float64") for w in layer.weights}
    inputs = inputs.astype("float64")
    if layer.score == "additive":
        hidden = np.tanh(inputs @ weights["kernel"] + weights["bias"])
        scores = hidden @ weights["score_vector"]
    else:
        scores = inputs @ weights["query"] / np.sqrt(inputs.shape[-1])
    shift = np.where(mask, scores, -np.inf).max(axis=1, keepdims=True)
    exponentials = np.where(mask, np.exp(scores - np.where(np.isfinite(shift), shift, 0.0)), 0.0)
    total = exponentials.sum(axis=1, keepdims=True)
    attention = exponentials / np.where(total > 0, total, 1.0)  # a fully padded row: zeros
    return np.einsum("bt,btf->bf", attention, inputs), attention


def _build(layer, features, seed=1):
    """Build a layer and give it random (non-zero) weights, so every weight matters."""
    layer.build((None, None, features))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.weights])
    return layer


@pytest.mark.parametrize("score", SCORES)
def test_output_shapes(score):
    inputs = _sequences(batch=2, steps=9, features=5)
    layer = AttentionPooling(score)
    pooled, weights = layer(inputs, return_attention_scores=True)
    assert tuple(pooled.shape) == (2, 5)
    assert tuple(weights.shape) == (2, 9)
    assert layer.compute_output_shape((2, 9, 5)) == (2, 5)
    assert layer.compute_mask(inputs, np.ones((2, 9), bool)) is None
    np.testing.assert_allclose(_numpy(weights).sum(axis=1), 1.0, rtol=1e-6)
    symbolic = keras.Input((None, 5))
    pooled, weights = AttentionPooling(score)(symbolic, return_attention_scores=True)
    assert pooled.shape == (None, 5) and weights.shape == (None, None)


@pytest.mark.parametrize("score", SCORES)
def test_matches_numpy_reference_exactly(score):
    inputs = _sequences(batch=3, steps=6, features=4)
    mask = _right_padded_mask([6, 4, 1], 6)
    layer = _build(
        AttentionPooling(score, units=3) if score == "additive" else AttentionPooling(score), 4
    )
    pooled, weights = layer(inputs, mask=mask, return_attention_scores=True)
    expected_pooled, expected_weights = _reference(inputs, mask, layer)
    np.testing.assert_allclose(_numpy(weights), expected_weights, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_numpy(pooled), expected_pooled, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("score", SCORES)
def test_padded_steps_get_zero_weight_and_change_nothing(score):
    inputs = _sequences(batch=2, steps=8, features=4)
    mask = _right_padded_mask([5, 8], 8)
    layer = _build(AttentionPooling(score), 4)
    pooled, weights = layer(inputs, mask=mask, return_attention_scores=True)
    changed = inputs.copy()
    changed[0, 5:] = 1000.0  # huge values at padded steps would dominate any leaky softmax
    pooled_changed, weights_changed = layer(changed, mask=mask, return_attention_scores=True)
    np.testing.assert_array_equal(_numpy(pooled), _numpy(pooled_changed))
    np.testing.assert_array_equal(_numpy(weights), _numpy(weights_changed))
    assert np.all(_numpy(weights)[0, 5:] == 0.0)
    # Padding a sequence is the same as not having those steps at all.
    short = layer(inputs[:1, :5])
    np.testing.assert_allclose(_numpy(pooled)[:1], _numpy(short), rtol=1e-6, atol=1e-7)


@pytest.mark.requires_tensorflow
@pytest.mark.parametrize("score", SCORES)
def test_fully_masked_row_gives_zeros_and_finite_gradients(score):
    import tensorflow as tf

    inputs = tf.constant(_sequences(batch=2, steps=5, features=3))
    mask = _right_padded_mask([0, 3], 5)
    layer = _build(AttentionPooling(score, entropy_regularization=0.1), 3)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        pooled, weights = layer(inputs, mask=mask, return_attention_scores=True)
        loss = keras.ops.sum(pooled) + sum(layer.losses)
    gradients = tape.gradient(loss, [inputs, *layer.trainable_variables])
    assert np.all(_numpy(pooled)[0] == 0.0) and np.all(_numpy(weights)[0] == 0.0)
    assert np.isfinite(_numpy(pooled)).all() and np.isfinite(_numpy(weights)).all()
    assert all(np.isfinite(_numpy(gradient)).all() for gradient in gradients)


def _masked_model(score="additive", return_weights=True):
    keras.utils.set_random_seed(3)
    inputs = keras.Input((None, 2))
    sequence = keras.layers.Masking(0.0)(inputs)
    sequence = keras.layers.LSTM(6, return_sequences=True)(sequence)
    pooled, weights = AttentionPooling(score, name="attention")(
        sequence, return_attention_scores=True
    )
    prediction = keras.layers.Dense(1)(pooled)
    return keras.Model(inputs, [prediction, weights] if return_weights else prediction)


def test_mask_reaches_the_layer_through_masking_and_lstm():
    model = _masked_model()
    inputs = _sequences(batch=2, steps=10, features=2)
    inputs[0, 6:] = 0.0  # right padding: Masking -> LSTM -> AttentionPooling
    prediction, weights = model(inputs)
    weights = _numpy(weights)
    assert np.all(weights[0, 6:] == 0.0) and np.all(weights[1] > 0.0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-6)
    unpadded_prediction, unpadded_weights = model(inputs[:1, :6])
    np.testing.assert_allclose(_numpy(prediction)[0], _numpy(unpadded_prediction)[0], rtol=1e-5)
    np.testing.assert_allclose(weights[0, :6], _numpy(unpadded_weights)[0], rtol=1e-5)


def test_get_config_from_config_round_trip():
    layer = AttentionPooling("additive", units=7, entropy_regularization=0.01, name="pool")
    config = layer.get_config()
    assert config["score"] == "additive" and config["units"] == 7
    assert config["entropy_regularization"] == 0.01 and config["name"] == "pool"
    assert "dtype" in config and "trainable" in config  # merged with the base config
    clone = AttentionPooling.from_config(config)
    assert clone.get_config() == config
    _build(layer, 4)
    clone.build((None, None, 4))
    clone.set_weights(layer.get_weights())
    inputs = _sequences(features=4)
    np.testing.assert_array_equal(_numpy(layer(inputs)), _numpy(clone(inputs)))
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["registered_name"] == "lstmkit>AttentionPooling"


def test_save_and_load_in_a_fresh_process(tmp_path):
    model = _masked_model("multiplicative")
    inputs = _sequences(batch=3, steps=10, features=2)
    inputs[1, 4:] = 0.0
    prediction, weights = model.predict(inputs, verbose=0)
    model.save(tmp_path / "m.keras")
    np.save(tmp_path / "x.npy", inputs)
    # A fresh interpreter: nothing is registered unless importing lstmkit registers it.
    code = textwrap.dedent(
        f"""
        import os, json
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        import keras, numpy as np
        import lstmkit.layers.attention
        model = keras.models.load_model({str(tmp_path / "m.keras")!r})
        prediction, weights = model.predict(np.load({str(tmp_path / "x.npy")!r}), verbose=0)
        np.save({str(tmp_path / "prediction.npy")!r}, prediction)
        np.save({str(tmp_path / "weights.npy")!r}, weights)
        print(json.dumps(model.get_layer("attention").get_config()["score"]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == "multiplicative"
    np.testing.assert_array_equal(np.load(tmp_path / "prediction.npy"), prediction)
    np.testing.assert_array_equal(np.load(tmp_path / "weights.npy"), weights)


@pytest.mark.parametrize("score", SCORES)
def test_mixed_float16_is_finite_and_respects_masks(score):
    # Scores large enough that a -1e9 fill or a float16 softmax over the batch would break.
    inputs = (_sequences(batch=3, steps=300, features=4) * 30.0).astype("float16")
    mask = _right_padded_mask([300, 120, 0], 300)
    layer = _build(AttentionPooling(score, dtype="mixed_float16"), 4)
    pooled, weights = layer(inputs, mask=mask, return_attention_scores=True)
    assert keras.backend.standardize_dtype(pooled.dtype) == "float16"
    pooled, weights = _numpy(pooled), _numpy(weights)
    assert np.isfinite(pooled).all() and np.isfinite(weights).all()
    assert (
        np.all(weights[1, 120:] == 0.0) and np.all(weights[2] == 0.0) and np.all(pooled[2] == 0.0)
    )
    np.testing.assert_allclose(weights[:2].astype("float32").sum(axis=1), 1.0, atol=2e-2)
    expected_pooled, expected_weights = _reference(inputs.astype("float32"), mask, layer)
    np.testing.assert_allclose(weights, expected_weights, atol=2e-2)
    np.testing.assert_allclose(pooled, expected_pooled, rtol=2e-2, atol=0.5)


def test_mixed_float16_model_trains_with_finite_loss():
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    try:
        model = _small_masked_model()
    finally:
        keras.mixed_precision.set_dtype_policy("float32")
    inputs = _sequences(batch=8, steps=12, features=2)
    inputs[::2, 7:] = 0.0
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(inputs, np.ones((8, 1), "float32"), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.get_layer("attention").compute_dtype == "float16"


def _entropy(weights):
    weights = np.asarray(weights, "float64")
    safe = np.where(weights > 0, weights, 1.0)
    return -np.sum(weights * np.log(safe), axis=1)


def test_entropy_penalty_is_in_model_losses_with_the_right_value():
    # Multiplicative score with a known query: s_t = h_t . q / sqrt(2) = h_t[0].
    inputs = np.zeros((2, 4, 2), "float32")
    inputs[:, :, 0] = [[0.0, 1.0, 2.0, 3.0], [5.0, 0.0, 0.0, 0.0]]
    layer = AttentionPooling("multiplicative", entropy_regularization=0.5)
    layer.build((None, 4, 2))
    layer.set_weights([np.array([np.sqrt(2.0), 0.0], "float32")])
    expected_weights = np.exp(inputs[:, :, 0]) / np.exp(inputs[:, :, 0]).sum(axis=1, keepdims=True)
    expected = 0.5 * np.mean(np.log(4.0) - _entropy(expected_weights))

    sequences = keras.Input((4, 2))
    model = keras.Model(sequences, layer(sequences))
    model(inputs)
    assert len(model.losses) == 1
    np.testing.assert_allclose(float(_numpy(model.losses[0])), expected, rtol=1e-5)

    # With a mask, n is the number of real steps of each row.
    mask = _right_padded_mask([4, 2], 4)
    _, weights = layer(inputs, mask=mask, return_attention_scores=True)
    expected_masked = 0.5 * np.mean(np.log([4.0, 2.0]) - _entropy(_numpy(weights)))
    np.testing.assert_allclose(float(_numpy(layer.losses[0])), expected_masked, rtol=1e-5)
    # Uniform attention costs nothing; all weight on one step costs about log(n).
    layer(np.ones((2, 4, 2), "float32"))
    np.testing.assert_allclose(float(_numpy(layer.losses[0])), 0.0, atol=1e-6)
    peaked = np.zeros((1, 4, 2), "float32")
    peaked[0, 2, 0] = 60.0
    layer(peaked)
    np.testing.assert_allclose(float(_numpy(layer.losses[0])), 0.5 * np.log(4.0), rtol=1e-5)
    plain = AttentionPooling("multiplicative")
    plain(inputs)
    assert plain.losses == []


def _small_masked_model():
    """Masking -> AttentionPooling -> Dense: quick to compile, and the mask still flows."""
    keras.utils.set_random_seed(3)
    inputs = keras.Input((None, 2))
    pooled = AttentionPooling(name="attention")(keras.layers.Masking(0.0)(inputs))
    return keras.Model(inputs, keras.layers.Dense(1)(pooled))


def test_trains_under_xla_with_a_mask():
    if keras.backend.backend() == "torch":
        pytest.skip("XLA compiles for TensorFlow and JAX; on PyTorch jit_compile=True means "
                    "torch.compile, not XLA (and 25-40 s of compiling on 2 cores)")
    model = _small_masked_model()
    inputs = _sequences(batch=8, steps=12, features=2)
    inputs[1::2, 5:] = 0.0
    model.compile(optimizer="adam", loss="mse", jit_compile=True)
    history = model.fit(inputs, np.ones((8, 1), "float32"), epochs=2, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    eager = keras.Model.from_config(model.get_config())
    eager.set_weights(model.get_weights())
    np.testing.assert_allclose(
        model.predict(inputs, verbose=0), _numpy(eager(inputs)), rtol=1e-5, atol=1e-6
    )


def test_entropy_penalty_is_added_to_the_training_loss():
    inputs = _sequences(batch=4, steps=6, features=3)
    target = np.zeros((4, 3), "float32")
    losses = {}
    for weight in (0.0, 1.0):
        sequences = keras.Input((6, 3))
        layer = AttentionPooling("multiplicative", entropy_regularization=weight)
        model = keras.Model(sequences, layer(sequences))
        layer.set_weights([np.array([3.0, -2.0, 1.0], "float32")])
        model.compile(loss="mse")
        losses[weight] = model.evaluate(inputs, target, verbose=0)
    _, weights = layer(inputs, return_attention_scores=True)
    weights = _numpy(weights).astype("float64")
    penalty = np.mean(np.log(6.0) - _entropy(weights))
    np.testing.assert_allclose(losses[1.0] - losses[0.0], penalty, rtol=1e-4)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (
            {"score": "dot"},
            ValueError,
            r"`score` must be one of 'additive', 'multiplicative'. Received: score='dot'",
        ),
        ({"score": 1}, TypeError, r"`score` must be one of the strings .* Received: score=1"),
        (
            {"units": 0},
            ValueError,
            r"`units` must be an integer >= 1. Received: units=0. Pass a positive",
        ),
        ({"units": 2.5}, TypeError, r"`units` must be an integer. Received: units=2.5"),
        (
            {"score": "multiplicative", "units": 8},
            ValueError,
            r"`units` is only used by score='additive'.*Received: units=8",
        ),
        (
            {"entropy_regularization": -0.1},
            ValueError,
            r"`entropy_regularization` must be a finite number >= 0.0. "
            r"Received: entropy_regularization=-0.1. Use 0.0",
        ),
        (
            {"entropy_regularization": "high"},
            TypeError,
            r"`entropy_regularization` must be a number. Received: entropy_regularization='high'",
        ),
    ],
)
def test_bad_arguments_raise_clear_errors(arguments, error, message):
    with pytest.raises(error, match=message):
        AttentionPooling(**arguments)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        AttentionPooling()(np.zeros((2, 5), "float32"))
    with pytest.raises(
        ValueError,
        match=r"needs a known number of features.*Received: input_shape=\(None, None, None\)",
    ):
        AttentionPooling().build((None, None, None))
