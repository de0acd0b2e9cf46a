"""Notebooks are committed executed, small, free of volatile metadata, and follow the skeleton.

nbval (run in the same pytest command) re-executes them; this file checks what is
committed, which is what GitHub and Colab show people before they run anything.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SERIES = [path for path in NOTEBOOKS if not path.name.startswith("00_")]
ALLOWED_NOTEBOOK_METADATA = {"kernelspec", "language_info", "colab"}
ALLOWED_CELL_METADATA = {"tags", "id"}
SECTIONS = ("## What you will learn", "## Setup", "## Results", "## Summary", "## Exercises")


def _read(path):
    return nbformat.read(path, as_version=4)


def test_there_is_a_series():
    assert (ROOT / "notebooks" / "00_index.ipynb").is_file()
    assert any(path.name.startswith("01_") for path in SERIES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_valid_small_and_without_volatile_metadata(path):
    notebook = _read(path)
    nbformat.validate(notebook)
    assert path.stat().st_size < 1_000_000, f"{path.name} is {path.stat().st_size} bytes"
    assert set(notebook.metadata) <= ALLOWED_NOTEBOOK_METADATA
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for cell in notebook.cells:
        assert set(cell.metadata) <= ALLOWED_CELL_METADATA, cell.metadata
        assert "Untitled" not in path.name


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_committed_executed_in_order_without_stderr(path):
    code = [cell for cell in _read(path).cells if cell.cell_type == "code"]
    counts = [cell.execution_count for cell in code]
    assert None not in counts, f"{path.name} has unexecuted cells"
    assert counts == list(range(1, len(code) + 1)), f"{path.name} was not run top to bottom once"
    for cell in code:
        for output in cell.outputs:
            assert output.get("output_type") != "error", f"{path.name} has a saved error"
            assert output.get("name") != "stderr", f"{path.name} has saved stderr: {output.get('text')!r}"


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_follows_the_skeleton(path):
    cells = _read(path).cells
    number, topic = path.stem.split("_", 1)
    first = cells[0]
    assert first.cell_type == "markdown"
    assert re.match(rf"# {number} · \S", first.source), first.source[:60]
    assert f"notebooks/{path.name}" in first.source and "colab-badge.svg" in first.source
    markdown = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    for heading in SECTIONS:
        assert heading in markdown, f"{path.name} lacks '{heading}'"
    setup = next(cell for cell in cells if cell.cell_type == "code")
    assert "nbval-ignore-output" in setup.metadata.get("tags", [])
    assert "lk.set_seed(" in setup.source and '"google.colab" in sys.modules' in setup.source
    sources = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    assert re.search(rf'lk\.save_results\(\s*"{path.stem}"', sources), "results file not saved"
    assert "TODO" not in sources + markdown and "import *" not in sources
    assert "assert " in sources or "NBVAL_CHECK_OUTPUT" in sources, "no claim is checked"


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_listed_in_the_index_and_readme(path):
    index = "\n".join(cell.source for cell in _read(ROOT / "notebooks" / "00_index.ipynb").cells)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert path.name in index
    assert path.name in readme
