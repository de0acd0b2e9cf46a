"""Command line: ``python -m lstmkit.tuning worker ...`` runs one worker of a shared study.

Example (two workers on one PostgreSQL study; start the same line on other machines)::

    python -m lstmkit.tuning worker --storage postgresql://optuna@db:5432/optuna \\
        --study lstm --trials 40 --objective my_search:objective --seed 1 &
    python -m lstmkit.tuning worker --storage postgresql://optuna@db:5432/optuna \\
        --study lstm --trials 40 --objective my_search:objective --seed 2

It prints one JSON line when the study is done (see ``lstmkit.tuning.study_report``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m lstmkit.tuning")
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="work on a shared study until it is done")
    worker.add_argument("--storage", required=True,
                        help="postgresql://..., journal:<file> or a SQLite file")
    worker.add_argument("--study", required=True, help="the study's name")
    worker.add_argument("--trials", type=int, required=True,
                        help="finished trials wanted in the whole study")
    worker.add_argument("--objective", required=True,
                        help="module:function or <file>.py:function")
    worker.add_argument("--heartbeat", type=int, default=60, help="seconds between heartbeats")
    worker.add_argument("--direction", default="minimize", choices=("minimize", "maximize"))
    worker.add_argument("--seed", type=int, default=None)
    worker.add_argument("--timeout", type=float, default=None, help="stop after this many s")
    args = parser.parse_args(argv)

    if os.getcwd() not in sys.path:  # objectives are modules of the working folder
        sys.path.insert(0, os.getcwd())
    import optuna

    from lstmkit.tuning.workers import run_worker, study_report

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = run_worker(
        args.storage, args.study, args.objective, num_trials=args.trials,
        heartbeat_seconds=args.heartbeat, direction=args.direction, seed=args.seed,
        timeout=args.timeout,
    )
    print(json.dumps({"pid": os.getpid(), **study_report(study)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
