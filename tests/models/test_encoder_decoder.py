"""lstmkit.models.encoder_decoder: shapes, code size, weights shared or copied, saving, errors."""

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from lstmkit.models import encoder_decoder


def _inputs(num_samples=4, length=40, features=2, seed=0):
    return (
        np.random.default_rng(seed).normal(size=(num_samples, length, features)).astype("float32")
    )


@pytest.mark.parametrize("pool_size", [1, 4])
def test_autoencoder_shapes_and_code_size(pool_size):
    encoder, decoder, autoencoder = encoder_decoder.build_lstm_autoencoder(
        40, 2, code_size=5, units=8, pool_size=pool_size
    )
    x = _inputs()
    code = encoder.predict(x, verbose=0)
    assert code.shape == (4, 5)
    assert decoder.predict(code, verbose=0).shape == (4, 40, 2)
    np.testing.assert_allclose(
        autoencoder.predict(x, verbose=0), decoder.predict(code, verbose=0), atol=1e-5
    )
    lstm = encoder.get_layer("encoder_lstm")
    assert lstm.input.shape[1] == 40 // pool_size  # the LSTM reads the pooled sequence


def test_pooling_repeats_each_reconstructed_step():
    _, decoder, _ = encoder_decoder.build_lstm_autoencoder(12, 1, code_size=3, units=4, pool_size=3)
    output = decoder.predict(np.ones((1, 3), "float32"), verbose=0)[0, :, 0]
    np.testing.assert_array_equal(output.reshape(4, 3), np.repeat(output[::3, None], 3, axis=1))


def test_autoencoder_learns_to_reconstruct():
    keras.utils.set_random_seed(0)
    encoder, _, autoencoder = encoder_decoder.build_lstm_autoencoder(30, 1, code_size=4, units=16)
    steps = np.arange(30)
    phases = np.random.default_rng(0).uniform(0, 2 * np.pi, size=(64, 1))
    x = np.sin(0.3 * steps + phases)[..., None].astype("float32")
    autoencoder.compile(keras.optimizers.Adam(0.01), "mse")
    before = autoencoder.evaluate(x, x, verbose=0)
    autoencoder.fit(x, x, epochs=30, batch_size=16, verbose=0)
    assert autoencoder.evaluate(x, x, verbose=0) < 0.5 * before


