"""lstmkit: train LSTMs on very long sequences with Keras 3.

Import it as ``import lstmkit as lk``. Each concern lives in its own module, reachable as
an attribute (``lk.windowing``, ``lk.reduction``, ``lk.layers``, ...); the names used in
almost every notebook are also re-exported here.

Subpackages and modules (one concern each; see ``docs/architecture.md``):
    datasets: bundled real datasets (sha256-checked) and synthetic long-memory tasks.
    windowing: sliding windows as views, a windowed ``PyDataset``, splits, scaling.
    padding: padding, masks, bucketing by length.
    reduction: shorter sequences: truncate, drop tokens, summarize, sample and crop, fold,
        hash, project.
    models: model builders: recurrent models from a config, encoder-decoders, front-ends.
    layers: ``AttentionPooling``, ``VariationalLSTM``, ``WeightDropLSTM``,
        ``BidirectionalHalves``.
    tbptt: truncated backpropagation through time with stateful Keras 3 LSTMs.
    training: the fit-and-score helper, experiment logs and learning curves the
        notebooks share.
    gates: gate activations, gradient norms over time, a NumPy LSTM reference.
    initializers: ``ForgetBiasInitializer``. schedules: ``WarmupDecaySchedule``.
    length_selection: autocorrelation and mutual information by lag, choosing a length.
    imbalance: class and sample weights, resampling, synthetic sequences, reports.
    tuning: one search space for KerasTuner and Optuna, resumable studies shared by
        worker processes (SQLite, a journal file or a PostgreSQL server).
    distribute: data-parallel training with ``tf.distribute.MirroredStrategy``.
    classification: ``LongSequenceClassifier``, a scikit-learn estimator.
    profiling, reproducibility, results: timing and memory, seeds, saved figures.

``lstmkit.encoder_decoder`` and ``lstmkit.sequence_length`` are the 0.1 names of
``lstmkit.models`` and ``lstmkit.length_selection``; they keep working.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lstmkit")
except PackageNotFoundError:  # pragma: no cover - imported from a folder, not installed
    __version__ = "0+unknown"

from lstmkit import (
    classification,
    datasets,
    distribute,
    encoder_decoder,
    gates,
    imbalance,
    initializers,
    layers,
    length_selection,
    models,
    padding,
    reduction,
    schedules,
    sequence_length,
    tbptt,
    training,
    tuning,
    windowing,
)
from lstmkit.layers import AttentionPooling, BidirectionalHalves, VariationalLSTM, WeightDropLSTM
from lstmkit.padding import bucket_by_length, lengths_from_mask, mask_from_lengths, pad_sequences
from lstmkit.profiling import measure, resident_memory_mb
from lstmkit.reduction import truncate_sequences
from lstmkit.reproducibility import environment_report, set_seed
from lstmkit.results import load_results, save_results
from lstmkit.tbptt import TruncatedBPTTTrainer
from lstmkit.windowing import WindowDataset, chronological_split, make_windows, walk_forward_splits

__all__ = [
    "AttentionPooling",
    "BidirectionalHalves",
    "TruncatedBPTTTrainer",
    "VariationalLSTM",
    "WeightDropLSTM",
    "WindowDataset",
    "__version__",
    "bucket_by_length",
    "chronological_split",
    "classification",
    "datasets",
    "distribute",
    "encoder_decoder",
    "environment_report",
    "gates",
    "imbalance",
    "initializers",
    "layers",
    "length_selection",
    "lengths_from_mask",
    "load_results",
    "make_windows",
    "mask_from_lengths",
    "measure",
    "models",
    "pad_sequences",
    "padding",
    "reduction",
    "resident_memory_mb",
    "save_results",
    "schedules",
    "sequence_length",
    "set_seed",
    "tbptt",
    "training",
    "truncate_sequences",
    "tuning",
    "walk_forward_splits",
    "windowing",
]
