"""A configurable stacked LSTM, built and compiled from a plain dict of hyperparameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from lstmkit._validation import (
    check_bool,
    check_float,
    check_int,
    check_option,
    check_sequences,
    received,
)
from lstmkit.layers.attention import AttentionPooling
from lstmkit.models._sizes import check_weights, lstm_weights
from lstmkit.reduction.truncation import truncate_sequences
from lstmkit.schedules import WarmupDecaySchedule

__all__ = ["DEFAULT_CONFIG", "build_recurrent_model", "last_steps"]

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


def last_steps(x: Any, sequence_length: int) -> np.ndarray:
    """The last ``sequence_length`` steps of each sequence (a copy).

    Use it to feed a model built for ``sequence_length`` steps from longer windows
    (the configuration's ``sequence_length`` in a search). It is
    ``truncate_sequences(x, length=sequence_length, keep="end")``.

    Args:
        x: an array ``(N, T)`` or ``(N, T, C)``.
        sequence_length: steps to keep, between 1 and ``T``.

    Returns:
        A new array ``(N, sequence_length, ...)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit.models import last_steps
        >>> last_steps(np.arange(10)[None, :], 3)
        array([[7, 8, 9]])
    """
    x = check_sequences(x, "x")
    sequence_length = check_int(
        sequence_length, "sequence_length", minimum=1, maximum=x.shape[1],
        hint=f"The sequences have {x.shape[1]} steps; make windows at least that long.",
    )
    return truncate_sequences(x, length=sequence_length, keep="end")


def _check_input_shape(input_shape: Any) -> tuple[int | None, int]:
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
        raise ValueError(
            f"`input_shape` must be (steps, features). {received(input_shape=input_shape)} "
            f"For a 1-D series use (window_length, 1)."
        )
    steps, features = input_shape
    if steps is not None:
        steps = check_int(steps, "input_shape[0]", minimum=1,
                          hint="`input_shape` is (steps, features); use None for any length.")
    features = check_int(features, "input_shape[1]", minimum=1,
                         hint="`input_shape` is (steps, features); a series has >= 1 feature.")
    return steps, features


def _check_config(config: Any, steps: int | None) -> dict[str, Any]:
    """Every known key checked by type and range; unknown keys are left to the caller."""
    if not isinstance(config, dict):
        raise TypeError(f"`config` must be a dict of hyperparameters. {received(config=config)}")
    settings = {**DEFAULT_CONFIG, **config}
    checked = {
        "units": check_int(settings["units"], "units", minimum=1),
        "num_layers": check_int(settings["num_layers"], "num_layers", minimum=1),
        "bidirectional": check_bool(settings["bidirectional"], "bidirectional"),
        "dropout_rate": check_float(settings["dropout_rate"], "dropout_rate", minimum=0,
                                    maximum=1, include_maximum=False),
        "learning_rate": check_float(settings["learning_rate"], "learning_rate", minimum=0,
                                     include_minimum=False),
        "schedule": check_option(settings["schedule"], "schedule", _SCHEDULES),
        "warmup_fraction": check_float(settings["warmup_fraction"], "warmup_fraction",
                                       minimum=0, maximum=1),
        "batch_size": check_int(settings["batch_size"], "batch_size", minimum=1),
        "sequence_length": steps,
    }
    if "sequence_length" in config:
        checked["sequence_length"] = check_int(
            config["sequence_length"], "sequence_length", minimum=1, maximum=steps,
            hint="A model cannot read more steps than `input_shape` gives it.",
        )
    return checked


def _check_model_size(settings: dict[str, Any], features: int, num_outputs: int) -> None:
    """Name the argument that would make the weights too big, before building anything."""
    units, num_layers = settings["units"], settings["num_layers"]
    directions = 2 if settings["bidirectional"] else 1
    check_weights(directions * lstm_weights(1, units), name="units", value=units)
    check_weights(directions * lstm_weights(features, 1), name="input_shape",
                  value=(settings["sequence_length"], features))
    check_weights(num_outputs, name="num_outputs", value=num_outputs)
    per_layer = directions * lstm_weights(directions * units, units)
    check_weights(num_layers * per_layer, name="num_layers", value=num_layers)
    total = (directions * lstm_weights(features, units) + (num_layers - 1) * per_layer
             + (directions * units + 1) * num_outputs)
    check_weights(total, name="units", value=units)


def build_recurrent_model(
    config: dict[str, Any],
    *,
    input_shape: Sequence[int | None],
    num_outputs: int,
    loss: Any,
    output_activation: str | None = None,
    total_steps: int,
    use_attention: bool = False,
    metrics: Sequence[Any] | None = None,
) -> keras.Model:
    """Build and compile a (stacked, optionally bidirectional) LSTM from a configuration.

    Use it to turn a configuration from ``SearchSpace.suggest`` or ``SearchSpace.sample``
    (or a tuner's best hyperparameters, ``hp.values``) into a model, for the search and
    again for retraining the winner. Missing keys take the values in ``DEFAULT_CONFIG``;
    every known key is checked (``"False"`` is not a bool), other keys are ignored. The
    optimizer is Adam with gradient clipping (norm 1) and a ``WarmupDecaySchedule``
    (``schedule="constant"`` keeps the peak rate after warm-up).

    Args:
        config: ``{units, num_layers, bidirectional, dropout_rate, learning_rate,
            schedule, warmup_fraction, batch_size, sequence_length}`` (any subset):
            ints >= 1 for ``units``, ``num_layers``, ``batch_size``, ``sequence_length``;
            a bool for ``bidirectional``; ``dropout_rate`` in ``[0, 1)``;
            ``learning_rate > 0``; ``warmup_fraction`` in ``[0, 1]``; ``schedule`` one
            of ``"constant"``, ``"cosine"``, ``"linear"``.
        input_shape: ``(steps, features)``, ``steps`` >= 1 or None (any length),
            ``features`` >= 1; ``config["sequence_length"]`` replaces ``steps`` when
            present (at most ``steps``).
        num_outputs: units of the output ``Dense`` layer.
        loss: a Keras loss for ``compile``.
        output_activation: for example ``"sigmoid"`` or ``"softmax"``; None for regression.
        total_steps: optimizer steps in training (``epochs * steps_per_epoch``).
        use_attention: pool the last LSTM's outputs over all steps with
            ``lstmkit.layers.AttentionPooling`` instead of keeping its last state.
        metrics: passed to ``compile`` (for example ``["accuracy"]``).

    Returns:
        A compiled ``keras.Model`` mapping ``(batch, steps, features)`` to
        ``(batch, num_outputs)``.

    Example:
        >>> from lstmkit.models import build_recurrent_model
        >>> model = build_recurrent_model(
        ...     {"units": 8, "num_layers": 2, "bidirectional": True},
        ...     input_shape=(20, 3), num_outputs=1, loss="mse", total_steps=100)
        >>> model.output_shape, len(model.layers)
        ((None, 1), 4)
    """
    steps, features = _check_input_shape(input_shape)
    settings = _check_config(config, steps)
    num_outputs = check_int(num_outputs, "num_outputs", minimum=1)
    total_steps = check_int(total_steps, "total_steps", minimum=1)
    use_attention = check_bool(use_attention, "use_attention")
    if output_activation is not None:
        try:
            keras.activations.get(output_activation)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"`output_activation` must be a Keras activation name or None. "
                f"{received(output_activation=output_activation)} For example 'sigmoid' "
                f"(binary), 'softmax' (classes) or None (regression)."
            ) from error
    if metrics is not None and not isinstance(metrics, (list, tuple, dict)):
        raise TypeError(
            f"`metrics` must be a list of Keras metrics or None. {received(metrics=metrics)} "
            f"Wrap a single metric in a list, e.g. metrics=['accuracy']."
        )
    _check_model_size(settings, features, num_outputs)
    inputs = keras.Input((settings["sequence_length"], features))
    hidden = inputs
    num_layers = settings["num_layers"]
    for layer in range(num_layers):
        sequences_out = use_attention or layer < num_layers - 1
        recurrent = keras.layers.LSTM(settings["units"], return_sequences=sequences_out)
        if settings["bidirectional"]:
            recurrent = keras.layers.Bidirectional(recurrent)
        hidden = recurrent(hidden)
        if settings["dropout_rate"] > 0:
            hidden = keras.layers.Dropout(settings["dropout_rate"])(hidden)
    if use_attention:
        hidden = AttentionPooling()(hidden)
    outputs = keras.layers.Dense(num_outputs, activation=output_activation)(hidden)
    model = keras.Model(inputs, outputs)
    learning_rate = WarmupDecaySchedule(
        settings["learning_rate"],
        total_steps=total_steps,
        warmup_steps=int(round(settings["warmup_fraction"] * total_steps)),
        decay=settings["schedule"],
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0), loss=loss,
        metrics=list(metrics) if isinstance(metrics, tuple) else metrics,
    )
    return model
