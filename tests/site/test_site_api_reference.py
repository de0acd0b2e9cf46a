"""Every public name of every lstmkit subpackage has an entry in the site's API reference.

The API pages are generated from each subpackage's ``__all__`` (docs/site/_ext/lstmkit_site/
api.py), so a new name gets its entry without editing; this test holds the built pages to it.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
sys.path.insert(0, str(ROOT / "docs" / "site" / "_ext"))

from lstmkit_site import api  # noqa: E402

# The target layout: each of these has a page (the deprecated aliases need none).
EXPECTED = [
    "datasets", "windowing", "padding", "reduction", "models", "layers", "tbptt", "training",
    "gates", "initializers", "schedules", "length_selection", "imbalance", "tuning",
    "profiling", "reproducibility", "results",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_ids() -> dict[str, set[str]]:
    subprocess.run(["bash", "scripts/build_site.sh", "--reuse"], cwd=ROOT, check=True)
    return {
        page.stem: set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))
        for page in (SITE / "api").glob("*.html")
    }


def test_every_subpackage_is_documented():
    documented = api.public_subpackages()
    missing = [name for name in EXPECTED if f"lstmkit.{name}" not in documented]
    assert missing == []
    assert not {f"lstmkit.{name}" for name in api.DEPRECATED_MODULES} & set(documented)


def test_every_public_name_has_an_entry(api_ids):
    missing = []
    for module in api.public_subpackages():
        ids = api_ids.get(module, set())
        if f"module-{module}" not in ids:
            missing.append(f"page of {module}")
        missing += [f"{module}.{name}" for name in api.public_names(module)
                    if f"{module}.{name}" not in ids]
    top = api_ids.get("lstmkit", set())
    for name in api.public_names("lstmkit"):
        module = f"lstmkit.{name}"
        if name in api.DEPRECATED_MODULES or module in api_ids:
            continue
        if module not in top:
            missing.append(module)
    assert missing == [], f"public names without an API entry: {missing}"


def test_entries_show_their_examples(api_ids):
    html = (SITE / "api" / "lstmkit.windowing.html").read_text(encoding="utf-8")
    assert "make_windows" in html
    assert "&gt;&gt;&gt;" in html  # the docstring examples, as doctest blocks
