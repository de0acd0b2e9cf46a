"""Random sampling: drop random steps, cut random or evenly spaced crops, predict over crops.

Crops take either an array ``(N, T)`` / ``(N, T, C)`` or a list of arrays ``(T_i,)`` /
``(T_i, C)`` of different lengths. With a list, every crop lies inside its sequence's
real steps (starts are drawn from ``0..T_i - crop_length``), so a crop never contains
padding: pass sequences *before* padding them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import (
    check_bool,
    check_int,
    check_option,
    check_random_state,
    check_sequences,
)
from lstmkit.reduction._common import (
    check_any_sequences,
    check_crop_allocation,
    check_crop_length,
    gather_crops,
)

__all__ = ["drop_random_steps", "evenly_spaced_crops", "predict_over_crops", "random_crops"]


def drop_random_steps(sequences: Any, *, num_kept: int, seed: Any = None) -> np.ndarray:
    """Keep ``num_kept`` random steps of each sequence, in their original order.

    Each sample gets its own random subset, so calling it again every epoch is an
    augmentation; the steps kept are irregularly spaced, so anything the model learns
    about exact spacing is lost.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        num_kept: steps to keep per sequence, between 1 and ``T``.
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        An array ``(N, num_kept)`` or ``(N, num_kept, C)``, same dtype as the input.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.tile(np.arange(10), (2, 1))              # two sequences 0..9
        >>> kept = reduction.drop_random_steps(x, num_kept=4, seed=0)
        >>> kept.shape, bool((np.diff(kept, axis=1) > 0).all())   # order preserved
        ((2, 4), True)
    """
    array = check_sequences(sequences)
    steps = array.shape[1]
    num_kept = check_int(
        num_kept, "num_kept", minimum=1, maximum=steps,
        hint=f"The sequences have {steps} steps.",
    )
    generator = check_random_state(seed)
    # The num_kept smallest of T uniform keys per row: a uniform random subset.
    keys = generator.random((array.shape[0], steps))
    chosen = np.sort(np.argpartition(keys, num_kept - 1, axis=1)[:, :num_kept], axis=1)
    index = chosen.reshape(chosen.shape + (1,) * (array.ndim - 2))
    return np.take_along_axis(array, index, axis=1)


def random_crops(
    sequences: Any,
    *,
    crop_length: int,
    num_crops: int = 1,
    seed: Any = None,
    return_starts: bool = False,
) -> Any:
    """Cut ``num_crops`` random contiguous windows of ``crop_length`` steps per sequence.

    Training on random crops makes each epoch see different parts of every sequence
    (augmentation) while each step costs only ``crop_length`` steps. It works when the
    label can be read from any part; it fails when the signal sits in one short place
    that most crops miss.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths (crops stay inside each one).
        crop_length: steps per crop, between 1 and ``T`` (the shortest ``T_i``).
        num_crops: crops per sequence, >= 1.
        seed: ``None``, an int or a ``numpy.random.Generator``.
        return_starts: also return the start step of each crop.

    Returns:
        An array ``(N * num_crops, crop_length, ...)``, sample-major: rows
        ``[i * num_crops, (i + 1) * num_crops)`` come from sample ``i``, so labels for
        it are ``np.repeat(labels, num_crops)``. With ``return_starts=True``, also
        an int array ``(N, num_crops)`` of start steps (uniform over
        ``0..T_i-crop_length``).

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.arange(20).reshape(2, 10)              # sample 1 holds 10..19
        >>> crops, starts = reduction.random_crops(
        ...     x, crop_length=3, num_crops=2, seed=0, return_starts=True)
        >>> crops.shape, starts.shape
        ((4, 3), (2, 2))
        >>> bool((crops[2] == x[1, starts[1, 0]:starts[1, 0] + 3]).all())
        True
    """
    sequences, lengths = check_any_sequences(sequences)
    crop_length = check_crop_length(crop_length, int(lengths.min()))
    num_crops = check_int(num_crops, "num_crops", minimum=1)
    return_starts = check_bool(return_starts, "return_starts")
    count = len(lengths)
    check_crop_allocation(count * num_crops, crop_length, sequences[0], name="num_crops",
                          value=num_crops)
    generator = check_random_state(seed)
    starts = generator.integers(0, (lengths - crop_length + 1)[:, None], size=(count, num_crops))
    rows = np.repeat(np.arange(count), num_crops)
    crops = gather_crops(sequences, rows, starts.reshape(-1), crop_length)
    return (crops, starts) if return_starts else crops


def evenly_spaced_crops(sequences: Any, *, crop_length: int, num_crops: int) -> np.ndarray:
    """Cut ``num_crops`` windows of ``crop_length`` steps, evenly spaced from start to end.

    The deterministic counterpart of :func:`random_crops` for test time: the first crop
    starts at step 0, the last ends at step ``T`` (``T_i`` for a list), the others are
    spread between them (they overlap when ``num_crops * crop_length > T``).

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths (crops stay inside each one).
        crop_length: steps per crop, between 1 and ``T`` (the shortest ``T_i``).
        num_crops: crops per sequence, >= 1 (one crop is centred).

    Returns:
        An array ``(N * num_crops, crop_length, ...)``, sample-major like
        :func:`random_crops`.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.arange(10)[None, :]
        >>> reduction.evenly_spaced_crops(x, crop_length=4, num_crops=3)
        array([[0, 1, 2, 3],
               [3, 4, 5, 6],
               [6, 7, 8, 9]])
    """
    sequences, lengths = check_any_sequences(sequences)
    crop_length = check_crop_length(crop_length, int(lengths.min()))
    num_crops = check_int(num_crops, "num_crops", minimum=1)
    count = len(lengths)
    check_crop_allocation(count * num_crops, crop_length, sequences[0], name="num_crops",
                          value=num_crops)
    last_start = lengths - crop_length
    if num_crops == 1:
        starts = (last_start // 2)[:, None]
    else:
        # As np.linspace(0, last_start, num_crops) per sequence, rounded to a step.
        step = last_start[:, None] / (num_crops - 1)
        starts = np.round(np.arange(num_crops)[None, :] * step)
        starts[:, -1] = last_start
    rows = np.repeat(np.arange(count), num_crops)
    return gather_crops(sequences, rows, starts.astype(np.int64).reshape(-1), crop_length)


def predict_over_crops(
    model: Any,
    sequences: Any,
    *,
    crop_length: int,
    num_crops: int = 5,
    placement: str = "even",
    seed: Any = None,
    batch_size: int = 64,
) -> np.ndarray:
    """Predict on several crops of each sequence and average the predictions.

    A model trained on crops sees only part of a test sequence per call; averaging over
    crops that together cover the sequence uses all of it, and smooths out crops that
    miss the signal. Cost: ``num_crops`` forward passes per sample.

    Args:
        model: a Keras model (anything with ``predict``) that takes crops
            ``(batch, crop_length, ...)`` and returns ``(batch, ...)`` predictions.
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths (crops stay inside each one).
        crop_length: the crop length the model was trained on.
        num_crops: crops per sequence.
        placement: ``"even"`` (:func:`evenly_spaced_crops`, deterministic) or
            ``"random"`` (:func:`random_crops` with ``seed``).
        seed: used only with ``placement="random"``.
        batch_size: passed to ``model.predict``.

    Returns:
        An array ``(N, ...)``: the mean of the model's outputs over each sample's
        crops (average probabilities, not labels).

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> class MeanModel:                        # stands in for a Keras model
        ...     def predict(self, x, batch_size=None, verbose=0):
        ...         return x.mean(axis=1, keepdims=True)
        >>> x = np.arange(10, dtype="float32")[None, :]
        >>> reduction.predict_over_crops(MeanModel(), x, crop_length=4, num_crops=3)
        array([[4.5]], dtype=float32)
    """
    if not callable(getattr(model, "predict", None)):
        raise TypeError(
            f"`model` must have a `predict` method (a Keras model). Received: model of type "
            f"{type(model).__name__}. Pass the trained model first, then the sequences."
        )
    sequences, lengths = check_any_sequences(sequences)
    placement = check_option(placement, "placement", ("even", "random"))
    crop_length = check_crop_length(crop_length, int(lengths.min()))
    num_crops = check_int(num_crops, "num_crops", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if placement == "even":
        crops = evenly_spaced_crops(sequences, crop_length=crop_length, num_crops=num_crops)
    else:
        crops = random_crops(sequences, crop_length=crop_length, num_crops=num_crops, seed=seed)
    predictions = np.asarray(model.predict(crops, batch_size=batch_size, verbose=0))
    shape = (len(lengths), num_crops) + predictions.shape[1:]
    return predictions.reshape(shape).mean(axis=1)
