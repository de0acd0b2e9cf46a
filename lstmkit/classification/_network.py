"""The network, the random-crop batches and the time-budget callback of the classifier.

The network is LSTM-FCN-shaped (Karim et al., 2017): a fully convolutional branch
(three ``Conv1D`` blocks with normalization, averaged over the real steps) in parallel
with a recurrent branch (a ``Conv1D`` front-end, an ``LSTM`` returning every step and
``AttentionPooling`` over the real steps). Both read the same masked input; their pooled
vectors are concatenated before the softmax. ``use_lstm=False`` drops the recurrent branch
(the ablation that shows what the LSTM adds).
"""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any

import keras
import numpy as np

from lstmkit._batching import IndexBatchDataset
from lstmkit.classification._preprocess import bucket_width, crop_length, fill_last_batch, pad_batch
from lstmkit.layers.attention import AttentionPooling
from lstmkit.padding.bucketing import bucket_by_length, vary_second_batch

__all__ = ["BudgetCallback", "CropDataset", "build_network", "predict_views", "validation_data"]

# Batch sizes of prediction and of the validation pass inside fit.
PREDICT_BATCH = 64
VALIDATION_BATCH = 32


def fills_last_batch() -> bool:
    """Whether to fill last batches: JAX compiles each batch shape (TensorFlow does not)."""
    return keras.backend.backend() == "jax"


def validation_data(sequences: list[np.ndarray], labels: np.ndarray, *, bucket: bool) -> tuple:
    """``fit``'s ``validation_data`` (batches of ``VALIDATION_BATCH``).

    On JAX the last batch is filled with copies weighted 0: one validation shape per fit.
    The loss's batch average counts the copies, so ``val_loss`` is scaled by the same
    factor every epoch, which leaves the best epoch where it was.
    """
    x, mask = pad_batch(sequences, bucket=bucket)
    if not fills_last_batch():
        return (x, mask), labels
    weights = np.ones(len(labels), dtype=np.float32)
    x, mask, filled, weights = fill_last_batch((x, mask, labels, weights), VALIDATION_BATCH)
    weights[len(labels):] = 0.0
    return (x, mask), filled, weights


def predict_views(models: list[keras.Model], sequences: list[np.ndarray],
                  views: list[tuple[np.ndarray, np.ndarray]], *, bucket: bool) -> np.ndarray:
    """Every model's probabilities on every view ``(starts, lengths)``, summed.

    On JAX each view's last batch is filled with copies (one batch shape per width), which
    are cut off again.
    """
    total = 0.0
    for starts, keep in views:
        x, mask = pad_batch(sequences, starts, keep, bucket=bucket)
        if fills_last_batch():
            x, mask = fill_last_batch((x, mask), PREDICT_BATCH)
        for model in models:
            probabilities = model.predict([x, mask], batch_size=PREDICT_BATCH, verbose=0)
            total = total + np.asarray(probabilities)[: len(sequences)]
    return total


def _normalization(kind: str, name: str) -> keras.layers.Layer:
    if kind == "batch":
        # Momentum 0.9, not Keras's 0.99: with a few hundred series per epoch the moving
        # statistics of 0.99 lag far behind the weights and validation scores collapse.
        return keras.layers.BatchNormalization(momentum=0.9, name=name)
    return keras.layers.LayerNormalization(name=name)


def build_network(
    num_features: int,
    num_classes: int,
    *,
    use_lstm: bool = True,
    filters: tuple[int, int, int] = (64, 128, 64),
    lstm_units: int = 64,
    normalization: str = "layer",
    dropout: float = 0.3,
    learning_rate: float = 2e-3,
) -> keras.Model:
    """Build and compile the two-branch classifier on inputs ``(x, mask)``.

    Returns:
        A compiled ``keras.Model`` mapping ``x`` of shape ``(batch, steps, num_features)``
        and a boolean ``mask`` of shape ``(batch, steps)`` to class probabilities
        ``(batch, num_classes)``.
    """
    inputs = keras.Input(shape=(None, num_features), name="x")
    mask = keras.Input(shape=(None,), dtype="bool", name="mask")
    hidden = inputs
    for block, (width, kernel) in enumerate(zip(filters, (8, 5, 3), strict=True)):
        hidden = keras.layers.Conv1D(width, kernel, padding="same", name=f"conv{block}")(hidden)
        hidden = _normalization(normalization, f"norm{block}")(hidden)
        hidden = keras.layers.Activation("relu", name=f"relu{block}")(hidden)
    pooled = [keras.layers.GlobalAveragePooling1D(name="fcn_pool")(hidden, mask=mask)]
    if use_lstm:
        front = keras.layers.Conv1D(lstm_units, 3, padding="same", name="lstm_front")(inputs)
        front = keras.layers.LayerNormalization(name="lstm_front_norm")(front)
        front = keras.layers.Activation("relu", name="lstm_front_relu")(front)
        steps = keras.layers.LSTM(lstm_units, return_sequences=True, name="lstm")(
            front, mask=mask
        )
        pooled.append(AttentionPooling(name="attention")(steps, mask=mask))
    joined = pooled[0] if len(pooled) == 1 else keras.layers.Concatenate(name="join")(pooled)
    joined = keras.layers.Dropout(dropout, name="dropout")(joined)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="probabilities")(joined)
    model = keras.Model([inputs, mask], outputs, name="long_sequence_classifier")
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=1e-4),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


