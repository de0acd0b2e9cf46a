#!/usr/bin/env bash
# The one "run it" command: installs Colab's stack into .venv-colab (once; the notebooks'
# committed outputs come from it), executes the whole notebook series headless in order and
# prints each notebook's runtime, CPU time and headline result. Arguments go to
# scripts/run_notebooks.py (e.g. 01 02, or --in-place). LSTMKIT_STACK=newest runs them on
# the newest stack (.venv) instead.
# Colab's stack installs in the background while the newest one installs (_environment.sh).
[ "${LSTMKIT_STACK:-colab}" = newest ] ||
    export LSTMKIT_BACKGROUND_ENV=".venv-colab requirements-colab.txt"
source "$(dirname "${BASH_SOURCE[0]}")/_environment.sh"
if [ "${LSTMKIT_STACK:-colab}" = newest ]; then
    PY=.venv/bin/python
else
    wait_for_background_env
    make_env .venv-colab requirements-colab.txt
    PY=.venv-colab/bin/python
fi
# Masks the GPU's cuDNN kernel would refuse fail here too (see tests/cudnn_mask_guard.py).
GUARD_DIR="$(mktemp -d)"
trap 'rm -rf "$GUARD_DIR"' EXIT
use_mask_guard "$GUARD_DIR"
echo "==> executing the notebooks with $PY"
"$PY" scripts/run_notebooks.py "$@"
