"""Open every page of the built website in headless Chromium and report what is broken.

Used by tests/site/test_site.py; also runnable by hand after ``bash scripts/build_site.sh``:
``python tests/site/site_browser.py build/site`` prints one line per problem.

The site is served on 127.0.0.1 only, Chromium is Debian's ``/usr/bin/chromium`` driven by
Playwright (no browser download), and every request that leaves the local server is blocked
and reported, so a page that needs the network (a CDN script, a remote image) fails.
Checked per page: console errors and uncaught exceptions, failed or 4xx/5xx requests,
images that did not decode (``naturalWidth == 0``), maths that MathJax did not render,
horizontal scrolling at a 375 px wide viewport, and internal links (page and anchor).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
PAGE_TIMEOUT_MS = 30_000

# Runs in the page once it has loaded: waits for MathJax's first typesetting, then measures.
_INSPECT_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const images = [...document.images]
    .filter(img => !(img.complete && img.naturalWidth > 0))
    .map(img => img.getAttribute('src'));
  const maths = [...document.querySelectorAll('.math')];
  const unrendered = maths
    .filter(el => !el.querySelector('mjx-container') || el.querySelector('mjx-merror'))
    .map(el => el.textContent.trim().slice(0, 80));
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  // Content wider than the viewport that no scrollable box holds: the theme clips it.
  const content = [...document.querySelectorAll('article *')];
  const scrollers = new Set(content.filter(el => {
    const overflow = getComputedStyle(el).overflowX;
    return overflow === 'auto' || overflow === 'scroll';
  }));
  const clipped = content.filter(el => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= window.innerWidth + 1) return false;
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (scrollers.has(up)) return false;
    }
    return true;
  }).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  return {
    images, unrendered, links, maths: maths.length, clipped: clipped.slice(0, 5),
    scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth,
  };
}"""


@dataclass
class PageReport:
    """What one page showed in the browser."""

    path: str
    problems: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    maths: int = 0


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # The browser closing a connection it no longer needs is not an error of the site.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port); yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def ensure_chromium() -> str:
    """Return Debian's Chromium, installing the ``chromium`` package first if it is absent."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(
            f"The browser test needs Debian's Chromium at {CHROMIUM}. "
            "Install it with: sudo apt-get install -y chromium"
        )
    return CHROMIUM


@contextmanager
def browser_context(playwright: object) -> Iterator[object]:
    """A Chromium context with a fresh profile, a phone-sized viewport, no network."""
    with tempfile.TemporaryDirectory(prefix="lstmkit-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(  # type: ignore[attr-defined]
            profile, executable_path=ensure_chromium(), headless=True, args=CHROMIUM_ARGS,
            viewport=PHONE, service_workers="block",
        )
        try:
            yield context
        finally:
            context.close()


def html_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as paths relative to its root."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def check_page(context: object, base_url: str, path: str) -> PageReport:
    """Open one page (at 375 px wide) and report everything that went wrong on it."""
    report = PageReport(path)
    page = context.new_page()  # type: ignore[attr-defined]

    def on_route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(base_url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            report.problems.append(f"request leaves the site (needs the network): {url}")
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", on_route)
    page.on("console", lambda msg: msg.type == "error" and report.problems.append(
        f"console error: {msg.text}"))
    page.on("pageerror", lambda error: report.problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: request.url.startswith(base_url)
            and report.problems.append(f"request failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400 and report.problems.append(
        f"HTTP {response.status}: {response.url}"))
    try:
        page.goto(base_url + path, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        result = page.evaluate(_INSPECT_JS)
    finally:
        page.close()
    report.problems += [f"image not displayed: {src}" for src in result["images"]]
    report.problems += [f"maths not rendered: {tex}" for tex in result["unrendered"]]
    if result["scrollWidth"] > result["innerWidth"]:
        report.problems.append(
            f"scrolls sideways at {result['innerWidth']} px: content is "
            f"{result['scrollWidth']} px wide"
        )
    if result["clipped"]:
        report.problems.append(
            f"content wider than {result['innerWidth']} px is cut off: {result['clipped']}"
        )
    report.links = [link for link in result["links"] if link.startswith(base_url)]
    report.maths = int(result["maths"])
    return report


@functools.lru_cache(maxsize=4096)
def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (local)
            body = response.read()
            is_html = response.headers.get_content_type() == "text/html"
            return response.status, body.decode("utf-8", "replace") if is_html else ""
    except urllib.error.HTTPError as error:
        return error.code, ""


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\b(?:id|name)="([^"]+)"', html))


def broken_links(reports: list[PageReport]) -> list[str]:
    """Internal links whose page is missing or whose ``#anchor`` is not on that page."""
    problems = []
    for report in reports:
        for link in sorted(set(report.links)):
            url, fragment = urldefrag(link)
            url = url.split("?")[0]
            status, html = _fetch(url)
            if status != 200:
                problems.append(f"{report.path}: link to a missing page: {link} ({status})")
            elif fragment and html and unquote(fragment) not in _ids(html):
                problems.append(f"{report.path}: link to a missing anchor: {link}")
    return problems


