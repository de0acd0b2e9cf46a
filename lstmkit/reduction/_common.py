"""Small pieces shared by the reduction modules (private)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import check_allocation, check_int, check_sequences, is_ragged

__all__ = [
    "check_any_sequences",
    "check_crop_allocation",
    "check_crop_length",
    "float_dtype",
    "gather_crops",
]


def float_dtype(array: np.ndarray) -> np.dtype:
    """Floats keep their precision; integers and booleans become float32 (Keras's default)."""
    return array.dtype if array.dtype.kind == "f" else np.dtype("float32")


def check_any_sequences(sequences: Any) -> tuple[list[np.ndarray] | np.ndarray, np.ndarray]:
    """Checked sequences (a list when ``sequences`` is a list, else an array) and lengths.

    A list of variable-length arrays ``(T_i,)`` / ``(T_i, C)`` is how the reduction
    functions take sequences of different lengths: only each sequence's real steps are
    read, so padding never leaks into a crop or a summary.
    """
    if is_ragged(sequences):
        arrays = check_sequences(sequences, ragged=True)
        return arrays, np.array([len(array) for array in arrays], dtype=np.int64)
    array = check_sequences(sequences)
    return array, np.full(array.shape[0], array.shape[1], dtype=np.int64)


def check_crop_length(crop_length: Any, steps: int) -> int:
    """``crop_length`` between 1 and ``steps`` (the shortest sequence's length)."""
    return check_int(
        crop_length, "crop_length", minimum=1, maximum=steps,
        hint=f"The shortest sequence has {steps} steps; a crop must fit inside it.",
    )


def gather_crops(
    sequences: list[np.ndarray] | np.ndarray, rows: np.ndarray, starts: np.ndarray,
    crop_length: int,
) -> np.ndarray:
    """``sequences[row][start:start + crop_length]`` for each ``(row, start)`` pair, stacked.

    Args:
        sequences: an array ``(N, T, ...)`` or a list of arrays ``(T_i, ...)``.
        rows: int array ``(K,)`` of sample indices.
        starts: int array ``(K,)`` of start steps (each crop fits in its sequence).
        crop_length: steps per crop.

    Returns:
        A new array ``(K, crop_length, ...)``.
    """
    offsets = np.arange(crop_length)[None, :]
    if not isinstance(sequences, list):
        return sequences[rows[:, None], starts[:, None] + offsets]
    if len(rows) <= len(sequences):  # a batch: slice only the sequences it needs
        return np.stack([
            sequences[row][start : start + crop_length]
            for row, start in zip(rows.tolist(), starts.tolist(), strict=True)
        ])
    # Many crops: one gather from all sequences laid end to end.
    first_steps = np.concatenate([[0], np.cumsum([len(array) for array in sequences])[:-1]])
    flat = np.concatenate(sequences, axis=0)
    return flat[(first_steps[rows] + starts)[:, None] + offsets]


def check_crop_allocation(
    count: int, crop_length: int, sample: np.ndarray, *, name: str, value: Any
) -> None:
    """Refuse ``count`` crops of ``crop_length`` steps that would not fit in memory.

    ``sample`` is one sequence, ``(steps,)`` or ``(steps, features)``: each cropped step
    holds ``features`` values.
    """
    per_step = int(np.prod(sample.shape[1:], dtype=np.int64)) if sample.ndim > 1 else 1
    check_allocation(
        count * crop_length * per_step, sample.dtype.itemsize, name=name, value=value,
        hint="Ask for fewer crops, or draw them per batch with `RandomCropDataset`.",
    )
