"""lstmkit.imbalance.weights: class weights and per-step sample weights."""

import keras
import numpy as np
import pytest

from lstmkit import imbalance


def test_class_weights_match_sklearn_and_balance_counts():
    labels = np.array([0] * 6 + [1] * 3 + [2] * 1)
    weights = imbalance.compute_class_weights(labels)
    assert set(weights) == {0, 1, 2} and all(type(key) is int for key in weights)
    counts = np.bincount(labels)
    weighted = [counts[k] * weights[k] for k in weights]
    np.testing.assert_allclose(weighted, [10 / 3] * 3)


def test_class_weights_refuse_a_missing_class():
    with pytest.raises(
        ValueError,
        match=r"Every class must occur in `labels` to be weighted\. Received: no samples of "
        r"class\(es\) \[2\] among 4 label\(s\) \(classes present: \[0, 1\]\)\. Use a stratified",
    ):
        imbalance.compute_class_weights(np.array([0, 0, 1, 1]), classes=range(3))
    with pytest.raises(
        ValueError, match=r"at least 2 classes to be weighted\. Received: only class \[0\]"
    ):
        imbalance.compute_class_weights(np.zeros(5, dtype=int))


def test_class_weights_reject_non_integer_labels():
    with pytest.raises(ValueError, match=r"`labels` must hold integer class indices\..*argmax"):
        imbalance.compute_class_weights(np.array([0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match=r"`labels` must be a 1-D array"):
        imbalance.compute_class_weights(np.zeros((3, 2), dtype=int))


def test_sequence_sample_weights_zero_on_masked_steps_and_balanced_on_real_ones():
    labels = np.array([[0, 0, 1, 0], [0, 1, 2, 2]])
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=bool)
    original = labels.copy()
    weights = imbalance.sequence_sample_weights(labels[..., None], mask=mask)
    assert weights.shape == (2, 4) and weights.dtype == np.float32
    np.testing.assert_array_equal(weights[~mask], 0)
    # Class 2 occurs only on masked steps: it is not weighted and not required.
    real = labels[mask]
    per_class = [weights[mask][real == k].sum() for k in (0, 1)]
    np.testing.assert_allclose(per_class, per_class[0])
    np.testing.assert_array_equal(labels, original)


def test_sequence_sample_weights_require_every_class_in_a_given_dict():
    with pytest.raises(
        ValueError, match=r"no weight for class\(es\) \[1\]\. Keras would silently use 1\.0"
    ):
        imbalance.sequence_sample_weights(np.array([[0, 1]]), class_weight={0: 1.0})
    with pytest.raises(ValueError, match=r"`mask` must have the shape of `labels` \(N, T\)"):
        imbalance.sequence_sample_weights(np.array([[0, 1]]), mask=np.ones((1, 3), bool))
    with pytest.raises(ValueError, match=r"`labels` must be \(N, T\) or \(N, T, 1\)"):
        imbalance.sequence_sample_weights(np.zeros((2, 3, 4), dtype=int))


def test_sequence_sample_weights_train_a_per_step_model():
    # Keras's fit(class_weight=...) rejects per-step targets; a 2-D (N, T) sample_weight
    # is the way to weight classes step by step, so train with one to prove it works.
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 12, 1)).astype("float32")
    y = (x[..., 0] > 1.0).astype("int64")
    y[0, 0] = 1
    weights = imbalance.sequence_sample_weights(y)
    inputs = keras.Input((12, 1))
    outputs = keras.layers.Dense(1, activation="sigmoid")(
        keras.layers.LSTM(4, return_sequences=True)(inputs)
    )
    model = keras.Model(inputs, outputs)
    model.compile("adam", "binary_crossentropy")
    history = model.fit(x, y[..., None], sample_weight=weights, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


# Keys of `class_weight` ----------------------------------------------------------------


def test_sequence_sample_weights_reject_a_negative_key_instead_of_reweighting_the_last_class():
    labels = np.array([[0, 1, 1]])
    with pytest.raises(ValueError, match="`class_weight` keys must be >= 0"):
        imbalance.sequence_sample_weights(labels, class_weight={0: 1.0, 1: 2.0, -1: 9.0})


def test_sequence_sample_weights_reject_fractional_and_non_numeric_keys():
    labels = np.array([[0, 1, 1]])
    with pytest.raises(ValueError, match="`class_weight` keys must be whole numbers"):
        imbalance.sequence_sample_weights(labels, class_weight={0: 1.0, 1.7: 2.0})
    with pytest.raises(TypeError, match="`class_weight` has a key that is not a class index"):
        imbalance.sequence_sample_weights(labels, class_weight={0: 1.0, 1: 2.0, "a": 3.0})
    with pytest.raises(TypeError, match="`class_weight` has a key that is not a class index"):
        imbalance.sequence_sample_weights(labels, class_weight={False: 1.0, 1: 2.0})


def test_sequence_sample_weights_accept_whole_float_keys():
    labels = np.array([[0, 1, 1]])
    weights = imbalance.sequence_sample_weights(labels, class_weight={0.0: 1.0, 1.0: 2.0})
    np.testing.assert_array_equal(weights, [[1.0, 2.0, 2.0]])


def test_sequence_sample_weights_report_keys_of_absent_classes_without_allocating():
    labels = np.array([[0, 1, 1]])
    with pytest.raises(
        ValueError, match=r"`class_weight` has weights for class\(es\) \[500000000\]"
    ):
        imbalance.sequence_sample_weights(labels, class_weight={0: 1.0, 1: 2.0, 5 * 10**8: 1.0})


def test_sequence_sample_weights_large_label_values_need_no_large_table():
    labels = np.array([[0, 10**12, 10**12]])
    weights = imbalance.sequence_sample_weights(labels, class_weight={0: 1.0, 10**12: 2.0})
    np.testing.assert_array_equal(weights, [[1.0, 2.0, 2.0]])


def test_class_weight_dicts_cover_exactly_the_classes():
    weights = imbalance.compute_class_weights(np.array([0, 0, 1, 2]), classes=[0, 1, 2])
    assert sorted(weights) == [0, 1, 2]
    with pytest.raises(ValueError, match="`class_weight` must give a weight to every class"):
        imbalance.sequence_sample_weights(np.array([[0, 1, 2]]), class_weight={0: 1.0, 1: 1.0})
