"""The website: every page of the built site opened in headless Chromium and checked.

Builds the site with ``scripts/build_site.sh --reuse`` (nothing to do when build/site/ is
fresh), serves it on 127.0.0.1 and checks each page at a 375 px wide viewport (see
site_browser.py for the list of checks). The negative tests break copies of a built page on
purpose and require the same checker to report each breakage.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import site_browser

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
SCREENSHOTS = ROOT / "build" / "site-screenshots"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SAMPLE = "notebooks/01_lstm_from_scratch.html"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def built_site() -> Path:
    subprocess.run(["bash", "scripts/build_site.sh", "--reuse"], cwd=ROOT, check=True)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("playwright is missing: pip install -r requirements-site.txt")
    site_browser.ensure_chromium()
    return SITE


@pytest.fixture(scope="session")
def site_check(built_site):
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    return site_browser.check_site(built_site, screenshots=SCREENSHOTS)


def test_every_page_passes_the_browser_checks(site_check):
    reports, problems = site_check
    assert len(reports) >= len(NOTEBOOKS) + 5
    assert problems == [], "\n".join(problems)


def test_build_has_no_sphinx_warnings(built_site):
    # A warning means something renders wrongly (a docstring that is not valid
    # reStructuredText, a link to a page that does not exist); the log names file and line.
    log = ROOT / "build" / "site-warnings.txt"
    assert log.read_text(encoding="utf-8").strip() == ""


def test_site_has_home_chapters_api_datasets_and_search(built_site):
    for page in ["index.html", "search.html", "api/index.html", "data/README.html"]:
        assert (built_site / page).is_file(), page
    for notebook in NOTEBOOKS:
        assert (built_site / "notebooks" / f"{notebook.stem}.html").is_file(), notebook.name
    home = (built_site / "index.html").read_text(encoding="utf-8")
    chapters = re.findall(r'href="notebooks/(\d\d)_[^"]+\.html"', home)
    assert sorted(set(chapters)) == sorted(nb.name[:2] for nb in NOTEBOOKS)
    # The navigation lists the chapters in series order.
    order = [chapter for i, chapter in enumerate(chapters) if chapter not in chapters[:i]]
    assert order == sorted(order)


def _has_maths(notebook: Path) -> bool:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.search(r"\$[^$\s][^$]*\$", text) is not None


def test_maths_is_typeset_wherever_a_notebook_has_maths(site_check):
    reports, _ = site_check
    maths = {report.path: report.maths for report in reports}
    with_maths = [nb for nb in NOTEBOOKS if _has_maths(nb)]
    assert with_maths, "expected at least one notebook with maths"
    for notebook in with_maths:
        assert maths[f"notebooks/{notebook.stem}.html"] > 0, notebook.name


def test_notebook_pages_offer_colab_download_and_plots(built_site):
    for notebook in NOTEBOOKS:
        html = (built_site / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        assert f'href="{notebook.name}" download=' in html, notebook.name
        staged = ROOT / "build" / "site-src" / "notebooks" / notebook.name  # what was built
        assert (built_site / "notebooks" / notebook.name).read_bytes() == staged.read_bytes()
        assert "https://colab.research.google.com/github/" in html, notebook.name
        assert "colab.research.google.com/assets" not in html  # the badge is local
    sample = (built_site / SAMPLE).read_text(encoding="utf-8")
    assert sample.count('src="../_images/') >= 2  # the committed plots


def test_notebook_pages_link_api_entries_on_first_use(built_site):
    for notebook in NOTEBOOKS:
        html = (built_site / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        targets = re.findall(r'class="lk-api" href="([^"]+)"', html)
        assert len(targets) == len(set(targets)), notebook.name  # first use only
    tbptt = (built_site / "notebooks" / "08_truncated_bptt.html").read_text(encoding="utf-8")
    assert 'href="../api/lstmkit.tbptt.html#lstmkit.tbptt.TruncatedBPTTTrainer"' in tbptt


def test_pages_load_nothing_from_the_network(built_site):
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|img|link|iframe)\b[^>]*\b(?:src|href)="(https?:[^"]*)',
                            html)
        assert remote == [], f"{page.relative_to(built_site)}: {remote}"


def test_search_finds_a_chapter(built_site):
    hits = site_browser.search_hits(built_site, "truncation")
    assert "notebooks/04_truncation.html" in hits


def test_screenshots_are_kept(site_check):
    for name in ["home.png", "notebook.png"]:
        shot = SCREENSHOTS / name
        assert shot.is_file() and shot.stat().st_size > 10_000, name


# Each breaker turns the sample page into a broken copy; the checker must report it.
def _break_image(html: str) -> str:
    return html.replace('src="../_images/', 'src="../_images/missing-', 1)


def _break_link(html: str) -> str:
    return re.sub(r'(<a class="reference internal" href=")[^"#]+\.html"',
                  r'\1no-such-page.html"', html, count=1)


def _break_anchor(html: str) -> str:
    return re.sub(r'(class="lk-api" href="[^"#]+#)([^"]+)"', r'\1\2-missing"', html, count=1)


def _break_tex(html: str) -> str:
    return re.sub(r'(<span class="math notranslate nohighlight">)\\\(.*?\\\)',
                  r"\1\\(\\frac{1}{\\)", html, count=1)


def _drop_mathjax(html: str) -> str:
    return re.sub(r'<script[^>]*mathjax/tex-chtml\.js[^>]*></script>', "", html)


def _use_cdn(html: str) -> str:
    return re.sub(r'src="[^"]*mathjax/tex-chtml\.js[^"]*"',
                  'src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"', html)


def _overflow(html: str) -> str:
    return html.replace("<h1>", '<div style="width: 900px">too wide</div><h1>', 1)


def _console_error(html: str) -> str:
    return html.replace("</body>", '<script>console.error("boom")</script></body>', 1)


BREAKERS = {
    "image": (_break_image, r"image not displayed|HTTP 404"),
    "link": (_break_link, r"link to a missing page: .*no-such-page\.html"),
    "anchor": (_break_anchor, r"link to a missing anchor: .*-missing"),
    "tex": (_break_tex, r"maths not rendered"),
    "mathjax": (_drop_mathjax, r"maths not rendered"),
    "cdn": (_use_cdn, r"request leaves the site"),
    "overflow": (_overflow, r"scrolls sideways|is cut off"),
    "console": (_console_error, r"console error: boom"),
}


def test_checker_reports_each_breakage(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    original = (site / SAMPLE).read_text(encoding="utf-8")
    pages = {"control": SAMPLE}
    for kind, (breaker, _) in BREAKERS.items():
        broken = breaker(original)
        assert broken != original, f"breaker {kind!r} changed nothing"
        path = f"notebooks/broken_{kind}.html"
        (site / path).write_text(broken, encoding="utf-8")
        pages[kind] = path
    _, problems = site_browser.check_site(site, paths=list(pages.values()))
    by_page = {path: [p for p in problems if p.startswith(path + ":")] for path in pages.values()}
    assert by_page[SAMPLE] == []
    for kind, (_, expected) in BREAKERS.items():
        found = by_page[pages[kind]]
        assert any(re.search(expected, problem) for problem in found), (kind, found)
