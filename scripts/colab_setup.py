"""The one place that says how a notebook installs lstmkit in Colab; writes every Setup cell.

Every notebook's Setup cell (its first code cell) starts with the same generated block.
In Colab it installs lstmkit, with the extras that notebook needs, from the git ref the
notebook's "Open in Colab" badge opens, and only when it is not installed yet; it stops
with a clear message when pip fails; it suggests the GPU runtime where one makes the
notebook much faster. Everywhere it warns when TensorFlow or Keras is outside the tested
range (the pins of requirements-colab.txt up to those of requirements.txt).

Usage:
    python scripts/colab_setup.py             # rewrite the block in every notebook
    python scripts/colab_setup.py --check     # exit 1 when a notebook's block is stale
    python scripts/colab_setup.py --versions  # print this interpreter's stack

To point every notebook at a release tag, change ``REF`` here, run this script and change
the badges to the same ref: tests/test_notebook_hygiene.py checks that they agree.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from importlib import metadata
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
REPOSITORY = "https://github.com/lstmkit/lstmkit"
REF = "main"  # the branch or tag the badges open; the Setup cell installs from the same ref
# Extras (pyproject.toml's optional dependencies) per notebook number, and the modules
# whose presence shows that an extra is installed.
EXTRAS = {
    "10": ("baselines",),
    "14": ("imbalance",),
    "15": ("tuning",),
    "23": ("baselines",),
    "24": ("tuning",),
}
EXTRA_MODULES = {
    "baselines": ("dtaidistance", "aeon"),
    "imbalance": ("imblearn",),
    "tuning": ("keras_tuner", "optuna", "optuna_integration", "psycopg"),
}
# Notebooks whose long LSTM fits run several times faster on Colab's GPU runtime (cuDNN).
GPU_HELPS = frozenset({"03", "08", "11", "16", "19", "20", "21", "22"})
END = "# --- end of the shared setup ---"
# Setup cells written before this script ended with one %pip line; replaced up to it.
_OLD_END = re.compile(r'^\s*%pip install -q "lstmkit @ git\+\S+"\n', re.MULTILINE)

_BLOCK = Template('''\
# Shared setup, written by scripts/colab_setup.py: edit it there, not here.
import importlib.util
import os
import sys
import time
import warnings
from importlib import metadata

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide TensorFlow's C++ log lines
# Keras's backend: "tensorflow" or "jax" (every notebook runs on both). Keras reads it once,
# at its first import: change it in a fresh kernel (Colab: Runtime > Restart session).
os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # a KERAS_BACKEND already set wins
# Installed from the ref the badge above opens; NEEDS: module -> version (None: any);
# TESTED: the oldest and newest minor versions the committed outputs are checked on.
LSTMKIT = "$requirement @ git+$repository@$ref"
NEEDS = $needs
TESTED = $tested


def missing(needs):
    importlib.invalidate_caches()
    return [module for module, version in needs.items() if importlib.util.find_spec(module)
            is None or (version and metadata.version(module) != version)]


if "google.colab" in sys.modules and missing(NEEDS):  # Colab only, and only once
    import subprocess

    print(f"Installing {LSTMKIT} (Colab's TensorFlow and Keras stay) ...", flush=True)
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", LSTMKIT], check=False)
    if pip.returncode or missing(NEEDS):
        raise RuntimeError(
            f"Installing {LSTMKIT} failed (pip's message is above). If GitHub cannot serve "
            "it, build the wheel in a clone (python -m build), upload dist/lstmkit-*.whl with "
            "Colab's Files panel, run %pip install lstmkit-*.whl, then run this cell again."
        )
distributions = metadata.packages_distributions()  # import name -> distribution names
for package, (oldest, newest) in TESTED.items():
    found = [metadata.version(d) for d in distributions.get(package, [])]
    minor = tuple(int(part) for part in (found or ["0.0"])[0].split(".")[:2])
    if not tuple(map(int, oldest.split("."))) <= minor <= tuple(map(int, newest.split("."))):
        warnings.warn(f"{package} {found} is outside the tested {oldest}-{newest}: the "
                      "numbers may differ from the committed outputs.", stacklevel=1)
$gpu$END
''')
_GPU = '''\
if "google.colab" in sys.modules and not os.path.exists("/dev/nvidia0"):
    print("Tip: Runtime > Change runtime type > T4 GPU runs this notebook's LSTMs faster.")
'''


def lstmkit_version() -> str:
    """The version in pyproject.toml, which an install from REF reports."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^version = "([^"]+)"', text, re.MULTILINE).group(1)


def _minor(requirements: str, names: tuple[str, ...]) -> str:
    text = (ROOT / requirements).read_text(encoding="utf-8")
    for name in names:
        found = re.search(rf"^{re.escape(name)}\s*(?:==|~=)\s*(\d+\.\d+)", text, re.MULTILINE)
        if found:
            return found.group(1)
    raise ValueError(f"{requirements} pins none of {names}")


def tested_range() -> dict[str, tuple[str, str]]:
    """{import name: (oldest, newest) major.minor}: Colab's pins up to requirements.txt's."""
    names = {"tensorflow": ("tensorflow", "tensorflow-cpu"), "keras": ("keras",)}
    return {
        module: (_minor("requirements-colab.txt", dists), _minor("requirements.txt", dists))
        for module, dists in names.items()
    }


def _literal(mapping: dict) -> str:
    """A dict literal with double quotes, one entry a line when it would pass 80 characters."""
    text = repr(mapping).replace("'", '"')
    if len(text) <= 80:
        return text
    entries = [f'    "{key}": {value!r},'.replace("'", '"') for key, value in mapping.items()]
    return "{\n" + "\n".join(entries) + "\n}"


def setup_block(number: str) -> str:
    """The generated start of notebook ``number``'s Setup cell, ending with END."""
    extras = EXTRAS.get(number, ())
    needs = {"lstmkit": lstmkit_version()}
    needs.update({module: None for extra in extras for module in EXTRA_MODULES[extra]})
    return _BLOCK.substitute(
        requirement=f"lstmkit[{','.join(extras)}]" if extras else "lstmkit",
        repository=REPOSITORY,
        ref=REF,
        needs=_literal(needs),
        tested=repr(tested_range()).replace("'", '"'),
        gpu=_GPU if number in GPU_HELPS else "",
        END=END,
    )


def setup_cell(path: Path) -> tuple[int, object]:
    """(index, cell) of the notebook's Setup cell: its first code cell."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    index = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    return index, notebook


def rewritten(source: str, number: str) -> str:
    """``source`` with its shared block (or the old %pip preamble) replaced by the current one."""
    if END in source:
        rest = source.split(END, 1)[1].lstrip("\n")
    else:
        match = _OLD_END.search(source)
        if match is None:
            raise ValueError(f"notebook {number}: no shared setup block and no %pip line")
        rest = source[match.end():].lstrip("\n")
    return setup_block(number) + "\n" + rest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale cells, change none")
    parser.add_argument("--versions", action="store_true", help="print this stack and exit")
    args = parser.parse_args(argv)
    if args.versions:
        names = ("tensorflow", "tensorflow-cpu", "keras", "jax", "torch", "numpy", "pandas",
                 "scikit-learn")
        versions = []
        for name in names:
            try:
                versions.append(f"{name} {metadata.version(name)}")
            except metadata.PackageNotFoundError:
                continue
        backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        print(f"Python {sys.version.split()[0]}: {', '.join(versions)}; KERAS_BACKEND={backend}")
        return 0

    import nbformat

    stale = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        number = path.name[:2]
        if number == "00":
            continue
        index, notebook = setup_cell(path)
        source = rewritten(notebook.cells[index].source, number)
        if source != notebook.cells[index].source:
            stale.append(path.name)
            if not args.check:
                notebook.cells[index].source = source
                nbformat.write(notebook, path)
    verb = "stale" if args.check else "rewritten"
    print(f"{len(stale)} Setup cells {verb}" + (f": {', '.join(stale)}" if stale else ""))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
