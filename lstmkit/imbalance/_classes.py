"""Checks shared by the imbalance modules: sequences with labels, and the classes to balance."""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import check_labels, check_sequences

__all__ = ["check_labelled_sequences", "classes_from"]


def check_labelled_sequences(sequences: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """A rectangular ``(N, T)`` / ``(N, T, C)`` array and one integer label per sequence."""
    sequences = check_sequences(sequences)
    labels = check_labels(labels, sequences=sequences)
    return sequences, labels


def classes_from(labels: np.ndarray, classes: Any, name: str) -> np.ndarray:
    """The classes to weight or balance; every one must occur in ``labels``."""
    present = np.unique(labels)
    if classes is None:
        classes = present
    else:
        classes = np.unique(check_labels(classes, "classes"))
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
