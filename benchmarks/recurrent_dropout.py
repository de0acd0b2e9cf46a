"""Training time per epoch of four ways to regularize an LSTM's recurrence, at 500 steps.

Compares, on the same data, units and batches:
  plain                   keras.layers.LSTM
  keras_recurrent_dropout keras.layers.LSTM(recurrent_dropout=0.2)  (leaves the fused path)
  variational             lstmkit VariationalLSTM(recurrent_dropout_rate=0.2, dropout_rate=0.2)
  weight_dropped          lstmkit WeightDropLSTM(weight_dropout_rate=0.5)  (keeps it)

Each model first runs one warm-up epoch (tracing, excluded); then the models take turns,
one epoch each, ``--repeats`` times (the order reversed every other round), so a noisy
neighbour on a shared machine slows all of them alike; the median epoch is reported, and
the fastest epoch too (``*_min_ratio``), which is the least disturbed by other work.
Prints a table and, last, one JSON line with
``weight_dropped_ratio``, ``variational_ratio`` and ``keras_recurrent_dropout_ratio``
(median epoch time over the plain LSTM's). If TensorFlow sees a GPU, the same
measurement is repeated there under ``gpu_*`` keys.

Usage:
    python benchmarks/recurrent_dropout.py              # about 1-2 minutes on 2 CPU cores
    python benchmarks/recurrent_dropout.py --repeats 3 --steps 200   # quicker look
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from lstmkit.layers.recurrent_dropout import VariationalLSTM, WeightDropLSTM  # noqa: E402

LAYERS = {
    "plain": lambda units: keras.layers.LSTM(units),
    "keras_recurrent_dropout": lambda units: keras.layers.LSTM(
        units, recurrent_dropout=0.2, seed=1
    ),
    "variational": lambda units: VariationalLSTM(
        units, dropout_rate=0.2, recurrent_dropout_rate=0.2, seed=1
    ),
    "weight_dropped": lambda units: WeightDropLSTM(units, weight_dropout_rate=0.5, seed=1),
}


def build(kind: str, steps: int, features: int, units: int) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((steps, features)), LAYERS[kind](units), keras.layers.Dense(1)]
    )
    model.compile(keras.optimizers.Adam(1e-3), "mse")
    return model


def epoch_seconds(model: keras.Model, inputs, targets, batch_size: int) -> float:
    start = time.perf_counter()
    model.fit(inputs, targets, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return time.perf_counter() - start


def measure(arguments: argparse.Namespace) -> dict[str, list[float]]:
    """Seconds per epoch for each kind, measured in turns after a warm-up epoch."""
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(arguments.samples, arguments.steps, arguments.features))
    inputs = inputs.astype("float32")
    targets = inputs[:, : arguments.steps // 10, 0].mean(axis=1, keepdims=True)
    models = {
        kind: build(kind, arguments.steps, arguments.features, arguments.units) for kind in LAYERS
    }
    for model in models.values():  # warm-up: tracing and first allocations
        epoch_seconds(model, inputs, targets, arguments.batch_size)
    times: dict[str, list[float]] = {kind: [] for kind in LAYERS}
    for round_number in range(arguments.repeats):
        order = list(models) if round_number % 2 == 0 else list(models)[::-1]
        for kind in order:
            times[kind].append(epoch_seconds(models[kind], inputs, targets, arguments.batch_size))
    return times


def table(times: dict[str, list[float]], device: str) -> str:
    median = {kind: statistics.median(values) for kind, values in times.items()}
    fastest = {kind: min(values) for kind, values in times.items()}
    lines = [
        f"{device}: seconds per epoch over {len(times['plain'])} epochs",
        f"{'layer':<26}{'median':>8}{'ratio':>8}{'fastest':>9}{'ratio':>8}",
    ]
    for kind in times:
        lines.append(
            f"{kind:<26}{median[kind]:>8.3f}{median[kind] / median['plain']:>8.2f}"
            f"{fastest[kind]:>9.3f}{fastest[kind] / fastest['plain']:>8.2f}"
        )
    return "\n".join(lines)


def ratios(times: dict[str, list[float]], prefix: str = "") -> dict[str, float]:
    median = {kind: statistics.median(values) for kind, values in times.items()}
    fastest = {kind: min(values) for kind, values in times.items()}
    result = {f"{prefix}{kind}_seconds_per_epoch": round(median[kind], 4) for kind in times}
    for kind in ("weight_dropped", "variational", "keras_recurrent_dropout"):
        result[f"{prefix}{kind}_ratio"] = round(median[kind] / median["plain"], 3)
        result[f"{prefix}{kind}_min_ratio"] = round(fastest[kind] / fastest["plain"], 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--features", type=int, default=4)
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=7)
    arguments = parser.parse_args()

    start = time.perf_counter()
    summary: dict[str, object] = {
        "benchmark": "recurrent_dropout",
        "steps": arguments.steps,
        "samples": arguments.samples,
        "batch_size": arguments.batch_size,
        "units": arguments.units,
        "repeats": arguments.repeats,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "cpu_count": os.cpu_count(),
    }
    with tf.device("/CPU:0"):
        cpu = measure(arguments)
    print(table(cpu, "CPU"))
    summary.update(ratios(cpu))
    summary["weight_dropped_within_1_1x"] = bool(summary["weight_dropped_ratio"] <= 1.1)
    if tf.config.list_physical_devices("GPU"):
        with tf.device("/GPU:0"):
            gpu = measure(arguments)
        print(table(gpu, "GPU"))
        summary.update(ratios(gpu, prefix="gpu_"))
    summary["total_seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
