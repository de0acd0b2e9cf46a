"""Class weights for one label per sequence, and per-step weights for sequence labelling."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from lstmkit._validation import check_float, check_labels, check_mask, received
from lstmkit.imbalance._classes import classes_from

__all__ = ["compute_class_weights", "sequence_sample_weights"]


def compute_class_weights(labels: Any, *, classes: Any = None) -> dict[int, float]:
    """Return balanced class weights ``n_samples / (n_classes * count)`` as a dict.

    Use it for ``model.fit(..., class_weight=...)`` with one label per sequence. It wraps
    ``sklearn.utils.class_weight.compute_class_weight("balanced")`` and adds the check
    Keras lacks: Keras gives any class missing from a ``class_weight`` dict the weight
    1.0 without a word, so here every class in ``classes`` must occur in ``labels``
    (else ``ValueError``) and the dict returned has exactly one entry per class.

    Args:
        labels: 1-D integer class indices, one per sequence (``(N,)``).
        classes: the classes the model predicts (for example ``range(11)``). Every one
            must occur in ``labels``. Defaults to the classes present.

    Returns:
        ``{class_index: weight}`` with Python ints and floats, one entry per class; the
        weighted class counts are then equal.

    Example:
        >>> import numpy as np
        >>> from lstmkit import imbalance
        >>> imbalance.compute_class_weights(np.array([0, 0, 0, 1]))
        {0: 0.6666666666666666, 1: 2.0}
    """
    from sklearn.utils.class_weight import compute_class_weight

    labels = check_labels(labels)
    classes = classes_from(labels, classes, "labels")
    weights = compute_class_weight("balanced", classes=classes, y=labels[np.isin(labels, classes)])
    return {int(label): float(weight) for label, weight in zip(classes, weights, strict=True)}


def _class_index(key: Any) -> int:
    """A ``class_weight`` key as a class index: an int >= 0 (or a float holding one)."""
    hint = (
        "Keys must be integer class indices >= 0, as in `labels` (for example "
        "{0: 1.0, 1: 5.0})."
    )
    if isinstance(key, (bool, np.bool_)) or not isinstance(key, numbers.Real):
        raise TypeError(
            f"`class_weight` has a key that is not a class index. {received(key=key)} {hint}"
        )
    if not isinstance(key, numbers.Integral) and not float(key).is_integer():
        raise ValueError(
            f"`class_weight` keys must be whole numbers. {received(key=key)} {hint}"
        )
    if key < 0:
        raise ValueError(f"`class_weight` keys must be >= 0. {received(key=key)} {hint}")
    return int(key)


def _check_class_weight(class_weight: Any, labels: np.ndarray) -> dict[int, float]:
    """``{class: weight}`` with int keys; each key a class that occurs in ``labels``."""
    if not isinstance(class_weight, dict):
        raise TypeError(
            f"`class_weight` must be a dict {{class: weight}} or None. "
            f"{received(class_weight=class_weight)}"
        )
    weights: dict[int, float] = {}
    for key, weight in class_weight.items():
        # Equal numbers hash alike, so two keys of a dict never name the same class.
        weights[_class_index(key)] = check_float(weight, f"class_weight[{key!r}]", minimum=0)
    occurring = set(np.unique(labels).tolist())
    unknown = sorted(set(weights) - occurring)
    if unknown:
        shown = unknown[:10] + (["..."] if len(unknown) > 10 else [])
        raise ValueError(
            f"`class_weight` has weights for class(es) {shown} that never occur in "
            f"`labels` (classes present: {sorted(occurring)[:20]}). A wrong key or a different "
            f"class encoding would silently weight nothing; drop those keys."
        )
    return weights


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
        class_weight: ``{class: weight}`` with weights >= 0. Keys are integer class
            indices >= 0 (a float key is accepted only if it holds a whole number, so
            ``1.0`` means class 1 and ``1.7`` is an error). It must give a weight to every
            class on an unmasked step (no silent 1.0), and every key must be a class that
            occurs in ``labels`` (a stray key is reported, not ignored). Default:
            balanced weights from the unmasked steps (:func:`compute_class_weights`).

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
    labels = check_labels(labels, ndim=(2, 3))
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
        mask = check_mask(mask)
        if mask.shape != labels.shape:
            raise ValueError(
                f"`mask` must have the shape of `labels` (N, T). Received: mask with shape "
                f"{mask.shape} for labels with shape {labels.shape}."
            )
    real = labels[mask]
    if real.size == 0:
        raise ValueError(
            "`mask` must keep at least one step. Received: a mask with no True value."
        )
    if class_weight is None:
        class_weight = compute_class_weights(real)
    else:
        class_weight = _check_class_weight(class_weight, labels)
    missing = sorted(set(np.unique(real).tolist()) - set(class_weight))
    if missing:
        raise ValueError(
            f"`class_weight` must give a weight to every class in `labels`. Received: no "
            f"weight for class(es) {missing}. Keras would silently use 1.0; add them."
        )
    # Look weights up by position among the classes present: no table sized by a label value.
    classes, positions = np.unique(labels, return_inverse=True)
    table = np.array([class_weight.get(int(label), 0.0) for label in classes], "float32")
    weights = table[positions.reshape(labels.shape)]
    return np.where(mask, weights, np.float32(0)).astype("float32")
