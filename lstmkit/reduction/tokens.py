"""Shorten text by token frequency: drop the most frequent tokens or the rarest ones."""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import check_array, check_int, check_sequences, is_ragged

__all__ = ["drop_frequent_tokens", "keep_top_vocabulary", "rank_tokens"]


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
    if is_ragged(sequences):
        arrays = check_sequences(sequences, ragged=True, integer=True, allow_empty_items=True)
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
    return check_sequences(array, integer=True)


def _filter_tokens(sequences: Any, token_ids: np.ndarray, padding_id: int, *, keep: bool) -> Any:
    """Keep only (``keep=True``) or drop (``keep=False``) ``token_ids``, order preserved.

    Padding is always removed; arrays come back right-padded with ``padding_id``.
    """
    if is_ragged(sequences):
        arrays = check_sequences(sequences, ragged=True, integer=True, allow_empty_items=True)
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
