"""Sliding windows over a series, as read-only views, and a PyDataset that batches them.

``numpy.lib.stride_tricks.sliding_window_view`` describes every window of a series
without copying it, so a million windows of 256 steps cost no memory until a batch is
gathered. Only :class:`WindowDataset` allocates, one batch at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lstmkit._batching import IndexBatchDataset, resolve_shuffle_seed
from lstmkit._validation import (
    check_allocation,
    check_array,
    check_int,
    check_random_state,
    check_same_length,
)

__all__ = ["WindowDataset", "count_windows", "make_windows"]


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


def count_windows(
    num_steps: int, *, window_length: int, stride: int = 1, horizon: int = 0
) -> int:
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
    window_length, stride, horizon = _check_window_arguments(
        num_steps, window_length, stride, horizon
    )
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
    number of windows (so no size limit applies here), and nothing can change the series
    through them. Take ``np.array(windows)`` when you need a writable copy (that copy
    is ``num_windows * window_length`` times larger than one step), and
    ``windows[..., None]`` to add the feature axis a Keras LSTM expects for a 1-D series.

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
    window_length, stride, horizon = _check_window_arguments(
        len(series), window_length, stride, horizon
    )
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


class WindowDataset(IndexBatchDataset):
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
        batch_size: windows per batch, >= 1. The last batch may be smaller. One batch
            is a copy, so ``batch_size * window_length * num_features`` values must fit
            in memory.
        shuffle: ``False`` keeps windows in chronological order (what evaluation and
            stateful models need); ``True`` draws a new window order every epoch.
        seed: the seed of the shuffle (None, an int or a ``numpy.random.Generator``);
            with an int the run repeats exactly.
        shuffle_seed: deprecated; ``shuffle_seed=k`` means ``shuffle=True, seed=k``
            (same order as before for the same seed).
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
        >>> shuffled = windowing.WindowDataset(series, window_length=4, batch_size=7,
        ...                                    shuffle=True, seed=0)
        >>> sorted(shuffled[0][:, 0, 0].tolist())  # all 7 windows, in a seeded order
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
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
        shuffle: bool = False,
        seed: Any = None,
        shuffle_seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        series = check_array(series, "series", ndim=(1, 2))
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        if shuffle_seed is not None:
            check_random_state(shuffle_seed, "shuffle_seed")
        shuffle, seed = resolve_shuffle_seed(shuffle, seed, shuffle_seed, owner="WindowDataset")
        result = make_windows(
            series if series.ndim == 2 else series[:, None],
            window_length=window_length, stride=stride, horizon=horizon, targets=targets,
        )
        if isinstance(result, tuple):
            self.windows, self.window_targets = result
            if targets is None and series.ndim == 1:
                # A 1-D series forecasts a scalar per window, not a length-1 vector.
                self.window_targets = self.window_targets[:, 0]
        else:
            self.windows, self.window_targets = result, None
        self.num_windows = len(self.windows)
        # The windows are views; a batch is the first real copy, so size it up front.
        check_allocation(
            min(batch_size, self.num_windows) * int(np.prod(self.windows.shape[1:])),
            self.windows.dtype.itemsize,
            name="batch_size",
            value=batch_size,
            hint="Use a smaller `batch_size` (or a shorter `window_length`).",
        )
        super().__init__(
            num_items=self.num_windows, batch_size=batch_size, shuffle=shuffle, seed=seed,
            **kwargs,
        )

    @property
    def shuffle_seed(self) -> Any:
        """The seed when shuffling, else None (the old name of ``seed``)."""
        return self.seed if self.shuffle else None

    def make_batch(self, indices: np.ndarray) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Gather the windows (and targets) at ``indices`` into new dense arrays."""
        if not self.shuffle:
            # In order: a contiguous slice of the view, copied once into a dense batch.
            start, stop = int(indices[0]), int(indices[-1]) + 1
            x = np.array(self.windows[start:stop])
            y = None if self.window_targets is None else np.array(self.window_targets[start:stop])
        else:
            x = self.windows[indices]  # fancy indexing: already a new array
            y = None if self.window_targets is None else self.window_targets[indices]
        return x if y is None else (x, y)
