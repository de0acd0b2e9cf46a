"""Tests for lstmkit.tbptt.chunks: where each chunk starts and stops."""

import numpy as np
import pytest

from lstmkit import tbptt


@pytest.mark.parametrize(
    ("length", "chunk", "expected"),
    [
        (10, 5, [(0, 5), (5, 10)]),
        (10, 4, [(0, 4), (4, 8), (8, 10)]),
        (7, 7, [(0, 7)]),
        (3, 1, [(0, 1), (1, 2), (2, 3)]),
    ],
)
def test_chunk_bounds(length, chunk, expected):
    assert tbptt.chunk_bounds(length, chunk_length=chunk) == expected


def test_chunk_bounds_cover_every_step_once():
    bounds = tbptt.chunk_bounds(50_000, chunk_length=100)
    steps = np.concatenate([np.arange(start, stop) for start, stop in bounds])
    np.testing.assert_array_equal(steps, np.arange(50_000))
    assert bounds[0] == (0, 100) and bounds[-1] == (49_900, 50_000)


def test_chunk_bounds_rejects_a_chunk_longer_than_the_sequence():
    with pytest.raises(
        ValueError,
        match=(
            r"`chunk_length` must be an integer between 1 and 10\. Received: chunk_length=11"
        ),
    ):
        tbptt.chunk_bounds(10, chunk_length=11)
    with pytest.raises(TypeError, match="`chunk_length` must be an integer"):
        tbptt.chunk_bounds(10, chunk_length=2.5)

