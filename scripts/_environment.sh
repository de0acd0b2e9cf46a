# Sourced by scripts/test.sh, scripts/notebooks.sh and scripts/build_site.sh. Defines
# make_env and makes the newest tested stack, ./.venv from requirements.txt; the scripts
# that need Colab's stack call `make_env .venv-colab requirements-colab.txt` themselves.
# Idempotent: pip runs again only when the requirements file or pyproject.toml changed
# since the last successful install into that environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "lstmkit needs Python 3.10 or newer; found: $("$PYTHON" --version 2>&1)." >&2
    echo "Set PYTHON=/path/to/python3.1x and run again." >&2
    exit 1
fi

# make_env VENV REQUIREMENTS...: create VENV with $PYTHON, install the REQUIREMENTS files
# and lstmkit (editable, no dependencies: the requirements files pin them) into it, once.
make_env() {
    local venv="$1"
    shift
    local requirements=("$@")
    if [ ! -x "$venv/bin/python" ]; then
        echo "==> creating $venv with $("$PYTHON" --version)"
        "$PYTHON" -m venv "$venv"
        echo "*" > "$venv/.gitignore"  # never committed, whatever .gitignore says
    fi
    local stamp
    stamp="$venv/.stamp-$(cat "${requirements[@]}" pyproject.toml | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        echo "==> installing ${requirements[*]} and lstmkit into $venv (first run: a few minutes)"
        "$venv/bin/python" -m pip install --quiet --upgrade pip
        "$venv/bin/python" -m pip install --quiet "${requirements[@]/#/--requirement=}"
        "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
        rm -f "$venv"/.stamp-*
        touch "$stamp"
    fi
}

# use_mask_guard DIR: notebook kernels started after this (nbval, nbclient) run
# tests/cudnn_mask_guard.py first, which fails a cell that feeds an LSTM/GRU a mask the
# GPU's cuDNN kernel would refuse. Uses DIR as IPython's settings folder.
use_mask_guard() {
    export IPYTHONDIR="$1"
    mkdir -p "$IPYTHONDIR/profile_default/startup"
    cat > "$IPYTHONDIR/profile_default/startup/00_cudnn_mask_guard.py" <<GUARD
import sys
sys.path.insert(0, "$ROOT/tests")
import cudnn_mask_guard
cudnn_mask_guard.install()
sys.path.remove("$ROOT/tests")
GUARD
}

# The newest stack, ./.venv: requirements.txt, the website's tools (tests/site builds and
# checks it once) and whatever LSTMKIT_NEWEST_EXTRAS names (scripts/test.sh: PyTorch,
# requirements-torch.txt). Installed here, in the foreground, unless
# LSTMKIT_NEWEST_IN_BACKGROUND=1 makes it the background environment below
# (scripts/test.sh: Colab's stack then installs first, and its tests run while this one
# installs).
NEWEST_ENV=".venv requirements.txt requirements-site.txt ${LSTMKIT_NEWEST_EXTRAS:-}"
if [ "${LSTMKIT_NEWEST_IN_BACKGROUND:-0}" = 1 ]; then
    LSTMKIT_BACKGROUND_ENV="$NEWEST_ENV"
fi

# LSTMKIT_BACKGROUND_ENV="VENV REQUIREMENTS..." installs a second environment at the same
# time, in a background process (output in build/VENV-install.log): an install spends most
# of its time downloading and unpacking wheels, so two side by side take little longer than
# one. Call wait_for_background_env before using it.
BACKGROUND_ENV_PID=""
BACKGROUND_ENV_LOG=""
if [ -n "${LSTMKIT_BACKGROUND_ENV:-}" ]; then
    read -r -a background_env <<< "$LSTMKIT_BACKGROUND_ENV"
    mkdir -p build
    BACKGROUND_ENV_LOG="build/${background_env[0]#.}-install.log"
    make_env "${background_env[@]}" > "$BACKGROUND_ENV_LOG" 2>&1 &
    BACKGROUND_ENV_PID=$!
fi

# wait_for_background_env: wait for that install, print its output, fail if it failed.
wait_for_background_env() {
    [ -n "$BACKGROUND_ENV_PID" ] || return 0
    local status=0
    wait "$BACKGROUND_ENV_PID" || status=$?
    BACKGROUND_ENV_PID=""
    cat "$BACKGROUND_ENV_LOG"
    if [ "$status" -ne 0 ]; then
        echo "Installing ${LSTMKIT_BACKGROUND_ENV} failed (exit $status); see above." >&2
        exit "$status"
    fi
}

# shellcheck disable=SC2086  # a list of file names, split on purpose
[ "${LSTMKIT_NEWEST_IN_BACKGROUND:-0}" = 1 ] || make_env $NEWEST_ENV
export PATH="$ROOT/.venv/bin:$PATH"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}"
