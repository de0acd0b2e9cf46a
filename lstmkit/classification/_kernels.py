"""Windowed PPV of fixed dilated kernels: a convolutional summary that keeps the step order.

MiniRocket (Dempster et al., 2021) convolves a series with 84 fixed length-9 kernels
(weights -1 and 2) at several dilations and keeps, per kernel, the proportion of positive
values (PPV) of ``conv - bias`` over the whole series: one number per kernel, no order.
Here the PPV is taken per window instead, so each window becomes a vector of kernel
responses and the series a shorter *sequence* of them, which the LSTM and the
convolutional branch then read in order. The kernels are fixed; only the biases are
fitted (quantiles of the convolution outputs on training series).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

__all__ = ["dilations_for", "fit_biases", "kernel_responses", "windowed_ppv"]

# The 84 MiniRocket kernels: which 3 of the 9 taps weigh 2 (the other 6 weigh -1).
TWOS = np.zeros((84, 9), dtype=np.float32)
for _row, _taps in enumerate(combinations(range(9), 3)):
    TWOS[_row, list(_taps)] = 1.0
NUM_DILATIONS = 5


def dilations_for(median_length: float) -> np.ndarray:
    """Up to 5 dilations spaced geometrically from 1 to ``median_length / 9`` (at most 64)."""
    largest = max(1.0, min(64.0, median_length / 9.0))
    return np.unique(np.geomspace(1, largest, NUM_DILATIONS).astype(int))


def kernel_responses(series: np.ndarray, dilations: np.ndarray) -> np.ndarray:
    """Convolutions of a univariate ``(T,)`` series: ``(len(dilations) * 84, T)``."""
    steps = len(series)
    out = np.empty((len(dilations), 84, steps), dtype=np.float32)
    for position, dilation in enumerate(dilations):
        pad = 4 * int(dilation)
        padded = np.pad(series.astype(np.float32), pad)
        taps = np.stack([padded[j * dilation : j * dilation + steps] for j in range(9)])
        out[position] = 3.0 * (TWOS @ taps) - taps.sum(axis=0)
    return out.reshape(-1, steps)


def fit_biases(series: list[np.ndarray], dilations: np.ndarray, seed: int) -> np.ndarray:
    """One bias per kernel and dilation: a random quantile of its outputs on a training series.

    Returns:
        An array of shape ``(len(dilations) * 84,)`` (channel 0 of each series is used).
    """
    rng = np.random.default_rng(seed)
    count = len(dilations) * 84
    chosen = rng.integers(0, len(series), size=count)
    quantiles = rng.uniform(0.1, 0.9, size=count)
    biases = np.empty(count, dtype=np.float32)
    for source in np.unique(chosen):
        rows = np.flatnonzero(chosen == source)
        responses = kernel_responses(series[source][:, 0], dilations)
        biases[rows] = [np.quantile(responses[r], quantiles[r]) for r in rows]
    return biases


def windowed_ppv(series: np.ndarray, dilations: np.ndarray, biases: np.ndarray,
                 window: int) -> np.ndarray:
    """The PPV of every kernel over consecutive windows of a ``(T, C)`` series.

    Channels are averaged first (multichannel series share the kernels).

    Returns:
        An array of shape ``(max(1, T // window), len(biases))``.
    """
    values = series.mean(axis=1)
    positive = kernel_responses(values, dilations) > biases[:, None]
    steps = len(values)
    count = max(1, steps // window)
    size = min(window, steps)
    kept = positive[:, : count * size].reshape(len(biases), count, size)
    return kept.mean(axis=2).T.astype(np.float32)
