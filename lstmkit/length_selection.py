"""How much history should a model see? Lag statistics and a rule for picking a length.

Autocorrelation and mutual information by lag suggest candidate window lengths (a season,
a cycle); validation over those candidates decides. Compute every statistic on the
training part of a chronological split, never on the whole series.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from lstmkit._validation import check_array, check_float, check_int, received

__all__ = ["autocorrelation", "choose_sequence_length", "lagged_mutual_information"]


def _check_series(series: Any) -> np.ndarray:
    return check_array(series, "series", ndim=1, dtype="float64", min_length=2)


def autocorrelation(series: Any, *, max_lag: int) -> np.ndarray:
    """Return the sample autocorrelation of a 1-D series at lags ``0 .. max_lag``.

    Use it on a detrended (or differenced) series to find its period: a peak at lag
    ``k`` means the value ``k`` steps ago resembles the value now. The estimate is the
    standard one, ``sum(d[t] * d[t + k]) / sum(d[t] ** 2)`` for the mean-centred series
    ``d``, so it shrinks towards 0 at long lags.

    Args:
        series: a ``(num_steps,)`` array, no NaN, at least 2 steps, not constant.
        max_lag: the largest lag, between 0 and ``num_steps - 1``.

    Returns:
        A float64 array of shape ``(max_lag + 1,)``; element 0 is 1.

    Example:
        >>> import numpy as np
        >>> from lstmkit import length_selection
        >>> series = np.sin(2 * np.pi * np.arange(120) / 12)  # period 12
        >>> acf = length_selection.autocorrelation(series, max_lag=24)
        >>> acf.shape, round(float(acf[0]), 6), int(np.argmax(acf[6:])) + 6
        ((25,), 1.0, 12)
    """
    values = _check_series(series)
    max_lag = check_int(
        max_lag, "max_lag", minimum=0, maximum=len(values) - 1,
        hint=f"The series has {len(values)} steps; the largest lag is {len(values) - 1}.",
    )
    centred = values - values.mean()
    energy = float(np.sum(centred**2))
    if energy == 0.0:
        raise ValueError(
            f"`series` must not be constant: its autocorrelation is undefined. "
            f"{received(series=values)} Pass a series that varies."
        )
    steps = len(centred)
    products = [np.dot(centred[: steps - lag], centred[lag:]) for lag in range(max_lag + 1)]
    return np.array(products) / energy


def lagged_mutual_information(series: Any, *, lags: Any, seed: int = 0) -> np.ndarray:
    """Return the mutual information (nats) between ``series[t - lag]`` and ``series[t]``.

    Unlike autocorrelation it also sees non-linear dependence, and it counts opposite
    phases (a strongly negative correlation) as information too. It is estimated from
    nearest neighbours by ``sklearn.feature_selection.mutual_info_regression``, which
    adds a little seeded noise: a fixed ``seed`` gives the same numbers every run.

    Args:
        series: a ``(num_steps,)`` array, no NaN.
        lags: the lags to score, integers between 1 and ``num_steps - 4`` (the estimator
            needs a few pairs).
        seed: an integer between 0 and 2**32 - 1 for the estimator's noise.

    Returns:
        A float64 array of shape ``(len(lags),)``, >= 0.

    Example:
        >>> import numpy as np
        >>> from lstmkit import length_selection
        >>> series = np.sin(2 * np.pi * np.arange(240) / 12)
        >>> scores = length_selection.lagged_mutual_information(series, lags=[3, 12])
        >>> bool(scores[1] > scores[0])  # a full period ago says more than a quarter
        True
    """
    from sklearn.feature_selection import mutual_info_regression

    values = _check_series(series)
    lag_array = check_array(lags, "lags", ndim=1)
    if lag_array.dtype.kind not in "iu":
        raise TypeError(
            f"`lags` must hold integers. {received(lags=lag_array)} "
            f"Use for example lags=range(1, 53)."
        )
    largest = len(values) - 4
    if lag_array.min() < 1 or lag_array.max() > largest:
        raise ValueError(
            f"`lags` must be between 1 and {largest} for a series of {len(values)} steps. "
            f"Received: lags from {int(lag_array.min())} to {int(lag_array.max())}. "
            f"Use shorter lags or a longer series."
        )
    seed = check_int(seed, "seed", minimum=0)
    seed = check_int(seed, "seed", minimum=0, maximum=2**32 - 1)  # what scikit-learn takes
    return np.array([
        mutual_info_regression(values[:-lag, None], values[lag:], random_state=seed)[0]
        for lag in lag_array.tolist()
    ])


def choose_sequence_length(validation_errors: dict[Any, Any], *, tolerance: float = 0.25) -> int:
    """Return the shortest length whose validation error is within ``tolerance`` of the best.

    Use it after scoring a few candidate lengths on a validation part: longer windows
    cost time and memory and give a model more to overfit, so prefer the shortest one
    that is nearly as good as the best (like the one-standard-error rule).

    Args:
        validation_errors: a dict ``{length: error}``, lengths positive integers, errors
            finite numbers >= 0 where lower is better.
        tolerance: the allowed relative excess over the best error, >= 0 (0.25: 25%).

    Returns:
        The chosen length, an ``int``.

    Example:
        >>> from lstmkit import length_selection
        >>> errors = {4: 3.0, 13: 2.5, 26: 1.9, 52: 0.64, 104: 0.55}
        >>> length_selection.choose_sequence_length(errors)
        52
        >>> length_selection.choose_sequence_length(errors, tolerance=0.0)
        104
    """
    if not isinstance(validation_errors, dict) or not validation_errors:
        raise TypeError(
            f"`validation_errors` must be a non-empty dict {{length: error}}. "
            f"{received(validation_errors=validation_errors)}"
        )
    tolerance = check_float(tolerance, "tolerance", minimum=0.0)
    errors = {}
    for length, error in validation_errors.items():
        length = check_int(
            length, "length", minimum=1, hint="Keys of `validation_errors` are lengths."
        )
        is_number = not isinstance(error, bool) and isinstance(error, numbers.Real)
        if not is_number or not np.isfinite(error) or error < 0:
            raise ValueError(
                f"`validation_errors` must map lengths to finite errors >= 0. "
                f"Received: validation_errors[{length}]={error!r}. A NaN usually means "
                f"training diverged for that length."
            )
        errors[length] = float(error)
    best = min(errors.values())
    return min(length for length, error in errors.items() if error <= (1.0 + tolerance) * best)
