"""Training speed of recurrent models on each Keras 3 backend: TensorFlow, XLA, JAX, PyTorch.

Four configurations, each case in a fresh subprocess (``KERAS_BACKEND`` set before Keras
is imported): ``tensorflow`` (``jit_compile=False``, what ``"auto"`` gives on a CPU),
``tensorflow-xla`` (``jit_compile=True``), ``jax`` (``"auto"``: compiled with XLA) and
``torch`` (skipped with a note when PyTorch is not installed). The model is
``Input(T, 1) -> LSTM(32) -> Dense(10)``, batch 32, 256 samples, Adam, sparse cross-entropy:

  lstm_100, lstm_1000, lstm_5000   the model at T = 100, 1,000 and 5,000 steps
  seq_1000                         LSTM(32, return_sequences=True) and the Dense on every step
  gru_1000                         GRU(32) instead of the LSTM

One fit of 1 + ``--epochs`` epochs: the first epoch includes tracing and compilation and is
reported apart (``first`` and ``compile`` = first minus the median of the others); the
median of the later epochs is the per-epoch time. A first epoch slower than
``--single-epoch-above`` CPU seconds is the only one (PyTorch at long T).

Then lstmkit's truncated-BPTT trainer (``lstmkit.tbptt.TruncatedBPTTTrainer``, a stateful
LSTM(32) with a Dense(1) on every step, chunks of 100 steps, 32 sequences of 1,000 steps):
time per chunk after a first pass, and whether the LSTM's state is non-zero after training
(``state_carried``: a trainer whose state stays at zero treats every chunk as a new
sequence). Last, one whole notebook (default ``11``) is executed headless on each backend
with ``--notebook-python`` (default ``.venv-colab/bin/python``, Colab's stack), in a
temporary copy of ``notebooks/`` so ``notebooks/results`` is not touched; cells that raise
are counted, not fatal.

Prints a table with ratios to TensorFlow and, last, one JSON line with every figure,
including ``jax_speedup_vs_tf_lstm_1000`` (TensorFlow's epoch time over JAX's) and
``tbptt_jax_speedup_vs_tf`` (the same for the trainer's time per chunk).

Usage:
    python benchmarks/backends.py            # every case, notebook 11 (the longest run)
    python benchmarks/backends.py --quick    # T = 100 and 1,000 and seq_1000, notebook 10
    python benchmarks/backends.py --quick --threads 1   # on a shared machine: CPU s holds up
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
BATCH_SIZE, UNITS, SAMPLES, CHUNK_LENGTH, TBPTT_LENGTH = 32, 32, 256, 100, 1000
CONFIGS = {  # name -> (KERAS_BACKEND, jit_compile)
    "tensorflow": ("tensorflow", False),
    "tensorflow-xla": ("tensorflow", True),
    "jax": ("jax", "auto"),
    "torch": ("torch", "auto"),
}
CASES = {  # name -> (cell, steps, one output per step)
    "lstm_100": ("lstm", 100, False),
    "lstm_1000": ("lstm", 1000, False),
    "lstm_5000": ("lstm", 5000, False),
    "seq_1000": ("lstm", 1000, True),
    "gru_1000": ("gru", 1000, False),
}
QUICK_CASES = ["lstm_100", "lstm_1000", "seq_1000"]


def run_case(config: str, case: str, epochs: int, single_above: float) -> dict[str, object]:
    """Fit one model for 1 + ``epochs`` epochs and time each; runs in the child process."""
    import keras
    import numpy as np

    cell, steps, per_step = CASES[case]
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, steps, 1)).astype("float32")
    y = rng.integers(0, 10, size=(SAMPLES, steps) if per_step else (SAMPLES,))
    layer = keras.layers.LSTM if cell == "lstm" else keras.layers.GRU
    model = keras.Sequential(
        [keras.Input((steps, 1)), layer(UNITS, return_sequences=per_step), keras.layers.Dense(10)]
    )
    model.compile(
        keras.optimizers.Adam(1e-3),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=CONFIGS[config][1],
    )
    seconds: list[float] = []
    cpu: list[float] = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start, self.cpu = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)
            cpu.append(time.process_time() - self.cpu)
            if cpu[0] > single_above:  # CPU seconds: a busy machine stretches wall time
                self.model.stop_training = True

    model.fit(x, y, batch_size=BATCH_SIZE, epochs=1 + epochs, shuffle=False, verbose=0,
              callbacks=[Timer()])
    later = seconds[1:] or seconds
    epoch = statistics.median(later)
    return {"config": config, "case": case, "epoch_s": round(epoch, 4),
            "epoch_cpu_s": round(statistics.median(cpu[1:] or cpu), 4),
            "first_s": round(seconds[0], 3), "compile_s": round(max(seconds[0] - epoch, 0), 3),
            "compile_cpu_s": round(max(cpu[0] - statistics.median(cpu[1:] or cpu), 0), 3),
            "timed_epochs": len(seconds) - 1, "keras": keras.__version__}


def run_tbptt(config: str, passes: int) -> dict[str, object]:
    """Time lstmkit's TBPTT trainer per chunk; runs in the child process."""
    import keras
    import numpy as np

    from lstmkit import tbptt

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH_SIZE, TBPTT_LENGTH, 1)).astype("float32")
    y = np.concatenate([np.zeros((BATCH_SIZE, 1, 1), "float32"), x[:, :-1]], axis=1)
    model = keras.Sequential([
        keras.Input(batch_shape=(BATCH_SIZE, CHUNK_LENGTH, 1)),
        keras.layers.LSTM(UNITS, stateful=True, return_sequences=True),
        keras.layers.Dense(1),
    ])
    model.compile(keras.optimizers.Adam(1e-3), "mse", jit_compile=CONFIGS[config][1])
    try:
        trainer = tbptt.TruncatedBPTTTrainer(model)
        times, cpu = [], []
        for _ in range(1 + passes):
            start, cpu_start = time.perf_counter(), time.process_time()
            trainer.fit(x, y, epochs=1, shuffle_sequences=False)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        states = tbptt.get_recurrent_states(model)
    except Exception as error:  # noqa: BLE001 - reported, not raised: the library may break
        return {"config": config, "case": "tbptt", "error": f"{type(error).__name__}: {error}"}
    chunks = TBPTT_LENGTH // CHUNK_LENGTH
    per_pass = statistics.median(times[1:])
    return {"config": config, "case": "tbptt", "epoch_s": round(per_pass, 4),
            "epoch_cpu_s": round(statistics.median(cpu[1:]), 4),
            "first_s": round(times[0], 3), "compile_s": round(max(times[0] - per_pass, 0), 3),
            "compile_cpu_s": round(max(cpu[0] - statistics.median(cpu[1:]), 0), 3),
            "chunk_ms": round(per_pass / chunks * 1e3, 2),
            "state_carried": bool(any(np.abs(s).max() > 0 for group in states for s in group))}


