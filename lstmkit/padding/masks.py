"""Padding masks: build them from lengths, read lengths back, and check cuDNN compatibility.

Every function here that takes a mask checks it the same way (:func:`check_mask`): a 2-D
array of booleans, or of 0 and 1, and nothing else. A mask of 0.5 means nothing to a
Keras layer, so it is refused everywhere rather than read differently by each function.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from lstmkit._validation import (
    check_allocation,
    check_bool,
    check_int,
    check_lengths,
    check_mask,
    check_option,
)

__all__ = ["check_cudnn_padding", "check_mask", "lengths_from_mask", "mask_from_lengths"]

SIDES = ("post", "pre")


def mask_from_lengths(
    lengths: Any, *, length: int | None = None, padding: str = "post"
) -> np.ndarray:
    """Boolean mask, True on real steps, for sequences padded to ``length``.

    Use it to pass an explicit ``mask=`` to a Keras RNN, or to weigh per-step losses.

    Args:
        lengths: ``(num_sequences,)`` whole numbers >= 1.
        length: the padded length; defaults to ``max(lengths)``; shorter lengths are
            clipped to it (as truncation would).
        padding: ``"post"`` (real steps first) or ``"pre"`` (real steps last).

    Returns:
        A ``(num_sequences, length)`` boolean array.

    Example:
        >>> from lstmkit import padding
        >>> padding.mask_from_lengths([2, 4])
        array([[ True,  True, False, False],
               [ True,  True,  True,  True]])
        >>> padding.mask_from_lengths([2, 4], padding="pre").astype(int)
        array([[0, 0, 1, 1],
               [1, 1, 1, 1]])
    """
    lengths = check_lengths(lengths)
    padding = check_option(padding, "padding", SIDES)
    length = int(lengths.max()) if length is None else check_int(length, "length", minimum=1)
    check_allocation(len(lengths) * length + length, 1, name="length", value=length)
    steps = np.arange(length)
    if padding == "post":
        return steps[None, :] < lengths[:, None]
    return steps[None, :] >= (length - lengths)[:, None]


def lengths_from_mask(mask: Any, *, padding: str = "post") -> np.ndarray:
    """Lengths of the real parts of a padding mask, after checking the mask is valid.

    Use it to recover lengths, and to catch a mask that a Keras LSTM would mishandle:
    masks must be one contiguous run of True at the start (``"post"``) or the end
    (``"pre"``), and no row may be fully masked.

    Args:
        mask: ``(num_sequences, steps)`` booleans (or 0/1), True on real steps.
        padding: the side the padding is on, ``"post"`` or ``"pre"``.

    Returns:
        ``(num_sequences,)`` int64 lengths.

    Example:
        >>> import numpy as np
        >>> from lstmkit import padding
        >>> padding.lengths_from_mask(np.array([[1, 1, 0], [1, 1, 1]], dtype=bool))
        array([2, 3])
    """
    mask = check_mask(mask)
    padding = check_option(padding, "padding", SIDES)
    lengths = mask.sum(axis=1).astype(np.int64)
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(
            f"`mask` must not have fully masked rows: cuDNN fails on them and the LSTM "
            f"output is meaningless. Received: {empty.size} fully masked row(s), the "
            f"first at row {int(empty[0])}. Drop empty sequences first."
        )
    expected = mask_from_lengths(lengths, length=mask.shape[1], padding=padding)
    bad = np.flatnonzero((expected != mask).any(axis=1))
    if bad.size:
        other = "pre" if padding == "post" else "post"
        other_mask = mask_from_lengths(lengths, length=mask.shape[1], padding=other)
        hint = (
            f"It is a valid padding={other!r} mask: pass padding={other!r}."
            if (other_mask == mask).all()
            else "Masks must be contiguous: pad sequences with `pad_sequences`, not by "
            "masking steps in the middle."
        )
        side = "start" if padding == "post" else "end"
        raise ValueError(
            f"`mask` must be one contiguous run of True at the {side} of each row for "
            f"padding={padding!r}. Received: {bad.size} row(s) that are not, the first at "
            f"row {int(bad[0])}: {mask[bad[0]].astype(int).tolist()[:40]}. {hint}"
        )
    return lengths


def check_cudnn_padding(padding_or_mask: Any, *, use_mask: bool = True) -> bool:
    """Warn when padding keeps Keras's LSTM/GRU off the fused cuDNN kernel.

    Use it before training a masked model on a GPU. The fused cuDNN kernel reads a
    mask only as right-padding (real steps first, no row fully masked). With a
    left-padded (``"pre"``) mask, Keras 3 either fails on the GPU ("You are passing a
    RNN mask that does not correspond to right-padded sequences") or needs
    ``use_cudnn=False``, the generic kernel, several times slower. Without a mask,
    either side runs on cuDNN, but the LSTM then reads the padding as data. On a CPU
    there is no cuDNN and the check only matters for portability.

    Args:
        padding_or_mask: ``"post"``, ``"pre"``, or a ``(num_sequences, steps)``
            mask to inspect (booleans or 0/1, checked like every other mask).
        use_mask: whether the model masks the padding (``Masking`` layer, ``mask=``,
            or ``mask_zero``).

    Returns:
        True when the combination keeps the cuDNN kernel; otherwise False, after a
        ``UserWarning`` that says why and what to change.

    Example:
        >>> import warnings
        >>> from lstmkit import padding
        >>> padding.check_cudnn_padding("post")
        True
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     padding.check_cudnn_padding("pre")
        False
        >>> "cuDNN" in str(caught[0].message)
        True
    """
    use_mask = check_bool(use_mask, "use_mask")
    if isinstance(padding_or_mask, str):
        side = check_option(padding_or_mask, "padding_or_mask", SIDES)
        if side == "post" or not use_mask:
            return True
        message = (
            "padding='pre' with a mask takes Keras LSTM/GRU layers off the fused cuDNN "
            "kernel: on a GPU Keras 3 either fails ('RNN mask that does not correspond to "
            "right-padded sequences') or needs use_cudnn=False, which is several times "
            "slower. Pad with padding='post' (lstmkit's default) to keep the fast kernel."
        )
    else:
        mask = check_mask(padding_or_mask, "padding_or_mask")
        if not use_mask:
            return True
        try:
            lengths_from_mask(mask, padding="post")
            return True
        except ValueError as error:
            message = (
                "This mask takes Keras LSTM/GRU layers off the fused cuDNN kernel, which "
                f"needs right-padded masks with no fully masked row: {error} On a GPU "
                "Keras 3 either fails or needs use_cudnn=False (several times slower). "
                "Pad with padding='post' and drop empty sequences."
            )
    warnings.warn(message, UserWarning, stacklevel=2)
    return False
