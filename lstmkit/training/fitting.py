"""The shared training recipe: compile with Adam, fit, score, and report what happened."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from lstmkit._validation import check_float, check_int, check_option, message
from lstmkit.profiling import measure

__all__ = ["TrainingRecord", "fit_and_score"]

_MAXIMIZED = ("acc", "auc", "precision", "recall", "f1")


@dataclass
class TrainingRecord:
    """What one :func:`fit_and_score` run produced.

    Attributes:
        metrics: test metrics from ``model.evaluate`` (``{}`` without a test set).
        history: ``History.history``: one list per logged quantity, one value per epoch.
        epochs_run: epochs actually trained.
        best_epoch: 1-based epoch with the best ``monitor`` value (``val_loss`` when a
            validation set exists, else ``loss``; higher is better for accuracy/AUC).
        converged: True when early stopping ended the run, or when the training loss
            is finite, ended lower than after the first epoch, and changed by at most
            1% (relative) over the last epoch. Always False after a single epoch.
        stopped_by: ``"epochs"``, ``"early_stopping"`` or ``"time_budget"``.
        train_seconds: wall time of ``model.fit``.
        peak_memory_mb: peak extra resident memory during ``fit`` (see ``lk.measure``).
    """

    metrics: dict[str, float]
    history: dict[str, list[float]]
    epochs_run: int
    best_epoch: int
    converged: bool
    stopped_by: str
    train_seconds: float
    peak_memory_mb: float

    def costs(self) -> dict[str, float]:
        """Return ``{"train_seconds": ..., "peak_memory_mb": ...}``."""
        return {"train_seconds": self.train_seconds, "peak_memory_mb": self.peak_memory_mb}

    def summary(self, metric: str = "accuracy") -> dict[str, float]:
        """Return ``{metric: test value, "train_seconds": ..., "peak_memory_mb": ...}``."""
        if metric not in self.metrics:
            raise ValueError(message("metric", f"one of {sorted(self.metrics)}", metric,
                                     "Pass a test set and a metric that the model compiled."))
        return {metric: float(self.metrics[metric]), **self.costs()}


class _TimeBudget(keras.callbacks.Callback):
    """Stop training after the first epoch that ends past ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds, self.triggered = seconds, False

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if time.perf_counter() - self._start >= self.seconds:
            self.triggered, self.model.stop_training = True, True


def _converged(losses: list[float], tolerance: float = 0.01) -> bool:
    if len(losses) < 2 or not all(math.isfinite(value) for value in losses):
        return False
    change = abs(losses[-1] - losses[-2]) / max(abs(losses[-2]), 1e-12)
    return losses[-1] < losses[0] and change <= tolerance


