"""lstmkit.imbalance: weights, resampling of whole sequences, balanced batches, metrics."""

import keras
import numpy as np
import pytest
from sklearn import metrics

from lstmkit import imbalance


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    sequences = rng.normal(size=(30, 40, 2)).astype("float32")
    labels = np.array([0] * 24 + [1] * 6)
    return sequences, labels


# Class weights -------------------------------------------------------------------------


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
    with pytest.raises(ValueError, match=r"at least 2 classes to be weighted\. Received: only class \[0\]"):
        imbalance.compute_class_weights(np.zeros(5, dtype=int))


def test_class_weights_reject_non_integer_labels():
    with pytest.raises(ValueError, match=r"`labels` must hold integer class indices\..*argmax"):
        imbalance.compute_class_weights(np.array([0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match=r"`labels` must be a 1-D array"):
        imbalance.compute_class_weights(np.zeros((3, 2), dtype=int))


# Per-step weights ----------------------------------------------------------------------


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
    with pytest.raises(ValueError, match=r"no weight for class\(es\) \[1\]\. Keras would silently use 1\.0"):
        imbalance.sequence_sample_weights(np.array([[0, 1]]), class_weight={0: 1.0})
    with pytest.raises(ValueError, match=r"`mask` must have the shape of `labels` \(N, T\)"):
        imbalance.sequence_sample_weights(np.array([[0, 1]]), mask=np.ones((1, 3), bool))
    with pytest.raises(ValueError, match=r"`labels` must be \(N, T\) or \(N, T, 1\)"):
        imbalance.sequence_sample_weights(np.zeros((2, 3, 4), dtype=int))


def test_sequence_sample_weights_train_a_per_step_model():
    # PITFALLS: class_weight fails with per-step targets; an (N, T) sample_weight works.
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 12, 1)).astype("float32")
    y = (x[..., 0] > 1.0).astype("int64")
    y[0, 0] = 1
    weights = imbalance.sequence_sample_weights(y)
    inputs = keras.Input((12, 1))
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.LSTM(4, return_sequences=True)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "binary_crossentropy")
    history = model.fit(x, y[..., None], sample_weight=weights, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


# Resampling ----------------------------------------------------------------------------


@pytest.mark.parametrize("method, expected", [("over", [24, 24]), ("under", [6, 6])])
def test_resample_sequences_keeps_whole_sequences(data, method, expected):
    sequences, labels = data
    before = sequences.copy()
    new_sequences, new_labels = imbalance.resample_sequences(sequences, labels, method=method, seed=0)
    assert np.bincount(new_labels).tolist() == expected
    assert new_sequences.shape == (sum(expected), 40, 2)
    # Every output row is an input row with the same label.
    for row, label in zip(new_sequences, new_labels, strict=True):
        match = np.flatnonzero((sequences == row).all(axis=(1, 2)))
        assert match.size == 1 and labels[match[0]] == label
    np.testing.assert_array_equal(sequences, before)
    again, _ = imbalance.resample_sequences(sequences, labels, method=method, seed=0)
    np.testing.assert_array_equal(again, new_sequences)


def test_resample_sequences_works_on_token_ids():
    tokens = np.arange(12).reshape(4, 3)
    new_tokens, new_labels = imbalance.resample_sequences(tokens, [0, 0, 0, 1], seed=1)
    assert new_tokens.dtype == tokens.dtype and np.bincount(new_labels).tolist() == [3, 3]


def test_resample_sequences_errors(data):
    sequences, labels = data
    with pytest.raises(ValueError, match=r"`method` must be one of 'over', 'under'\. Received: method='smote'"):
        imbalance.resample_sequences(sequences, labels, method="smote")
    with pytest.raises(ValueError, match=r"`sequences` and `labels` must have the same length"):
        imbalance.resample_sequences(sequences, labels[:-1])
    with pytest.raises(ValueError, match=r"`sequences` must be a 2-D or 3-D array"):
        imbalance.resample_sequences(sequences[0, 0], labels[:2])


# Synthetic sequences -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["smote", "adasyn"])
def test_synthesize_sequences_interpolates_within_the_minority_class(data, method):
    sequences, labels = data
    # ADASYN needs hard cases: put two majority sequences among the minority ones.
    sequences = sequences.copy()
    sequences[labels == 1] += 3.0
    sequences[:2] += 3.0
    before = sequences.copy()
    new_sequences, new_labels = imbalance.synthesize_sequences(
        sequences, labels, method=method, num_neighbors=3, seed=0
    )
    np.testing.assert_array_equal(sequences, before)
    np.testing.assert_array_equal(new_sequences[:30], sequences)
    assert new_sequences.dtype == np.float32 and new_sequences.shape[1:] == (40, 2)
    synthetic = new_sequences[30:]
    assert len(synthetic) > 0 and (new_labels[30:] == 1).all()
    # Each synthetic sequence lies on a segment between two minority sequences: every
    # step is inside the minority class's per-step range.
    minority = sequences[labels == 1]
    assert (synthetic >= minority.min(axis=0) - 1e-5).all()
    assert (synthetic <= minority.max(axis=0) + 1e-5).all()


def test_synthesize_sequences_errors(data):
    sequences, labels = data
    with pytest.raises(TypeError, match=r"`sequences` must be real-valued to interpolate.*resample_sequences"):
        imbalance.synthesize_sequences(sequences.astype("int32"), labels)
    with pytest.raises(
        ValueError,
        match=r"`num_neighbors` must be smaller than the number of sequences in every class\. "
        r"Received: num_neighbors=6, but class 1 has 6 sequence\(s\)",
    ):
        imbalance.synthesize_sequences(sequences, labels, num_neighbors=6)
    with pytest.raises(ValueError, match=r"`method` must be one of 'smote', 'adasyn'"):
        imbalance.synthesize_sequences(sequences, labels, method="mixup")


# Balanced batches ----------------------------------------------------------------------


def test_balanced_batches_are_balanced_seeded_and_reshuffled(data):
    sequences, labels = data
    batches = imbalance.BalancedBatchDataset(sequences, labels, batch_size=9, seed=3)
    assert len(batches) == 4
    seen = []
    for index in range(len(batches)):
        x_batch, y_batch = batches[index]
        assert x_batch.shape == (9, 40, 2)
        assert sorted(np.bincount(y_batch, minlength=2).tolist()) == [4, 5]
        seen.append(x_batch)
    # Majority sequences are not repeated within an epoch (18 draws from 24).
    majority_rows = [row for x_batch, (_, y_batch) in zip(seen, map(batches.__getitem__, range(4)), strict=True)
                     for row, label in zip(x_batch, y_batch, strict=True) if label == 0]
    assert len({row.tobytes() for row in majority_rows}) == len(majority_rows)
    same = imbalance.BalancedBatchDataset(sequences, labels, batch_size=9, seed=3)
    np.testing.assert_array_equal(same[0][0], seen[0])
    batches.on_epoch_end()
    assert not np.array_equal(batches[0][0], seen[0])
    with pytest.raises(IndexError, match="out of range"):
        batches[4]


def test_balanced_batches_train_a_model(data):
    sequences, labels = data
    batches = imbalance.BalancedBatchDataset(sequences, labels, batch_size=8, batches_per_epoch=3, seed=0)
    model = keras.Sequential([keras.Input((40, 2)), keras.layers.LSTM(4), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    history = model.fit(batches, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_balanced_batches_errors(data):
    sequences, labels = data
    with pytest.raises(ValueError, match=r"`batch_size` must be an integer >= 2\. Received: batch_size=1\. Each batch"):
        imbalance.BalancedBatchDataset(sequences, labels, batch_size=1)
    with pytest.raises(ValueError, match=r"at least 2 classes"):
        imbalance.BalancedBatchDataset(sequences, np.zeros(30, dtype=int))


# Thresholds and metrics ----------------------------------------------------------------


@pytest.mark.parametrize("metric, scorer", [
    ("f1", metrics.f1_score),
    ("mcc", metrics.matthews_corrcoef),
    ("balanced_accuracy", metrics.balanced_accuracy_score),
])
def test_select_threshold_matches_a_brute_force_search(metric, scorer):
    rng = np.random.default_rng(5)
    labels = (rng.random(300) < 0.1).astype(int)
    scores = np.round(np.clip(0.3 * labels + rng.normal(0.3, 0.15, 300), 0, 1), 2)
    threshold = imbalance.select_threshold(labels, scores, metric=metric)
    best = max(scorer(labels, (scores >= t).astype(int)) for t in np.unique(scores))
    assert scorer(labels, (scores >= threshold).astype(int)) == pytest.approx(best)
    assert not np.isin(threshold, scores) or threshold == scores.min()


def test_select_threshold_errors():
    with pytest.raises(ValueError, match=r"`labels` must contain every class.*class\(es\) \[1\].*PR-AUC 0\.0 silently"):
        imbalance.select_threshold(np.zeros(4, int), np.linspace(0, 1, 4))
    with pytest.raises(ValueError, match=r"`metric` must be one of 'f1', 'mcc', 'balanced_accuracy'"):
        imbalance.select_threshold([0, 1], [0.1, 0.9], metric="accuracy")
    with pytest.raises(ValueError, match=r"one score per sample for a binary problem"):
        imbalance.select_threshold([0, 1, 2], np.eye(3))


def test_evaluate_scores_binary_matches_sklearn():
    rng = np.random.default_rng(2)
    labels = (rng.random(200) < 0.1).astype(int)
    scores = np.clip(0.4 * labels + rng.random(200) * 0.6, 0, 1)
    report = imbalance.evaluate_scores(labels, scores[:, None], threshold=0.45)
    predictions = (scores >= 0.45).astype(int)
    assert report["pr_auc"] == pytest.approx(metrics.average_precision_score(labels, scores))
    assert report["f1"] == pytest.approx(metrics.f1_score(labels, predictions))
    assert report["mcc"] == pytest.approx(metrics.matthews_corrcoef(labels, predictions))
    assert report["confusion_matrix"] == metrics.confusion_matrix(labels, predictions).tolist()
    assert report["threshold"] == 0.45


def test_evaluate_scores_multiclass_uses_argmax_and_macro_averages():
    labels = np.array([0, 0, 0, 0, 1, 1, 2])
    probabilities = np.eye(3)[[0, 0, 0, 1, 1, 1, 0]] * 0.8 + 0.1
    report = imbalance.evaluate_scores(labels, probabilities)
    predictions = probabilities.argmax(axis=1)
    assert report["f1"] == pytest.approx(metrics.f1_score(labels, predictions, average="macro"))
    assert report["balanced_accuracy"] == pytest.approx((0.75 + 1 + 0) / 3)
    assert report["threshold"] is None and len(report["confusion_matrix"]) == 3
    with pytest.raises(ValueError, match=r"`threshold` applies to binary scores only"):
        imbalance.evaluate_scores(labels, probabilities, threshold=0.3)
    with pytest.raises(ValueError, match=r"below the number of score columns \(3\)\. Received: a label 3"):
        imbalance.evaluate_scores(np.r_[labels, 3], np.r_[probabilities, probabilities[:1]])
