"""Sphinx extension of the lstmkit website.

- Writes the API reference pages from ``__all__`` before reading sources (``api.py``).
- Ships MathJax 3 (from the ``sphinx-mathjax-offline`` PyPI package) inside the site.
- Copies each notebook next to its page so the page can offer it for download.
- Post-processes the pages: API cross-links, local Colab badge (``postprocess.py``).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx

from . import api, postprocess

# The MathJax files a page may load: the combined TeX+CHTML component, its fonts, and the
# parts its menu and TeX autoload fetch on demand (accessibility, extensions).
MATHJAX_PARTS = ("tex-chtml.js", "input", "output/chtml", "ui", "a11y", "sre")


def mathjax_source() -> Path:
    """The MathJax 3 distribution shipped by the ``sphinx-mathjax-offline`` package."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "The site needs MathJax from the `sphinx-mathjax-offline` package. "
            "Install it with: pip install -r requirements-site.txt"
        )
    return Path(spec.origin).parent / "static" / "mathjax"


def _copy_mathjax(outdir: Path) -> None:
    source, target = mathjax_source(), outdir / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _copy_notebooks(srcdir: Path, outdir: Path) -> None:
    target = outdir / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    for notebook in sorted((srcdir / "notebooks").glob("*.ipynb")):
        shutil.copy2(notebook, target / notebook.name)


# scikit-learn adds ``set_<method>_request`` methods to every estimator subclass.
_SKIPPED_MEMBER = re.compile(r"^set_\w+_request$")
# "Attributes (after ``fit``):" is not a section header napoleon knows.
_QUALIFIED_SECTION = re.compile(r"^(?P<indent>\s*)(?P<name>Attributes) \((?P<note>[^)]*)\):\s*$")


def _skip_member(app: Sphinx, what: str, name: str, obj: object, skip: bool,
                 options: object) -> bool | None:
    return True if _SKIPPED_MEMBER.match(name) else None


def _qualified_sections(app: Sphinx, what: str, name: str, obj: object, options: object,
                        lines: list[str]) -> None:
    """Turn ``Attributes (after X):`` into a sentence and a plain ``Attributes:`` section."""
    for index, line in enumerate(list(lines)):
        match = _QUALIFIED_SECTION.match(line)
        if match is not None:
            indent, note = match.group("indent"), match.group("note")
            lines[index:index + 1] = [
                f"{indent}The attributes below are set {note}.", "",
                f"{indent}{match.group('name')}:",
            ]


# A bare ``fitted_`` word is a hyperlink reference in reStructuredText; in these Google-style
# docstrings it is always an attribute name (scikit-learn's convention), so escape it.
_CODE_SPAN = re.compile(r"(``.*?``|`[^`]*`)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![\w\\`])([A-Za-z]\w*)_(?![\w`])")
_ITEM_NAME = re.compile(r"^\s*[A-Za-z_]\w*\s*(\([^)]*\))?\s*:")


def _escape_words(text: str) -> str:
    parts = _CODE_SPAN.split(text)
    return "".join(
        part if index % 2 else _TRAILING_UNDERSCORE.sub(r"\1\\_", part)
        for index, part in enumerate(parts)
    )


def _escape_trailing_underscores(app: Sphinx, what: str, name: str, obj: object,
                                 options: object, lines: list[str]) -> None:
    in_example = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">>>"):
            in_example = True
        elif not stripped:
            in_example = False
        if in_example:
            continue
        item = _ITEM_NAME.match(line)
        start = item.end() if item else 0
        lines[index] = line[:start] + _escape_words(line[start:])


def _generate_api(app: Sphinx) -> None:
    app.lstmkit_links = api.write_api_pages(Path(app.srcdir))  # type: ignore[attr-defined]


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir, srcdir = Path(app.outdir), Path(app.srcdir)
    _copy_mathjax(outdir)
    _copy_notebooks(srcdir, outdir)
    sources = outdir / "_sources"  # empty: the site does not publish page sources
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()
    repository, branch = app.config.lstmkit_repository, app.config.lstmkit_branch
    colab_base = f"https://colab.research.google.com/github/{repository}/blob/{branch}"
    links = getattr(app, "lstmkit_links", None) or api.link_map(api.public_subpackages())
    postprocess.process_site(outdir, links, colab_base)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("lstmkit_repository", "lstmkit/lstmkit", "html")
    app.add_config_value("lstmkit_branch", "main", "html")
    app.connect("builder-inited", _generate_api)
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("autodoc-process-docstring", _qualified_sections, priority=400)
    app.connect("autodoc-process-docstring", _escape_trailing_underscores, priority=410)
    app.connect("build-finished", _finish)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
