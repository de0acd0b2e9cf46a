"""Tests for lstmkit.datasets.motif: the DNA motif task."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmkit.datasets as datasets
from lstmkit.datasets import make_motif_task


# ----------------------------------------------------------------------------- motif
@settings(max_examples=25, deadline=None)
@given(
    sequence_length=st.integers(8, 400),
    motif=st.text(alphabet="ACGT", min_size=1, max_size=8),
    data=st.data(),
)
def test_motif_sits_where_the_parameters_say_and_nowhere_else(sequence_length, motif, data):
    distance = data.draw(st.integers(0, sequence_length - len(motif)))
    x, y, starts = make_motif_task(
        12, sequence_length, distance_from_end=distance, motif=motif, seed=1
    )
    assert x.shape == (12, sequence_length) and y.sum() == 6
    expected_start = sequence_length - distance - len(motif)
    assert (starts[y == 1] == expected_start).all() and (starts[y == 0] == -1).all()
    text = ["".join(datasets.DNA_ALPHABET[c] for c in row) for row in x]
    for row, label in zip(text, y, strict=True):
        found = [i for i in range(sequence_length - len(motif) + 1) if row.startswith(motif, i)]
        assert found == ([expected_start] if label else [])


def test_motif_task_one_hot_and_seed():
    x, y, starts = make_motif_task(10, 100, distance_from_end=30, encoding="one_hot", seed=5)
    assert x.shape == (10, 100, 4) and x.dtype == np.float32 and (x.sum(axis=2) == 1).all()
    codes, y_codes, _ = make_motif_task(10, 100, distance_from_end=30, seed=5)
    np.testing.assert_array_equal(x.argmax(axis=2), codes)
    np.testing.assert_array_equal(y, y_codes)
    assert codes.dtype == np.int32 and y.dtype == starts.dtype == np.int32


def test_motif_task_rejects_bad_arguments():
    with pytest.raises(
        ValueError,
        match=r"`distance_from_end` \+ len\(`motif`\) must be <= "
              r"`sequence_length`.*distance_from_end=95, motif of length 6, "
              r"sequence_length=100\. Use a longer sequence_length",
    ):
        make_motif_task(10, 100, distance_from_end=95)
    with pytest.raises(
        ValueError,
        match=r"`motif` must be a non-empty string of the letters A, C, G, T\. Received: "
              r"motif='TAXA'",
    ):
        make_motif_task(10, 100, distance_from_end=5, motif="TAXA")
    with pytest.raises(
        ValueError,
        match=r"`num_samples` must be an integer >= 2\. Received: num_samples=1",
    ):
        make_motif_task(1, 100, distance_from_end=5)
    with pytest.raises(TypeError, match="distance_from_end"):
        make_motif_task(10, 100)


def test_motif_task_checks_the_size_before_allocating(monkeypatch):
    # Regression: a huge request used to fail inside NumPy (MemoryError) or swap.
    with pytest.raises(ValueError, match="`num_samples`") as caught:
        make_motif_task(10**6, 10**6, distance_from_end=10)
    assert "Received: num_samples=1000000" in str(caught.value)
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(10**6))
    make_motif_task(1000, 100, distance_from_end=10)  # 600 kB with integer codes
    with pytest.raises(ValueError, match="`num_samples`"):
        make_motif_task(1000, 100, distance_from_end=10, encoding="one_hot")  # 2.2 MB