def run_notebook(config: str, stem: str) -> dict[str, object]:
    """Execute one notebook in a temporary copy of notebooks/; runs in the child process."""
    import nbformat
    from nbclient import NotebookClient

    work = Path(tempfile.mkdtemp(prefix="backends-"))
    try:
        shutil.copytree(ROOT / "notebooks", work / "notebooks")
        (work / "data").symlink_to(ROOT / "data")
        path = next((work / "notebooks").glob(f"{stem}*.ipynb"))
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=900, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    errors = [o.get("ename", "?") for c in notebook.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    return {"config": config, "case": f"notebook_{stem}", "wall_s": round(seconds, 1),
            "failed_cells": len(errors), "errors": sorted(set(errors))}


def spawn(config: str, task: str, arguments: argparse.Namespace) -> dict[str, object]:
    python = arguments.notebook_python if task.startswith("notebook_") else sys.executable
    command = [python, __file__, "--child", config, task, "--epochs",
               str(arguments.epochs), "--single-epoch-above", str(arguments.single_epoch_above)]
    env = {**os.environ, "KERAS_BACKEND": CONFIGS[config][0]}
    if arguments.threads:  # one setting for every engine: TF, XLA (JAX), oneDNN, PyTorch
        count = str(arguments.threads)
        env.update(TF_NUM_INTRAOP_THREADS=count, TF_NUM_INTEROP_THREADS=count,
                   OMP_NUM_THREADS=count, XLA_FLAGS=f"{env.get('XLA_FLAGS', '')} "
                   f"--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads={count}")
    timeout = arguments.case_timeout * (4 if task.startswith("notebook") else 1)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"config": config, "case": task, "skipped": f"over {timeout:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1][:160]
        return {"config": config, "case": task, "skipped": f"exit {done.returncode}: {reason}"}
    return json.loads(lines[-1])


def row(result: dict[str, object], base: dict[str, object] | None) -> str:
    head = f"{result['config']:<15}{result['case']:<16}"
    if "skipped" in result or "error" in result:
        return head + f"  {result.get('skipped') or result.get('error')}"[:160]
    if "wall_s" in result:
        extra = f"  {result['failed_cells']} failed cell(s) {result['errors']}"
        ratio = f"{base['wall_s'] / result['wall_s']:>8.2f}x" if base and "wall_s" in base else ""
        return head + f"{result['wall_s']:>10.1f}{'':>30}{ratio:>9}" + extra
    ratio = base["epoch_s"] / result["epoch_s"] if base and "epoch_s" in base else None
    cpu = base["epoch_cpu_s"] / result["epoch_cpu_s"] if base and "epoch_s" in base else None
    note = "  state NOT carried" if result.get("state_carried") is False else ""
    note += "  one epoch only, compile included" if result.get("timed_epochs") == 0 else ""
    return head + (f"{result['epoch_s']:>10.3f}{result['epoch_cpu_s']:>10.3f}"
                   f"{result['compile_s']:>10.2f}{result.get('compile_cpu_s', 0):>10.2f}"
                   + (f"{ratio:>8.2f}x{cpu:>8.2f}x" if ratio else f"{'-':>9}{'-':>9}") + note)


def summary(results: list[dict[str, object]], total: float) -> dict[str, object]:
    found = {(r["config"], r["case"]): r for r in results if "skipped" not in r}
    out: dict[str, object] = {"benchmark": "backends", "samples": SAMPLES, "units": UNITS,
                              "batch_size": BATCH_SIZE, "cpu_count": os.cpu_count()}
    for (config, case), r in found.items():
        key = f"{config.replace('-', '_')}_{case}"
        for field in ("epoch_s", "epoch_cpu_s", "compile_s", "compile_cpu_s", "chunk_ms",
                      "wall_s", "state_carried", "error"):
            if field in r:
                out[f"{key}_{field}"] = r[field]
    for r in results:
        if "skipped" in r:
            out[f"{r['config'].replace('-', '_')}_{r['case']}_skipped"] = r["skipped"]
    names = {"tensorflow-xla": "xla", "jax": "jax", "torch": "torch"}
    for (config, case), r in found.items():
        base = found.get(("tensorflow", case), {})
        if config in names and "epoch_s" in r and "epoch_s" in base:
            speedup = round(base["epoch_s"] / r["epoch_s"], 3)
            key = f"tbptt_{names[config]}_speedup_vs_tf" if case == "tbptt" else (
                f"{names[config]}_speedup_vs_tf_{case}")
            out[key] = speedup
            out[key.replace("_speedup", "_cpu_speedup")] = round(
                base["epoch_cpu_s"] / r["epoch_cpu_s"], 3)
        if config in names and "wall_s" in r and "wall_s" in base:
            out[f"{case}_{names[config]}_speedup_vs_tf"] = round(base["wall_s"] / r["wall_s"], 3)
    out["total_seconds"] = round(total, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 cases, notebook 10")
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=None)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs after the first")
    parser.add_argument("--notebook", default=None, help="prefix of the notebook to time")
    parser.add_argument("--no-notebook", action="store_true")
    parser.add_argument("--notebook-only", action="store_true", help="skip the model cases")
    colab = ROOT / ".venv-colab" / "bin" / "python"
    parser.add_argument("--notebook-python", default=str(colab) if colab.exists() else
                        sys.executable, help="interpreter (and kernel) for the notebook: "
                        "Colab's stack, the one the notebooks are written for")
    parser.add_argument("--single-epoch-above", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per engine (0: its default); 1 on a busy machine, where "
                        "idle threads spinning for work inflate the CPU seconds")
    parser.add_argument("--case-timeout", type=float, default=300.0)
    parser.add_argument("--child", nargs=2, metavar=("CONFIG", "TASK"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        config, task = arguments.child
        if task == "tbptt":
            result = run_tbptt(config, arguments.epochs)
        elif task.startswith("notebook_"):
            result = run_notebook(config, task.removeprefix("notebook_"))
        else:
            result = run_case(config, task, arguments.epochs, arguments.single_epoch_above)
        print(json.dumps(result))
        return

    cases = arguments.cases or (QUICK_CASES if arguments.quick else list(CASES))
    notebook = arguments.notebook or ("10" if arguments.quick else "11")
    configs = list(CONFIGS)
    if importlib.util.find_spec("torch") is None:
        configs.remove("torch")
        print("PyTorch is not installed: its column is skipped (pip install torch).")
    start = time.perf_counter()
    results: list[dict[str, object]] = []
    tasks = [] if arguments.notebook_only else [*cases, "tbptt"]
    tasks += [] if arguments.no_notebook else [f"notebook_{notebook}"]
    print(f"{'config':<15}{'case':<16}{'epoch s':>10}{'CPU s':>10}{'compile s':>10}"
          f"{'CPU s':>10}{'vs TF':>9}{'CPU':>9}", flush=True)
    for task in tasks:
        for config in configs:
            if task.startswith("notebook_") and config == "tensorflow-xla":
                continue  # a notebook sets its own jit_compile
            results.append(spawn(config, task, arguments))
            base = next((r for r in results if r["config"] == "tensorflow"
                         and r["case"] == results[-1]["case"]), None)
            print(row(results[-1], base), flush=True)
    print("(epoch s: median wall seconds per epoch after the first, or per TBPTT pass of "
          "1,000 steps; compile s: first epoch minus that; CPU s: the same in the process's "
          "CPU seconds, steadier on a busy machine; "
          "notebook rows: wall seconds; vs TF: TensorFlow's time over this one's)")
    print(json.dumps(summary(results, time.perf_counter() - start)))


if __name__ == "__main__":
    main()
