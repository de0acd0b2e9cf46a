"""Generate the API reference pages from each public subpackage's ``__all__``.

One reStructuredText page per public subpackage of lstmkit (found by walking the package, so
a new subpackage or a new name in an ``__all__`` gets its entry without editing anything),
plus a page for the top-level ``lstmkit`` shortcuts. A name that a subpackage re-exports from
another documented subpackage gets a short entry pointing to its home, so every public name
has an object id on the site and each object's full documentation appears once.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

PACKAGE = "lstmkit"
# Deprecated module aliases kept only so old imports work: no page of their own.
DEPRECATED_MODULES = frozenset({"encoder_decoder", "sequence_length"})
API_DIR = "api"


@dataclass(frozen=True)
class Entry:
    """One public name of a module: its kind and the module that documents it in full."""

    module: str
    name: str
    kind: str  # "class", "function", "data" or "module"
    home: str  # module whose page has the full entry (== module unless re-exported)

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def home_qualname(self) -> str:
        return f"{self.home}.{self.name}"


def _import(name: str) -> ModuleType:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module(name)


def public_subpackages() -> list[str]:
    """Full names of lstmkit's public subpackages and modules that get an API page."""
    package = _import(PACKAGE)
    names = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name in DEPRECATED_MODULES:
            continue
        names.append(f"{PACKAGE}.{info.name}")
    return sorted(names)


def public_names(module_name: str) -> list[str]:
    """The module's ``__all__`` (its public names), in the order the module lists them."""
    module = _import(module_name)
    return [str(name) for name in getattr(module, "__all__", [])]


def _kind(obj: object) -> str:
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "data"


def _home(module_name: str, name: str, obj: object, documented: list[str]) -> str:
    """The documented module whose page should carry the full entry of ``obj``."""
    defined_in = getattr(obj, "__module__", None)
    if not isinstance(defined_in, str) or not defined_in.startswith(PACKAGE + "."):
        return module_name
    candidates = [
        mod for mod in documented
        if (defined_in == mod or defined_in.startswith(mod + "."))
        and name in public_names(mod)
    ]
    if not candidates or module_name in candidates:
        return module_name
    return max(candidates, key=len)


def entries(module_name: str, documented: list[str]) -> list[Entry]:
    """The public entries of one module, each with its kind and home."""
    module = _import(module_name)
    result = []
    for name in public_names(module_name):
        obj = getattr(module, name)
        kind = _kind(obj)
        home = module_name if kind == "module" else _home(module_name, name, obj, documented)
        result.append(Entry(module_name, name, kind, home))
    return result


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_api_pages(srcdir: Path) -> dict[str, str]:
    """Write ``api/*.rst`` under ``srcdir``; return the cross-link map.

    The map sends ``"windowing.make_windows"`` (``lk.windowing.make_windows``) and
    ``"make_windows"`` (``lk.make_windows``) to the page and anchor of the full entry,
    relative to the site root.
    """
    from .pages import index_page, module_page, top_level_page

    documented = public_subpackages()
    api = srcdir / API_DIR
    pages = {f"{name}.rst": module_page(name, documented) for name in documented}
    pages[f"{PACKAGE}.rst"] = top_level_page(documented)
    pages["index.rst"] = index_page(documented)
    for filename, text in pages.items():
        _write_if_changed(api / filename, text)
    for stale in api.glob("*.rst"):
        if stale.name not in pages:
            stale.unlink()
    return link_map(documented)


def link_map(documented: list[str]) -> dict[str, str]:
    """``lk.``-relative dotted names -> ``api/<page>.html#<id>`` of their full entry."""
    mapping: dict[str, str] = {}
    for module_name in documented:
        short = module_name[len(PACKAGE) + 1:]
        mapping[short] = f"{API_DIR}/{module_name}.html"
        for entry in entries(module_name, documented):
            if entry.kind == "module":
                continue
            url = f"{API_DIR}/{entry.home}.html#{entry.home_qualname}"
            mapping[f"{short}.{entry.name}"] = url
    package = _import(PACKAGE)
    for name in public_names(PACKAGE):
        obj = getattr(package, name)
        if inspect.ismodule(obj):
            continue
        home = _home(PACKAGE, name, obj, documented)
        short = home[len(PACKAGE) + 1:]
        mapping[name] = mapping.get(f"{short}.{name}", f"{API_DIR}/{PACKAGE}.html#{PACKAGE}.{name}")
    return mapping
