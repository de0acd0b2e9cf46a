"""Leak-free scaling: statistics come from the training part only.

A scaler fitted on all the data leaks the future's mean and spread into training.
:class:`FeatureScaler` follows scikit-learn's conventions (``fit`` returns the scaler,
fitted attributes end with ``_``, ``get_params``/``set_params``, ``NotFittedError``
before ``fit``); :func:`scale_splits` makes "fit on train, transform the rest" the only
order available.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from lstmkit._validation import check_array, check_option

__all__ = ["FeatureScaler", "scale_splits"]

_METHODS = ("standard", "minmax")
_MODES = ("per_feature", "global")


class _NotFittedError(NotFittedError, RuntimeError):
    """scikit-learn's ``NotFittedError``, still caught by the ``RuntimeError`` of old code."""


def _resolve_mode(data: np.ndarray, mode: str | None, name: str) -> str:
    if mode is not None:
        return mode
    if data.ndim == 1:
        return "global"
    if data.ndim == 3:
        return "per_feature"
    raise ValueError(
        f"`mode` must be 'per_feature' or 'global' for 2-D `{name}`, whose axes are "
        f"ambiguous. Received: mode=None with {name} of shape {data.shape}. Pass "
        f"mode='per_feature' when the last axis holds features (a (num_steps, "
        f"num_features) series), mode='global' for (num_windows, window_length) windows "
        f"of one series (one statistic for all values), or reshape windows to "
        f"(num_windows, window_length, 1)."
    )


