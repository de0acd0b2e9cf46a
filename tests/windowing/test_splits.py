"""Tests for lstmkit.windowing.splits: chronological splits and walk-forward folds."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit import windowing

# --- chronological_split ----------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    num_items=st.integers(1, 300),
    validation_fraction=st.floats(0, 0.45),
    test_fraction=st.floats(0, 0.45),
    gap=st.integers(0, 10),
)
def test_split_parts_are_ordered_disjoint_and_gapped(
    num_items, validation_fraction, test_fraction, gap
):
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
    assert len(validation) == (
        max(1, round(num_items * validation_fraction)) if validation_fraction else 0
    )


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
        windowing.chronological_split(
            np.arange(5), validation_fraction=0.4, test_fraction=0.4, gap=1
        )
    with pytest.raises(
        ValueError, match=r"`validation_fraction` must be a finite number >= 0 and < 1"
    ):
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
        windowing.walk_forward_splits(
            10, num_folds=2, mode="sliding", train_size=9, gap=0, validation_size=3
        )
    with pytest.raises(ValueError, match=r"`mode` must be one of 'expanding', 'sliding'"):
        windowing.walk_forward_splits(10, mode="rolling")
    with pytest.raises(ValueError, match=r"`num_folds` must be an integer >= 1"):
        windowing.walk_forward_splits(10, num_folds=0)


@pytest.mark.parametrize("mode", ["expanding", "sliding"])
def test_walk_forward_refuses_huge_fold_sets_at_once(mode, monkeypatch):
    # 10**7 folds over 10**12 items used to run for hours building index arrays.
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(8 * 1024**3))
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"`num_folds` would make a result of"):
        windowing.walk_forward_splits(10**12, num_folds=10**7, mode=mode)
    assert time.perf_counter() - start < 1.0


def test_walk_forward_size_check_counts_every_index(monkeypatch):
    # 3 folds of 10 items: train 70 + 80 + 90, validation 3 * 10, plus per-fold overhead.
    folds = windowing.walk_forward_splits(100, num_folds=3, validation_size=10)
    assert sum(len(train) + len(validation) for train, validation in folds) == 270
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(8 * 270))
    with pytest.raises(ValueError, match=r"`num_folds`"):
        windowing.walk_forward_splits(100, num_folds=3, validation_size=10)
