"""Which recurrent layers take the cuDNN kernel on an NVIDIA GPU, and how fast each one trains.

Run through ``benchmarks/gpu_check.sh`` (it first looks for a GPU). For TensorFlow and JAX,
each in a fresh subprocess (``KERAS_BACKEND`` set before Keras is imported), five layers:

  plain                    keras.layers.LSTM
  masked_post              keras.layers.LSTM after Masking, sequences padded at the end
  weight_dropped           lstmkit WeightDropLSTM(weight_dropout_rate=0.5)
  keras_recurrent_dropout  keras.layers.LSTM(recurrent_dropout=0.2)
  variational              lstmkit VariationalLSTM(dropout_rate=0.2, recurrent_dropout_rate=0.2)

Whether a layer runs on cuDNN is read from what the backend compiles for one training-mode
call, through public APIs only: on TensorFlow the op types of the ``tf.function`` graph
and its function library (a ``CudnnRNN*`` op), on JAX the text of ``jax.jit(...).lower``
(a ``cudnn`` custom call). Then each layer's model (layer -> Dense(1), Adam, MSE) trains
one warm-up epoch and ``--repeats`` timed epochs; the median epoch is reported with its
ratio to the plain LSTM's on the same backend.

Checks: on TensorFlow, ``plain`` and ``masked_post`` take cuDNN when TensorFlow sees a GPU;
on both backends ``weight_dropped`` takes the path ``plain`` takes and
``keras_recurrent_dropout`` and ``variational`` never take cuDNN. (Whether the JAX
backend has a cuDNN LSTM at all depends on the Keras version: 3.13 has none, 3.15 uses
one when no mask is passed; it is reported, not checked.)

Prints a table per backend and, last, one JSON line. Exit codes: 0 all checks passed,
1 a check failed, 77 no GPU visible to any backend (nothing checked; ``--allow-cpu`` runs
the same code on the CPU, where no layer may take cuDNN, to test the script itself).

Usage:
    bash benchmarks/gpu_check.sh                       # on a machine with an NVIDIA GPU
    python benchmarks/gpu_check.py --allow-cpu --steps 50 --samples 64 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

NO_GPU = 77
KINDS = ("plain", "masked_post", "weight_dropped", "keras_recurrent_dropout", "variational")


def make_layer(kind: str, units: int):
    import keras

    if kind in ("plain", "masked_post"):
        return keras.layers.LSTM(units)
    if kind == "keras_recurrent_dropout":
        return keras.layers.LSTM(units, recurrent_dropout=0.2, seed=1)
    from lstmkit.layers.recurrent_dropout import VariationalLSTM, WeightDropLSTM

    if kind == "weight_dropped":
        return WeightDropLSTM(units, weight_dropout_rate=0.5, seed=1)
    return VariationalLSTM(units, dropout_rate=0.2, recurrent_dropout_rate=0.2, seed=1)


def gpu_visible(backend: str) -> bool:
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    import jax

    return jax.default_backend() == "gpu"


def uses_cudnn(backend: str, layer, x, mask) -> bool:
    """Does one training-mode call of ``layer`` compile to a cuDNN kernel?"""
    import keras

    if backend == "tensorflow":
        import tensorflow as tf

        if mask is None:
            traced = tf.function(lambda a: layer(a, training=True)).get_concrete_function(
                tf.constant(x))
        else:
            traced = tf.function(lambda a, m: layer(a, mask=m, training=True)
                                 ).get_concrete_function(tf.constant(x), tf.constant(mask))
        graph = traced.graph.as_graph_def()
        ops = {node.op for node in graph.node}
        ops |= {node.op for function in graph.library.function for node in function.node_def}
        return any(op.startswith("CudnnRNN") for op in ops)
    import jax

    def call(a, m):
        with keras.StatelessScope():  # dropout's seed updates stay inside the trace
            return layer(a, mask=m, training=True)

    return "cudnn" in jax.jit(call).lower(x, mask).as_text().lower()


def run_backend(backend: str, arguments: argparse.Namespace) -> dict[str, object]:
    """Detect and time every layer on one backend; runs in the child process."""
    import keras
    import numpy as np

    out: dict[str, object] = {"backend": backend, "keras": keras.__version__,
                              "gpu": gpu_visible(backend)}
    if not out["gpu"] and not arguments.allow_cpu:
        return out
    rng = np.random.default_rng(0)
    shape = (arguments.samples, arguments.steps, arguments.features)
    x = rng.normal(size=shape).astype("float32")
    lengths = rng.integers(arguments.steps // 2, arguments.steps + 1, size=arguments.samples)
    mask = np.arange(arguments.steps)[None, :] < lengths[:, None]  # True, then False: post
    padded = np.where(mask[..., None], x, 0.0).astype("float32")
    y = x[:, :10, 0].mean(axis=1, keepdims=True)
    for kind in KINDS:
        keras.utils.set_random_seed(0)
        inputs = padded if kind == "masked_post" else x
        try:
            layer = make_layer(kind, arguments.units)
            layer(inputs[:2])  # build
            cudnn = uses_cudnn(backend, layer, inputs[:8],
                               mask[:8] if kind == "masked_post" else None)
            model_layers = [keras.Input(shape[1:])]
            if kind == "masked_post":
                model_layers.append(keras.layers.Masking(0.0))
            model = keras.Sequential([*model_layers, layer, keras.layers.Dense(1)])
            model.compile(keras.optimizers.Adam(1e-3), "mse")
            epochs = []
            for _ in range(1 + arguments.repeats):
                start = time.perf_counter()
                model.fit(inputs, y, batch_size=arguments.batch_size, epochs=1, verbose=0)
                epochs.append(time.perf_counter() - start)
            out[kind] = {"cudnn": cudnn, "epoch_s": round(statistics.median(epochs[1:]), 4),
                         "first_epoch_s": round(epochs[0], 3)}
        except Exception as error:  # noqa: BLE001 - reported per layer, the others still run
            out[kind] = {"error": f"{type(error).__name__}: {str(error)[:200]}"}
    return out


def checks(result: dict[str, object]) -> list[str]:
    """Failed expectations for one backend's result (empty: all hold)."""
    backend, gpu = result["backend"], bool(result["gpu"])
    found = {k: result[k] for k in KINDS if isinstance(result.get(k), dict)}
    failures = [f"{backend} {k}: {v['error']}" for k, v in found.items() if "error" in v]
    path = {k: v["cudnn"] for k, v in found.items() if "cudnn" in v}
    if backend == "tensorflow":
        for kind in ("plain", "masked_post"):
            if kind in path and path[kind] != gpu:
                failures.append(f"tensorflow {kind}: cuDNN {path[kind]}, expected {gpu}")
    if "weight_dropped" in path and "plain" in path and path["weight_dropped"] != path["plain"]:
        failures.append(f"{backend} weight_dropped: cuDNN {path['weight_dropped']}, plain "
                        f"LSTM {path['plain']}")
    for kind in ("keras_recurrent_dropout", "variational"):
        if path.get(kind):
            failures.append(f"{backend} {kind}: takes cuDNN, expected the step loop")
    return failures


