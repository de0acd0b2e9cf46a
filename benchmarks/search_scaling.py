"""Search throughput with 1 and 2 workers on each storage, and data-parallel step time.

Search: completed trials per minute for a study run by 1 or 2 worker processes
(``lstmkit.tuning.start_workers``) on each storage: a SQLite file, a journal file and a
PostgreSQL server (a throw-away one from ``lstmkit.tuning.LocalPostgres``; skipped if
PostgreSQL cannot be had). Two objectives:

  cheap   (x - 1) ** 2: no work at all, so the figure is the storage's own overhead
          (sampling, writing the trial, the heartbeat, the exact-count check).
  lstm    a small LSTM(16) fitted for one epoch on 256 sequences of 50 steps.

The rate counts completed trials over the span from the first trial's start to the last
one's end, so worker start-up (importing TensorFlow) is not in it.

Data parallel: median seconds per training step of one LSTM(32) on a global batch of 64
sequences of 100 steps, on one CPU device and under ``MirroredStrategy`` over two logical
CPU devices (``lstmkit.distribute.split_cpu``), each in a fresh process. Two logical
devices share the same cores, so this shows the overhead of splitting, not a speed-up:
that needs two real devices.

Prints a table, then one JSON line with every figure. One run, no repeats.

Usage:
    python benchmarks/search_scaling.py                    # about 5 minutes on 2 cores
    python benchmarks/search_scaling.py --storages journal --objectives cheap
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.abspath(__file__)


def cheap(trial):  # noqa: ANN001, ANN201 - an Optuna objective
    x = trial.suggest_float("x", -5, 5)
    return (x - 1) ** 2


def lstm(trial):  # noqa: ANN001, ANN201 - an Optuna objective
    import keras
    import numpy as np

    units = trial.suggest_int("units", 8, 16)
    rng = np.random.default_rng(trial.number)
    x = rng.normal(size=(256, 50, 1)).astype("float32")
    y = x[:, -5:, 0].mean(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((50, 1)), keras.layers.LSTM(units),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(trial.suggest_float("lr", 1e-3, 1e-2)),
                  loss="mse")
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    return float(history.history["loss"][-1])


def search_rate(storage: str, workers: int, objective: str, trials: int) -> float:
    """Completed trials per minute of one study run by ``workers`` processes."""
    import optuna

    from lstmkit import tuning

    name = f"{objective}-{workers}-{time.monotonic_ns()}"
    processes = tuning.start_workers(
        workers, storage=storage, study_name=name, objective=f"{HERE}:{objective}",
        num_trials=trials, heartbeat_seconds=10, seed=0,
    )
    codes = tuning.wait_for_workers(processes, timeout=900)
    if any(codes):
        log = open(processes[codes.index(next(c for c in codes if c))].log_path).read()
        raise RuntimeError(f"a worker failed: {log[-2000:]}")
    study = tuning.create_study(name, storage=storage, heartbeat_seconds=10)
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    span = max(t.datetime_complete for t in done) - min(t.datetime_start for t in done)
    return 60.0 * len(done) / max(span.total_seconds(), 1e-9)


STEP_SCRIPT = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    from lstmkit import distribute

    devices = distribute.split_cpu(2)
    import keras

    def build():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((100, 1)), keras.layers.LSTM(32),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        return model

    class Timer(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            self.start = time.perf_counter()
        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    x = np.random.default_rng(0).normal(size=(64 * 12, 100, 1)).astype("float32")
    y = x[:, -1, :]
    if sys.argv[1] == "mirrored":
        with distribute.mirrored_strategy(devices).scope():
            model = build()
    else:
        model = build()
    timer = Timer()
    timer.times = []
    model.fit(x, y, batch_size=64, epochs=1, verbose=0, shuffle=False, callbacks=[timer])
    print("RESULT", json.dumps(float(np.median(timer.times[2:]))))
""")


def step_seconds(mode: str) -> float:
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", STEP_SCRIPT, mode], capture_output=True, text=True, check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    ).stdout
    return float(next(r for r in out.splitlines() if r.startswith("RESULT")).split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storages", nargs="+", default=["sqlite", "journal", "postgresql"])
    parser.add_argument("--objectives", nargs="+", default=["cheap", "lstm"])
    parser.add_argument("--cheap-trials", type=int, default=40)
    parser.add_argument("--lstm-trials", type=int, default=6)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from lstmkit import tuning

    results: dict[str, object] = {}
    folder = tempfile.mkdtemp(prefix="search-scaling-")
    server = None
    for kind in args.storages:
        if kind == "sqlite":
            storage = os.path.join(folder, "search.db")
        elif kind == "journal":
            storage = "journal:" + os.path.join(folder, "search.log")
        else:
            server = tuning.LocalPostgres(install=True)
            try:
                storage = server.start()
            except RuntimeError as error:
                print(f"postgresql skipped: {error}")
                results["postgresql"] = "skipped"
                continue
        for objective in args.objectives:
            trials = args.cheap_trials if objective == "cheap" else args.lstm_trials
            for workers in (1, 2):
                rate = search_rate(storage, workers, objective, trials)
                key = f"{kind}_{objective}_{workers}w_trials_per_min"
                results[key] = round(rate, 1)
                print(f"{kind:<11} {objective:<6} {workers} worker(s): {rate:8.1f} trials/min",
                      flush=True)
    if server is not None:
        server.stop()
    for mode in ("single", "mirrored"):
        seconds = step_seconds(mode)
        results[f"{mode}_step_seconds"] = round(seconds, 4)
        print(f"{mode:<9} step: {seconds * 1000:.1f} ms", flush=True)
    results["cpu_count"] = os.cpu_count()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
