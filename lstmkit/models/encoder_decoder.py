"""Encoder-decoder LSTMs: compress a long sequence into a short code, classify, forecast.

Three builders, all made of built-in Keras layers (so ``model.save`` and
``keras.models.load_model`` work without custom objects):

* :func:`build_lstm_autoencoder`: an encoder that reads a sequence (after an optional
  average-pooling front-end that shortens it ``pool_size`` times) and writes a code of
  ``code_size`` numbers, and a decoder that rebuilds the sequence from the code
  (``RepeatVector`` then an LSTM). Trained unsupervised to reproduce its input, the code
  keeps what is needed to redraw the sequence, with no labels.
* :func:`build_code_classifier`: a classifier on the code, with the encoder frozen (only
  a small head learns from the labels) or fine-tuned.
* :func:`build_seq2seq_forecaster`: an encoder LSTM whose final state starts a decoder
  LSTM that writes ``horizon`` future steps.
"""

from __future__ import annotations

from typing import Any

import keras

from lstmkit._validation import check_bool, check_int
from lstmkit.models._sizes import check_weights, lstm_weights

__all__ = ["build_code_classifier", "build_lstm_autoencoder", "build_seq2seq_forecaster"]


def build_lstm_autoencoder(
    sequence_length: int,
    features: int,
    *,
    code_size: int,
    units: int = 32,
    pool_size: int = 1,
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Build an LSTM autoencoder: encoder, decoder and the two joined.

    Use it to learn a short summary of long sequences without labels (then classify,
    cluster or search on the code), or to see what a compact code keeps, by comparing
    reconstructions with inputs. For long sequences, ``pool_size > 1`` averages each
    ``pool_size`` consecutive steps before the encoder LSTM and repeats each
    reconstructed step ``pool_size`` times at the end, so the LSTMs run over
    ``sequence_length // pool_size`` steps.

    Encoder: ``Input(sequence_length, features)`` -> ``AveragePooling1D(pool_size)``
    (when > 1) -> ``LSTM(units)`` -> ``Dense(code_size)`` (the code, linear).
    Decoder: ``Input(code_size)`` -> ``RepeatVector(sequence_length // pool_size)`` ->
    ``LSTM(units, return_sequences=True)`` -> ``Dense(features)`` on every step ->
    ``UpSampling1D(pool_size)`` (when > 1).

    Args:
        sequence_length: steps per sequence, >= 1; a multiple of ``pool_size``.
        features: features per step, >= 1.
        code_size: numbers in the code, >= 1.
        units: units of each LSTM, >= 1.
        pool_size: steps averaged into one before the encoder, >= 1.

    Returns:
        ``(encoder, decoder, autoencoder)``, uncompiled ``keras.Model`` objects that share
        weights: ``encoder`` maps ``(batch, sequence_length, features)`` to
        ``(batch, code_size)``, ``decoder`` maps it back, ``autoencoder`` chains both.
        Compile and fit ``autoencoder`` with the inputs as targets (``mse``).

    Example:
        >>> import numpy as np
        >>> from lstmkit.models import encoder_decoder
        >>> encoder, decoder, autoencoder = encoder_decoder.build_lstm_autoencoder(
        ...     120, 2, code_size=8, units=16, pool_size=4)
        >>> x = np.zeros((3, 120, 2), dtype="float32")
        >>> encoder.predict(x, verbose=0).shape, autoencoder.predict(x, verbose=0).shape
        ((3, 8), (3, 120, 2))
    """
    sequence_length = check_int(sequence_length, "sequence_length", minimum=1)
    features = check_int(features, "features", minimum=1)
    code_size = check_int(code_size, "code_size", minimum=1)
    units = check_int(units, "units", minimum=1)
    pool_size = check_int(
        pool_size, "pool_size", minimum=1, maximum=sequence_length,
        hint=f"It cannot exceed the sequence length {sequence_length}; use 1 for no pooling.",
    )
    if sequence_length % pool_size:
        lower = sequence_length - sequence_length % pool_size
        raise ValueError(
            f"`sequence_length` must be a multiple of `pool_size`. Received: "
            f"sequence_length={sequence_length}, pool_size={pool_size}. Crop the sequences "
            f"to {lower} steps (x[:, -{lower}:]) or pick a pool_size that divides "
            f"{sequence_length}."
        )
    reduced_length = sequence_length // pool_size
    check_weights(2 * lstm_weights(1, units), name="units", value=units)
    check_weights(2 * lstm_weights(features, 1) + features, name="features", value=features)
    check_weights(lstm_weights(code_size, 1) + code_size, name="code_size", value=code_size)
    check_weights(
        lstm_weights(features, units) + lstm_weights(code_size, units)
        + (units + 1) * (code_size + features),
        name="units", value=units,
    )

    inputs = keras.Input((sequence_length, features), name="sequence")
    hidden = inputs
    if pool_size > 1:
        hidden = keras.layers.AveragePooling1D(pool_size, name="pooling")(inputs)
    hidden = keras.layers.LSTM(units, name="encoder_lstm")(hidden)
    code = keras.layers.Dense(code_size, name="code")(hidden)
    encoder = keras.Model(inputs, code, name="encoder")

    code_input = keras.Input((code_size,), name="code_input")
    hidden = keras.layers.RepeatVector(reduced_length, name="repeat_code")(code_input)
    hidden = keras.layers.LSTM(units, return_sequences=True, name="decoder_lstm")(hidden)
    outputs = keras.layers.Dense(features, name="reconstruction")(hidden)
    if pool_size > 1:
        outputs = keras.layers.UpSampling1D(pool_size, name="upsampling")(outputs)
    decoder = keras.Model(code_input, outputs, name="decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    return encoder, decoder, autoencoder


def build_code_classifier(
    encoder: Any, num_classes: int, *, freeze_encoder: bool = True
) -> keras.Model:
    """Build a classifier that reads the code of a (trained) encoder.

    Use it after training an autoencoder on unlabelled data: with
    ``freeze_encoder=True`` only a softmax layer on the code learns from the labels (few
    parameters, little data needed); with ``False`` the encoder is fine-tuned too. The
    encoder is *copied* (same weights) so training the classifier never changes the
    autoencoder, and the copy is frozen, not the original.

    Args:
        encoder: a ``keras.Model`` with one input and a 2-D output ``(batch, code_size)``,
            such as the first model returned by :func:`build_lstm_autoencoder`.
        num_classes: classes to predict, >= 2.
        freeze_encoder: keep the copied encoder's weights fixed.

    Returns:
        An uncompiled ``keras.Model`` from the encoder's input to ``(batch, num_classes)``
        softmax probabilities; compile it with ``sparse_categorical_crossentropy``.

    Example:
        >>> from lstmkit.models import encoder_decoder
        >>> encoder, _, _ = encoder_decoder.build_lstm_autoencoder(50, 1, code_size=4, units=8)
        >>> classifier = encoder_decoder.build_code_classifier(encoder, 3)
        >>> classifier.output_shape, len(classifier.trainable_weights)  # the head only
        ((None, 3), 2)
        >>> encoder.trainable  # the original is untouched
        True
    """
    if not isinstance(encoder, keras.Model):
        raise TypeError(
            f"`encoder` must be a keras.Model. Received: encoder of type "
            f"{type(encoder).__name__}. Pass the encoder returned by build_lstm_autoencoder."
        )
    one_input = len(encoder.inputs or []) == 1
    one_output = len(encoder.outputs or []) == 1
    if not (one_input and one_output and len(encoder.outputs[0].shape) == 2):
        shapes = [tuple(output.shape) for output in encoder.outputs or []]
        raise ValueError(
            "`encoder` must have one input and one 2-D output (batch, code_size). "
            f"Received: a model with {len(encoder.inputs or [])} input(s) and output shapes "
            f"{shapes}. Pass the encoder returned by build_lstm_autoencoder."
        )
    num_classes = check_int(
        num_classes, "num_classes", minimum=2,
        hint="A classifier needs at least two classes; for one score use a Dense(1) head.",
    )
    freeze_encoder = check_bool(freeze_encoder, "freeze_encoder")
    code_size = encoder.outputs[0].shape[-1] or 1
    check_weights((code_size + 1) * num_classes, name="num_classes", value=num_classes)
    copy = keras.models.clone_model(encoder)
    copy.set_weights(encoder.get_weights())
    copy.trainable = not freeze_encoder
    inputs = keras.Input(tuple(encoder.inputs[0].shape[1:]), name="sequence")
    # training=False keeps a frozen encoder's layers in inference mode (dropout off).
    code = copy(inputs, training=False) if freeze_encoder else copy(inputs)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="classes")(code)
    return keras.Model(inputs, outputs, name="code_classifier")


def build_seq2seq_forecaster(
    input_length: int, horizon: int, features: int, *, units: int = 32
) -> keras.Model:
    """Build a sequence-to-sequence LSTM that reads a window and writes the next steps.

    Use it to forecast several steps at once from a window of history. The encoder LSTM
    reads ``input_length`` steps; its final state (``h``, ``c``) starts a decoder LSTM that
    runs for ``horizon`` steps over the repeated encoder output and writes every
    feature at every future step.

    Args:
        input_length: steps of history per window, >= 1.
        horizon: steps to forecast, >= 1.
        features: features per step (in and out), >= 1.
        units: units of each LSTM, >= 1.

    Returns:
        An uncompiled ``keras.Model`` from ``(batch, input_length, features)`` to
        ``(batch, horizon, features)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit.models import encoder_decoder
        >>> model = encoder_decoder.build_seq2seq_forecaster(52, 13, 1, units=8)
        >>> model.predict(np.zeros((2, 52, 1), "float32"), verbose=0).shape
        (2, 13, 1)
    """
    input_length = check_int(input_length, "input_length", minimum=1)
    horizon = check_int(horizon, "horizon", minimum=1, hint="Forecast at least one step.")
    features = check_int(features, "features", minimum=1)
    units = check_int(units, "units", minimum=1)
    check_weights(2 * lstm_weights(1, units), name="units", value=units)
    check_weights(lstm_weights(features, 1) + features, name="features", value=features)
    check_weights(
        lstm_weights(features, units) + lstm_weights(units, units) + (units + 1) * features,
        name="units", value=units,
    )
    inputs = keras.Input((input_length, features), name="history")
    encoder = keras.layers.LSTM(units, return_state=True, name="encoder_lstm")
    summary, state_h, state_c = encoder(inputs)
    repeated = keras.layers.RepeatVector(horizon, name="repeat_summary")(summary)
    decoded = keras.layers.LSTM(units, return_sequences=True, name="decoder_lstm")(
        repeated, initial_state=[state_h, state_c]
    )
    outputs = keras.layers.Dense(features, name="forecast")(decoded)
    return keras.Model(inputs, outputs, name="seq2seq_forecaster")