class CropDataset(IndexBatchDataset):
    """Batches of random crops (a ``fraction`` of each sequence) for training.

    Each epoch every sequence is seen once, through a crop of ``ceil(fraction * S_i)``
    steps at a random start, padded on the right with a mask: the model learns from
    shifted views of each series, and prediction averages several evenly spaced crops.
    When the lengths differ, each epoch's batches come from
    ``lstmkit.padding.bucket_by_length`` (similar lengths together, ties and batch order
    shuffled): they pad little (PLAID's series run from 100 to 1,344 steps).
    ``bucket=True`` pads each batch to a ``bucket_width`` (a few batch shapes for
    sequences of many lengths).
    """

    def __init__(
        self,
        sequences: list[np.ndarray],
        labels: np.ndarray,
        *,
        fraction: float,
        batch_size: int,
        shuffle: bool = True,
        seed: Any = None,
        bucket: bool = False,
    ) -> None:
        self.sequences = sequences
        self.labels = labels
        self.fraction = fraction
        self.bucket = bucket
        self.lengths = np.array([len(sequence) for sequence in sequences])
        self.batches: list[np.ndarray] | None = None
        super().__init__(
            num_items=len(sequences), batch_size=batch_size, shuffle=shuffle, seed=seed
        )

    def batch_indices(self, index: int) -> np.ndarray:
        """The indices of batch ``index``: bucketed by length when the lengths differ."""
        if self.batches is None:
            return super().batch_indices(index)
        return self.batches[index]

    def on_epoch_end(self) -> None:
        """Draw the next epoch's order; with several lengths, batches of similar lengths."""
        super().on_epoch_end()
        self.batches = None
        if self.order is None or len(self) < 2 or len(set(self.lengths)) == 1:
            return  # one batch or one length: nothing to group
        batches = bucket_by_length(self.lengths, batch_size=self.batch_size, shuffle=True,
                                   seed=int(self.generator.integers(2**32)))
        widths = [crop_length(int(self.lengths[batch].max()), self.fraction) for batch in batches]
        if self.bucket:
            widths = [bucket_width(width) for width in widths]
        self.batches = vary_second_batch(batches, widths)

    def make_batch(self, indices: np.ndarray) -> Any:
        chosen = [self.sequences[i] for i in indices]
        full = np.array([len(s) for s in chosen])
        keep = np.array([crop_length(n, self.fraction) for n in full])
        starts = self.generator.integers(0, full - keep + 1)
        x, mask = pad_batch(chosen, starts, keep, bucket=self.bucket)
        return (x, mask), self.labels[indices]


class BudgetCallback(keras.callbacks.Callback):
    """Stop training once ``deadline`` (a ``time.process_time()`` value) has passed.

    Checked after every batch, so training overruns the deadline by at most one batch
    and a validation pass; ``first_epoch_cpu`` records what the first epoch cost,
    start-up included (the callback is built just before ``fit``). With
    ``verbose > 0`` it prints one line every ``every`` epochs.
    """

    def __init__(self, deadline: float, *, verbose: int = 0, label: str = "", every: int = 10):
        super().__init__()
        self.deadline = deadline
        self.verbose = verbose
        self.label = label
        self.every = every
        self.epochs_run = 0
        self.out_of_time = False
        self.started = time.process_time()
        self.first_epoch_cpu = 0.0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if time.process_time() > self.deadline:
            self.out_of_time = True
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epochs_run = epoch + 1
        if epoch == 0:
            self.first_epoch_cpu = time.process_time() - self.started
        if self.verbose and (epoch % self.every == 0 or self.out_of_time):
            logs = logs or {}
            left = self.deadline - time.process_time()
            shown = ", ".join(f"{k}={v:.4f}" for k, v in sorted(logs.items()) if "loss" in k)
            print(f"{self.label} epoch {epoch + 1}: {shown}, {max(left, 0):.0f} s left", flush=True)


def model_to_bytes(model: keras.Model) -> bytes:
    """The ``.keras`` file of ``model`` as bytes (how a fitted estimator pickles)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as handle:
            return handle.read()


def model_from_bytes(data: bytes) -> keras.Model:
    """The model that :func:`model_to_bytes` wrote."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as handle:
            handle.write(data)
        return keras.models.load_model(path, compile=False)
