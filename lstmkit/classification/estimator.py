"""``LongSequenceClassifier``: a scikit-learn estimator that trains an LSTM recipe in one line."""

from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from threadpoolctl import threadpool_limits

from lstmkit._validation import check_bool, check_float, check_int, check_option, message
from lstmkit.classification import _kernels
from lstmkit.classification import _preprocess as prep
from lstmkit.classification._network import (
    VALIDATION_BATCH,
    BudgetCallback,
    CropDataset,
    build_network,
    model_from_bytes,
    model_to_bytes,
    predict_views,
    validation_data,
)
from lstmkit.classification._preprocess import RECIPES, SHORT_SERIES

__all__ = ["RECIPES", "LongSequenceClassifier"]

# validation_fraction="auto": hold out this share when it gives at least
# MIN_VALIDATION_PER_CLASS series per class on average; fewer decide early stopping by
# noise and cost too much training data, so every series trains instead.
AUTO_VALIDATION_FRACTION = 0.2
MIN_VALIDATION_PER_CLASS = 5
TEST_CROPS = 5


class LongSequenceClassifier(ClassifierMixin, BaseEstimator):
    """Classify long (or short, or variable-length) series with an LSTM recipe in one line.

    Use it as a strong default before hand-building a model: it summarizes long series
    into window quantiles that keep their order, trains an LSTM-FCN-style network (a
    convolutional branch beside an LSTM with attention pooling) on random crops, stops
    early on a stratified validation split, averages crops at prediction time and
    ensembles a few seeds, all within ``time_budget_s``.

    Args:
        recipe: ``"auto"`` (``"lstm_fcn"`` when the median length is at most 64 steps,
            else ``"quantile_lstm"``), ``"quantile_lstm"`` (window quantiles of values
            and changes), ``"rocket_lstm"`` (plus per-window PPV of fixed dilated
            kernels) or ``"lstm_fcn"`` (values and changes, window-averaged when long).
        time_budget_s: CPU seconds (``time.process_time``: all threads of this process)
            the whole ``fit`` may use; training stops when they are spent, each member
            getting an equal share of what is left. CPU time rather than wall time, so a
            busy machine does not cut a fit short; on an idle machine the wall time is at
            most this (less with several cores).
        n_members: networks in the ensemble (different seeds and validation splits).
        max_epochs: epochs per member at most (early stopping usually ends sooner).
        use_lstm: ``False`` drops the recurrent branch: the ablation that measures what
            the LSTM adds.
        validation_fraction: share of the training series held out (stratified) for
            early stopping and the learning-rate schedule, or ``"auto"``: 0.2 when that
            holds out at least 5 series per class on average (100 series for 4
            classes), else 0. With 0 every series trains and early stopping watches the
            loss on the (uncropped) training series: on small training sets a held-out
            split of a few series per class makes early stopping stop at random and
            leaves less to learn from.
        batch_size: series per gradient step.
        random_state: ``None`` or an int seed (seeds NumPy, Python and Keras).
        verbose: 0 silent, 1 a line every 10 epochs, 2 a line every epoch.

    Attributes (after ``fit``):
        classes_: the sorted class labels. n_channels_: channels per step.
        n_features_in_: steps per series, only when ``X`` was a 2-D array; ``predict``
            then expects 2-D arrays of as many steps (other lengths: 3-D or a list).
        recipe_: the recipe used. window_: steps summarized per input step of the network.
        validation_fraction_: the share held out (``"auto"`` resolved).
        bucket_: whether batches are padded to a few widths (on JAX, for series of
            several lengths: JAX compiles once per batch shape).
        validation_scores_: each member's validation accuracy at its best epoch (on the
            training set itself when nothing was held out, or too few series to).
        models_: the fitted Keras models. epochs_: epochs each member trained.
        fit_cpu_s_: CPU seconds ``fit`` used. fit_time_s_: its wall-clock seconds.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(40, 120)); y = (X[:, :60].mean(axis=1) > 0).astype(int)
        >>> clf = LongSequenceClassifier(time_budget_s=20, n_members=1, max_epochs=3,
        ...                              random_state=0).fit(X, y)
        >>> clf.predict_proba(X).shape
        (40, 2)
    """

    def __init__(
        self,
        recipe: str = "auto",
        *,
        time_budget_s: float = 120.0,
        n_members: int = 2,
        max_epochs: int = 200,
        use_lstm: bool = True,
        validation_fraction: float | str = "auto",
        batch_size: int = 32,
        random_state: int | None = None,
        verbose: int = 0,
    ) -> None:
        self.recipe = recipe
        self.time_budget_s = time_budget_s
        self.n_members = n_members
        self.max_epochs = max_epochs
        self.use_lstm = use_lstm
        self.validation_fraction = validation_fraction
        self.batch_size = batch_size
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self) -> None:
        check_option(self.recipe, "recipe", ("auto", *RECIPES))
        check_float(self.time_budget_s, "time_budget_s", minimum=0, include_minimum=False)
        check_int(self.n_members, "n_members", minimum=1, maximum=50)
        check_int(self.max_epochs, "max_epochs", minimum=1)
        check_bool(self.use_lstm, "use_lstm")
        if not isinstance(self.validation_fraction, str):
            check_float(self.validation_fraction, "validation_fraction", minimum=0, maximum=0.5)
        elif self.validation_fraction != "auto":
            raise ValueError(message("validation_fraction", "'auto' or a number in [0, 0.5]",
                                     self.validation_fraction,
                                     "Pass 'auto', 0 (no split) or e.g. 0.2."))
        check_int(self.batch_size, "batch_size", minimum=1)
        check_int(self.verbose, "verbose", minimum=0, maximum=2)
        seed = self.random_state
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                                 or seed < 0):
            raise ValueError(message("random_state", "None or an integer >= 0", seed,
                                     "Pass an int seed, e.g. random_state=0."))

    def fit(self, X: Any, y: Any) -> LongSequenceClassifier:
        """Train the ensemble on series ``X`` (see the class docstring) and labels ``y``.

        Returns:
            ``self``, fitted.
        """
        started, started_cpu = time.monotonic(), time.process_time()
        self._check_params()
        series, columns = prep.to_series_list(X)
        y = column_or_1d(y, warn=True)
        if len(y) != len(series):
            raise ValueError(f"`X` and `y` must hold as many series as labels. Received: "
                             f"{len(series)} series and {len(y)} labels.")
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"`y` must hold at least 2 classes. Received: y with "
                             f"{len(self.classes_)} class ({self.classes_!r}). Give series of "
                             f"at least two classes.")
        self.n_channels_ = series[0].shape[1]
        if columns is not None:
            self.n_features_in_ = columns
        lengths = np.array([len(s) for s in series])
        self.recipe_ = self.recipe
        if self.recipe == "auto":
            self.recipe_ = "lstm_fcn" if np.median(lengths) <= SHORT_SERIES else "quantile_lstm"
        spec = RECIPES[self.recipe_]
        self.window_ = prep.window_for(lengths, spec["target_steps"])
        self.validation_fraction_ = self.validation_fraction
        if self.validation_fraction == "auto":
            held_out = AUTO_VALIDATION_FRACTION * len(series)
            enough = held_out >= MIN_VALIDATION_PER_CLASS * len(self.classes_)
            self.validation_fraction_ = AUTO_VALIDATION_FRACTION if enough else 0.0
        # JAX compiles the training step once per batch shape: with series of many
        # lengths, pad batches to a few widths (without it PLAID's first epoch compiled
        # for over a minute). TensorFlow traces shapes loosely and needs no padding.
        self.bucket_ = keras.backend.backend() == "jax" and len(set(lengths)) > 1
        self.scale_ = prep.fit_scale(series)
        seed = self.random_state
        if seed is None:
            seed = int(np.random.default_rng().integers(2**31 - 1))
        # Many small matrix products: BLAS threads would only spin (10x the CPU time).
        with threadpool_limits(limits=1):
            if spec["features"] == "ppv":
                self.dilations_ = _kernels.dilations_for(float(np.median(lengths)))
                scaled = [(s - self.scale_[0]) / self.scale_[1] for s in series]
                self.biases_ = _kernels.fit_biases(scaled, self.dilations_, seed)
            features = self._summaries(series, fitting=True)
        self.models_, self.epochs_, self.validation_scores_ = [], [], []
        deadline = started_cpu + float(self.time_budget_s)
        for member in range(self.n_members):
            left = deadline - time.process_time()
            # A member costs at least its start-up (building, tracing, a first epoch):
            # skip it when what is left would not cover the first member's.
            if member and left < self._first_epoch_cpu:
                break
            self._fit_member(features, encoded, seed + member, member,
                             time.process_time() + left / (self.n_members - member))
        self.fit_time_s_ = time.monotonic() - started
        self.fit_cpu_s_ = time.process_time() - started_cpu
        return self

    def _summaries(self, series: list[np.ndarray], fitting: bool = False) -> list[np.ndarray]:
        mean, scale = self.scale_
        kind = RECIPES[self.recipe_]["features"]
        # Each series twice: scaled with the training set's statistics (levels matter) and
        # standardized on its own (the shape alone, whatever the series' scale).
        scaled = [np.concatenate([(s - mean) / scale, prep.own_scale(s)], axis=1) for s in series]
        if kind == "ppv":
            channels = self.n_channels_
            out = [np.concatenate([
                prep.summarize(s, self.window_, "quantiles"),
                _kernels.windowed_ppv(s[:, :channels], self.dilations_, self.biases_, self.window_),
            ], axis=1) for s in scaled]
        else:
            out = [prep.summarize(s, self.window_, kind) for s in scaled]
        if fitting:
            self.feature_scale_ = prep.fit_scale(out)
        mean, scale = self.feature_scale_
        out = [np.clip((f - mean) / scale, -10, 10) for f in out]
        prep.check_feature_values(out, "X")
        return out

    def _fit_member(self, features: list[np.ndarray], labels: np.ndarray, seed: int,
                    member: int, deadline: float) -> None:
        keras.utils.set_random_seed(seed)
        train, valid = prep.holdout_split(labels, self.validation_fraction_, seed)
        spec = RECIPES[self.recipe_]
        model = build_network(features[0].shape[1], len(self.classes_), use_lstm=self.use_lstm)
        data = CropDataset([features[i] for i in train], labels[train], fraction=spec["crop"],
                           batch_size=min(self.batch_size, len(train)), seed=seed,
                           bucket=self.bucket_)
        validation = validation_data([features[i] for i in valid], labels[valid],
                                     bucket=self.bucket_)
        patience = max(5, min(40, self.max_epochs // 5))
        budget = BudgetCallback(deadline, verbose=self.verbose,
                                every=1 if self.verbose == 2 else 10,
                                label=f"member {member + 1}/{self.n_members}")
        callbacks = [
            budget,
            keras.callbacks.ReduceLROnPlateau("val_loss", factor=0.5, patience=patience // 2,
                                              min_lr=1e-5),
            keras.callbacks.EarlyStopping("val_loss", patience=patience, restore_best_weights=True),
        ]
        model.fit(data, validation_data=validation, validation_batch_size=VALIDATION_BATCH,
                  epochs=self.max_epochs, callbacks=callbacks, verbose=0)
        self.models_.append(model)
        self.epochs_.append(budget.epochs_run)
        if member == 0:
            self._first_epoch_cpu = budget.first_epoch_cpu
        history = model.history.history
        if history.get("val_loss"):
            best = int(np.argmin(history["val_loss"]))
            self.validation_scores_.append(float(history["val_accuracy"][best]))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities averaged over crops and ensemble members.

        Returns:
            An array of shape ``(n_series, n_classes)``; columns follow ``classes_``.
        """
        check_is_fitted(self, "models_")
        series, columns = prep.to_series_list(X)
        expected = getattr(self, "n_features_in_", None)
        if columns is not None and expected is not None and columns != expected:
            raise ValueError(f"X has {columns} features, but LongSequenceClassifier is expecting "
                             f"{expected} features as input (steps per series, as in fit). Pass "
                             f"series of other lengths as a 3-D array or a list of arrays.")
        if series[0].shape[1] != self.n_channels_:
            raise ValueError(f"`X` must have {self.n_channels_} channels, as in fit. Received: "
                             f"{series[0].shape[1]} channels.")
        with threadpool_limits(limits=1):
            features = self._summaries(series)
        full = np.array([len(f) for f in features])
        crop = np.array([prep.crop_length(n, RECIPES[self.recipe_]["crop"]) for n in full])
        views = [(np.zeros(len(full), dtype=int), full)]
        for k in range(TEST_CROPS):
            views.append((np.round((full - crop) * k / (TEST_CROPS - 1)).astype(int), crop))
        total = predict_views(self.models_, features, views, bucket=self.bucket_)
        return total / (len(views) * len(self.models_))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each series (labels from ``classes_``).

        Returns:
            An array of shape ``(n_series,)``.
        """
        probabilities = self.predict_proba(X)  # checks that the estimator is fitted
        return self.classes_[np.argmax(probabilities, axis=1)]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if "models_" in state:
            state["models_"] = [model_to_bytes(model) for model in state["models_"]]
        return state

    def __setstate__(self, state: dict) -> None:
        if "models_" in state:
            state = dict(state, models_=[model_from_bytes(b) for b in state["models_"]])
        self.__dict__.update(state)

