"""Chronological train/validation/test splits and walk-forward folds.

Time only flows forward: validation and test data come *after* the training data, with
a gap wide enough that no window or target reaches across a border.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from lstmkit._validation import (
    check_allocation,
    check_array,
    check_float,
    check_int,
    check_option,
    received,
)

__all__ = ["chronological_split", "walk_forward_splits"]

# Rough Python overhead of one fold (a tuple and two array headers), in int64 elements.
_FOLD_OVERHEAD_ITEMS = 32


def _split_sizes(
    num_items: int, validation_fraction: float, test_fraction: float, gap: int
) -> tuple[int, int, int]:
    validation_size = round(num_items * validation_fraction)
    test_size = round(num_items * test_fraction)
    if validation_fraction > 0 and validation_size == 0:
        validation_size = 1
    if test_fraction > 0 and test_size == 0:
        test_size = 1
    gaps = gap * ((validation_size > 0) + (test_size > 0))
    train_size = num_items - validation_size - test_size - gaps
    return train_size, validation_size, test_size


def chronological_split(
    data: Any,
    *,
    validation_fraction: float = 0.2,
    test_fraction: float = 0.2,
    gap: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split along time into train, validation and test parts, in that order.

    Use it instead of a random split for any series: a model validated on steps that
    sit *between* its training steps has seen their neighbours and scores too well.
    ``gap`` items are dropped before the validation part and before the test part.
    Split the *series* (then window each part) and no window can straddle two parts;
    if you split *windows* (stride 1) instead, pass
    ``gap = window_length + horizon - 1`` so that no step or target is shared.

    Args:
        data: an array whose first axis is time (a series, or windows in time order).
        validation_fraction: share of items for validation, in [0, 1).
        test_fraction: share of items for the test part, in [0, 1).
        gap: items dropped between consecutive parts, >= 0.

    Returns:
        ``(train, validation, test)``, views of ``data`` along its first axis (a part
        is empty when its fraction is 0). Sizes: ``round(n * fraction)`` for
        validation and test (at least 1 when the fraction is positive), the rest,
        minus the gaps, for training.

    Example:
        >>> import numpy as np
        >>> from lstmkit import windowing
        >>> train, validation, test = windowing.chronological_split(
        ...     np.arange(10), validation_fraction=0.2, test_fraction=0.2, gap=1)
        >>> train, validation, test
        (array([0, 1, 2, 3]), array([5, 6]), array([8, 9]))
    """
    data = check_array(data, "data", numeric=False, allow_nan=True)
    if data.ndim == 0:
        raise ValueError(f"`data` must be an array with a time axis. {received(data=data)}")
    validation_fraction = check_float(
        validation_fraction, "validation_fraction", minimum=0, maximum=1, include_maximum=False
    )
    test_fraction = check_float(
        test_fraction, "test_fraction", minimum=0, maximum=1, include_maximum=False
    )
    gap = check_int(gap, "gap", minimum=0)
    train_size, validation_size, test_size = _split_sizes(
        len(data), validation_fraction, test_fraction, gap
    )
    if train_size < 1:
        raise ValueError(
            f"`data` is too short for these fractions and gap: nothing is left to train on. "
            f"Received: len(data)={len(data)}, validation_fraction={validation_fraction}, "
            f"test_fraction={test_fraction}, gap={gap}. Use smaller fractions or gap, or "
            f"more data."
        )
    validation_start = train_size + (gap if validation_size else 0)
    test_start = validation_start + validation_size + (gap if test_size else 0)
    return (
        data[:train_size],
        data[validation_start : validation_start + validation_size],
        data[test_start : test_start + test_size],
    )


def _count_items(data: Any) -> int:
    if isinstance(data, numbers.Integral) and not isinstance(data, bool):
        return check_int(data, "data", minimum=1)
    array = check_array(data, "data", numeric=False, allow_nan=True)
    if array.ndim == 0:
        raise ValueError(
            f"`data` must be an array with a time axis or an int. {received(data=data)}"
        )
    return len(array)


