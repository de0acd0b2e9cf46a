"""A Keras dataset of fresh random crops every epoch (random-crop augmentation for ``fit``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._batching import IndexBatchDataset
from lstmkit._validation import check_array, check_random_state, check_same_length
from lstmkit.reduction._common import check_any_sequences, check_crop_length, gather_crops

__all__ = ["RandomCropDataset"]


class RandomCropDataset(IndexBatchDataset):
    """Batches of fresh random crops every epoch: random-crop augmentation for ``fit``.

    Each epoch draws one new crop per sequence (start uniform over
    ``0..T_i-crop_length``) and, with ``shuffle=True``, a new sample order,
    reproducibly from ``seed``. Crops for an epoch are drawn in ``on_epoch_end``, so
    batches do not depend on the order Keras asks for them. For sequences of
    different lengths pass them as a list, unpadded: every crop then lies inside its
    sequence's real steps and never contains padding.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths.
        labels: an array ``(N, ...)``, one label per sequence.
        crop_length: steps per crop, between 1 and ``T`` (the shortest ``T_i``).
        batch_size: samples per batch (the last batch may be smaller).
        shuffle: draw a new sample order every epoch.
        seed: ``None``, an int or a ``numpy.random.Generator``: the crops and the order.
        **kwargs: passed to ``keras.utils.PyDataset`` (``workers``, ...).

    Returns (per item):
        A tuple ``(crops, labels)`` with crops ``(batch, crop_length, ...)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> data = reduction.RandomCropDataset(
        ...     np.zeros((10, 100, 1)), np.arange(10), crop_length=20, batch_size=4, seed=0)
        >>> len(data), data[0][0].shape, data[2][1].shape
        (3, (4, 20, 1), (2,))
        >>> ragged = [np.zeros((n, 2)) for n in (30, 50, 80)]    # lengths 30, 50, 80
        >>> reduction.RandomCropDataset(ragged, np.arange(3), crop_length=25,
        ...                             batch_size=2, seed=0)[0][0].shape
        (2, 25, 2)
    """

    def __init__(
        self,
        sequences: Any,
        labels: Any,
        *,
        crop_length: int,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: Any = None,
        **kwargs: Any,
    ) -> None:
        sequences, lengths = check_any_sequences(sequences)
        labels = check_array(labels, "labels", allow_nan=True)
        check_same_length("sequences", lengths, "labels", labels)
        self.crop_length = check_crop_length(crop_length, int(lengths.min()))
        check_random_state(seed)  # fail on a bad seed before Keras's own set-up
        self._sequences = sequences
        self._lengths = lengths
        self._labels = labels
        self._starts = np.zeros(len(lengths), dtype=np.int64)
        super().__init__(
            num_items=len(lengths), batch_size=batch_size, shuffle=shuffle, seed=seed, **kwargs
        )

    def on_epoch_end(self) -> None:
        """Draw the next epoch's order (when shuffling) and one new crop per sequence."""
        super().on_epoch_end()
        self._starts = self.generator.integers(0, self._lengths - self.crop_length + 1)

    def make_batch(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The crops and labels of the samples ``indices``."""
        crops = gather_crops(self._sequences, indices, self._starts[indices], self.crop_length)
        return crops, self._labels[indices]
