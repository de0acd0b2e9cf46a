"""Run one batch of whole sequences chunk by chunk: one method per mode.

Training and evaluation both return the per-chunk logs (:class:`ChunkLogs`); prediction
returns the outputs as an array. Only one chunk is copied at a time, so memory does not
grow with the sequence length.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from lstmkit.tbptt._carry import carried_states
from lstmkit.tbptt.chunks import chunk_bounds
from lstmkit.tbptt.recurrent_state import reset_recurrent_states


@dataclass
class ChunkLogs:
    """The logs of the chunks of one batch that had a loss, and each chunk's step count."""

    logs: list[dict[str, float]] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)

    def summary(self, per_step: bool) -> dict[str, float]:
        """Per step: the step-weighted mean over chunks; per sequence: the last chunk."""
        if per_step:
            total = float(sum(self.steps))
            return {
                key: sum(log[key] * n for log, n in zip(self.logs, self.steps, strict=True))
                / total
                for key in self.logs[0]
            }
        return dict(self.logs[-1])


class BatchRunner:
    """Mixin of :class:`~lstmkit.tbptt.TruncatedBPTTTrainer`: the per-mode batch loops."""

    model: keras.Model
    chunk_length: int
    per_step: bool
    loss_on: str

    def _chunk(self, array: np.ndarray, rows: Any, start: int, stop: int) -> np.ndarray:
        return np.ascontiguousarray(array[rows, start:stop])

    def _targets(self, y: np.ndarray, rows: Any, start: int, stop: int) -> np.ndarray:
        return self._chunk(y, rows, start, stop) if self.per_step else y[rows]

    def _weights(self, weights: np.ndarray | None, rows: Any, start: int, stop: int) -> Any:
        if weights is None:
            return None
        if weights.ndim == 2:
            return self._chunk(weights, rows, start, stop)
        return np.ascontiguousarray(weights[rows])

    def _train_batch(
        self,
        x: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
        rows: Any,
        *,
        start_chunk: int = 0,
        done: ChunkLogs | None = None,
        after_chunk: Callable[[int, ChunkLogs], None] | None = None,
    ) -> ChunkLogs:
        """Train on one batch; resume at ``start_chunk`` (states already set) if > 0."""
        with carried_states(self.model):
            if start_chunk == 0:
                reset_recurrent_states(self.model)
            bounds = chunk_bounds(x.shape[1], chunk_length=self.chunk_length)
            result = ChunkLogs() if done is None else done
            for index in range(start_chunk, len(bounds)):
                start, stop = bounds[index]
                x_chunk = self._chunk(x, rows, start, stop)
                last = index == len(bounds) - 1
                if self.per_step or last or self.loss_on == "every_chunk":
                    self._logged_step(self.model.train_on_batch, x_chunk, y, sample_weight,
                                      rows, (start, stop), result)
                else:
                    self.model.predict_on_batch(x_chunk)  # only advances the state
                if after_chunk is not None:
                    after_chunk(index, result)
            return result

    def _logged_step(
        self, step: Callable[..., Any], x_chunk: Any, y: np.ndarray,
        sample_weight: np.ndarray | None, rows: Any, bounds: tuple[int, int], result: ChunkLogs,
    ) -> None:
        """Run ``train_on_batch`` or ``test_on_batch`` on one chunk and log its metrics."""
        start, stop = bounds
        # Keras 3.13 accumulates metrics across *_on_batch calls (3.15 resets them): reset
        # so each call reports its own chunk on both.
        self.model.reset_metrics()
        log = step(
            x_chunk,
            self._targets(y, rows, start, stop),
            sample_weight=self._weights(sample_weight, rows, start, stop),
            return_dict=True,
        )
        result.logs.append({key: float(value) for key, value in log.items()})
        result.steps.append(stop - start)

    def _evaluate_batch(
        self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, rows: Any
    ) -> ChunkLogs:
        """Measure one batch: every chunk per step, else only the last chunk's prediction."""
        with carried_states(self.model):
            reset_recurrent_states(self.model)
            bounds = chunk_bounds(x.shape[1], chunk_length=self.chunk_length)
            result = ChunkLogs()
            for index, (start, stop) in enumerate(bounds):
                x_chunk = self._chunk(x, rows, start, stop)
                if not (self.per_step or index == len(bounds) - 1):
                    self.model.predict_on_batch(x_chunk)
                    continue
                self._logged_step(self.model.test_on_batch, x_chunk, y, sample_weight, rows,
                                  (start, stop), result)
            return result

    def _predict_batch(self, x: np.ndarray, rows: Any) -> np.ndarray:
        """Outputs of one batch: every step's per step, else those after the last chunk."""
        with carried_states(self.model):
            reset_recurrent_states(self.model)
            bounds = chunk_bounds(x.shape[1], chunk_length=self.chunk_length)
            outputs = []
            for index, (start, stop) in enumerate(bounds):
                output = self.model.predict_on_batch(self._chunk(x, rows, start, stop))
                if self.per_step or index == len(bounds) - 1:
                    outputs.append(keras.ops.convert_to_numpy(output))
            return np.concatenate(outputs, axis=1) if self.per_step else outputs[-1]
