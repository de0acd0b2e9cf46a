"""The truncated-BPTT trainer: fit, evaluate and predict a stateful model chunk by chunk."""

from __future__ import annotations

import numbers
import os
from typing import Any

import keras
import numpy as np

from lstmkit._validation import check_bool, check_int, check_option, received
from lstmkit.tbptt._batches import BatchRunner
from lstmkit.tbptt._carry import check_backend
from lstmkit.tbptt._checks import (
    _TARGETS,
    check_inputs,
    check_model_structure,
    check_sample_weight,
    check_targets,
    detect_per_step,
    resolve_chunk_length,
)
from lstmkit.tbptt._fit_loop import FitLoop
from lstmkit.tbptt.recurrent_state import get_recurrent_states, set_recurrent_states

__all__ = ["TruncatedBPTTTrainer"]

_LOSS_ON = ("every_chunk", "last_chunk")


class TruncatedBPTTTrainer(BatchRunner):
    """Train, evaluate and predict a stateful recurrent model chunk by chunk (TBPTT).

    Use it when sequences are too long to backpropagate through in one piece. Build
    the model for *one chunk* with a fixed batch size and ``stateful=True`` recurrent
    layers that read forwards::

        inputs = keras.Input(batch_shape=(batch_size, chunk_length, features))
        hidden = keras.layers.LSTM(32, stateful=True)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(num_classes)(hidden))
        model.compile(...)

    Each batch of ``batch_size`` whole sequences is cut into chunks (see
    :func:`~lstmkit.tbptt.chunk_bounds`); the recurrent layers are reset, then the
    chunks are fed in order, so the state carries across the whole sequence while the
    gradient stops at every chunk border. Steps are never shuffled; with
    ``shuffle_sequences=True`` only the order of whole sequences changes between epochs.
    Layers that read backwards (``Bidirectional``, ``go_backwards=True``,
    ``BidirectionalHalves``) are refused: their state cannot follow the chunk order.

    Two kinds of targets, told apart by the model's output (or by ``targets``):

    * **One target per sequence** (classification, regression, a ``RepeatVector``
      decoder): the output has no time axis that follows the input. With
      ``loss_on="last_chunk"`` only the last chunk is trained (earlier chunks only
      advance the state); with ``loss_on="every_chunk"`` (the default) every chunk is
      trained to predict the sequence's target from the state so far, so each chunk
      learns to *keep* what earlier chunks stored.
    * **One target per step** (labelling, forecasting): the model returns one output
      per input step, ``(batch_size, chunk_length, ...)``, and ``y`` has shape
      ``(num_samples, sequence_length, ...)``; every chunk is trained on its own steps.

    ``y`` is checked against the output shape, so a target the loss would silently
    broadcast is refused. Validation, :meth:`evaluate` and :meth:`predict` save the
    training states first and restore them after, so they never disturb training.

    Args:
        model: a compiled Sequential or functional ``keras.Model`` with one input of
            fixed batch size and ``stateful=True`` recurrent layers (``compile`` is
            needed for ``fit`` and ``evaluate`` only).
        chunk_length: steps per chunk. ``None`` takes it from the model's input
            (``batch_shape[1]``). A model whose time axis is ``None`` accepts a shorter
            last chunk; one with a fixed time axis needs lengths that divide.
        loss_on: ``"every_chunk"`` or ``"last_chunk"``, for one target per sequence.
        targets: ``"auto"`` (from the model's output), ``"per_sequence"`` or
            ``"per_step"``.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit import tbptt
        >>> keras.utils.set_random_seed(0)
        >>> model = keras.Sequential([keras.Input(batch_shape=(4, 10, 1)),
        ...                           keras.layers.LSTM(8, stateful=True),
        ...                           keras.layers.Dense(1)])
        >>> model.compile("adam", "mse")
        >>> x = np.random.default_rng(0).normal(size=(8, 50, 1)).astype("float32")
        >>> y = x[:, :10, 0].mean(axis=1)  # the target depends on the first chunk
        >>> trainer = tbptt.TruncatedBPTTTrainer(model)
        >>> history = trainer.fit(x, y, epochs=2)
        >>> sorted(history), len(history["loss"])
        (['chunk_loss', 'loss'], 2)
        >>> trainer.predict(x).shape  # one prediction per sequence, after 5 chunks
        (8, 1)
    """

    def __init__(
        self,
        model: keras.Model,
        *,
        chunk_length: int | None = None,
        loss_on: str = "every_chunk",
        targets: str = "auto",
    ) -> None:
        check_backend("TruncatedBPTTTrainer")
        input_shape, output_shape = check_model_structure(model)
        model_chunk_length = input_shape[1]
        chunk_length = resolve_chunk_length(chunk_length, input_shape)
        self.loss_on = check_option(loss_on, "loss_on", _LOSS_ON)
        targets = check_option(targets, "targets", _TARGETS)
        if targets == "per_step" and len(output_shape) < 3:
            raise ValueError(
                "`targets` can be 'per_step' only for a model that returns sequences. "
                f"{received(targets=targets)} The model's output shape is {output_shape}."
            )
        self.per_step = detect_per_step(model, input_shape, output_shape, targets)
        if self.per_step and self.loss_on == "last_chunk":
            raise ValueError(
                "`loss_on` must be 'every_chunk' for a model with one output per step "
                f"(output shape {output_shape}). {received(loss_on=loss_on)} Every chunk "
                "has its own targets; use loss_on='every_chunk'."
            )
        self.model = model
        self.batch_size = int(input_shape[0])
        self.chunk_length = chunk_length
        self.fixed_chunk_length = model_chunk_length is not None
        self.history: dict[str, list[float]] = {}
        self._input_shape = input_shape
        self._output_shape = output_shape

    # ------------------------------------------------------------------ checks
    def _check_inputs(self, x: Any, name: str = "x") -> np.ndarray:
        return check_inputs(
            x, name, input_shape=self._input_shape, batch_size=self.batch_size,
            chunk_length=self.chunk_length, fixed_chunk_length=self.fixed_chunk_length,
        )

    def _check_data(
        self, x: Any, y: Any, sample_weight: Any, prefix: str = ""
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        x = self._check_inputs(x, f"x{prefix}")
        y = check_targets(x, y, self._output_shape, per_step=self.per_step, name=f"y{prefix}")
        weights = check_sample_weight(
            x, sample_weight, per_step=self.per_step, name=f"sample_weight{prefix}"
        )
        return x, y, weights

    def _check_compiled(self) -> None:
        if getattr(self.model, "optimizer", None) is None:
            raise ValueError(
                "`model` must be compiled before fit or evaluate. Call "
                "model.compile(optimizer, loss, metrics=...) first."
            )

    def _batch_rows(self, num_samples: int, order: np.ndarray | None = None) -> list[Any]:
        """The rows of each batch: a slice (no copy) in order, else index arrays."""
        starts = range(0, num_samples, self.batch_size)
        if order is None:
            return [slice(start, start + self.batch_size) for start in starts]
        return [order[start : start + self.batch_size] for start in starts]

    # ------------------------------------------------------------------ public API
    def fit(
        self,
        x: Any,
        y: Any,
        *,
        epochs: int = 1,
        initial_epoch: int = 0,
        sample_weight: Any = None,
        validation_data: tuple[Any, ...] | None = None,
        shuffle_sequences: bool = True,
        seed: Any = None,
        callbacks: list[keras.callbacks.Callback] | None = None,
        verbose: int = 0,
        backup_dir: str | os.PathLike | None = None,
        backup_freq: int | str = "epoch",
    ) -> dict[str, list[float]]:
        """Train with truncated BPTT like ``model.fit``; return the per-epoch history.

        Keras callbacks get the usual calls (``on_epoch_end`` logs carry ``val_`` keys,
        so ``EarlyStopping(monitor="val_loss")`` works) and ``model.stop_training = True``
        ends the run after the current batch. ``self.history`` always holds the epochs
        completed *in this run*, also when it is interrupted by an exception.

        Args:
            x: ``(num_samples, sequence_length, features)`` inputs (or
                ``(num_samples, sequence_length)`` for a model that takes 2-D input,
                such as one starting with ``Embedding``); ``num_samples`` must be a
                multiple of the model's batch size.
            y: one target per sequence, or ``(num_samples, sequence_length, ...)``
                targets for a model that returns one output per step.
            epochs: index of the last epoch, as in ``model.fit``, >= 1.
            initial_epoch: epoch to start at (to continue an earlier run).
            sample_weight: ``(num_samples,)`` weights, or ``(num_samples,
                sequence_length)`` for targets per step.
            validation_data: optional ``(x_val, y_val)`` or ``(x_val, y_val, weights)``
                evaluated after each epoch with :meth:`evaluate`.
            shuffle_sequences: change the order of whole sequences between epochs
                (steps inside a sequence are never shuffled).
            seed: seed for that order: an int or a NumPy Generator for a repeatable
                order; ``None`` draws a fresh order on every call.
            callbacks: ``keras.callbacks.Callback`` instances.
            verbose: 0 silent, 1 a progress bar per epoch, 2 one line per epoch.
            backup_dir: a folder to back the run up into. If it holds a backup from an
                interrupted run, the run resumes from it at the same epoch, batch and
                chunk, with its weights, optimizer state, history and shuffling order.
                The backup is deleted when the run finishes.
            backup_freq: ``"epoch"``, ``"batch"`` (after each batch of sequences) or an
                integer ``n``: every ``n`` chunks.

        Returns:
            A History-like dict of lists, one value per epoch: ``loss`` and each
            compiled metric, as averaged over batches. For one target per sequence
            these are measured on the last chunk, and with ``loss_on="every_chunk"``
            ``chunk_loss`` is the mean loss over all chunks. For targets per step they
            are averaged over all steps. With validation data, ``val_`` keys follow.
        """
        self._check_compiled()
        x, y, weights = self._check_data(x, y, sample_weight)
        epochs = check_int(epochs, "epochs", minimum=1)
        initial_epoch = check_int(
            initial_epoch, "initial_epoch", minimum=0, maximum=epochs - 1,
            hint="Pass an initial_epoch smaller than epochs.",
        )
        shuffle_sequences = check_bool(shuffle_sequences, "shuffle_sequences")
        if isinstance(verbose, bool) or not isinstance(verbose, numbers.Integral):
            raise TypeError(f"`verbose` must be 0, 1 or 2. {received(verbose=verbose)}")
        if verbose not in (0, 1, 2):
            raise ValueError(f"`verbose` must be 0, 1 or 2. {received(verbose=verbose)}")
        validation = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError(
                    "`validation_data` must be a pair (x_val, y_val) or a triple "
                    "(x_val, y_val, sample_weight_val). Received: "
                    f"{type(validation_data).__name__}."
                )
            extra = validation_data[2] if len(validation_data) == 3 else None
            validation = self._check_data(*validation_data[:2], extra, prefix="_val")
        self.history = {}
        loop = FitLoop(
            self, x, y, weights, epochs=epochs, initial_epoch=initial_epoch,
            validation=validation, shuffle=shuffle_sequences, seed=seed,
            callbacks=callbacks, verbose=int(verbose), backup_dir=backup_dir,
            backup_freq=backup_freq,
        )
        loop.run()
        return self.history

    def _evaluate_checked(
        self, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None
    ) -> dict[str, float]:
        saved = get_recurrent_states(self.model)
        try:
            summaries = [
                self._evaluate_batch(x, y, weights, rows).summary(self.per_step)
                for rows in self._batch_rows(len(x))
            ]
        finally:
            if all(saved):
                set_recurrent_states(self.model, saved)
        return {key: float(np.mean([s[key] for s in summaries])) for key in summaries[0]}

    def evaluate(self, x: Any, y: Any, *, sample_weight: Any = None) -> dict[str, float]:
        """Return the compiled loss and metrics, running each sequence chunk by chunk.

        The states that training left are saved first and restored after, so this can
        be called at any point of training. For one target per sequence the figures
        come from the last chunk's prediction; for targets per step from every step.

        Args:
            x: inputs, as for :meth:`fit`.
            y: targets, as for :meth:`fit`.
            sample_weight: optional weights, as for :meth:`fit`.

        Returns:
            ``{"loss": ..., "<metric>": ...}`` averaged over batches.
        """
        self._check_compiled()
        return self._evaluate_checked(*self._check_data(x, y, sample_weight))

    def predict(self, x: Any) -> np.ndarray:
        """Return the model's outputs, running each sequence chunk by chunk.

        Args:
            x: inputs, as for :meth:`fit`.

        Returns:
            For one target per sequence, the outputs after the last chunk,
            ``(num_samples, ...)``; for a model that returns one output per step, the
            outputs of every step, ``(num_samples, sequence_length, ...)``. Training
            states are restored afterwards.
        """
        x = self._check_inputs(x)
        saved = get_recurrent_states(self.model)
        try:
            outputs = [self._predict_batch(x, rows) for rows in self._batch_rows(len(x))]
        finally:
            if all(saved):
                set_recurrent_states(self.model, saved)
        return np.concatenate(outputs, axis=0)
