"""Shared test settings: quiet TensorFlow, a non-interactive matplotlib backend, and the
backend markers.

The suite runs on any Keras backend (``KERAS_BACKEND``). A test that imports a backend
directly (``tensorflow``, ``jax``, ``torch``) must say so with a marker, and is skipped
when Keras runs on another backend::

    @pytest.mark.requires_backend("tensorflow")
    def test_something_with_a_gradient_tape(): ...

``requires_tensorflow``, ``requires_jax`` and ``requires_torch`` are shorthands.
"""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

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
