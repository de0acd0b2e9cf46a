"""Checks of the model, inputs, targets and sample weights given to the TBPTT trainer."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from lstmkit._validation import check_array, check_int, check_same_length, received
from lstmkit.tbptt.recurrent_state import _check_model, _children, recurrent_layers

_TARGETS = ("auto", "per_sequence", "per_step")


def check_model_structure(model: Any) -> tuple[tuple, tuple]:
    """Return the input and output shapes of a model the trainer can run chunk by chunk."""
    model = _check_model(model)
    try:
        inputs, outputs = model.inputs, model.outputs
    except AttributeError:
        inputs = outputs = None
    if not inputs or not outputs:
        raise TypeError(
            "`model` must be a Sequential or functional keras.Model with known inputs. "
            f"Received: model of type {type(model).__name__} (a subclassed model has no "
            "`inputs`, so its batch size and chunk length cannot be read). Build it with "
            "keras.Sequential or keras.Model(inputs, outputs)."
        )
    if len(inputs) != 1 or len(outputs) != 1:
        raise ValueError(
            "`model` must have exactly one input and one output. Received: "
            f"{len(inputs)} input(s), {len(outputs)} output(s). "
            "Concatenate several inputs into one feature axis."
        )
    input_shape = tuple(inputs[0].shape)
    if len(input_shape) < 2 or input_shape[0] is None:
        raise ValueError(
            "`model` must have a fixed batch size for stateful training. Received: "
            f"input shape {input_shape}. Build it with "
            "keras.Input(batch_shape=(batch_size, chunk_length, features)) "
            "(Keras 3 rejects `batch_input_shape`)."
        )
    _refuse_backward_readers(model)
    layers = recurrent_layers(model)
    if not layers:
        raise ValueError(
            "`model` must contain a recurrent layer (LSTM, GRU, SimpleRNN or RNN). "
            f"Received: a model with layers {[layer.name for layer in model.layers]}."
        )
    not_stateful = [layer.name for layer in layers if not layer.stateful]
    if not_stateful:
        raise ValueError(
            "Every recurrent layer of `model` must be built with stateful=True, or "
            f"its state is not carried from chunk to chunk. Received: {not_stateful} "
            "with stateful=False. Rebuild them with stateful=True."
        )
    return input_shape, tuple(outputs[0].shape)


def _refuse_backward_readers(model: keras.Model) -> None:
    """Refuse layers that read time backwards: their state cannot follow chunk order.

    A backward direction reads each chunk from its last step to its first, but the
    trainer carries its state from chunk ``j`` to chunk ``j + 1``, in forward order. The
    backward pass of chunk ``j + 1`` then starts from the state that ended at the *first*
    step of chunk ``j``: the steps no longer join up, and the outputs differ from the same
    weights run over the whole sequence.
    """
    found: list[str] = []

    def visit(layer: Any) -> None:
        forward = getattr(layer, "forward_layer", None)
        if isinstance(forward, keras.layers.Layer) or getattr(layer, "go_backwards", False):
            found.append(f"{layer.name} ({type(layer).__name__})")
            return
        for child in _children(layer):
            visit(child)

    for layer in model.layers:
        visit(layer)
    if found:
        raise ValueError(
            "`model` must not contain layers that read the sequence backwards "
            "(Bidirectional, BidirectionalHalves, go_backwards=True) for truncated BPTT: "
            "the backward direction reads each chunk reversed while its state is carried "
            "from chunk to chunk in forward order, so the steps no longer join up and the "
            f"predictions are wrong. Received: {found}. Use forward stateful layers only, "
            "or train the bidirectional model on whole sequences with model.fit."
        )


def resolve_chunk_length(chunk_length: int | None, input_shape: tuple) -> int:
    """The chunk length: given, or the model's fixed time axis (and equal to it if both)."""
    model_chunk_length = input_shape[1]
    if chunk_length is None:
        if model_chunk_length is None:
            raise ValueError(
                "`chunk_length` must be given when the model's time axis is None. "
                f"Received: chunk_length=None, input shape {input_shape}. Pass "
                "chunk_length=100, for example."
            )
        chunk_length = model_chunk_length
    chunk_length = check_int(chunk_length, "chunk_length", minimum=1)
    if model_chunk_length is not None and chunk_length != model_chunk_length:
        raise ValueError(
            "`chunk_length` must equal the model's time axis when that is fixed. "
            f"{received(chunk_length=chunk_length)} The model's input shape is "
            f"{input_shape}. Pass chunk_length={model_chunk_length} or leave it None."
        )
    return chunk_length