class FeatureScaler(TransformerMixin, BaseEstimator):
    """Per-feature scaling fitted on training data only, for any sequence shape.

    Use it to scale a series or windows without leaking: ``fit`` on the training
    part, ``transform`` the validation and test parts with the *training* statistics,
    ``inverse_transform`` predictions back to the original units. Statistics are per
    feature (the last axis) over all other axes, so a scaler fitted on a
    ``(num_steps, num_features)`` series also applies to its
    ``(num_windows, window_length, num_features)`` windows. It wraps scikit-learn's
    ``StandardScaler`` / ``MinMaxScaler`` and never modifies its inputs.

    Args:
        method: ``"standard"`` (zero mean, unit variance) or ``"minmax"`` (0 to 1).
        mode: how ``fit`` reads the data. ``"per_feature"``: the last axis holds the
            features; ``"global"``: every value is one feature. ``None`` (default)
            picks ``"global"`` for 1-D and ``"per_feature"`` for 3-D data, and raises
            for 2-D data, where ``(num_steps, num_features)`` and
            ``(num_windows, window_length)`` look alike.

    Attributes (after ``fit``):
        n_features_in_: the number of features seen (1 for a 1-D series or "global").
        scaler_: the fitted scikit-learn scaler.
        mode_: the mode used (``mode``, or the one picked from the data's rank).

    Example:
        >>> import numpy as np
        >>> from lstmkit import windowing
        >>> train = np.array([1.0, 2.0, 3.0], dtype="float32")
        >>> scaler = windowing.FeatureScaler(method="minmax").fit(train)
        >>> scaler.transform(np.array([[2.0, 5.0]], dtype="float32"))
        array([[0.5, 2. ]], dtype=float32)
        >>> series = np.array([[0.0, 10.0], [2.0, 30.0]], dtype="float32")
        >>> windowing.FeatureScaler(method="minmax", mode="per_feature").fit_transform(series)
        array([[0., 0.],
               [1., 1.]], dtype=float32)
    """

    def __init__(self, *, method: str = "standard", mode: str | None = None) -> None:
        self.method = check_option(method, "method", _METHODS)
        self.mode = mode if mode is None else check_option(mode, "mode", _MODES)

    def fit(self, data: Any, y: Any = None) -> FeatureScaler:
        """Learn per-feature statistics from ``data`` (the training part only).

        Args:
            data: a ``(num_steps,)``, ``(num_steps, num_features)`` or
                ``(num_windows, window_length, num_features)`` array, no NaN, with at
                least one value.
            y: ignored (for scikit-learn pipelines).

        Returns:
            The scaler itself, fitted.
        """
        from sklearn.preprocessing import MinMaxScaler, StandardScaler

        method = check_option(self.method, "method", _METHODS)
        mode = None if self.mode is None else check_option(self.mode, "mode", _MODES)
        data = check_array(data, "data", ndim=(1, 2, 3))
        if data.size == 0:
            raise ValueError(
                f"`data` must hold at least one value per feature. Received: data with shape "
                f"{data.shape}. Give every feature axis a size >= 1."
            )
        mode = _resolve_mode(data, mode, "data")
        num_features = 1 if mode == "global" or data.ndim == 1 else data.shape[-1]
        scaler = StandardScaler() if method == "standard" else MinMaxScaler()
        scaler.fit(data.reshape(-1, num_features))
        self.scaler_ = scaler
        self.n_features_in_ = num_features
        self.mode_ = mode
        return self

    def _apply(self, data: Any, name: str, *, inverse: bool) -> np.ndarray:
        try:
            check_is_fitted(self, "scaler_")
        except NotFittedError:
            raise _NotFittedError(
                "This FeatureScaler is not fitted yet. Call `fit` on the training part first."
            ) from None
        data = check_array(data, name, ndim=(1, 2, 3))
        num_features = self.n_features_in_
        # One feature: every value is scaled alike, whatever the shape (series, windows).
        if num_features != 1 and (data.ndim < 2 or data.shape[-1] != num_features):
            raise ValueError(
                f"`{name}` must have {num_features} feature(s) on its last axis, like "
                f"the data the scaler was fitted on. Received: {name} with shape "
                f"{data.shape}."
            )
        dtype = data.dtype if data.dtype.kind == "f" else np.dtype("float32")
        flat = data.reshape(-1, num_features).astype(dtype, copy=True)
        method = self.scaler_.inverse_transform if inverse else self.scaler_.transform
        return method(flat).astype(dtype, copy=False).reshape(data.shape)

    def transform(self, data: Any) -> np.ndarray:
        """Scale ``data`` with the training statistics.

        Args:
            data: an array whose last axis holds the fitted features (any shape if
                the scaler was fitted on one feature).

        Returns:
            A new array of the same shape (float32 unless ``data`` is float64).
        """
        return self._apply(data, "data", inverse=False)

    def inverse_transform(self, data: Any) -> np.ndarray:
        """Map scaled values (for example predictions) back to the original units.

        Args:
            data: scaled values, shaped as for :meth:`transform`.

        Returns:
            A new array of the same shape, in the units of the training data.
        """
        return self._apply(data, "data", inverse=True)

    def fit_transform(self, data: Any, y: Any = None) -> np.ndarray:
        """``fit(data)`` then ``transform(data)``: for the training part only.

        Args:
            data: the training part, as for :meth:`fit`.
            y: ignored.

        Returns:
            The scaled training part, a new array of the same shape.
        """
        return self.fit(data).transform(data)

    @property
    def num_features(self) -> int | None:
        """Deprecated name of ``n_features_in_`` (None before ``fit``)."""
        warnings.warn(
            "`FeatureScaler.num_features` is deprecated: use `n_features_in_` "
            "(scikit-learn's name for a fitted attribute).",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(self, "n_features_in_", None)

    @property
    def scaler(self) -> Any:
        """Deprecated name of ``scaler_`` (None before ``fit``)."""
        warnings.warn(
            "`FeatureScaler.scaler` is deprecated: use `scaler_` (scikit-learn's name for "
            "a fitted attribute).",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(self, "scaler_", None)


def scale_splits(
    train: Any, *others: Any, method: str = "standard", mode: str | None = None
) -> tuple[Any, ...]:
    """Fit a :class:`FeatureScaler` on ``train`` and apply it to every part.

    Use it right after :func:`chronological_split`: it makes the leak-free order (fit
    on train, transform the rest) the only one available.

    Args:
        train: the training part, ``(num_steps,)``, ``(num_steps, num_features)`` or
            ``(num_windows, window_length, num_features)``.
        *others: validation, test or any other parts with the same features.
        method: ``"standard"`` or ``"minmax"``.
        mode: ``"per_feature"`` or ``"global"``; required when ``train`` is 2-D (see
            :class:`FeatureScaler`).

    Returns:
        ``(scaled_train, *scaled_others, scaler)``: new arrays of the input shapes,
        then the fitted scaler (for ``inverse_transform`` of predictions).

    Example:
        >>> import numpy as np
        >>> from lstmkit import windowing
        >>> train, validation, test = windowing.chronological_split(
        ...     np.arange(10, dtype="float32"), validation_fraction=0.2, test_fraction=0.2)
        >>> train_scaled, validation_scaled, test_scaled, scaler = windowing.scale_splits(
        ...     train, validation, test, method="minmax")
        >>> train_scaled.min(), train_scaled.max(), validation_scaled  # train range only
        (np.float32(0.0), np.float32(1.0), array([1.2, 1.4], dtype=float32))
    """
    scaler = FeatureScaler(method=method, mode=mode)
    scaled_train = scaler.fit_transform(train)
    scaled_others = []
    for position, part in enumerate(others):
        try:
            scaled_others.append(scaler.transform(part))
        except (TypeError, ValueError) as error:
            raise type(error)(f"In part {position + 1} of `others`: {error}") from error
    return (scaled_train, *scaled_others, scaler)
