# Sourced by scripts/test.sh and scripts/notebooks.sh: make ./.venv and install the
# tested environment into it. Idempotent: pip runs again only when requirements.txt or
# pyproject.toml changed since the last successful install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "lstmkit needs Python 3.10 or newer; found: $("$PYTHON" --version 2>&1)." >&2
    echo "Set PYTHON=/path/to/python3.1x and run again." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
fi
STAMP=".venv/.stamp-$(cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
    echo "==> installing requirements.txt and lstmkit into .venv (first run: a few minutes)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements.txt
    .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
    rm -f .venv/.stamp-*
    touch "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
