"""Keep a fixed span of every sequence: its start, its end or its centre."""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import (
    check_array,
    check_int,
    check_option,
    check_sequences,
    is_ragged,
)

__all__ = ["KEEP_OPTIONS", "keep_steps", "truncate_sequences"]

KEEP_OPTIONS = ("start", "end", "center")


def keep_steps(array: np.ndarray, length: int, keep: str) -> np.ndarray:
    """Keep ``length`` steps along the first axis of ``array``, from its start, end or centre.

    The one rule for "keep N steps" in lstmkit (truncation, padding, the last steps a
    model reads). A sequence already that short is returned whole. Arguments are not
    checked: callers validate ``length`` (>= 1) and ``keep`` (one of ``KEEP_OPTIONS``).

    Args:
        array: an array whose first axis is time, ``(T, ...)``.
        length: how many steps to keep.
        keep: ``"start"`` keeps ``[0, length)``, ``"end"`` keeps ``[T - length, T)``,
            ``"center"`` keeps ``[(T - length) // 2, ... + length)``.

    Returns:
        A new array ``(min(T, length), ...)``, never a view of ``array``.

    Example:
        >>> import numpy as np
        >>> from lstmkit.reduction.truncation import keep_steps
        >>> keep_steps(np.arange(9), 4, "center")
        array([2, 3, 4, 5])
    """
    steps = array.shape[0]
    if steps <= length:
        return array.copy()
    start = {"start": 0, "end": steps - length, "center": (steps - length) // 2}[keep]
    return array[start : start + length].copy()


def truncate_sequences(sequences: Any, *, length: int, keep: str = "end") -> Any:
    """Keep ``length`` steps of every sequence: its start, its end or a centred span.

    Use it when the signal sits at a known place (the last minutes before an event, the
    first paragraph of an article). Whatever lies outside the kept span is lost.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths.
        length: how many steps to keep, >= 1. For an array it must be <= ``T``; in a
            list, sequences already that short are kept whole.
        keep: ``"start"`` keeps steps ``[0, length)``, ``"end"`` keeps
            ``[T - length, T)``, ``"center"`` keeps ``[(T - length) // 2, ... + length)``.

    Returns:
        For an array, a new array ``(N, length)`` or ``(N, length, C)``; for a list, a
        new list of arrays of at most ``length`` steps each.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> steps = np.arange(10)[None, :]          # one sequence, steps 0..9
        >>> reduction.truncate_sequences(steps, length=4, keep="start")
        array([[0, 1, 2, 3]])
        >>> reduction.truncate_sequences(steps, length=4, keep="end")
        array([[6, 7, 8, 9]])
        >>> reduction.truncate_sequences(steps, length=4, keep="center")
        array([[3, 4, 5, 6]])
        >>> [s.tolist() for s in reduction.truncate_sequences(
        ...     [np.arange(6), np.arange(2)], length=3, keep="end")]
        [[3, 4, 5], [0, 1]]
    """
    keep = check_option(keep, "keep", KEEP_OPTIONS)
    length = check_int(length, "length", minimum=1)
    if is_ragged(sequences):
        if not sequences:
            check_sequences(sequences, ragged=True)  # raises: no sequence at all
        # Each sequence is cut on its own, so feature shapes may differ between them.
        return [
            keep_steps(check_array(item, f"sequences[{index}]", ndim=(1, 2), min_length=0),
                       length, keep)
            for index, item in enumerate(sequences)
        ]
    array = check_sequences(sequences)
    steps = array.shape[1]
    if length > steps:
        raise ValueError(
            f"`length` must be at most the number of steps. Received: length={length} for "
            f"sequences of {steps} steps. Pick length <= {steps}, or pad the sequences "
            f"instead of truncating them."
        )
    return keep_steps(array.swapaxes(0, 1), length, keep).swapaxes(0, 1).copy()
