"""Tests for lstmkit.windowing.windows: window contents, views, and WindowDataset."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit import windowing


def _series(num_steps, num_features=None):
    shape = (num_steps,) if num_features is None else (num_steps, num_features)
    return np.arange(np.prod(shape), dtype="float32").reshape(shape)


def _window_dataset(*args, shuffle_seed=None, **kwargs):
    """Build with the deprecated `shuffle_seed=` keyword, which must keep working."""
    if shuffle_seed is None:
        return windowing.WindowDataset(*args, **kwargs)
    with pytest.warns(DeprecationWarning, match=r"shuffle_seed=\.\.\.\)` is deprecated"):
        return windowing.WindowDataset(*args, shuffle_seed=shuffle_seed, **kwargs)


# --- make_windows -----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    num_steps=st.integers(1, 60),
    num_features=st.sampled_from([None, 1, 3]),
    window_length=st.integers(1, 20),
    stride=st.integers(1, 7),
    horizon=st.integers(0, 5),
)
def test_window_contents_match_a_python_loop(
    num_steps, num_features, window_length, stride, horizon
):
    series = _series(num_steps, num_features)
    if window_length + horizon > num_steps:
        with pytest.raises(ValueError, match="`window_length` must fit in the series"):
            windowing.make_windows(
                series, window_length=window_length, stride=stride, horizon=horizon
            )
        return
    result = windowing.make_windows(
        series, window_length=window_length, stride=stride, horizon=horizon
    )
    windows, targets = result if horizon else (result, None)
    starts = list(range(0, num_steps - window_length - horizon + 1, stride))
    assert len(windows) == len(starts) == windowing.count_windows(
        num_steps, window_length=window_length, stride=stride, horizon=horizon
    )
    for position, start in enumerate(starts):
        np.testing.assert_array_equal(windows[position], series[start : start + window_length])
        if horizon:
            np.testing.assert_array_equal(
                targets[position], series[start + window_length - 1 + horizon]
            )
    assert np.shares_memory(windows, series)


def test_windows_are_read_only_views_and_input_unchanged():
    series = _series(1000, 2)
    before = series.copy()
    windows, targets = windowing.make_windows(series, window_length=100, horizon=1)
    assert windows.shape == (900, 100, 2) and targets.shape == (900, 2)
    assert np.shares_memory(windows, series) and np.shares_memory(targets, series)
    assert not windows.flags.writeable and not targets.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        windows[0, 0, 0] = -1
    np.testing.assert_array_equal(series, before)
    assert series.flags.writeable


def test_separate_targets_take_the_label_of_the_last_step():
    series = _series(10)
    labels = np.arange(10) * 10
    windows, window_labels = windowing.make_windows(series, window_length=3, targets=labels)
    np.testing.assert_array_equal(window_labels, labels[2:])
    windows, window_labels = windowing.make_windows(
        series, window_length=3, horizon=2, targets=labels
    )
    np.testing.assert_array_equal(window_labels, labels[4:])
    assert len(windows) == len(window_labels) == 6


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"window_length": 500},
            ValueError,
            r"Received: window_length=500 for a series of length 365",
        ),
        ({"window_length": 360, "horizon": 10}, ValueError, r"window_length=360 plus horizon=10"),
        (
            {"window_length": 0},
            ValueError,
            r"`window_length` must be an integer >= 1\. Received: window_length=0",
        ),
        (
            {"window_length": 5, "stride": 0},
            ValueError,
            r"`stride` must be an integer >= 1\. Received: stride=0",
        ),
        ({"window_length": 5, "stride": -2}, ValueError, r"`stride` must be an integer >= 1"),
        ({"window_length": 5, "horizon": -1}, ValueError, r"`horizon` must be an integer >= 0"),
        ({"window_length": 5.0}, TypeError, r"`window_length` must be an integer"),
        ({"window_length": True}, TypeError, r"`window_length` must be an integer"),
        (
            {"window_length": 5, "targets": np.zeros(10)},
            ValueError,
            r"`series` and `targets` must have the same length",
        ),
    ],
)
def test_make_windows_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        windowing.make_windows(_series(365), **kwargs)


def test_window_creation_takes_constant_memory():
    import tracemalloc

    series = np.zeros(2_000_000, dtype="float32")
    tracemalloc.start()
    windows, targets = windowing.make_windows(series, window_length=256, horizon=1)
    dataset = windowing.WindowDataset(series, window_length=256, horizon=1, batch_size=256)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert windows.shape == (1_999_744, 256) and dataset.num_windows == 1_999_744
    assert peak < 512 * 1024  # a full-size NaN mask alone would be 2 MB


def test_nan_check_counts_across_chunks():
    series = np.zeros((300_000, 2), dtype="float32")
    series[0, 0] = series[-1, 1] = np.nan
    series[150_000, 0] = np.inf
    with pytest.raises(
        ValueError, match=r"`series` must not contain NaN.*3 non-finite value\(s\) out of 600000"
    ):
        windowing.make_windows(series, window_length=3)
    with pytest.raises(ValueError, match=r"`targets` must not contain NaN"):
        windowing.make_windows(
            np.zeros(5), window_length=2, targets=np.array([0, 1, np.nan, 0, 0])
        )


def test_make_windows_rejects_bad_series():
    with pytest.raises(ValueError, match=r"`series` must not contain NaN"):
        windowing.make_windows(np.array([1.0, np.nan, 3.0]), window_length=2)
    with pytest.raises(ValueError, match=r"`series` must be a 1-D or 2-D array.*\(2, 3, 4\)"):
        windowing.make_windows(np.zeros((2, 3, 4)), window_length=2)
    with pytest.raises(ValueError, match=r"`series` must have at least 1 item"):
        windowing.make_windows(np.zeros(0), window_length=1)
    with pytest.raises(TypeError, match=r"`series` must hold numbers"):
        windowing.make_windows(np.array(["a", "b"]), window_length=1)


def test_huge_windows_stay_views_whatever_the_memory_limit(monkeypatch):
    # make_windows allocates nothing, so no memory check may refuse it.
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(1024))
    series = np.zeros(1_000_000, dtype="float32")
    windows = windowing.make_windows(series, window_length=500_000)
    assert windows.shape == (500_001, 500_000) and np.shares_memory(windows, series)


# --- WindowDataset ----------------------------------------------------------------


@pytest.mark.parametrize("num_features", [None, 2])
@pytest.mark.parametrize("shuffle_seed", [None, 3])
def test_window_dataset_covers_every_window_once(num_features, shuffle_seed):
    series = _series(103, num_features)
    dataset = _window_dataset(
        series, window_length=7, stride=2, horizon=3, batch_size=10, shuffle_seed=shuffle_seed
    )
    windows, targets = windowing.make_windows(series, window_length=7, stride=2, horizon=3)
    assert dataset.num_windows == len(windows) == 47 and len(dataset) == 5
    xs, ys = zip(*(dataset[index] for index in range(len(dataset))), strict=True)
    x, y = np.concatenate(xs), np.concatenate(ys)
    assert x.shape == (47, 7, num_features or 1) and x.dtype == np.float32
    assert y.shape == ((47,) if num_features is None else (47, 2))
    order = np.argsort(x[:, 0, 0]) if shuffle_seed is not None else np.arange(47)
    np.testing.assert_array_equal(x[order].reshape(windows.shape), windows)
    np.testing.assert_array_equal(y[order], targets)
    if shuffle_seed is not None:
        assert not np.array_equal(order, np.arange(47))


def test_window_dataset_shuffle_is_seeded_and_changes_per_epoch():
    def first_batches(seed):
        dataset = _window_dataset(_series(200), window_length=5, batch_size=8, shuffle_seed=seed)
        first = dataset[0].copy()
        dataset.on_epoch_end()
        return first, dataset[0]

    a_epoch1, a_epoch2 = first_batches(7)
    b_epoch1, b_epoch2 = first_batches(7)
    np.testing.assert_array_equal(a_epoch1, b_epoch1)
    np.testing.assert_array_equal(a_epoch2, b_epoch2)
    assert not np.array_equal(a_epoch1, a_epoch2)
    assert not np.array_equal(a_epoch1, first_batches(8)[0])


def test_shuffle_seed_gives_the_same_order_as_before_and_as_seed():
    # The order the dataset had before it moved onto the shared base: a generator seeded
    # with `shuffle_seed`, one permutation per epoch, the first drawn at construction.
    series = _series(200)
    generator = np.random.default_rng(7)
    old_orders = [generator.permutation(196) for _ in range(3)]
    windows = windowing.make_windows(series, window_length=5)
    old = _window_dataset(series, window_length=5, batch_size=196, shuffle_seed=7)
    new = windowing.WindowDataset(series, window_length=5, batch_size=196, shuffle=True, seed=7)
    assert old.shuffle and old.seed == 7 and old.shuffle_seed == 7
    for expected in old_orders:
        np.testing.assert_array_equal(old[0][..., 0], windows[expected])
        np.testing.assert_array_equal(new[0][..., 0], windows[expected])
        old.on_epoch_end()
        new.on_epoch_end()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        windowing.WindowDataset(series, window_length=5, shuffle=True, seed=1)
    with pytest.raises(TypeError, match=r"either `seed` or the deprecated `shuffle_seed`"):
        with pytest.warns(DeprecationWarning):
            windowing.WindowDataset(series, window_length=5, seed=1, shuffle_seed=1)


def test_window_dataset_inputs_only_and_index_errors():
    dataset = windowing.WindowDataset(_series(20), window_length=5, batch_size=4)
    assert dataset[0].shape == (4, 5, 1) and dataset[-1].shape == (4, 5, 1)
    # The shared base accepts negative indices, so the message gives both bounds.
    with pytest.raises(IndexError, match=r"`index` must be between -4 and 3"):
        dataset[4]
    with pytest.raises(ValueError, match=r"`batch_size` must be an integer >= 1"):
        windowing.WindowDataset(_series(20), window_length=5, batch_size=0)
    with pytest.raises(ValueError, match=r"`shuffle_seed` must be None, a non-negative integer"):
        windowing.WindowDataset(_series(20), window_length=5, shuffle_seed=-1)
    with pytest.raises(TypeError, match=r"`shuffle` must be True or False"):
        windowing.WindowDataset(_series(20), window_length=5, shuffle=1)


def test_window_dataset_checks_the_memory_of_one_batch(monkeypatch):
    # The windows are views (free); only a batch is copied, so only its size is checked.
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(10**6))
    series = np.zeros(1_000_000, dtype="float32")
    dataset = windowing.WindowDataset(series, window_length=100_000, batch_size=2)
    assert dataset.num_windows == 900_001
    with pytest.raises(ValueError, match=r"`batch_size` would make a result of"):
        windowing.WindowDataset(series, window_length=100_000, batch_size=10**6)


@pytest.mark.slow
def test_window_dataset_trains_with_model_fit():
    import keras

    keras.utils.set_random_seed(0)
    series = np.sin(np.arange(600, dtype="float32") / 10)
    dataset = windowing.WindowDataset(
        series, window_length=16, horizon=1, batch_size=64, shuffle=True, seed=0
    )
    validation = windowing.WindowDataset(series[:200], window_length=16, horizon=1, batch_size=64)
    model = keras.Sequential([keras.Input((16, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(dataset, validation_data=validation, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["val_loss"]).all()
    assert model.predict(validation, verbose=0).shape == (validation.num_windows, 1)
