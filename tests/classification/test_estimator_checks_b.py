"""scikit-learn's estimator checks on LongSequenceClassifier, second half (classifier_cases)."""

from classifier_cases import estimator_checks


@estimator_checks(part=1)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
