"""Tests for lstmkit.datasets.signals: ACSF1, PLAID, JapaneseVowels, KDD-TSAD 135 and CO2."""

import numpy as np
import pytest

import lstmkit.datasets as datasets
from lstmkit.datasets import (
    load_acsf1,
    load_co2,
    load_japanese_vowels,
    load_kdd_tsad_135,
    load_plaid,
)


def test_load_acsf1():
    (x_train, y_train), (x_test, y_test) = load_acsf1()
    assert x_train.shape == x_test.shape == (100, 1460, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int32
    assert np.bincount(y_train).tolist() == np.bincount(y_test).tolist() == [10] * 10
    assert np.isfinite(x_train).all() and len(datasets.ACSF1_CLASSES) == 10


def test_load_plaid():
    (x_train, y_train), (x_test, y_test) = load_plaid()
    assert len(x_train) == len(y_train) == 537 and len(x_test) == len(y_test) == 537
    lengths = [len(x) for x in x_train + x_test]
    assert min(lengths) == 100 and max(lengths) == 1344
    assert all(x.dtype == np.float32 and x.shape[1] == 1 for x in x_train)
    assert np.bincount(y_train).tolist() == [33, 88, 57, 19, 78, 18, 57, 86, 69, 19, 13]
    assert len(datasets.PLAID_CLASSES) == 11 and y_test.max() == 10


def test_load_japanese_vowels():
    (x_train, y_train), (x_test, y_test) = load_japanese_vowels()
    assert len(x_train) == 270 and len(x_test) == 370
    assert {x.shape[1] for x in x_train + x_test} == {12}
    lengths = [len(x) for x in x_train + x_test]
    assert min(lengths) == 7 and max(lengths) == 29
    assert np.bincount(y_train).tolist() == [30] * 9
    assert np.bincount(y_test).sum() == 370 and y_test.dtype == np.int32


def test_load_kdd_tsad_135():
    (x_train, y_train), (x_test, y_test) = load_kdd_tsad_135()
    assert x_train.shape == y_train.shape == (1200,)
    assert x_test.shape == y_test.shape == (7501,)
    assert x_test.dtype == np.float32 and y_test.dtype == np.int32
    assert y_train.sum() == 0 and y_test.sum() == 12
    assert np.flatnonzero(y_test).tolist() == list(range(4187, 4199))
    np.testing.assert_array_equal(x_test[:1200], x_train)


def test_load_co2_and_its_missing_values():
    dates, co2 = load_co2()
    assert dates.shape == co2.shape == (2284,) and co2.dtype == np.float32
    assert dates.dtype == np.dtype("datetime64[D]")
    assert str(dates[0]) == "1958-03-29" and str(dates[-1]) == "2001-12-29"
    assert (np.diff(dates) == np.timedelta64(7, "D")).all()
    assert np.isnan(co2).sum() == 59
    filled_dates, filled = load_co2(missing="interpolate")
    np.testing.assert_array_equal(filled_dates, dates)
    assert not np.isnan(filled).any()
    present = ~np.isnan(co2)
    np.testing.assert_array_equal(filled[present], co2[present])
    kept_dates, kept = load_co2(missing="drop")
    assert kept.shape == (2225,) and not np.isnan(kept).any() and len(kept_dates) == 2225
    with pytest.raises(
        ValueError,
        match=r"`missing` must be one of 'keep', 'interpolate', 'drop'\. Received: "
              r"missing='fill'",
    ):
        load_co2(missing="fill")


def test_loaders_return_fresh_arrays():
    (x_train, _), _ = load_acsf1()
    x_train[:] = 0
    (again, _), _ = load_acsf1()
    assert again.any()
