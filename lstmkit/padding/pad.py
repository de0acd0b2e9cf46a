"""Pad (and truncate) sequences of different lengths into one rectangular array.

lstmkit pads at the end (``padding="post"``) by default: with a mask, Keras's fused
cuDNN LSTM/GRU kernel accepts only right-padded masks. ``keras.utils.pad_sequences``
defaults to ``"pre"`` and to ``dtype="int32"``, which silently rounds float features to
integers; lstmkit defaults to float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import (
    check_allocation,
    check_float,
    check_int,
    check_option,
    check_sequences,
    received,
)
from lstmkit.padding.masks import SIDES

__all__ = ["pad_sequences"]

# Which end of a too-long sequence `truncating` keeps: "pre" drops the start.
_KEEP = {"pre": "end", "post": "start"}


def _check_dtype(dtype: Any) -> np.dtype:
    try:
        result = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(
            f"`dtype` must be a NumPy dtype such as 'float32'. {received(dtype=dtype)}"
        ) from error
    if result.kind not in "biufc":
        raise TypeError(
            f"`dtype` must be a numeric NumPy dtype such as 'float32'. "
            f"{received(dtype=dtype)} Use 'float32' for features, 'int32' for token ids."
        )
    return result


def _check_fill_value(value: float, dtype: np.dtype, name: str = "value") -> None:
    """Raise ``ValueError`` unless ``value`` is stored exactly enough in ``dtype``.

    A float value beyond the dtype's range would silently become ``inf``; an integer
    dtype would silently round or wrap a value. Float rounding (0.1 in float32) is fine.

    Example:
        >>> import numpy as np
        >>> from lstmkit.padding.pad import _check_fill_value
        >>> _check_fill_value(-1.0, np.dtype("float32"))
        >>> _check_fill_value(1e40, np.dtype("float32"))
        Traceback (most recent call last):
        ...
        ValueError: `value` must be representable in dtype float32 (magnitude at most ...
    """
    if dtype.kind in "fc":
        limit = float(np.finfo(dtype).max)
        if abs(value) > limit:
            raise ValueError(
                f"`{name}` must be representable in dtype {dtype} (magnitude at most "
                f"{limit:.3g}); it would become inf. {received(**{name: value})} Use a "
                f"smaller padding value, or a wider dtype such as 'float64'."
            )
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        if value != int(value) or not info.min <= value <= info.max:
            raise ValueError(
                f"`{name}` must be a whole number between {info.min} and {info.max} for "
                f"dtype {dtype}. {received(**{name: value})} Use such a value, or a float "
                f"dtype."
            )
    elif dtype.kind == "b" and value not in (0.0, 1.0):
        raise ValueError(
            f"`{name}` must be 0 or 1 for dtype bool. {received(**{name: value})}"
        )


def pad_sequences(
    sequences: Any,
    *,
    length: int | None = None,
    padding: str = "post",
    truncating: str = "pre",
    value: float = 0.0,
    dtype: Any = "float32",
) -> np.ndarray:
    """Pad (or truncate) sequences of different lengths into one float array.

    Use it to batch variable-length sequences for a masked LSTM. Unlike
    ``keras.utils.pad_sequences`` (``padding="pre"``, ``dtype="int32"``), it pads at the
    end so masks stay right-padded (the only kind Keras's fused cuDNN kernel accepts),
    and keeps float features as float32 instead of rounding them to integers. Pad with a
    value that never occurs as a whole real step (``keras.layers.Masking(0.0)`` would
    also mask a real all-zero step).

    Args:
        sequences: a list of ``(steps_i,)`` or ``(steps_i, num_features)`` arrays (no
            NaN, none empty), or one 2-D / 3-D array.
        length: the output length; defaults to the longest sequence. The result must
            fit in memory (checked before allocating).
        padding: ``"post"`` adds padding after each sequence, ``"pre"`` before it.
        truncating: for sequences longer than ``length``: ``"pre"`` drops steps from
            the start (keeps the most recent steps, which an LSTM's final state
            remembers best), ``"post"`` drops steps from the end.
        value: the padding value; it must be representable in ``dtype`` (1e40 would
            be inf in float32, 0.5 would be 0 in int32).
        dtype: the output dtype, float32 by default.

    Returns:
        ``(num_sequences, length)`` for 1-D sequences, or
        ``(num_sequences, length, num_features)``. A new array; inputs are unchanged.

    Example:
        >>> import numpy as np
        >>> from lstmkit import padding
        >>> sequences = [np.array([1.5, 2.5]), np.array([3.0, 4.0, 5.0, 6.0])]
        >>> padding.pad_sequences(sequences)
        array([[1.5, 2.5, 0. , 0. ],
               [3. , 4. , 5. , 6. ]], dtype=float32)
        >>> padding.pad_sequences(sequences, length=3, padding="pre")
        array([[0. , 1.5, 2.5],
               [4. , 5. , 6. ]], dtype=float32)
    """
    # Imported here: the reduction package pulls in Keras models that padding never needs.
    from lstmkit.reduction.truncation import keep_steps

    arrays = check_sequences(sequences, ragged=True)
    padding = check_option(padding, "padding", SIDES)
    truncating = check_option(truncating, "truncating", SIDES)
    value = check_float(value, "value")
    dtype = _check_dtype(dtype)
    _check_fill_value(value, dtype)
    longest = max(len(array) for array in arrays)
    length = longest if length is None else check_int(length, "length", minimum=1)
    feature_shape = arrays[0].shape[1:]
    check_allocation(
        len(arrays) * length * int(np.prod(feature_shape, dtype=object)),
        dtype.itemsize,
        name="length",
        value=length,
        hint="Use a smaller `length`, or pad batch by batch (`BucketDataset`).",
    )
    result = np.full((len(arrays), length, *feature_shape), value, dtype=dtype)
    for row, array in enumerate(arrays):
        kept = keep_steps(array, length, _KEEP[truncating]) if len(array) > length else array
        if padding == "post":
            result[row, : len(kept)] = kept
        else:
            result[row, length - len(kept) :] = kept
    return result
