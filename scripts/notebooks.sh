#!/usr/bin/env bash
# The one "run it" command: installs the tested environment into .venv (once), executes
# the whole notebook series headless in order and prints each notebook's runtime and
# headline result. Arguments go to scripts/run_notebooks.py (e.g. 01 02, or --in-place).
source "$(dirname "${BASH_SOURCE[0]}")/_environment.sh"
echo "==> executing the notebooks"
exec python scripts/run_notebooks.py "$@"
