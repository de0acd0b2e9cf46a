#!/usr/bin/env bash
# The one test command (what CI runs). It installs both tested stacks once and runs pytest
# twice; extra arguments go to both pytest runs (e.g. -k windowing).
#
#   1. Colab's stack (.venv-colab, requirements-colab.txt), where readers run the notebooks:
#      unit tests, doctests and every notebook under nbval, in order.
#   2. The newest stack (.venv, requirements.txt): unit tests and doctests again, plus the
#      checks that run once (ONCE below): ruff, notebook hygiene, the static site, the
#      wheel-install test, the fuzz test, the classifier's estimator checks, the workers
#      on PostgreSQL and a journal file, and data-parallel training.
#
# Both runs always run and both summaries are printed; the command fails if either failed.
# Set LSTMKIT_STACKS=colab or LSTMKIT_STACKS=newest to run one of them only.
source "$(dirname "${BASH_SOURCE[0]}")/_environment.sh"
STACKS="${LSTMKIT_STACKS:-colab newest}"
# Stack-independent or slow checks run once, on the newest stack: lint, hygiene, the wheel,
# the website, the fuzz test of the public API, the estimator checks of the classifier,
# the PostgreSQL/journal worker tests and the data-parallel test (each needs processes).
ONCE=(tests/test_lint.py tests/test_notebook_hygiene.py tests/test_packaging.py tests/site
      tests/test_fuzz_public_api.py tests/classification tests/tuning/test_workers.py
      tests/distribute)
SKIP_ONCE=()
for path in "${ONCE[@]}"; do
    [ -e "$path" ] && SKIP_ONCE+=(--ignore "$path")
done
REPORTS="$(mktemp -d)"
status=0
for stack in $STACKS; do
    if [ "$stack" = colab ]; then
        make_env .venv-colab requirements-colab.txt
        echo "==> [Colab stack] unit tests, doctests and every notebook (.venv-colab)"
        # Every notebook kernel starts with tests/cudnn_mask_guard.py installed, so a mask
        # that Keras's cuDNN kernel would refuse on a GPU fails here too.
        use_mask_guard "$REPORTS/ipython"
        .venv-colab/bin/python scripts/colab_setup.py --versions
        .venv-colab/bin/python -m pytest tests lstmkit notebooks "${SKIP_ONCE[@]}" \
            --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
            --durations=10 --junitxml "$REPORTS/colab.xml" "$@" || status=1
        unset IPYTHONDIR
    elif [ "$stack" = newest ]; then
        echo "==> [newest stack] unit tests, doctests, lint, hygiene and packaging (.venv)"
        .venv/bin/python scripts/colab_setup.py --versions
        .venv/bin/python -m pytest tests lstmkit \
            --durations=10 --junitxml "$REPORTS/newest.xml" "$@" || status=1
    else
        echo "LSTMKIT_STACKS may hold 'colab' and 'newest'; received: $stack" >&2
        exit 2
    fi
done
# One closing line over both runs, after both pytest summaries ("total: N passed, N failed").
.venv/bin/python - "$REPORTS" <<'PY'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

totals = {"passed": 0, "failed": 0, "skipped": 0}
for path in sorted(Path(sys.argv[1]).glob("*.xml")):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        totals["failed"] += failed
        totals["skipped"] += skipped
        totals["passed"] += int(suite.get("tests", 0)) - failed - skipped
print(f"total: {totals['passed']} passed, {totals['failed']} failed, "
      f"{totals['skipped']} skipped")
PY
rm -rf "$REPORTS"
exit "$status"
