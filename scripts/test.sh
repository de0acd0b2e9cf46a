#!/usr/bin/env bash
# The one test command (what CI runs). It installs both tested stacks once and runs pytest
# three times; extra arguments go to every pytest run (e.g. -k windowing).
#
#   1. Colab's stack (.venv-colab, requirements-colab.txt), where readers run the notebooks,
#      on Keras's TensorFlow backend: unit tests, doctests, every notebook under nbval, and
#      the data-parallel tests (tf.distribute).
#   2. The newest stack (.venv, requirements.txt) on Keras's JAX backend: unit tests and
#      doctests again, the classifier's scikit-learn estimator checks, and the checks that
#      run once and can share a machine (ONCE below: ruff, notebook hygiene, the
#      wheel-install test, the fuzz test). So the library's suite runs on both backends it
#      supports, TensorFlow in run 1 and JAX here; tests/backends also loads the same
#      weights on the other backend in a subprocess and compares the outputs.
#      On JAX it also executes the notebooks in JAX_NOTEBOOKS under nbval: the same checked
#      outputs as on TensorFlow. LSTMKIT_NEWEST_BACKEND=tensorflow runs this part on
#      TensorFlow instead (without those notebooks).
#   3. The newest stack on TensorFlow, one process each: the static site and its browser
#      test (BESIDE below), which runs beside run 2 (one process that waits on Sphinx,
#      Chromium and a local server leaves a core free), and after run 2 the workers on
#      PostgreSQL and a journal file (SERIAL below), alone: their heartbeat timings need a
#      machine that is not also running two other test processes.
#   4. The newest stack on Keras's PyTorch backend (requirements-torch.txt): the suite
#      except what PyTorch cannot run or what would not fit (NOT_ON_TORCH below).
#      LSTMKIT_TORCH=0 skips it, and PyTorch's install.
#
# Runs 1 and 2 use two pytest-xdist workers (--dist loadfile: each test file, and so each
# notebook with its one kernel, stays on one worker, in order). One TensorFlow process
# keeps about one of the two cores busy on these small models, so two workers finish in
# about two thirds of the time. Run 3 stays in one process: the site and worker tests
# share build folders and servers.
#
# Every run always runs and every summary is printed; the command fails if any failed.
# Set LSTMKIT_STACKS=colab or LSTMKIT_STACKS=newest to run one of the stacks only, and
# LSTMKIT_WORKERS=1 to run without xdist (e.g. to time notebooks on a quiet machine).
STACKS="${LSTMKIT_STACKS:-colab newest}"
# With both stacks, the newest one installs in the background (_environment.sh) while
# Colab's installs and then runs its tests: run 1 starts without waiting for it.
if [[ " $STACKS " == *" colab "* && " $STACKS " == *" newest "* ]]; then
    export LSTMKIT_NEWEST_IN_BACKGROUND=1
fi
TORCH="${LSTMKIT_TORCH:-1}"
[ "$TORCH" = 1 ] && export LSTMKIT_NEWEST_EXTRAS="requirements-torch.txt"
source "$(dirname "${BASH_SOURCE[0]}")/_environment.sh"
# Stack-independent checks run once, in run 2 (ONCE); the website (BESIDE) and the
# PostgreSQL/journal worker tests (SERIAL) run in run 3, each in one process (the site's
# tests share a build folder and a server).
ONCE=(tests/test_lint.py tests/test_notebook_hygiene.py tests/test_packaging.py
      tests/test_fuzz_public_api.py)
BESIDE=(tests/site)
SERIAL=(tests/tuning/test_workers.py)
# The classifier's tests and scikit-learn estimator checks run only in run 2.
NEWEST_ONLY=(tests/classification)
# Notebooks run a second time, on JAX, in run 2, against the same committed outputs. Every
# notebook passes on JAX (the README gives the whole series' time on each backend); 01
# fits the time budget and runs code that differs by backend (input gradients through the
# backend's own autodiff). The others would add minutes; the unit tests of run 2
# (tests/tbptt with lk.tbptt.carry_states, tests/diagnostics, the data tools) cover their
# library code on JAX.
JAX_NOTEBOOKS=(notebooks/01_lstm_from_scratch.ipynb)
# Every notebook, longest first (the runtime each measured of itself, in
# notebooks/results/), and ahead of the unit tests: two workers then end together, the
# short test files filling the end, instead of one worker waiting out a long notebook
# that happened to come last.
mapfile -t NOTEBOOKS < <("$PYTHON" - <<'PY'
import json
from pathlib import Path

def runtime(notebook):
    results = Path("notebooks/results") / (notebook.stem + ".json")
    if not results.exists():
        return 0.0
    return float(json.loads(results.read_text()).get("metrics", {}).get("runtime_s", 0.0))

for notebook in sorted(Path("notebooks").glob("*.ipynb"), key=runtime, reverse=True):
    print(notebook)
PY
)
# lstmkit.distribute wraps tf.distribute: run 1, and run 2 when it is on TensorFlow.
TENSORFLOW_ONLY=(tests/distribute lstmkit/distribute.py)
# Not in run 4: the truncated-BPTT trainer, which refuses PyTorch (Keras's stateful LSTM
# fails inside train_on_batch there; tests/tbptt/test_trainer_backends.py checks the refusal),
# and what needs it (tests/backends); the classifier and the tuners, whose many short fits
# run Keras's per-step Python loop on PyTorch and would not fit the time budget.
NOT_ON_TORCH=(tests/tbptt/test_trainer.py tests/tbptt/test_trainer_checks.py
              tests/tbptt/test_trainer_fit.py tests/tbptt/test_trainer_resume.py
              lstmkit/tbptt/trainer.py tests/backends tests/classification tests/tuning)
