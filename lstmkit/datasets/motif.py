"""A seeded DNA task: find a motif planted a chosen distance before the end.

The distance is an argument, so it measures how far back a model can remember.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import (
    check_allocation,
    check_int,
    check_option,
    check_random_state,
    received,
)
from lstmkit.datasets.dna import _DNA_CODES

__all__ = ["make_motif_task"]

def make_motif_task(
    num_samples: int,
    sequence_length: int,
    *,
    distance_from_end: int,
    motif: str = "TATAAT",
    encoding: str = "integer",
    seed: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Make a DNA task: does the sequence hold a motif, planted far from the end?

    Random DNA (A, C, G, T uniform); exactly half the sequences (``num_samples // 2``,
    in random order) are positives with ``motif`` planted so that it ends
    ``distance_from_end`` steps before the end: at steps
    ``[sequence_length - distance_from_end - len(motif), sequence_length - distance_from_end)``.
    Chance occurrences are removed, so the motif appears nowhere in negatives and only
    at the planted place in positives: the label depends on those steps alone, and a
    model reading left to right must remember them for ``distance_from_end`` steps.

    Args:
        num_samples: number of sequences, at least 2 (one of each class).
        sequence_length: bases per sequence.
        distance_from_end: steps between the motif's last base and the end (0 puts it
            at the very end).
        motif: the motif, letters A, C, G, T (case-insensitive).
        encoding: ``"integer"`` gives int32 codes 0-3 (A, C, G, T) of shape
            ``(num_samples, sequence_length)``; ``"one_hot"`` gives float32 of shape
            ``(num_samples, sequence_length, 4)``.
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        ``(x, y, motif_starts)``: ``x`` as above, ``y`` int32 of shape ``(num_samples,)``
        (1 = has the motif), ``motif_starts`` int32 of shape ``(num_samples,)``, the step
        where the motif starts, -1 for negatives.

    Example:
        >>> x, y, starts = make_motif_task(6, 50, distance_from_end=10, motif="GATTACA", seed=0)
        >>> x.shape, int(y.sum()), sorted(set(starts.tolist()))
        ((6, 50), 3, [-1, 33])
        >>> from lstmkit.datasets import DNA_ALPHABET
        >>> row = int(np.flatnonzero(y)[0])
        >>> "".join(DNA_ALPHABET[code] for code in x[row, 33:40])
        'GATTACA'
    """
    num_samples = check_int(
        num_samples, "num_samples", minimum=2, hint="The task needs one sequence of each class."
    )
    sequence_length = check_int(sequence_length, "sequence_length", minimum=1)
    distance_from_end = check_int(distance_from_end, "distance_from_end", minimum=0)
    if not isinstance(motif, str):
        raise TypeError(f"`motif` must be a string of A, C, G, T. {received(motif=motif)}")
    motif_upper = motif.upper()
    if not motif_upper or set(motif_upper) - set("ACGT"):
        raise ValueError(
            f"`motif` must be a non-empty string of the letters A, C, G, T. "
            f"{received(motif=motif)} Use for example motif='TATAAT'."
        )
    check_option(encoding, "encoding", ("integer", "one_hot"))
    motif_length = len(motif_upper)
    if distance_from_end + motif_length > sequence_length:
        raise ValueError(
            "`distance_from_end` + len(`motif`) must be <= `sequence_length` so the motif "
            f"fits. Received: distance_from_end={distance_from_end}, motif of length "
            f"{motif_length}, sequence_length={sequence_length}. Use a longer "
            "sequence_length or a smaller distance_from_end."
        )
    # Per base: the int32 codes, the boolean match masks and the float32 one-hot result.
    bytes_per_base = 4 + 2 + (16 if encoding == "one_hot" else 0)
    check_allocation(
        num_samples * sequence_length, bytes_per_base, name="num_samples", value=num_samples,
        hint=f"That is {num_samples:,} sequences of {sequence_length:,} bases. Use a smaller "
        "num_samples or sequence_length, encoding='integer', or several smaller calls.",
    )
    rng = check_random_state(seed)
    letters = np.frombuffer(motif_upper.encode("ascii"), dtype=np.uint8)
    pattern = _DNA_CODES[letters].astype(np.int32)
    codes = rng.integers(0, 4, size=(num_samples, sequence_length), dtype=np.int32)
    labels = np.zeros(num_samples, dtype=np.int32)
    positives = np.sort(rng.permutation(num_samples)[: num_samples // 2])
    labels[positives] = 1
    start = sequence_length - distance_from_end - motif_length
    starts = np.where(labels == 1, start, -1).astype(np.int32)
    codes[positives[:, None], start + np.arange(motif_length)] = pattern
    num_places = sequence_length - motif_length + 1
    for _ in range(1000):  # repair rounds, each vectorized; a handful suffice in practice
        hits = np.ones((num_samples, num_places), dtype=bool)
        for offset in range(motif_length):
            hits &= codes[:, offset:offset + num_places] == pattern[offset]
        hits[positives, start] = False
        if not hits.any():
            break
        rows, places = np.nonzero(hits)
        planted = starts[rows]
        # Change a base of the stray occurrence that lies outside the planted motif.
        changed = np.where((planted >= 0) & (places < planted), places, places + motif_length - 1)
        shift = rng.integers(1, 4, size=len(rows), dtype=np.int32)
        codes[rows, changed] = (codes[rows, changed] + shift) % 4
    else:  # pragma: no cover - never seen; guards against an endless loop
        raise RuntimeError(f"Could not remove chance occurrences of motif {motif!r}.")
    x = np.eye(4, dtype=np.float32)[codes] if encoding == "one_hot" else codes
    return x, labels, starts
