"""A bidirectional wrapper whose two directions each read only one half of the sequence.

``keras.layers.Bidirectional`` runs one recurrent layer forward over *all* steps and a
second one backward over *all* steps, so each direction still has to carry information
across the full length. ``BidirectionalHalves`` splits the sequence in the middle: the
forward layer reads the first half from its start to the middle, the backward layer reads
the second half from its end back to the middle. Every step is then at most about ``T/2``
steps from the end of the direction that read it, the longest path a gradient has to
travel is halved, and the two halves run as two shorter recurrences.

What it loses: no direction ever sees both halves, so an interaction between something
early and something late (an event in the first half that changes what an event in the
second half means) can only be learned by the layers *after* this one, from two summary
vectors.
"""

from __future__ import annotations

import copy
from typing import Any

import keras
from keras import ops

from lstmkit._validation import check_option

__all__ = ["BidirectionalHalves"]

MERGE_MODES = ("concat", "sum", "ave", "mul")


@keras.saving.register_keras_serializable(package="lstmkit")
class BidirectionalHalves(keras.layers.Layer):
    """Run a recurrent layer forward over the first half and backward over the second half.

    Use it instead of ``keras.layers.Bidirectional`` in a many-to-one model when the
    sequence is too long for one direction to carry information across all of it: each
    direction reads only half the steps, so each has half as far to remember, and the
    merged output summarizes both ends.

    With ``T`` steps, the forward copy of ``layer`` reads steps ``0 .. ceil(T/2) - 1`` in
    order; the backward copy reads steps ``ceil(T/2) .. T - 1`` from the last one back.
    For an odd ``T`` the first (forward) half gets the extra step: ``T = 5`` gives the
    forward direction steps 0, 1, 2 and the backward direction steps 4, 3. Both
    directions therefore finish next to the middle of the sequence, and the two outputs
    are merged like ``keras.layers.Bidirectional`` merges its two outputs.

    Like ``keras.layers.Bidirectional``, the wrapper builds two fresh layers from
    ``layer``'s configuration (named ``forward_<name>`` and ``backward_<name>``, the
    second with ``go_backwards=True``): the weights of ``layer`` itself are not reused.

    Masks are split with the halves: the forward layer gets the mask's first
    ``ceil(T/2)`` columns and the backward layer the rest, so padded steps change
    nothing. If a row's real steps all lie in the first half (a short sequence padded on
    the right), the backward direction sees only padding and outputs its initial state,
    zeros. On a GPU, cuDNN's fused kernel accepts only right-padded masks; the backward
    direction reads its mask reversed, so masked inputs run on the slower generic kernel,
    as with ``keras.layers.Bidirectional``.

    Args:
        layer: a ``keras.layers.RNN`` instance such as ``keras.layers.LSTM(32)``,
            ``keras.layers.GRU(32)`` or ``keras.layers.RNN(cell)``, with
            ``return_sequences=False`` (the default), ``return_state=False``,
            ``stateful=False`` and ``go_backwards=False``. The reasons: the two
            directions read different steps, so there is no step where both have an
            output to merge (``return_sequences``); the layer is meant for many-to-one
            heads and keeps its outputs to one tensor (``return_state``); a state carried
            from one batch to the next would join the middle of one batch to the start of
            the next (``stateful``); the wrapper sets the directions itself
            (``go_backwards``).
        merge_mode: how the two outputs are combined: ``"concat"`` (the default; the
            output has twice the layer's units), ``"sum"``, ``"ave"`` or ``"mul"``.
        **kwargs: base layer arguments such as ``name`` and ``dtype``.

    Call arguments:
        inputs: a float tensor of shape ``(batch, steps, features)``. A model built
            with a fixed ``steps`` needs ``steps >= 2``. With a free time axis
            (``keras.Input((None, features))``, as with bucketed batches) a batch of
            1-step sequences is accepted: the backward half is empty and contributes
            its initial state, zeros, like a half that holds only padding.
        mask: optional boolean tensor ``(batch, steps)``, ``True`` on real steps.
        training: passed to both directions (it switches the wrapped layer's dropout).

    Returns:
        A tensor of shape ``(batch, 2 * units)`` for ``merge_mode="concat"``, otherwise
        ``(batch, units)``. It carries no mask: it has no time axis.

    Saving: the class is registered as ``"lstmkit>BidirectionalHalves"``; import
    ``lstmkit.layers.bidirectional_halves`` (or ``lstmkit``) before
    ``keras.models.load_model``.

    Example:
        >>> import numpy as np, keras
        >>> from lstmkit.layers.bidirectional_halves import BidirectionalHalves
        >>> inputs = keras.Input((1460, 1))
        >>> summary = BidirectionalHalves(keras.layers.LSTM(16))(inputs)
        >>> model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(summary))
        >>> model.output_shape
        (None, 10)

        The two directions are two ordinary layers run on the two halves:

        >>> layer = BidirectionalHalves(keras.layers.GRU(4), merge_mode="sum")
        >>> sequences = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
        >>> merged = keras.ops.convert_to_numpy(layer(sequences))
        >>> forward = keras.ops.convert_to_numpy(layer.forward_layer(sequences[:, :3]))  # 0-2
        >>> backward = keras.ops.convert_to_numpy(layer.backward_layer(sequences[:, 3:]))  # 4, 3
        >>> bool(np.allclose(merged, forward + backward, atol=1e-6))
        True
    """

    def __init__(
        self, layer: keras.layers.RNN, merge_mode: str = "concat", **kwargs: Any
    ) -> None:
        _check_recurrent_layer(layer)
        self.merge_mode = check_option(merge_mode, "merge_mode", MERGE_MODES)
        super().__init__(**kwargs)
        # Rebuild both directions from the configuration, as keras.layers.Bidirectional
        # does, so neither shares weights or state with the layer that was passed in.
        self.forward_layer = _copy_layer(layer, prefix="forward_", go_backwards=False)
        self.backward_layer = _copy_layer(layer, prefix="backward_", go_backwards=True)
        self.supports_masking = True
        self.input_spec = keras.layers.InputSpec(ndim=3)

    def _split_point(self, steps: Any) -> Any:
        """Where the first half ends: ceil(steps / 2) (works for a symbolic length too)."""
        return (steps + 1) // 2

    def build(self, input_shape: tuple) -> None:
        steps = input_shape[1]
        if steps is not None and steps < 2:
            raise ValueError(
                "`BidirectionalHalves` needs sequences of at least 2 steps, one for each "
                f"half. Received: input_shape={tuple(input_shape)}. Use a longer sequence "
                "or the wrapped layer on its own."
            )
        first = None if steps is None else self._split_point(steps)
        second = None if steps is None else steps - first
        self.forward_layer.build((input_shape[0], first, input_shape[2]))
        self.backward_layer.build((input_shape[0], second, input_shape[2]))

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        steps = inputs.shape[1]
        if steps is not None and steps < 2:
            # A model built for a free length met a 1-step batch whose length is known
            # while tracing: the backward half is empty, so it keeps its initial state.
            forward = self.forward_layer(inputs, mask=mask, training=training)
            return self._merge(forward, ops.zeros_like(forward))
        middle = self._split_point(ops.shape(inputs)[1] if steps is None else steps)
        first_mask = second_mask = None
        if mask is not None:
            first_mask, second_mask = mask[:, :middle], mask[:, middle:]
        forward = self.forward_layer(inputs[:, :middle], mask=first_mask, training=training)
        second = inputs[:, middle:]
        if steps is None:
            # The length is only known at run time and may be 1 (a bucket of 1-step
            # sequences), which leaves the second half empty: the recurrent layer cannot
            # run over 0 steps. Append one masked step; masked steps keep the state, so
            # the result is unchanged for longer inputs and is the initial state, zeros,
            # for an empty half (as for a half that holds only padding).
            if second_mask is None:
                second_mask = ops.ones_like(second[:, :, 0], dtype="bool")
            second = ops.concatenate([second, ops.zeros_like(inputs[:, :1])], axis=1)
            second_mask = ops.concatenate(
                [ops.cast(second_mask, "bool"), mask_column(inputs)], axis=1
            )
        backward = self.backward_layer(second, mask=second_mask, training=training)
        return self._merge(forward, backward)

    def _merge(self, forward: Any, backward: Any) -> Any:
        forward = ops.cast(forward, self.compute_dtype)
        backward = ops.cast(backward, self.compute_dtype)
        if self.merge_mode == "concat":
            return ops.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "ave":
            return (forward + backward) / 2
        return forward * backward

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        units = self.forward_layer.compute_output_shape(input_shape)[-1]
        if self.merge_mode == "concat" and units is not None:
            units *= 2
        return (input_shape[0], units)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        layer = keras.saving.serialize_keras_object(self.forward_layer)
        name = layer["config"]["name"]
        layer["config"]["name"] = name[len("forward_") :] if name.startswith("forward_") else name
        config.update({"layer": layer, "merge_mode": self.merge_mode})
        return config

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> BidirectionalHalves:
        config = copy.deepcopy(config)
        config["layer"] = keras.saving.deserialize_keras_object(
            config["layer"], custom_objects=custom_objects
        )
        return cls(**config)


