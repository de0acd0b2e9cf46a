"""Make long sequences shorter before an LSTM reads them.

An LSTM's cost grows with the number of steps and its memory of early steps fades, so
the cheapest fix for a very long sequence is often to give it fewer steps. Each
function here is one way to do that, and each keeps something and loses something:

* **Truncate** (:func:`truncate_sequences`): keep the start, the end or a centred span.
  Exact on what it keeps; blind to everything it cuts.
* **Summarize text** (:func:`rank_tokens`, :func:`drop_frequent_tokens`,
  :func:`keep_top_vocabulary`): remove tokens by frequency rank, so the same document
  needs fewer steps.
* **Summarize signals** (:func:`pool_steps`, :func:`piecewise_aggregate`,
  :func:`window_quantiles`, :func:`make_strided_frontend`): average (or max)
  neighbouring steps, describe each window by its value distribution, or learn the
  summary. Keeps slow shapes (or levels); loses short events (or their timing).
* **Random sampling** (:func:`drop_random_steps`, :func:`random_crops`,
  :class:`RandomCropDataset`, :func:`predict_over_crops`): train on random parts,
  predict by averaging over several parts.
* **Rearrange** (:func:`to_parallel_subsequences`): cut the sequence into pieces read
  side by side as features; ``k`` times fewer steps, nothing dropped.
* **Project** (:func:`hash_steps`, :func:`random_projection`): mix all steps into fewer
  by a fixed random map; keeps energy, loses order.

Every function takes the data first and keyword-only options, validates before doing
any work, never modifies its input and returns new arrays. Arrays are ``(N, T)`` or
``(N, T, C)``: samples, steps, channels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from lstmkit._validation import (
    check_array,
    check_bool,
    check_int,
    check_option,
    check_random_state,
    check_same_length,
)

__all__ = [
    "RandomCropDataset",
    "drop_frequent_tokens",
    "drop_random_steps",
    "evenly_spaced_crops",
    "hash_steps",
    "keep_top_vocabulary",
    "make_strided_frontend",
    "piecewise_aggregate",
    "pool_steps",
    "predict_over_crops",
    "random_crops",
    "random_projection",
    "rank_tokens",
    "to_parallel_subsequences",
    "truncate_sequences",
    "window_quantiles",
]

KEEP_OPTIONS = ("start", "end", "center")


# --------------------------------------------------------------------------- helpers
def _check_sequences(sequences: Any, name: str = "sequences") -> np.ndarray:
    """Return a 2-D ``(N, T)`` or 3-D ``(N, T, C)`` numeric array."""
    return check_array(sequences, name, ndim=(2, 3))


def _float_dtype(array: np.ndarray) -> np.dtype:
    """Floats keep their precision; integers and booleans become float32 (Keras's default)."""
    return array.dtype if array.dtype.kind == "f" else np.dtype("float32")


def _is_ragged(sequences: Any) -> bool:
    """True for a list/tuple of arrays (variable lengths), False for a rectangular array."""
    return isinstance(sequences, (list, tuple)) and not isinstance(sequences, np.ndarray)


def _check_ragged(sequences: Sequence[Any], name: str, *, integer: bool = False) -> list[np.ndarray]:
    """Check a list of 1-D ``(T_i,)`` or 2-D ``(T_i, C)`` arrays, one per sample."""
    if len(sequences) == 0:
        raise ValueError(
            f"`{name}` must hold at least one sequence. Received: an empty {type(sequences).__name__}."
        )
    arrays = []
    for index, item in enumerate(sequences):
        array = check_array(item, f"{name}[{index}]", ndim=(1, 2), min_length=0)
        if integer and array.dtype.kind not in "iu":
            raise TypeError(
                f"`{name}` must hold integer token ids. Received: {name}[{index}] with dtype "
                f"{array.dtype}. Convert text to ids first, for example with "
                f"`keras.layers.TextVectorization`."
            )
        arrays.append(array)
    return arrays


# -------------------------------------------------------------------------- truncate
def truncate_sequences(sequences: Any, *, length: int, keep: str = "end") -> Any:
    """Keep ``length`` steps of every sequence: its start, its end or a centred span.

    Use it when the signal sits at a known place (the last minutes before an event, the
    first paragraph of an article). Whatever lies outside the kept span is lost.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``, or a list of arrays ``(T_i,)``
            or ``(T_i, C)`` of different lengths.
        length: how many steps to keep, >= 1. For an array it must be <= ``T``; in a
            list, sequences already that short are kept whole.
        keep: ``"start"`` keeps steps ``[0, length)``, ``"end"`` keeps
            ``[T - length, T)``, ``"center"`` keeps ``[(T - length) // 2, ... + length)``.

    Returns:
        For an array, a new array ``(N, length)`` or ``(N, length, C)``; for a list, a
        new list of arrays of at most ``length`` steps each.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> steps = np.arange(10)[None, :]          # one sequence, steps 0..9
        >>> reduction.truncate_sequences(steps, length=4, keep="start")
        array([[0, 1, 2, 3]])
        >>> reduction.truncate_sequences(steps, length=4, keep="end")
        array([[6, 7, 8, 9]])
        >>> reduction.truncate_sequences(steps, length=4, keep="center")
        array([[3, 4, 5, 6]])
        >>> [s.tolist() for s in reduction.truncate_sequences(
        ...     [np.arange(6), np.arange(2)], length=3, keep="end")]
        [[3, 4, 5], [0, 1]]
    """
    keep = check_option(keep, "keep", KEEP_OPTIONS)
    length = check_int(length, "length", minimum=1)
    if _is_ragged(sequences):
        arrays = _check_ragged(sequences, "sequences")
        return [_truncate_one(array, length, keep) for array in arrays]
    array = _check_sequences(sequences)
    steps = array.shape[1]
    if length > steps:
        raise ValueError(
            f"`length` must be at most the number of steps. Received: length={length} for "
            f"sequences of {steps} steps. Pick length <= {steps}, or pad the sequences "
            f"instead of truncating them."
        )
    return _truncate_one(array.swapaxes(0, 1), length, keep).swapaxes(0, 1).copy()


def _truncate_one(array: np.ndarray, length: int, keep: str) -> np.ndarray:
    """Slice the first axis of ``array`` (steps); a copy, never a view of the input."""
    steps = array.shape[0]
    if steps <= length:
        return array.copy()
    start = {"start": 0, "end": steps - length, "center": (steps - length) // 2}[keep]
    return array[start : start + length].copy()


# ----------------------------------------------------------------------------- text
def rank_tokens(sequences: Any, *, padding_id: int = 0) -> np.ndarray:
    """Return token ids sorted from most to least frequent (ties: smaller id first).

    Fit it on the training set and pass the result as ``ranking`` to
    :func:`drop_frequent_tokens` or :func:`keep_top_vocabulary`, so that validation
    and test data are reduced by the same rule.

    Args:
        sequences: an int array ``(N, T)`` of token ids (right-padded with
            ``padding_id``), or a list of 1-D int arrays.
        padding_id: the id that marks padding; it is never counted or ranked.

    Returns:
        A 1-D int64 array of the distinct token ids seen, most frequent first.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> reduction.rank_tokens(np.array([[5, 2, 5, 7, 0], [5, 7, 3, 0, 0]]))
        array([5, 7, 2, 3])
    """
    padding_id = check_int(padding_id, "padding_id", minimum=0)
    tokens = _all_tokens(sequences)
    tokens = tokens[tokens != padding_id]
    if tokens.size == 0:
        return np.zeros(0, dtype=np.int64)
    ids, counts = np.unique(tokens, return_counts=True)
    # lexsort sorts by the last key first: count (descending), then id (ascending).
    order = np.lexsort((ids, -counts))
    return ids[order].astype(np.int64)


def _all_tokens(sequences: Any) -> np.ndarray:
    if _is_ragged(sequences):
        arrays = _check_ragged(sequences, "sequences", integer=True)
        for index, array in enumerate(arrays):
            if array.ndim != 1:
                raise ValueError(
                    f"`sequences` must hold 1-D token-id arrays. Received: sequences[{index}] "
                    f"with shape {array.shape}. Pass one id per step."
                )
        return np.concatenate(arrays).astype(np.int64) if arrays else np.zeros(0, np.int64)
    array = _check_token_array(sequences)
    return array.ravel().astype(np.int64)


def _check_token_array(sequences: Any) -> np.ndarray:
    array = check_array(sequences, "sequences", ndim=2)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"`sequences` must hold integer token ids. Received: sequences with dtype "
            f"{array.dtype}. Convert text to ids first, for example with "
            f"`keras.layers.TextVectorization`."
        )
    if array.size and array.min() < 0:
        raise ValueError(
            f"`sequences` must hold token ids >= 0. Received: a smallest id of {array.min()}."
        )
    return array


def _filter_tokens(sequences: Any, token_ids: np.ndarray, padding_id: int, *, keep: bool) -> Any:
    """Keep only (``keep=True``) or drop (``keep=False``) ``token_ids``, order preserved.

    Padding is always removed; arrays come back right-padded with ``padding_id``.
    """
    if _is_ragged(sequences):
        arrays = _check_ragged(sequences, "sequences", integer=True)
        return [
            array[(np.isin(array, token_ids) == keep) & (array != padding_id)].copy()
            for array in arrays
        ]
    array = _check_token_array(sequences)
    keep_mask = (np.isin(array, token_ids) == keep) & (array != padding_id)
    # A stable sort on "not kept" moves kept tokens left in their original order.
    order = np.argsort(~keep_mask, axis=1, kind="stable")
    result = np.take_along_axis(array, order, axis=1)
    kept_counts = keep_mask.sum(axis=1)
    result[np.arange(array.shape[1])[None, :] >= kept_counts[:, None]] = padding_id
    width = max(int(kept_counts.max()), 1)
    return result[:, :width].copy()


def _check_ranking(ranking: Any, sequences: Any, padding_id: int) -> np.ndarray:
    if ranking is None:
        return rank_tokens(sequences, padding_id=padding_id)
    ranking = check_array(ranking, "ranking", ndim=1, min_length=0)
    if ranking.dtype.kind not in "iu":
        raise TypeError(
            f"`ranking` must be an integer array of token ids, as returned by "
            f"`rank_tokens`. Received: ranking with dtype {ranking.dtype}."
        )
    return ranking.astype(np.int64)


def drop_frequent_tokens(
    sequences: Any, *, num_dropped: int, ranking: Any = None, padding_id: int = 0
) -> Any:
    """Remove the ``num_dropped`` most frequent tokens (stop words, punctuation).

    Frequent tokens carry little topic information but use most of the steps, so
    dropping them shortens documents and brings distant content words closer together.
    Word order among the kept tokens is unchanged; tokens absent from ``ranking``
    (never seen in training) are kept.

    Args:
        sequences: an int array ``(N, T)`` right-padded with ``padding_id``, or a list
            of 1-D int arrays.
        num_dropped: how many of the most frequent token ids to remove, >= 0.
        ranking: token ids, most frequent first, from :func:`rank_tokens` on the
            training set. ``None`` ranks ``sequences`` itself (fine for a demo, a leak
            when applied to test data).
        padding_id: the padding id, never ranked and kept as the fill value.

    Returns:
        The same kind as ``sequences``: a list of shorter 1-D arrays, or an array
        ``(N, T')`` with kept tokens moved left and right-padded, ``T'`` the longest
        kept sequence.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> ids = np.array([[5, 2, 5, 7, 0], [5, 7, 3, 0, 0]])   # 5 is the most frequent
        >>> reduction.drop_frequent_tokens(ids, num_dropped=1)
        array([[2, 7],
               [7, 3]])
    """
    padding_id = check_int(padding_id, "padding_id", minimum=0)
    num_dropped = check_int(num_dropped, "num_dropped", minimum=0)
    ranking = _check_ranking(ranking, sequences, padding_id)
    if num_dropped > ranking.size:
        raise ValueError(
            f"`num_dropped` must be at most the number of ranked tokens ({ranking.size}). "
            f"Received: num_dropped={num_dropped}. Drop fewer tokens."
        )
    return _filter_tokens(sequences, ranking[:num_dropped], padding_id, keep=False)


def keep_top_vocabulary(
    sequences: Any, *, vocabulary_size: int, ranking: Any = None, padding_id: int = 0
) -> Any:
    """Keep only the ``vocabulary_size`` most frequent tokens; drop rarer ones.

    Rare tokens (names, typos) are many but each appears seldom; dropping them shortens
    documents a little and shrinks the embedding table a lot. It is the opposite cut
    to :func:`drop_frequent_tokens`; combine both to keep a middle band of ranks.
    Tokens absent from ``ranking`` (never seen in training) are dropped.

    Args:
        sequences: an int array ``(N, T)`` right-padded with ``padding_id``, or a list
            of 1-D int arrays.
        vocabulary_size: how many of the most frequent token ids to keep, >= 1.
        ranking: token ids, most frequent first, from :func:`rank_tokens` on the
            training set; ``None`` ranks ``sequences`` itself.
        padding_id: the padding id, never ranked and kept as the fill value.

    Returns:
        The same kind as ``sequences``: a list of 1-D arrays, or an array ``(N, T')``
        right-padded, ``T'`` the longest kept sequence.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> ids = np.array([[5, 2, 5, 7, 0], [5, 7, 3, 0, 0]])   # ranks: 5, 7, 2, 3
        >>> reduction.keep_top_vocabulary(ids, vocabulary_size=2)
        array([[5, 5, 7],
               [5, 7, 0]])
    """
    padding_id = check_int(padding_id, "padding_id", minimum=0)
    vocabulary_size = check_int(vocabulary_size, "vocabulary_size", minimum=1)
    ranking = _check_ranking(ranking, sequences, padding_id)
    return _filter_tokens(sequences, ranking[:vocabulary_size], padding_id, keep=True)


# -------------------------------------------------------------------------- signals
def pool_steps(
    sequences: Any, *, pool_size: int, stride: int | None = None, reduction: str = "mean"
) -> np.ndarray:
    """Summarize each window of ``pool_size`` steps by its mean (or max).

    Average pooling keeps slow trends and removes fast wiggles, including short events
    you may need; max pooling keeps peaks but not their sign or shape. A trailing
    partial window is dropped, as in ``keras.layers.AveragePooling1D``.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        pool_size: steps per window, between 1 and ``T``.
        stride: steps between window starts; ``None`` means ``pool_size`` (no overlap).
        reduction: ``"mean"`` or ``"max"``.

    Returns:
        A float array ``(N, T', ...)`` with ``T' = (T - pool_size) // stride + 1``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.arange(7, dtype="float32")[None, :]   # steps 0..6
        >>> reduction.pool_steps(x, pool_size=2)          # windows [0,1] [2,3] [4,5]
        array([[0.5, 2.5, 4.5]], dtype=float32)
        >>> reduction.pool_steps(x, pool_size=3, stride=2, reduction="max")
        array([[2., 4., 6.]], dtype=float32)
    """
    array = _check_sequences(sequences)
    reduction = check_option(reduction, "reduction", ("mean", "max"))
    steps = array.shape[1]
    pool_size = check_int(
        pool_size, "pool_size", minimum=1, maximum=steps,
        hint=f"The sequences have {steps} steps; pick a window no longer than that.",
    )
    stride = pool_size if stride is None else check_int(stride, "stride", minimum=1)
    windows = np.lib.stride_tricks.sliding_window_view(array, pool_size, axis=1)[:, ::stride]
    reduce = np.mean if reduction == "mean" else np.max
    return reduce(windows, axis=-1).astype(_float_dtype(array))


def piecewise_aggregate(sequences: Any, *, num_segments: int) -> np.ndarray:
    """Piecewise aggregate approximation (PAA): the mean of ``num_segments`` equal parts.

    Unlike :func:`pool_steps`, any length works: when ``T`` is not a multiple of
    ``num_segments``, a step on a border counts towards both neighbouring segments in
    proportion (each segment covers exactly ``T / num_segments`` steps), so nothing is
    dropped. Use it to bring sequences of one or several lengths to a fixed short length.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        num_segments: the output length, between 1 and ``T``.

    Returns:
        A float array ``(N, num_segments)`` or ``(N, num_segments, C)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.array([[0, 1, 2, 3, 4, 5]], dtype="float32")
        >>> reduction.piecewise_aggregate(x, num_segments=3)   # [0,1] [2,3] [4,5]
        array([[0.5, 2.5, 4.5]], dtype=float32)
        >>> # 1.5 steps each: [0, 1.5) [1.5, 3) [3, 4.5) [4.5, 6); step 1 is split in half
        >>> np.round(reduction.piecewise_aggregate(x, num_segments=4), 3)
        array([[0.333, 1.667, 3.333, 4.667]], dtype=float32)
    """
    array = _check_sequences(sequences)
    steps = array.shape[1]
    num_segments = check_int(
        num_segments, "num_segments", minimum=1, maximum=steps,
        hint=f"The sequences have {steps} steps; PAA can only shorten them.",
    )
    values = array.astype(np.float64)
    cumulative = np.concatenate(
        [np.zeros_like(values[:, :1]), np.cumsum(values, axis=1)], axis=1
    )
    # The integral of the step function from 0 to each border b = j * T / M:
    # cumulative[floor(b)] + fraction(b) * value[floor(b)].
    borders = np.arange(num_segments + 1) * (steps / num_segments)
    whole = np.minimum(np.floor(borders).astype(np.int64), steps - 1)
    fraction = borders - whole
    shape = (1, -1) + (1,) * (array.ndim - 2)
    integral = cumulative[:, whole] + fraction.reshape(shape) * values[:, whole]
    means = np.diff(integral, axis=1) / (steps / num_segments)
    return means.astype(_float_dtype(array))


def window_quantiles(sequences: Any, *, num_windows: int, num_quantiles: int) -> np.ndarray:
    """Summarize each of ``num_windows`` equal windows by the quantiles of its values.

    A window of ``T / num_windows`` steps becomes one step whose features are the
    window's minimum, ``num_quantiles - 2`` evenly spaced quantiles and maximum (its
    sorted values, resampled). It keeps *how much time the signal spends at each level*
    inside a window, including short spikes that averaging would flatten, and loses
    *when* inside the window things happened. Use it when a class shows in the value
    distribution (appliances: how long at which power) more than in exact timing.
    Standardize the result (statistics from the training set) before an LSTM.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``; ``T`` must be a multiple of
            ``num_windows`` (truncate first with :func:`truncate_sequences`).
        num_windows: output steps, between 1 and ``T``.
        num_quantiles: quantiles per window and channel, >= 2 (minimum and maximum).

    Returns:
        A float array ``(N, num_windows, C * num_quantiles)`` (``C = 1`` for 2-D
        input); feature ``c * num_quantiles + q`` is quantile ``q`` of channel ``c``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.array([[3, 1, 2, 9, 0, 0, 0, 5]], dtype="float32")  # 2 windows of 4
        >>> reduction.window_quantiles(x, num_windows=2, num_quantiles=3)
        array([[[1. , 2.5, 9. ],
                [0. , 0. , 5. ]]], dtype=float32)
    """
    array = _check_sequences(sequences)
    if array.ndim == 2:
        array = array[:, :, None]
    count, steps, channels = array.shape
    num_windows = check_int(num_windows, "num_windows", minimum=1, maximum=steps)
    num_quantiles = check_int(num_quantiles, "num_quantiles", minimum=2)
    if steps % num_windows:
        usable = steps - steps % num_windows
        raise ValueError(
            f"`num_windows` must divide the number of steps. Received: num_windows="
            f"{num_windows} for sequences of {steps} steps. Truncate to {usable} steps "
            f"first, e.g. `truncate_sequences(x, length={usable})`, or pick a divisor of "
            f"{steps}."
        )
    windows = array.reshape(count, num_windows, steps // num_windows, channels)
    levels = np.quantile(windows, np.linspace(0.0, 1.0, num_quantiles), axis=2)
    # (Q, N, W, C) -> (N, W, C, Q) -> (N, W, C * Q)
    result = levels.transpose(1, 2, 3, 0).reshape(count, num_windows, channels * num_quantiles)
    return result.astype(_float_dtype(array))


def make_strided_frontend(
    *,
    filters: int = 32,
    kernel_size: int = 8,
    strides: int = 4,
    pool_size: int = 4,
    num_blocks: int = 1,
    name: str = "strided_frontend",
) -> Any:
    """Return a small learned front-end that shortens a sequence before an LSTM.

    Each block is ``Conv1D(filters, kernel_size, strides, padding="same")`` →
    ``BatchNormalization`` → ReLU → ``MaxPooling1D(pool_size)``, so one block divides
    the length by ``strides * pool_size`` (16 by default: 1,460 steps become 91). Unlike
    fixed pooling, the convolution learns *which* local shapes to keep, so short
    events survive the shortening. It does not pass masks on: use it on unpadded,
    equal-length input.

    Args:
        filters: output channels of each convolution.
        kernel_size: steps each convolution sees.
        strides: convolution stride (the first shortening factor).
        pool_size: max-pooling window and stride (the second factor); 1 for none.
        num_blocks: how many blocks to stack, 1-4.
        name: the Keras name of the returned block.

    Returns:
        A ``keras.Sequential`` mapping ``(batch, T, C)`` to
        ``(batch, ceil(T / strides) // pool_size, filters)`` per block.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> frontend = reduction.make_strided_frontend(filters=8)
        >>> tuple(frontend(np.zeros((2, 1460, 1), "float32")).shape)
        (2, 91, 8)
    """
    filters = check_int(filters, "filters", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    strides = check_int(strides, "strides", minimum=1)
    pool_size = check_int(pool_size, "pool_size", minimum=1)
    num_blocks = check_int(num_blocks, "num_blocks", minimum=1, maximum=4)
    if not isinstance(name, str) or not name:
        raise TypeError(f"`name` must be a non-empty string. Received: name={name!r}.")
    layers = []
    for index in range(num_blocks):
        layers += [
            keras.layers.Conv1D(
                filters, kernel_size, strides=strides, padding="same", name=f"conv_{index}"
            ),
            keras.layers.BatchNormalization(name=f"norm_{index}"),
            keras.layers.Activation("relu", name=f"relu_{index}"),
        ]
        if pool_size > 1:
            layers.append(keras.layers.MaxPooling1D(pool_size, name=f"pool_{index}"))
    return keras.Sequential(layers, name=name)


# ------------------------------------------------------------------ random sampling
def drop_random_steps(sequences: Any, *, num_kept: int, seed: Any = None) -> np.ndarray:
    """Keep ``num_kept`` random steps of each sequence, in their original order.

    Each sample gets its own random subset, so calling it again every epoch is an
    augmentation; the steps kept are irregularly spaced, so anything the model learns
    about exact spacing is lost.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        num_kept: steps to keep per sequence, between 1 and ``T``.
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        An array ``(N, num_kept)`` or ``(N, num_kept, C)``, same dtype as the input.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.tile(np.arange(10), (2, 1))              # two sequences 0..9
        >>> kept = reduction.drop_random_steps(x, num_kept=4, seed=0)
        >>> kept.shape, bool((np.diff(kept, axis=1) > 0).all())   # order preserved
        ((2, 4), True)
    """
    array = _check_sequences(sequences)
    steps = array.shape[1]
    num_kept = check_int(
        num_kept, "num_kept", minimum=1, maximum=steps,
        hint=f"The sequences have {steps} steps.",
    )
    generator = check_random_state(seed)
    # The num_kept smallest of T uniform keys per row: a uniform random subset.
    keys = generator.random((array.shape[0], steps))
    chosen = np.sort(np.argpartition(keys, num_kept - 1, axis=1)[:, :num_kept], axis=1)
    return np.take_along_axis(array, chosen.reshape(chosen.shape + (1,) * (array.ndim - 2)), axis=1)


def _crop(array: np.ndarray, starts: np.ndarray, crop_length: int) -> np.ndarray:
    """Gather ``array[sample, start:start + crop_length]`` for each (sample, start) pair."""
    samples = np.repeat(np.arange(array.shape[0]), starts.shape[1])
    offsets = starts.reshape(-1)[:, None] + np.arange(crop_length)[None, :]
    return array[samples[:, None], offsets]


def _check_crop_length(crop_length: Any, steps: int) -> int:
    return check_int(
        crop_length, "crop_length", minimum=1, maximum=steps,
        hint=f"The sequences have {steps} steps; a crop must fit inside them.",
    )


def random_crops(
    sequences: Any,
    *,
    crop_length: int,
    num_crops: int = 1,
    seed: Any = None,
    return_starts: bool = False,
) -> Any:
    """Cut ``num_crops`` random contiguous windows of ``crop_length`` steps per sequence.

    Training on random crops makes each epoch see different parts of every sequence
    (augmentation) while each step costs only ``crop_length`` steps. It works when the
    label can be read from any part; it fails when the signal sits in one short place
    that most crops miss.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        crop_length: steps per crop, between 1 and ``T``.
        num_crops: crops per sequence, >= 1.
        seed: ``None``, an int or a ``numpy.random.Generator``.
        return_starts: also return the start step of each crop.

    Returns:
        An array ``(N * num_crops, crop_length, ...)``, sample-major: rows
        ``[i * num_crops, (i + 1) * num_crops)`` come from sample ``i``, so labels for
        it are ``np.repeat(labels, num_crops)``. With ``return_starts=True``, also
        an int array ``(N, num_crops)`` of start steps (uniform over ``0..T-crop_length``).

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.arange(20).reshape(2, 10)              # sample 1 holds 10..19
        >>> crops, starts = reduction.random_crops(
        ...     x, crop_length=3, num_crops=2, seed=0, return_starts=True)
        >>> crops.shape, starts.shape
        ((4, 3), (2, 2))
        >>> bool((crops[2] == x[1, starts[1, 0]:starts[1, 0] + 3]).all())
        True
    """
    array = _check_sequences(sequences)
    steps = array.shape[1]
    crop_length = _check_crop_length(crop_length, steps)
    num_crops = check_int(num_crops, "num_crops", minimum=1)
    return_starts = check_bool(return_starts, "return_starts")
    generator = check_random_state(seed)
    starts = generator.integers(0, steps - crop_length + 1, size=(array.shape[0], num_crops))
    crops = _crop(array, starts, crop_length)
    return (crops, starts) if return_starts else crops


def evenly_spaced_crops(sequences: Any, *, crop_length: int, num_crops: int) -> np.ndarray:
    """Cut ``num_crops`` windows of ``crop_length`` steps, evenly spaced from start to end.

    The deterministic counterpart of :func:`random_crops` for test time: the first crop
    starts at step 0, the last ends at step ``T``, the others are spread between them
    (they overlap when ``num_crops * crop_length > T``).

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        crop_length: steps per crop, between 1 and ``T``.
        num_crops: crops per sequence, >= 1 (one crop is centred).

    Returns:
        An array ``(N * num_crops, crop_length, ...)``, sample-major like
        :func:`random_crops`.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.arange(10)[None, :]
        >>> reduction.evenly_spaced_crops(x, crop_length=4, num_crops=3)
        array([[0, 1, 2, 3],
               [3, 4, 5, 6],
               [6, 7, 8, 9]])
    """
    array = _check_sequences(sequences)
    steps = array.shape[1]
    crop_length = _check_crop_length(crop_length, steps)
    num_crops = check_int(num_crops, "num_crops", minimum=1)
    starts = _even_starts(steps, crop_length, num_crops)
    return _crop(array, np.tile(starts, (array.shape[0], 1)), crop_length)


def _even_starts(steps: int, crop_length: int, num_crops: int) -> np.ndarray:
    if num_crops == 1:
        return np.array([(steps - crop_length) // 2])
    return np.round(np.linspace(0, steps - crop_length, num_crops)).astype(np.int64)


def predict_over_crops(
    model: Any,
    sequences: Any,
    *,
    crop_length: int,
    num_crops: int = 5,
    placement: str = "even",
    seed: Any = None,
    batch_size: int = 64,
) -> np.ndarray:
    """Predict on several crops of each sequence and average the predictions.

    A model trained on crops sees only part of a test sequence per call; averaging over
    crops that together cover the sequence uses all of it, and smooths out crops that
    miss the signal. Cost: ``num_crops`` forward passes per sample.

    Args:
        model: a Keras model (anything with ``predict``) that takes crops
            ``(batch, crop_length, ...)`` and returns ``(batch, ...)`` predictions.
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        crop_length: the crop length the model was trained on.
        num_crops: crops per sequence.
        placement: ``"even"`` (:func:`evenly_spaced_crops`, deterministic) or
            ``"random"`` (:func:`random_crops` with ``seed``).
        seed: used only with ``placement="random"``.
        batch_size: passed to ``model.predict``.

    Returns:
        An array ``(N, ...)``: the mean of the model's outputs over each sample's
        crops (average probabilities, not labels).

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> class MeanModel:                        # stands in for a Keras model
        ...     def predict(self, x, batch_size=None, verbose=0):
        ...         return x.mean(axis=1, keepdims=True)
        >>> x = np.arange(10, dtype="float32")[None, :]
        >>> reduction.predict_over_crops(MeanModel(), x, crop_length=4, num_crops=3)
        array([[4.5]], dtype=float32)
    """
    if not callable(getattr(model, "predict", None)):
        raise TypeError(
            f"`model` must have a `predict` method (a Keras model). Received: model of type "
            f"{type(model).__name__}. Pass the trained model first, then the sequences."
        )
    array = _check_sequences(sequences)
    placement = check_option(placement, "placement", ("even", "random"))
    crop_length = _check_crop_length(crop_length, array.shape[1])
    num_crops = check_int(num_crops, "num_crops", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if placement == "even":
        crops = evenly_spaced_crops(array, crop_length=crop_length, num_crops=num_crops)
    else:
        crops = random_crops(array, crop_length=crop_length, num_crops=num_crops, seed=seed)
    predictions = np.asarray(model.predict(crops, batch_size=batch_size, verbose=0))
    return predictions.reshape((array.shape[0], num_crops) + predictions.shape[1:]).mean(axis=1)


class RandomCropDataset(keras.utils.PyDataset):
    """Batches of fresh random crops every epoch: random-crop augmentation for ``fit``.

    Each epoch draws one new crop per sequence (start uniform over
    ``0..T-crop_length``) and shuffles the samples, reproducibly from ``seed``.
    Crops for an epoch are drawn in ``on_epoch_end``, so batches do not depend on
    the order Keras asks for them.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        labels: an array ``(N, ...)``, one label per sequence.
        crop_length: steps per crop, between 1 and ``T``.
        batch_size: samples per batch (the last batch may be smaller).
        seed: ``None``, an int or a ``numpy.random.Generator``.
        shuffle: shuffle sample order every epoch.
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
    """

    def __init__(
        self,
        sequences: Any,
        labels: Any,
        *,
        crop_length: int,
        batch_size: int = 32,
        seed: Any = None,
        shuffle: bool = True,
        **kwargs: Any,
    ) -> None:
        array = _check_sequences(sequences)
        labels = check_array(labels, "labels", allow_nan=True)
        check_same_length("sequences", array, "labels", labels)
        self.crop_length = _check_crop_length(crop_length, array.shape[1])
        self.batch_size = check_int(batch_size, "batch_size", minimum=1)
        self.shuffle = check_bool(shuffle, "shuffle")
        self._generator = check_random_state(seed)
        super().__init__(**kwargs)
        self._sequences = array
        self._labels = labels
        self.on_epoch_end()

    def __len__(self) -> int:
        return math.ceil(self._sequences.shape[0] / self.batch_size)

    def on_epoch_end(self) -> None:
        count, steps = self._sequences.shape[:2]
        self._order = (
            self._generator.permutation(count) if self.shuffle else np.arange(count)
        )
        self._starts = self._generator.integers(0, steps - self.crop_length + 1, size=count)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        if not 0 <= index < len(self):
            raise IndexError(f"Batch index {index} out of range for {len(self)} batches.")
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        crops = _crop(self._sequences[rows], self._starts[rows][:, None], self.crop_length)
        return crops, self._labels[rows]



# ------------------------------------------------------------------------ rearrange
def to_parallel_subsequences(
    sequences: Any, *, num_subsequences: int, layout: str = "contiguous"
) -> np.ndarray:
    """Cut each sequence into ``num_subsequences`` pieces read side by side as features.

    ``(N, T, C)`` becomes ``(N, T // k, k * C)``: the LSTM takes ``k`` times fewer
    steps and sees every value. With ``layout="contiguous"`` piece ``i`` is steps
    ``[i * T/k, (i+1) * T/k)``, so each step of the new sequence looks at ``k``
    distant places at once (a long dependency becomes a short one, but neighbours in
    time end up in different channels at each boundary). With ``"interleaved"`` step
    ``j`` holds the ``k`` consecutive steps ``[j*k, (j+1)*k)`` (a lossless "fold").

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``; ``T`` must be a multiple of
            ``num_subsequences`` (truncate first with :func:`truncate_sequences`).
        num_subsequences: ``k``, between 1 and ``T``.
        layout: ``"contiguous"`` or ``"interleaved"``.

    Returns:
        An array ``(N, T // k, k * C)`` (``C = 1`` for 2-D input); feature
        ``i * C + c`` is channel ``c`` of piece ``i``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.arange(6)[None, :]            # steps 0..5
        >>> reduction.to_parallel_subsequences(x, num_subsequences=2)[0]
        array([[0, 3],
               [1, 4],
               [2, 5]])
        >>> reduction.to_parallel_subsequences(x, num_subsequences=2, layout="interleaved")[0]
        array([[0, 1],
               [2, 3],
               [4, 5]])
    """
    array = _check_sequences(sequences)
    layout = check_option(layout, "layout", ("contiguous", "interleaved"))
    if array.ndim == 2:
        array = array[:, :, None]
    count, steps, channels = array.shape
    num_subsequences = check_int(num_subsequences, "num_subsequences", minimum=1, maximum=steps)
    if steps % num_subsequences:
        usable = steps - steps % num_subsequences
        raise ValueError(
            f"`num_subsequences` must divide the number of steps. Received: "
            f"num_subsequences={num_subsequences} for sequences of {steps} steps. Truncate "
            f"to {usable} steps first, e.g. `truncate_sequences(x, length={usable})`, or "
            f"pick a divisor of {steps}."
        )
    piece = steps // num_subsequences
    if layout == "interleaved":
        return array.reshape(count, piece, num_subsequences * channels).copy()
    pieces = array.reshape(count, num_subsequences, piece, channels).transpose(0, 2, 1, 3)
    result = pieces.reshape(count, piece, num_subsequences * channels)
    # The reshape is a view for some strides: copy so callers never alias their input.
    return result.copy() if np.may_share_memory(result, array) else result


# -------------------------------------------------------------------------- project
def _check_projection(sequences: Any, num_steps: Any) -> tuple[np.ndarray, int]:
    array = _check_sequences(sequences)
    num_steps = check_int(
        num_steps, "num_steps", minimum=1, maximum=array.shape[1],
        hint=f"The sequences have {array.shape[1]} steps; a projection shortens them.",
    )
    return array, num_steps


def hash_steps(
    sequences: Any, *, num_steps: int, seed: int = 0, use_sign: bool = True
) -> np.ndarray:
    """Add each step into one of ``num_steps`` buckets chosen by a seeded hash.

    The "hashing trick" over time (a count sketch): output step ``b`` is the sum of
    ``sign(t) * x[t]`` over the input steps ``t`` hashed to ``b``. Cost is one pass,
    memory ``O(T)``. Order is lost and unrelated steps collide, so an LSTM on the
    result can only use what survives summing; it suits order-free signals (which
    values occur, how much energy) better than shapes. Use the same ``seed`` for
    training and test data, or the buckets differ.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        num_steps: the number of buckets (output length), between 1 and ``T``.
        seed: an int >= 0 fixing the bucket and sign of each step.
        use_sign: multiply by a random ``+1/-1`` per step so collisions cancel on
            average (unbiased inner products); ``False`` just sums.

    Returns:
        A float array ``(N, num_steps)`` or ``(N, num_steps, C)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.ones((1, 12), dtype="float32")
        >>> hashed = reduction.hash_steps(x, num_steps=4, use_sign=False)
        >>> hashed.shape, float(hashed.sum())     # every step lands in one bucket
        ((1, 4), 12.0)
    """
    array, num_steps = _check_projection(sequences, num_steps)
    seed = check_int(seed, "seed", minimum=0)
    use_sign = check_bool(use_sign, "use_sign")
    generator = np.random.default_rng(seed)
    steps = array.shape[1]
    buckets = generator.integers(0, num_steps, size=steps)
    signs = generator.choice(np.array([-1.0, 1.0]), size=steps) if use_sign else np.ones(steps)
    dtype = _float_dtype(array)
    weighted = array.astype(dtype) * signs.reshape((1, steps) + (1,) * (array.ndim - 2)).astype(dtype)
    result = np.zeros((array.shape[0], num_steps) + array.shape[2:], dtype=dtype)
    np.add.at(result, (slice(None), buckets), weighted)
    return result


def random_projection(sequences: Any, *, num_steps: int, seed: int = 0) -> np.ndarray:
    """Project the time axis onto ``num_steps`` random Gaussian directions.

    Output step ``s`` is ``sum_t x[t] * R[t, s]`` with ``R`` drawn from
    ``N(0, 1 / num_steps)`` (Johnson-Lindenstrauss: distances between whole sequences
    are roughly kept). Every output step mixes every input step, so order and locality
    are lost: fine for a linear model or nearest neighbours, poor input for an LSTM.
    Memory ``O(T * num_steps)`` for ``R``. Use the same ``seed`` for train and test.

    Args:
        sequences: an array ``(N, T)`` or ``(N, T, C)``.
        num_steps: the output length, between 1 and ``T``.
        seed: an int >= 0 fixing ``R``.

    Returns:
        A float array ``(N, num_steps)`` or ``(N, num_steps, C)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import reduction
        >>> x = np.random.default_rng(0).normal(size=(2, 1000)).astype("float32")
        >>> projected = reduction.random_projection(x, num_steps=200)
        >>> projected.shape, projected.dtype
        ((2, 200), dtype('float32'))
        >>> ratio = np.linalg.norm(projected[0]) / np.linalg.norm(x[0])   # about 1
        >>> bool(0.8 < ratio < 1.2)
        True
    """
    array, num_steps = _check_projection(sequences, num_steps)
    seed = check_int(seed, "seed", minimum=0)
    dtype = _float_dtype(array)
    matrix = np.random.default_rng(seed).normal(
        0.0, 1.0 / np.sqrt(num_steps), size=(array.shape[1], num_steps)
    ).astype(dtype)
    result = np.tensordot(array.astype(dtype), matrix, axes=([1], [0]))  # (N, ..., num_steps)
    return np.moveaxis(result, -1, 1) if array.ndim == 3 else result