def test_code_classifier_frozen_copies_and_leaves_the_encoder_alone():
    encoder, _, autoencoder = encoder_decoder.build_lstm_autoencoder(40, 2, code_size=5, units=8)
    weights_before = [w.copy() for w in encoder.get_weights()]
    classifier = encoder_decoder.build_code_classifier(encoder, 3)
    assert classifier.output_shape == (None, 3)
    assert len(classifier.trainable_weights) == 2  # only the softmax head
    x, labels = _inputs(8), np.arange(8) % 3
    probabilities = classifier.predict(x, verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    classifier.compile(keras.optimizers.Adam(0.1), "sparse_categorical_crossentropy")
    classifier.fit(x, labels, epochs=2, verbose=0)
    assert encoder.trainable
    for before, after in zip(weights_before, encoder.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_code_classifier_fine_tuned_trains_the_copy_only():
    encoder, _, _ = encoder_decoder.build_lstm_autoencoder(40, 2, code_size=5, units=8)
    classifier = encoder_decoder.build_code_classifier(encoder, 2, freeze_encoder=False)
    assert len(classifier.trainable_weights) == len(encoder.trainable_weights) + 2
    weights_before = [w.copy() for w in encoder.get_weights()]
    classifier.compile(keras.optimizers.Adam(0.1), "sparse_categorical_crossentropy")
    classifier.fit(_inputs(8), np.arange(8) % 2, epochs=2, verbose=0)
    for before, after in zip(weights_before, encoder.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_seq2seq_forecaster_shape_and_learning():
    keras.utils.set_random_seed(0)
    model = encoder_decoder.build_seq2seq_forecaster(20, 5, 1, units=16)
    series = np.sin(0.4 * np.arange(400)).astype("float32")
    windows = np.lib.stride_tricks.sliding_window_view(series, 25)[:, :, None]
    x, y = windows[:, :20], windows[:, 20:]
    assert model.predict(x[:3], verbose=0).shape == (3, 5, 1)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.5 * before


def test_save_and_load_in_a_fresh_process(tmp_path):
    _, _, autoencoder = encoder_decoder.build_lstm_autoencoder(
        24, 2, code_size=3, units=4, pool_size=2
    )
    forecaster = encoder_decoder.build_seq2seq_forecaster(24, 6, 2, units=4)
    encoder, _, _ = encoder_decoder.build_lstm_autoencoder(24, 2, code_size=3, units=4)
    classifier = encoder_decoder.build_code_classifier(encoder, 4)
    x = _inputs(3, 24, 2)
    np.save(tmp_path / "x.npy", x)
    for name, model in [
        ("autoencoder", autoencoder),
        ("forecaster", forecaster),
        ("classifier", classifier),
    ]:
        model.save(tmp_path / f"{name}.keras")
        np.save(tmp_path / f"{name}.npy", model.predict(x, verbose=0))
    script = textwrap.dedent(
        f"""
        import os
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        import keras, numpy as np
        from pathlib import Path
        folder = Path({str(tmp_path)!r})
        x = np.load(folder / "x.npy")
        for name in ["autoencoder", "forecaster", "classifier"]:
            model = keras.models.load_model(folder / f"{{name}}.keras")
            expected = np.load(folder / f"{{name}}.npy")
            np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-6)
        print("loaded")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "loaded" in result.stdout


def test_errors_name_the_argument_and_the_fix():
    with pytest.raises(
        ValueError,
        match=r"`sequence_length` must be a multiple of `pool_size`\. Received: "
        r"sequence_length=50, pool_size=4\. Crop the sequences to 48 steps",
    ):
        encoder_decoder.build_lstm_autoencoder(50, 1, code_size=4, pool_size=4)
    with pytest.raises(
        ValueError, match=r"`code_size` must be an integer >= 1\. Received: code_size=0"
    ):
        encoder_decoder.build_lstm_autoencoder(50, 1, code_size=0)
    with pytest.raises(TypeError, match=r"`units` must be an integer\. Received: units=8\.5"):
        encoder_decoder.build_lstm_autoencoder(50, 1, code_size=4, units=8.5)
    with pytest.raises(ValueError, match=r"`pool_size` must be an integer between 1 and 50"):
        encoder_decoder.build_lstm_autoencoder(50, 1, code_size=4, pool_size=60)
    with pytest.raises(
        TypeError, match="`encoder` must be a keras.Model. Received: encoder of type str"
    ):
        encoder_decoder.build_code_classifier("encoder", 3)
    _, _, autoencoder = encoder_decoder.build_lstm_autoencoder(20, 1, code_size=4, units=4)
    with pytest.raises(
        ValueError, match=r"one 2-D output \(batch, code_size\).*\[\(None, 20, 1\)\]"
    ):
        encoder_decoder.build_code_classifier(autoencoder, 3)
    encoder, _, _ = encoder_decoder.build_lstm_autoencoder(20, 1, code_size=4, units=4)
    with pytest.raises(
        ValueError, match=r"`num_classes` must be an integer >= 2\. Received: num_classes=1"
    ):
        encoder_decoder.build_code_classifier(encoder, 1)
    with pytest.raises(TypeError, match="`freeze_encoder` must be True or False"):
        encoder_decoder.build_code_classifier(encoder, 3, freeze_encoder="yes")
    with pytest.raises(
        ValueError,
        match=r"`horizon` must be an integer >= 1\. Received: horizon=0\. "
        r"Forecast at least one step",
    ):
        encoder_decoder.build_seq2seq_forecaster(20, 0, 1)


def test_sizes_are_checked_before_building(monkeypatch):
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(10**8))
    with pytest.raises(ValueError, match="`units`"):
        encoder_decoder.build_lstm_autoencoder(40, 2, code_size=4, units=10**6)
    with pytest.raises(ValueError, match="`features`"):
        encoder_decoder.build_lstm_autoencoder(40, 10**12, code_size=4, units=4)
    with pytest.raises(ValueError, match="`code_size`"):
        encoder_decoder.build_lstm_autoencoder(40, 2, code_size=10**12, units=4)
    with pytest.raises(ValueError, match="`units`"):
        encoder_decoder.build_seq2seq_forecaster(20, 5, 1, units=10**6)
    encoder = encoder_decoder.build_lstm_autoencoder(40, 2, code_size=4, units=4)[0]
    with pytest.raises(ValueError, match="`num_classes`"):
        encoder_decoder.build_code_classifier(encoder, 10**12)
