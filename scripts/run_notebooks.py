"""Execute lstmkit's notebooks headless and print a table of runtime and headline result.

Usage:
    python scripts/run_notebooks.py                    # every notebook, outputs to build/notebooks
    python scripts/run_notebooks.py 01 02              # only notebooks whose name starts so
    python scripts/run_notebooks.py --in-place 01      # refresh the committed outputs

The notebooks run on the interpreter that runs this script (its kernel is started with
``sys.executable``): ``.venv-colab/bin/python`` gives Colab's stack, the one the committed
outputs come from; ``scripts/notebooks.sh`` picks it. The table gives wall-clock seconds
and the CPU seconds the kernel used, which stays meaningful on a busy machine.

Notebooks run in order with the ``notebooks/`` folder as working directory, so each one
writes ``notebooks/results/<name>.json`` (its headline figures) where the next can read it.
``--in-place`` is for maintainers: it writes the executed notebook back over the source
and strips volatile metadata, which is how committed outputs are refreshed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
# C++ start-up chatter from TensorFlow/absl: it never reappears under nbval, so a saved
# copy would break comparisons. Everything else on stderr is kept for people to see.
NOISE = re.compile(
    r"^(\S*\s*)?(I|W|E)\d{4} [\d:. ]+\s+\d+ \S+\.(cc|h):\d+\]|"
    r"^\d{4}-\d\d-\d\d [\d:.]+: [IWE] \S+\.(cc|h):\d+\]|"
    r"^WARNING: All log messages before absl::InitializeLog|"
    r"oneDNN custom operations are on|cuda_blas|cuda_dnn|cuda_fft|TF-TRT|rebuild TensorFlow",
)
KEPT_NOTEBOOK_METADATA = ("kernelspec", "language_info", "colab")


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip volatile metadata and TensorFlow start-up noise from an executed notebook."""
    notebook.metadata = {k: v for k, v in notebook.metadata.items() if k in KEPT_NOTEBOOK_METADATA}
    if "language_info" in notebook.metadata:
        notebook.metadata["language_info"] = {"name": "python"}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                lines = [line for line in output.text.splitlines(True) if not NOISE.search(line)]
                if not "".join(lines).strip():
                    continue
                output.text = "".join(lines)
            kept.append(output)
        cell.outputs = kept
    return notebook


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def execute(
    path: Path, *, in_place: bool, output_dir: Path, timeout: int
) -> tuple[float, float, str]:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start, cpu_start = time.perf_counter(), _children_cpu_seconds()
    error = ""
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1][:200] if str(exc).strip() else "cell failed"
    elapsed = time.perf_counter() - start
    cpu = _children_cpu_seconds() - cpu_start  # the kernel, reaped when execute() returns
    target = path if in_place else output_dir / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(clean(notebook), target)
    return elapsed, cpu, error


def headline(stem: str) -> str:
    path = NOTEBOOKS / "results" / f"{stem}.json"
    if not path.is_file():
        return "-"
    return json.loads(path.read_text(encoding="utf-8")).get("headline", "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "prefixes", nargs="*", help="run only notebooks whose name starts with one of these"
    )
    parser.add_argument(
        "--in-place", action="store_true", help="write outputs back into notebooks/"
    )
    parser.add_argument("--output-dir", type=Path, default=ROOT / "build" / "notebooks")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.prefixes:
        paths = [p for p in paths if any(p.name.startswith(prefix) for prefix in args.prefixes)]
    if not paths:
        print(f"No notebook matches {args.prefixes} in {NOTEBOOKS}.", file=sys.stderr)
        return 2

    import keras
    import tensorflow as tf

    print(f"Python {sys.version.split()[0]}, TensorFlow {tf.__version__}, Keras {keras.__version__}"
          f" ({sys.executable})", flush=True)
    rows, failures, total = [], 0, 0.0
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        elapsed, cpu, error = execute(
            path, in_place=args.in_place, output_dir=args.output_dir, timeout=args.timeout
        )
        total += elapsed
        failures += bool(error)
        status = f"FAILED: {error}" if error else headline(path.stem)
        rows.append((path.stem, f"{elapsed:6.1f}", f"{cpu:6.1f}", status))

    width = max(len(row[0]) for row in rows)
    print()
    print(f"| {'notebook':<{width}} | runtime (s) | CPU (s) | headline result")
    print(f"|{'-' * (width + 2)}|-------------|---------|----------------")
    for stem, seconds, cpu, text in rows:
        print(f"| {stem:<{width}} | {seconds:>11} | {cpu:>7} | {text}")
    print(f"\n{len(rows) - failures} of {len(rows)} notebooks ran in {total:.0f} s"
          + ("" if args.in_place else f"; executed copies in {args.output_dir}"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
