"""Look inside a trained LSTM: gate activations over time, gradients over time, forget bias.

- :func:`record_gate_activations` recomputes the input, forget and output gates, the
  candidate and the cell state of a ``keras.layers.LSTM`` at every step from the layer's
  own weights (NumPy, float64), so you can plot what the layer remembers.
- :func:`gradient_norms_over_time` measures how strongly the loss reacts to each input
  step: the classic picture of vanishing gradients (SimpleRNN) against an LSTM.
- :func:`lstm_forward_numpy` is the one NumPy reference LSTM of lstmkit (float64, gate
  order i, f, c, o as in Keras): tests and notebooks compare Keras layers against it.
- :class:`ForgetBiasInitializer` (now in :mod:`lstmkit.initializers`, re-exported here)
  starts the forget gate open (or closed) by a chosen amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from lstmkit._validation import check_allocation, check_array, check_same_length, received
from lstmkit.initializers import ForgetBiasInitializer

__all__ = [
    "ForgetBiasInitializer",
    "GateActivations",
    "gradient_norms_over_time",
    "lstm_forward_numpy",
    "record_gate_activations",
]

_GATE_NAMES = ("input_gate", "forget_gate", "candidate", "output_gate", "cell_state",
               "hidden_state")


@dataclass(frozen=True)
class GateActivations:
    """Per-step values inside an LSTM, each an array ``(batch, steps, units)``.

    float32 from :func:`record_gate_activations`, float64 from :func:`lstm_forward_numpy`.

    ``hidden_state`` equals the layer's output with ``return_sequences=True``, and
    ``hidden_state == output_gate * tanh(cell_state)`` at every step.
    """

    input_gate: np.ndarray
    forget_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray
    cell_state: np.ndarray
    hidden_state: np.ndarray


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


def _optional_array(value: Any, name: str, shape: tuple[int, int]) -> np.ndarray | None:
    if value is None:
        return None
    array = check_array(value, name, ndim=2, dtype="float64")
    if array.shape != shape:
        raise ValueError(
            f"`{name}` must have shape {shape}. Received: {name} with shape {array.shape}."
        )
    return array


def lstm_forward_numpy(
    inputs: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    *,
    initial_state: tuple[Any, Any] | None = None,
    input_mask: Any = None,
    recurrent_mask: Any = None,
) -> GateActivations:
    """Run an LSTM over ``inputs`` in NumPy (float64) and return every gate and state.

    Use it as the reference a Keras LSTM is checked against, or to teach the cell: it is
    the textbook recurrence with Keras's weight layout (gate order i, f, c, o; tanh
    candidate and cell output, sigmoid gates), step by step::

        z_t = x_t W + h_{t-1} U + b;  i, f, g, o = split(z_t, 4)
        c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g);  h_t = sigmoid(o) * tanh(c_t)

    Args:
        inputs: ``(batch, steps, features)``.
        kernel: ``(features, 4 * units)``, ``layer.get_weights()[0]``.
        recurrent_kernel: ``(units, 4 * units)``, ``layer.get_weights()[1]``.
        bias: ``(4 * units,)``, ``layer.get_weights()[2]``.
        initial_state: ``(hidden, carry)``, each ``(batch, units)``; default zeros.
        input_mask: ``(batch, features)`` multiplied into every step's input (a
            variational dropout mask, already scaled by ``1 / (1 - rate)``), or None.
        recurrent_mask: ``(batch, units)`` multiplied into ``h_{t-1}`` before the
            recurrent product, or None.

    Returns:
        :class:`GateActivations` of float64 arrays ``(batch, steps, units)``; the gates
        after their activations. ``hidden_state[:, -1]`` is the layer's output without
        ``return_sequences``.

    Example:
        >>> import numpy as np
        >>> from lstmkit.gates import lstm_forward_numpy
        >>> kernel, recurrent_kernel = np.full((1, 4), 0.5), np.full((1, 4), -0.5)
        >>> states = lstm_forward_numpy(np.ones((1, 2, 1)), kernel, recurrent_kernel, np.zeros(4))
        >>> states.hidden_state.shape, round(float(states.cell_state[0, 0, 0]), 6)
        ((1, 2, 1), 0.287649)
    """
    inputs = check_array(inputs, "inputs", ndim=3, dtype="float64")
    kernel = check_array(kernel, "kernel", ndim=2, dtype="float64")
    recurrent_kernel = check_array(recurrent_kernel, "recurrent_kernel", ndim=2, dtype="float64")
    bias = check_array(bias, "bias", ndim=1, dtype="float64")
    batch, steps, features = inputs.shape
    units = recurrent_kernel.shape[0]
    if (
        kernel.shape != (features, 4 * units)
        or recurrent_kernel.shape != (units, 4 * units)
        or bias.shape != (4 * units,)
    ):
        raise ValueError(
            f"`kernel`, `recurrent_kernel` and `bias` must have shapes ({features}, 4 * units), "
            f"(units, 4 * units) and (4 * units,) for inputs with {features} features. "
            f"Received: shapes {kernel.shape}, {recurrent_kernel.shape} and {bias.shape}. "
            f"Pass `layer.get_weights()[:3]` of a built keras.layers.LSTM."
        )
    check_allocation(
        # the six records plus the projected inputs (4 * units per step)
        (len(_GATE_NAMES) + 4) * batch * steps * units, 8, name="inputs", value=inputs,
        hint="Record fewer sequences or steps at a time.",
    )
    hidden, carry = np.zeros((batch, units)), np.zeros((batch, units))
    if initial_state is not None:
        if not isinstance(initial_state, (tuple, list)) or len(initial_state) != 2:
            raise TypeError(
                f"`initial_state` must be a pair (hidden, carry) or None. Received: "
                f"initial_state of type {type(initial_state).__name__}."
            )
        hidden = _optional_array(initial_state[0], "initial_state[0]", (batch, units))
        carry = _optional_array(initial_state[1], "initial_state[1]", (batch, units))
    input_mask = _optional_array(input_mask, "input_mask", (batch, features))
    recurrent_mask = _optional_array(recurrent_mask, "recurrent_mask", (batch, units))
    if input_mask is not None:
        inputs = inputs * input_mask[:, None, :]
    projected = inputs @ kernel + bias  # all steps at once: (batch, steps, 4 * units)
    records = {name: np.empty((batch, steps, units)) for name in _GATE_NAMES}
    for step in range(steps):
        recurrent = hidden if recurrent_mask is None else hidden * recurrent_mask
        gates = projected[:, step] + recurrent @ recurrent_kernel
        input_gate = _sigmoid(gates[:, :units])
        forget_gate = _sigmoid(gates[:, units : 2 * units])
        candidate = np.tanh(gates[:, 2 * units : 3 * units])
        output_gate = _sigmoid(gates[:, 3 * units :])
        carry = forget_gate * carry + input_gate * candidate
        hidden = output_gate * np.tanh(carry)
        values = (input_gate, forget_gate, candidate, output_gate, carry, hidden)
        for name, value in zip(_GATE_NAMES, values, strict=True):
            records[name][:, step] = value
    return GateActivations(**records)


def _lstm_weights(layer: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    kernel, recurrent_kernel, bias = (np.asarray(w, "float64") for w in layer.get_weights()[:3])
    return kernel, recurrent_kernel, bias


def record_gate_activations(layer: Any, sequences: Any) -> GateActivations:
    """Recompute every gate and state of an LSTM layer over ``sequences``.

    Use it to watch what a trained LSTM does step by step: when the forget gate closes,
    when the input gate lets a signal in, how the cell state carries it. The values are
    recomputed by :func:`lstm_forward_numpy` from the layer's weights (gate order i, f,
    c, o, as in Keras), starting from zero states; they match the layer's own outputs to
    about 1e-6.

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
        >>> outputs = keras.ops.convert_to_numpy(layer(sequences))
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
    states = lstm_forward_numpy(sequences, kernel, recurrent_kernel, bias)
    return GateActivations(**{name: getattr(states, name).astype("float32")
                              for name in _GATE_NAMES})


