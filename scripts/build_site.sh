#!/usr/bin/env bash
# Build the website (executed notebook series + API reference) into build/site/:
#   bash scripts/build_site.sh            # then: python -m http.server -d build/site
# Installs the tested environment (.venv) and requirements-site.txt into it once, and never
# executes a notebook: pages show the outputs committed in notebooks/*.ipynb.
# Extra arguments go to scripts/build_site.py (e.g. --reuse).
source "$(dirname "${BASH_SOURCE[0]}")/_environment.sh"
SITE_STAMP=".venv/.site-stamp-$(sha256sum requirements-site.txt | cut -c1-16)"
if [ ! -f "$SITE_STAMP" ]; then
    echo "==> installing requirements-site.txt into .venv"
    .venv/bin/python -m pip install --quiet -c requirements.txt -r requirements-site.txt
    rm -f .venv/.site-stamp-*
    touch "$SITE_STAMP"
fi
exec python scripts/build_site.py "$@"
