"""Train, score and log experiments the same way in every notebook.

The notebooks compare techniques on equal terms: the same optimizer, learning-rate
schedule, loss, batch size and measurement of time and memory. :func:`fit_and_score`
is that shared recipe, :class:`ExperimentLog` collects one row per run and prints it,
and :func:`plot_learning_curves` draws the histories side by side.
"""

from lstmkit.training.experiment_log import ExperimentLog
from lstmkit.training.fitting import TrainingRecord, fit_and_score
from lstmkit.training.plots import plot_learning_curves

__all__ = ["ExperimentLog", "TrainingRecord", "fit_and_score", "plot_learning_curves"]
