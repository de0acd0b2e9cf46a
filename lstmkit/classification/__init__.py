"""Classify long series in one line: a scikit-learn estimator around the series' best recipes.

``LongSequenceClassifier`` takes ``(n, T)`` / ``(n, T, C)`` arrays or lists of
variable-length series and works inside ``Pipeline``, ``cross_val_score`` and
``GridSearchCV``. ``RECIPES`` lists the named recipes its ``recipe`` argument accepts.
"""

from lstmkit.classification.estimator import RECIPES, LongSequenceClassifier

__all__ = ["RECIPES", "LongSequenceClassifier"]
