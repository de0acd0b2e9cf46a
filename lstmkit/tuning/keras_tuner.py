"""The KerasTuner side of lstmkit.tuning: a HyperModel from a search space, and a trial check.

KerasTuner catches errors inside trials and returns normally from ``search()``;
:func:`check_tuner_trials` turns "every trial failed" into an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from lstmkit._validation import check_int, import_optional
from lstmkit.models import DEFAULT_CONFIG, build_recurrent_model, last_steps

__all__ = ["check_tuner_trials", "make_hypermodel"]

_EXTRA_HINT = 'Install the tuning extra with `pip install "lstmkit[tuning]"`.'


def make_hypermodel(
    space: Any,
    *,
    input_shape: Sequence[int],
    num_outputs: int,
    loss: Any,
    output_activation: str | None = None,
    epochs: int,
    num_train_samples: int,
) -> Any:
    """Return a ``keras_tuner.HyperModel`` sampling ``space`` (what ``space.hypermodel`` does).

    Use :meth:`lstmkit.tuning.SearchSpace.hypermodel`; this is its implementation.

    Args:
        space: a :class:`lstmkit.tuning.SearchSpace`.
        input_shape: ``(steps, features)`` of one input sequence.
        num_outputs: units of the output layer.
        loss: a Keras loss for ``compile``.
        output_activation: for example ``"sigmoid"``; None for regression.
        epochs: epochs per trial (used for the schedule's ``total_steps``).
        num_train_samples: training sequences per epoch.

    Returns:
        A ``keras_tuner.HyperModel`` whose ``build(hp)`` returns a compiled model.
    """
    keras_tuner = import_optional("keras_tuner", purpose="`SearchSpace.hypermodel`")
    epochs = check_int(epochs, "epochs", minimum=1)
    num_train_samples = check_int(num_train_samples, "num_train_samples", minimum=1)

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
                length = values["sequence_length"]
                x = last_steps(x, length)
                if kwargs.get("validation_data") is not None:
                    x_validation, *rest = kwargs["validation_data"]
                    kwargs["validation_data"] = (last_steps(x_validation, length), *rest)
            return model.fit(x, y, **kwargs)

    return _RecurrentHyperModel()


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
    more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
    listing = "; ".join(problems[:5]) + more
    if not listing:
        listing = "No trial ran: was overwrite=False reloading an old project?"
    raise RuntimeError(
        f"Only {len(completed)} of {len(trials)} KerasTuner trial(s) completed; at least "
        f"{minimum_completed} required. {listing} "
        f"KerasTuner 1.4.8 with TensorFlow 2.21 fails every trial unless `tensorboard` is "
        f"installed ({_EXTRA_HINT}); otherwise fix the error above."
    )
