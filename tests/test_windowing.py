"""Tests for lstmkit.windowing: window contents, views, splits, folds, scaling, PyDataset."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit import windowing


def _series(num_steps, num_features=None):
    shape = (num_steps,) if num_features is None else (num_steps, num_features)
    return np.arange(np.prod(shape), dtype="float32").reshape(shape)


# --- make_windows -----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    num_steps=st.integers(1, 60),
    num_features=st.sampled_from([None, 1, 3]),
    window_length=st.integers(1, 20),
    stride=st.integers(1, 7),
    horizon=st.integers(0, 5),
)
def test_window_contents_match_a_python_loop(num_steps, num_features, window_length, stride, horizon):
    series = _series(num_steps, num_features)
    if window_length + horizon > num_steps:
        with pytest.raises(ValueError, match="`window_length` must fit in the series"):
            windowing.make_windows(series, window_length=window_length, stride=stride, horizon=horizon)
        return
    result = windowing.make_windows(series, window_length=window_length, stride=stride, horizon=horizon)
    windows, targets = result if horizon else (result, None)
    starts = list(range(0, num_steps - window_length - horizon + 1, stride))
    assert len(windows) == len(starts) == windowing.count_windows(
        num_steps, window_length=window_length, stride=stride, horizon=horizon
    )
    for position, start in enumerate(starts):
        np.testing.assert_array_equal(windows[position], series[start : start + window_length])
        if horizon:
            np.testing.assert_array_equal(targets[position], series[start + window_length - 1 + horizon])
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
    windows, window_labels = windowing.make_windows(series, window_length=3, horizon=2, targets=labels)
    np.testing.assert_array_equal(window_labels, labels[4:])
    assert len(windows) == len(window_labels) == 6


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"window_length": 500}, ValueError, r"Received: window_length=500 for a series of length 365"),
        ({"window_length": 360, "horizon": 10}, ValueError, r"window_length=360 plus horizon=10"),
        ({"window_length": 0}, ValueError, r"`window_length` must be an integer >= 1\. Received: window_length=0"),
        ({"window_length": 5, "stride": 0}, ValueError, r"`stride` must be an integer >= 1\. Received: stride=0"),
        ({"window_length": 5, "stride": -2}, ValueError, r"`stride` must be an integer >= 1"),
        ({"window_length": 5, "horizon": -1}, ValueError, r"`horizon` must be an integer >= 0"),
        ({"window_length": 5.0}, TypeError, r"`window_length` must be an integer"),
        ({"window_length": True}, TypeError, r"`window_length` must be an integer"),
        ({"window_length": 5, "targets": np.zeros(10)}, ValueError, r"`series` and `targets` must have the same length"),
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
    with pytest.raises(ValueError, match=r"`series` must not contain NaN.*3 non-finite value\(s\) out of 600000"):
        windowing.make_windows(series, window_length=3)
    with pytest.raises(ValueError, match=r"`targets` must not contain NaN"):
        windowing.make_windows(np.zeros(5), window_length=2, targets=np.array([0, 1, np.nan, 0, 0]))


def test_make_windows_rejects_bad_series():
    with pytest.raises(ValueError, match=r"`series` must not contain NaN"):
        windowing.make_windows(np.array([1.0, np.nan, 3.0]), window_length=2)
    with pytest.raises(ValueError, match=r"`series` must be a 1-D or 2-D array.*\(2, 3, 4\)"):
        windowing.make_windows(np.zeros((2, 3, 4)), window_length=2)
    with pytest.raises(ValueError, match=r"`series` must have at least 1 item"):
        windowing.make_windows(np.zeros(0), window_length=1)
    with pytest.raises(TypeError, match=r"`series` must hold numbers"):
        windowing.make_windows(np.array(["a", "b"]), window_length=1)


# --- WindowDataset ----------------------------------------------------------------


@pytest.mark.parametrize("num_features", [None, 2])
@pytest.mark.parametrize("shuffle_seed", [None, 3])
def test_window_dataset_covers_every_window_once(num_features, shuffle_seed):
    series = _series(103, num_features)
    dataset = windowing.WindowDataset(
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
        dataset = windowing.WindowDataset(_series(200), window_length=5, batch_size=8, shuffle_seed=seed)
        first = dataset[0].copy()
        dataset.on_epoch_end()
        return first, dataset[0]

    a_epoch1, a_epoch2 = first_batches(7)
    b_epoch1, b_epoch2 = first_batches(7)
    np.testing.assert_array_equal(a_epoch1, b_epoch1)
    np.testing.assert_array_equal(a_epoch2, b_epoch2)
    assert not np.array_equal(a_epoch1, a_epoch2)
    assert not np.array_equal(a_epoch1, first_batches(8)[0])


def test_window_dataset_inputs_only_and_index_errors():
    dataset = windowing.WindowDataset(_series(20), window_length=5, batch_size=4)
    assert dataset[0].shape == (4, 5, 1) and dataset[-1].shape == (4, 5, 1)
    with pytest.raises(IndexError, match=r"`index` must be between 0 and 3"):
        dataset[4]
    with pytest.raises(ValueError, match=r"`batch_size` must be an integer >= 1"):
        windowing.WindowDataset(_series(20), window_length=5, batch_size=0)
    with pytest.raises(ValueError, match=r"`shuffle_seed` must be None, a non-negative integer"):
        windowing.WindowDataset(_series(20), window_length=5, shuffle_seed=-1)


@pytest.mark.slow
def test_window_dataset_trains_with_model_fit():
    import keras

    keras.utils.set_random_seed(0)
    series = np.sin(np.arange(600, dtype="float32") / 10)
    dataset = windowing.WindowDataset(series, window_length=16, horizon=1, batch_size=64, shuffle_seed=0)
    validation = windowing.WindowDataset(series[:200], window_length=16, horizon=1, batch_size=64)
    model = keras.Sequential([keras.Input((16, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(dataset, validation_data=validation, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["val_loss"]).all()
    assert model.predict(validation, verbose=0).shape == (validation.num_windows, 1)


# --- chronological_split ----------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    num_items=st.integers(1, 300),
    validation_fraction=st.floats(0, 0.45),
    test_fraction=st.floats(0, 0.45),
    gap=st.integers(0, 10),
)
def test_split_parts_are_ordered_disjoint_and_gapped(num_items, validation_fraction, test_fraction, gap):
    data = np.arange(num_items)
    try:
        train, validation, test = windowing.chronological_split(
            data, validation_fraction=validation_fraction, test_fraction=test_fraction, gap=gap
        )
    except ValueError as error:
        assert "nothing is left to train on" in str(error)
        return
    assert len(train) >= 1
    parts = [part for part in (train, validation, test) if len(part)]
    for earlier, later in zip(parts, parts[1:], strict=False):
        assert later[0] - earlier[-1] == gap + 1  # in order, exactly `gap` items between
    joined = np.concatenate(parts)
    assert len(np.unique(joined)) == len(joined)
    assert len(train) + len(validation) + len(test) + gap * (len(parts) - 1) == num_items
    assert len(validation) == (max(1, round(num_items * validation_fraction)) if validation_fraction else 0)


def test_split_of_windows_with_the_right_gap_shares_no_step():
    series = np.arange(500)
    window_length, horizon = 20, 5
    windows, targets = windowing.make_windows(series, window_length=window_length, horizon=horizon)
    gap = window_length + horizon - 1
    parts = [windowing.chronological_split(a, gap=gap) for a in (windows, targets)]
    steps = [set(np.concatenate([w.ravel(), t])) for w, t in zip(parts[0], parts[1], strict=True)]
    assert not steps[0] & steps[1] and not steps[1] & steps[2]


def test_split_errors():
    with pytest.raises(ValueError, match=r"nothing is left to train on. Received: len\(data\)=5"):
        windowing.chronological_split(np.arange(5), validation_fraction=0.4, test_fraction=0.4, gap=1)
    with pytest.raises(ValueError, match=r"`validation_fraction` must be a finite number >= 0 and < 1"):
        windowing.chronological_split(np.arange(5), validation_fraction=1.0)
    with pytest.raises(ValueError, match=r"`data` must have at least 1 item"):
        windowing.chronological_split(np.arange(0))
    with pytest.raises(ValueError, match=r"`gap` must be an integer >= 0"):
        windowing.chronological_split(np.arange(10), gap=-1)


# --- walk_forward_splits ----------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    num_items=st.integers(2, 200),
    num_folds=st.integers(1, 6),
    gap=st.integers(0, 5),
    mode=st.sampled_from(["expanding", "sliding"]),
)
def test_walk_forward_folds_never_look_ahead(num_items, num_folds, gap, mode):
    try:
        folds = windowing.walk_forward_splits(num_items, num_folds=num_folds, gap=gap, mode=mode)
    except ValueError as error:
        assert "too short" in str(error)
        return
    assert len(folds) == num_folds
    validation_blocks = [validation for _, validation in folds]
    joined = np.concatenate(validation_blocks)
    assert len(np.unique(joined)) == len(joined) and joined[-1] == num_items - 1
    train_sizes = [len(train) for train, _ in folds]
    for train, validation in folds:
        assert len(train) >= 1 and validation[0] - train[-1] == gap + 1
        assert np.all(np.diff(train) == 1) and np.all(np.diff(validation) == 1)
    if mode == "sliding":
        assert len(set(train_sizes)) == 1
    else:
        assert all(train[0] == 0 for train, _ in folds) and train_sizes == sorted(train_sizes)


def test_walk_forward_matches_sklearn_time_series_split():
    from sklearn.model_selection import TimeSeriesSplit

    data = np.zeros((50, 3))
    ours = windowing.walk_forward_splits(data, num_folds=4, gap=2)
    theirs = list(TimeSeriesSplit(n_splits=4, gap=2).split(data))
    for (a_train, a_validation), (b_train, b_validation) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a_train, b_train)
        np.testing.assert_array_equal(a_validation, b_validation)


def test_walk_forward_errors():
    with pytest.raises(ValueError, match=r"`data` is too short for 5 folds. Received: 3 items"):
        windowing.walk_forward_splits(3)
    with pytest.raises(ValueError, match=r"the first fold has nothing to train on"):
        windowing.walk_forward_splits(10, num_folds=2, validation_size=5)
    with pytest.raises(ValueError, match=r"`train_size` only applies to mode='sliding'"):
        windowing.walk_forward_splits(10, num_folds=2, train_size=3)
    with pytest.raises(ValueError, match=r"`train_size` must be an integer between 1 and 4"):
        windowing.walk_forward_splits(10, num_folds=2, mode="sliding", train_size=9, gap=0, validation_size=3)
    with pytest.raises(ValueError, match=r"`mode` must be one of 'expanding', 'sliding'"):
        windowing.walk_forward_splits(10, mode="rolling")
    with pytest.raises(ValueError, match=r"`num_folds` must be an integer >= 1"):
        windowing.walk_forward_splits(10, num_folds=0)


# --- FeatureScaler / scale_splits -------------------------------------------------


@pytest.mark.parametrize("shape", [(100,), (100, 3), (20, 5, 3)])
@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_scaler_fits_per_feature_and_round_trips(shape, method):
    rng = np.random.default_rng(0)
    data = (rng.normal(size=shape) * 5 + 10).astype("float32")
    before = data.copy()
    scaled = windowing.FeatureScaler(method=method).fit(data)
    transformed = scaled.transform(data)
    assert transformed.shape == shape and transformed.dtype == np.float32
    flat = transformed.reshape(-1, 1 if len(shape) == 1 else shape[-1])
    if method == "standard":
        np.testing.assert_allclose(flat.mean(axis=0), 0, atol=1e-5)
        np.testing.assert_allclose(flat.std(axis=0), 1, atol=1e-4)
    else:
        np.testing.assert_allclose(flat.min(axis=0), 0, atol=1e-6)
        np.testing.assert_allclose(flat.max(axis=0), 1, atol=1e-6)
    np.testing.assert_allclose(scaled.inverse_transform(transformed), data, rtol=1e-5)
    np.testing.assert_array_equal(data, before)


def test_scaler_from_a_series_applies_to_its_windows():
    series = _series(200, 2)
    train, validation, test = windowing.chronological_split(series)
    scaler = windowing.FeatureScaler().fit(train)
    windows = windowing.make_windows(validation, window_length=10)
    np.testing.assert_allclose(
        scaler.transform(windows)[0], scaler.transform(validation)[:10], rtol=1e-6
    )


def test_scale_splits_uses_training_statistics_only():
    series = np.concatenate([np.zeros(80), np.full(20, 100.0)]).astype("float32")
    series[:80] = np.linspace(0, 1, 80)
    train, validation, test = windowing.chronological_split(series, validation_fraction=0.1, test_fraction=0.1)
    train_scaled, validation_scaled, test_scaled, scaler = windowing.scale_splits(
        train, validation, test, method="minmax"
    )
    assert train_scaled.min() == 0 and train_scaled.max() == 1
    assert validation_scaled.min() > 50  # the future stays out of the statistics
    assert scaler.num_features == 1


def test_scaler_errors():
    with pytest.raises(RuntimeError, match=r"not fitted yet"):
        windowing.FeatureScaler().transform(np.zeros(3))
    scaler = windowing.FeatureScaler().fit(np.zeros((10, 3)))
    with pytest.raises(ValueError, match=r"must have 3 feature\(s\) on its last axis.*\(10, 2\)"):
        scaler.transform(np.zeros((10, 2)))
    with pytest.raises(ValueError, match=r"`method` must be one of 'standard', 'minmax'"):
        windowing.FeatureScaler(method="robust")
    with pytest.raises(ValueError, match=r"`data` must not contain NaN"):
        windowing.FeatureScaler().fit(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"In part 2 of `others`: `data` must have 3 feature"):
        windowing.scale_splits(np.zeros((5, 3)), np.zeros((5, 3)), np.zeros((5, 1)))
