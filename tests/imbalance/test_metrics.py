"""lstmkit.imbalance.metrics: thresholds chosen on validation data, and honest reports."""

import numpy as np
import pytest
from sklearn import metrics

from lstmkit import imbalance


@pytest.mark.parametrize(
    "metric, scorer",
    [
        ("f1", metrics.f1_score),
        ("mcc", metrics.matthews_corrcoef),
        ("balanced_accuracy", metrics.balanced_accuracy_score),
    ],
)
def test_select_threshold_matches_a_brute_force_search(metric, scorer):
    rng = np.random.default_rng(5)
    labels = (rng.random(300) < 0.1).astype(int)
    scores = np.round(np.clip(0.3 * labels + rng.normal(0.3, 0.15, 300), 0, 1), 2)
    threshold = imbalance.select_threshold(labels, scores, metric=metric)
    best = max(scorer(labels, (scores >= t).astype(int)) for t in np.unique(scores))
    assert scorer(labels, (scores >= threshold).astype(int)) == pytest.approx(best)
    assert not np.isin(threshold, scores) or threshold == scores.min()


def test_select_threshold_errors():
    with pytest.raises(
        ValueError,
        match=r"`labels` must contain every class.*class\(es\) \[1\].*PR-AUC 0\.0 silently",
    ):
        imbalance.select_threshold(np.zeros(4, int), np.linspace(0, 1, 4))
    with pytest.raises(
        ValueError, match=r"`metric` must be one of 'f1', 'mcc', 'balanced_accuracy'"
    ):
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
    with pytest.raises(
        ValueError, match=r"below the number of score columns \(3\)\. Received: a label 3"
    ):
        imbalance.evaluate_scores(np.r_[labels, 3], np.r_[probabilities, probabilities[:1]])
