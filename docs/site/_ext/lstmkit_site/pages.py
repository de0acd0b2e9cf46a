"""The reStructuredText of the API pages (one per module, the ``lstmkit`` page, the index).

Fed by ``api.entries``; every directive names its module with ``:module:`` so the object ids
are the full dotted names (``lstmkit.windowing.make_windows``) the tests look for.
"""

from __future__ import annotations

import inspect
import pkgutil
from types import ModuleType

from .api import PACKAGE, Entry, _home, _import, _kind, entries, public_names


def _title(text: str) -> list[str]:
    return [text, "=" * len(text), ""]


def _alias_block(entry: Entry) -> list[str]:
    directive = {"class": "py:class", "function": "py:function"}.get(entry.kind, "py:data")
    return [
        f".. {directive}:: {entry.name}",
        f"   :module: {entry.module}",
        "",
        f"   The same object as :py:obj:`{entry.home_qualname}` (documented there).",
        "",
    ]


def _entry_block(entry: Entry, documented: list[str]) -> list[str]:
    if entry.kind == "module":
        see = f"see :py:mod:`{entry.qualname}`" if entry.qualname in documented else "a module"
        return [
            f".. py:data:: {entry.name}", f"   :module: {entry.module}", "",
            f"   Submodule: {see}.", "",
        ]
    if entry.home != entry.module:
        return _alias_block(entry)
    if entry.kind == "class":
        return [f".. autoclass:: {entry.qualname}", "   :members:", ""]
    if entry.kind == "function":
        return [f".. autofunction:: {entry.qualname}", ""]
    return _data_block(entry)


def _data_block(entry: Entry) -> list[str]:
    """A constant: its type, its value when short, and its ``#:`` comment if it has one.

    (``autodata`` would show the docstring of the value's type, e.g. ``dict``'s.)
    """
    value = getattr(_import(entry.module), entry.name)
    lines = [
        f".. py:data:: {entry.name}",
        f"   :module: {entry.module}",
        f"   :type: {type(value).__name__}",
    ]
    text = repr(value)
    if len(text) <= 60 and "\n" not in text:
        lines.append(f"   :value: {text}")
    lines.append("")
    doc = _attribute_doc(entry)
    lines += [f"   {line}" if line else "" for line in doc.splitlines()] if doc else [
        f"   A constant of type ``{type(value).__name__}``; print it to see its value."
    ]
    return [*lines, ""]


def _attribute_doc(entry: Entry) -> str:
    """The ``#:`` comment or string literal documenting a module constant, if any."""
    from sphinx.pycode import ModuleAnalyzer, PycodeError

    module = _import(entry.module)
    for candidate in {entry.module, *_defining_modules(module)}:
        try:
            docs = ModuleAnalyzer.for_module(candidate).find_attr_docs()
        except PycodeError:
            continue
        if ("", entry.name) in docs:
            return "\n".join(docs[("", entry.name)]).strip()
    return ""


def _defining_modules(module: ModuleType) -> list[str]:
    """The submodules of a package (where a re-exported constant may be defined)."""
    if not hasattr(module, "__path__"):
        return []
    return [f"{module.__name__}.{info.name}" for info in pkgutil.iter_modules(module.__path__)]


def module_page(module_name: str, documented: list[str]) -> str:
    """The reStructuredText of one module's API page."""
    items = entries(module_name, documented)
    lines = _title(module_name)
    lines += [f".. automodule:: {module_name}", ""]
    if items:
        lines += [".. rubric:: Contents", ""]
        lines += [_summary_item(entry.qualname, entry.name, _summary(entry)) for entry in items]
        lines.append("")
    for entry in items:
        lines += _entry_block(entry, documented)
    return "\n".join(lines)


def _first_paragraph(text: str) -> str:
    paragraph = []
    for line in text.strip().splitlines():
        if not line.strip() or line.startswith((" ", "\t")):
            break
        paragraph.append(line.strip())
    return " ".join(paragraph)


def _summary(entry: Entry) -> str:
    """The first paragraph of the object's docstring (its one-line summary)."""
    if entry.kind == "data":
        return _first_paragraph(_attribute_doc(entry)) or "A constant."
    obj = getattr(_import(entry.module), entry.name)
    return _first_paragraph(inspect.getdoc(obj) or "")


def _summary_item(target: str, label: str, summary: str) -> str:
    return f"- :py:obj:`{label} <{target}>`" + (f": {summary}" if summary else "")


def top_level_page(documented: list[str]) -> str:
    """The page of ``lstmkit`` itself: its shortcuts, each pointing to its home entry."""
    package = _import(PACKAGE)
    lines = _title(PACKAGE)
    lines += [f".. py:module:: {PACKAGE}", ""]
    lines += _intro(inspect.getdoc(package) or "")
    modules, shortcuts = [], []
    for name in public_names(PACKAGE):
        obj = getattr(package, name)
        if inspect.ismodule(obj):
            modules.append(name)
            continue
        home = _home(PACKAGE, name, obj, documented)
        shortcuts.append(Entry(PACKAGE, name, _kind(obj), home))
    if modules:
        lines += ["Subpackages (``import lstmkit as lk`` then ``lk.<name>``):", ""]
        for name in modules:
            full = f"{PACKAGE}.{name}"
            if full in documented:
                summary = _first_paragraph(inspect.getdoc(_import(full)) or "")
                lines.append(_summary_item(full, full, summary))
            else:
                lines.append(f"- ``{full}``: deprecated alias kept for old imports")
        lines.append("")
    if shortcuts:
        lines += ["Shortcuts:", ""]
        for entry in shortcuts:
            if entry.home == PACKAGE:
                lines += _entry_block(entry, documented)
            else:
                lines += _alias_block(entry)
    return "\n".join(lines)


def _intro(doc: str) -> list[str]:
    """The docstring's plain paragraphs, up to the first indented block or section."""
    lines: list[str] = []
    for paragraph in doc.split("\n\n"):
        rows = paragraph.splitlines()
        if any(row.startswith((" ", "\t")) for row in rows) or rows[-1:] and rows[-1].endswith(":"):
            break
        lines += [*rows, ""]
    return lines


def index_page(documented: list[str]) -> str:
    """The API reference's landing page: one line per module, in a toctree."""
    lines = _title("API reference")
    lines += [
        "Generated from the docstrings of every public subpackage, listed by its "
        "``__all__``. ``import lstmkit as lk`` gives each subpackage as ``lk.<name>``.",
        "",
        _summary_item(PACKAGE, PACKAGE, "the shortcuts ``lk.<name>`` used in the notebooks."),
    ]
    for name in documented:
        summary = _first_paragraph(inspect.getdoc(_import(name)) or "")
        lines.append(_summary_item(name, name, summary))
    lines.append("")
    lines += [".. toctree::", "   :hidden:", "", f"   {PACKAGE}"]
    lines += [f"   {name}" for name in documented] + [""]
    return "\n".join(lines)
