"""Learning curves of several runs on one set of axes."""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import message

__all__ = ["plot_learning_curves"]


def plot_learning_curves(
    records_or_histories: dict[str, Any] | list[Any],
    *,
    metric: str = "loss",
    ax: Any = None,
) -> Any:
    """Plot ``metric`` (and ``val_<metric>`` dashed) per epoch for several runs.

    Args:
        records_or_histories: a dict ``{label: record or history}`` or a list of them;
            each a :class:`TrainingRecord`, a ``keras.callbacks.History`` or its
            ``.history`` dict.
        metric: the logged quantity to plot.
        ax: matplotlib axes to draw on (a new figure when ``None``).

    Returns:
        The matplotlib axes.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from lstmkit.training import plot_learning_curves
        >>> ax = plot_learning_curves({"a": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}})
        >>> len(ax.lines)
        2
    """
    import matplotlib.pyplot as plt

    items = records_or_histories
    if not isinstance(items, (dict, list, tuple)) or not items:
        raise TypeError(message(
            "records_or_histories", "a non-empty dict {label: record or history} or a list",
            items, "Pass the TrainingRecord objects (or History.history dicts) to plot.",
        ))
    if not isinstance(metric, str):
        raise TypeError(message("metric", "the name of a logged quantity", metric,
                                'For example metric="loss" or metric="accuracy".'))
    if not isinstance(items, dict):
        items = {f"run {index + 1}": value for index, value in enumerate(items)}
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    elif not hasattr(ax, "plot"):
        raise TypeError(message("ax", "None or a matplotlib Axes", ax,
                                "Pass an Axes from `plt.subplots()`, or None for a new figure."))
    for label, value in items.items():
        history = getattr(value, "history", value)
        if not isinstance(history, dict) or metric not in history:
            logged = sorted(history) if isinstance(history, dict) else []
            raise ValueError(message("metric", "a quantity logged by every run", metric,
                                     f"Run {label!r} logged {logged}."))
        epochs = np.arange(1, len(history[metric]) + 1)
        (line,) = ax.plot(epochs, history[metric], label=f"{label}")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], linestyle="--", color=line.get_color(),
                    label=f"{label} (validation)")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.legend(fontsize="small")
    return ax
