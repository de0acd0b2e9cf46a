"""Sliding windows, chronological splits, walk-forward folds and leak-free scaling.

An LSTM cannot read a million-step series in one pass, so forecasting and
classification on long series start by cutting it into windows. Three rules keep
that honest and cheap:

* **Windows are views.** ``numpy.lib.stride_tricks.sliding_window_view`` describes every
  window of a series without copying it, so a million windows of 256 steps cost no
  memory until a batch is gathered (:func:`make_windows`, :class:`WindowDataset`).
* **Time only flows forward.** Validation and test data come *after* the training data,
  with a gap wide enough that no window or target reaches across a border
  (:func:`chronological_split`, :func:`walk_forward_splits`).
* **Statistics come from the training part only.** A scaler fitted on all the data leaks
  the future's mean and spread into training (:class:`FeatureScaler`,
  :func:`scale_splits`).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import keras
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lstmkit._validation import (
    check_array,
    check_float,
    check_int,
    check_option,
    check_random_state,
    check_same_length,
    received,
)

__all__ = [
    "FeatureScaler",
    "WindowDataset",
    "chronological_split",
    "count_windows",
    "make_windows",
    "scale_splits",
    "walk_forward_splits",
]


def _check_window_arguments(
    num_steps: int, window_length: Any, stride: Any, horizon: Any
) -> tuple[int, int, int]:
    window_length = check_int(window_length, "window_length", minimum=1)
    stride = check_int(
        stride, "stride", minimum=1,
        hint="Use stride=1 for every window, or a larger step to skip windows.",
    )
    horizon = check_int(
        horizon, "horizon", minimum=0,
        hint="Use horizon=1 to predict the step right after each window, 0 for no target.",
    )
    if window_length + horizon > num_steps:
        extra = f" plus horizon={horizon}" if horizon else ""
        raise ValueError(
            f"`window_length` must fit in the series{' with its horizon' if horizon else ''}. "
            f"Received: window_length={window_length}{extra} for a series of length "
            f"{num_steps}. Use a window_length <= {num_steps - horizon}, or a longer series."
        )
    return window_length, stride, horizon


def count_windows(num_steps: int, *, window_length: int, stride: int = 1, horizon: int = 0) -> int:
    """Return how many windows :func:`make_windows` cuts from a series of ``num_steps``.

    Use it to size an epoch before building anything.

    Args:
        num_steps: the length of the series, >= 1.
        window_length: steps per window, >= 1.
        stride: steps between the starts of consecutive windows, >= 1.
        horizon: steps from a window's last step to its target (0 for no target).

    Returns:
        ``(num_steps - window_length - horizon) // stride + 1``.

    Example:
        >>> from lstmkit import windowing
        >>> windowing.count_windows(10, window_length=4, stride=2, horizon=1)
        3
    """
    num_steps = check_int(num_steps, "num_steps", minimum=1)
    window_length, stride, horizon = _check_window_arguments(num_steps, window_length, stride, horizon)
    return (num_steps - window_length - horizon) // stride + 1


def make_windows(
    series: Any,
    *,
    window_length: int,
    stride: int = 1,
    horizon: int = 0,
    targets: Any = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Cut a series into sliding windows without copying it.

    Use it to turn one long series into many short training examples. Window ``i``
    holds steps ``i * stride`` to ``i * stride + window_length - 1``; its target (if
    asked for) is the step ``horizon`` steps after the window's last step. The windows
    and targets are read-only *views* of the inputs: memory does not grow with the
    number of windows, and nothing can change the series through them. Take
    ``np.array(windows)`` when you need a writable copy, and ``windows[..., None]`` to
    add the feature axis a Keras LSTM expects for a 1-D series.

    Args:
        series: a ``(num_steps,)`` or ``(num_steps, num_features)`` array, no NaN.
        window_length: steps per window, >= 1.
        stride: steps between the starts of consecutive windows, >= 1.
        horizon: steps ahead of a window's last step to take the target from. ``0``
            with ``targets=None`` returns windows only; ``1`` forecasts the next step.
        targets: optional ``(num_steps, ...)`` array of per-step labels to take the
            targets from instead of ``series`` (for example an anomaly flag per step;
            with ``horizon=0`` the label of each window's last step).

    Returns:
        ``windows`` of shape ``(num_windows, window_length)`` for a 1-D series or
        ``(num_windows, window_length, num_features)``, and, when ``horizon > 0`` or
        ``targets`` is given, a tuple ``(windows, window_targets)`` where
        ``window_targets`` has shape ``(num_windows,) + series.shape[1:]`` (or
        ``targets.shape[1:]``). ``num_windows`` is :func:`count_windows`.

    Example:
        >>> import numpy as np
        >>> from lstmkit import windowing
        >>> series = np.arange(10, dtype="float32")
        >>> windows, next_values = windowing.make_windows(
        ...     series, window_length=4, stride=2, horizon=1)
        >>> windows.shape
        (3, 4)
        >>> windows[0], next_values[0]  # first window: steps 0-3, target step 4
        (array([0., 1., 2., 3.], dtype=float32), np.float32(4.0))
        >>> windows[-1], next_values[-1]  # last window: steps 4-7, target step 8
        (array([4., 5., 6., 7.], dtype=float32), np.float32(8.0))
        >>> np.shares_memory(windows, series)  # a view, not a copy
        True
    """
    series = check_array(series, "series", ndim=(1, 2))
    window_length, stride, horizon = _check_window_arguments(len(series), window_length, stride, horizon)
    if targets is not None:
        targets = check_array(targets, "targets")
        check_same_length("series", series, "targets", targets)
    num_windows = (len(series) - window_length - horizon) // stride + 1
    windows = sliding_window_view(series, window_length, axis=0)
    if series.ndim == 2:
        # sliding_window_view puts the window axis last; LSTMs want (time, features).
        windows = np.moveaxis(windows, -1, 1)
    windows = windows[: num_windows * stride : stride]
    if targets is None and horizon == 0:
        return windows
    source = series if targets is None else targets
    first = window_length - 1 + horizon
    window_targets = source[first : first + (num_windows - 1) * stride + 1 : stride]
    window_targets = window_targets.view()
    window_targets.flags.writeable = False  # like the windows: no writing through to the input
    return windows, window_targets


