"""LongSequenceClassifier against MiniRocket, ROCKET and 1-NN DTW, each in a fresh process.

Needs aeon (``pip install "aeon~=1.6.0"``, which pins numpy < 2.4 and pandas < 3.1): the
Colab-stack environment that ``bash scripts/test.sh`` builds has it, so run it as
``.venv-colab/bin/python benchmarks/long_series.py``.
Datasets: the bundled ACSF1, PLAID and JapaneseVowels, and (``--panel``) a held-out panel
of UCR series bundled inside aeon's wheel, run with default arguments only.

Every method runs in its own subprocess; its cost is the CPU seconds of that process
(``time.process_time``: fit + predict, all threads), which stays meaningful on a shared
machine where wall time does not. Variable-length series are right-padded with zeros to
the longest series for MiniRocket and ROCKET (aeon's versions need equal lengths); DTW
and LongSequenceClassifier take them as they are.

Keras's backend is the one ``KERAS_BACKEND`` names (each row and the JSON line record it):
the classifier's figures differ by backend, because its budget is CPU seconds and an epoch
costs fewer of them on JAX. ``--seeds 0 1 2`` repeats every method with each seed (the
split, the initial weights and the crops all change with it) and compares the means:
on ACSF1's 100 test series one seed's accuracy moves by several hundredths.
``--jobs 2`` runs two methods side by side (CPU seconds, not wall time, are the budget).

Run:
    python benchmarks/long_series.py                 # the three bundled datasets
    python benchmarks/long_series.py --panel         # plus the held-out panel
    python benchmarks/long_series.py --methods minirocket default --datasets acsf1
    KERAS_BACKEND=jax python benchmarks/long_series.py --methods minirocket default \
        --seeds 0 1 2 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

BUNDLED = ("acsf1", "plaid", "japanese_vowels")
PANEL = ("OSULeaf", "ArrowHead", "PickupGestureWiimoteZ", "GunPoint")
BASELINES = ("minirocket", "rocket", "dtw")
OURS = ("default", "quantile_lstm", "rocket_lstm", "lstm_fcn", "no_lstm")
PANEL_METHODS = ("minirocket", "default")


def load(dataset: str) -> tuple:
    """``(x_train, y_train), (x_test, y_test)`` as lists of ``(T_i, C)`` float32 arrays."""
    if dataset in BUNDLED:
        from lstmkit import datasets

        (xa, ya), (xb, yb) = getattr(datasets, f"load_{dataset}")()
        return (list(xa), np.asarray(ya)), (list(xb), np.asarray(yb))
    from aeon.datasets import __file__ as root
    from aeon.datasets import load_from_ts_file

    folder = os.path.join(os.path.dirname(root), "data", dataset)
    splits = []
    for part in ("TRAIN", "TEST"):
        x, y = load_from_ts_file(os.path.join(folder, f"{dataset}_{part}.ts"))
        series = [np.asarray(item, dtype=np.float32).T for item in x]  # (C, T) -> (T, C)
        splits.append((series, y))
    classes = np.unique(np.concatenate([splits[0][1], splits[1][1]]))
    return tuple((x, np.searchsorted(classes, y)) for x, y in splits)


def _padded(series: list, length: int) -> np.ndarray:
    out = np.zeros((len(series), series[0].shape[1], length), dtype=np.float64)
    for row, item in enumerate(series):
        out[row, :, : len(item)] = item.T
    return out


def run_method(method: str, dataset: str, seed: int) -> dict:
    """Fit and score one method on one dataset in this process."""
    (xa, ya), (xb, yb) = load(dataset)
    started = time.process_time()
    if method in BASELINES:
        from aeon.classification.convolution_based import (
            MiniRocketClassifier,
            RocketClassifier,
        )
        from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier

        if method == "dtw":
            model = KNeighborsTimeSeriesClassifier(distance="dtw", n_neighbors=1)
            train = [x.T.astype(np.float64) for x in xa]
            test = [x.T.astype(np.float64) for x in xb]
            if len({len(x) for x in xa + xb}) == 1:
                train, test = np.stack(train), np.stack(test)
        else:
            kind = MiniRocketClassifier if method == "minirocket" else RocketClassifier
            model = kind(n_kernels=10_000, random_state=seed)
            longest = max(len(x) for x in xa + xb)
            train, test = _padded(xa, longest), _padded(xb, longest)
        model.fit(train, ya)
        accuracy = float(np.mean(model.predict(test) == yb))
        extra = {}
    else:
        from lstmkit.classification import LongSequenceClassifier

        options = {"random_state": seed}
        if method in ("quantile_lstm", "rocket_lstm", "lstm_fcn"):
            options["recipe"] = method
        if method == "no_lstm":
            options["use_lstm"] = False
        model = LongSequenceClassifier(**options).fit(xa, ya)
        accuracy = float(model.score(xb, yb))
        extra = {"recipe": model.recipe_, "epochs": model.epochs_,
                 "fit_cpu_s": round(model.fit_cpu_s_, 1)}
    cpu = time.process_time() - started
    import keras

    return {"method": method, "dataset": dataset, "seed": seed, "accuracy": accuracy,
            "cpu_s": cpu, "backend": keras.backend.backend(), **extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="*", default=list(BUNDLED))
    parser.add_argument("--methods", nargs="*", default=list(BASELINES + OURS))
    parser.add_argument("--panel", action="store_true", help="also run the held-out panel")
    parser.add_argument("--seeds", nargs="*", type=int, default=[0])
    parser.add_argument("--jobs", type=int, default=1, help="methods run side by side")
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "DATASET", "SEED"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, dataset, seed = args.child
        print("RESULT " + json.dumps(run_method(method, dataset, int(seed))), flush=True)
        return
    jobs = [(d, m) for d in args.datasets for m in args.methods]
    if args.panel:
        jobs += [(d, m) for d in PANEL for m in PANEL_METHODS]
    jobs = [(d, m, seed) for d, m in jobs for seed in args.seeds]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")

    def run(job: tuple) -> dict | None:
        dataset, method, seed = job
        command = [sys.executable, __file__, "--child", method, dataset, str(seed)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if not lines:
            print(f"{dataset:24s} {method:14s} seed {seed} FAILED\n{done.stderr[-2000:]}",
                  flush=True)
            return None
        row = json.loads(lines[-1][len("RESULT "):])
        print(f"{dataset:24s} {method:14s} seed {seed} accuracy {row['accuracy']:.3f}  "
              f"cpu {row['cpu_s']:7.1f} s  {row['backend']} {row.get('recipe', '')} "
              f"{row.get('epochs', '')}", flush=True)
        return row

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = [row for row in pool.map(run, jobs) if row is not None]
    summarize(results)


def summarize(results: list[dict]) -> None:
    """Print mean accuracy differences and CPU ratios against MiniRocket, then the JSON line.

    With several seeds, each method's accuracy and CPU seconds are its means over them.
    """
    grouped: dict = {}
    for row in results:
        grouped.setdefault((row["dataset"], row["method"]), []).append(row)
    table = {key: {"accuracy": float(np.mean([r["accuracy"] for r in rows])),
                   "cpu_s": float(np.mean([r["cpu_s"] for r in rows])),
                   "seeds": len(rows)}
             for key, rows in grouped.items()}
    summary: dict = {}
    print("\ndataset                  method          seeds  accuracy  acc - minirocket   "
          "cpu / minirocket")
    for (dataset, method), row in sorted(table.items()):
        base = table.get((dataset, "minirocket"))
        gap = row["accuracy"] - base["accuracy"] if base else float("nan")
        ratio = row["cpu_s"] / max(base["cpu_s"], 1e-9) if base else float("nan")
        print(f"{dataset:24s} {method:14s} {row['seeds']:5d} {row['accuracy']:9.3f} "
              f"{gap:+17.3f} {ratio:18.1f}")
        if method == "default" and base:
            summary[f"recipe_minus_minirocket_{dataset}"] = round(gap, 4)
    bundled = [summary[f"recipe_minus_minirocket_{d}"] for d in BUNDLED
               if f"recipe_minus_minirocket_{d}" in summary]
    if bundled:
        summary["recipe_minus_minirocket_mean"] = round(float(np.mean(bundled)), 4)
    if results:
        summary["backend"] = results[0]["backend"]
        summary["seeds"] = sorted({r["seed"] for r in results})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
