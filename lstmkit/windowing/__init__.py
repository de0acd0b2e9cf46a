"""Sliding windows, chronological splits, walk-forward folds and leak-free scaling.

An LSTM cannot read a million-step series in one pass, so forecasting and
classification on long series start by cutting it into windows. Three rules keep
that honest and cheap:

* **Windows are views.** ``numpy.lib.stride_tricks.sliding_window_view`` describes every
  window of a series without copying it, so a million windows of 256 steps cost no
  memory until a batch is gathered (:func:`make_windows`, :class:`WindowDataset`).
* **Time only flows forward.** Validation and test data come *after* the training data,
  with a gap wide enough that no window or target reaches across a border
  (:func:`chronological_split`, :func:`walk_forward_splits`).
* **Statistics come from the training part only.** A scaler fitted on all the data leaks
  the future's mean and spread into training (:class:`FeatureScaler`,
  :func:`scale_splits`).
"""

from lstmkit.windowing.scaling import FeatureScaler, scale_splits
from lstmkit.windowing.splits import chronological_split, walk_forward_splits
from lstmkit.windowing.windows import WindowDataset, count_windows, make_windows

__all__ = [
    "FeatureScaler",
    "WindowDataset",
    "chronological_split",
    "count_windows",
    "make_windows",
    "scale_splits",
    "walk_forward_splits",
]
