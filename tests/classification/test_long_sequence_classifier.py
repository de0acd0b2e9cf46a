"""LongSequenceClassifier: scikit-learn contract, inputs, pickling, argument errors, budget."""

import pickle
import time

import joblib
import keras
import numpy as np
import pytest
from classifier_cases import make_series, tiny
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer


def test_learns_a_simple_task_and_exposes_fitted_attributes():
    x, y = make_series()
    clf = tiny(max_epochs=30).fit(x, y)
    assert clf.score(x, y) >= 0.9
    assert clf.n_features_in_ == 60 and clf.n_channels_ == 1
    assert clf.recipe_ == "lstm_fcn" and len(clf.models_) == 1
    assert not clf.bucket_  # one length: one batch shape without padding to a bucket
    np.testing.assert_array_equal(clf.classes_, [0, 1])


def test_works_in_pipeline_cross_val_score_and_grid_search():
    x, y = make_series(n=30)
    pipe = Pipeline([("copy", FunctionTransformer()), ("clf", tiny(max_epochs=2))])
    scores = cross_val_score(pipe, x, y, cv=2)
    assert scores.shape == (2,)
    search = GridSearchCV(tiny(max_epochs=2), {"use_lstm": [True, False]}, cv=2).fit(x, y)
    assert search.best_params_["use_lstm"] in (True, False)


def test_variable_length_series_and_channels():
    x, y = make_series(n=24, steps=50, channels=3)
    ragged = [row[: 20 + (i % 5) * 6] for i, row in enumerate(x)]
    clf = tiny(max_epochs=2).fit(ragged, y)
    # Batches padded to a few widths on JAX, which compiles once per batch shape.
    assert clf.bucket_ == (keras.backend.backend() == "jax")
    assert clf.predict_proba(ragged).shape == (24, 2)
    assert not hasattr(clf, "n_features_in_")
    with pytest.raises(ValueError, match="3 channels"):
        clf.predict(x[:, :, :2])


def test_quantile_recipe_and_string_labels():
    x, y = make_series(n=20, steps=400)
    labels = np.array(["late", "early"])[y]
    clf = tiny(max_epochs=2).fit(x, labels)
    assert clf.recipe_ == "quantile_lstm" and clf.window_ == 4
    assert set(clf.predict(x)) <= {"early", "late"}


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_pickle_round_trip_gives_identical_predictions(dump, tmp_path):
    x, y = make_series(n=20)
    clf = tiny(max_epochs=2).fit(x, y)
    if dump == "pickle":
        copy = pickle.loads(pickle.dumps(clf))
    else:
        joblib.dump(clf, tmp_path / "clf.joblib")
        copy = joblib.load(tmp_path / "clf.joblib")
    np.testing.assert_array_equal(copy.predict_proba(x), clf.predict_proba(x))


@pytest.mark.parametrize(
    ("argument", "value", "error"),
    [
        ("recipe", "fastest", ValueError),
        ("recipe", 3, TypeError),
        ("time_budget_s", 0, ValueError),
        ("n_members", 0, ValueError),
        ("max_epochs", 1.5, TypeError),
        ("use_lstm", "yes", TypeError),
        ("validation_fraction", 0.9, ValueError),
        ("validation_fraction", "half", ValueError),
        ("batch_size", 0, ValueError),
        ("random_state", -1, ValueError),
        ("verbose", 5, ValueError),
    ],
)
def test_bad_arguments_name_the_argument(argument, value, error):
    x, y = make_series(n=10)
    with pytest.raises(error, match=f"`{argument}` must be .* Received: {argument}="):
        tiny(**{argument: value}).fit(x, y)


def test_auto_validation_holds_out_only_when_each_class_gets_five_series():
    few_x, few_y = make_series(n=40)  # 20% is 8 series: under 5 for each of 2 classes
    few = tiny(max_epochs=2).fit(few_x, few_y)
    assert few.validation_fraction_ == 0.0
    enough_x, enough_y = make_series(n=50)  # 20% is 10 series: 5 per class
    assert tiny(max_epochs=2).fit(enough_x, enough_y).validation_fraction_ == 0.2
    explicit = tiny(max_epochs=2, validation_fraction=0.25).fit(few_x, few_y)
    assert explicit.validation_fraction_ == 0.25


def test_one_class_is_refused_naming_y():
    x, _ = make_series(n=10)
    with pytest.raises(ValueError, match="`y` must hold at least 2 classes"):
        tiny().fit(x, np.zeros(10))


def test_time_budget_is_respected():
    x, y = make_series(n=60, steps=200)
    started = time.process_time()
    clf = tiny(time_budget_s=3.0, max_epochs=10_000, n_members=2).fit(x, y)
    used = time.process_time() - started
    assert clf.fit_cpu_s_ <= used
    # The first member always runs one epoch (Keras builds and traces the model then),
    # and the last batch and validation pass may overrun the budget.
    assert used < 3.0 + clf._first_epoch_cpu + 2.0
    assert sum(clf.epochs_) < 10_000


def test_filled_last_batches_give_the_same_probabilities(monkeypatch):
    # On JAX the last batch of a prediction is filled with copies of the first series (one
    # compiled shape per width); the copies are cut off and change nothing.
    from lstmkit.classification import _network

    x, y = make_series(n=70)  # 70 series: batches of 64 and 6
    monkeypatch.setattr(_network, "fills_last_batch", lambda: True)
    clf = tiny(max_epochs=2).fit(x, y)
    filled = clf.predict_proba(x)
    monkeypatch.setattr(_network, "fills_last_batch", lambda: False)
    assert filled.shape == (70, 2)
    np.testing.assert_allclose(filled, clf.predict_proba(x), atol=1e-6)
