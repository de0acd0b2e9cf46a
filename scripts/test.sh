#!/usr/bin/env bash
# The one test command: installs the tested environment into .venv (once) and runs the
# whole suite: unit tests, doctests, every notebook under nbval, notebook hygiene, the
# wheel-install test and ruff. Extra arguments go to pytest (e.g. -k windowing).
source "$(dirname "${BASH_SOURCE[0]}")/_environment.sh"
echo "==> running the test suite"
exec python -m pytest tests lstmkit notebooks \
    --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
    --durations=15 "$@"
