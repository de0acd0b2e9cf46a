"""The LSTM cell behind VariationalLSTM and the argument checks both dropout layers share.

The cell keeps ``keras.layers.LSTM``'s fused-gate step (one input and one recurrent
matmul for all four gates) and multiplies the recurrent mask that ``VariationalLSTM``
draws once per sequence into the previous hidden state.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from lstmkit._validation import check_float, check_int


def _check_seed(seed: Any) -> int | None:
    if seed is None:
        return None
    # JAX keeps seeds as uint32: a larger one raised an OverflowError there, on TF it did not.
    return check_int(seed, "seed", minimum=0, maximum=2**32 - 1,
                     hint="Pass an integer between 0 and 2**32 - 1, or None.")


def _check_rate(value: Any, name: str) -> float:
    return check_float(
        value,
        name,
        minimum=0.0,
        maximum=1.0,
        include_maximum=False,
        hint=f"Use a fraction such as {name}=0.25; 0 turns it off.",
    )


class _VariationalLSTMCell(keras.layers.Layer):
    """One LSTM step, gate order i, f, c, o as in ``keras.layers.LSTMCell``.

    The recurrent dropout mask is set by :class:`VariationalLSTM` before the time loop
    and cleared after it, so the same mask serves every step of a sequence.
    """

    def __init__(self, units: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]
        self.output_size = units
        self.recurrent_mask = None

    def build(self, input_shape: tuple) -> None:
        units = self.units

        def bias_initializer(shape, dtype=None):
            # Forget-gate bias 1, like keras.layers.LSTM(unit_forget_bias=True).
            return ops.concatenate(
                [
                    ops.zeros((units,), dtype),
                    ops.ones((units,), dtype),
                    ops.zeros((2 * units,), dtype),
                ]
            )

        self.kernel = self.add_weight(
            shape=(input_shape[-1], 4 * units), name="kernel", initializer="glorot_uniform"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(units, 4 * units), name="recurrent_kernel", initializer="orthogonal"
        )
        self.bias = self.add_weight(shape=(4 * units,), name="bias", initializer=bias_initializer)

    def call(self, inputs: Any, states: Any) -> tuple[Any, list[Any]]:
        hidden, carry = states
        recurrent_input = hidden if self.recurrent_mask is None else hidden * self.recurrent_mask
        # Projecting all steps before the loop measured 1.6-2x slower on CPU (wide
        # per-step slices in the loop and its gradient), so the input matmul stays here.
        gates = (
            ops.matmul(inputs, self.kernel)
            + ops.matmul(recurrent_input, self.recurrent_kernel)
            + self.bias
        )
        input_gate, forget_gate, candidate, output_gate = ops.split(gates, 4, axis=-1)
        carry = ops.sigmoid(forget_gate) * carry + ops.sigmoid(input_gate) * ops.tanh(candidate)
        hidden = ops.sigmoid(output_gate) * ops.tanh(carry)
        return hidden, [hidden, carry]
