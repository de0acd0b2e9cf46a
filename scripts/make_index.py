"""Regenerate notebooks/00_index.ipynb from the notebooks' own titles and first sentences.

The runtime column comes from each notebook's results file (``results/<notebook>.json``,
``metrics.runtime_s``, measured inside the notebook by its last cell). Run it after adding a
notebook or refreshing the results files: ``python scripts/make_index.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
COLAB = "https://colab.research.google.com/github/lstmkit/lstmkit/blob/main/notebooks/"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def describe(path: Path) -> tuple[str, str]:
    first = nbformat.read(path, as_version=4).cells[0].source
    title = re.search(r"^# \d\d · (.+)$", first, re.MULTILINE).group(1).strip()
    prose = [line for line in first.splitlines()[1:] if line.strip() and not line.startswith("[![")]
    sentence = " ".join(prose).strip()
    return title, sentence


def runtime(path: Path) -> str:
    results = NOTEBOOKS / "results" / f"{path.stem}.json"
    if not results.is_file():
        return "-"
    seconds = json.loads(results.read_text(encoding="utf-8"))["metrics"].get("runtime_s")
    return "-" if seconds is None else f"{seconds:.0f} s"


def main() -> None:
    rows = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        if path.name.startswith("00_"):
            continue
        title, sentence = describe(path)
        rows.append(
            f"| {path.name[:2]} | [{title}]({path.name}) | {sentence} | {runtime(path)} | "
            f"[![Open In Colab]({BADGE})]({COLAB}{path.name}) |"
        )
    text = "\n".join(
        [
            "# 00 · Index",
            "",
            f"[![Open In Colab]({BADGE})]({COLAB}00_index.ipynb)",
            "",
            "lstmkit's notebooks, in teaching order. Each runs top to bottom on a 2-core CPU,",
            "checks every number it states, and ends with a summary and exercises. Start with 01",
            "if LSTMs are new to you; otherwise jump to the technique you need. The runtime is",
            "the one each notebook measured of itself (setup cell to last cell; starting the",
            "kernel adds a few seconds) in the run that wrote its results file.",
            "",
            "| # | Notebook | What it shows | Runtime | Colab |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "Run them all headless with `bash scripts/notebooks.sh`, or open them in JupyterLab",
            "(see the README). Each notebook saves its headline figures to "
            "`results/<notebook>.json`.",
        ]
    )
    notebook = new_notebook(cells=[new_markdown_cell(text)])
    notebook.cells[0].id = "index"
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, NOTEBOOKS / "00_index.ipynb")
    print(f"indexed {len(rows)} notebooks")


if __name__ == "__main__":
    main()
