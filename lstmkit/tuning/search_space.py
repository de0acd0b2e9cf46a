"""One search space for Optuna and KerasTuner: :class:`SearchSpace` and its parameter kinds.

Define what is tuned once, with :class:`Choice`, :class:`IntRange` and
:class:`FloatRange`; ``space.suggest(trial)`` (Optuna) and ``space.sample(hp)``
(KerasTuner) both return a plain ``dict`` configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lstmkit._validation import check_bool, check_float, check_int, message, received

__all__ = [
    "SCHEDULES",
    "Choice",
    "FloatRange",
    "IntRange",
    "SearchSpace",
    "default_search_space",
]

# The learning-rate schedules build_recurrent_model understands.
SCHEDULES = ("constant", "cosine", "linear")


@dataclass(frozen=True)
class Choice:
    """One of a few values (numbers, strings or booleans): ``Choice((1, 2))``."""

    values: tuple[Any, ...]

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
        check_bool(self.log, "log")
        if self.log and low < 1:
            raise ValueError(message("low", "an integer >= 1 with log=True", low, ""))


@dataclass(frozen=True)
class FloatRange:
    """Floats from ``low`` to ``high``, uniform or log-uniform (``log=True``, low > 0)."""

    low: float
    high: float
    log: bool = False

    def __post_init__(self) -> None:
        log = check_bool(self.log, "log")
        low = check_float(self.low, "low", minimum=0 if log else None, include_minimum=not log)
        check_float(self.high, "high", minimum=low, hint="`high` must be >= `low`.")


class SearchSpace:
    """A search space written once and sampled by Optuna or KerasTuner.

    Use it to keep one definition of what is tuned, whichever tool runs the search.
    ``suggest(trial)`` (Optuna) and ``sample(hp)`` (KerasTuner) both return a plain dict
    ``{name: value}``; :func:`lstmkit.models.build_recurrent_model` builds a model from
    that dict, so a configuration found by either tool is retrained the same way.

    Args:
        parameters: ``{name: Choice | IntRange | FloatRange}``. Names used by
            :func:`lstmkit.models.build_recurrent_model`: ``units``, ``num_layers``,
            ``bidirectional``, ``dropout_rate``, ``learning_rate``, ``schedule``,
            ``warmup_fraction``, ``batch_size``, ``sequence_length``; other names are
            passed through for your own code.

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
                config[name] = trial.suggest_int(
                    name, spec.low, spec.high, step=step, log=spec.log
                )
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
                sampling = "log" if spec.log else "linear"
                config[name] = hp.Float(name, spec.low, spec.high, sampling=sampling)
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

        Its ``build(hp)`` samples a configuration and calls
        :func:`lstmkit.models.build_recurrent_model` (the schedule's length from ``epochs``
        and ``num_train_samples``); its ``fit`` passes the sampled ``batch_size`` and
        keeps the last ``sequence_length`` steps of ``x`` and of the validation inputs
        when those are tuned. Pass ``epochs`` to ``tuner.search`` too. See
        :func:`lstmkit.tuning.keras_tuner.make_hypermodel`.

        Args:
            input_shape: ``(steps, features)`` of one input sequence.
            num_outputs: units of the output layer.
            loss: a Keras loss for ``compile``.
            output_activation: for example ``"sigmoid"``; None for regression.
            epochs: epochs per trial (used for the schedule's ``total_steps``).
            num_train_samples: training sequences per epoch.

        Returns:
            A ``keras_tuner.HyperModel``.
        """
        from lstmkit.tuning.keras_tuner import make_hypermodel

        return make_hypermodel(
            self,
            input_shape=input_shape,
            num_outputs=num_outputs,
            loss=loss,
            output_activation=output_activation,
            epochs=epochs,
            num_train_samples=num_train_samples,
        )


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
        "schedule": Choice(SCHEDULES),
        "warmup_fraction": FloatRange(0.0, 0.2),
        "batch_size": Choice((16, 32, 64)),
    }
    if sequence_lengths is not None:
        if isinstance(sequence_lengths, (str, bytes)) or not isinstance(sequence_lengths, Iterable):
            raise TypeError(
                f"`sequence_lengths` must be a list of lengths or None. "
                f"{received(sequence_lengths=sequence_lengths)} For one length use (length,)."
            )
        lengths = tuple(
            check_int(length, "sequence_lengths", minimum=1) for length in sequence_lengths
        )
        parameters["sequence_length"] = Choice(lengths)
    return SearchSpace(parameters)
