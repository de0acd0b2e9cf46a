"""Recurrent dropout that keeps LSTMs fast: variational masks and a weight-dropped kernel.

Keras's own ``LSTM(recurrent_dropout=...)`` draws four masks per sequence and switches
to a step with separate matmuls per gate, which leaves the fused kernel (cuDNN on a GPU)
and measured 1.5-2.5x slower than a plain LSTM per epoch on a 2-core CPU
(``benchmarks/recurrent_dropout.py``). This module offers two alternatives built
on public Keras 3 APIs:

- :class:`VariationalLSTM`: one input mask and one recurrent mask per sequence, reused
  at every step (Gal & Ghahramani, 2016, tied-mask variant), so each step keeps the
  fused-gate form of ``keras.layers.LSTM`` (one input and one recurrent matmul for all
  four gates).
- :class:`WeightDropLSTM`: DropConnect on the recurrent kernel (Merity et al., 2018,
  AWD-LSTM): one mask per batch on the hidden-to-hidden weights, then the ordinary
  ``keras.layers.LSTM`` call, so the fused path (cuDNN on a GPU) is kept.

Both are inactive at inference (identical to a ``keras.layers.LSTM`` with the same
weights) and repeatable when active (same ``seed``, same masks).
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from lstmkit._validation import check_int
from lstmkit.layers._variational_cell import _check_rate, _check_seed, _VariationalLSTMCell

__all__ = ["VariationalLSTM", "WeightDropLSTM"]

# Arguments of keras.layers.RNN that VariationalLSTM passes through unchanged.
_RNN_ARGUMENTS = ("return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask")


@keras.saving.register_keras_serializable(package="lstmkit")
class VariationalLSTM(keras.layers.RNN):
    """LSTM with variational dropout: one mask per sequence, reused at every step.

    Use it to regularize an LSTM on long sequences: a fresh mask at every step (standard
    dropout on the state) destroys long memory, while one mask per sequence drops the
    same input features and hidden units at every step (Gal & Ghahramani, 2016). The
    same mask is shared by the four gates, so each step keeps the fused-gate form of
    ``keras.layers.LSTM`` (one input and one recurrent matmul for all four gates;
    Keras's ``recurrent_dropout`` uses four masks and a matmul per gate). Weights are laid out as
    in ``keras.layers.LSTM`` (``kernel``, ``recurrent_kernel``, ``bias``; gates i, f, c,
    o), so ``set_weights`` works across the two.

    On a GPU this layer runs a step-by-step loop (no cuDNN), like Keras's own
    ``recurrent_dropout``; when the fused kernel matters, use :class:`WeightDropLSTM`.

    Args:
        units: size of the hidden state, an integer >= 1.
        dropout_rate: fraction of input features dropped (same features at every step).
        recurrent_dropout_rate: fraction of hidden units dropped from the recurrent
            input (same units at every step; the state itself is kept whole).
        seed: integer seed for the masks, or None; the same seed gives the same masks.
        return_sequences: return the hidden state at every step instead of the last.
        **kwargs: ``return_state``, ``go_backwards``, ``stateful``, ``unroll``,
            ``zero_output_for_mask`` and base layer arguments (``name``, ``dtype``).

    Call arguments:
        sequences: float tensor of shape ``(batch, steps, features)``.
        initial_state: optional list ``[hidden, carry]``, each ``(batch, units)``.
        mask: optional boolean ``(batch, steps)``; masked steps keep the previous state.
        training: masks are drawn only when True.

    Returns:
        ``(batch, units)``, or ``(batch, steps, units)`` with ``return_sequences=True``
        (plus the final ``[hidden, carry]`` with ``return_state=True``).

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit.layers.recurrent_dropout import VariationalLSTM
        >>> layer = VariationalLSTM(4, dropout_rate=0.2, recurrent_dropout_rate=0.3, seed=1)
        >>> sequences = np.ones((2, 50, 3), dtype="float32")
        >>> tuple(layer(sequences).shape)
        (2, 4)
        >>> as_numpy = keras.ops.convert_to_numpy  # a tensor of any backend, as NumPy
        >>> bool(np.allclose(as_numpy(layer(sequences, training=True)),
        ...                  as_numpy(layer(sequences, training=True))))
        False
        >>> bool(np.allclose(as_numpy(layer(sequences)), as_numpy(layer(sequences))))  # no dropout
        True
    """

    def __init__(
        self,
        units: int,
        *,
        dropout_rate: float = 0.0,
        recurrent_dropout_rate: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        **kwargs: Any,
    ) -> None:
        units = check_int(units, "units", minimum=1, hint="Use the hidden size, e.g. units=32.")
        dropout_rate = _check_rate(dropout_rate, "dropout_rate")
        recurrent_dropout_rate = _check_rate(recurrent_dropout_rate, "recurrent_dropout_rate")
        seed = _check_seed(seed)
        rnn_arguments = {key: kwargs.pop(key) for key in _RNN_ARGUMENTS if key in kwargs}
        cell = _VariationalLSTMCell(units, dtype=kwargs.get("dtype"), name="variational_lstm_cell")
        super().__init__(cell, return_sequences=return_sequences, **rnn_arguments, **kwargs)
        self.input_spec = keras.layers.InputSpec(ndim=3)
        self.units = units
        self.dropout_rate = dropout_rate
        self.recurrent_dropout_rate = recurrent_dropout_rate
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _sequence_mask(self, batch_size: Any, width: int, rate: float) -> Any:
        ones = ops.ones((batch_size, width), dtype=self.compute_dtype)
        return keras.random.dropout(ones, rate, seed=self.seed_generator)

    def call(
        self,
        sequences: Any,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = False,
    ) -> Any:
        batch_size = ops.shape(sequences)[0]
        if training and self.dropout_rate > 0:
            input_mask = self._sequence_mask(
                batch_size, ops.shape(sequences)[-1], self.dropout_rate
            )
            sequences = sequences * ops.expand_dims(input_mask, 1)
        if training and self.recurrent_dropout_rate > 0:
            self.cell.recurrent_mask = self._sequence_mask(
                batch_size, self.units, self.recurrent_dropout_rate
            )
        try:
            return super().call(
                sequences, initial_state=initial_state, mask=mask, training=training
            )
        finally:
            self.cell.recurrent_mask = None

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["cell"]
        config.update(
            {
                "units": self.units,
                "dropout_rate": self.dropout_rate,
                "recurrent_dropout_rate": self.recurrent_dropout_rate,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        return cls(**config)


@keras.saving.register_keras_serializable(package="lstmkit")
class WeightDropLSTM(keras.layers.LSTM):
    """``keras.layers.LSTM`` with DropConnect on the recurrent kernel (AWD-LSTM).

    Use it to regularize the hidden-to-hidden weights without giving up speed: during
    training each call (each batch) draws one mask over the entries of the recurrent
    kernel, scales the kept entries by ``1 / (1 - weight_dropout_rate)``, and runs the
    ordinary LSTM computation with that kernel. Every step of every sequence in the batch
    sees the same dropped weights, so the fused path is kept: cuDNN on a GPU, the
    single-matmul step (``implementation=2``) on a CPU. Gradients flow to the undropped
    kernel through the mask. At inference the layer is a plain ``keras.layers.LSTM``.

    How: the dropped kernel is placed on ``self.cell.recurrent_kernel`` for the duration
    of the call and the variable is put back afterwards. ``keras.layers.LSTM`` reads that
    public attribute in both its cuDNN and its step-by-step path; no private Keras
    function is called. The tests pin this (training output equals a plain LSTM run
    with the masked kernel) so a Keras change that broke it would be caught.

    Args:
        units: size of the hidden state, an integer >= 1.
        weight_dropout_rate: fraction of recurrent-kernel entries dropped per batch
            (Merity et al. use 0.5 on word-level language models).
        seed: integer seed for the weight masks (and Keras's input ``dropout``), or None.
        **kwargs: any other ``keras.layers.LSTM`` argument (``return_sequences``,
            ``dropout``, ``kernel_regularizer``, ...) except ``recurrent_dropout``,
            which would leave the fused path.

    Call arguments and returns: as ``keras.layers.LSTM``.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit.layers.recurrent_dropout import WeightDropLSTM
        >>> layer = WeightDropLSTM(4, weight_dropout_rate=0.5, seed=3)
        >>> sequences = np.ones((2, 50, 3), dtype="float32")
        >>> tuple(layer(sequences).shape)
        (2, 4)
        >>> plain = keras.layers.LSTM(4)
        >>> _ = plain(sequences); plain.set_weights(layer.get_weights())
        >>> as_numpy = keras.ops.convert_to_numpy  # a tensor of any backend, as NumPy
        >>> bool(np.allclose(as_numpy(layer(sequences)), as_numpy(plain(sequences))))  # no dropout
        True
    """

    def __init__(
        self,
        units: int,
        *,
        weight_dropout_rate: float = 0.5,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        units = check_int(units, "units", minimum=1, hint="Use the hidden size, e.g. units=32.")
        weight_dropout_rate = _check_rate(weight_dropout_rate, "weight_dropout_rate")
        seed = _check_seed(seed)
        recurrent_dropout = kwargs.get("recurrent_dropout", 0.0)
        if recurrent_dropout:
            raise ValueError(
                "`recurrent_dropout` must be 0 in WeightDropLSTM: it takes the LSTM off "
                f"the fused kernel. Received: recurrent_dropout={recurrent_dropout!r}. "
                "Regularize the recurrent weights with `weight_dropout_rate` instead, or "
                "use VariationalLSTM for per-sequence masks."
            )
        super().__init__(units, seed=seed, **kwargs)
        self.weight_dropout_rate = weight_dropout_rate
        self.weight_seed_generator = keras.random.SeedGenerator(seed)

    def dropped_recurrent_kernel(self) -> Any:
        """Return the recurrent kernel with a fresh DropConnect mask (scaled), a tensor."""
        kernel = ops.convert_to_tensor(self.cell.recurrent_kernel)
        dropped = keras.random.dropout(
            kernel, self.weight_dropout_rate, seed=self.weight_seed_generator
        )
        return ops.cast(dropped, self.cell.compute_dtype)

    def call(
        self,
        sequences: Any,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = False,
    ) -> Any:
        if not (training and self.weight_dropout_rate > 0):
            return super().call(
                sequences, initial_state=initial_state, mask=mask, training=training
            )
        variable = self.cell.recurrent_kernel
        # Bypass Keras's attribute tracking: the tensor is temporary, the variable stays
        # the layer's weight.
        object.__setattr__(self.cell, "recurrent_kernel", self.dropped_recurrent_kernel())
        try:
            return super().call(
                sequences, initial_state=initial_state, mask=mask, training=training
            )
        finally:
            object.__setattr__(self.cell, "recurrent_kernel", variable)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["weight_dropout_rate"] = self.weight_dropout_rate
        return config
