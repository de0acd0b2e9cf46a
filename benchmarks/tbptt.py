"""Time and peak memory of one training pass: full backpropagation against truncated BPTT.

One batch of 32 sequences, 1 feature, an LSTM(32) with an output at every step (a
Dense(1) on each step; the target is the previous step's input). Two ways to train:

  full    keras.Sequential over the whole sequence, one ``train_on_batch`` per pass:
          backpropagation through every step, so every step's activations are kept.
  tbptt   lstmkit's ``TruncatedBPTTTrainer`` with chunks of 100 steps (a stateful
          LSTM(32) built for ``batch_shape=(32, 100, 1)``): one ``train_on_batch`` per
          chunk, the state carried over, the gradient cut at each chunk border.

at 2,000, 10,000 and 50,000 steps. Each case runs in a fresh subprocess so that peak
memory (``lstmkit.measure``: resident memory above the level before training, over the
warm-up and the timed pass) is comparable between cases. The first pass traces the
graph and is not timed; then up to 5 passes (as many as fit in about 8 s) are timed and the
median reported (the fastest too). If the first pass takes longer than
``--single-pass-above`` seconds, it is the figure (tracing is then a small part of
it) and no other pass runs. A
case that runs past ``--case-timeout`` seconds, or fails (out of memory), is reported as
skipped. Both use ``jit_compile=False``: compiling with XLA made LSTMs that return one
output per step several times slower on this kind of machine.

Prints a table, then one JSON line with the figures, including
``tbptt_memory_ratio_50k_vs_2k`` (truncated BPTT's peak at 50k steps over its peak at
2k) and ``tbptt_time_per_step_ratio_vs_full_2k`` (its seconds per step at 2k over full
backpropagation's).

Usage:
    python benchmarks/tbptt.py                     # about 3-5 minutes on 2 CPU cores
    python benchmarks/tbptt.py --lengths 2000 10000 --case-timeout 60   # quicker look
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BATCH_SIZE, UNITS, CHUNK_LENGTH = 32, 32, 100


def run_case(method: str, length: int, single_pass_above: float) -> dict[str, object]:
    """Build, warm up and time one pass; runs inside the child process."""
    import keras
    import numpy as np

    import lstmkit as lk
    from lstmkit import tbptt

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH_SIZE, length, 1)).astype("float32")
    y = np.concatenate([np.zeros((BATCH_SIZE, 1, 1), "float32"), x[:, :-1]], axis=1)
    if method == "full":
        model = keras.Sequential(
            [
                keras.Input((length, 1)),
                keras.layers.LSTM(UNITS, return_sequences=True),
                keras.layers.Dense(1),
            ]
        )
    else:
        model = keras.Sequential(
            [
                keras.Input(batch_shape=(BATCH_SIZE, CHUNK_LENGTH, 1)),
                keras.layers.LSTM(UNITS, stateful=True, return_sequences=True),
                keras.layers.Dense(1),
            ]
        )
    model.compile(keras.optimizers.Adam(1e-3), "mse", jit_compile=False)
    trainer = tbptt.TruncatedBPTTTrainer(model) if method == "tbptt" else None

    def one_pass() -> float:
        start = time.perf_counter()
        if trainer is None:
            model.train_on_batch(x, y)
        else:
            trainer.fit(x, y, epochs=1, shuffle_sequences=False)
        return time.perf_counter() - start

    with lk.measure() as usage:
        first = one_pass()
        single = first > single_pass_above
        # Up to 5 timed passes within about 8 s: the median resists a noisy neighbour.
        repeats = 0 if single else max(1, min(5, int(8.0 / max(first, 1e-3))))
        passes = [first] if single else [one_pass() for _ in range(repeats)]
    seconds = statistics.median(passes)
    return {
        "method": method,
        "length": length,
        "seconds_per_pass": round(seconds, 3),
        "fastest_seconds_per_pass": round(min(passes), 3),
        "microseconds_per_step": round(seconds / length * 1e6, 1),
        "fastest_microseconds_per_step": round(min(passes) / length * 1e6, 1),
        "timed_passes": len(passes),
        "first_pass_seconds": round(first, 3),
        "timed_first_pass": single,
        "peak_memory_mb": round(usage.peak_memory_mb, 1),
    }


def spawn(method: str, length: int, arguments: argparse.Namespace) -> dict[str, object]:
    command = [
        sys.executable,
        __file__,
        "--child",
        method,
        str(length),
        "--single-pass-above",
        str(arguments.single_pass_above),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=arguments.case_timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {
            "method": method,
            "length": length,
            "skipped": f"over {arguments.case_timeout} s (time limit)",
        }
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1][:120]
        return {
            "method": method,
            "length": length,
            "skipped": f"failed (exit {done.returncode}): {reason}",
        }
    return json.loads(lines[-1])


def table(cases: list[dict[str, object]]) -> str:
    lines = [
        f"{'method':<8}{'steps':>8}{'s/pass':>10}{'us/step':>10}{'peak MiB':>10}  note",
    ]
    for case in cases:
        if "skipped" in case:
            lines.append(
                f"{case['method']:<8}{case['length']:>8}{'-':>10}{'-':>10}{'-':>10}  "
                f"skipped: {case['skipped']}"
            )
            continue
        note = "single pass incl. tracing" if case["timed_first_pass"] else ""
        if case["seconds_per_pass"] > 60:
            note = (note + "; " if note else "") + "over 60 s per pass"
        lines.append(
            f"{case['method']:<8}{case['length']:>8}{case['seconds_per_pass']:>10.3f}"
            f"{case['microseconds_per_step']:>10.1f}{case['peak_memory_mb']:>10.1f}  {note}"
        )
    return "\n".join(lines)


def summary(cases: list[dict[str, object]], lengths: list[int], total: float) -> dict[str, object]:
    import keras

    found = {(c["method"], c["length"]): c for c in cases if "skipped" not in c}
    result: dict[str, object] = {
        "benchmark": "tbptt",
        "batch_size": BATCH_SIZE,
        "units": UNITS,
        "chunk_length": CHUNK_LENGTH,
        "keras": keras.__version__,
        "cpu_count": os.cpu_count(),
    }
    for case in cases:
        key = f"{case['method']}_{case['length'] // 1000}k"
        if "skipped" in case:
            result[f"{key}_skipped"] = case["skipped"]
        else:
            result[f"{key}_seconds_per_pass"] = case["seconds_per_pass"]
            result[f"{key}_microseconds_per_step"] = case["microseconds_per_step"]
            result[f"{key}_peak_memory_mb"] = case["peak_memory_mb"]
    shortest, longest = min(lengths), max(lengths)
    name = f"{longest // 1000}k_vs_{shortest // 1000}k"
    if ("tbptt", shortest) in found and ("tbptt", longest) in found:
        ratio = found["tbptt", longest]["peak_memory_mb"] / max(
            found["tbptt", shortest]["peak_memory_mb"], 1.0
        )
        result[f"tbptt_memory_ratio_{name}"] = round(ratio, 3)
        result["tbptt_memory_within_1_25x"] = bool(ratio <= 1.25)
    full = sorted(length for method, length in found if method == "full")
    if len(full) >= 2:
        result[f"full_memory_ratio_{full[-1] // 1000}k_vs_{full[0] // 1000}k"] = round(
            found["full", full[-1]]["peak_memory_mb"]
            / max(found["full", full[0]]["peak_memory_mb"], 1.0),
            3,
        )
    if ("tbptt", shortest) in found and ("full", shortest) in found:
        ratio = (
            found["tbptt", shortest]["microseconds_per_step"]
            / found["full", shortest]["microseconds_per_step"]
        )
        fastest = (
            found["tbptt", shortest]["fastest_microseconds_per_step"]
            / found["full", shortest]["fastest_microseconds_per_step"]
        )
        result[f"tbptt_time_per_step_ratio_vs_full_{shortest // 1000}k"] = round(ratio, 3)
        result[f"tbptt_fastest_time_per_step_ratio_vs_full_{shortest // 1000}k"] = round(fastest, 3)
        result["tbptt_time_within_1_5x"] = bool(ratio <= 1.5)
    result["total_seconds"] = round(total, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[2000, 10000, 50000])
    parser.add_argument(
        "--case-timeout",
        type=float,
        default=150.0,
        help="seconds before a case is stopped and reported as skipped",
    )
    parser.add_argument("--single-pass-above", type=float, default=20.0)
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "LENGTH"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        method, length = arguments.child
        print(json.dumps(run_case(method, int(length), arguments.single_pass_above)))
        return

    start = time.perf_counter()
    cases = []
    for method in ("tbptt", "full"):
        for length in arguments.lengths:
            cases.append(spawn(method, length, arguments))
            print(table(cases[-1:]).splitlines()[-1], flush=True)
    print()
    print(table(cases))
    print(json.dumps(summary(cases, arguments.lengths, time.perf_counter() - start)))


if __name__ == "__main__":
    main()
