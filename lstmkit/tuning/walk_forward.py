"""The walk-forward objective: score a configuration on folds in time order, with pruning.

For a time series, a configuration must be chosen on data that comes after what it was
trained on; :func:`walk_forward_score` trains a fresh model per fold and reports every
epoch to an Optuna trial's pruner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from lstmkit._validation import (
    check_array,
    check_int,
    check_same_length,
    import_optional,
    received,
)

__all__ = ["walk_forward_score"]


def _check_folds(folds: Sequence[Any], num_windows: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, validation) index arrays, each fold training only on windows before it."""
    if not folds or not all(isinstance(fold, (list, tuple)) and len(fold) == 2 for fold in folds):
        raise ValueError(
            f"`folds` must be an int or a non-empty list of (train_indices, "
            f"validation_indices) pairs. Received: {len(folds)} item(s) of another form. "
            f"Use `lstmkit.windowing.walk_forward_splits`."
        )
    checked = []
    for number, (train, validation) in enumerate(folds):
        train = check_array(train, f"folds[{number}][0]", ndim=1)
        validation = check_array(validation, f"folds[{number}][1]", ndim=1)
        for part in (train, validation):
            if part.dtype.kind not in "iu" or part.min() < 0 or part.max() >= num_windows:
                raise ValueError(
                    f"`folds` must hold integer indices between 0 and {num_windows - 1} (the "
                    f"windows of `x`). Received: folds[{number}] with values from {part.min()} "
                    f"to {part.max()} (dtype {part.dtype})."
                )
        if train.max() >= validation.min():
            raise ValueError(
                f"`folds` must train each fold only on windows before its validation block. "
                f"Received: folds[{number}] trains on window {int(train.max())} but validates "
                f"from window {int(validation.min())}: the model would be scored on the past "
                f"after seeing the future, a leak that flatters it. Use "
                f"`lstmkit.windowing.walk_forward_splits`."
            )
        checked.append((train, validation))
    return checked


class _FoldPruning(keras.callbacks.Callback):
    """Report to Optuna at a global step ``fold * epochs + epoch`` so folds never collide."""

    def __init__(self, pruning: Any, offset: int) -> None:
        super().__init__()
        self.pruning = pruning
        self.offset = offset

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.pruning.on_epoch_end(self.offset + epoch, logs)


def walk_forward_score(
    x: Any,
    y: Any,
    *,
    build_model: Callable[[int], keras.Model],
    batch_size: int = 32,
    folds: Any = 3,
    epochs: int = 5,
    trial: Any = None,
) -> float:
    """Mean validation loss over walk-forward folds: the objective for a time series.

    Use it as (part of) a search objective on windows in time order: fold ``k`` trains a
    fresh model on the windows before validation block ``k`` and scores the block, so
    no configuration is chosen on data it was trained after. An int ``folds`` takes
    ``lstmkit.windowing.walk_forward_splits(x, num_folds=folds)`` (expanding training
    part, no gap); for overlapping windows pass your own folds with
    ``gap = window_length + horizon - 1`` (in windows, divided by the stride) so no
    training target lies inside a validation window. Every fold must train only on
    windows before its validation block (a fold the other way round would score the
    model on the past it was fitted after, a leak), else ``ValueError``. With an Optuna
    ``trial``, every epoch's ``val_loss`` is reported through
    ``optuna_integration.KerasPruningCallback`` (at step ``fold * epochs + epoch``), so
    the study's pruner stops poor trials early.

    Args:
        x: ``(N, T, C)`` windows in time order.
        y: ``(N, ...)`` targets.
        build_model: called with the number of optimizer steps of one fold's training
            (for a learning-rate schedule); returns a compiled model.
        batch_size: batch size for ``fit``.
        folds: the number of walk-forward folds (>= 1), or a list of
            ``(train_indices, validation_indices)`` pairs, for example from
            ``windowing.walk_forward_splits(x, num_folds=3, gap=...)``.
        epochs: epochs per fold.
        trial: an ``optuna.trial.Trial`` to prune, or None.

    Returns:
        The mean of the folds' final validation losses (lower is better).

    Raises:
        optuna.TrialPruned: when the trial's pruner stops it.

    Example:
        >>> import numpy as np
        >>> from lstmkit import models, tuning
        >>> x = np.random.default_rng(0).normal(size=(40, 10, 1)).astype("float32")
        >>> y = x[:, -1, 0]
        >>> score = tuning.walk_forward_score(
        ...     x, y, epochs=1, folds=2, build_model=lambda steps: models.build_recurrent_model(
        ...         {"units": 4}, input_shape=(10, 1), num_outputs=1, loss="mse",
        ...         total_steps=steps))
        >>> bool(score > 0)
        True
    """
    from lstmkit import windowing

    x = check_array(x, "x", ndim=3)
    y = check_array(y, "y")
    check_same_length("x", x, "y", y)
    if not callable(build_model):
        raise TypeError(
            f"`build_model` must be a function steps -> compiled model. "
            f"{received(build_model=build_model)}"
        )
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if isinstance(folds, (list, tuple)):
        folds = _check_folds(folds, len(x))
    else:
        folds = windowing.walk_forward_splits(x, num_folds=check_int(folds, "folds", minimum=1))
    epochs = check_int(epochs, "epochs", minimum=1)
    pruning = None
    if trial is not None:
        integration = import_optional("optuna_integration", purpose="Pruning in walk_forward_score")
        pruning = integration.KerasPruningCallback(trial, "val_loss")
    losses = []
    for fold, (train, validation) in enumerate(folds):
        model = build_model(epochs * -(-len(train) // batch_size))
        callbacks = [] if pruning is None else [_FoldPruning(pruning, fold * epochs)]
        history = model.fit(
            x[train], y[train], batch_size=batch_size, epochs=epochs, shuffle=True,
            validation_data=(x[validation], y[validation]), callbacks=callbacks, verbose=0,
        )
        losses.append(history.history["val_loss"][-1])
    return float(np.mean(losses))
