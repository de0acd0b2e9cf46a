#!/usr/bin/env bash
# Build the website (executed notebook series + API reference) into build/site/:
#   bash scripts/build_site.sh            # then: python -m http.server -d build/site
# Uses the tested environment .venv (scripts/_environment.sh installs requirements.txt and
# requirements-site.txt into it once) and never executes a notebook: pages show the outputs
# committed in notebooks/*.ipynb.
# Extra arguments go to scripts/build_site.py (e.g. --reuse).
source "$(dirname "${BASH_SOURCE[0]}")/_environment.sh"
exec python scripts/build_site.py "$@"
