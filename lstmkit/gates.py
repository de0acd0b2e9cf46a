"""Look inside a trained LSTM: gate activations over time, gradients over time, forget bias.

- :func:`record_gate_activations` recomputes the input, forget and output gates, the
  candidate and the cell state of a ``keras.layers.LSTM`` at every step from the layer's
  own weights (NumPy, float64), so you can plot what the layer remembers.
- :func:`gradient_norms_over_time` measures how strongly the loss reacts to each input
  step: the classic picture of vanishing gradients (SimpleRNN) against an LSTM.
- :class:`ForgetBiasInitializer` starts the forget gate open (or closed) by a chosen
  amount, where Keras's ``unit_forget_bias=True`` always uses 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from lstmkit._validation import check_array, check_float, check_same_length

__all__ = [
    "ForgetBiasInitializer",
    "GateActivations",
    "gradient_norms_over_time",
    "record_gate_activations",
]


@dataclass(frozen=True)
class GateActivations:
    """Per-step values inside an LSTM, each a float32 array ``(batch, steps, units)``.

    ``hidden_state`` equals the layer's output with ``return_sequences=True``, and
    ``hidden_state == output_gate * tanh(cell_state)`` at every step.
    """

    input_gate: np.ndarray
    forget_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray
    cell_state: np.ndarray
    hidden_state: np.ndarray


def _sigmoid(values):
    return 1.0 / (1.0 + np.exp(-values))


def _lstm_weights(layer):
    """Return (kernel, recurrent_kernel, bias) of a built LSTM-like layer, checked."""
    from lstmkit.layers.recurrent_dropout import VariationalLSTM

    if not isinstance(layer, (keras.layers.LSTM, VariationalLSTM)):
        raise TypeError(
            "`layer` must be a keras.layers.LSTM (or an lstmkit LSTM layer). "
            f"Received: layer of type {type(layer).__name__}. For a layer inside a model, "
            "pass model.get_layer(name)."
        )
    if not layer.built:
        raise ValueError(
            f"`layer` must be built (trained or called once). Received: layer {layer.name!r} "
            "with no weights yet. Call the model on a batch first."
        )
    if isinstance(layer, keras.layers.LSTM):
        names = (
            keras.activations.serialize(layer.activation),
            keras.activations.serialize(layer.recurrent_activation),
        )
        if names != ("tanh", "sigmoid") or not layer.use_bias:
            raise ValueError(
                "`layer` must use activation='tanh', recurrent_activation='sigmoid' and "
                f"use_bias=True. Received: activations {names}, use_bias={layer.use_bias}."
            )
    if layer.go_backwards:
        raise ValueError(
            "`layer` must read forwards. Received: go_backwards=True. Reverse the "
            "sequences yourself (sequences[:, ::-1]) and record a forward layer."
        )
    kernel, recurrent_kernel, bias = (
        np.asarray(w, dtype="float64") for w in layer.get_weights()[:3]
    )
    return kernel, recurrent_kernel, bias


def record_gate_activations(layer, sequences):
    """Recompute every gate and state of an LSTM layer over ``sequences``.

    Use it to watch what a trained LSTM does step by step: when the forget gate closes,
    when the input gate lets a signal in, how the cell state carries it. The values are
    recomputed in NumPy from the layer's weights (gate order i, f, c, o, as in Keras),
    starting from zero states; they match the layer's own outputs to about 1e-6.

    Args:
        layer: a built ``keras.layers.LSTM`` (tanh/sigmoid, with bias, forwards), or an
            lstmkit ``WeightDropLSTM`` / ``VariationalLSTM`` (dropout plays no part).
        sequences: the layer's input, an array ``(batch, steps, features)``. For a layer
            deeper in a model, feed it the previous layer's output.

    Returns:
        :class:`GateActivations` with arrays ``(batch, steps, units)``.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit.gates import record_gate_activations
        >>> layer = keras.layers.LSTM(3, return_sequences=True)
        >>> sequences = np.random.default_rng(0).normal(size=(2, 5, 4)).astype("float32")
        >>> outputs = np.asarray(layer(sequences))
        >>> gates = record_gate_activations(layer, sequences)
        >>> gates.forget_gate.shape
        (2, 5, 3)
        >>> bool(np.allclose(gates.hidden_state, outputs, atol=1e-5))
        True
    """
    kernel, recurrent_kernel, bias = _lstm_weights(layer)
    sequences = check_array(sequences, "sequences", ndim=3, dtype="float64")
    if sequences.shape[-1] != kernel.shape[0]:
        raise ValueError(
            f"`sequences` must have {kernel.shape[0]} features, the layer's input size. "
            f"Received: sequences with shape {sequences.shape}."
        )
    batch, steps, _ = sequences.shape
    units = recurrent_kernel.shape[0]
    projected = sequences @ kernel + bias  # all steps at once: (batch, steps, 4 * units)
    hidden = np.zeros((batch, units))
    carry = np.zeros((batch, units))
    names = ("input_gate", "forget_gate", "candidate", "output_gate", "cell_state", "hidden_state")
    records = {name: np.empty((batch, steps, units)) for name in names}
    for step in range(steps):
        gates = projected[:, step] + hidden @ recurrent_kernel
        input_gate = _sigmoid(gates[:, :units])
        forget_gate = _sigmoid(gates[:, units : 2 * units])
        candidate = np.tanh(gates[:, 2 * units : 3 * units])
        output_gate = _sigmoid(gates[:, 3 * units :])
        carry = forget_gate * carry + input_gate * candidate
        hidden = output_gate * np.tanh(carry)
        for name, value in zip(
            names, (input_gate, forget_gate, candidate, output_gate, carry, hidden), strict=True
        ):
            records[name][:, step] = value
    return GateActivations(**{name: value.astype("float32") for name, value in records.items()})


def gradient_norms_over_time(model, inputs, targets, *, loss=None):
    """Return the norm of d(loss)/d(input at step t) for every step t.

    Use it to see whether a recurrent model can learn from early steps at all: with
    vanishing gradients the norm falls by orders of magnitude from the last step back to
    the first. Dropout is off (``training=False``) so the measurement is repeatable.

    Args:
        model: a Keras model taking float sequences ``(batch, steps, features)`` (an
            ``Embedding`` input has no gradient with respect to its integer input).
        inputs: array ``(batch, steps, features)``.
        targets: array with one target per sample, as the loss expects.
        loss: a loss name or ``keras.losses.Loss``; defaults to the compiled loss.

    Returns:
        float64 array ``(steps,)``: for each step, the L2 norm of the gradient over the
        batch and feature axes.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit.gates import gradient_norms_over_time
        >>> model = keras.Sequential([keras.Input((20, 1)), keras.layers.SimpleRNN(4),
        ...                           keras.layers.Dense(1)])
        >>> inputs = np.random.default_rng(0).normal(size=(8, 20, 1)).astype("float32")
        >>> norms = gradient_norms_over_time(model, inputs, np.zeros((8, 1)), loss="mse")
        >>> norms.shape, bool(norms[-1] > norms[0])
        ((20,), True)
    """
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            "gradient_norms_over_time needs the TensorFlow backend. Received: backend "
            f"{keras.backend.backend()!r}. Set KERAS_BACKEND=tensorflow before importing keras."
        )
    import tensorflow as tf

    inputs = check_array(inputs, "inputs", ndim=3, dtype="float32")
    targets = check_array(targets, "targets", ndim=(1, 2, 3))
    check_same_length("inputs", inputs, "targets", targets)
    if loss is None:
        loss = getattr(model, "loss", None)
        if loss is None:
            raise ValueError(
                "`loss` must be given when the model is not compiled. Received: loss=None "
                "and a model without a compiled loss. Pass loss='mse' (for example)."
            )
    loss_function = keras.losses.get(loss)
    sequences = tf.convert_to_tensor(inputs)
    with tf.GradientTape() as tape:
        tape.watch(sequences)
        predictions = model(sequences, training=False)
        truth = tf.convert_to_tensor(targets, dtype=predictions.dtype)
        if truth.shape.rank == predictions.shape.rank - 1:  # (batch,) against (batch, 1)
            truth = tf.expand_dims(truth, -1)
        value = tf.reduce_mean(loss_function(truth, predictions))
    gradient = tape.gradient(value, sequences)
    if gradient is None:
        raise ValueError(
            "The loss does not depend on `inputs` through differentiable operations "
            "(for example an Embedding or integer input). Measure on a float input."
        )
    return np.sqrt(np.sum(np.square(gradient.numpy().astype("float64")), axis=(0, 2)))


@keras.saving.register_keras_serializable(package="lstmkit")
class ForgetBiasInitializer(keras.initializers.Initializer):
    """Bias initializer for an LSTM: ``value`` on the forget gate, 0 on the other gates.

    Use it to choose how open the forget gate starts: a positive bias (sigmoid(1) = 0.73,
    sigmoid(3) = 0.95) keeps the cell state from decaying early in training, which helps
    long memory; a negative one makes the cell forget quickly. Keras's
    ``unit_forget_bias=True`` is the special case ``value=1``. Pass it together with
    ``unit_forget_bias=False``, otherwise Keras ignores it for the forget gate.

    Args:
        value: the forget-gate bias, a finite number.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit.gates import ForgetBiasInitializer
        >>> layer = keras.layers.LSTM(2, bias_initializer=ForgetBiasInitializer(3.0),
        ...                           unit_forget_bias=False)
        >>> _ = layer(np.zeros((1, 4, 1), dtype="float32"))
        >>> np.asarray(layer.cell.bias).tolist()
        [0.0, 0.0, 3.0, 3.0, 0.0, 0.0, 0.0, 0.0]
    """

    def __init__(self, value=1.0):
        self.value = check_float(value, "value", hint="Use a forget-gate bias such as 1.0.")

    def __call__(self, shape, dtype=None):
        shape = tuple(int(size) for size in shape)
        if len(shape) != 1 or shape[0] % 4 != 0 or shape[0] == 0:
            raise ValueError(
                "ForgetBiasInitializer must initialize an LSTM bias of shape (4 * units,). "
                f"Received: shape={shape}. Use it as keras.layers.LSTM(..., "
                "bias_initializer=ForgetBiasInitializer(value), unit_forget_bias=False)."
            )
        units = shape[0] // 4
        bias = np.zeros(shape, dtype="float32")
        bias[units : 2 * units] = self.value
        return keras.ops.convert_to_tensor(bias, dtype=dtype or keras.backend.floatx())

    def get_config(self):
        return {"value": self.value}
