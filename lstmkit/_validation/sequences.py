"""Checks of sequence collections, class labels and sequence lengths.

One contract for every module that reads "sequences": either one rectangular array
(``(N, T)`` or ``(N, T, C)``) or a list of per-sample arrays of shape ``(T_i,)`` or
``(T_i, C)`` with a common feature shape. Functions that need a rectangular array call
:func:`check_sequences` with ``ragged=False``; those that accept variable lengths ask for
the list form with ``ragged=True``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmkit._validation.arrays import check_array, check_same_length

__all__ = ["check_labels", "check_lengths", "check_sequences", "is_ragged"]


def is_ragged(sequences: Any) -> bool:
    """True for a list or tuple of per-sample arrays, False for one rectangular array."""
    return isinstance(sequences, (list, tuple))


def check_sequences(
    sequences: Any,
    name: str = "sequences",
    *,
    ragged: bool = False,
    integer: bool = False,
    allow_empty_items: bool = False,
) -> Any:
    """Return checked sequences: an array when ``ragged=False``, else a list of arrays.

    Args:
        sequences: a ``(N, T)`` / ``(N, T, C)`` array, or (with ``ragged=True``) a
            list or tuple of ``(T_i,)`` / ``(T_i, C)`` arrays. A rectangular array is
            always accepted; with ``ragged=True`` it is returned as a list of its rows.
        name: the argument's name, used in messages.
        ragged: accept (and return) a list of variable-length arrays.
        integer: require integer token ids.
        allow_empty_items: accept sequences with zero steps (a fully masked row is
            rejected by Keras's cuDNN kernel, so most callers refuse them).

    Returns:
        A NumPy array (``ragged=False``) or a list of NumPy arrays (``ragged=True``);
        the caller's objects are never modified.
    """
    if not ragged:
        if is_ragged(sequences) and len(sequences) and np.ndim(sequences[0]) >= 1:
            lengths = {len(np.asarray(item)) for item in sequences}
            if len(lengths) > 1:
                raise ValueError(
                    f"`{name}` must be one rectangular array here. Received: a "
                    f"{type(sequences).__name__} of {len(sequences)} sequences of different "
                    f"lengths ({min(lengths)} to {max(lengths)} steps). Pad them first with "
                    f"`lstmkit.pad_sequences`, or truncate them with "
                    f"`lstmkit.truncate_sequences`."
                )
        array = check_array(sequences, name, ndim=(2, 3))
        if integer:
            _check_integer(array, name)
        return array
    if isinstance(sequences, np.ndarray) and sequences.dtype != object:
        items = list(check_array(sequences, name, ndim=(2, 3)))
    elif isinstance(sequences, (Sequence, np.ndarray)) and not isinstance(sequences, (str, bytes)):
        items = list(sequences)
    else:
        raise TypeError(
            f"`{name}` must be an array or a list of arrays of shape (steps,) or "
            f"(steps, num_features). Received: {name} of type {type(sequences).__name__}."
        )
    if not items:
        raise ValueError(f"`{name}` must hold at least one sequence. Received: an empty {name}.")
    arrays = []
    for position, item in enumerate(items):
        array = check_array(item, f"{name}[{position}]", ndim=(1, 2), min_length=0)
        if len(array) == 0 and not allow_empty_items:
            raise ValueError(
                f"`{name}[{position}]` is empty. Every sequence needs at least one step: "
                f"an empty one would be fully masked, which Keras's cuDNN kernel rejects. "
                f"Drop it first."
            )
        if integer:
            _check_integer(array, f"{name}[{position}]")
        arrays.append(array)
    first = arrays[0]
    for position, array in enumerate(arrays):
        if array.ndim != first.ndim or array.shape[1:] != first.shape[1:]:
            raise ValueError(
                f"Every sequence in `{name}` must have the same feature shape. Received: "
                f"{name}[0] with shape {first.shape} and {name}[{position}] with shape "
                f"{array.shape}. Give all sequences the same number of features."
            )
    return arrays


def _check_integer(array: np.ndarray, name: str) -> None:
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"`{name}` must hold integer token ids. Received: {name} with dtype "
            f"{array.dtype}. Convert text to ids first, for example with "
            f"`keras.layers.TextVectorization`."
        )
    if array.size and array.min() < 0:
        raise ValueError(
            f"`{name}` must hold token ids >= 0. Received: a smallest id of "
            f"{array.min()}. Reserve 0 for padding and number tokens from 1."
        )


def check_labels(
    labels: Any, name: str = "labels", *, ndim: int = 1, sequences: Any = None
) -> np.ndarray:
    """Integer class labels >= 0 (bool, integer, or floats holding whole numbers).

    With ``sequences`` given, also checks there is one label per sequence.
    """
    labels = check_array(labels, name, ndim=ndim)
    if labels.dtype.kind == "f":
        if not np.array_equal(labels, np.round(labels)):
            raise ValueError(
                f"`{name}` must hold integer class indices. Received: {name} with non-integer "
                f"values such as {labels[labels != np.round(labels)].flat[0]!r}. For one-hot "
                f"labels pass `labels.argmax(axis=-1)`."
            )
        labels = labels.astype("int64")
    elif labels.dtype.kind == "b":
        labels = labels.astype("int64")
    if labels.min() < 0:
        raise ValueError(
            f"`{name}` must hold class indices >= 0. Received: {name} with minimum "
            f"{labels.min()}. Encode classes with `sklearn.preprocessing.LabelEncoder`."
        )
    if sequences is not None:
        check_same_length("sequences", sequences, name, labels)
    return labels


def check_lengths(lengths: Any, name: str = "lengths") -> np.ndarray:
    """Sequence lengths as ``int64``: whole numbers >= 1 (a zero-length row is fully masked)."""
    lengths = check_array(lengths, name, ndim=1)
    if lengths.dtype.kind not in "iu" and not (
        lengths.dtype.kind == "f" and np.all(lengths == np.round(lengths))
    ):
        raise TypeError(
            f"`{name}` must hold whole numbers. Received: {name} with dtype {lengths.dtype}."
        )
    lengths = lengths.astype(np.int64)
    if lengths.min() < 1:
        raise ValueError(
            f"`{name}` must all be >= 1: a zero-length sequence is fully masked, which "
            f"Keras's cuDNN kernel rejects. Received: {name} with minimum {lengths.min()} "
            f"at position {int(np.argmin(lengths))}. Drop empty sequences first."
        )
    return lengths
