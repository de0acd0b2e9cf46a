"""Honest figures for imbalanced data: a threshold chosen on validation data, and a report.

Accuracy misleads when one class is rare. :func:`select_threshold` picks the decision
threshold on the validation split; :func:`evaluate_scores` reports PR-AUC, F1, MCC,
balanced accuracy, accuracy and the confusion matrix at that threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import (
    check_array,
    check_float,
    check_labels,
    check_option,
    check_same_length,
)

__all__ = ["evaluate_scores", "select_threshold"]

_THRESHOLD_METRICS = ("f1", "mcc", "balanced_accuracy")


def _check_scores(labels: Any, scores: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    labels = check_labels(labels)
    scores = check_array(scores, "scores", ndim=(1, 2), dtype="float64")
    check_same_length("labels", labels, "scores", scores)
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    binary = scores.ndim == 1
    num_classes = 2 if binary else scores.shape[1]
    if labels.max() >= num_classes:
        raise ValueError(
            f"`labels` must be class indices below the number of score columns "
            f"({num_classes}). Received: a label {labels.max()}. Binary problems take one "
            f"score per sample (the positive class's probability)."
        )
    present = np.unique(labels)
    if present.size < num_classes:
        missing = np.setdiff1d(np.arange(num_classes), present).tolist()
        raise ValueError(
            f"`labels` must contain every class for PR-AUC and thresholds to mean anything. "
            f"Received: no samples of class(es) {missing} among {labels.size} label(s). "
            f"Use a split with positives in it (a split without them gives PR-AUC 0.0 "
            f"silently in Keras)."
        )
    return labels, scores, binary


def _counts_at_each_threshold(
    labels: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Confusion counts for ``predict positive if score >= t`` at each distinct score."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_labels = scores[order], labels[order]
    last_of_value = np.r_[np.flatnonzero(np.diff(sorted_scores)), len(scores) - 1]
    true_positives = np.cumsum(sorted_labels)[last_of_value].astype("float64")
    false_positives = (last_of_value + 1 - true_positives).astype("float64")
    positives = float(labels.sum())
    negatives = float(len(labels) - positives)
    false_negatives = positives - true_positives
    true_negatives = negatives - false_positives
    return (
        sorted_scores, last_of_value, true_positives, false_positives, false_negatives,
        true_negatives,
    )


def select_threshold(labels: Any, scores: Any, *, metric: str = "f1") -> float:
    """Return the decision threshold that maximises ``metric`` on validation data.

    With rare positives the default 0.5 is rarely right: a weighted model over-predicts
    the minority, an unweighted one almost never reaches 0.5. Choose the threshold on
    the **validation** split, then apply it unchanged to the test split
    (``evaluate_scores(test_labels, test_scores, threshold=threshold)``); choosing it on
    test data would report a figure no deployed model could reach.

    The threshold returned lies halfway between the lowest validation score predicted
    positive and the next lower score, so it does not sit on a validation point. Ties
    in ``metric`` go to the highest threshold (fewest alarms).

    Args:
        labels: ``(N,)`` 0/1 labels of the validation split, with both classes present.
        scores: ``(N,)`` or ``(N, 1)`` scores or probabilities of the positive class.
        metric: ``"f1"``, ``"mcc"`` or ``"balanced_accuracy"``.

    Returns:
        A float threshold: predict positive where ``score >= threshold``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> labels = np.array([0, 0, 0, 0, 1, 1])
        >>> scores = np.array([0.05, 0.1, 0.2, 0.3, 0.25, 0.4])
        >>> imbalance.select_threshold(labels, scores)
        0.225
    """
    labels, scores, binary = _check_scores(labels, scores)
    if not binary:
        raise ValueError(
            f"`scores` must be one score per sample for a binary problem. Received: scores "
            f"with shape {scores.shape}. Multi-class predictions use the arg-max; pass "
            f"`scores[:, k]` with `labels == k` to tune one class against the rest."
        )
    metric = check_option(metric, "metric", _THRESHOLD_METRICS)
    sorted_scores, last, tp, fp, fn, tn = _counts_at_each_threshold(labels, scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "f1":
            values = 2 * tp / (2 * tp + fp + fn)
        elif metric == "mcc":
            values = (tp * tn - fp * fn) / np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        else:
            values = 0.5 * (tp / (tp + fn) + tn / (tn + fp))
    best = int(np.argmax(np.nan_to_num(values, nan=-np.inf)))
    chosen = sorted_scores[last[best]]
    below = sorted_scores[last[best] + 1] if last[best] + 1 < len(sorted_scores) else chosen
    return float((chosen + below) / 2)


def evaluate_scores(labels: Any, scores: Any, *, threshold: float | None = None) -> dict[str, Any]:
    """Report PR-AUC, F1, MCC, balanced accuracy, accuracy and the confusion matrix.

    Use it to compare methods on imbalanced held-out data, where accuracy misleads (a
    model that never predicts the rare class scores the majority share). PR-AUC
    (scikit-learn's average precision) ranks scores without a threshold; F1, MCC and
    balanced accuracy judge the decisions at ``threshold``.

    Args:
        labels: ``(N,)`` integer classes; every class must occur.
        scores: binary: ``(N,)`` or ``(N, 1)`` positive-class scores; multi-class:
            ``(N, K)`` class probabilities (decisions by arg-max; PR-AUC and F1 are
            macro averages over classes).
        threshold: binary only; predict positive where ``score >= threshold``. Default
            0.5. Choose it with :func:`select_threshold` on validation data.

    Returns:
        A dict with float ``pr_auc``, ``f1``, ``mcc``, ``balanced_accuracy``,
        ``accuracy``, the ``confusion_matrix`` as a list of lists (rows: true class),
        and ``threshold`` (None for multi-class).

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> labels = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
        >>> never = np.zeros(10)  # never predicts the rare class
        >>> report = imbalance.evaluate_scores(labels, never)
        >>> report["accuracy"], report["f1"], report["mcc"], report["balanced_accuracy"]
        (0.8, 0.0, 0.0, 0.5)
        >>> report["confusion_matrix"]
        [[8, 0], [2, 0]]
    """
    from sklearn import metrics

    labels, scores, binary = _check_scores(labels, scores)
    if binary:
        threshold = 0.5 if threshold is None else check_float(threshold, "threshold")
        predictions = (scores >= threshold).astype("int64")
        pr_auc = metrics.average_precision_score(labels, scores)
        f1 = metrics.f1_score(labels, predictions, zero_division=0.0)
        num_classes = 2
    else:
        if threshold is not None:
            raise ValueError(
                f"`threshold` applies to binary scores only. Received: threshold={threshold} "
                f"with scores of shape {scores.shape}. Leave it as None for arg-max decisions."
            )
        num_classes = scores.shape[1]
        predictions = scores.argmax(axis=1)
        one_hot = np.eye(num_classes, dtype="int64")[labels]
        pr_auc = metrics.average_precision_score(one_hot, scores, average="macro")
        f1 = metrics.f1_score(labels, predictions, average="macro", zero_division=0.0)
    matrix = metrics.confusion_matrix(labels, predictions, labels=np.arange(num_classes))
    return {
        "pr_auc": float(pr_auc),
        "f1": float(f1),
        "mcc": float(metrics.matthews_corrcoef(labels, predictions)),
        "balanced_accuracy": float(metrics.balanced_accuracy_score(labels, predictions)),
        "accuracy": float(metrics.accuracy_score(labels, predictions)),
        "confusion_matrix": matrix.tolist(),
        "threshold": threshold if binary else None,
    }
