"""Rewrite the built HTML pages: API cross-links, the local Colab badge, download links.

Runs once Sphinx has written the pages (see ``lstmkit_site.setup``). Every step is
idempotent, so an incremental build may run it again over pages it did not rewrite.
"""

from __future__ import annotations

import re
from pathlib import Path

COLAB_BADGE_URL = "https://colab.research.google.com/assets/colab-badge.svg"
LOCAL_BADGE = "_static/colab-badge.svg"
LINK_CLASS = "lk-api"

# ``lk.windowing.make_windows`` as Pygments highlights it in a code cell ...
_CODE_RE = re.compile(
    r'<span class="n">lk</span><span class="o">\.</span>'
    r'(?:<span class="n">(?P<sub>\w+)</span><span class="o">\.</span>)?'
    r'<span class="n">(?P<name>\w+)</span>'
)
# ... and as inline code in a Markdown cell (the text of a ``<span class="pre">``).
_INLINE_RE = re.compile(
    r'(?<=<span class="pre">)lk\.(?:(?P<sub>[A-Za-z_]\w*)\.)?(?P<name>[A-Za-z_]\w*)'
)


def _inside_link(html: str, position: int) -> bool:
    """Whether ``position`` lies inside an ``<a ...>...</a>`` element."""
    opened = html.rfind("<a ", 0, position)
    return opened > html.rfind("</a>", 0, position)


def _target(match: re.Match[str], links: dict[str, str]) -> str | None:
    sub, name = match.group("sub"), match.group("name")
    if sub is not None and f"{sub}.{name}" in links:
        return links[f"{sub}.{name}"]
    if sub is None:
        return links.get(name)
    return None


def link_first_uses(html: str, links: dict[str, str], root: str) -> str:
    """Link the first ``lk.<module>.<name>`` (or ``lk.<name>``) of each API object.

    Args:
        html: A built page.
        links: ``"module.name"``/``"name"`` -> URL relative to the site root
            (from ``lstmkit_site.api.link_map``).
        root: Relative path from the page to the site root (``""`` or ``"../"``).

    Returns:
        The page with one ``<a class="lk-api">`` around the first use of each object.
    """
    if f'class="{LINK_CLASS}"' in html:
        return html  # already processed
    matches = sorted(
        [*_CODE_RE.finditer(html), *_INLINE_RE.finditer(html)], key=lambda m: m.start()
    )
    seen: set[str] = set()
    chosen = []
    for match in matches:
        url = _target(match, links)
        if url is None or url in seen or _inside_link(html, match.start()):
            continue
        seen.add(url)
        chosen.append((match, url))
    pieces, last = [], 0
    for match, url in chosen:
        pieces.append(html[last:match.start()])
        pieces.append(f'<a class="{LINK_CLASS}" href="{root}{url}">{match.group(0)}</a>')
        last = match.end()
    pieces.append(html[last:])
    return "".join(pieces)


def localize_colab_badge(html: str, root: str) -> str:
    """Serve the "Open in Colab" badge image from the site instead of colab's server."""
    return html.replace(f'src="{COLAB_BADGE_URL}"', f'src="{root}{LOCAL_BADGE}"')


def add_notebook_links(html: str, notebook: str, colab_url: str, root: str) -> str:
    """Put a download link for ``notebook`` (and a Colab badge if the page has none)."""
    if "lk-download" in html:
        return html
    download = (
        f' <a class="reference download lk-download" href="{notebook}" download="{notebook}">'
        "Download the notebook</a>"
    )
    colab = re.search(r'<a class="reference external" href="https://colab\.research\.google'
                      r'\.com/[^"]*">.*?</a>', html, flags=re.S)
    if colab is not None:
        return html[:colab.end()] + download + html[colab.end():]
    badge = (
        f'<p class="lk-notebook-links"><a class="reference external" href="{colab_url}">'
        f'<img alt="Open In Colab" src="{root}{LOCAL_BADGE}" /></a>{download}</p>'
    )
    heading_end = html.find("</h1>")
    if heading_end < 0:
        return html
    heading_end += len("</h1>")
    return html[:heading_end] + badge + html[heading_end:]


def process_site(outdir: Path, links: dict[str, str], colab_base: str) -> int:
    """Post-process every HTML page under ``outdir``; return how many pages changed."""
    changed = 0
    for page in sorted(outdir.rglob("*.html")):
        relative = page.relative_to(outdir)
        depth = len(relative.parts) - 1
        root = "../" * depth
        html = page.read_text(encoding="utf-8")
        new = localize_colab_badge(html, root)
        if relative.parts[0] == "notebooks" and len(relative.parts) == 2:
            notebook = relative.with_suffix(".ipynb").name
            colab_url = f"{colab_base}/notebooks/{notebook}"
            new = add_notebook_links(new, notebook, colab_url, root)
            new = link_first_uses(new, links, root)
        if new != html:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed

