"""The epoch loop of ``TruncatedBPTTTrainer.fit``: callbacks, progress, backup and resume."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import keras
import numpy as np

from lstmkit._validation import check_int, check_random_state
from lstmkit.distribute import check_no_strategy
from lstmkit.tbptt._backup import read_backup, remove_backup, write_backup
from lstmkit.tbptt._batches import ChunkLogs
from lstmkit.tbptt.chunks import chunk_bounds
from lstmkit.tbptt.recurrent_state import get_recurrent_states, set_recurrent_states

if TYPE_CHECKING:
    from lstmkit.tbptt.trainer import TruncatedBPTTTrainer


def _check_backup_freq(backup_freq: Any) -> int | str:
    if isinstance(backup_freq, str):
        if backup_freq in ("epoch", "batch"):
            return backup_freq
        raise ValueError(
            "`backup_freq` must be 'epoch', 'batch' or a positive number of chunks. "
            f"Received: backup_freq={backup_freq!r}."
        )
    return check_int(backup_freq, "backup_freq", minimum=1)


def _check_callbacks(callbacks: Any) -> list[keras.callbacks.Callback]:
    callbacks = [] if callbacks is None else callbacks
    if not isinstance(callbacks, (list, tuple)) or not all(
        isinstance(callback, keras.callbacks.Callback) for callback in callbacks
    ):
        raise TypeError(
            "`callbacks` must be a list of keras.callbacks.Callback instances. Received: "
            f"callbacks={callbacks!r}."
        )
    for callback in callbacks:
        # Keras's BackupAndRestore restores weights and an epoch number that only
        # model.fit reads: with this trainer the run would restart at epoch 0.
        if isinstance(callback, keras.callbacks.BackupAndRestore):
            raise ValueError(
                "`callbacks` must not hold keras.callbacks.BackupAndRestore: it resumes "
                "model.fit only, and this trainer would silently start again at epoch 0. "
                "Received: callbacks with a BackupAndRestore. Pass fit(backup_dir=...) "
                "instead: it resumes at the same epoch, batch and chunk."
            )
    return list(callbacks)


class FitLoop:
    """One call of ``fit``: runs epochs, batches and chunks and can resume from a backup."""

    def __init__(
        self,
        trainer: TruncatedBPTTTrainer,
        x: np.ndarray,
        y: np.ndarray,
        weights: np.ndarray | None,
        *,
        epochs: int,
        initial_epoch: int,
        validation: tuple | None,
        shuffle: bool,
        seed: Any,
        callbacks: list[keras.callbacks.Callback] | None,
        verbose: int,
        backup_dir: str | os.PathLike | None,
        backup_freq: int | str,
    ) -> None:
        # A strategy would split each batch across devices while the state keeps one row
        # per sequence of the whole batch: refuse it with the reason, not a shape error.
        check_no_strategy("TruncatedBPTTTrainer.fit")
        self.trainer, self.model = trainer, trainer.model
        self.x, self.y, self.weights = x, y, weights
        self.epochs, self.validation, self.shuffle = epochs, validation, shuffle
        self.rng = check_random_state(seed)
        self.backup_dir = None if backup_dir is None else os.fspath(backup_dir)
        self.backup_freq = _check_backup_freq(backup_freq)
        self.num_batches = len(x) // trainer.batch_size
        self.num_chunks = len(chunk_bounds(x.shape[1], chunk_length=trainer.chunk_length))
        self.callbacks = keras.callbacks.CallbackList(
            _check_callbacks(callbacks), add_history=False, add_progbar=verbose != 0,
            model=self.model, verbose=verbose, epochs=epochs, steps=self.num_batches,
        )
        # Position of the next chunk to train, and the logs of the unfinished epoch.
        self.epoch, self.batch, self.chunk = initial_epoch, 0, 0
        self.summaries: list[dict[str, float]] = []
        self.chunk_losses: list[float] = []
        self.partial = ChunkLogs()
        self.epoch_rng_state: dict | None = None
        self.chunks_since_backup = 0

    # ------------------------------------------------------------------ backup
    def _fingerprint(self) -> dict[str, Any]:
        return {
            "num_samples": int(self.x.shape[0]), "sequence_length": int(self.x.shape[1]),
            "batch_size": self.trainer.batch_size, "chunk_length": self.trainer.chunk_length,
            "shuffle_sequences": self.shuffle,
        }

    def _backup(self, *, mid_batch: bool) -> None:
        states = get_recurrent_states(self.model) if mid_batch else []
        record = {
            "fingerprint": self._fingerprint(),
            "epoch": self.epoch, "batch": self.batch, "chunk": self.chunk,
            "summaries": self.summaries, "chunk_losses": self.chunk_losses,
            "partial": {"logs": self.partial.logs, "steps": self.partial.steps},
            "history": self.trainer.history, "rng_state": self.epoch_rng_state,
            "num_state_layers": len(states),
        }
        write_backup(self.backup_dir, self.model, record, states)
        self.chunks_since_backup = 0

    def _restore(self) -> list[list[np.ndarray]] | None:
        restored = read_backup(self.backup_dir, self.model)
        if restored is None:
            return None
        record, states = restored
        if record["fingerprint"] != self._fingerprint():
            raise ValueError(
                "`backup_dir` holds a backup of a run on other data or settings "
                f"({record['fingerprint']}), not {self._fingerprint()}. Received: "
                f"backup_dir={self.backup_dir!r}. Resume with the same data, or use "
                "another folder."
            )
        self.epoch, self.batch, self.chunk = record["epoch"], record["batch"], record["chunk"]
        self.summaries, self.chunk_losses = record["summaries"], record["chunk_losses"]
        self.partial = ChunkLogs(**record["partial"])
        self.trainer.history.update(record["history"])
        self.epoch_rng_state = record["rng_state"]
        return states

    def _after_chunk(self, index: int, logs: ChunkLogs) -> None:
        if self.backup_dir is None or not isinstance(self.backup_freq, int):
            return
        self.chunks_since_backup += 1
        if self.chunks_since_backup >= self.backup_freq:
            self.chunk, self.partial = index + 1, logs
            self._backup(mid_batch=True)

    # ------------------------------------------------------------------ loop
    def _run_epoch(self, states: list[list[np.ndarray]] | None) -> None:
        trainer = self.trainer
        if self.epoch_rng_state is not None:  # resuming: draw the same order again
            self.rng.bit_generator.state = self.epoch_rng_state
        self.epoch_rng_state = self.rng.bit_generator.state
        order = self.rng.permutation(len(self.x)) if self.shuffle else None
        batches = trainer._batch_rows(len(self.x), order)
        while self.batch < self.num_batches:
            self.callbacks.on_train_batch_begin(self.batch)
            if self.chunk and states is not None:
                set_recurrent_states(self.model, states)
            logs = trainer._train_batch(
                self.x, self.y, self.weights, batches[self.batch],
                start_chunk=self.chunk, done=self.partial if self.chunk else None,
                after_chunk=self._after_chunk,
            )
            states = None
            summary = logs.summary(trainer.per_step)
            self.summaries.append(summary)
            self.chunk_losses.append(float(np.mean([log["loss"] for log in logs.logs])))
            self.batch, self.chunk, self.partial = self.batch + 1, 0, ChunkLogs()
            self.callbacks.on_train_batch_end(self.batch - 1, summary)
            if self.backup_dir is not None and self.backup_freq == "batch":
                self._backup(mid_batch=False)
            if self.model.stop_training:
                break

    def _epoch_logs(self) -> dict[str, float]:
        keys = self.summaries[0]
        logs = {key: float(np.mean([s[key] for s in self.summaries])) for key in keys}
        if not self.trainer.per_step and self.trainer.loss_on == "every_chunk":
            logs["chunk_loss"] = float(np.mean(self.chunk_losses))
        if self.validation is not None:
            figures = self.trainer._evaluate_checked(*self.validation)
            logs.update({f"val_{key}": value for key, value in figures.items()})
        return logs

    def run(self) -> None:
        states = self._restore() if self.backup_dir is not None else None
        self.model.stop_training = False
        self.callbacks.on_train_begin()
        logs: dict[str, float] = {}
        while self.epoch < self.epochs and not self.model.stop_training:
            self.callbacks.on_epoch_begin(self.epoch)
            self._run_epoch(states)
            states = None
            logs = self._epoch_logs()
            for key, value in logs.items():
                self.trainer.history.setdefault(key, []).append(value)
            epoch, self.epoch, self.batch = self.epoch, self.epoch + 1, 0
            # The generator's state now is the one the next epoch starts from.
            self.summaries, self.chunk_losses = [], []
            self.epoch_rng_state = self.rng.bit_generator.state
            if self.backup_dir is not None:
                self._backup(mid_batch=False)
            self.callbacks.on_epoch_end(epoch, logs)
        self.callbacks.on_train_end(logs)
        if self.backup_dir is not None:
            remove_backup(self.backup_dir)
