"""Fold or project the time axis: fewer steps with more features, or a random mix.

* :func:`to_parallel_subsequences` cuts a sequence into pieces read side by side as
  features: ``k`` times fewer steps, nothing dropped.
* :func:`hash_steps` and :func:`random_projection` mix all steps into fewer by a fixed
  random map: energy is kept, order is lost.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import (
    check_allocation,
    check_bool,
    check_int,
    check_option,
    check_sequences,
)
from lstmkit.reduction._common import float_dtype

__all__ = ["hash_steps", "random_projection", "to_parallel_subsequences"]


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
    array = check_sequences(sequences)
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


def _check_projection(sequences: Any, num_steps: Any) -> tuple[np.ndarray, int]:
    array = check_sequences(sequences)
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
    dtype = float_dtype(array)
    signs = signs.reshape((1, steps) + (1,) * (array.ndim - 2)).astype(dtype)
    weighted = array.astype(dtype) * signs
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
    dtype = float_dtype(array)
    check_allocation(
        array.shape[1] * num_steps, dtype.itemsize, name="num_steps", value=num_steps,
        hint="The random matrix is (steps, num_steps); use `hash_steps` for long sequences.",
    )
    matrix = np.random.default_rng(seed).normal(
        0.0, 1.0 / np.sqrt(num_steps), size=(array.shape[1], num_steps)
    ).astype(dtype)
    result = np.tensordot(array.astype(dtype), matrix, axes=([1], [0]))  # (N, ..., num_steps)
    return np.moveaxis(result, -1, 1) if array.ndim == 3 else result
