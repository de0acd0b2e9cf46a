"""Rare classes in sequence data: weights, resampling, balanced batches and honest metrics.

scikit-learn and imbalanced-learn already solve most of imbalance for tables. What they
lack for sequences is small, and it is all this module holds:

- class weights that refuse a split in which a class is missing (Keras silently gives a
  missing class the weight 1.0), and per-step weights for sequence labelling, where
  ``fit(class_weight=...)`` fails with per-timestep targets and masked steps must get 0;
- random over- and under-sampling of *whole sequences* (imbalanced-learn rejects 3-D
  arrays, so it resamples indices here);
- SMOTE- and ADASYN-style synthetic sequences on 3-D arrays (flattened to ``(N, T*C)``
  for imbalanced-learn and reshaped back);
- a :class:`BalancedBatchDataset` for ``model.fit`` with equal class counts per batch;
- threshold selection on validation data and a report of PR-AUC, F1, MCC, balanced
  accuracy and the confusion matrix.

Resample, synthesise and weight using the *training* split only: validation and test
data keep their natural class balance, or their figures stop meaning anything.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from lstmkit._validation import (
    check_array,
    check_float,
    check_int,
    check_option,
    check_random_state,
    check_same_length,
    received,
)

__all__ = [
    "BalancedBatchDataset",
    "compute_class_weights",
    "evaluate_scores",
    "resample_sequences",
    "select_threshold",
    "sequence_sample_weights",
    "synthesize_sequences",
]

_EXTRA_HINT = 'Install it with `pip install "lstmkit[imbalance]"` (or `pip install imbalanced-learn`).'
_THRESHOLD_METRICS = ("f1", "mcc", "balanced_accuracy")


def _import_imblearn() -> Any:
    try:
        import imblearn
    except ImportError as error:  # pragma: no cover - the test environment has it
        raise ImportError(f"This function needs imbalanced-learn. {_EXTRA_HINT}") from error
    return imblearn


def _check_labels(labels: Any, name: str = "labels", *, ndim: int = 1) -> np.ndarray:
    """Integer class labels: bool or integer dtype, or floats holding whole numbers."""
    labels = check_array(labels, name, ndim=ndim)
    if labels.dtype.kind == "f":
        if not np.array_equal(labels, np.round(labels)):
            raise ValueError(
                f"`{name}` must hold integer class indices. Received: {name} with non-integer "
                f"values such as {labels[labels != np.round(labels)].flat[0]!r}. For one-hot "
                f"labels pass `labels.argmax(axis=-1)`."
            )
        labels = labels.astype("int64")
    elif labels.dtype.kind == "b":
        labels = labels.astype("int64")
    if labels.min() < 0:
        raise ValueError(
            f"`{name}` must hold class indices >= 0. Received: {name} with minimum "
            f"{labels.min()}. Encode classes with `sklearn.preprocessing.LabelEncoder`."
        )
    return labels


def _check_sequences(sequences: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    sequences = check_array(sequences, "sequences", ndim=(2, 3))
    labels = _check_labels(labels)
    check_same_length("sequences", sequences, "labels", labels)
    return sequences, labels


def _classes_from(labels: np.ndarray, classes: Any, name: str) -> np.ndarray:
    """The classes to weight; every one must occur in ``labels``."""
    present = np.unique(labels)
    if classes is None:
        classes = present
    else:
        classes = np.unique(_check_labels(classes, "classes"))
    missing = np.setdiff1d(classes, present)
    if missing.size:
        raise ValueError(
            f"Every class must occur in `{name}` to be weighted. Received: no samples of "
            f"class(es) {missing.tolist()} among {labels.size} label(s) (classes present: "
            f"{present.tolist()}). Use a stratified or larger split so each class appears, "
            f"or drop the class."
        )
    if classes.size < 2:
        raise ValueError(
            f"`{name}` must hold at least 2 classes to be weighted. Received: only class "
            f"{classes.tolist()}. A split with one class cannot train a classifier."
        )
    return classes


def compute_class_weights(labels: Any, *, classes: Any = None) -> dict[int, float]:
    """Return balanced class weights ``n_samples / (n_classes * count)`` as a dict.

    Use it for ``model.fit(..., class_weight=...)`` with one label per sequence. It wraps
    ``sklearn.utils.class_weight.compute_class_weight("balanced")`` and adds the check
    Keras lacks: a class with no samples raises instead of silently getting 1.0.

    Args:
        labels: 1-D integer class indices, one per sequence (``(N,)``).
        classes: the classes the model predicts (for example ``range(11)``). Every one
            must occur in ``labels``. Defaults to the classes present.

    Returns:
        ``{class_index: weight}`` with Python ints and floats; the weighted class counts
        are then equal.

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> imbalance.compute_class_weights(np.array([0, 0, 0, 1]))
        {0: 0.6666666666666666, 1: 2.0}
    """
    from sklearn.utils.class_weight import compute_class_weight

    labels = _check_labels(labels)
    classes = _classes_from(labels, classes, "labels")
    weights = compute_class_weight("balanced", classes=classes, y=labels[np.isin(labels, classes)])
    return {int(label): float(weight) for label, weight in zip(classes, weights, strict=True)}


def sequence_sample_weights(
    labels: Any, *, mask: Any = None, class_weight: dict[int, float] | None = None
) -> np.ndarray:
    """Return per-step weights ``(N, T)`` for sequence labelling, 0 on masked steps.

    Use it when the model predicts a class at every step (``return_sequences=True``):
    ``fit(class_weight=...)`` fails with per-timestep targets, but
    ``fit(x, y, sample_weight=weights)`` with a 2-D weight array works. Padded steps get
    weight 0 so they neither count as a class nor dilute the loss.

    Args:
        labels: integer class per step, ``(N, T)`` or ``(N, T, 1)``.
        mask: ``(N, T)`` booleans, True on real steps (for example from
            ``lstmkit.padding``). Default: every step is real.
        class_weight: ``{class: weight}``; must cover every class on an unmasked step.
            Default: balanced weights from the unmasked steps
            (:func:`compute_class_weights`).

    Returns:
        float32 array ``(N, T)``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> labels = np.array([[0, 0, 1, 0], [0, 0, 0, 0]])
        >>> mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=bool)
        >>> imbalance.sequence_sample_weights(labels, mask=mask)
        array([[0.6, 0.6, 3. , 0.6],
               [0.6, 0.6, 0. , 0. ]], dtype=float32)
    """
    labels = _check_labels(labels, ndim=(2, 3))
    if labels.ndim == 3:
        if labels.shape[-1] != 1:
            raise ValueError(
                f"`labels` must be (N, T) or (N, T, 1) class indices. Received: labels with "
                f"shape {labels.shape}. For one-hot targets pass `labels.argmax(axis=-1)`."
            )
        labels = labels[..., 0]
    if mask is None:
        mask = np.ones(labels.shape, dtype=bool)
    else:
        mask = check_array(mask, "mask", ndim=2)
        if mask.shape != labels.shape:
            raise ValueError(
                f"`mask` must have the shape of `labels` (N, T). Received: mask with shape "
                f"{mask.shape} for labels with shape {labels.shape}."
            )
        mask = mask.astype(bool)
    real = labels[mask]
    if real.size == 0:
        raise ValueError("`mask` must keep at least one step. Received: a mask with no True value.")
    if class_weight is None:
        class_weight = compute_class_weights(real)
    elif not isinstance(class_weight, dict):
        raise TypeError(
            f"`class_weight` must be a dict {{class: weight}} or None. "
            f"{received(class_weight=class_weight)}"
        )
    missing = sorted(set(np.unique(real).tolist()) - {int(key) for key in class_weight})
    if missing:
        raise ValueError(
            f"`class_weight` must give a weight to every class in `labels`. Received: no "
            f"weight for class(es) {missing}. Keras would silently use 1.0; add them."
        )
    table = np.zeros(int(max(labels.max(), max(int(k) for k in class_weight))) + 1, "float32")
    for label, weight in class_weight.items():
        table[int(label)] = check_float(weight, f"class_weight[{label}]", minimum=0)
    return np.where(mask, table[labels], np.float32(0)).astype("float32")


def resample_sequences(
    sequences: Any,
    labels: Any,
    *,
    method: str = "over",
    sampling_strategy: Any = "auto",
    seed: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Randomly over- or under-sample whole sequences until classes are balanced.

    Over-sampling repeats minority sequences; under-sampling drops majority ones. Both
    keep every sequence intact, so they work for any length, channels or dtype (token
    ids too). imbalanced-learn's samplers reject 3-D arrays, so this resamples the
    *indices* with ``RandomOverSampler`` / ``RandomUnderSampler`` and gathers.

    Args:
        sequences: ``(N, T)`` or ``(N, T, C)``. The training split only.
        labels: ``(N,)`` integer classes.
        method: ``"over"`` or ``"under"``.
        sampling_strategy: passed to imbalanced-learn (``"auto"``, a float ratio for
            binary problems, or a ``{class: count}`` dict).
        seed: None, an int or a ``numpy.random.Generator``.

    Returns:
        ``(sequences, labels)``: new arrays (the inputs are untouched); originals first,
        then the added copies, so shuffle before training (``fit`` does by default).

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> x, y = np.zeros((5, 100, 2)), np.array([0, 0, 0, 0, 1])
        >>> x_over, y_over = imbalance.resample_sequences(x, y, method="over", seed=0)
        >>> x_over.shape, np.bincount(y_over).tolist()
        ((8, 100, 2), [4, 4])
        >>> x_under, y_under = imbalance.resample_sequences(x, y, method="under", seed=0)
        >>> x_under.shape, np.bincount(y_under).tolist()
        ((2, 100, 2), [1, 1])
    """
    sequences, labels = _check_sequences(sequences, labels)
    method = check_option(method, "method", ("over", "under"))
    generator = check_random_state(seed)
    _classes_from(labels, None, "labels")
    _import_imblearn()
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    sampler_class = RandomOverSampler if method == "over" else RandomUnderSampler
    sampler = sampler_class(
        sampling_strategy=sampling_strategy, random_state=int(generator.integers(2**31 - 1))
    )
    indices, resampled_labels = sampler.fit_resample(np.arange(len(labels))[:, None], labels)
    return sequences[indices[:, 0]], np.asarray(resampled_labels)