def check_site(site: Path, paths: list[str] | None = None,
               screenshots: Path | None = None) -> tuple[list[PageReport], list[str]]:
    """Check ``paths`` (default: every page) of the built site in ``site``.

    Args:
        site: The built site's folder (e.g. ``build/site``).
        paths: Pages to open, relative to ``site``; ``None`` opens every HTML page.
        screenshots: When given, saves ``home.png`` (desktop) and ``notebook.png`` (phone,
            at the first rendered maths) of the site into this folder.

    Returns:
        One report per page, and the list of every problem found (empty when all is well).
    """
    from playwright.sync_api import sync_playwright

    paths = html_pages(site) if paths is None else paths
    _fetch.cache_clear()
    with serve(site) as base_url, sync_playwright() as playwright:
        with browser_context(playwright) as context:
            reports = [check_page(context, base_url, path) for path in paths]
            if screenshots is not None:
                take_screenshots(context, base_url, screenshots)
        problems = [f"{r.path}: {problem}" for r in reports for problem in r.problems]
        problems += broken_links(reports)
    return reports, problems


def take_screenshots(context: object, base_url: str, folder: Path) -> list[Path]:
    """The home page at desktop width and a notebook with maths at phone width."""
    folder.mkdir(parents=True, exist_ok=True)
    page = context.new_page()  # type: ignore[attr-defined]
    try:
        page.set_viewport_size(DESKTOP)
        page.goto(base_url + "index.html", wait_until="load")
        home = folder / "home.png"
        page.screenshot(path=str(home))
        page.set_viewport_size(PHONE)
        page.goto(base_url + "notebooks/01_lstm_from_scratch.html", wait_until="load")
        page.evaluate("async () => { if (window.MathJax) await MathJax.startup.promise; }")
        page.evaluate("""() => {
          const el = document.querySelector('div.math mjx-container, .math mjx-container');
          const top = el ? el.getBoundingClientRect().top + window.scrollY : 0;
          window.scrollTo({top: Math.max(0, top - 200), behavior: 'instant'});
        }""")
        page.add_style_tag(content=".back-to-top { display: none !important; }")
        notebook = folder / "notebook.png"
        page.screenshot(path=str(notebook))
    finally:
        page.close()
    return [home, notebook]


def search_hits(site: Path, query: str) -> list[str]:
    """Type-free search: open ``search.html?q=query`` and return the result links."""
    from playwright.sync_api import sync_playwright

    with serve(site) as base_url, sync_playwright() as playwright:
        with browser_context(playwright) as context:
            page = context.new_page()  # type: ignore[attr-defined]
            page.goto(f"{base_url}search.html?q={query}", wait_until="load")
            page.wait_for_selector("#search-results ul li a", timeout=PAGE_TIMEOUT_MS)
            hits = page.eval_on_selector_all(
                "#search-results ul li a", "links => links.map(a => a.href)")
            page.close()
    return [hit[len(base_url):] for hit in hits if hit.startswith(base_url)]


def main(argv: list[str]) -> int:
    site = Path(argv[1] if len(argv) > 1 else "build/site")
    reports, problems = check_site(site)
    for problem in problems:
        print(problem)
    print(f"{len(reports)} pages checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
