"""Where each chunk of a sequence starts and stops in truncated BPTT."""

from __future__ import annotations

from lstmkit._validation import check_allocation, check_int

__all__ = ["chunk_bounds"]


def chunk_bounds(sequence_length: int, *, chunk_length: int) -> list[tuple[int, int]]:
    """Return the ``(start, stop)`` steps of each chunk of a sequence, in reading order.

    Use it to see which steps land in which chunk. Chunks start at step 0 and each
    holds ``chunk_length`` steps; when the length does not divide, the *last* chunk
    holds the remainder (``sequence_length % chunk_length`` steps).

    Args:
        sequence_length: steps per sequence, >= 1.
        chunk_length: steps per chunk, between 1 and ``sequence_length``.

    Returns:
        A list of ``ceil(sequence_length / chunk_length)`` pairs; chunk ``j`` covers
        ``range(start, stop)``.

    Example:
        >>> from lstmkit import tbptt
        >>> tbptt.chunk_bounds(10, chunk_length=4)
        [(0, 4), (4, 8), (8, 10)]
        >>> bounds = tbptt.chunk_bounds(50_000, chunk_length=100)
        >>> len(bounds), bounds[0], bounds[-1]
        (500, (0, 100), (49900, 50000))
    """
    sequence_length = check_int(sequence_length, "sequence_length", minimum=1)
    chunk_length = check_int(
        chunk_length, "chunk_length", minimum=1, maximum=sequence_length,
        hint=f"A chunk cannot be longer than the sequence of {sequence_length} steps.",
    )
    num_chunks = -(-sequence_length // chunk_length)
    # A list of Python tuples costs about 100 bytes per chunk.
    check_allocation(num_chunks, 100, name="chunk_length", value=chunk_length,
                     hint="Use longer chunks: a chunk of a few hundred steps is typical.")
    return [
        (start, min(start + chunk_length, sequence_length))
        for start in range(0, sequence_length, chunk_length)
    ]
