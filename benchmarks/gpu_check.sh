#!/usr/bin/env bash
# Checks, on a machine with an NVIDIA GPU, which recurrent layers take the cuDNN kernel on
# TensorFlow and on JAX (keras.layers.LSTM with and without a post-padded mask, lstmkit's
# WeightDropLSTM, Keras's recurrent_dropout, lstmkit's VariationalLSTM) and times each
# against a plain LSTM. The work and the checks are in benchmarks/gpu_check.py.
#
# Usage:  bash benchmarks/gpu_check.sh [gpu_check.py options, e.g. --repeats 3]
#         PYTHON=/path/to/python bash benchmarks/gpu_check.sh
# The interpreter needs GPU builds: pip install "tensorflow[and-cuda]" "jax[cuda12]"
# (the project's environments carry tensorflow-cpu and jax[cpu], which see no GPU).
#
# Exit codes: 0 all checks passed; 1 a check failed; 77 no NVIDIA GPU (nothing checked,
# one JSON line with "skipped" is printed, as on any CPU-only machine).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-.venv/bin/python}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}"
if ! command -v nvidia-smi > /dev/null 2>&1 || ! nvidia-smi -L 2> /dev/null | grep -q '^GPU'; then
    echo "no GPU: nvidia-smi finds no NVIDIA GPU on this machine; nothing checked (exit 77)."
    echo '{"benchmark": "gpu_check", "skipped": "no NVIDIA GPU", "passed": false}'
    exit 77
fi
nvidia-smi -L
exec "$PY" benchmarks/gpu_check.py "$@"
