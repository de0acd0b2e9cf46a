"""Padding, truncation, masks and bucketing for sequences of different lengths.

A batch is a rectangle, so sequences of different lengths are padded to a common
length and a boolean mask tells the LSTM which steps are real. Three choices matter:

* **Which side to pad.** lstmkit pads at the end (``padding="post"``) by default: with
  a mask, Keras's fused cuDNN LSTM/GRU kernel accepts only right-padded masks (a
  left-padded mask fails on a GPU or forces the generic kernel, several times slower).
  ``keras.utils.pad_sequences`` defaults to ``"pre"``, which was the right choice for
  unmasked text models in Keras 1 and is the wrong one for masked models today.
* **The dtype.** ``keras.utils.pad_sequences`` defaults to ``dtype="int32"``, which
  silently rounds float features to integers; lstmkit defaults to float32.
* **How much padding.** Sorting sequences by length into batches (bucketing) pads each
  batch only to its own longest member (:func:`bucket_by_length`,
  :class:`BucketDataset`, :func:`padding_fraction`).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from lstmkit._validation import (
    check_array,
    check_bool,
    check_float,
    check_int,
    check_option,
    check_random_state,
    check_same_length,
    received,
)

__all__ = [
    "BucketDataset",
    "bucket_by_length",
    "check_cudnn_padding",
    "lengths_from_mask",
    "mask_from_lengths",
    "pad_sequences",
    "padding_fraction",
]

_SIDES = ("post", "pre")


def _check_sequences(sequences: Any, name: str = "sequences") -> list[np.ndarray]:
    """Return a list of 1-D or 2-D arrays with the same feature count, none empty."""
    if isinstance(sequences, np.ndarray) and sequences.dtype != object:
        if sequences.ndim not in (2, 3):
            raise ValueError(
                f"`{name}` as one array must be 2-D (num_sequences, steps) or 3-D "
                f"(num_sequences, steps, num_features). Received: {name} with shape "
                f"{sequences.shape}."
            )
        items = list(sequences)
    elif isinstance(sequences, (Sequence, np.ndarray)) and not isinstance(sequences, (str, bytes)):
        items = list(sequences)
    else:
        raise TypeError(
            f"`{name}` must be a list of arrays of shape (steps,) or (steps, num_features). "
            f"Received: {name} of type {type(sequences).__name__}."
        )
    if not items:
        raise ValueError(f"`{name}` must hold at least one sequence. Received: an empty {name}.")
    arrays = []
    for position, item in enumerate(items):
        array = check_array(item, f"{name}[{position}]", ndim=(1, 2), min_length=0)
        if len(array) == 0:
            raise ValueError(
                f"`{name}[{position}]` is empty. Every sequence needs at least one step: "
                f"an empty one would be fully masked, which Keras's cuDNN kernel rejects. "
                f"Drop it first."
            )
        arrays.append(array)
    first = arrays[0]
    for position, array in enumerate(arrays):
        if array.ndim != first.ndim or array.shape[1:] != first.shape[1:]:
            raise ValueError(
                f"Every sequence in `{name}` must have the same feature shape. Received: "
                f"{name}[0] with shape {first.shape} and {name}[{position}] with shape "
                f"{array.shape}. Give all sequences the same number of features."
            )
    return arrays


def _check_lengths(lengths: Any, name: str = "lengths") -> np.ndarray:
    lengths = check_array(lengths, name, ndim=1)
    if lengths.dtype.kind not in "iu" and not (
        lengths.dtype.kind == "f" and np.all(lengths == np.round(lengths))
    ):
        raise TypeError(f"`{name}` must hold whole numbers. Received: {name} with dtype {lengths.dtype}.")
    lengths = lengths.astype(np.int64)
    if lengths.min() < 1:
        raise ValueError(
            f"`{name}` must all be >= 1: a zero-length sequence is fully masked, which "
            f"Keras's cuDNN kernel rejects. Received: {name} with minimum {lengths.min()} "
            f"at position {int(np.argmin(lengths))}. Drop empty sequences first."
        )
    return lengths


def pad_sequences(
    sequences: Any,
    *,
    length: int | None = None,
    padding: str = "post",
    truncating: str = "pre",
    value: float = 0.0,
    dtype: Any = "float32",
) -> np.ndarray:
    """Pad (or truncate) sequences of different lengths into one float array.

    Use it to batch variable-length sequences for a masked LSTM. Unlike
    ``keras.utils.pad_sequences`` (``padding="pre"``, ``dtype="int32"``), it pads at the
    end so masks stay right-padded (the only kind Keras's fused cuDNN kernel accepts),
    and keeps float features as float32 instead of rounding them to integers. Pad with a
    value that never occurs as a whole real step (``keras.layers.Masking(0.0)`` would
    also mask a real all-zero step).

    Args:
        sequences: a list of ``(steps_i,)`` or ``(steps_i, num_features)`` arrays (no
            NaN, none empty), or one 2-D / 3-D array.
        length: the output length; defaults to the longest sequence.
        padding: ``"post"`` adds padding after each sequence, ``"pre"`` before it.
        truncating: for sequences longer than ``length``: ``"pre"`` drops steps from
            the start (keeps the most recent steps, which an LSTM's final state
            remembers best), ``"post"`` drops steps from the end.
        value: the padding value.
        dtype: the output dtype, float32 by default.

    Returns:
        ``(num_sequences, length)`` for 1-D sequences, or
        ``(num_sequences, length, num_features)``. A new array; inputs are unchanged.

    Example:
        >>> import numpy as np
        >>> from lstmkit import padding
        >>> sequences = [np.array([1.5, 2.5]), np.array([3.0, 4.0, 5.0, 6.0])]
        >>> padding.pad_sequences(sequences)
        array([[1.5, 2.5, 0. , 0. ],
               [3. , 4. , 5. , 6. ]], dtype=float32)
        >>> padding.pad_sequences(sequences, length=3, padding="pre")
        array([[0. , 1.5, 2.5],
               [4. , 5. , 6. ]], dtype=float32)
    """
    arrays = _check_sequences(sequences)
    padding = check_option(padding, "padding", _SIDES)
    truncating = check_option(truncating, "truncating", _SIDES)
    value = check_float(value, "value")
    try:
        dtype = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"`dtype` must be a NumPy dtype such as 'float32'. {received(dtype=dtype)}") from error
    lengths = np.array([len(array) for array in arrays])
    length = int(lengths.max()) if length is None else check_int(length, "length", minimum=1)
    result = np.full((len(arrays), length) + arrays[0].shape[1:], value, dtype=dtype)
    for row, array in enumerate(arrays):
        kept = array[-length:] if truncating == "pre" else array[:length]
        if padding == "post":
            result[row, : len(kept)] = kept
        else:
            result[row, length - len(kept) :] = kept
    return result


def mask_from_lengths(lengths: Any, *, length: int | None = None, padding: str = "post") -> np.ndarray:
    """Boolean mask, True on real steps, for sequences padded to ``length``.

    Use it to pass an explicit ``mask=`` to a Keras RNN, or to weigh per-step losses.

    Args:
        lengths: ``(num_sequences,)`` whole numbers >= 1.
        length: the padded length; defaults to ``max(lengths)``; shorter lengths are
            clipped to it (as truncation would).
        padding: ``"post"`` (real steps first) or ``"pre"`` (real steps last).

    Returns:
        A ``(num_sequences, length)`` boolean array.

    Example:
        >>> from lstmkit import padding
        >>> padding.mask_from_lengths([2, 4])
        array([[ True,  True, False, False],
               [ True,  True,  True,  True]])
        >>> padding.mask_from_lengths([2, 4], padding="pre").astype(int)
        array([[0, 0, 1, 1],
               [1, 1, 1, 1]])
    """
    lengths = _check_lengths(lengths)
    padding = check_option(padding, "padding", _SIDES)
    length = int(lengths.max()) if length is None else check_int(length, "length", minimum=1)
    steps = np.arange(length)
    if padding == "post":
        return steps[None, :] < lengths[:, None]
    return steps[None, :] >= (length - lengths)[:, None]


def lengths_from_mask(mask: Any, *, padding: str = "post") -> np.ndarray:
    """Lengths of the real parts of a padding mask, after checking the mask is valid.

    Use it to recover lengths, and to catch a mask that a Keras LSTM would mishandle:
    masks must be one contiguous run of True at the start (``"post"``) or the end
    (``"pre"``), and no row may be fully masked.

    Args:
        mask: ``(num_sequences, steps)`` booleans (or 0/1), True on real steps.
        padding: the side the padding is on, ``"post"`` or ``"pre"``.

    Returns:
        ``(num_sequences,)`` int64 lengths.

    Example:
        >>> import numpy as np
        >>> from lstmkit import padding
        >>> padding.lengths_from_mask(np.array([[1, 1, 0], [1, 1, 1]], dtype=bool))
        array([2, 3])
    """
    mask = check_array(mask, "mask", ndim=2)
    if mask.dtype.kind != "b":
        if not np.isin(mask, (0, 1)).all():
            raise ValueError(
                "`mask` must hold booleans (or 0 and 1). Received: mask with values other "
                "than 0 and 1. Build it with `mask_from_lengths`."
            )
        mask = mask.astype(bool)
    padding = check_option(padding, "padding", _SIDES)
    lengths = mask.sum(axis=1).astype(np.int64)
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(
            f"`mask` must not have fully masked rows: cuDNN fails on them and the LSTM "
            f"output is meaningless. Received: {empty.size} fully masked row(s), the "
            f"first at row {int(empty[0])}. Drop empty sequences first."
        )
    expected = mask_from_lengths(lengths, length=mask.shape[1], padding=padding)
    bad = np.flatnonzero((expected != mask).any(axis=1))
    if bad.size:
        other = "pre" if padding == "post" else "post"
        other_ok = (mask_from_lengths(lengths, length=mask.shape[1], padding=other) == mask).all()
        hint = (
            f"It is a valid padding={other!r} mask: pass padding={other!r}."
            if other_ok
            else "Masks must be contiguous: pad sequences with `pad_sequences`, not by "
            "masking steps in the middle."
        )
        side = "start" if padding == "post" else "end"
        raise ValueError(
            f"`mask` must be one contiguous run of True at the {side} of each row for "
            f"padding={padding!r}. Received: {bad.size} row(s) that are not, the first at "
            f"row {int(bad[0])}: {mask[bad[0]].astype(int).tolist()[:40]}. {hint}"
        )
    return lengths


def check_cudnn_padding(padding_or_mask: Any, *, use_mask: bool = True) -> bool:
    """Warn when padding keeps Keras's LSTM/GRU off the fused cuDNN kernel.

    Use it before training a masked model on a GPU. The fused cuDNN kernel reads a
    mask only as right-padding (real steps first, no row fully masked). With a
    left-padded (``"pre"``) mask, Keras 3 either fails on the GPU ("You are passing a
    RNN mask that does not correspond to right-padded sequences") or needs
    ``use_cudnn=False``, the generic kernel, several times slower. Without a mask,
    either side runs on cuDNN, but the LSTM then reads the padding as data. On a CPU
    there is no cuDNN and the check only matters for portability.

    Args:
        padding_or_mask: ``"post"``, ``"pre"``, or a ``(num_sequences, steps)``
            boolean mask to inspect.
        use_mask: whether the model masks the padding (``Masking`` layer, ``mask=``,
            or ``mask_zero``).

    Returns:
        True when the combination keeps the cuDNN kernel; otherwise False, after a
        ``UserWarning`` that says why and what to change.

    Example:
        >>> import warnings
        >>> from lstmkit import padding
        >>> padding.check_cudnn_padding("post")
        True
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     padding.check_cudnn_padding("pre")
        False
        >>> "cuDNN" in str(caught[0].message)
        True
    """
    use_mask = check_bool(use_mask, "use_mask")
    if isinstance(padding_or_mask, str):
        side = check_option(padding_or_mask, "padding_or_mask", _SIDES)
        if side == "post" or not use_mask:
            return True
        message = (
            "padding='pre' with a mask takes Keras LSTM/GRU layers off the fused cuDNN "
            "kernel: on a GPU Keras 3 either fails ('RNN mask that does not correspond to "
            "right-padded sequences') or needs use_cudnn=False, which is several times "
            "slower. Pad with padding='post' (lstmkit's default) to keep the fast kernel."
        )
    else:
        mask = check_array(padding_or_mask, "padding_or_mask", ndim=2)
        if not use_mask:
            return True
        try:
            lengths_from_mask(mask, padding="post")
            return True
        except ValueError as error:
            message = (
                "This mask takes Keras LSTM/GRU layers off the fused cuDNN kernel, which "
                f"needs right-padded masks with no fully masked row: {error} On a GPU "
                "Keras 3 either fails or needs use_cudnn=False (several times slower). "
                "Pad with padding='post' and drop empty sequences."
            )
    warnings.warn(message, UserWarning, stacklevel=2)
    return False


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
    cost = cost_before + remainder * sorted_lengths[slots * batch_size + remainder - 1] + cost_after
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
    lengths = _check_lengths(lengths)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    shuffle = check_bool(shuffle, "shuffle")
    generator = check_random_state(seed)
    if shuffle:
        # Random order first, then a stable sort: equal lengths come out shuffled.
        permutation = generator.permutation(len(lengths))
        order = permutation[np.argsort(lengths[permutation], kind="stable")]
    else:
        order = np.argsort(lengths, kind="stable")
    batches = [batch.astype(np.int64) for batch in np.split(order, _best_cuts(lengths[order], batch_size))]
    if shuffle:
        batches = [batches[position] for position in generator.permutation(len(batches))]
    return batches


def padding_fraction(lengths: Any, *, batches: Any = None, length: int | None = None) -> float:
    """Fraction of padded steps when each batch is padded to its longest member.

    Use it to compare batching strategies: 0 means no padding at all.

    Args:
        lengths: ``(num_sequences,)`` whole numbers >= 1.
        batches: a list of index arrays (for example from :func:`bucket_by_length`);
            None pads every sequence together, as one batch.
        length: pad every batch to this fixed length instead of its longest member
            (longer sequences count as truncated to it).

    Returns:
        ``padded steps / all steps`` in the padded batches, a float in [0, 1).

    Example:
        >>> from lstmkit import padding
        >>> padding.padding_fraction([1, 3])  # [x, -, -], [x, x, x]
        0.3333333333333333
    """
    lengths = _check_lengths(lengths)
    if length is not None:
        length = check_int(length, "length", minimum=1)
    if batches is None:
        batches = [np.arange(len(lengths))]
    elif isinstance(batches, np.ndarray) and batches.ndim == 1:
        raise TypeError("`batches` must be a list of index arrays, not one flat array. Wrap it in a list.")
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


class BucketDataset(keras.utils.PyDataset):
    """Padded batches of similar-length sequences, for ``model.fit``.

    Use it to train a masked LSTM on variable-length sequences with little padding:
    each batch holds sequences of similar length (:func:`bucket_by_length`) and is
    padded only to its own longest member, so time steps per batch vary. Build the
    model with ``keras.Input(shape=(None, num_features))`` and a ``Masking`` layer.

    Args:
        sequences: a list of ``(steps_i,)`` or ``(steps_i, num_features)`` arrays.
        labels: optional ``(num_sequences, ...)`` targets; None yields inputs only.
        batch_size: sequences per batch, >= 1.
        padding: ``"post"`` (default; keeps the cuDNN kernel) or ``"pre"`` (warns).
        value: the padding value (match your ``Masking(mask_value=...)``).
        shuffle_seed: ``None`` for a fixed order (shortest batches first); an integer
            reshuffles ties and batch order every epoch, reproducibly. Either way the
            second batch differs in length from the first (Keras infers batch shapes
            from the first two batches; two equal lengths would fix the time axis and
            make ``fit`` fail on the first longer batch).
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
        shuffle_seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        arrays = _check_sequences(sequences)
        if labels is not None:
            labels = check_array(labels, "labels")
            check_same_length("sequences", arrays, "labels", labels)
        self.batch_size = check_int(batch_size, "batch_size", minimum=1)
        self.padding = check_option(padding, "padding", _SIDES)
        self.value = check_float(value, "value")
        if shuffle_seed is not None:
            check_random_state(shuffle_seed, "shuffle_seed")
        check_cudnn_padding(self.padding)
        super().__init__(**kwargs)
        self._sequences = [array if array.ndim == 2 else array[:, None] for array in arrays]
        self.labels = labels
        self.lengths = np.array([len(array) for array in arrays], dtype=np.int64)
        self.shuffle_seed = shuffle_seed
        self._generator = None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
        self.batches: list[np.ndarray] = []
        self.on_epoch_end()

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size)

    def __getitem__(self, index: int) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(f"`index` must be an integer batch number. {received(index=index)}")
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"`index` must be between 0 and {len(self) - 1}. {received(index=index)}")
        indices = self.batches[index]
        x = pad_sequences(
            [self._sequences[position] for position in indices], padding=self.padding, value=self.value
        )
        return x if self.labels is None else (x, self.labels[indices])

    def on_epoch_end(self) -> None:
        """Re-bucket for the next epoch (new ties and batch order when shuffling)."""
        if self._generator is None:
            batches = bucket_by_length(self.lengths, batch_size=self.batch_size)
        else:
            seed = int(self._generator.integers(2**32))
            batches = bucket_by_length(self.lengths, batch_size=self.batch_size, shuffle=True, seed=seed)
        # Keras fixes a PyDataset's batch shapes from its first two batches: if both had
        # the same length, every longer batch would fail in `fit`. Swap in a batch of
        # another length as the second one so that Keras sees a variable time axis.
        longest = [int(self.lengths[batch].max()) for batch in batches]
        if len(batches) > 2 and longest[0] == longest[1]:
            other = next((i for i in range(2, len(batches)) if longest[i] != longest[0]), None)
            if other is not None:
                batches[1], batches[other] = batches[other], batches[1]
        self.batches = batches
