"""Resampling of whole sequences: random over/under-sampling and SMOTE/ADASYN on 3-D arrays.

imbalanced-learn's samplers reject 3-D arrays. :func:`resample_sequences` resamples the
*indices* and gathers whole sequences; :func:`synthesize_sequences` flattens aligned
sequences to ``(N, T*C)`` for SMOTE or ADASYN and reshapes the result back. Call both on
the training split only.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from lstmkit._validation import (
    check_float,
    check_int,
    check_option,
    check_random_state,
    import_optional,
    received,
)
from lstmkit.imbalance._classes import check_labelled_sequences, classes_from

__all__ = ["resample_sequences", "synthesize_sequences"]

_STRATEGY_HINT = (
    "Pass 'auto', another imbalanced-learn strategy name, a float ratio in (0, 1] for "
    "two classes, or a {class: count} dict."
)


def _check_sampling_strategy(sampling_strategy: Any) -> Any:
    """The types imbalanced-learn accepts; their values are checked when it runs."""
    if isinstance(sampling_strategy, (str, Mapping)) or callable(sampling_strategy):
        return sampling_strategy
    if isinstance(sampling_strategy, numbers.Real) and not isinstance(sampling_strategy, bool):
        return check_float(
            sampling_strategy, "sampling_strategy", minimum=0, maximum=1,
            include_minimum=False, hint=_STRATEGY_HINT,
        )
    raise TypeError(
        f"`sampling_strategy` must be a string, a float, a dict or a function. "
        f"{received(sampling_strategy=sampling_strategy)} {_STRATEGY_HINT}"
    )


def _refused(sampler: Any, sampling_strategy: Any, error: Exception) -> ValueError:
    return ValueError(
        f"imbalanced-learn's {type(sampler).__name__} refused `sampling_strategy`. "
        f"{received(sampling_strategy=sampling_strategy)} {error} {_STRATEGY_HINT}"
    )

_PURPOSE_RESAMPLE = "`lstmkit.imbalance.resample_sequences`"
_PURPOSE_SYNTH = "`lstmkit.imbalance.synthesize_sequences`"


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
    sequences, labels = check_labelled_sequences(sequences, labels)
    method = check_option(method, "method", ("over", "under"))
    sampling_strategy = _check_sampling_strategy(sampling_strategy)
    generator = check_random_state(seed)
    classes_from(labels, None, "labels")
    import_optional("imblearn", purpose=_PURPOSE_RESAMPLE)
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    sampler_class = RandomOverSampler if method == "over" else RandomUnderSampler
    sampler = sampler_class(
        sampling_strategy=sampling_strategy, random_state=int(generator.integers(2**31 - 1))
    )
    try:
        indices, resampled_labels = sampler.fit_resample(np.arange(len(labels))[:, None], labels)
    except ValueError as error:  # the checks above leave only the strategy to refuse
        raise _refused(sampler, sampling_strategy, error) from None
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
    sequences, labels = check_labelled_sequences(sequences, labels)
    if sequences.dtype.kind != "f":
        raise TypeError(
            f"`sequences` must be real-valued to interpolate between them. Received: "
            f"sequences with dtype {sequences.dtype}. For token ids or categories use "
            f"`resample_sequences` instead."
        )
    method = check_option(method, "method", ("smote", "adasyn"))
    sampling_strategy = _check_sampling_strategy(sampling_strategy)
    num_neighbors = check_int(num_neighbors, "num_neighbors", minimum=1)
    generator = check_random_state(seed)
    classes = classes_from(labels, None, "labels")
    counts = np.array([np.sum(labels == label) for label in classes])
    smallest = int(counts.min())
    if smallest <= num_neighbors:
        raise ValueError(
            f"`num_neighbors` must be smaller than the number of sequences in every class. "
            f"Received: num_neighbors={num_neighbors}, but class {int(classes[counts.argmin()])} "
            f"has {smallest} sequence(s). Lower `num_neighbors` or use `resample_sequences`."
        )
    import_optional("imblearn", purpose=_PURPOSE_SYNTH)
    from imblearn.over_sampling import ADASYN, SMOTE

    random_state = int(generator.integers(2**31 - 1))
    if method == "smote":
        sampler = SMOTE(
            sampling_strategy=sampling_strategy,
            k_neighbors=num_neighbors,
            random_state=random_state,
        )
    else:
        sampler = ADASYN(
            sampling_strategy=sampling_strategy,
            n_neighbors=num_neighbors,
            random_state=random_state,
        )
    flat = sequences.reshape(len(sequences), -1)
    try:
        new_flat, new_labels = sampler.fit_resample(flat, labels)
    except (RuntimeError, ValueError) as error:
        if "sampling_strategy" in str(error):
            raise _refused(sampler, sampling_strategy, error) from None
        raise ValueError(
            f"imbalanced-learn's {type(sampler).__name__} could not create sequences "
            f"(`method`={method!r}): {error} ADASYN needs minority sequences with neighbours "
            f"from other classes; try method='smote'."
        ) from error
    new_sequences = np.asarray(new_flat, dtype=sequences.dtype).reshape(-1, *sequences.shape[1:])
    return new_sequences, np.asarray(new_labels)
