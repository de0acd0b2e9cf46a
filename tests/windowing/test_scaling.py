"""Tests for lstmkit.windowing.scaling: FeatureScaler and scale_splits."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from lstmkit import windowing


def _series(num_steps, num_features=None):
    shape = (num_steps,) if num_features is None else (num_steps, num_features)
    return np.arange(np.prod(shape), dtype="float32").reshape(shape)


@pytest.mark.parametrize("shape", [(100,), (100, 3), (20, 5, 3)])
@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_scaler_fits_per_feature_and_round_trips(shape, method):
    rng = np.random.default_rng(0)
    data = (rng.normal(size=shape) * 5 + 10).astype("float32")
    before = data.copy()
    # 2-D data needs an explicit mode: here the last axis holds features.
    mode = "per_feature" if len(shape) == 2 else None
    scaled = windowing.FeatureScaler(method=method, mode=mode).fit(data)
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
    scaler = windowing.FeatureScaler(mode="per_feature").fit(train)
    windows = windowing.make_windows(validation, window_length=10)
    np.testing.assert_allclose(
        scaler.transform(windows)[0], scaler.transform(validation)[:10], rtol=1e-6
    )


def test_scale_splits_uses_training_statistics_only():
    series = np.concatenate([np.zeros(80), np.full(20, 100.0)]).astype("float32")
    series[:80] = np.linspace(0, 1, 80)
    train, validation, test = windowing.chronological_split(
        series, validation_fraction=0.1, test_fraction=0.1
    )
    train_scaled, validation_scaled, test_scaled, scaler = windowing.scale_splits(
        train, validation, test, method="minmax"
    )
    assert train_scaled.min() == 0 and train_scaled.max() == 1
    assert validation_scaled.min() > 50  # the future stays out of the statistics
    with pytest.warns(DeprecationWarning, match=r"`n_features_in_`"):
        assert scaler.num_features == 1
    assert scaler.n_features_in_ == 1


def test_scaler_errors():
    with pytest.raises(RuntimeError, match=r"not fitted yet"):
        windowing.FeatureScaler().transform(np.zeros(3))
    scaler = windowing.FeatureScaler(mode="per_feature").fit(np.zeros((10, 3)))
    with pytest.raises(ValueError, match=r"must have 3 feature\(s\) on its last axis.*\(10, 2\)"):
        scaler.transform(np.zeros((10, 2)))
    with pytest.raises(ValueError, match=r"`method` must be one of 'standard', 'minmax'"):
        windowing.FeatureScaler(method="robust")
    with pytest.raises(ValueError, match=r"`data` must not contain NaN"):
        windowing.FeatureScaler().fit(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"In part 2 of `others`: `data` must have 3 feature"):
        windowing.scale_splits(
            np.zeros((5, 3)), np.zeros((5, 3)), np.zeros((5, 1)), mode="per_feature"
        )


# --- scikit-learn conventions -------------------------------------------------------


def test_scaler_follows_sklearn_conventions():
    scaler = windowing.FeatureScaler(method="minmax")
    with pytest.raises(NotFittedError, match=r"not fitted yet"):
        scaler.transform(np.zeros(3))
    with pytest.raises(NotFittedError):
        scaler.inverse_transform(np.zeros(3))
    assert scaler.get_params() == {"method": "minmax", "mode": None}
    assert scaler.set_params(mode="global") is scaler and scaler.mode == "global"
    assert scaler.fit(np.arange(4.0)) is scaler
    assert scaler.n_features_in_ == 1 and scaler.mode_ == "global"
    assert scaler.scaler_.data_max_[0] == 3
    copy = clone(scaler)
    assert copy.get_params() == scaler.get_params() and not hasattr(copy, "scaler_")
    with pytest.warns(DeprecationWarning, match=r"`scaler_`"):
        assert scaler.scaler is scaler.scaler_
    with pytest.warns(DeprecationWarning):
        assert windowing.FeatureScaler().scaler is None


def test_set_params_with_a_bad_value_fails_at_fit():
    scaler = windowing.FeatureScaler().set_params(method="robust")
    with pytest.raises(ValueError, match=r"`method` must be one of"):
        scaler.fit(np.zeros(3))


# --- regressions --------------------------------------------------------------------


def test_two_d_data_needs_an_explicit_mode():
    # (N, T) windows used to be read silently as N steps of T features: per-step statistics.
    windows = np.arange(12.0).reshape(3, 4)
    with pytest.raises(ValueError, match=r"`mode` must be 'per_feature' or 'global' for 2-D"):
        windowing.FeatureScaler().fit(windows)
    with pytest.raises(ValueError, match=r"`mode`"):
        windowing.scale_splits(windows, windows)
    per_step = windowing.FeatureScaler(method="minmax", mode="per_feature").fit(windows)
    assert per_step.n_features_in_ == 4
    np.testing.assert_array_equal(per_step.transform(windows)[0], 0)
    pooled = windowing.FeatureScaler(method="minmax", mode="global").fit(windows)
    assert pooled.n_features_in_ == 1
    np.testing.assert_allclose(pooled.transform(windows).ravel(), np.arange(12) / 11)
    np.testing.assert_allclose(
        pooled.transform(windows), pooled.transform(windows[..., None])[..., 0]
    )
    with pytest.raises(ValueError, match=r"`mode` must be one of 'per_feature', 'global'"):
        windowing.FeatureScaler(mode="columns")


@pytest.mark.parametrize("shape", [(3, 0), (3, 4, 0)])
def test_fit_on_data_without_features_is_a_clear_error(shape):
    with pytest.raises(ValueError, match=r"`data` must hold at least one value per feature"):
        windowing.FeatureScaler(mode="per_feature").fit(np.zeros(shape))