SKIP_ONCE=()
for path in "${ONCE[@]}"; do
    [ -e "$path" ] && SKIP_ONCE+=(--ignore "$path")
done
SKIP_SERIAL=()
RUN_SERIAL=()
RUN_BESIDE=()
for path in "${SERIAL[@]}"; do
    [ -e "$path" ] && SKIP_SERIAL+=(--ignore "$path") && RUN_SERIAL+=("$path")
done
for path in "${BESIDE[@]}"; do
    [ -e "$path" ] && SKIP_SERIAL+=(--ignore "$path") && RUN_BESIDE+=("$path")
done
SKIP_NEWEST_ONLY=()
for path in "${NEWEST_ONLY[@]}"; do
    [ -e "$path" ] && SKIP_NEWEST_ONLY+=(--ignore "$path")
done
SKIP_TENSORFLOW_ONLY=()
for path in "${TENSORFLOW_ONLY[@]}"; do
    [ -e "$path" ] && SKIP_TENSORFLOW_ONLY+=(--ignore "$path")
done
WORKERS="${LSTMKIT_WORKERS:-2}"
PARALLEL=()
[ "$WORKERS" -gt 1 ] && PARALLEL=(-n "$WORKERS" --dist loadfile)
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
        KERAS_BACKEND=tensorflow .venv-colab/bin/python -m pytest "${NOTEBOOKS[@]}" tests lstmkit \
            "${SKIP_ONCE[@]}" "${SKIP_SERIAL[@]}" "${SKIP_NEWEST_ONLY[@]}" "${PARALLEL[@]}" \
            --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
            --durations=10 --junitxml "$REPORTS/colab.xml" "$@" || status=1
        unset IPYTHONDIR
    elif [ "$stack" = newest ]; then
        wait_for_background_env
        backend="${LSTMKIT_NEWEST_BACKEND:-jax}"
        skip=("${SKIP_SERIAL[@]}")
        [ "$backend" = tensorflow ] || skip+=("${SKIP_TENSORFLOW_ONLY[@]}")
        notebooks=()
        [ "$backend" = jax ] && notebooks=("${JAX_NOTEBOOKS[@]}")
        # Run 3's site tests, in the background beside run 2; their output follows run 2's.
        site_pid=""
        if [ ${#RUN_BESIDE[@]} -gt 0 ]; then
            KERAS_BACKEND=tensorflow .venv/bin/python -m pytest "${RUN_BESIDE[@]}" \
                --durations=10 --junitxml "$REPORTS/newest-site.xml" "$@" \
                > "$REPORTS/site.log" 2>&1 &
            site_pid=$!
        fi
        echo "==> [newest stack, $backend] unit tests, doctests, estimator checks, ONCE checks"
        KERAS_BACKEND=$backend .venv/bin/python scripts/colab_setup.py --versions
        KERAS_BACKEND=$backend .venv/bin/python -m pytest "${notebooks[@]}" tests lstmkit \
            "${skip[@]}" "${PARALLEL[@]}" --nbval-lax --nbval-current-env \
            --nbval-sanitize-with tests/nbval_sanitize.cfg --durations=10 \
            --junitxml "$REPORTS/newest-$backend.xml" "$@" || status=1
        echo "==> [newest stack, tensorflow] the site and its browser test (ran beside run 2)"
        if [ -n "$site_pid" ]; then
            # Exit code 5: extra arguments (-k ...) selected none of these, not a failure.
            wait "$site_pid"
            code=$?
            cat "$REPORTS/site.log"
            [ "$code" -eq 0 ] || [ "$code" -eq 5 ] || status=1
        fi
        echo "==> [newest stack, tensorflow] the workers on PostgreSQL and a journal file"
        KERAS_BACKEND=tensorflow .venv/bin/python -m pytest "${RUN_SERIAL[@]}" \
            --durations=10 --junitxml "$REPORTS/newest-once.xml" "$@" \
            || { [ $? -eq 5 ] || status=1; }
        if [ "$TORCH" = 1 ]; then
            echo "==> [newest stack, torch] the suite without the trainer, classifier, tuners"
            skip=("${SKIP_SERIAL[@]}" "${SKIP_ONCE[@]}" "${SKIP_TENSORFLOW_ONLY[@]}")
            for path in "${NOT_ON_TORCH[@]}"; do
                [ -e "$path" ] && skip+=(--ignore "$path")
            done
            KERAS_BACKEND=torch .venv/bin/python scripts/colab_setup.py --versions
            KERAS_BACKEND=torch .venv/bin/python -m pytest tests lstmkit "${skip[@]}" \
                "${PARALLEL[@]}" --durations=10 --junitxml "$REPORTS/newest-torch.xml" "$@" \
                || { [ $? -eq 5 ] || status=1; }
        fi
    else
        echo "LSTMKIT_STACKS may hold 'colab' and 'newest'; received: $stack" >&2
        exit 2
    fi
done
# One closing line over all runs, after every pytest summary ("total: N passed, N failed").
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
# The junit reports stay in build/test-reports/ (per-test and per-notebook-cell durations).
mkdir -p build/test-reports
cp "$REPORTS"/*.xml build/test-reports/ 2>/dev/null || true
rm -rf "$REPORTS"
exit "$status"
