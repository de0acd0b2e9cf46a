"""Windows over a long series: lstmkit views vs keras.utils.timeseries_dataset_from_array vs a loop.

Task: one float32 series of 1,000,000 points, windows of 256 steps, stride 1, the next
value as target, batches of 256 (999,744 windows, 3,906 batches). For each approach we
time creating the windows and iterating one epoch of batches, and record the peak
extra memory two ways: ``tracemalloc`` (NumPy and Python allocations; it cannot see
TensorFlow's) and the process's resident memory (RSS from ``/proc``, sampled by
``lstmkit.measure``; it sees everything).

Each approach runs in its own fresh Python process, so one's freed memory cannot hide
another's peak; all three run in the same invocation of this script, on the same
machine, one after the other. Each process makes timing and RSS measurements in a first
pass and ``tracemalloc`` measurements in a second (tracing slows Python loops).

Shortcuts, stated in the output:
* Keras iterates ``--keras-batches`` batches (default 600 of 3,906) and the epoch time is
  extrapolated: first batch (pipeline start-up) + mean time per later batch x the rest.
* The naive loop (a Python list of window copies) runs on ``--naive-fraction`` of the
  series (default 10%) and its time and memory are scaled up linearly: both grow with
  the number of windows (the full list would hold about 1.1 GB).

Usage:
    python benchmarks/windowing.py                 # about a minute on 2 cores
    python benchmarks/windowing.py --num-points 200000 --keras-batches 100   # quick

Prints a table, then a final JSON line with every figure, including
``epoch_speedup_vs_keras`` (Keras epoch time / lstmkit epoch time) and
``lstmkit_extra_memory_mb``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc

import numpy as np

CASES = ("lstmkit", "keras", "naive")


def _series(num_points: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(num_points).astype("float32")


def _mib(num_bytes: float) -> float:
    return num_bytes / 2**20


class _Traced:
    """Peak extra bytes allocated through Python/NumPy inside the block (tracemalloc)."""

    def __enter__(self):
        tracemalloc.start()
        tracemalloc.reset_peak()
        self._start = tracemalloc.get_traced_memory()[0]
        return self

    def __exit__(self, *exc_info):
        self.peak_mb = _mib(tracemalloc.get_traced_memory()[1] - self._start)
        tracemalloc.stop()


class _Untraced:
    peak_mb = float("nan")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


def _lstmkit(series, args, traced):
    from lstmkit.windowing import WindowDataset

    trace = _Traced() if traced else _Untraced()
    with trace:
        start = time.perf_counter()
        dataset = WindowDataset(
            series, window_length=args.window_length, horizon=1, batch_size=args.batch_size
        )
        create_s = time.perf_counter() - start
    create_trace = trace.peak_mb
    trace = _Traced() if traced else _Untraced()
    with trace:
        start = time.perf_counter()
        checksum = 0.0
        for index in range(len(dataset)):
            x, y = dataset[index]
            checksum += float(y[0])
        epoch_s = time.perf_counter() - start
    result = {
        "create_s": create_s,
        "epoch_s": epoch_s,
        "create_tracemalloc_mb": create_trace,
        "epoch_tracemalloc_mb": trace.peak_mb,
        "num_windows": dataset.num_windows,
        "num_batches": len(dataset),
        "batch_shape": list(x.shape),
        "extrapolated": False,
    }
    return result


def _lstmkit_shuffled(series, args):
    """Seeded shuffling: the epoch's permutation costs 8 bytes per window."""
    from lstmkit.windowing import WindowDataset

    start = time.perf_counter()
    shuffled = WindowDataset(
        series,
        window_length=args.window_length,
        horizon=1,
        batch_size=args.batch_size,
        shuffle=True,
        seed=0,
    )
    for index in range(len(shuffled)):
        shuffled[index]
    return time.perf_counter() - start


