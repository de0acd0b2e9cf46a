"""Tests for lstmkit.datasets.synthetic: adding problem, copy memory and EEG-like bursts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit.datasets import make_adding_problem, make_copy_memory, make_eeg_bursts


# ----------------------------------------------------------------------------- adding
def test_adding_problem_shapes_targets_and_seed():
    x, y = make_adding_problem(50, 200, seed=3)
    assert x.shape == (50, 200, 2) and y.shape == (50,) and x.dtype == y.dtype == np.float32
    assert (x[..., 1].sum(axis=1) == 2).all()
    np.testing.assert_allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1), rtol=1e-6)
    x_again, y_again = make_adding_problem(50, 200, seed=3)
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(make_adding_problem(50, 200, seed=4)[0], x)


@settings(max_examples=30, deadline=None)
@given(
    sequence_length=st.integers(2, 300),
    data=st.data(),
)
def test_adding_markers_sit_in_their_ranges(sequence_length, data):
    first_before = data.draw(st.integers(1, sequence_length - 1))
    second_after = data.draw(st.integers(first_before, sequence_length - 1))
    x, y = make_adding_problem(
        20,
        sequence_length,
        first_marker_before=first_before,
        second_marker_after=second_after,
        seed=0,
    )
    marked = np.argwhere(x[..., 1] == 1)[:, 1].reshape(20, 2)
    assert (marked[:, 0] < first_before).all()
    assert (marked[:, 1] >= second_after).all()
    np.testing.assert_allclose(y, x[np.arange(20)[:, None], marked, 0].sum(axis=1), rtol=1e-6)


def test_adding_problem_rejects_bad_arguments():
    with pytest.raises(
        ValueError,
        match=r"`sequence_length` must be an integer >= 2\. Received: sequence_length=1\. The "
              r"task needs room",
    ):
        make_adding_problem(4, 1)
    with pytest.raises(
        ValueError,
        match=r"`first_marker_before` must be an integer between 1 and 99\. Received: "
              r"first_marker_before=100",
    ):
        make_adding_problem(4, 100, first_marker_before=100)
    with pytest.raises(
        ValueError,
        match=r"`second_marker_after` must be >= "
              r"`first_marker_before`.*first_marker_before=60, second_marker_after=50",
    ):
        make_adding_problem(4, 100, first_marker_before=60, second_marker_after=50)
    with pytest.raises(
        TypeError,
        match=r"`num_samples` must be an integer\. Received: num_samples=2\.5",
    ):
        make_adding_problem(2.5, 100)
    with pytest.raises(ValueError, match=r"`seed` must be None, a non-negative integer"):
        make_adding_problem(4, 100, seed=-1)


# ----------------------------------------------------------------------------- copy memory
def test_copy_memory_layout():
    inputs, targets = make_copy_memory(30, 50, num_symbols=8, copy_length=10, seed=0)
    assert inputs.shape == targets.shape == (30, 70) and inputs.dtype == targets.dtype == np.int32
    assert ((inputs[:, :10] >= 1) & (inputs[:, :10] <= 8)).all()
    assert (inputs[:, 10 + 50 - 1] == 9).all()
    assert (np.delete(inputs, list(range(10)) + [59], axis=1) == 0).all()
    np.testing.assert_array_equal(targets[:, -10:], inputs[:, :10])
    assert (targets[:, :-10] == 0).all()
    np.testing.assert_array_equal(
        make_copy_memory(30, 50, seed=0)[0], make_copy_memory(30, 50, seed=0)[0]
    )


def test_copy_memory_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"`delay` must be an integer >= 1\. Received: delay=0"):
        make_copy_memory(4, 0)
    with pytest.raises(
        ValueError,
        match=r"`copy_length` must be an integer >= 1\. Received: copy_length=0",
    ):
        make_copy_memory(4, 10, copy_length=0)


# ----------------------------------------------------------------------------- EEG bursts
def test_eeg_bursts_labels_mask_and_signal():
    x, y, mask = make_eeg_bursts(
        40, 600, positive_fraction=0.25, burst_length=80, frequency=0.1, noise=0.0, seed=2
    )
    assert x.shape == (40, 600, 1) and x.dtype == np.float32
    assert y.sum() == 10 and mask.dtype == y.dtype == np.int32
    np.testing.assert_array_equal(mask.sum(axis=1), 80 * y)
    # With no noise the trace is exactly the burst: non-zero only under the mask.
    assert (x[..., 0][mask == 0] == 0).all()
    assert np.abs(x[..., 0][mask == 1]).max() > 0.5
    # Each burst is one contiguous run.
    runs = np.diff(np.pad(mask, ((0, 0), (1, 1))), axis=1)
    assert ((runs == 1).sum(axis=1) == y).all()
    # The dominant frequency of a burst is the requested one.
    row = int(np.flatnonzero(y)[0])
    burst = x[row, mask[row] == 1, 0]
    spectrum = np.abs(np.fft.rfft(burst, n=1000))
    assert abs(np.fft.rfftfreq(1000)[spectrum.argmax()] - 0.1) < 0.01


def test_eeg_background_is_scaled_noise_and_seeded():
    x, y, _ = make_eeg_bursts(20, 1000, positive_fraction=0.0, noise=2.0, seed=0)
    assert y.sum() == 0
    np.testing.assert_allclose(x[..., 0].std(axis=1), 2.0, rtol=1e-4)
    # 1/f: more power in the lowest tenth of frequencies than in the highest tenth.
    power = np.abs(np.fft.rfft(x[..., 0], axis=1)) ** 2
    assert power[:, 1:50].mean() > 10 * power[:, -50:].mean()
    again, _, _ = make_eeg_bursts(20, 1000, positive_fraction=0.0, noise=2.0, seed=0)
    np.testing.assert_array_equal(x, again)


def test_eeg_bursts_reject_bad_arguments():
    with pytest.raises(
        ValueError,
        match=r"`burst_length` must be an integer between 1 and 100\. Received: "
              r"burst_length=200\. A burst must fit",
    ):
        make_eeg_bursts(4, 100, burst_length=200)
    with pytest.raises(
        ValueError,
        match=r"`frequency` must be a finite number > 0.0 and <= 0.5\. Received: "
              r"frequency=0.7\. .*Nyquist",
    ):
        make_eeg_bursts(4, 100, burst_length=10, frequency=0.7)
    with pytest.raises(
        ValueError,
        match=r"`positive_fraction` must be a finite number >= 0.0 and <= 1.0\. Received: "
              r"positive_fraction=1.5",
    ):
        make_eeg_bursts(4, 100, burst_length=10, positive_fraction=1.5)
    with pytest.raises(
        ValueError,
        match=r"`noise` must be a finite number >= 0.0\. Received: noise=-1.0",
    ):
        make_eeg_bursts(4, 100, burst_length=10, noise=-1.0)


# ----------------------------------------------------------------------------- sizes
@pytest.mark.parametrize(
    ("make", "args"),
    [
        (make_adding_problem, (10**6, 10**6)),
        (make_copy_memory, (10**6, 10**6)),
        (make_eeg_bursts, (10**6, 10**6)),
    ],
    ids=["adding", "copy_memory", "eeg_bursts"],
)
def test_sizes_are_checked_before_allocating(make, args):
    # Regression: a huge request used to fail inside NumPy (MemoryError) or swap.
    with pytest.raises(ValueError, match="`num_samples`") as caught:
        make(*args, seed=0)
    assert "Received: num_samples=1000000" in str(caught.value)


def test_the_size_check_follows_the_memory_limit(monkeypatch):
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(10**6))
    with pytest.raises(ValueError, match="`num_samples`"):
        make_adding_problem(1000, 1000, seed=0)
    with pytest.raises(ValueError, match="`num_samples`.*delay=100000"):
        make_copy_memory(10, 100_000, seed=0)
    x, _ = make_adding_problem(10, 100, seed=0)
    assert x.shape == (10, 100, 2)