def fit_and_score(
    model: keras.Model,
    train: tuple[Any, Any] | keras.utils.PyDataset,
    *,
    test: tuple[Any, Any] | None = None,
    validation_split: float | None = None,
    validation_data: tuple[Any, Any] | None = None,
    epochs: int,
    batch_size: int = 32,
    learning_rate: float = 3e-3,
    schedule: str = "cosine",
    patience: int | None = None,
    monitor: str | None = None,
    time_budget_s: float | None = None,
    class_weight: dict[int, float] | None = None,
    clipnorm: float | None = None,
    loss: Any = None,
    metrics: list[Any] | None = None,
    verbose: int = 0,
) -> TrainingRecord:
    """Compile ``model`` with Adam, train it on ``train`` and score it on ``test``.

    Use it to compare models under one recipe: Adam at ``learning_rate``, decayed to
    zero by a cosine schedule over all training steps (``schedule="cosine"``) or kept
    constant; binary cross-entropy when the model has one output unit, else sparse
    categorical cross-entropy, with accuracy (override with ``loss``/``metrics``).

    Args:
        model: an unbuilt-optimizer Keras model; it is compiled here.
        train: ``(x, y)`` arrays, or a ``keras.utils.PyDataset`` that yields batches
            (then ``batch_size`` and ``validation_split`` do not apply).
        test: optional ``(x, y)`` scored with ``model.evaluate`` (Keras's default batch).
        validation_split: fraction of ``train`` held out by Keras (the last rows); 0 or
            ``None`` for none.
        validation_data: ``(x, y)`` to validate on instead of a split.
        epochs: maximum number of epochs, >= 1.
        batch_size: training batch size.
        learning_rate: Adam's (initial) learning rate.
        schedule: ``"cosine"`` or ``"constant"``.
        patience: ``None`` trains ``epochs`` epochs; an int adds ``EarlyStopping`` with
            that patience that restores the best weights at the end.
        monitor: quantity for early stopping and ``best_epoch`` (default ``val_loss``
            with validation, else ``loss``).
        time_budget_s: stop after the first epoch that ends past this many seconds.
        class_weight: passed to ``fit``.
        clipnorm: Adam's gradient-norm clipping.
        loss, metrics: override the automatic choice.
        verbose: passed to ``fit``.

    Returns:
        A :class:`TrainingRecord`.

    Example:
        >>> import numpy as np, keras, lstmkit as lk
        >>> from lstmkit.training import fit_and_score
        >>> _ = lk.set_seed(0)
        >>> x = np.random.default_rng(0).normal(size=(64, 10, 1)).astype("float32")
        >>> y = (x[:, -1, 0] > 0).astype("float32")
        >>> model = keras.Sequential([keras.Input((10, 1)), keras.layers.LSTM(4),
        ...                           keras.layers.Dense(1, activation="sigmoid")])
        >>> record = fit_and_score(model, (x, y), test=(x, y), epochs=2)
        >>> record.epochs_run, record.stopped_by, sorted(record.metrics)
        (2, 'epochs', ['accuracy', 'loss'])
    """
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0,
                                include_minimum=False)
    if not isinstance(model, keras.Model):
        raise TypeError(message("model", "a keras.Model", model,
                                "Build the model with keras.Sequential or keras.Model first."))
    check_option(schedule, "schedule", ("cosine", "constant"))
    if clipnorm is not None:
        clipnorm = check_float(clipnorm, "clipnorm", minimum=0, include_minimum=False)
    if validation_split is not None and validation_data is not None:
        raise ValueError(message("validation_split", "None when `validation_data` is given",
                                 validation_split, "Pass one of the two."))
    if validation_split is not None:
        validation_split = check_float(validation_split, "validation_split", minimum=0,
                                       maximum=1, include_maximum=False)
    batched = isinstance(train, keras.utils.PyDataset)
    if batched and validation_split:
        raise ValueError(message("validation_split", "None with a PyDataset", validation_split,
                                 "Pass `validation_data` instead."))
    if not batched and (not isinstance(train, (tuple, list)) or len(train) != 2):
        raise TypeError(message("train", "a tuple (x, y) or a keras.utils.PyDataset", train,
                                "Pass the inputs and labels."))
    x_fit, y_fit = (train, None) if batched else train
    fraction = 1 - validation_split if validation_split is not None else 1
    if schedule == "cosine":
        per_epoch = len(train) if batched else math.ceil(len(x_fit) * fraction / batch_size)
        steps = epochs * per_epoch
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    else:
        rate = learning_rate
    validated = bool(validation_split) or validation_data is not None
    monitor = monitor or ("val_loss" if validated else "loss")
    if loss is None:
        binary = model.output_shape[-1] == 1
        loss = "binary_crossentropy" if binary else "sparse_categorical_crossentropy"
    optimizer = keras.optimizers.Adam(rate, clipnorm=clipnorm)
    model.compile(optimizer=optimizer, loss=loss,
                  metrics=["accuracy"] if metrics is None else metrics)
    callbacks: list[keras.callbacks.Callback] = []
    if patience is not None:
        patience = check_int(patience, "patience", minimum=0)
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor=monitor, patience=patience, restore_best_weights=True))
    if time_budget_s is not None:
        time_budget_s = check_float(time_budget_s, "time_budget_s", minimum=0)
        callbacks.append(_TimeBudget(time_budget_s))
    extra: dict[str, Any] = {} if batched else {"batch_size": batch_size}
    if validation_split is not None:
        extra["validation_split"] = validation_split
    if validation_data is not None:
        extra["validation_data"] = validation_data
    if class_weight is not None:
        extra["class_weight"] = class_weight
    if callbacks:
        extra["callbacks"] = callbacks
    with measure() as usage:
        history = model.fit(x_fit, y_fit, epochs=epochs, verbose=verbose, **extra).history
    scores = {} if test is None else model.evaluate(*test, verbose=0, return_dict=True)
    stopped_by = "epochs"
    if patience is not None and callbacks[0].stopped_epoch > 0:
        stopped_by = "early_stopping"
    elif time_budget_s is not None and callbacks[-1].triggered:
        stopped_by = "time_budget"
    values = history.get(monitor, history["loss"])
    pick = np.nanargmax if any(token in monitor for token in _MAXIMIZED) else np.nanargmin
    return TrainingRecord(
        metrics={name: float(value) for name, value in scores.items()},
        history={name: [float(v) for v in value] for name, value in history.items()},
        epochs_run=len(history["loss"]),
        best_epoch=int(pick(np.asarray(values, dtype=float))) + 1,
        converged=stopped_by == "early_stopping" or _converged(history["loss"]),
        stopped_by=stopped_by,
        train_seconds=usage.seconds,
        peak_memory_mb=usage.peak_memory_mb,
    )
