"""Hyperparameter search for recurrent models: one search space for KerasTuner and Optuna.

Define the space once (:class:`SearchSpace`, with :func:`default_search_space` for the usual
recurrent knobs; :mod:`lstmkit.tuning.search_space`), then:

- **KerasTuner**: ``space.hypermodel(...)`` is a ``keras_tuner.HyperModel`` (its ``build(hp)``
  builds the model, its ``fit`` uses the sampled batch size and sequence length). Check the
  run with :func:`check_tuner_trials`: KerasTuner 1.4.8 on TensorFlow 2.21 fails every trial
  without ``tensorboard`` while ``search()`` returns normally
  (:mod:`lstmkit.tuning.keras_tuner`).
- **Optuna**: ``config = space.suggest(trial)`` in an objective; score it with
  :func:`walk_forward_score` (time series) which prunes through
  ``optuna_integration.KerasPruningCallback``; store studies in a database with
  :func:`create_study` and run them with :func:`run_study`, so a killed search resumes
  without repeating finished trials and several workers can share one database
  (:mod:`lstmkit.tuning.studies`).
- **Many workers**: :func:`start_workers` (or ``python -m lstmkit.tuning worker ...`` on
  any machine) runs workers on one study in a PostgreSQL server or a journal file
  (:func:`make_storage`); a killed worker's trial is failed and retried, and the study
  ends with exactly the trials asked for (:mod:`lstmkit.tuning.workers`,
  :mod:`lstmkit.tuning.liveness`). :class:`LocalPostgres` starts a throw-away server.

Both tools produce the same plain ``dict`` configuration, which
:func:`lstmkit.models.build_recurrent_model` turns into a compiled model: retrain the best
configuration from it rather than trusting a tuner's saved models. The learning rate
follows :class:`lstmkit.schedules.WarmupDecaySchedule`. Both, with ``DEFAULT_CONFIG`` and
``last_steps``, are re-exported here under their 0.1 names.

optuna, optuna-integration and keras-tuner are optional: install them with
``pip install "lstmkit[tuning]"``.
"""

from lstmkit.models import DEFAULT_CONFIG, build_recurrent_model, last_steps
from lstmkit.schedules import WarmupDecaySchedule
from lstmkit.tuning.keras_tuner import check_tuner_trials
from lstmkit.tuning.liveness import fail_stale_trials
from lstmkit.tuning.postgres import LocalPostgres
from lstmkit.tuning.search_space import (
    Choice,
    FloatRange,
    IntRange,
    SearchSpace,
    default_search_space,
)
from lstmkit.tuning.storages import make_storage
from lstmkit.tuning.studies import create_study, run_study
from lstmkit.tuning.walk_forward import walk_forward_score
from lstmkit.tuning.workers import (
    load_objective,
    run_worker,
    start_workers,
    study_report,
    wait_for_workers,
)

__all__ = [
    "DEFAULT_CONFIG",
    "Choice",
    "FloatRange",
    "IntRange",
    "LocalPostgres",
    "SearchSpace",
    "WarmupDecaySchedule",
    "build_recurrent_model",
    "check_tuner_trials",
    "create_study",
    "default_search_space",
    "fail_stale_trials",
    "last_steps",
    "load_objective",
    "make_storage",
    "run_study",
    "run_worker",
    "start_workers",
    "study_report",
    "wait_for_workers",
    "walk_forward_score",
]
