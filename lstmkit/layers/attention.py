"""Attention pooling over recurrent outputs: many-to-one models that can say where they looked.

A many-to-one LSTM usually classifies from its last state, which must carry everything it
saw over thousands of steps. ``AttentionPooling`` instead scores every step of the LSTM's
outputs, turns the scores into weights that sum to one over the real (unpadded) steps,
and returns the weighted average. The weights are a picture of where the model looked.
"""

from __future__ import annotations

import math
from typing import Any

import keras
from keras import ops

from lstmkit._validation import check_float, check_int, check_option

__all__ = ["AttentionPooling"]

SCORES = ("additive", "multiplicative")


@keras.saving.register_keras_serializable(package="lstmkit")
class AttentionPooling(keras.layers.Layer):
    """Pool a sequence ``(batch, steps, features)`` to ``(batch, features)`` with attention.

    Use it on top of ``keras.layers.LSTM(..., return_sequences=True)`` in a many-to-one
    model, instead of keeping only the last state: the model can then pick out the few
    steps that matter in a long sequence, and ``return_attention_scores=True`` shows which.

    Each step ``h_t`` (a vector of ``features`` numbers) gets a score ``s_t``; the weights
    are ``a = softmax(s)`` over the real steps, and the output is ``sum_t a_t * h_t``.

    - ``score="additive"`` (Bahdanau): ``s_t = v . tanh(W h_t + b)``, with ``W`` of shape
      ``(features, units)`` and ``b``, ``v`` of shape ``(units,)``.
    - ``score="multiplicative"`` (Luong): ``s_t = h_t . q / sqrt(features)`` with a learned
      query vector ``q`` of shape ``(features,)``. Luong's "general" score ``h_t W q``
      with a learned query reduces to this, since ``W q`` is itself just one learned
      vector; the ``1/sqrt(features)`` keeps scores in a range where softmax still learns.

    Masks are respected: padded steps get a weight of exactly 0 (their values change
    nothing), and a fully padded row gives zero weights and a zero output instead of NaN.
    No ``-1e9`` fill is used (it overflows in float16): the softmax is taken over the
    real steps only, in float32 even under the ``"mixed_float16"`` policy, so that weights
    over thousands of steps do not lose precision; outputs are in the layer's compute dtype.

    Args:
        score: ``"additive"`` or ``"multiplicative"``.
        units: size of the hidden layer of the additive score (``W``'s second axis).
            Defaults to ``None``: the number of input features. Only for
            ``score="additive"``.
        entropy_regularization: weight ``>= 0`` of an optional penalty against
            collapsing onto one step. The layer adds (with ``add_loss``)
            ``entropy_regularization * mean_over_batch(log(n) - entropy(a))``, where ``n``
            is the number of real steps in the row: the KL divergence from uniform
            attention to the weights. It is 0 when the weights are uniform and largest,
            ``log(n)``, when all weight sits on one step, so minimizing it pushes the
            entropy of the weights up. Defaults to ``0.0`` (no penalty). Try ``1e-3`` to
            ``1e-2``.
        **kwargs: base layer arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: a float tensor of shape ``(batch, steps, features)``.
        mask: optional boolean tensor ``(batch, steps)``, ``True`` on real steps. Passed
            automatically by Keras from ``Masking``/``Embedding(mask_zero=True)`` through
            an ``LSTM(return_sequences=True)``.
        return_attention_scores: if ``True``, also return the weights.

    Returns:
        The pooled tensor of shape ``(batch, features)``, or the pair ``(pooled,
        weights)`` with ``weights`` of shape ``(batch, steps)`` (each row sums to 1 over
        its real steps, or is all zeros for a fully padded row) when
        ``return_attention_scores=True``. The output carries no mask: it has no time axis.

    Saving: the class is registered as ``"lstmkit>AttentionPooling"``. Import
    ``lstmkit.layers.attention`` before ``keras.models.load_model`` (importing it
    registers the class), or loading fails with "Could not locate class".

    Example:
        >>> import numpy as np, keras
        >>> from lstmkit.layers.attention import AttentionPooling
        >>> outputs = np.ones((2, 5, 3), dtype="float32")    # (batch, steps, features)
        >>> mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
        >>> pooled, weights = AttentionPooling()(outputs, mask=mask,
        ...                                      return_attention_scores=True)
        >>> tuple(pooled.shape), tuple(weights.shape)
        ((2, 3), (2, 5))
        >>> np.round(keras.ops.convert_to_numpy(weights), 3)   # equal steps, equal weight
        array([[0.333, 0.333, 0.333, 0.   , 0.   ],
               [0.2  , 0.2  , 0.2  , 0.2  , 0.2  ]], dtype=float32)

        In a model:

        >>> inputs = keras.Input((None, 1))
        >>> sequence = keras.layers.Masking(0.0)(inputs)
        >>> sequence = keras.layers.LSTM(8, return_sequences=True)(sequence)
        >>> pooled = AttentionPooling("multiplicative")(sequence)
        >>> model = keras.Model(inputs, keras.layers.Dense(1)(pooled))
        >>> model.output_shape
        (None, 1)
    """

    def __init__(
        self,
        score: str = "additive",
        *,
        units: int | None = None,
        entropy_regularization: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.score = check_option(score, "score", SCORES)
        if units is not None:
            units = check_int(
                units, "units", minimum=1,
                hint="Pass a positive size such as units=32, or None to use the number of "
                "input features.",
            )
            if self.score != "additive":
                raise ValueError(
                    "`units` is only used by score='additive'; a multiplicative score has "
                    f"no hidden layer. Received: units={units}, score={score!r}. Drop "
                    "`units` or use score='additive'."
                )
        self.units = units
        self.entropy_regularization = check_float(
            entropy_regularization, "entropy_regularization", minimum=0.0,
            hint="Use 0.0 for no penalty, or a small weight such as 1e-3.",
        )
        self.supports_masking = True
        self.input_spec = keras.layers.InputSpec(ndim=3)

    def build(self, input_shape: tuple) -> None:
        features = input_shape[-1]
        if features is None:
            raise ValueError(
                "`AttentionPooling` needs a known number of features (the last axis). "
                f"Received: input_shape={tuple(input_shape)}. Give keras.Input a shape "
                "such as (None, 8)."
            )
        if self.score == "additive":
            units = self.units or features
            self.kernel = self.add_weight(
                name="kernel", shape=(features, units), initializer="glorot_uniform"
            )
            self.bias = self.add_weight(name="bias", shape=(units,), initializer="zeros")
            self.score_vector = self.add_weight(
                name="score_vector", shape=(units,), initializer="glorot_uniform"
            )
        else:
            self.query = self.add_weight(
                name="query", shape=(features,), initializer="glorot_uniform"
            )
        self.input_spec = keras.layers.InputSpec(ndim=3, axes={-1: features})

    def _scores(self, inputs: Any) -> Any:
        """Unnormalized scores, shape (batch, steps), in the compute dtype."""
        if self.score == "additive":
            hidden = ops.tanh(ops.matmul(inputs, self.kernel) + self.bias)
            return ops.matmul(hidden, self.score_vector)
        scale = ops.cast(1.0 / math.sqrt(inputs.shape[-1]), inputs.dtype)
        return ops.matmul(inputs, self.query) * scale

    def call(
        self, inputs: Any, mask: Any = None, return_attention_scores: bool = False
    ) -> Any:
        scores = ops.cast(self._scores(inputs), "float32")
        values = ops.cast(inputs, "float32")
        if mask is None:
            valid = ops.ones_like(scores, dtype="bool")
        else:
            valid = ops.cast(mask, "bool")
        any_valid = ops.any(valid, axis=-1, keepdims=True)
        lowest = ops.cast(-3.0e38, "float32")
        # Shift by the largest *real* score, so exp() never overflows and the exp of the
        # best real step is exactly 1: the sum is then >= 1 on any row with a real step.
        shift = ops.max(ops.where(valid, scores, lowest), axis=-1, keepdims=True)
        shift = ops.stop_gradient(ops.where(any_valid, shift, ops.zeros_like(shift)))
        # where() before exp(): padded scores never reach exp, so no inf * 0 = NaN,
        # neither in the forward pass nor in the gradient.
        centered = ops.where(valid, scores - shift, ops.zeros_like(scores))
        exponentials = ops.where(valid, ops.exp(centered), ops.zeros_like(scores))
        total = ops.maximum(ops.sum(exponentials, axis=-1, keepdims=True), 1.0)
        weights = exponentials / total
        values = ops.where(ops.expand_dims(valid, -1), values, ops.zeros_like(values))
        pooled = ops.squeeze(ops.matmul(ops.expand_dims(weights, 1), values), 1)

        if self.entropy_regularization > 0.0:
            # entropy = -sum a log a = log(total) - sum a * centered, exactly, with no log(0).
            entropy = ops.log(total[:, 0]) - ops.sum(weights * centered, axis=-1)
            steps = ops.maximum(ops.sum(ops.cast(valid, "float32"), axis=-1), 1.0)
            divergence = ops.log(steps) - entropy
            self.add_loss(self.entropy_regularization * ops.mean(divergence))

        pooled = ops.cast(pooled, self.compute_dtype)
        if return_attention_scores:
            return pooled, ops.cast(weights, self.compute_dtype)
        return pooled

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], input_shape[-1])

    def compute_output_spec(
        self, inputs: Any, mask: Any = None, return_attention_scores: bool = False
    ) -> Any:
        pooled = keras.KerasTensor(
            self.compute_output_shape(inputs.shape), dtype=self.compute_dtype
        )
        if return_attention_scores:
            weights = keras.KerasTensor(inputs.shape[:2], dtype=self.compute_dtype)
            return pooled, weights
        return pooled

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "score": self.score,
                "units": self.units,
                "entropy_regularization": self.entropy_regularization,
            }
        )
        return config