def gradient_norms_over_time(
    model: keras.Model, inputs: Any, targets: Any, *, loss: Any = None
) -> np.ndarray:
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
    try:
        loss_function = keras.losses.get(loss)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"`loss` must be a Keras loss name, a keras.losses.Loss or a function. "
            f"{received(loss=loss)} ({error})"
        ) from None
    def value_of(sequences: Any) -> Any:
        predictions = model(sequences, training=False)
        truth = keras.ops.convert_to_tensor(targets, dtype=predictions.dtype)
        if len(truth.shape) == len(predictions.shape) - 1:  # (batch,) against (batch, 1)
            truth = keras.ops.expand_dims(truth, -1)
        return keras.ops.mean(loss_function(truth, predictions))

    gradient = _input_gradient(value_of, inputs)
    if gradient is None:
        raise ValueError(
            "The loss does not depend on `inputs` through differentiable operations "
            "(for example an Embedding or integer input). Measure on a float input."
        )
    return np.sqrt(np.sum(np.square(gradient.astype("float64")), axis=(0, 2)))


def _input_gradient(value_of: Any, inputs: np.ndarray) -> np.ndarray | None:
    """d value_of(inputs) / d inputs with the backend's own autodiff (None: no path)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        sequences = tf.convert_to_tensor(inputs)
        with tf.GradientTape() as tape:
            tape.watch(sequences)
            value = value_of(sequences)
        gradient = tape.gradient(value, sequences)
    elif backend == "jax":
        import jax

        gradient = jax.grad(value_of)(keras.ops.convert_to_tensor(inputs))
        if not np.any(keras.ops.convert_to_numpy(gradient)):
            return None  # JAX returns zeros where TensorFlow returns None
    elif backend == "torch":
        sequences = keras.ops.convert_to_tensor(inputs).detach().requires_grad_(True)
        value_of(sequences).backward()
        gradient = sequences.grad
    else:
        raise RuntimeError(
            "gradient_norms_over_time needs a backend with gradients: tensorflow, jax or "
            f"torch. Received: backend {backend!r}. Set KERAS_BACKEND before importing keras."
        )
    return None if gradient is None else keras.ops.convert_to_numpy(gradient)