def check_inputs(
    x: Any,
    name: str,
    *,
    input_shape: tuple,
    batch_size: int,
    chunk_length: int,
    fixed_chunk_length: bool,
) -> np.ndarray:
    """Check inputs: the model's feature shape, whole batches, whole chunks."""
    x = check_array(x, name, ndim=len(input_shape))
    expected = input_shape[2:]
    pairs = zip(expected, x.shape[2:], strict=True)
    if any(want is not None and want != got for want, got in pairs):
        raise ValueError(
            f"`{name}` must have shape (num_samples, sequence_length, *{expected}) to "
            f"match the model's input. Received: {name} with shape {x.shape}."
        )
    num_samples, sequence_length = x.shape[0], x.shape[1]
    if num_samples % batch_size:
        keep = num_samples - num_samples % batch_size
        pad = batch_size - num_samples % batch_size
        drop = f"Drop {num_samples - keep} ({name}[:{keep}]), or pad" if keep else "Pad"
        raise ValueError(
            f"The number of sequences in `{name}` must be a multiple of the model's "
            f"batch size {batch_size}: a stateful model cannot take a short last "
            f"batch (Keras 3.15 silently broadcasts it, 3.13 crashes). Received: "
            f"{num_samples} sequences. {drop} with {pad} more (for example repeated "
            "sequences), or rebuild the model with a batch size that divides "
            f"{num_samples}."
        )
    if sequence_length < chunk_length:
        raise ValueError(
            f"`{name}` must have at least chunk_length={chunk_length} steps. "
            f"Received: {name} with shape {x.shape}. Use a shorter chunk_length."
        )
    if fixed_chunk_length and sequence_length % chunk_length:
        extra = sequence_length % chunk_length
        raise ValueError(
            f"The length of `{name}` must be a multiple of chunk_length="
            f"{chunk_length} for a model with a fixed time axis. Received: "
            f"{name} with shape {x.shape} ({extra} steps left over). Drop the first "
            f"{extra} steps ({name}[:, {extra}:]), or build the model with "
            "keras.Input(batch_shape=(batch_size, None, features)) to accept a "
            "shorter last chunk."
        )
    return x


def detect_per_step(
    model: keras.Model, input_shape: tuple, output_shape: tuple, targets: str
) -> bool:
    """True when the output has one value per input step (its time axis follows the input)."""
    if targets != "auto":
        return targets == "per_step"
    if len(output_shape) < 3:
        return False
    if input_shape[1] is None:
        return output_shape[1] is None
    # A fixed time axis: ask what the output would be for a free one. An output axis that
    # stays fixed (RepeatVector, a Dense over time) does not follow the input's steps.
    try:
        probe = model.compute_output_shape((input_shape[0], None, *input_shape[2:]))
    except Exception:  # noqa: BLE001 - some layers cannot infer shapes; fall back
        return output_shape[1] == input_shape[1]
    return len(probe) >= 3 and probe[1] is None


def _target_tails(output_tail: tuple) -> list[tuple]:
    """Target shapes a Keras loss accepts for an output tail: the same, or labels."""
    tails = [output_tail]
    if output_tail:
        tails += [output_tail[:-1], (*output_tail[:-1], 1)]
    return tails


def _matches(tail: tuple, expected: tuple) -> bool:
    return len(tail) == len(expected) and all(
        want is None or want == got for want, got in zip(expected, tail, strict=True)
    )


def check_targets(
    x: np.ndarray, y: Any, output_shape: tuple, *, per_step: bool, name: str = "y"
) -> np.ndarray:
    """Check ``y`` against the model output: one target per sequence or one per step."""
    y = check_array(y, name)
    check_same_length("x" if name == "y" else "x_val", x, name, y)
    if per_step:
        tails = _target_tails(tuple(output_shape[2:]))
        if y.ndim < 2 or y.shape[1] != x.shape[1] or not any(
            _matches(tuple(y.shape[2:]), tail) for tail in tails
        ):
            allowed = " or ".join(str(("num_samples", x.shape[1], *t)) for t in tails)
            raise ValueError(
                f"`{name}` must hold one target per step, shape {allowed}, because the "
                f"model returns one output per step, {output_shape}. Received: {name} with "
                f"shape {y.shape} for x with shape {x.shape}."
            )
        return _same_rank(y, output_shape)
    tails = _target_tails(tuple(output_shape[1:]))
    if not any(_matches(tuple(y.shape[1:]), tail) for tail in tails):
        allowed = " or ".join(str(("num_samples", *t)) for t in tails)
        raise ValueError(
            f"`{name}` must hold one target per sequence, shape {allowed}, to match the "
            f"model's output {output_shape} (a mismatched shape would be broadcast by "
            f"the loss and train on the wrong pairs). Received: {name} with shape "
            f"{y.shape}. Reshape the targets, or change the model's output layer."
        )
    return _same_rank(y, output_shape)


def _same_rank(y: np.ndarray, output_shape: tuple) -> np.ndarray:
    """Give targets the output's rank (a view with a trailing axis of 1 when one short).

    Keras traces its train function for the first target shape and, on a second rank,
    retraces it with an unknown rank that its losses cannot handle: training on ``(N,)``
    and then ``(N, 1)`` targets would fail. One rank for both avoids the retrace.
    """
    return y[..., np.newaxis] if y.ndim == len(output_shape) - 1 else y


def check_sample_weight(
    x: np.ndarray, sample_weight: Any, *, per_step: bool, name: str = "sample_weight"
) -> np.ndarray | None:
    """Check weights: one per sequence ``(num_samples,)``, or per step for per-step targets."""
    if sample_weight is None:
        return None
    weights = check_array(sample_weight, name)
    check_same_length("x", x, name, weights)
    ok = weights.ndim == 1 or (per_step and weights.ndim == 2 and weights.shape[1] == x.shape[1])
    if not ok:
        shapes = "(num_samples,)" + (f" or (num_samples, {x.shape[1]})" if per_step else "")
        raise ValueError(
            f"`{name}` must have shape {shapes}. Received: {name} with shape "
            f"{weights.shape}. Give one weight per sequence"
            + (" or one per step." if per_step else ".")
        )
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError(
            f"`{name}` must hold finite non-negative numbers. Received: {name} with "
            f"minimum {np.nanmin(weights)}. Replace NaN and negative weights."
        )
    return weights