def table(result: dict[str, object]) -> str:
    lines = [f"{result['backend']} (Keras {result['keras']}, GPU visible: {result['gpu']})",
             f"{'layer':<26}{'cuDNN':>7}{'epoch s':>10}{'vs plain':>10}"]
    plain = result.get("plain", {}).get("epoch_s")
    for kind in KINDS:
        row = result.get(kind)
        if not isinstance(row, dict):
            continue
        if "error" in row:
            lines.append(f"{kind:<26}  {row['error'][:90]}")
            continue
        ratio = f"{row['epoch_s'] / plain:>9.2f}x" if plain else f"{'-':>10}"
        lines.append(f"{kind:<26}{str(row['cudnn']):>7}{row['epoch_s']:>10.3f}{ratio}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--features", type=int, default=4)
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--allow-cpu", action="store_true", help="run without a GPU (a test)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(run_backend(arguments.child, arguments)))
        return 0

    start = time.perf_counter()
    summary: dict[str, object] = {"benchmark": "gpu_check"}
    results, failures = [], []
    for backend in arguments.backends:
        command = [sys.executable, __file__, "--child", backend, *sys.argv[1:]]
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              env={**os.environ, "KERAS_BACKEND": backend})
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode or not lines:
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
            failures.append(f"{backend}: exit {done.returncode}: {reason}")
            continue
        results.append(json.loads(lines[-1]))
        checked = results[-1]["gpu"] or arguments.allow_cpu
        print(table(results[-1]) if checked else f"{backend}: no GPU visible, not checked")
        failures += checks(results[-1]) if checked else []
        summary[f"{backend}_gpu"] = results[-1]["gpu"]
        for kind in KINDS:
            row = results[-1].get(kind, {})
            for field in ("cudnn", "epoch_s", "error"):
                if field in row:
                    summary[f"{backend}_{kind}_{field}"] = row[field]
            if "epoch_s" in row and "epoch_s" in results[-1].get("plain", {}):
                summary[f"{backend}_{kind}_ratio"] = round(
                    row["epoch_s"] / results[-1]["plain"]["epoch_s"], 3)
    no_gpu = not any(r["gpu"] for r in results) and not arguments.allow_cpu
    summary.update(failures=failures, passed=not failures and not no_gpu,
                   total_seconds=round(time.perf_counter() - start, 1))
    if no_gpu and not failures:
        summary["skipped"] = "no GPU visible to TensorFlow or JAX"
        print("no GPU: neither TensorFlow nor JAX sees one (a CPU-only build such as "
              "tensorflow-cpu or jax[cpu]?); nothing checked")
    for failure in failures:
        print("FAILED:", failure)
    print(json.dumps(summary))
    return 1 if failures else (NO_GPU if no_gpu else 0)


if __name__ == "__main__":
    sys.exit(main())
