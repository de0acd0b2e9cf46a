"""Bucketing: batches of similar-length sequences, so each batch needs little padding.

Sorting sequences by length and cutting the sorted order into batches pads each batch
only to its own longest member (:func:`bucket_by_length`, :class:`BucketDataset`);
:func:`padding_fraction` measures what a batching wastes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._batching import IndexBatchDataset, resolve_shuffle_seed
from lstmkit._validation import (
    check_allocation,
    check_array,
    check_bool,
    check_float,
    check_int,
    check_lengths,
    check_option,
    check_random_state,
    check_same_length,
    check_sequences,
    received,
)
from lstmkit.padding.masks import SIDES, check_cudnn_padding
from lstmkit.padding.pad import _check_fill_value, pad_sequences

__all__ = ["BucketDataset", "bucket_by_length", "padding_fraction"]


def _best_cuts(sorted_lengths: np.ndarray, batch_size: int) -> list[int]:
    """Cut points of sorted lengths into full batches plus one smaller batch, least padding.

    A batch costs ``size * longest``. Batches of consecutive sorted lengths are best; what
    remains is where the one smaller batch goes. Try every slot in O(num_batches): the
    full batches before it end at multiples of ``batch_size``, those after it are offset
    by the remainder.
    """
    count = len(sorted_lengths)
    num_full, remainder = divmod(count, batch_size)
    if remainder == 0:
        return list(range(batch_size, count, batch_size))
    ends_before = sorted_lengths[batch_size - 1 : num_full * batch_size : batch_size]
    ends_after = sorted_lengths[remainder + batch_size - 1 :: batch_size]
    cost_before = np.concatenate([[0], np.cumsum(ends_before)]) * batch_size
    cost_after = np.concatenate([np.cumsum(ends_after[::-1])[::-1], [0]]) * batch_size
    slots = np.arange(num_full + 1)
    smaller = remainder * sorted_lengths[slots * batch_size + remainder - 1]
    cost = cost_before + smaller + cost_after
    slot = int(np.argmin(cost))  # ties: the earliest slot, the smaller batch among the shortest
    cuts = [batch_size * (i + 1) for i in range(slot)] + [slot * batch_size + remainder]
    cuts += [slot * batch_size + remainder + batch_size * (j + 1) for j in range(num_full - slot)]
    return [cut for cut in cuts if 0 < cut < count]


def bucket_by_length(
    lengths: Any,
    *,
    batch_size: int,
    shuffle: bool = False,
    seed: int | None = None,
) -> list[np.ndarray]:
    """Group sequence indices into batches of similar length, to waste little padding.

    Use it for variable-length data where lengths vary a lot: sorting by length and
    cutting the sorted order into batches makes each batch as uniform as it can be, so
    padding each batch to its own longest member adds few steps. With
    ``shuffle=True``, sequences of equal length are drawn in random order and the
    batch order is shuffled, so epochs differ while batches stay uniform. When the
    count is not a multiple of ``batch_size``, the one smaller batch goes where it saves
    the most padding (among the shortest sequences, or among the longest when a few
    very long ones dominate).

    Args:
        lengths: ``(num_sequences,)`` whole numbers >= 1.
        batch_size: sequences per batch, >= 1 (the last batch may be smaller).
        shuffle: shuffle ties and the order of batches.
        seed: seed for the shuffle (None for a fresh one each call).

    Returns:
        A list of int64 index arrays, one per batch; together they hold every index
        once. Without shuffle, batches come shortest first.

    Example:
        >>> from lstmkit import padding
        >>> lengths = [5, 1, 4, 2, 3, 6]
        >>> padding.bucket_by_length(lengths, batch_size=2)
        [array([1, 3]), array([4, 2]), array([0, 5])]
        >>> padding.padding_fraction(lengths, batches=padding.bucket_by_length(
        ...     lengths, batch_size=2))  # 3 padded steps out of 24
        0.125
    """
    lengths = check_lengths(lengths)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    shuffle = check_bool(shuffle, "shuffle")
    generator = check_random_state(seed)
    if shuffle:
        # Random order first, then a stable sort: equal lengths come out shuffled.
        permutation = generator.permutation(len(lengths))
        order = permutation[np.argsort(lengths[permutation], kind="stable")]
    else:
        order = np.argsort(lengths, kind="stable")
    cuts = _best_cuts(lengths[order], batch_size)
    batches = [batch.astype(np.int64) for batch in np.split(order, cuts)]
    if shuffle:
        batches = [batches[position] for position in generator.permutation(len(batches))]
    return batches


def padding_fraction(
    lengths: Any, *, batches: Any = None, length: int | None = None
) -> float:
    """Fraction of padded steps when each batch is padded to its longest member.

    Use it to compare batching strategies: 0 means no padding at all.

    Args:
        lengths: ``(num_sequences,)`` whole numbers >= 1.
        batches: a non-empty list of non-empty index arrays (for example from
            :func:`bucket_by_length`); None pads every sequence together, as one batch.
        length: pad every batch to this fixed length instead of its longest member
            (longer sequences count as truncated to it).

    Returns:
        ``padded steps / all steps`` in the padded batches, a float in [0, 1).

    Example:
        >>> from lstmkit import padding
        >>> padding.padding_fraction([1, 3])  # [x, -, -], [x, x, x]
        0.3333333333333333
    """
    lengths = check_lengths(lengths)
    if length is not None:
        length = check_int(length, "length", minimum=1)
    if batches is None:
        batches = [np.arange(len(lengths))]
    elif isinstance(batches, np.ndarray) and batches.ndim == 1:
        raise TypeError(
            "`batches` must be a list of index arrays, not one flat array. Wrap it in a list."
        )
    if isinstance(batches, (str, bytes)) or not hasattr(batches, "__iter__"):
        raise TypeError(
            f"`batches` must be a list of index arrays (for example from "
            f"`bucket_by_length`). {received(batches=batches)}"
        )
    batches = list(batches)
    if not batches:
        raise ValueError(
            "`batches` must hold at least one batch of indices. Received: batches=[]. "
            "Pass the list returned by `bucket_by_length`, or None for one batch."
        )
    total_steps = 0
    real_steps = 0
    for position, batch in enumerate(batches):
        batch = check_array(batch, f"batches[{position}]", ndim=1)
        if batch.dtype.kind not in "iu" or batch.min() < 0 or batch.max() >= len(lengths):
            raise ValueError(
                f"`batches[{position}]` must hold indices into `lengths` (0 to "
                f"{len(lengths) - 1}). Received: values from {batch.min()} to {batch.max()} "
                f"with dtype {batch.dtype}."
            )
        batch_lengths = lengths[batch]
        width = int(batch_lengths.max()) if length is None else length
        total_steps += width * len(batch)
        real_steps += int(np.minimum(batch_lengths, width).sum())
    return (total_steps - real_steps) / total_steps


def vary_second_batch(batches: list[np.ndarray], widths: list[int]) -> list[np.ndarray]:
    """``batches`` with the second one of another padded width than the first, if any is.

    Keras fixes a ``PyDataset``'s batch shapes on TensorFlow from its first two batches:
    if both had the same width, every batch of another width would fail in ``fit``.
    Swapping in a batch of another width as the second one keeps the time axis variable.
    ``widths`` holds each batch's padded width; the list is reordered in place.
    """
    if len(batches) > 2 and widths[0] == widths[1]:
        other = next((i for i in range(2, len(batches)) if widths[i] != widths[0]), None)
        if other is not None:
            batches[1], batches[other] = batches[other], batches[1]
    return batches


class BucketDataset(IndexBatchDataset):
    """Padded batches of similar-length sequences, for ``model.fit``.

    Use it to train a masked LSTM on variable-length sequences with little padding:
    each batch holds sequences of similar length (:func:`bucket_by_length`) and is
    padded only to its own longest member, so time steps per batch vary. Build the
    model with ``keras.Input(shape=(None, num_features))`` and a ``Masking`` layer.

    Args:
        sequences: a list of ``(steps_i,)`` or ``(steps_i, num_features)`` arrays.
        labels: optional ``(num_sequences, ...)`` targets; None yields inputs only.
        batch_size: sequences per batch, >= 1. A batch of the longest sequences must
            fit in memory (checked up front).
        padding: ``"post"`` (default; keeps the cuDNN kernel) or ``"pre"`` (warns).
        value: the padding value (match your ``Masking(mask_value=...)``); it must be
            representable in float32.
        shuffle: ``False`` for a fixed order (shortest batches first); ``True``
            reshuffles ties and batch order every epoch. Either way the second batch
            differs in length from the first (Keras infers batch shapes from the first
            two batches; two equal lengths would fix the time axis and make ``fit``
            fail on the first longer batch).
        seed: the seed of the shuffle (None, an int or a ``numpy.random.Generator``).
        shuffle_seed: deprecated; ``shuffle_seed=k`` means ``shuffle=True, seed=k``
            (same batches as before for the same seed).
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` for
            ``keras.utils.PyDataset``.

    Attributes:
        batches: the current list of index arrays.
        lengths: ``(num_sequences,)`` lengths.

    Returns (per batch, from ``dataset[index]``):
        ``x`` of shape ``(batch, batch_steps, num_features)`` float32 (1-D sequences
        get a feature axis of 1), and with labels a tuple ``(x, labels[indices])``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import padding
        >>> sequences = [np.ones(length, dtype="float32") for length in [5, 1, 4, 2]]
        >>> dataset = padding.BucketDataset(sequences, labels=np.arange(4), batch_size=2)
        >>> [dataset[index][0].shape for index in range(len(dataset))]
        [(2, 2, 1), (2, 5, 1)]
        >>> dataset[0][1]  # labels of sequences 1 and 3 (lengths 1 and 2)
        array([1, 3])
    """

    def __init__(
        self,
        sequences: Any,
        labels: Any = None,
        *,
        batch_size: int = 32,
        padding: str = "post",
        value: float = 0.0,
        shuffle: bool = False,
        seed: Any = None,
        shuffle_seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        arrays = check_sequences(sequences, ragged=True)
        if labels is not None:
            labels = check_array(labels, "labels")
            check_same_length("sequences", arrays, "labels", labels)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        self.padding = check_option(padding, "padding", SIDES)
        self.value = check_float(value, "value")
        _check_fill_value(self.value, np.dtype("float32"))
        if shuffle_seed is not None:
            check_random_state(shuffle_seed, "shuffle_seed")
        shuffle, seed = resolve_shuffle_seed(shuffle, seed, shuffle_seed, owner="BucketDataset")
        check_cudnn_padding(self.padding)
        self._sequences = [array if array.ndim == 2 else array[:, None] for array in arrays]
        self.labels = labels
        self.lengths = np.array([len(array) for array in arrays], dtype=np.int64)
        check_allocation(
            min(batch_size, len(arrays)) * int(self.lengths.max()) * self._sequences[0].shape[1],
            np.dtype("float32").itemsize,
            name="batch_size",
            value=batch_size,
            hint="Use a smaller `batch_size`, or truncate the longest sequences.",
        )
        self.batches: list[np.ndarray] = []
        super().__init__(
            num_items=len(arrays), batch_size=batch_size, shuffle=shuffle, seed=seed, **kwargs
        )

    @property
    def shuffle_seed(self) -> Any:
        """The seed when shuffling, else None (the old name of ``seed``)."""
        return self.seed if self.shuffle else None

    def batch_indices(self, index: int) -> np.ndarray:
        """The sequence indices of batch ``index`` in the current epoch's bucketing."""
        return self.batches[index]

    def make_batch(self, indices: np.ndarray) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Pad the sequences at ``indices`` to their own longest member."""
        x = pad_sequences(
            [self._sequences[position] for position in indices],
            padding=self.padding,
            value=self.value,
        )
        return x if self.labels is None else (x, self.labels[indices])

    def on_epoch_end(self) -> None:
        """Re-bucket for the next epoch (new ties and batch order when shuffling)."""
        if not self.shuffle:
            batches = bucket_by_length(self.lengths, batch_size=self.batch_size)
        else:
            # One draw per epoch, as before the shared base existed: same seed, same batches.
            seed = int(self.generator.integers(2**32))
            batches = bucket_by_length(
                self.lengths, batch_size=self.batch_size, shuffle=True, seed=seed
            )
        self.batches = vary_second_batch(
            batches, [int(self.lengths[batch].max()) for batch in batches]
        )
