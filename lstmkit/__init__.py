"""lstmkit: train LSTMs on very long sequences with Keras 3.

Import it as ``import lstmkit as lk``. Each concern lives in its own module, reachable as
an attribute (``lk.windowing``, ``lk.reduction``, ``lk.layers``, ...); the names used in
almost every notebook are also re-exported here.

Modules:
    datasets: bundled real datasets (sha256-checked) and synthetic long-memory tasks.
    windowing: sliding windows as views, a windowed ``PyDataset``, splits, scaling.
    padding: padding and truncation, masks, bucketing by length.
    reduction: shorter sequences: truncate, summarize, sample, fold, hash, project.
    sequence_length: autocorrelation and mutual information by lag, choosing a length.
    tbptt: truncated backpropagation through time with stateful Keras 3 LSTMs.
    encoder_decoder: LSTM autoencoders, classifiers on their code, seq2seq forecasters.
    layers: ``AttentionPooling``, ``VariationalLSTM``, ``WeightDropLSTM``,
        ``BidirectionalHalves``.
    gates: gate activations, gradient norms over time, forget-gate bias.
    imbalance: class and sample weights, resampling, synthetic sequences, reports.
    tuning: one search space for KerasTuner and Optuna, resumable studies.
"""

__version__ = "0.1.0"

from lstmkit import (
    datasets,
    encoder_decoder,
    gates,
    imbalance,
    layers,
    padding,
    reduction,
    sequence_length,
    tbptt,
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
    "datasets",
    "encoder_decoder",
    "environment_report",
    "gates",
    "imbalance",
    "layers",
    "lengths_from_mask",
    "load_results",
    "make_windows",
    "mask_from_lengths",
    "measure",
    "pad_sequences",
    "padding",
    "reduction",
    "resident_memory_mb",
    "save_results",
    "sequence_length",
    "set_seed",
    "tbptt",
    "truncate_sequences",
    "tuning",
    "walk_forward_splits",
    "windowing",
]