def synthesize_sequences(
    sequences: Any,
    labels: Any,
    *,
    method: str = "smote",
    num_neighbors: int = 5,
    sampling_strategy: Any = "auto",
    seed: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Add synthetic minority sequences by SMOTE or ADASYN interpolation, on 3-D arrays.

    A new sequence is ``a + u * (b - a)`` for a minority sequence ``a``, one of its
    ``num_neighbors`` nearest same-class sequences ``b`` and ``u`` uniform in [0, 1], step
    by step. ``"adasyn"`` draws more new sequences near minority sequences whose
    neighbourhood is dominated by other classes (the hard cases). imbalanced-learn does
    the work on the flattened ``(N, T*C)`` array; the result is reshaped back.

    When is that valid? Flattening treats step ``t`` of one sequence as the same feature
    as step ``t`` of another, so use it only for **aligned, equal-length, real-valued**
    sequences: windows of one series with the event at a consistent place, or signals
    whose classes have the same shape at the same time. Interpolating two bursts at
    different times gives two half bursts that no real class produces; padded sequences
    would mix padding with data. For misaligned data prefer :func:`resample_sequences`,
    random crops, or align first. Call it on the **training split only**: neighbours are
    searched among the rows passed, so synthetic sequences never borrow from validation
    or test data, and evaluating on synthetic rows would flatter a model.

    Args:
        sequences: ``(N, T)`` or ``(N, T, C)`` float array (the training split).
        labels: ``(N,)`` integer classes.
        method: ``"smote"`` or ``"adasyn"``.
        num_neighbors: neighbours per minority sequence; each minority class needs more
            sequences than this.
        sampling_strategy: passed to imbalanced-learn (``"auto"`` balances every class).
        seed: None, an int or a ``numpy.random.Generator``.

    Returns:
        ``(sequences, labels)``: the originals first (unchanged), then the synthetic
        ones, in the input's float dtype.

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> rng = np.random.default_rng(0)
        >>> x = rng.normal(size=(20, 50, 3)).astype("float32")
        >>> y = np.array([0] * 14 + [1] * 6)
        >>> x_new, y_new = imbalance.synthesize_sequences(x, y, num_neighbors=3, seed=0)
        >>> x_new.shape, x_new.dtype, np.bincount(y_new).tolist()
        ((28, 50, 3), dtype('float32'), [14, 14])
        >>> bool(np.array_equal(x_new[:20], x))
        True
    """
    sequences, labels = _check_sequences(sequences, labels)
    if sequences.dtype.kind != "f":
        raise TypeError(
            f"`sequences` must be real-valued to interpolate between them. Received: "
            f"sequences with dtype {sequences.dtype}. For token ids or categories use "
            f"`resample_sequences` instead."
        )
    method = check_option(method, "method", ("smote", "adasyn"))
    num_neighbors = check_int(num_neighbors, "num_neighbors", minimum=1)
    generator = check_random_state(seed)
    classes = _classes_from(labels, None, "labels")
    counts = np.array([np.sum(labels == label) for label in classes])
    smallest = int(counts.min())
    if smallest <= num_neighbors:
        raise ValueError(
            f"`num_neighbors` must be smaller than the number of sequences in every class. "
            f"Received: num_neighbors={num_neighbors}, but class {int(classes[counts.argmin()])} "
            f"has {smallest} sequence(s). Lower `num_neighbors` or use `resample_sequences`."
        )
    _import_imblearn()
    from imblearn.over_sampling import ADASYN, SMOTE

    random_state = int(generator.integers(2**31 - 1))
    if method == "smote":
        sampler = SMOTE(
            sampling_strategy=sampling_strategy, k_neighbors=num_neighbors, random_state=random_state
        )
    else:
        sampler = ADASYN(
            sampling_strategy=sampling_strategy, n_neighbors=num_neighbors, random_state=random_state
        )
    flat = sequences.reshape(len(sequences), -1)
    try:
        new_flat, new_labels = sampler.fit_resample(flat, labels)
    except (RuntimeError, ValueError) as error:
        raise ValueError(
            f"imbalanced-learn's {type(sampler).__name__} could not create sequences: {error} "
            f"ADASYN needs minority sequences with neighbours from other classes; try "
            f"method='smote'."
        ) from error
    new_sequences = np.asarray(new_flat, dtype=sequences.dtype).reshape(-1, *sequences.shape[1:])
    return new_sequences, np.asarray(new_labels)


class BalancedBatchDataset(keras.utils.PyDataset):
    """Batches with (nearly) equal counts of every class, for ``model.fit``.

    Use it instead of class weights or a resampled copy when the data is large: each
    batch draws ``batch_size / num_classes`` sequences per class, so a rare class appears
    in every batch and the gradient never ignores it. Within an epoch each class's
    sequences are drawn without replacement and recycled only when used up, so majority
    sequences are all seen over a few epochs and minority ones are repeated. The plan is
    reshuffled at the end of every epoch; the same seed gives the same batches.

    Args:
        sequences: ``(N, T)`` or ``(N, T, C)`` (any dtype; not copied).
        labels: ``(N,)`` integer classes; the targets returned with each batch.
        batch_size: sequences per batch, at least the number of classes.
        batches_per_epoch: batches in one epoch; default ``ceil(N / batch_size)``.
        seed: None, an int or a ``numpy.random.Generator``.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` for
            ``keras.utils.PyDataset``.

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> x, y = np.zeros((100, 30, 1), "float32"), np.array([0] * 95 + [1] * 5)
        >>> batches = imbalance.BalancedBatchDataset(x, y, batch_size=16, seed=0)
        >>> x_batch, y_batch = batches[0]
        >>> len(batches), x_batch.shape, np.bincount(y_batch).tolist()
        (7, (16, 30, 1), [8, 8])
    """

    def __init__(
        self,
        sequences: Any,
        labels: Any,
        *,
        batch_size: int = 32,
        batches_per_epoch: int | None = None,
        seed: Any = None,
        **kwargs: Any,
    ) -> None:
        sequences = check_array(sequences, "sequences", ndim=(2, 3), numeric=False)
        labels = _check_labels(labels)
        check_same_length("sequences", sequences, "labels", labels)
        self.classes = _classes_from(labels, None, "labels")
        self.batch_size = check_int(
            batch_size,
            "batch_size",
            minimum=len(self.classes),
            hint="Each batch needs at least one sequence per class.",
        )
        if batches_per_epoch is None:
            batches_per_epoch = -(-len(labels) // self.batch_size)
        self.batches_per_epoch = check_int(batches_per_epoch, "batches_per_epoch", minimum=1)
        super().__init__(**kwargs)
        self.sequences = sequences
        self.labels = labels
        self._generator = check_random_state(seed)
        self._members = [np.flatnonzero(labels == label) for label in self.classes]
        self._plan = self._make_plan()

    def _make_plan(self) -> np.ndarray:
        """Indices ``(batches_per_epoch, batch_size)`` with balanced classes per row."""
        num_classes = len(self.classes)
        slots = np.empty((self.batches_per_epoch, self.batch_size), dtype="int64")
        for row in range(self.batches_per_epoch):
            # Equal shares; the remainder goes to classes picked at random per batch.
            order = np.concatenate(
                [np.arange(num_classes)] * (self.batch_size // num_classes)
                + [self._generator.permutation(num_classes)[: self.batch_size % num_classes]]
            )
            slots[row] = order
        plan = np.empty_like(slots)
        for position, members in enumerate(self._members):
            where = slots == position
            needed = int(where.sum())
            repeats = -(-needed // len(members))
            drawn = np.concatenate([self._generator.permutation(members) for _ in range(repeats)])
            plan[where] = drawn[:needed]
        for row in plan:
            self._generator.shuffle(row)
        return plan

    def __len__(self) -> int:
        return self.batches_per_epoch

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        if not 0 <= index < self.batches_per_epoch:
            raise IndexError(
                f"Batch index {index} out of range for {self.batches_per_epoch} batch(es)."
            )
        rows = self._plan[index]
        return self.sequences[rows], self.labels[rows]

    def on_epoch_end(self) -> None:
        self._plan = self._make_plan()


def _check_scores(labels: Any, scores: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    labels = _check_labels(labels)
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


def _counts_at_each_threshold(labels: np.ndarray, scores: np.ndarray):
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
    return sorted_scores, last_of_value, true_positives, false_positives, false_negatives, true_negatives


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
