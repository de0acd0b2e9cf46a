"""Sphinx configuration of the lstmkit website (the executed notebook series + API reference).

Build it with ``bash scripts/build_site.sh``: that script stages the README, the notebooks,
docs/*.md and data/README.md into ``build/site-src/`` and runs Sphinx with this folder as the
configuration directory, writing the static site to ``build/site/``.

The notebooks are rendered from their committed outputs and never executed here (the test
suite executes them). Everything a page needs at view time (MathJax and its fonts, scripts,
styles, images) is shipped inside the site, so it works offline and on any static host.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(ROOT))

project = "lstmkit"
author = "The lstmkit developers"
copyright = "the lstmkit developers, MIT licence"
root_doc = "index"
language = "en"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "lstmkit_site",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "notebooks/results"]
templates_path = []

# Notebooks: rendered exactly as committed (outputs included), never re-executed.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget outputs; avoids a CDN script tag
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 4
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

# API reference: Google-style docstrings, examples kept as doctest blocks.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
# Keras layers document the arguments of ``call`` in a "Call arguments:" section.
napoleon_custom_sections = [("Call arguments", "params_style")]
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_member_order = "bysource"
autodoc_default_options: dict[str, object] = {}
autodoc_inherit_docstrings = False
python_maximum_signature_line_length = 60
add_module_names = False

# Maths: MathJax 3 shipped inside the site (copied from an installed PyPI package by the
# lstmkit_site extension), never loaded from a CDN.
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "furo"
html_title = "lstmkit"
html_static_path = ["_static"]
html_css_files = ["lstmkit-site.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "navigation_with_keys": True,
    "top_of_page_buttons": [],
}

# Where the "Open in Colab" links of the notebooks point.
lstmkit_repository = "lstmkit/lstmkit"
lstmkit_branch = "main"
