"""lstmkit.reduction.folding: parallel subsequences, hashing and random projection of steps."""

import numpy as np
import pytest

from lstmkit import reduction


def _sequences(count=3, steps=12, channels=2, seed=0):
    return np.random.default_rng(seed).normal(size=(count, steps, channels)).astype("float32")


def test_parallel_subsequences_layouts_exact():
    x = np.arange(12).reshape(1, 6, 2)  # step t holds [2t, 2t + 1]
    contiguous = reduction.to_parallel_subsequences(x, num_subsequences=2)
    assert contiguous.shape == (1, 3, 4)
    assert contiguous[0, 0].tolist() == [0, 1, 6, 7]  # step 0 and step 3
    interleaved = reduction.to_parallel_subsequences(x, num_subsequences=3, layout="interleaved")
    assert interleaved.shape == (1, 2, 6)
    assert interleaved[0, 1].tolist() == [6, 7, 8, 9, 10, 11]  # steps 3, 4, 5


def test_parallel_subsequences_keep_every_value_and_errors():
    x = _sequences(steps=12, channels=3)
    result = reduction.to_parallel_subsequences(x, num_subsequences=4)
    np.testing.assert_array_equal(np.sort(result.ravel()), np.sort(x.ravel()))
    with pytest.raises(
        ValueError,
        match=r"`num_subsequences` must divide .* Received: num_subsequences=5 for sequences "
        r"of 12 steps. Truncate to 10 steps",
    ):
        reduction.to_parallel_subsequences(x, num_subsequences=5)
    with pytest.raises(ValueError, match=r"`layout` must be one of 'contiguous', 'interleaved'"):
        reduction.to_parallel_subsequences(x, num_subsequences=2, layout="zigzag")


def test_hash_steps_exact_and_seeded():
    x = np.arange(1, 9, dtype="float32")[None, :]
    unsigned = reduction.hash_steps(x, num_steps=3, seed=5, use_sign=False)
    assert unsigned.shape == (1, 3) and unsigned.sum() == x.sum()
    signed = reduction.hash_steps(x, num_steps=3, seed=5)
    np.testing.assert_array_equal(signed, reduction.hash_steps(x, num_steps=3, seed=5))
    buckets = np.random.default_rng(5).integers(0, 3, size=8)
    np.testing.assert_array_equal(unsigned[0], np.bincount(buckets, weights=x[0], minlength=3))
    three_d = reduction.hash_steps(np.stack([x, 2 * x], axis=-1), num_steps=3, seed=5)
    np.testing.assert_allclose(three_d[..., 1], 2 * signed)


def test_random_projection_is_linear_seeded_and_3d():
    x = _sequences(steps=40, channels=2)
    projected = reduction.random_projection(x, num_steps=10, seed=1)
    assert projected.shape == (3, 10, 2) and projected.dtype == np.float32
    matrix = np.random.default_rng(1).normal(0, 1 / np.sqrt(10), size=(40, 10)).astype("float32")
    np.testing.assert_allclose(projected[0, :, 1], x[0, :, 1] @ matrix, rtol=1e-5)
    np.testing.assert_array_equal(projected, reduction.random_projection(x, num_steps=10, seed=1))
    with pytest.raises(
        ValueError, match=r"`num_steps` must be an integer between 1 and 40. Received: num_steps=41"
    ):
        reduction.random_projection(x, num_steps=41)
    with pytest.raises(ValueError, match=r"`seed` must be an integer >= 0. Received: seed=-1"):
        reduction.hash_steps(x, num_steps=2, seed=-1)


def test_random_projection_checks_the_allocation_first(monkeypatch):
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(10**5))
    x = np.zeros((1, 1000), dtype="float32")
    with pytest.raises(ValueError, match="`num_steps`"):
        reduction.random_projection(x, num_steps=500)  # a 1000 x 500 matrix: 2 MB
