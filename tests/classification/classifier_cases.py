"""The classifier the tests train (small and quick), a toy task, and the estimator checks.

scikit-learn's estimator checks take about seven minutes here, so two test files run
half of them each: under two pytest-xdist workers (one file per worker) they run side by
side instead of one after the other.
"""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from lstmkit.classification import LongSequenceClassifier

TINY = {"n_members": 1, "max_epochs": 8, "time_budget_s": 20.0, "random_state": 0}


def tiny(**options):
    return LongSequenceClassifier(**{**TINY, **options})


def make_series(n=40, steps=60, channels=None, seed=0):
    """Two classes: a bump up or a dip down, at a random place in the series."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    shape = (n, steps) if channels is None else (n, steps, channels)
    x = rng.normal(scale=0.3, size=shape).astype(np.float32)
    where = rng.integers(0, steps - steps // 10, size=n)
    for row, start in enumerate(where):
        x[row, start : start + steps // 10] += 2.0 if y[row] else -2.0
    return x, y


# Checks that cannot apply to a sequence classifier, with the reason. On JAX both have
# passed (reported as XPASS) since every prediction batch there is filled to one shape:
# each row goes through the same compiled step, with no last batch of another size.
EXPECTED_FAILED_CHECKS = {
    "check_methods_sample_order_invariance": (
        "float32 matrix products differ in the last bits (1e-7) with the batch's "
        "composition, and the check compares with rtol=1e-7"
    ),
    # Measured: 1 of 60 probabilities off by 1.8e-7 (0.59488332 vs 0.59488314) when
    # predicting on a subset, the same float32 batch-composition effect.
    "check_methods_subset_invariance": (
        "float32 matrix products differ in the last bits (1e-7) with the batch's "
        "composition, and the check compares with rtol=1e-7"
    ),
}


# Checks that fit the classifier several times (about a minute each here, against a few
# seconds for most): they alternate between the two halves on their own, so that the
# halves take about as long.
SLOW_CHECKS = (
    "check_classifiers_train",
    "check_classifiers_classes",
    "check_estimators_dtypes",
    "check_classifier_data_not_an_array",
    "check_methods_subset_invariance",
    "check_pipeline_consistency",
)


def _check_name(param):
    check = getattr(param, "values", param)[1]  # a pytest.param (xfail) or a plain pair
    return getattr(check, "func", check).__name__


def estimator_checks(part, parts=2):
    """``pytest.mark.parametrize`` over one of ``parts`` shares of scikit-learn's checks."""
    everything = parametrize_with_checks(
        [tiny()], expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS
    )
    argnames, params = everything.args
    slow = [param for param in params if _check_name(param) in SLOW_CHECKS]
    quick = [param for param in params if _check_name(param) not in SLOW_CHECKS]
    share = slow[part::parts] + quick[(part + 1) % parts :: parts]
    return pytest.mark.parametrize(argnames, share, **everything.kwargs)
