"""Inputs of ``LongSequenceClassifier``: checking, scaling, window summaries, crops, padding.

Every series becomes a ``(T_i, C)`` float32 array. A recipe then turns it into a shorter
sequence of per-window summaries that keeps the step-to-step structure (the order of the
windows), and batches are padded on the right with a boolean mask of the real steps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import check_array as sk_check_array

from lstmkit._validation import check_array, check_sequences

__all__ = [
    "bucket_width",
    "crop_length",
    "fill_last_batch",
    "fit_scale",
    "holdout_split",
    "pad_batch",
    "summarize",
    "to_series_list",
    "window_for",
]

# Quantiles of the values and of the step-to-step changes inside each window.
VALUE_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)
CHANGE_QUANTILES = (0.1, 0.5, 0.9)
FEATURES_PER_CHANNEL = {"raw": 2, "quantiles": len(VALUE_QUANTILES) + 2 + len(CHANGE_QUANTILES) + 1}

#: Named recipes: how series become the network's input sequence, and the crop kept.
RECIPES: dict[str, dict[str, Any]] = {
    # Window quantiles of the values and of the step-to-step changes, ~96 windows.
    "quantile_lstm": {"features": "quantiles", "target_steps": 96, "crop": 0.8},
    # Per-window PPV of fixed dilated kernels (MiniRocket's, pooled per window, not per
    # series) next to the window quantiles, ~96 windows.
    "rocket_lstm": {"features": "ppv", "target_steps": 96, "crop": 0.8},
    # The (window-averaged, when long) values and changes, up to ~256 steps.
    "lstm_fcn": {"features": "raw", "target_steps": 256, "crop": 0.9},
}
SHORT_SERIES = 64  # "auto": series with a median length up to this use "lstm_fcn"


def to_series_list(X: Any, name: str = "X") -> tuple[list[np.ndarray], int | None]:
    """Return ``X`` as a list of ``(T_i, C)`` float32 arrays and the column count of a 2-D X.

    Accepts an ``(n, T)`` array (univariate), an ``(n, T, C)`` array, or a list of
    ``(T_i,)`` / ``(T_i, C)`` arrays of different lengths. The second value is ``T`` for a
    2-D array (scikit-learn's ``n_features_in_``) and ``None`` otherwise.
    """
    if isinstance(X, (list, tuple)) and X and _lengths_differ(X):
        items = check_sequences(X, name, ragged=True)
        series = [np.asarray(item, dtype=np.float32) for item in items]
        return [s[:, None] if s.ndim == 1 else s for s in series], None
    array = sk_check_array(X, allow_nd=True, dtype=np.float32, input_name=name)
    if array.ndim not in (2, 3):
        raise ValueError(
            f"`{name}` must be an array of shape (n_series, steps) or (n_series, steps, "
            f"channels), or a list of (steps,) / (steps, channels) arrays. Received: {name} "
            f"of shape {array.shape}. Reshape it to one of these layouts."
        )
    if array.ndim == 2:
        return [row[:, None] for row in array], array.shape[1]
    if array.shape[2] < 1:
        raise ValueError(f"`{name}` must have at least one channel. Received: {array.shape}.")
    return list(array), None


def _lengths_differ(items: Any) -> bool:
    try:
        return len({len(np.asarray(item)) for item in items}) > 1
    except TypeError:
        return False


def fit_scale(series: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation over every step of every series."""
    stacked = np.concatenate(series, axis=0).astype(np.float64)
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[~np.isfinite(scale) | (scale < 1e-12)] = 1.0
    return mean.astype(np.float32), scale.astype(np.float32)


def window_for(lengths: np.ndarray, target_steps: int) -> int:
    """The window length that maps the median series length to about ``target_steps``."""
    return max(1, int(round(float(np.median(lengths)) / target_steps)))


def summarize(series: np.ndarray, window: int, kind: str) -> np.ndarray:
    """Turn one scaled ``(T, C)`` series into a ``(S, F)`` sequence of window summaries.

    ``kind="raw"`` keeps each step (window 1) or the window means, with the step-to-step
    change next to the value. ``kind="quantiles"`` gives, per window and channel, the
    quantiles, mean and standard deviation of the values and the quantiles and mean
    absolute size of the changes. ``S = max(1, T // window)``.
    """
    steps, channels = series.shape
    change = np.diff(series, axis=0, prepend=series[:1])
    count = max(1, steps // window)
    size = min(window, steps)
    values = series[: count * size].reshape(count, size, channels)
    changes = change[: count * size].reshape(count, size, channels)
    if kind == "raw":
        parts = [values.mean(axis=1), changes.mean(axis=1)]
    else:
        parts = list(np.quantile(values, VALUE_QUANTILES, axis=1))
        parts += [values.mean(axis=1), values.std(axis=1)]
        parts += list(np.quantile(changes, CHANGE_QUANTILES, axis=1))
        parts.append(np.abs(changes).mean(axis=1))
    return np.concatenate(parts, axis=-1).astype(np.float32)


def crop_length(length: int, fraction: float) -> int:
    """Steps kept by a crop of ``fraction`` of a ``length``-step sequence (at least 1)."""
    return max(1, min(length, math.ceil(fraction * length)))


def bucket_width(steps: int) -> int:
    """The smallest power of two, or 1.5 times one, that holds ``steps`` steps.

    Padding batches of series of many lengths to these widths gives a few batch shapes
    instead of one per length: JAX compiles the training step once per shape.

    >>> [bucket_width(n) for n in (1, 5, 7, 17, 25, 100, 270)]
    [1, 6, 8, 24, 32, 128, 384]
    """
    width = 1
    while width < steps:
        power = 1 << (width.bit_length() - 1)  # the largest power of two <= width
        width = power * 3 // 2 if width == power and power >= 2 else 2 * power
    return width


def pad_batch(
    sequences: list[np.ndarray],
    starts: np.ndarray | None = None,
    lengths: np.ndarray | None = None,
    *,
    bucket: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad (optionally cropped) sequences to ``(b, S, F)`` with a ``(b, S)`` mask.

    ``S`` is the longest length, or with ``bucket=True`` the :func:`bucket_width` that
    holds it.
    """
    if starts is None:
        starts = np.zeros(len(sequences), dtype=int)
    if lengths is None:
        lengths = np.array([len(s) for s in sequences])
    width = int(max(lengths))
    if bucket:
        width = bucket_width(width)
    features = sequences[0].shape[1]
    batch = np.zeros((len(sequences), width, features), dtype=np.float32)
    mask = np.zeros((len(sequences), width), dtype=bool)
    for row, (sequence, start, length) in enumerate(zip(sequences, starts, lengths, strict=True)):
        batch[row, :length] = sequence[start : start + length]
        mask[row, :length] = True
    return batch, mask


def fill_last_batch(arrays: tuple[np.ndarray, ...], batch_size: int) -> tuple[np.ndarray, ...]:
    """Repeat the first row of each array until the row count is a multiple of ``batch_size``.

    JAX compiles a step once per batch shape, so a smaller last batch costs one more
    compilation in every fit and every prediction. The caller slices the copies off
    (predictions) or gives them a sample weight of 0 (validation). The arrays passed in are
    not modified.

    Example:
        >>> import numpy as np
        >>> x, mask = np.arange(10.0).reshape(5, 2), np.ones((5, 2), dtype=bool)
        >>> filled_x, filled_mask = fill_last_batch((x, mask), 4)
        >>> filled_x.shape, filled_mask.shape, bool((filled_x[5:] == x[0]).all()), x.shape
        ((8, 2), (8, 2), True, (5, 2))
        >>> fill_last_batch((x,), 5)[0] is x  # already whole batches: nothing to copy
        True
    """
    extra = -len(arrays[0]) % batch_size
    if extra == 0:
        return arrays
    return tuple(np.concatenate([a, np.repeat(a[:1], extra, axis=0)]) for a in arrays)


def holdout_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified ``(train, valid)`` indices; every series in both when too few to hold out."""
    counts = np.bincount(labels)
    size = int(round(fraction * len(labels)))
    everything = np.arange(len(labels))
    if size < len(counts) or len(labels) - size < len(counts) or counts.min() < 2:
        return everything, everything  # too few series to hold some out
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=size, random_state=seed)
    return next(splitter.split(everything, labels))


def check_feature_values(features: list[np.ndarray], name: str) -> None:
    """Raise ``ValueError`` if summarizing produced a non-finite value (overflow)."""
    for position, item in enumerate(features):
        check_array(item, f"{name}[{position}]", ndim=2)


def own_scale(series: np.ndarray) -> np.ndarray:
    """Standardize one ``(T, C)`` series on its own statistics (its shape, not its scale)."""
    spread = series.std(axis=0)
    return (series - series.mean(axis=0)) / np.where(spread > 1e-8, spread, 1.0)