def walk_forward_splits(
    data: Any,
    *,
    num_folds: int = 5,
    validation_size: int | None = None,
    train_size: int | None = None,
    mode: str = "expanding",
    gap: int = 0,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Walk-forward (rolling-origin) folds for validating time-series models.

    Use it for model selection and hyperparameter search on a series: each fold trains
    on the past and validates on the block that follows, so every score is an honest
    forecast, and averaging over folds covers several periods. The validation blocks
    tile the end of the data; ``mode="expanding"`` trains on everything before a block,
    ``mode="sliding"`` on a fixed-size stretch just before it (for drifting series).
    The folds work as scikit-learn's ``cv=`` argument. The index arrays of all folds
    must fit in memory together; that is checked before any is built.

    Args:
        data: an array whose first axis is time, or the number of items as an int.
        num_folds: how many folds, >= 1.
        validation_size: items per validation block; defaults to
            ``n // (num_folds + 1)``.
        train_size: items per training part for ``mode="sliding"``; defaults to the
            first fold's training size. Ignored (must be None) for ``"expanding"``.
        mode: ``"expanding"`` or ``"sliding"``.
        gap: items dropped between the end of training and the validation block
            (``window_length + horizon - 1`` when the items are stride-1 windows).

    Returns:
        A list of ``num_folds`` pairs ``(train_indices, validation_indices)`` of int64
        arrays, in time order; training indices always precede validation indices.

    Example:
        >>> from lstmkit import windowing
        >>> for train, validation in windowing.walk_forward_splits(10, num_folds=3):
        ...     print(train, validation)
        [0 1 2 3] [4 5]
        [0 1 2 3 4 5] [6 7]
        [0 1 2 3 4 5 6 7] [8 9]
        >>> for train, validation in windowing.walk_forward_splits(
        ...         10, num_folds=3, mode="sliding", gap=1):
        ...     print(train, validation)
        [0 1 2] [4 5]
        [2 3 4] [6 7]
        [4 5 6] [8 9]
    """
    num_items = _count_items(data)
    num_folds = check_int(num_folds, "num_folds", minimum=1)
    mode = check_option(mode, "mode", ("expanding", "sliding"))
    gap = check_int(gap, "gap", minimum=0)
    if validation_size is None:
        validation_size = num_items // (num_folds + 1)
        if validation_size < 1:
            raise ValueError(
                f"`data` is too short for {num_folds} folds. Received: {num_items} items, "
                f"num_folds={num_folds}. Use fewer folds or more data."
            )
    validation_size = check_int(validation_size, "validation_size", minimum=1)
    first_validation_start = num_items - num_folds * validation_size
    first_train_size = first_validation_start - gap
    if first_train_size < 1:
        raise ValueError(
            f"`data` is too short: the first fold has nothing to train on. Received: "
            f"{num_items} items, num_folds={num_folds}, validation_size={validation_size}, "
            f"gap={gap}. Use fewer folds, a smaller validation_size or gap, or more data."
        )
    if mode == "expanding" and train_size is not None:
        raise ValueError(
            f"`train_size` only applies to mode='sliding'. {received(train_size=train_size)} "
            f"Remove it, or pass mode='sliding'."
        )
    if mode == "sliding":
        train_size = first_train_size if train_size is None else train_size
        train_size = check_int(
            train_size, "train_size", minimum=1, maximum=first_train_size,
            hint=f"The first fold has only {first_train_size} items before its gap.",
        )
        train_items = num_folds * train_size
    else:
        # Fold k trains on first_train_size + k * validation_size items.
        train_items = num_folds * first_train_size + validation_size * num_folds * (
            num_folds - 1
        ) // 2
    # Exact Python-int arithmetic: a huge request fails here, before any loop or array.
    check_allocation(
        train_items + num_folds * (validation_size + _FOLD_OVERHEAD_ITEMS),
        np.dtype(np.int64).itemsize,
        name="num_folds",
        value=num_folds,
        hint="Use fewer folds, a smaller `validation_size`, or mode='sliding' with a "
        "smaller `train_size`.",
    )
    folds = []
    for fold in range(num_folds):
        validation_start = first_validation_start + fold * validation_size
        train_stop = validation_start - gap
        train_start = 0 if mode == "expanding" else train_stop - train_size
        folds.append(
            (
                np.arange(train_start, train_stop, dtype=np.int64),
                np.arange(validation_start, validation_start + validation_size, dtype=np.int64),
            )
        )
    return folds
