"""Summarize signals: pool neighbouring steps, average equal segments, window quantiles;
add step-to-step changes as channels.

Every function here takes either an array ``(N, T)`` / ``(N, T, C)`` or a list of arrays
``(T_i,)`` / ``(T_i, C)`` of different lengths. With a list, each sequence is
summarized over its own real steps only, so padding never enters a mean, a maximum or
a quantile: pass sequences *before* padding them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import check_allocation, check_int, check_option
from lstmkit.reduction._common import check_any_sequences, float_dtype

__all__ = [
    "append_differences",
    "piecewise_aggregate",
    "pool_steps",
    "quantile_summary",
    "window_quantiles",
]


def append_differences(sequences: Any) -> Any:
    """Give every channel a second channel: its change from the previous step.

    Summaries of levels (means, quantiles) lose *when* a series switches; summaries of
    its step-to-step changes keep how often and how sharply it does. The first step's
    change is 0.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths.

    Returns:
        A float array ``(N, T, 2 * C)`` (``C = 1`` for ``(N, T)``): the ``C`` channels,
        then their ``C`` differences; for a list, a list of arrays ``(T_i, 2 * C)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit.reduction import append_differences
        >>> append_differences(np.array([[1.0, 4.0, 2.0]]))[0].T
        array([[ 1.,  4.,  2.],
               [ 0.,  3., -2.]])
    """
    checked, _ = check_any_sequences(sequences)

    def with_changes(array: np.ndarray, steps_axis: int) -> np.ndarray:
        array = array.astype(float_dtype(array), copy=False)
        array = array[..., None] if array.ndim == steps_axis + 1 else array  # one channel
        first = np.take(array, [0], axis=steps_axis)
        return np.concatenate([array, np.diff(array, axis=steps_axis, prepend=first)], axis=-1)

    if isinstance(checked, list):
        return [with_changes(array, 0) for array in checked]
    check_allocation(2 * checked.size, checked.dtype.itemsize, name="sequences",
                     value=f"an array of shape {checked.shape}")
    return with_changes(checked, 1)


def pool_steps(
    sequences: Any, *, pool_size: int, stride: int | None = None, reduction: str = "mean"
) -> Any:
    """Summarize each window of ``pool_size`` steps by its mean (or max).

    Average pooling keeps slow trends and removes fast wiggles, including short events
    you may need; max pooling keeps peaks but not their sign or shape. A trailing
    partial window is dropped, as in ``keras.layers.AveragePooling1D``.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths (each pooled over its own steps).
        pool_size: steps per window, between 1 and ``T`` (the shortest ``T_i``).
        stride: steps between window starts; ``None`` means ``pool_size`` (no overlap).
        reduction: ``"mean"`` or ``"max"``.

    Returns:
        A float array ``(N, T', ...)`` with ``T' = (T - pool_size) // stride + 1``; for
        a list, a list of float arrays ``(T_i', ...)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.arange(7, dtype="float32")[None, :]   # steps 0..6
        >>> reduction.pool_steps(x, pool_size=2)          # windows [0,1] [2,3] [4,5]
        array([[0.5, 2.5, 4.5]], dtype=float32)
        >>> reduction.pool_steps(x, pool_size=3, stride=2, reduction="max")
        array([[2., 4., 6.]], dtype=float32)
        >>> [p.tolist() for p in reduction.pool_steps([np.arange(4.0), np.arange(2.0)],
        ...                                           pool_size=2)]
        [[0.5, 2.5], [0.5]]
    """
    sequences, lengths = check_any_sequences(sequences)
    reduction = check_option(reduction, "reduction", ("mean", "max"))
    shortest = int(lengths.min())
    pool_size = check_int(
        pool_size, "pool_size", minimum=1, maximum=shortest,
        hint=f"The shortest sequence has {shortest} steps; pick a window no longer than that.",
    )
    stride = pool_size if stride is None else check_int(stride, "stride", minimum=1)
    reduce = np.mean if reduction == "mean" else np.max

    def pool(array: np.ndarray) -> np.ndarray:
        windows = np.lib.stride_tricks.sliding_window_view(array, pool_size, axis=1)
        return reduce(windows[:, ::stride], axis=-1).astype(float_dtype(array))

    if isinstance(sequences, list):
        return [pool(array[None])[0] for array in sequences]
    return pool(sequences)


def piecewise_aggregate(sequences: Any, *, num_segments: int) -> np.ndarray:
    """Piecewise aggregate approximation (PAA): the mean of ``num_segments`` equal parts.

    Unlike :func:`pool_steps`, any length works: when ``T`` is not a multiple of
    ``num_segments``, a step on a border counts towards both neighbouring segments in
    proportion (each segment covers exactly ``T / num_segments`` steps), so nothing is
    dropped. Use it to bring sequences of one or several lengths to a fixed short length.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths (each split over its own steps).
        num_segments: the output length, between 1 and ``T`` (the shortest ``T_i``).

    Returns:
        A float array ``(N, num_segments)`` or ``(N, num_segments, C)``, for a list too.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.array([[0, 1, 2, 3, 4, 5]], dtype="float32")
        >>> reduction.piecewise_aggregate(x, num_segments=3)   # [0,1] [2,3] [4,5]
        array([[0.5, 2.5, 4.5]], dtype=float32)
        >>> # 1.5 steps each: [0, 1.5) [1.5, 3) [3, 4.5) [4.5, 6); step 1 is split in half
        >>> np.round(reduction.piecewise_aggregate(x, num_segments=4), 3)
        array([[0.333, 1.667, 3.333, 4.667]], dtype=float32)
        >>> reduction.piecewise_aggregate([np.arange(6.0), np.arange(2.0)], num_segments=2)
        array([[1., 4.],
               [0., 1.]])
    """
    sequences, lengths = check_any_sequences(sequences)
    shortest = int(lengths.min())
    num_segments = check_int(
        num_segments, "num_segments", minimum=1, maximum=shortest,
        hint=f"The shortest sequence has {shortest} steps; PAA can only shorten them.",
    )
    if isinstance(sequences, list):
        return np.concatenate([_paa(array[None], num_segments) for array in sequences])
    return _paa(sequences, num_segments)


def _paa(array: np.ndarray, num_segments: int) -> np.ndarray:
    steps = array.shape[1]
    values = array.astype(np.float64)
    cumulative = np.concatenate(
        [np.zeros_like(values[:, :1]), np.cumsum(values, axis=1)], axis=1
    )
    # The integral of the step function from 0 to each border b = j * T / M:
    # cumulative[floor(b)] + fraction(b) * value[floor(b)].
    borders = np.arange(num_segments + 1) * (steps / num_segments)
    whole = np.minimum(np.floor(borders).astype(np.int64), steps - 1)
    fraction = borders - whole
    shape = (1, -1) + (1,) * (array.ndim - 2)
    integral = cumulative[:, whole] + fraction.reshape(shape) * values[:, whole]
    means = np.diff(integral, axis=1) / (steps / num_segments)
    return means.astype(float_dtype(array))


def window_quantiles(sequences: Any, *, num_windows: int, num_quantiles: int) -> np.ndarray:
    """Summarize each of ``num_windows`` windows by the quantiles of its values.

    Each window becomes one step whose features are the window's minimum,
    ``num_quantiles - 2`` evenly spaced quantiles and maximum (its sorted values,
    resampled). It keeps *how much time the signal spends at each level* inside a
    window, including short spikes that averaging would flatten, and loses *when*
    inside the window things happened. Use it when a class shows in the value
    distribution (appliances: how long at which power) more than in exact timing.
    Standardize the result (statistics from the training set) before an LSTM.

    Windows split the steps as ``numpy.array_split`` does: when ``num_windows`` does
    not divide ``T``, the first ``T % num_windows`` windows hold one step more, and no
    step is dropped.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths (each split over its own steps).
        num_windows: output steps, between 1 and ``T`` (the shortest ``T_i``).
        num_quantiles: quantiles per window and channel, >= 2 (minimum and maximum).

    Returns:
        A float array ``(N, num_windows, C * num_quantiles)`` (``C = 1`` for 2-D
        input); feature ``c * num_quantiles + q`` is quantile ``q`` of channel ``c``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.array([[3, 1, 2, 9, 0, 0, 0, 5]], dtype="float32")  # 2 windows of 4
        >>> reduction.window_quantiles(x, num_windows=2, num_quantiles=3)
        array([[[1. , 2.5, 9. ],
                [0. , 0. , 5. ]]], dtype=float32)
        >>> day = np.random.default_rng(0).normal(size=(4, 1440, 2))  # a day in minutes
        >>> hours = reduction.window_quantiles(day, num_windows=7, num_quantiles=5)
        >>> hours.shape                                # windows of 206 or 205 minutes
        (4, 7, 10)
    """
    sequences, lengths = check_any_sequences(sequences)
    shortest = int(lengths.min())
    num_windows = check_int(
        num_windows, "num_windows", minimum=1, maximum=shortest,
        hint=f"The shortest sequence has {shortest} steps; a window needs at least one.",
    )
    num_quantiles = check_int(num_quantiles, "num_quantiles", minimum=2)
    first = sequences[0]
    channels = int(np.prod(first.shape[1:], dtype=np.int64)) if first.ndim > 1 else 1
    check_allocation(
        len(lengths) * num_windows * channels * num_quantiles, 8, name="num_quantiles",
        value=num_quantiles, hint="Ask for fewer quantiles or fewer windows.",
    )
    if isinstance(sequences, list):
        return np.concatenate(
            [_quantiles(array[None], num_windows, num_quantiles) for array in sequences]
        )
    return _quantiles(sequences, num_windows, num_quantiles)


def quantile_summary(sequences: Any, *, num_windows: int, num_quantiles: int) -> np.ndarray:
    """Window quantiles of the values and of the absolute step-to-step changes, side by side.

    :func:`window_quantiles` says how long a signal stays at each level inside a window;
    adding the quantiles of ``|x[t + 1] - x[t]|`` also says how smoothly or abruptly it
    moves between levels (an appliance switching on, a noisy sensor). A good input for
    tree ensembles, or for an LSTM after standardizing each feature with training-set
    statistics.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths (each summarized over its own steps).
        num_windows: output steps, between 1 and ``T`` (the shortest ``T_i``); windows
            split the steps as ``numpy.array_split`` does.
        num_quantiles: quantiles per window, channel and kind, >= 2.

    Returns:
        A float array ``(N, num_windows, 2 * C * num_quantiles)``: first the value
        quantiles (as :func:`window_quantiles`), then those of the absolute changes (the
        change after the last step counts as 0, so both have ``T`` steps).

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.random.default_rng(0).normal(size=(3, 1460))    # 1,460 steps each
        >>> reduction.quantile_summary(x, num_windows=20, num_quantiles=16).shape
        (3, 20, 32)
    """
    sequences, _ = check_any_sequences(sequences)
    if isinstance(sequences, list):
        changes = [np.abs(np.diff(array, axis=0, append=array[-1:])) for array in sequences]
    else:
        changes = np.abs(np.diff(sequences, axis=1, append=sequences[:, -1:]))
    options = {"num_windows": num_windows, "num_quantiles": num_quantiles}
    values = window_quantiles(sequences, **options)
    return np.concatenate([values, window_quantiles(changes, **options)], axis=-1)


def _quantiles(array: np.ndarray, num_windows: int, num_quantiles: int) -> np.ndarray:
    dtype = float_dtype(array)
    if array.ndim == 2:
        array = array[:, :, None]
    count, steps, channels = array.shape
    levels = np.linspace(0.0, 1.0, num_quantiles)
    size, longer = divmod(steps, num_windows)
    # array_split's layout: `longer` windows of size + 1 steps, then windows of size steps.
    split = longer * (size + 1)
    parts = [
        part.reshape(count, -1, width, channels)
        for part, width in ((array[:, :split], size + 1), (array[:, split:], size))
        if part.shape[1]
    ]
    # np.quantile over each group of equal-width windows: (Q, N, W, C) each.
    result = np.concatenate([np.quantile(part, levels, axis=2) for part in parts], axis=2)
    # (Q, N, W, C) -> (N, W, C, Q) -> (N, W, C * Q)
    result = result.transpose(1, 2, 3, 0).reshape(count, num_windows, channels * num_quantiles)
    return result.astype(dtype)
