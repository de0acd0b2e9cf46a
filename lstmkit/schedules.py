"""Learning-rate schedules for recurrent models.

:class:`WarmupDecaySchedule`: linear warm-up to a peak rate, then cosine or linear decay
(or none). :func:`lstmkit.models.build_recurrent_model` uses it for every configuration.
"""

from __future__ import annotations

import math
from typing import Any

import keras

from lstmkit._validation import check_float, check_int, check_option

__all__ = ["DECAYS", "WarmupDecaySchedule"]

DECAYS = ("cosine", "linear", "constant")


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

    It is registered as ``"lstmkit>WarmupDecaySchedule"`` (the name it had in
    ``lstmkit.tuning``), so a model compiled with it saves and loads with its optimizer,
    including models saved before it moved here.

    Args:
        peak_learning_rate: the rate reached at the end of warm-up, > 0.
        total_steps: optimizer steps in the whole training run (``epochs *
            steps_per_epoch``), >= 1.
        warmup_steps: steps of linear warm-up, between 0 and ``total_steps``.
        decay: ``"cosine"``, ``"linear"`` or ``"constant"`` (stay at the peak).
        final_learning_rate: the rate at ``total_steps``, between 0 and the peak.

    Example:
        >>> from lstmkit.schedules import WarmupDecaySchedule
        >>> schedule = WarmupDecaySchedule(0.01, total_steps=10, warmup_steps=2)
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
        self.decay = check_option(decay, "decay", DECAYS)
        self.final_learning_rate = check_float(
            final_learning_rate,
            "final_learning_rate",
            minimum=0,
            maximum=self.peak_learning_rate,
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
