"""Tests for lstmkit.length_selection: autocorrelation, lagged mutual information, the rule."""

import numpy as np
import pytest

from lstmkit import length_selection, sequence_length


def _sine(num_steps=240, period=12):
    return np.sin(2 * np.pi * np.arange(num_steps) / period)


# --- autocorrelation --------------------------------------------------------------


def test_autocorrelation_matches_a_python_loop():
    rng = np.random.default_rng(0)
    series = rng.standard_normal(50).cumsum()
    centred = series - series.mean()
    expected = [
        sum(centred[t] * centred[t + lag] for t in range(50 - lag)) / sum(centred**2)
        for lag in range(11)
    ]
    np.testing.assert_allclose(
        length_selection.autocorrelation(series, max_lag=10), expected, rtol=1e-12
    )


def test_autocorrelation_finds_the_period_and_the_opposite_phase():
    acf = length_selection.autocorrelation(_sine(), max_lag=24)
    assert acf.shape == (25,) and acf[0] == pytest.approx(1.0)
    assert int(np.argmax(acf[6:])) + 6 == 12
    assert int(np.argmin(acf)) == 6


def test_autocorrelation_does_not_modify_its_input():
    series = _sine()
    copy = series.copy()
    length_selection.autocorrelation(series, max_lag=5)
    np.testing.assert_array_equal(series, copy)


def test_autocorrelation_rejects_bad_arguments():
    with pytest.raises(
        ValueError, match=r"`max_lag` must be an integer between 0 and 9\. Received: max_lag=10"
    ):
        length_selection.autocorrelation(np.arange(10.0), max_lag=10)
    with pytest.raises(ValueError, match="`series` must not be constant"):
        length_selection.autocorrelation(np.ones(10), max_lag=3)
    with pytest.raises(ValueError, match="`series` must be a 1-D array"):
        length_selection.autocorrelation(np.ones((10, 2)), max_lag=3)
    with pytest.raises(ValueError, match="`series` must not contain NaN"):
        length_selection.autocorrelation(np.array([1.0, np.nan, 2.0]), max_lag=1)
    with pytest.raises(TypeError, match="`max_lag` must be an integer"):
        length_selection.autocorrelation(np.arange(10.0), max_lag=2.5)


# --- lagged_mutual_information ----------------------------------------------------


def test_mutual_information_is_higher_a_period_ago_and_seeded():
    series = _sine() + 0.1 * np.random.default_rng(0).standard_normal(240)
    scores = length_selection.lagged_mutual_information(series, lags=range(1, 13))
    assert scores.shape == (12,) and (scores >= 0).all()
    assert scores[11] > scores[2]  # lag 12 (a full period) against lag 3 (a quarter)
    again = length_selection.lagged_mutual_information(series, lags=range(1, 13))
    np.testing.assert_array_equal(scores, again)


def test_mutual_information_is_near_zero_for_independent_noise():
    noise = np.random.default_rng(1).standard_normal(500)
    scores = length_selection.lagged_mutual_information(noise, lags=[1, 5, 20], seed=3)
    assert scores.max() < 0.1


def test_mutual_information_rejects_bad_lags():
    series = _sine(40)
    with pytest.raises(
        ValueError,
        match=r"`lags` must be between 1 and 36 for a series of 40 steps\. "
        r"Received: lags from 0 to 3",
    ):
        length_selection.lagged_mutual_information(series, lags=[0, 3])
    with pytest.raises(ValueError, match="`lags` must be between 1 and 36"):
        length_selection.lagged_mutual_information(series, lags=[37])
    with pytest.raises(TypeError, match="`lags` must hold integers"):
        length_selection.lagged_mutual_information(series, lags=[1.5])
    with pytest.raises(ValueError, match=r"`seed` must be an integer >= 0\. Received: seed=-1"):
        length_selection.lagged_mutual_information(series, lags=[1], seed=-1)


# --- choose_sequence_length -------------------------------------------------------


def test_choose_prefers_the_shortest_nearly_best_length():
    errors = {104: 0.55, 4: 3.0, 52: 0.64, 13: 2.5}
    assert length_selection.choose_sequence_length(errors) == 52
    assert length_selection.choose_sequence_length(errors, tolerance=0.0) == 104
    assert length_selection.choose_sequence_length(errors, tolerance=10.0) == 4
    assert length_selection.choose_sequence_length({np.int64(8): np.float32(1.0)}) == 8


def test_choose_rejects_bad_arguments():
    with pytest.raises(TypeError, match="`validation_errors` must be a non-empty dict"):
        length_selection.choose_sequence_length({})
    with pytest.raises(TypeError, match="`validation_errors` must be a non-empty dict"):
        length_selection.choose_sequence_length([(4, 1.0)])
    with pytest.raises(ValueError, match=r"Received: validation_errors\[4\]=nan"):
        length_selection.choose_sequence_length({4: float("nan"), 8: 1.0})
    with pytest.raises(ValueError, match=r"`length` must be an integer >= 1\. Received: length=0"):
        length_selection.choose_sequence_length({0: 1.0})
    with pytest.raises(
        ValueError, match=r"`tolerance` must be a finite number >= 0\.0\. Received: tolerance=-0\.1"
    ):
        length_selection.choose_sequence_length({4: 1.0}, tolerance=-0.1)


def test_the_old_module_name_still_works():
    for name in length_selection.__all__:
        assert getattr(sequence_length, name) is getattr(length_selection, name)


def test_lagged_mutual_information_bounds_the_seed():
    with pytest.raises(ValueError, match=r"`seed` must be an integer between 0 and 4294967295"):
        length_selection.lagged_mutual_information(_sine(), lags=[1], seed=10**12)
