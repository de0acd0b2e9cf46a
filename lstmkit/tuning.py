"""Hyperparameter search for recurrent models: one search space for KerasTuner and Optuna.

Define the space once (:class:`SearchSpace`, with :func:`default_search_space` for the usual
recurrent knobs), then:

- **KerasTuner**: ``space.hypermodel(...)`` is a ``keras_tuner.HyperModel`` (its ``build(hp)``
  builds the model, its ``fit`` uses the sampled batch size and sequence length). Check the
  run with :func:`check_tuner_trials`: KerasTuner 1.4.8 on TensorFlow 2.21 fails every trial
  without ``tensorboard`` while ``search()`` returns normally.
- **Optuna**: ``config = space.suggest(trial)`` in an objective; score it with
  :func:`walk_forward_score` (time series) which prunes through
  ``optuna_integration.KerasPruningCallback``; store studies in a database with
  :func:`create_study` and run them with :func:`run_study`, so a killed search resumes
  without repeating finished trials and several workers can share one database.

Both tools produce the same plain ``dict`` configuration, which
:func:`build_recurrent_model` turns into a compiled model: retrain the best configuration
from it rather than trusting a tuner's saved models. The learning rate follows
:class:`WarmupDecaySchedule` (linear warm-up, then cosine or linear decay).

optuna, optuna-integration and keras-tuner are optional: install them with
``pip install "lstmkit[tuning]"``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from lstmkit._validation import (
    check_array,
    check_float,
    check_int,
    check_option,
    check_same_length,
    received,
)

__all__ = [
    "Choice",
    "FloatRange",
    "IntRange",
    "SearchSpace",
    "WarmupDecaySchedule",
    "build_recurrent_model",
    "check_tuner_trials",
    "create_study",
    "default_search_space",
    "last_steps",
    "run_study",
    "walk_forward_score",
]

_EXTRA_HINT = 'Install the tuning extra with `pip install "lstmkit[tuning]"`.'
_SCHEDULES = ("constant", "cosine", "linear")
DEFAULT_CONFIG = {
    "units": 32,
    "num_layers": 1,
    "bidirectional": False,
    "dropout_rate": 0.0,
    "learning_rate": 1e-3,
    "schedule": "constant",
    "warmup_fraction": 0.0,
    "batch_size": 32,
}


def _import_optional(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:  # pragma: no cover - the test environment has them
        raise ImportError(f"This function needs the `{module}` package. {_EXTRA_HINT}") from error


# Learning-rate schedule ---------------------------------------------------------------


@keras.saving.register_keras_serializable(package="lstmkit")
class WarmupDecaySchedule(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up to a peak learning rate, then cosine or linear decay.

    Use it when a large learning rate early on makes an LSTM's loss jump: warming up over
    the first few hundred steps lets the optimizer's moment estimates settle before full
    steps, and decaying at the end refines the weights. At step ``s``:

    - ``s < warmup_steps``: ``peak_learning_rate * s / warmup_steps``;
    - after it, with progress ``p = (s - warmup_steps) / (total_steps - warmup_steps)``
      clipped to [0, 1]: cosine ``final + (peak - final) * (1 + cos(pi * p)) / 2`` or
      linear ``peak + (final - peak) * p``; ``final_learning_rate`` from ``total_steps`` on.

    It is registered, so a model compiled with it saves and loads with its optimizer.

    Args:
        peak_learning_rate: the rate reached at the end of warm-up, > 0.
        total_steps: optimizer steps in the whole training run (``epochs *
            steps_per_epoch``), >= 1.
        warmup_steps: steps of linear warm-up, between 0 and ``total_steps``.
        decay: ``"cosine"``, ``"linear"`` or ``"constant"`` (stay at the peak).
        final_learning_rate: the rate at ``total_steps``, between 0 and the peak.

    Example:
        >>> from lstmkit import tuning
        >>> schedule = tuning.WarmupDecaySchedule(0.01, total_steps=10, warmup_steps=2)
        >>> [round(float(schedule(step)), 5) for step in (0, 1, 2, 6, 10, 20)]
        [0.0, 0.005, 0.01, 0.005, 0.0, 0.0]
    """

    def __init__(
        self,
        peak_learning_rate: float,
        *,
        total_steps: int,
        warmup_steps: int = 0,
        decay: str = "cosine",
        final_learning_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.peak_learning_rate = check_float(
            peak_learning_rate, "peak_learning_rate", minimum=0, include_minimum=False
        )
        self.total_steps = check_int(total_steps, "total_steps", minimum=1)
        self.warmup_steps = check_int(
            warmup_steps, "warmup_steps", minimum=0, maximum=self.total_steps,
            hint="Warm-up must end before training does.",
        )
        self.decay = check_option(decay, "decay", _SCHEDULES[1:] + ("constant",))
        self.final_learning_rate = check_float(
            final_learning_rate, "final_learning_rate", minimum=0, maximum=self.peak_learning_rate,
        )

    def __call__(self, step: Any) -> Any:
        step = keras.ops.cast(step, "float32")
        peak, final = self.peak_learning_rate, self.final_learning_rate
        warmup = float(self.warmup_steps)
        warming = peak * step / max(warmup, 1.0)
        decay_steps = max(float(self.total_steps - self.warmup_steps), 1.0)
        progress = keras.ops.clip((step - warmup) / decay_steps, 0.0, 1.0)
        if self.decay == "cosine":
            decayed = final + (peak - final) * 0.5 * (1.0 + keras.ops.cos(math.pi * progress))
        elif self.decay == "linear":
            decayed = peak + (final - peak) * progress
        else:
            decayed = peak + 0.0 * progress
        return keras.ops.where(step < warmup, warming, decayed)

    def get_config(self) -> dict[str, Any]:
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "decay": self.decay,
            "final_learning_rate": self.final_learning_rate,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> WarmupDecaySchedule:
        config = dict(config)
        return cls(config.pop("peak_learning_rate"), **config)


# Search space ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One of a few values (numbers, strings or booleans): ``Choice((1, 2))``."""

    values: tuple

    def __post_init__(self) -> None:
        if not isinstance(self.values, (tuple, list)) or not self.values:
            raise ValueError(f"`values` must be a non-empty tuple. {received(values=self.values)}")
        object.__setattr__(self, "values", tuple(self.values))


@dataclass(frozen=True)
class IntRange:
    """Integers from ``low`` to ``high`` inclusive, every ``step`` (or log-uniform)."""

    low: int
    high: int
    step: int = 1
    log: bool = False

    def __post_init__(self) -> None:
        low = check_int(self.low, "low")
        check_int(self.high, "high", minimum=low, hint="`high` must be >= `low`.")
        check_int(self.step, "step", minimum=1)


@dataclass(frozen=True)
class FloatRange:
    """Floats from ``low`` to ``high``, uniform or log-uniform (``log=True``, low > 0)."""

    low: float
    high: float
    log: bool = False

    def __post_init__(self) -> None:
        low = check_float(self.low, "low", minimum=0 if self.log else None,
                          include_minimum=not self.log)
        check_float(self.high, "high", minimum=low, hint="`high` must be >= `low`.")


class SearchSpace:
    """A search space written once and sampled by Optuna or KerasTuner.

    Use it to keep one definition of what is tuned, whichever tool runs the search.
    ``suggest(trial)`` (Optuna) and ``sample(hp)`` (KerasTuner) both return a plain dict
    ``{name: value}``; :func:`build_recurrent_model` builds a model from that dict, so a
    configuration found by either tool is retrained the same way.

    Args:
        parameters: ``{name: Choice | IntRange | FloatRange}``. Names used by
            :func:`build_recurrent_model`: ``units``, ``num_layers``, ``bidirectional``,
            ``dropout_rate``, ``learning_rate``, ``schedule``, ``warmup_fraction``,
            ``batch_size``, ``sequence_length``; other names are passed through for your
            own code.

    Example:
        >>> import optuna
        >>> from lstmkit import tuning
        >>> space = tuning.SearchSpace({"units": tuning.Choice((16, 32)),
        ...                             "learning_rate": tuning.FloatRange(1e-4, 1e-2, log=True)})
        >>> study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
        >>> config = space.suggest(study.ask())
        >>> sorted(config), config["units"] in (16, 32)
        (['learning_rate', 'units'], True)
    """

    def __init__(self, parameters: dict[str, Choice | IntRange | FloatRange]) -> None:
        if not isinstance(parameters, dict) or not parameters:
            raise TypeError(
                f"`parameters` must be a non-empty dict of name -> Choice, IntRange or "
                f"FloatRange. {received(parameters=parameters)}"
            )
        for name, spec in parameters.items():
            if not isinstance(spec, (Choice, IntRange, FloatRange)):
                raise TypeError(
                    f"`parameters[{name!r}]` must be a Choice, IntRange or FloatRange. "
                    f"Received: {spec!r}. For a fixed value use Choice((value,))."
                )
        self.parameters = dict(parameters)

    def suggest(self, trial: Any) -> dict[str, Any]:
        """Sample a configuration from an ``optuna.trial.Trial``."""
        config = {}
        for name, spec in self.parameters.items():
            if isinstance(spec, Choice):
                config[name] = trial.suggest_categorical(name, list(spec.values))
            elif isinstance(spec, IntRange):
                step = 1 if spec.log else spec.step
                config[name] = trial.suggest_int(name, spec.low, spec.high, step=step, log=spec.log)
            else:
                config[name] = trial.suggest_float(name, spec.low, spec.high, log=spec.log)
        return config

    def sample(self, hp: Any) -> dict[str, Any]:
        """Sample a configuration from ``keras_tuner.HyperParameters``."""
        config = {}
        for name, spec in self.parameters.items():
            if isinstance(spec, Choice):
                config[name] = hp.Choice(name, list(spec.values))
            elif isinstance(spec, IntRange):
                sampling = "log" if spec.log else "linear"
                step = None if spec.log else spec.step
                config[name] = hp.Int(name, spec.low, spec.high, step=step, sampling=sampling)
            else:
                config[name] = hp.Float(name, spec.low, spec.high, sampling="log" if spec.log else "linear")
        return config

    def hypermodel(
        self,
        *,
        input_shape: Sequence[int],
        num_outputs: int,
        loss: Any,
        output_activation: str | None = None,
        epochs: int,
        num_train_samples: int,
    ) -> Any:
        """Return a ``keras_tuner.HyperModel`` built from this space.

        Its ``build(hp)`` samples a configuration and calls :func:`build_recurrent_model`
        (the schedule's length from ``epochs`` and ``num_train_samples``); its ``fit``
        passes the sampled ``batch_size`` and keeps the last ``sequence_length`` steps of
        ``x`` and of the validation inputs when those are tuned. Pass ``epochs`` to
        ``tuner.search`` too.

        Args:
            input_shape: ``(steps, features)`` of one input sequence.
            num_outputs: units of the output layer.
            loss: a Keras loss for ``compile``.
            output_activation: for example ``"sigmoid"``; None for regression.
            epochs: epochs per trial (used for the schedule's ``total_steps``).
            num_train_samples: training sequences per epoch.
        """
        keras_tuner = _import_optional("keras_tuner")
        epochs = check_int(epochs, "epochs", minimum=1)
        num_train_samples = check_int(num_train_samples, "num_train_samples", minimum=1)
        space = self

        class _RecurrentHyperModel(keras_tuner.HyperModel):
            def build(self, hp: Any) -> keras.Model:
                config = space.sample(hp)
                batch_size = config.get("batch_size", DEFAULT_CONFIG["batch_size"])
                return build_recurrent_model(
                    config,
                    input_shape=input_shape,
                    num_outputs=num_outputs,
                    loss=loss,
                    output_activation=output_activation,
                    total_steps=epochs * -(-num_train_samples // batch_size),
                )

            def fit(self, hp: Any, model: keras.Model, x: Any, y: Any = None, **kwargs: Any) -> Any:
                values = hp.values
                kwargs["batch_size"] = values.get("batch_size", DEFAULT_CONFIG["batch_size"])
                if "sequence_length" in values:
                    x = last_steps(x, values["sequence_length"])
                    if kwargs.get("validation_data") is not None:
                        x_validation, *rest = kwargs["validation_data"]
                        kwargs["validation_data"] = (last_steps(x_validation, values["sequence_length"]), *rest)
                return model.fit(x, y, **kwargs)

        return _RecurrentHyperModel()


def default_search_space(*, sequence_lengths: Sequence[int] | None = None) -> SearchSpace:
    """The usual knobs of a recurrent model, as a :class:`SearchSpace`.

    Units 16-128, 1-2 layers, bidirectional or not, dropout 0-0.4, learning rate 1e-4 to
    1e-2 (log), schedule constant / cosine / linear, warm-up 0-20% of the steps, batch size
    16 / 32 / 64, and, if ``sequence_lengths`` is given, the number of most recent steps
    the model reads. Shrink it for small budgets: a few trials cannot explore 9
    dimensions.

    Example:
        >>> from lstmkit import tuning
        >>> sorted(tuning.default_search_space(sequence_lengths=(52, 104)).parameters)[:4]
        ['batch_size', 'bidirectional', 'dropout_rate', 'learning_rate']
    """
    parameters: dict[str, Choice | IntRange | FloatRange] = {
        "units": IntRange(16, 128, step=16),
        "num_layers": IntRange(1, 2),
        "bidirectional": Choice((False, True)),
        "dropout_rate": FloatRange(0.0, 0.4),
        "learning_rate": FloatRange(1e-4, 1e-2, log=True),
        "schedule": Choice(_SCHEDULES),
        "warmup_fraction": FloatRange(0.0, 0.2),
        "batch_size": Choice((16, 32, 64)),
    }
    if sequence_lengths is not None:
        lengths = tuple(check_int(length, "sequence_lengths", minimum=1) for length in sequence_lengths)
        parameters["sequence_length"] = Choice(lengths)
    return SearchSpace(parameters)


def last_steps(x: Any, sequence_length: int) -> np.ndarray:
    """The last ``sequence_length`` steps of each sequence in ``(N, T, ...)`` ``x`` (a view)."""
    x = check_array(x, "x", ndim=(2, 3))
    sequence_length = check_int(
        sequence_length, "sequence_length", minimum=1, maximum=x.shape[1],
        hint=f"The sequences have {x.shape[1]} steps; make windows at least that long.",
    )
    return x[:, x.shape[1] - sequence_length :]


# Models ---------------------------------------------------------------------------------


def build_recurrent_model(
    config: dict[str, Any],
    *,
    input_shape: Sequence[int],
    num_outputs: int,
    loss: Any,
    output_activation: str | None = None,
    total_steps: int,
) -> keras.Model:
    """Build and compile a (stacked, optionally bidirectional) LSTM from a configuration.

    Use it to turn a configuration from :meth:`SearchSpace.suggest` or
    :meth:`SearchSpace.sample` (or a tuner's best hyperparameters, ``hp.values``) into a
    model, for the search and again for retraining the winner. Missing keys take the
    values in ``DEFAULT_CONFIG``. The optimizer is Adam with gradient clipping (norm 1)
    and a :class:`WarmupDecaySchedule` (``schedule="constant"`` keeps the peak rate after
    warm-up).

    Args:
        config: ``{units, num_layers, bidirectional, dropout_rate, learning_rate,
            schedule, warmup_fraction, sequence_length}`` (any subset).
        input_shape: ``(steps, features)``; ``config["sequence_length"]`` replaces
            ``steps`` when present.
        num_outputs: units of the output ``Dense`` layer.
        loss: a Keras loss for ``compile``.
        output_activation: for example ``"sigmoid"`` or ``"softmax"``; None for regression.
        total_steps: optimizer steps in training (``epochs * steps_per_epoch``).

    Returns:
        A compiled ``keras.Model`` mapping ``(batch, steps, features)`` to
        ``(batch, num_outputs)``.

    Example:
        >>> from lstmkit import tuning
        >>> model = tuning.build_recurrent_model(
        ...     {"units": 8, "num_layers": 2, "bidirectional": True},
        ...     input_shape=(20, 3), num_outputs=1, loss="mse", total_steps=100)
        >>> model.output_shape, len(model.layers)
        ((None, 1), 4)
    """
    if not isinstance(config, dict):
        raise TypeError(f"`config` must be a dict of hyperparameters. {received(config=config)}")
    settings = {**DEFAULT_CONFIG, **config}
    units = check_int(settings["units"], "units", minimum=1)
    num_layers = check_int(settings["num_layers"], "num_layers", minimum=1)
    dropout_rate = check_float(settings["dropout_rate"], "dropout_rate", minimum=0, maximum=1,
                               include_maximum=False)
    schedule = check_option(settings["schedule"], "schedule", _SCHEDULES)
    warmup_fraction = check_float(settings["warmup_fraction"], "warmup_fraction", minimum=0, maximum=1)
    num_outputs = check_int(num_outputs, "num_outputs", minimum=1)
    total_steps = check_int(total_steps, "total_steps", minimum=1)
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
        raise ValueError(
            f"`input_shape` must be (steps, features). {received(input_shape=input_shape)} "
            f"For a 1-D series use (window_length, 1)."
        )
    steps = settings.get("sequence_length", input_shape[0])
    inputs = keras.Input((steps, input_shape[1]))
    hidden = inputs
    for layer in range(num_layers):
        recurrent = keras.layers.LSTM(units, return_sequences=layer < num_layers - 1)
        if settings["bidirectional"]:
            recurrent = keras.layers.Bidirectional(recurrent)
        hidden = recurrent(hidden)
        if dropout_rate > 0:
            hidden = keras.layers.Dropout(dropout_rate)(hidden)
    outputs = keras.layers.Dense(num_outputs, activation=output_activation)(hidden)
    model = keras.Model(inputs, outputs)
    learning_rate = WarmupDecaySchedule(
        check_float(settings["learning_rate"], "learning_rate", minimum=0, include_minimum=False),
        total_steps=total_steps,
        warmup_steps=int(round(warmup_fraction * total_steps)),
        decay=schedule,
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0), loss=loss)
    return model


# Walk-forward objective -----------------------------------------------------------------


class _FoldPruning(keras.callbacks.Callback):
    """Report to Optuna at a global step ``fold * epochs + epoch`` so folds never collide."""

    def __init__(self, pruning: Any, offset: int) -> None:
        super().__init__()
        self.pruning = pruning
        self.offset = offset

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
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
    training target lies inside a validation window. With an Optuna ``trial``, every epoch's ``val_loss`` is reported
    through ``optuna_integration.KerasPruningCallback`` (at step ``fold * epochs +
    epoch``), so the study's pruner stops poor trials early.

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
        >>> from lstmkit import tuning
        >>> x = np.random.default_rng(0).normal(size=(40, 10, 1)).astype("float32")
        >>> y = x[:, -1, 0]
        >>> score = tuning.walk_forward_score(
        ...     x, y, epochs=1, folds=2, build_model=lambda steps: tuning.build_recurrent_model(
        ...         {"units": 4}, input_shape=(10, 1), num_outputs=1, loss="mse", total_steps=steps))
        >>> bool(score > 0)
        True
    """
    from lstmkit import windowing

    x = check_array(x, "x", ndim=3)
    y = check_array(y, "y")
    check_same_length("x", x, "y", y)
    if not callable(build_model):
        raise TypeError(f"`build_model` must be a function steps -> compiled model. {received(build_model=build_model)}")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if isinstance(folds, (list, tuple)):
        if not folds or not all(isinstance(fold, (list, tuple)) and len(fold) == 2 for fold in folds):
            raise ValueError(
                f"`folds` must be an int or a non-empty list of (train_indices, "
                f"validation_indices) pairs. Received: {len(folds)} item(s) of another form. "
                f"Use `lstmkit.windowing.walk_forward_splits`."
            )
    else:
        folds = windowing.walk_forward_splits(x, num_folds=check_int(folds, "folds", minimum=1))
    epochs = check_int(epochs, "epochs", minimum=1)
    pruning = None
    if trial is not None:
        pruning = _import_optional("optuna_integration").KerasPruningCallback(trial, "val_loss")
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


# Optuna studies in a database -------------------------------------------------------------


def _storage_url(storage: Any) -> str:
    if isinstance(storage, str) and "://" in storage:
        return storage
    if isinstance(storage, str) or hasattr(storage, "__fspath__"):
        import os

        return f"sqlite:///{os.fspath(storage)}"
    raise TypeError(
        f"`storage` must be a database URL such as 'sqlite:///study.db' or a file path. "
        f"{received(storage=storage)}"
    )


def create_study(
    study_name: str,
    *,
    storage: Any,
    direction: str = "minimize",
    seed: int | None = None,
    pruner: Any = None,
    heartbeat_seconds: int = 60,
) -> Any:
    """Create an Optuna study stored in a database, or load it if it exists.

    Use it for any search that may be interrupted or run by several workers: every
    finished trial is stored as soon as it ends, so calling this again with the same
    ``study_name`` and ``storage`` (from a new process, or another machine sharing the
    database) continues the same study. A worker that dies mid-trial stops sending
    heartbeats; after ``2 * heartbeat_seconds`` its trial is marked failed and re-queued
    once (Optuna's ``RetryHeartbeatStaleTrialCallback``) by the next worker that starts.

    Args:
        study_name: the study's name in the database.
        storage: a file path (SQLite) or a database URL (``"sqlite:///search.db"``,
            ``"postgresql://..."`` for many machines).
        direction: ``"minimize"`` or ``"maximize"``.
        seed: seed of the TPE sampler (repeatable suggestions in one process).
        pruner: an ``optuna.pruners`` object; default ``MedianPruner(n_startup_trials=2,
            n_warmup_steps=1)``.
        heartbeat_seconds: how often a running trial reports that it is alive, >= 1.

    Returns:
        An ``optuna.Study``.

    Example:
        >>> import os, tempfile
        >>> from lstmkit import tuning
        >>> path = os.path.join(tempfile.mkdtemp(), "search.db")
        >>> study = tuning.create_study("demo", storage=path, seed=0)
        >>> _ = tuning.run_study(study, lambda trial: trial.suggest_float("x", -1, 1) ** 2,
        ...                      num_trials=3)
        >>> again = tuning.create_study("demo", storage=path)  # e.g. after a restart
        >>> len(again.trials)
        3
    """
    optuna = _import_optional("optuna")
    if not isinstance(study_name, str) or not study_name:
        raise ValueError(f"`study_name` must be a non-empty string. {received(study_name=study_name)}")
    direction = check_option(direction, "direction", ("minimize", "maximize"))
    heartbeat_seconds = check_int(heartbeat_seconds, "heartbeat_seconds", minimum=1)
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0)
    # Optuna 5 renamed the retry callback; 4.x only has the old name.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        if hasattr(optuna.storages, "RetryHeartbeatStaleTrialCallback"):
            callback = optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=1)
            retry = {"heartbeat_stale_trial_callback": callback}
        else:  # pragma: no cover - Optuna 4.x
            retry = {"failed_trial_callback": optuna.storages.RetryFailedTrialCallback(max_retry=1)}
        storage = optuna.storages.RDBStorage(
            _storage_url(storage),
            heartbeat_interval=heartbeat_seconds,
            grace_period=2 * heartbeat_seconds,
            **retry,
        )
    if pruner is None:
        pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1)
    return optuna.create_study(
        study_name=study_name,
        storage=storage,
        direction=direction,
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=pruner,
        load_if_exists=True,
    )


def run_study(study: Any, objective: Callable[[Any], float], *, num_trials: int, timeout: float | None = None) -> Any:
    """Run ``objective`` until the study holds ``num_trials`` finished trials in total.

    Unlike ``study.optimize(n_trials=...)``, which runs that many *more* trials every time
    it is called, this counts the trials already finished (completed or pruned) in the
    database, by this process, an earlier one that was killed, or other workers. A
    restarted search therefore runs only what is missing and never repeats finished
    trials; several workers calling it on one shared study stop together.

    Args:
        study: from :func:`create_study`.
        objective: ``trial -> float``, as for ``study.optimize``.
        num_trials: the total number of finished trials wanted, >= 1.
        timeout: stop after this many seconds in this call, or None.

    Returns:
        The study.
    """
    optuna = _import_optional("optuna")
    num_trials = check_int(num_trials, "num_trials", minimum=1)
    if timeout is not None:
        timeout = check_float(timeout, "timeout", minimum=0, include_minimum=False)
    finished = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    missing = num_trials - len(study.get_trials(deepcopy=False, states=finished))
    if missing > 0:
        study.optimize(
            objective,
            n_trials=missing,
            timeout=timeout,
            callbacks=[optuna.study.MaxTrialsCallback(num_trials, states=finished)],
        )
    return study


# KerasTuner -------------------------------------------------------------------------------


def check_tuner_trials(tuner: Any, *, minimum_completed: int = 1) -> int:
    """Raise unless a KerasTuner search completed enough trials; return how many did.

    Call it right after ``tuner.search(...)``. KerasTuner catches errors inside trials,
    marks them failed and returns normally; with TensorFlow 2.21 and no ``tensorboard``
    installed *every* trial fails this way, and ``get_best_hyperparameters`` then returns
    an untrained default. The error names the failed trials and their first error line.

    Args:
        tuner: a ``keras_tuner`` tuner after ``search``.
        minimum_completed: how many completed trials are required, >= 1.

    Returns:
        The number of completed trials.

    Raises:
        RuntimeError: fewer trials completed than ``minimum_completed``.
    """
    minimum_completed = check_int(minimum_completed, "minimum_completed", minimum=1)
    oracle = getattr(tuner, "oracle", None)
    if oracle is None or not hasattr(oracle, "trials"):
        raise TypeError(
            f"`tuner` must be a KerasTuner tuner (with an `oracle`). Received: an object of "
            f"type {type(tuner).__name__}."
        )
    trials = list(oracle.trials.values())
    completed = [trial for trial in trials if trial.status == "COMPLETED"]
    if len(completed) >= minimum_completed:
        return len(completed)
    problems = []
    for trial in trials:
        if trial.status != "COMPLETED":
            message = (trial.message or "").strip().splitlines()
            detail = message[-1] if message else "no message"
            problems.append(f"trial {trial.trial_id}: {trial.status} ({detail})")
    listing = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
    raise RuntimeError(
        f"Only {len(completed)} of {len(trials)} KerasTuner trial(s) completed; at least "
        f"{minimum_completed} required. {listing or 'No trial ran: was overwrite=False reloading an old project?'} "
        f"KerasTuner 1.4.8 with TensorFlow 2.21 fails every trial unless `tensorboard` is "
        f"installed ({_EXTRA_HINT}); otherwise fix the error above."
    )
