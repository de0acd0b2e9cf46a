"""Shared test settings: quiet TensorFlow, a non-interactive matplotlib backend, and the
backend markers.

The suite runs on any Keras backend (``KERAS_BACKEND``). A test that imports a backend
directly (``tensorflow``, ``jax``, ``torch``) must say so with a marker, and is skipped
when Keras runs on another backend::

    @pytest.mark.requires_backend("tensorflow")
    def test_something_with_a_gradient_tape(): ...

``requires_tensorflow``, ``requires_jax`` and ``requires_torch`` are shorthands.

On JAX, XLA compiles every new model's train, test and predict steps: about 4.5 s of a
5.5 s fit of the test classifier, which the estimator checks fit again and again with
the same shapes. JAX's persistent compilation cache (``build/jax-cache/``, one folder per
pytest-xdist worker, since JAX writes its entries without a lock) serves those repeats:
the same fit takes about 0.9 s. Set ``JAX_COMPILATION_CACHE_DIR`` to use another folder.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
# Read by JAX when it is first imported (after this file): cache every compilation.
os.environ.setdefault(
    "JAX_COMPILATION_CACHE_DIR",
    str(Path(__file__).resolve().parents[1] / "build" / "jax-cache"
        / os.environ.get("PYTEST_XDIST_WORKER", "main")),
)
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")

_SHORTHANDS = {
    "requires_tensorflow": "tensorflow", "requires_jax": "jax", "requires_torch": "torch",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "requires_backend(name): run only when Keras uses backend `name`"
    )
    for marker, backend in _SHORTHANDS.items():
        config.addinivalue_line("markers", f"{marker}: run only on Keras's {backend} backend")


def pytest_runtest_setup(item):
    import keras

    current = keras.backend.backend()
    needed = [backend for marker, backend in _SHORTHANDS.items()
              if item.get_closest_marker(marker)]
    needed += [m.args[0] for m in item.iter_markers("requires_backend")]
    for backend in needed:
        if backend != current:
            pytest.skip(f"needs Keras's {backend} backend; KERAS_BACKEND is {current}")