class WindowDataset(keras.utils.PyDataset):
    """Batches of sliding windows that ``model.fit`` can consume, built on demand.

    Use it when the windows of a long series would not fit in memory, or would waste
    it: the dataset keeps one read-only view of the series and gathers only the
    windows of the batch Keras asks for (``windows[indices]``), so memory stays at one
    batch whatever the series length. Batches are always 3-D (a 1-D series gets a
    feature axis of 1) because that is what an LSTM reads.

    Args:
        series: a ``(num_steps,)`` or ``(num_steps, num_features)`` array, no NaN.
        window_length: steps per window, >= 1.
        stride: steps between the starts of consecutive windows, >= 1.
        horizon: steps from a window's last step to its target; ``0`` with
            ``targets=None`` yields inputs only (for ``predict``).
        targets: optional per-step labels to take targets from instead of ``series``.
        batch_size: windows per batch, >= 1. The last batch may be smaller.
        shuffle_seed: ``None`` keeps windows in chronological order (what evaluation
            and stateful models need); an integer shuffles the windows every epoch
            with a generator seeded by it, so the run repeats exactly.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` for
            ``keras.utils.PyDataset``.

    Attributes:
        windows: the read-only ``(num_windows, window_length, num_features)`` view.
        window_targets: the read-only ``(num_windows, ...)`` view of targets, or None.
        num_windows: the number of windows per epoch.

    Returns (per batch, from ``dataset[index]``):
        ``x`` of shape ``(batch, window_length, num_features)`` float32 when the series
        is float32, and with targets a tuple ``(x, y)`` where ``y`` has shape
        ``(batch,) + targets.shape[1:]``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import windowing
        >>> series = np.arange(10, dtype="float32")
        >>> dataset = windowing.WindowDataset(series, window_length=4, horizon=1,
        ...                                   batch_size=4)
        >>> len(dataset), dataset.num_windows
        (2, 6)
        >>> x, y = dataset[0]
        >>> x.shape, x[0, :, 0], y[0]  # first window: steps 0-3, target step 4
        ((4, 4, 1), array([0., 1., 2., 3.], dtype=float32), np.float32(4.0))
        >>> x, y = dataset[1]
        >>> x[-1, :, 0], y[-1]  # last window: steps 5-8, target step 9
        (array([5., 6., 7., 8.], dtype=float32), np.float32(9.0))
    """

    def __init__(
        self,
        series: Any,
        *,
        window_length: int,
        stride: int = 1,
        horizon: int = 0,
        targets: Any = None,
        batch_size: int = 32,
        shuffle_seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        series = check_array(series, "series", ndim=(1, 2))
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        if shuffle_seed is not None:
            check_random_state(shuffle_seed, "shuffle_seed")
        result = make_windows(
            series if series.ndim == 2 else series[:, None],
            window_length=window_length, stride=stride, horizon=horizon, targets=targets,
        )
        super().__init__(**kwargs)
        if isinstance(result, tuple):
            self.windows, self.window_targets = result
            if targets is None and series.ndim == 1:
                # A 1-D series forecasts a scalar per window, not a length-1 vector.
                self.window_targets = self.window_targets[:, 0]
        else:
            self.windows, self.window_targets = result, None
        self.num_windows = len(self.windows)
        self.batch_size = batch_size
        self.shuffle_seed = shuffle_seed
        self._generator = None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
        self._order: np.ndarray | None = None
        self.on_epoch_end()

    def __len__(self) -> int:
        return math.ceil(self.num_windows / self.batch_size)

    def __getitem__(self, index: int) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(f"`index` must be an integer batch number. {received(index=index)}")
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(
                f"`index` must be between 0 and {len(self) - 1}. {received(index=index)}"
            )
        start = index * self.batch_size
        stop = min(start + self.batch_size, self.num_windows)
        if self._order is None:
            # In order: a contiguous slice of the view, copied once into a dense batch.
            x = np.array(self.windows[start:stop])
            y = None if self.window_targets is None else np.array(self.window_targets[start:stop])
        else:
            indices = self._order[start:stop]
            x = self.windows[indices]
            y = None if self.window_targets is None else self.window_targets[indices]
        return x if y is None else (x, y)

    def on_epoch_end(self) -> None:
        """Draw a new window order for the next epoch (only when shuffling)."""
        if self._generator is not None:
            self._order = self._generator.permutation(self.num_windows)


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
    test_fraction = check_float(test_fraction, "test_fraction", minimum=0, maximum=1, include_maximum=False)
    gap = check_int(gap, "gap", minimum=0)
    train_size, validation_size, test_size = _split_sizes(len(data), validation_fraction, test_fraction, gap)
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
    The folds work as scikit-learn's ``cv=`` argument.

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
    if isinstance(data, numbers.Integral) and not isinstance(data, bool):
        num_items = check_int(data, "data", minimum=1)
    else:
        array = check_array(data, "data", numeric=False, allow_nan=True)
        if array.ndim == 0:
            raise ValueError(f"`data` must be an array with a time axis or an int. {received(data=data)}")
        num_items = len(array)
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


class FeatureScaler:
    """Per-feature scaling fitted on training data only, for any sequence shape.

    Use it to scale a series or windows without leaking: ``fit`` on the training
    part, ``transform`` the validation and test parts with the *training* statistics,
    ``inverse_transform`` predictions back to the original units. Statistics are per
    feature (the last axis) over all other axes, so the same scaler applies to a
    ``(num_steps,)`` series, a ``(num_steps, num_features)`` series and
    ``(num_windows, window_length, num_features)`` windows. It wraps scikit-learn's
    ``StandardScaler`` / ``MinMaxScaler`` and never modifies its inputs.

    Args:
        method: ``"standard"`` (zero mean, unit variance) or ``"minmax"`` (0 to 1).

    Attributes (after ``fit``):
        num_features: the number of features seen (1 for a 1-D series).
        scaler: the fitted scikit-learn scaler.

    Example:
        >>> import numpy as np
        >>> from lstmkit import windowing
        >>> train = np.array([1.0, 2.0, 3.0], dtype="float32")
        >>> scaler = windowing.FeatureScaler(method="minmax").fit(train)
        >>> scaler.transform(np.array([[2.0, 5.0]], dtype="float32"))
        array([[0.5, 2. ]], dtype=float32)
    """

    def __init__(self, *, method: str = "standard") -> None:
        self.method = check_option(method, "method", ("standard", "minmax"))
        self.num_features: int | None = None
        self.scaler: Any = None

    def fit(self, data: Any) -> FeatureScaler:
        """Learn per-feature statistics from ``data`` (the training part only).

        Args:
            data: a ``(num_steps,)``, ``(num_steps, num_features)`` or
                ``(num_windows, window_length, num_features)`` array, no NaN.

        Returns:
            The scaler itself, fitted.
        """
        from sklearn.preprocessing import MinMaxScaler, StandardScaler

        data = check_array(data, "data", ndim=(1, 2, 3))
        self.num_features = 1 if data.ndim == 1 else data.shape[-1]
        self.scaler = StandardScaler() if self.method == "standard" else MinMaxScaler()
        self.scaler.fit(data.reshape(-1, self.num_features))
        return self

    def _apply(self, data: Any, name: str, *, inverse: bool) -> np.ndarray:
        if self.scaler is None:
            raise RuntimeError(
                "This FeatureScaler is not fitted yet. Call `fit` on the training part first."
            )
        data = check_array(data, name, ndim=(1, 2, 3))
        # One feature: every value is scaled alike, whatever the shape (series, windows, targets).
        if self.num_features != 1 and (data.ndim < 2 or data.shape[-1] != self.num_features):
            raise ValueError(
                f"`{name}` must have {self.num_features} feature(s) on its last axis, like "
                f"the data the scaler was fitted on. Received: {name} with shape "
                f"{data.shape}."
            )
        dtype = data.dtype if data.dtype.kind == "f" else np.dtype("float32")
        flat = data.reshape(-1, self.num_features).astype(dtype, copy=True)
        method = self.scaler.inverse_transform if inverse else self.scaler.transform
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
        """Map scaled values (for example predictions) back to the original units."""
        return self._apply(data, "data", inverse=True)

    def fit_transform(self, data: Any) -> np.ndarray:
        """``fit(data)`` then ``transform(data)``: for the training part only."""
        return self.fit(data).transform(data)


def scale_splits(train: Any, *others: Any, method: str = "standard") -> tuple[Any, ...]:
    """Fit a :class:`FeatureScaler` on ``train`` and apply it to every part.

    Use it right after :func:`chronological_split`: it makes the leak-free order (fit
    on train, transform the rest) the only one available.

    Args:
        train: the training part, ``(num_steps,)``, ``(num_steps, num_features)`` or
            ``(num_windows, window_length, num_features)``.
        *others: validation, test or any other parts with the same features.
        method: ``"standard"`` or ``"minmax"``.

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
    scaler = FeatureScaler(method=method)
    scaled_train = scaler.fit_transform(train)
    scaled_others = []
    for position, part in enumerate(others):
        try:
            scaled_others.append(scaler.transform(part))
        except (TypeError, ValueError) as error:
            raise type(error)(f"In part {position + 1} of `others`: {error}") from error
    return (scaled_train, *scaled_others, scaler)
