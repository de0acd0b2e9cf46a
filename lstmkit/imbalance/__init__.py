"""Rare classes in sequence data: weights, resampling, balanced batches and honest metrics.

scikit-learn and imbalanced-learn already solve most of imbalance for tables. What they
lack for sequences is small, and it is all this package holds:

- class weights that refuse a split in which a class is missing (Keras silently gives a
  missing class the weight 1.0), and per-step weights for sequence labelling, where
  ``fit(class_weight=...)`` fails with per-timestep targets and masked steps must get 0
  (:mod:`lstmkit.imbalance.weights`);
- random over- and under-sampling of *whole sequences* (imbalanced-learn rejects 3-D
  arrays, so it resamples indices here), and SMOTE- and ADASYN-style synthetic
  sequences on 3-D arrays (:mod:`lstmkit.imbalance.resampling`);
- a :class:`BalancedBatchDataset` for ``model.fit`` with equal class counts per batch
  (:mod:`lstmkit.imbalance.balanced_batches`);
- threshold selection on validation data and a report of PR-AUC, F1, MCC, balanced
  accuracy and the confusion matrix (:mod:`lstmkit.imbalance.metrics`).

Resample, synthesise and weight using the *training* split only: validation and test
data keep their natural class balance, or their figures stop meaning anything.
"""

from lstmkit.imbalance.balanced_batches import BalancedBatchDataset
from lstmkit.imbalance.metrics import evaluate_scores, select_threshold
from lstmkit.imbalance.resampling import resample_sequences, synthesize_sequences
from lstmkit.imbalance.weights import compute_class_weights, sequence_sample_weights

__all__ = [
    "BalancedBatchDataset",
    "compute_class_weights",
    "evaluate_scores",
    "resample_sequences",
    "select_threshold",
    "sequence_sample_weights",
    "synthesize_sequences",
]