def _keras(series, args, traced):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    window_length = args.window_length
    num_windows = len(series) - window_length  # horizon 1
    num_batches = -(-num_windows // args.batch_size)
    measured = min(num_batches, args.keras_batches if not traced else min(50, args.keras_batches))
    trace = _Traced() if traced else _Untraced()
    with trace:
        start = time.perf_counter()
        dataset = keras.utils.timeseries_dataset_from_array(
            series[:-1],
            targets=series[window_length:],
            sequence_length=window_length,
            batch_size=args.batch_size,
            shuffle=False,
        )
        create_s = time.perf_counter() - start
    create_trace = trace.peak_mb
    trace = _Traced() if traced else _Untraced()
    with trace:
        iterator = iter(dataset)
        start = time.perf_counter()
        x, y = next(iterator)
        first_s = time.perf_counter() - start
        for _ in range(measured - 1):
            x, y = next(iterator)
        rest_s = time.perf_counter() - start - first_s
    per_batch = rest_s / max(1, measured - 1)
    return {
        "create_s": create_s,
        "epoch_s": first_s + per_batch * (num_batches - 1),
        "create_tracemalloc_mb": create_trace,
        "epoch_tracemalloc_mb": trace.peak_mb,
        "num_windows": num_windows,
        "num_batches": num_batches,
        "batches_timed": measured,
        "first_batch_s": first_s,
        "batch_shape": list(x.shape),
        "extrapolated": measured < num_batches,
    }


def _naive(series, args, traced):
    window_length, batch_size = args.window_length, args.batch_size
    full_windows = len(series) - window_length
    part = series[: int(len(series) * args.naive_fraction)]
    num_windows = len(part) - window_length
    scale = full_windows / num_windows
    trace = _Traced() if traced else _Untraced()
    with trace:
        start = time.perf_counter()
        windows = [
            part[start_step : start_step + window_length].copy()
            for start_step in range(num_windows)
        ]
        targets = [part[start_step + window_length] for start_step in range(num_windows)]
        create_s = time.perf_counter() - start
    create_trace = trace.peak_mb
    trace = _Traced() if traced else _Untraced()
    with trace:
        start = time.perf_counter()
        for batch_start in range(0, num_windows, batch_size):
            x = np.stack(windows[batch_start : batch_start + batch_size])[..., None]
            y = np.array(targets[batch_start : batch_start + batch_size])
        epoch_s = time.perf_counter() - start
    return {
        "create_s": create_s * scale,
        "epoch_s": epoch_s * scale,
        "create_tracemalloc_mb": create_trace * scale,
        "epoch_tracemalloc_mb": trace.peak_mb,  # one batch at a time: does not scale
        "num_windows": full_windows,
        "windows_measured": num_windows,
        "scale": scale,
        "batch_shape": list(x.shape),
        "target_shape": list(y.shape),
        "extrapolated": scale > 1,
    }


def run_case(name: str, args: argparse.Namespace) -> dict:
    """Run one approach in this process: a timed pass with RSS, then a traced pass."""
    import lstmkit as lk

    if name == "keras":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import keras  # noqa: F401  (imported before measuring: the import is not the approach's cost)
    if name == "lstmkit":
        import lstmkit.windowing  # noqa: F401
    series = _series(args.num_points)
    function = {"lstmkit": _lstmkit, "keras": _keras, "naive": _naive}[name]
    with lk.measure() as usage:
        result = function(series, args, traced=False)
    result["rss_peak_extra_mb"] = usage.peak_memory_mb
    if name == "naive":
        result["rss_peak_extra_mb"] *= result["scale"]
    if name == "lstmkit":
        with lk.measure() as usage:
            result["shuffled_epoch_s"] = _lstmkit_shuffled(series, args)
        result["shuffled_rss_peak_extra_mb"] = usage.peak_memory_mb
    traced = function(series, args, traced=True)
    result["create_tracemalloc_mb"] = traced["create_tracemalloc_mb"]
    result["epoch_tracemalloc_mb"] = traced["epoch_tracemalloc_mb"]
    result["tracemalloc_peak_mb"] = max(
        traced["create_tracemalloc_mb"], traced["epoch_tracemalloc_mb"]
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--num-points", type=int, default=1_000_000)
    parser.add_argument("--window-length", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument(
        "--keras-batches", type=int, default=600, help="batches Keras iterates before extrapolating"
    )
    parser.add_argument(
        "--naive-fraction", type=float, default=0.1, help="share of the series the loop copies"
    )
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.case:  # child process: one approach, one JSON line
        print(json.dumps(run_case(args.case, args)))
        return 0

    start = time.perf_counter()
    results = {}
    forwarded = [
        f"--num-points={args.num_points}",
        f"--window-length={args.window_length}",
        f"--batch-size={args.batch_size}",
        f"--keras-batches={args.keras_batches}",
        f"--naive-fraction={args.naive_fraction}",
    ]
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    for name in CASES:
        print(f"running {name} in a fresh process ...", flush=True)
        completed = subprocess.run(
            [sys.executable, __file__, "--case", name, *forwarded],
            capture_output=True,
            text=True,
            check=False,
            env=environment,
        )
        if completed.returncode != 0:
            print(completed.stdout + completed.stderr, file=sys.stderr)
            return 1
        results[name] = json.loads(completed.stdout.strip().splitlines()[-1])

    ours, keras_result, naive = results["lstmkit"], results["keras"], results["naive"]
    print(
        f"\n{args.num_points:,} float32 points, window {args.window_length}, stride 1, horizon 1, "
        f"batch {args.batch_size}: {ours['num_windows']:,} windows, "
        f"{ours['num_batches']:,} batches "
        f"of shape {tuple(ours['batch_shape'])}\n"
    )
    header = (
        f"| {'approach':<37} | create (s) | epoch (s) | tracemalloc peak (MiB) "
        "| RSS peak extra (MiB) |"
    )
    print(header)
    print("|" + "|".join("-" * len(part) for part in header[1:-1].split("|")) + "|")
    labels = {
        "lstmkit": "lstmkit WindowDataset (views)",
        "keras": "keras timeseries_dataset_from_array",
        "naive": "Python list of window copies",
    }
    for name in CASES:
        row = results[name]
        mark = " *" if row["extrapolated"] else ""
        print(
            f"| {labels[name] + mark:<37} | {row['create_s']:>10.3f} | {row['epoch_s']:>9.2f} | "
            f"{row['tracemalloc_peak_mb']:>22.1f} | {row['rss_peak_extra_mb']:>20.1f} |"
        )
    print(
        f"\nlstmkit, shuffled order (seeded): create + epoch {ours['shuffled_epoch_s']:.2f} s, "
        f"RSS peak extra {ours['shuffled_rss_peak_extra_mb']:.1f} MiB "
        "(the permutation: 8 bytes per window)"
    )
    if keras_result["extrapolated"]:
        print(
            f"* keras: timed {keras_result['batches_timed']} of "
            f"{keras_result['num_batches']} batches "
            f"(first batch {keras_result['first_batch_s']:.2f} s) and extrapolated to one epoch."
        )
    if naive["extrapolated"]:
        print(
            f"* naive loop: measured on {naive['windows_measured']:,} windows "
            f"({args.naive_fraction:.0%} of the series); create time, epoch time, tracemalloc "
            f"and RSS scaled by x{naive['scale']:.1f} to the full series."
        )
    print("tracemalloc sees NumPy/Python allocations only; TensorFlow's show in RSS.")
    speedup = keras_result["epoch_s"] / ours["epoch_s"]
    lstmkit_memory = max(ours["tracemalloc_peak_mb"], ours["rss_peak_extra_mb"])
    print(
        f"\nepoch speed-up vs keras: {speedup:.0f}x; vs naive loop (create + epoch): "
        f"{(naive['create_s'] + naive['epoch_s']) / (ours['create_s'] + ours['epoch_s']):.1f}x; "
        f"lstmkit extra memory {lstmkit_memory:.1f} MiB (window creation: "
        f"{ours['create_tracemalloc_mb'] * 1024:.1f} KiB, whatever the series length)."
    )
    summary = {
        "benchmark": "windowing",
        "num_points": args.num_points,
        "window_length": args.window_length,
        "batch_size": args.batch_size,
        "num_windows": ours["num_windows"],
        "num_batches": ours["num_batches"],
        "lstmkit_create_s": round(ours["create_s"], 5),
        "lstmkit_epoch_s": round(ours["epoch_s"], 3),
        "lstmkit_shuffled_epoch_s": round(ours["shuffled_epoch_s"], 3),
        "lstmkit_shuffled_rss_peak_extra_mb": round(ours["shuffled_rss_peak_extra_mb"], 1),
        "lstmkit_create_tracemalloc_mb": round(ours["create_tracemalloc_mb"], 4),
        "lstmkit_tracemalloc_peak_mb": round(ours["tracemalloc_peak_mb"], 3),
        "lstmkit_rss_peak_extra_mb": round(ours["rss_peak_extra_mb"], 1),
        "lstmkit_extra_memory_mb": round(lstmkit_memory, 3),
        "keras_create_s": round(keras_result["create_s"], 3),
        "keras_epoch_s": round(keras_result["epoch_s"], 2),
        "keras_epoch_extrapolated_from_batches": keras_result["batches_timed"],
        "keras_tracemalloc_peak_mb": round(keras_result["tracemalloc_peak_mb"], 2),
        "keras_rss_peak_extra_mb": round(keras_result["rss_peak_extra_mb"], 1),
        "naive_create_s": round(naive["create_s"], 3),
        "naive_epoch_s": round(naive["epoch_s"], 3),
        "naive_extrapolated_from_fraction": args.naive_fraction if naive["extrapolated"] else 1.0,
        "naive_tracemalloc_peak_mb": round(naive["tracemalloc_peak_mb"], 1),
        "naive_rss_peak_extra_mb": round(naive["rss_peak_extra_mb"], 1),
        "epoch_speedup_vs_keras": round(speedup, 1),
        "epoch_speedup_vs_naive": round(naive["epoch_s"] / ours["epoch_s"], 2),
        "total_runtime_s": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
