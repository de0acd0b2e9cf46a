"""lstmkit.reduction.sampling: random steps, random and evenly spaced crops, crop predictions."""

import numpy as np
import pytest

from lstmkit import reduction


def test_drop_random_steps_keeps_ordered_distinct_steps_seeded():
    x = np.tile(np.arange(50), (4, 1))[:, :, None] * np.array([1, -1])
    first = reduction.drop_random_steps(x, num_kept=10, seed=3)
    assert first.shape == (4, 10, 2)
    assert (np.diff(first[..., 0], axis=1) > 0).all()
    np.testing.assert_array_equal(first[..., 1], -first[..., 0])  # channels stay together
    np.testing.assert_array_equal(first, reduction.drop_random_steps(x, num_kept=10, seed=3))
    assert not np.array_equal(first[0], first[1])  # each sample gets its own subset
    np.testing.assert_array_equal(reduction.drop_random_steps(x, num_kept=50, seed=0), x)
    with pytest.raises(
        ValueError, match=r"`num_kept` must be an integer between 1 and 50. Received: num_kept=51"
    ):
        reduction.drop_random_steps(x, num_kept=51)


def test_random_crops_values_starts_and_seed():
    x = np.arange(40).reshape(2, 20)
    crops, starts = reduction.random_crops(
        x, crop_length=5, num_crops=3, seed=1, return_starts=True
    )
    assert crops.shape == (6, 5) and starts.shape == (2, 3)
    assert starts.min() >= 0 and starts.max() <= 15
    for sample in range(2):
        for crop in range(3):
            start = starts[sample, crop]
            np.testing.assert_array_equal(crops[sample * 3 + crop], x[sample, start : start + 5])
    np.testing.assert_array_equal(
        crops, reduction.random_crops(x, crop_length=5, num_crops=3, seed=1)
    )
    with pytest.raises(
        ValueError,
        match=r"`crop_length` must be an integer between 1 and 20. Received: crop_length=21",
    ):
        reduction.random_crops(x, crop_length=21)
    with pytest.raises(TypeError, match=r"`return_starts` must be True or False"):
        reduction.random_crops(x, crop_length=2, return_starts=1)


def test_random_crops_cover_every_start():
    starts = reduction.random_crops(
        np.zeros((1, 10)), crop_length=8, num_crops=200, seed=0, return_starts=True
    )[1]
    assert set(starts.ravel().tolist()) == {0, 1, 2}


def test_evenly_spaced_crops_span_start_to_end():
    x = np.arange(20).reshape(1, 20, 1)
    crops = reduction.evenly_spaced_crops(x, crop_length=5, num_crops=4)
    assert [int(c[0, 0]) for c in crops] == [0, 5, 10, 15]
    centred = reduction.evenly_spaced_crops(x, crop_length=4, num_crops=1)
    assert centred[0, :, 0].tolist() == [8, 9, 10, 11]


class _LastStepModel:
    """Predicts the crop's last value: lets tests check averaging exactly."""

    def predict(self, x, batch_size=None, verbose=0):
        return x[:, -1, :]


def test_predict_over_crops_averages_per_sample():
    x = np.arange(20, dtype="float32").reshape(2, 10, 1)
    result = reduction.predict_over_crops(_LastStepModel(), x, crop_length=4, num_crops=3)
    # crops end at steps 3, 6, 9 -> mean 6 for sample 0, 16 for sample 1
    np.testing.assert_allclose(result, [[6.0], [16.0]])
    random = reduction.predict_over_crops(
        _LastStepModel(), x, crop_length=10, num_crops=2, placement="random", seed=0
    )
    np.testing.assert_allclose(random, [[9.0], [19.0]])
    with pytest.raises(TypeError, match=r"`model` must have a `predict` method"):
        reduction.predict_over_crops(x, x, crop_length=2)
    with pytest.raises(ValueError, match=r"`placement` must be one of 'even', 'random'"):
        reduction.predict_over_crops(_LastStepModel(), x, crop_length=2, placement="all")


# ------------------------------------------------------------------ variable lengths
def _ragged(lengths=(12, 5, 30), channels=2):
    """Sequences whose values are step + 1 (never 0), so padding would show as a 0."""
    return [
        np.repeat(np.arange(1, steps + 1, dtype="float32")[:, None], channels, axis=1)
        for steps in lengths
    ]


def test_random_crops_of_a_list_stay_inside_each_sequence():
    sequences = _ragged()
    crops, starts = reduction.random_crops(
        sequences, crop_length=4, num_crops=50, seed=0, return_starts=True
    )
    assert crops.shape == (150, 4, 2) and starts.shape == (3, 50)
    assert (crops > 0).all()
    assert starts[1].max() <= 1 and starts[2].max() > 8  # each sequence's own range
    for sample, sequence in enumerate(sequences):
        for crop in range(50):
            start = starts[sample, crop]
            np.testing.assert_array_equal(crops[sample * 50 + crop], sequence[start : start + 4])
    with pytest.raises(ValueError, match=r"`crop_length` must be an integer between 1 and 5"):
        reduction.random_crops(sequences, crop_length=6)


def test_evenly_spaced_crops_of_a_list_span_each_sequence():
    crops = reduction.evenly_spaced_crops(_ragged(channels=1), crop_length=4, num_crops=2)
    assert [(int(c[0, 0]), int(c[-1, 0])) for c in crops] == [
        (1, 4),
        (9, 12),
        (1, 4),
        (2, 5),
        (1, 4),
        (27, 30),
    ]


def test_evenly_spaced_crops_starts_equal_linspace():
    for steps, crop_length, num_crops in [(20, 5, 4), (17, 3, 7), (9, 4, 2), (100, 7, 13)]:
        x = np.arange(steps)[None, :]
        crops = reduction.evenly_spaced_crops(x, crop_length=crop_length, num_crops=num_crops)
        expected = np.round(np.linspace(0, steps - crop_length, num_crops)).astype(int)
        assert crops[:, 0].tolist() == expected.tolist()


def test_predict_over_crops_of_a_list():
    sequences = [
        np.arange(1, 11, dtype="float32")[:, None],
        np.arange(1, 5, dtype="float32")[:, None],
    ]
    result = reduction.predict_over_crops(_LastStepModel(), sequences, crop_length=4, num_crops=3)
    np.testing.assert_allclose(result, [[(4 + 7 + 10) / 3], [4.0]])


def test_crops_check_the_allocation_first(monkeypatch):
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(10**8))
    x = np.zeros((4, 100, 2), dtype="float32")
    with pytest.raises(ValueError, match="`num_crops`"):
        reduction.random_crops(x, crop_length=50, num_crops=10**8)
    with pytest.raises(ValueError, match="`num_crops`"):
        reduction.evenly_spaced_crops(x, crop_length=50, num_crops=10**8)
    with pytest.raises(ValueError, match="`num_crops`"):
        reduction.predict_over_crops(_LastStepModel(), x, crop_length=50, num_crops=10**8)


def test_crop_size_guard_counts_features_per_step_not_whole_sequences(monkeypatch):
    """10 crops of 100 steps x 2 features are 8 KB of float32: the guard must not count
    every step of the sequence as a feature (which asked for gigabytes on ACSF1)."""
    from lstmkit import reduction

    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(100 * 1024))
    sequences = np.zeros((10, 5_000, 2), dtype="float32")
    crops = reduction.random_crops(sequences, crop_length=100, num_crops=1, seed=0)
    assert crops.shape == (10, 100, 2)
    crops = reduction.evenly_spaced_crops(sequences, crop_length=100, num_crops=1)
    assert crops.shape == (10, 100, 2)
