"""Batches with equal class counts for ``model.fit``, without copying or resampling the data."""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._batching import IndexBatchDataset
from lstmkit._validation import check_allocation, check_array, check_int, check_labels
from lstmkit.imbalance._classes import classes_from

__all__ = ["MAX_DRAWS_PER_EPOCH", "BalancedBatchDataset"]

# The epoch's plan (one index per drawn sequence) is built up front; past this many draws
# the construction and every epoch end would take seconds to minutes and hundreds of MB.
MAX_DRAWS_PER_EPOCH = 10_000_000


class BalancedBatchDataset(IndexBatchDataset):
    """Batches with (nearly) equal counts of every class, for ``model.fit``.

    Use it instead of class weights or a resampled copy when the data is large: each
    batch draws ``batch_size / num_classes`` sequences per class, so a rare class appears
    in every batch and the gradient never ignores it. Within an epoch each class's
    sequences are drawn without replacement and recycled only when used up, so majority
    sequences are all seen over a few epochs and minority ones are repeated. With
    ``shuffle=True`` (the default) the plan is redrawn at the end of every epoch; the
    same seed gives the same batches.

    Args:
        sequences: ``(N, T)`` or ``(N, T, C)`` (any dtype; not copied).
        labels: ``(N,)`` integer classes; the targets returned with each batch.
        batch_size: sequences per batch, at least the number of classes.
        batches_per_epoch: batches in one epoch; default ``ceil(N / batch_size)``. At most
            ``MAX_DRAWS_PER_EPOCH // batch_size`` (ten million draws per epoch): the
            epoch's plan is drawn up front, so for more, train more epochs.
        shuffle: redraw the plan every epoch (True), or keep the first epoch's plan.
        seed: None, an int or a ``numpy.random.Generator``.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` for
            ``keras.utils.PyDataset``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> x, y = np.zeros((100, 30, 1), "float32"), np.array([0] * 95 + [1] * 5)
        >>> batches = imbalance.BalancedBatchDataset(x, y, batch_size=16, seed=0)
        >>> x_batch, y_batch = batches[0]
        >>> len(batches), x_batch.shape, np.bincount(y_batch).tolist()
        (7, (16, 30, 1), [8, 8])
    """

    def __init__(
        self,
        sequences: Any,
        labels: Any,
        *,
        batch_size: int = 32,
        batches_per_epoch: int | None = None,
        shuffle: bool = True,
        seed: Any = None,
        **kwargs: Any,
    ) -> None:
        sequences = check_array(sequences, "sequences", ndim=(2, 3), numeric=False)
        labels = check_labels(labels, sequences=sequences)
        classes = classes_from(labels, None, "labels")
        batch_size = check_int(
            batch_size,
            "batch_size",
            minimum=len(classes),
            hint="Each batch needs at least one sequence per class.",
        )
        if batches_per_epoch is None:
            batches_per_epoch = -(-len(labels) // batch_size)
        batches_per_epoch = check_int(
            batches_per_epoch,
            "batches_per_epoch",
            minimum=1,
            maximum=max(1, MAX_DRAWS_PER_EPOCH // batch_size),
            hint="Each epoch's plan is drawn up front; train more epochs instead.",
        )
        check_allocation(
            3 * batches_per_epoch * batch_size, 8, name="batches_per_epoch",
            value=batches_per_epoch,
        )
        self.classes = classes
        self.batches_per_epoch = batches_per_epoch
        self.sequences = sequences
        self.labels = labels
        self._members = [np.flatnonzero(labels == label) for label in classes]
        self._planned = False
        super().__init__(
            num_items=batches_per_epoch * batch_size,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            **kwargs,
        )

    def _make_plan(self) -> np.ndarray:
        """Indices ``(batches_per_epoch, batch_size)`` with balanced classes per row."""
        num_batches, generator = self.batches_per_epoch, self.generator
        num_classes = len(self.classes)
        share, extra = divmod(self.batch_size, num_classes)
        # Equal shares; the remainder goes to classes picked at random per batch.
        slots = np.tile(np.arange(num_classes), (num_batches, share))
        if extra:
            picked = generator.random((num_batches, num_classes)).argsort(axis=1)[:, :extra]
            slots = np.concatenate([slots, picked], axis=1)
        plan = np.empty_like(slots)
        for position, members in enumerate(self._members):
            where = slots == position
            needed = int(where.sum())
            repeats = -(-needed // len(members))
            # One fresh permutation of the class per pass through it.
            passes = generator.random((repeats, len(members))).argsort(axis=1)
            plan[where] = members[passes.ravel()[:needed]]
        return generator.permuted(plan, axis=1)

    def check_index(self, index: Any) -> int:
        try:
            return super().check_index(index)
        except IndexError as error:
            raise IndexError(
                f"Batch index {index} out of range for {len(self)} batch(es). {error}"
            ) from None

    def make_batch(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.sequences[indices], self.labels[indices]

    def on_epoch_end(self) -> None:
        """Draw the next epoch's plan (only when shuffling, after the first)."""
        if self.shuffle or not self._planned:
            self.order = self._make_plan().ravel()
            self._planned = True
