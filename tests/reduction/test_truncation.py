"""lstmkit.reduction.truncation: keep the start, the end or the centre."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit import reduction


def _sequences(count=3, steps=12, channels=2, seed=0):
    return np.random.default_rng(seed).normal(size=(count, steps, channels)).astype("float32")


@pytest.mark.parametrize(
    ("keep", "expected"),
    [("start", [0, 1, 2, 3]), ("end", [6, 7, 8, 9]), ("center", [3, 4, 5, 6])],
)
def test_truncate_keeps_the_expected_indices(keep, expected):
    steps = np.tile(np.arange(10), (2, 1))[:, :, None]
    result = reduction.truncate_sequences(steps, length=4, keep=keep)
    assert result.shape == (2, 4, 1)
    assert result[1, :, 0].tolist() == expected


def test_truncate_centre_of_odd_remainder_rounds_down():
    result = reduction.truncate_sequences(np.arange(9)[None, :], length=4, keep="center")
    assert result.tolist() == [[2, 3, 4, 5]]


def test_truncate_returns_a_copy_and_leaves_input_alone():
    x = _sequences()
    before = x.copy()
    result = reduction.truncate_sequences(x, length=12, keep="end")
    result[:] = 0
    np.testing.assert_array_equal(x, before)


def test_truncate_list_of_variable_lengths():
    sequences = [np.arange(6), np.arange(2), np.arange(10).reshape(5, 2)]
    result = reduction.truncate_sequences(sequences, length=3, keep="start")
    assert [r.tolist() for r in result[:2]] == [[0, 1, 2], [0, 1]]
    assert result[2].shape == (3, 2)
    result[1][0] = 99
    assert sequences[1][0] == 0


def test_truncate_errors():
    x = _sequences(steps=10)
    with pytest.raises(
        ValueError,
        match=r"`length` must be at most .* Received: length=20 for sequences of 10 steps",
    ):
        reduction.truncate_sequences(x, length=20)
    with pytest.raises(
        ValueError, match=r"`keep` must be one of 'start', 'end', 'center'. Received: keep='middle'"
    ):
        reduction.truncate_sequences(x, length=2, keep="middle")
    with pytest.raises(ValueError, match=r"`length` must be an integer >= 1. Received: length=0"):
        reduction.truncate_sequences(x, length=0)
    with pytest.raises(TypeError, match=r"`length` must be an integer"):
        reduction.truncate_sequences(x, length=2.5)
    with pytest.raises(ValueError, match=r"`sequences` must be a 2-D or 3-D array"):
        reduction.truncate_sequences(np.zeros(5), length=2)
    with pytest.raises(ValueError, match=r"`sequences` must hold at least one sequence"):
        reduction.truncate_sequences([], length=2)


@settings(max_examples=40, deadline=None)
@given(
    steps=st.integers(1, 40),
    length=st.integers(1, 40),
    keep=st.sampled_from(["start", "end", "center"]),
)
def test_truncate_span_is_contiguous_and_inside(steps, length, keep):
    x = np.arange(steps)[None, :]
    if length > steps:
        with pytest.raises(ValueError):
            reduction.truncate_sequences(x, length=length, keep=keep)
        return
    kept = reduction.truncate_sequences(x, length=length, keep=keep)[0]
    assert kept.size == length
    assert (np.diff(kept) == 1).all()
    if keep == "start":
        assert kept[0] == 0
    elif keep == "end":
        assert kept[-1] == steps - 1
    else:
        assert abs(kept[0] - (steps - 1 - kept[-1])) <= 1
