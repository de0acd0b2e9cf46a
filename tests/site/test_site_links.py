"""The site's HTML post-processing: API links on first use, local badge, download link."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "site" / "_ext"))

from lstmkit_site import postprocess  # noqa: E402

LINKS = {
    "windowing.make_windows": "api/lstmkit.windowing.html#lstmkit.windowing.make_windows",
    "make_windows": "api/lstmkit.windowing.html#lstmkit.windowing.make_windows",
    "set_seed": "api/lstmkit.reproducibility.html#lstmkit.reproducibility.set_seed",
}
CODE = (
    '<span class="n">lk</span><span class="o">.</span><span class="n">windowing</span>'
    '<span class="o">.</span><span class="n">make_windows</span>'
)
INLINE = '<code class="docutils literal notranslate"><span class="pre">lk.set_seed(0)</span></code>'


def test_links_only_the_first_use_of_each_object():
    html = f"<p>{INLINE}</p><pre>{CODE}(x) {CODE}(y)</pre><p>{INLINE}</p>"
    out = postprocess.link_first_uses(html, LINKS, "../")
    assert out.count('class="lk-api"') == 2
    assert out.index("reproducibility.html") < out.index("windowing.html")
    assert out.count("../api/lstmkit.windowing.html#lstmkit.windowing.make_windows") == 1
    assert postprocess.link_first_uses(out, LINKS, "../") == out  # idempotent


def test_short_and_qualified_names_share_one_first_link():
    short = '<span class="n">lk</span><span class="o">.</span><span class="n">make_windows</span>'
    out = postprocess.link_first_uses(f"<pre>{short} {CODE}</pre>", LINKS, "")
    assert out.count('class="lk-api"') == 1


def test_names_inside_links_and_unknown_names_stay_plain():
    linked = f'<a href="x.html">{INLINE}</a>'
    unknown = '<span class="n">lk</span><span class="o">.</span><span class="n">nothing</span>'
    html = linked + unknown
    assert postprocess.link_first_uses(html, LINKS, "") == html


def test_badge_is_served_locally_and_notebook_downloadable():
    name = "01_lstm_from_scratch.ipynb"
    colab = "https://colab.research.google.com/github/lstmkit/lstmkit/blob/main/notebooks/" + name
    html = (
        f'<h1>01</h1><p><a class="reference external" href="{colab}">'
        f'<img src="{postprocess.COLAB_BADGE_URL}"/></a></p>'
    )
    out = postprocess.localize_colab_badge(html, "../")
    out = postprocess.add_notebook_links(out, name, "unused", "../")
    assert postprocess.COLAB_BADGE_URL not in out
    assert 'src="../_static/colab-badge.svg"' in out
    assert f'href="{name}" download="{name}"' in out
    assert postprocess.add_notebook_links(out, name, "unused", "../") == out


def test_missing_badge_is_added_after_the_title():
    out = postprocess.add_notebook_links(
        "<h1>T</h1><p>text</p>", "02_preparing_long_sequences.ipynb", "https://c/02", ""
    )
    assert out.index("</h1>") < out.index('href="https://c/02"') < out.index("<p>text")
