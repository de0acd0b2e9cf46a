"""Every public name of lstmkit keeps importing from the module it was published in.

`public_api.txt` lists them as `module:name`; it was written before the library was
split into subpackages, so a rename or a missing re-export fails here, not in a
user's code.
"""

import importlib
from pathlib import Path

import pytest

import lstmkit

LISTED = [
    line.split(":")
    for line in (Path(__file__).with_name("public_api.txt")).read_text().splitlines()
    if line and not line.startswith("#")
]


@pytest.mark.parametrize(("module", "name"), LISTED, ids=[":".join(item) for item in LISTED])
def test_public_name_still_imports(module, name):
    assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"


def test_every_all_entry_exists():
    for module in sorted({module for module, _ in LISTED}):
        imported = importlib.import_module(module)
        missing = [name for name in getattr(imported, "__all__", []) if not hasattr(imported, name)]
        assert not missing, f"{module}.__all__ names missing attributes: {missing}"


def test_version_comes_from_the_installed_metadata():
    metadata = importlib.import_module("importlib.metadata")
    assert lstmkit.__version__ == metadata.version("lstmkit")
