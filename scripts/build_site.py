"""Build the lstmkit website into build/site/ (static files; any static host can serve them).

Stages the README (home page), the committed notebooks (rendered as committed, never
executed), docs/*.md, data/README.md and CONTRIBUTING.md into build/site-src/, then runs
Sphinx with docs/site/ as its configuration folder. Look at the result with
``python -m http.server -d build/site`` and open http://127.0.0.1:8000/.

Usage: python scripts/build_site.py [--reuse] [--jobs N]
  --reuse   do nothing when build/site/ was built from exactly the current sources.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "docs" / "site"
STAGE = ROOT / "build" / "site-src"
OUT = ROOT / "build" / "site"
DOCTREES = ROOT / "build" / "site-doctrees"
WARNINGS = ROOT / "build" / "site-warnings.txt"
STAMP_NAME = ".lstmkit-site-stamp"

PAGES = ["CONTRIBUTING.md", "data/README.md"]
LINK_RE = re.compile(r"\]\(([^)\s#]+)(?:#[^)\s]*)?\)")


def _reference_pages() -> list[str]:
    docs = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))
    return docs + [page for page in PAGES if (ROOT / page).exists()]


def _notebooks() -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb"))


def inputs() -> list[Path]:
    """Every file the site is built from (its hash decides whether a build is fresh)."""
    files = [ROOT / "README.md", ROOT / "requirements-site.txt", Path(__file__).resolve()]
    files += [ROOT / page for page in _notebooks() + _reference_pages()]
    files += sorted(p for p in CONF.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted((ROOT / "lstmkit").rglob("*.py"))
    return [path for path in files if path.exists()]


def source_hash() -> str:
    digest = hashlib.sha256()
    for path in inputs():
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _copy(relative: str, target: str | None = None) -> None:
    src, dst = ROOT / relative, STAGE / (target or relative)
    dst.parent.mkdir(parents=True, exist_ok=True)
    if not dst.exists() or dst.read_bytes() != src.read_bytes():
        shutil.copy2(src, dst)


def _toctree(caption: str, entries: list[str]) -> str:
    lines = ["", "```{toctree}", ":hidden:", f":caption: {caption}", ""]
    lines += [entry.rsplit(".", 1)[0] for entry in entries]
    return "\n".join(lines + ["```", ""])


def _linked_files(pages: list[str]) -> set[str]:
    """Repository files that staged pages link to (they become downloads on the site)."""
    found = set()
    for page in pages:
        text = (ROOT / page).read_text(encoding="utf-8")
        for target in LINK_RE.findall(text):
            if "://" in target or target.startswith("mailto:"):
                continue
            path = (ROOT / page).parent / target
            if path.is_file():
                found.add(path.resolve().relative_to(ROOT).as_posix())
    return found


def stage() -> None:
    """Lay out build/site-src/ as the site's source tree (unchanged files stay untouched)."""
    notebooks, references = _notebooks(), _reference_pages()
    staged = set(notebooks) | set(references)
    for relative in sorted(staged | _linked_files(["README.md", *references, *notebooks])):
        if relative != "README.md":
            _copy(relative)
    home = (ROOT / "README.md").read_text(encoding="utf-8")
    home += _toctree("Notebooks", notebooks)
    home += _toctree("Reference", ["api/index", *references])
    index = STAGE / "index.md"
    if not index.exists() or index.read_text(encoding="utf-8") != home:
        index.write_text(home, encoding="utf-8")
    wanted = {STAGE / p for p in staged} | {index}
    for path in list((STAGE / "notebooks").glob("*.ipynb")) + list((STAGE / "docs").glob("*.md")):
        if path not in wanted:
            path.unlink()


def build(jobs: str) -> None:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"))
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q", "-j", jobs,
        "-c", str(CONF), "-d", str(DOCTREES), "-w", str(WARNINGS), str(STAGE), str(OUT),
    ]
    subprocess.run(command, check=True, cwd=ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="skip when already fresh")
    parser.add_argument("--jobs", default="1", help="Sphinx parallel jobs (default 1)")
    args = parser.parse_args(argv)
    stamp = OUT / STAMP_NAME
    wanted = source_hash()
    if args.reuse and stamp.exists() and stamp.read_text() == wanted:
        print(f"==> site is up to date: {OUT.relative_to(ROOT)}/")
        return 0
    start = time.perf_counter()
    stamp.unlink(missing_ok=True)
    stage()
    build(args.jobs)
    stamp.write_text(wanted)
    pages = sum(1 for _ in OUT.rglob("*.html"))
    log = WARNINGS.read_text() if WARNINGS.exists() else ""
    warnings = log.count("WARNING:") + log.count("ERROR:")
    print(
        f"==> built {pages} pages into {OUT.relative_to(ROOT)}/ in "
        f"{time.perf_counter() - start:.0f} s ({warnings} Sphinx warnings, see "
        f"{WARNINGS.relative_to(ROOT)}); view: python -m http.server -d {OUT.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