def mask_column(inputs: Any) -> Any:
    """A boolean ``(batch, 1)`` column of False, for one masked step."""
    return ops.zeros_like(inputs[:, :1, 0], dtype="bool")


def _check_recurrent_layer(layer: Any) -> None:
    if not isinstance(layer, keras.layers.RNN):
        raise TypeError(
            "`layer` must be a Keras recurrent layer (an instance of keras.layers.RNN, such "
            f"as keras.layers.LSTM(32)). Received: layer of type {type(layer).__name__}. "
            "Wrap the recurrent layer itself, for example "
            "BidirectionalHalves(keras.layers.LSTM(32))."
        )
    reasons = {
        "return_sequences": "the two directions read different steps, so no step has "
        "an output from both to merge. Use return_sequences=False, or "
        "keras.layers.Bidirectional for per-step outputs",
        "return_state": "the wrapper returns one merged tensor for many-to-one models. "
        "Use return_state=False",
        "stateful": "a state carried to the next batch would join the middle of one "
        "sequence to the start of the next. Use stateful=False",
        "go_backwards": "the wrapper sets each direction itself. Pass the layer with "
        "go_backwards=False",
    }
    for attribute, reason in reasons.items():
        value = getattr(layer, attribute, False)
        if value:
            raise ValueError(
                f"`BidirectionalHalves` does not support {attribute}=True in the wrapped "
                f"layer: {reason}. Received: layer={layer.name!r} with {attribute}={value}."
            )


def _copy_layer(layer: keras.layers.RNN, *, prefix: str, go_backwards: bool) -> Any:
    config = keras.saving.serialize_keras_object(layer)
    name = config["config"]["name"]
    config["config"]["name"] = prefix + (name[len(prefix) :] if name.startswith(prefix) else name)
    config["config"]["go_backwards"] = go_backwards
    copied = keras.saving.deserialize_keras_object(config)
    if hasattr(layer, "use_cudnn"):  # not part of the config in every Keras version
        copied.use_cudnn = layer.use_cudnn
    return copied
