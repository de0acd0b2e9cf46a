"""Masked models stay on the GPU's fast path: no pre-padded masks, no holes from Masking(0.0).

tests/cudnn_mask_guard.py reproduces, on a CPU, the check Keras makes before the fused
cuDNN kernel on a GPU. scripts/test.sh installs it in every notebook kernel of the nbval
run, so a notebook that feeds a mask the GPU would refuse fails there. These tests show
that the guard catches exactly what the GPU refuses (a planted pre-padded mask, a
Masking(0.0) hole), agrees with `lstmkit.padding.check_cudnn_padding`, and is wired into
the test command.
"""

import re
import warnings
from pathlib import Path

import cudnn_mask_guard
import keras
import numpy as np
import pytest

import lstmkit as lk

# On JAX the guard's error is raised inside traced code, and JAX re-raises it as an unrelated
# one ("'str' object has no attribute '_error_repr'"): the guard is TensorFlow-only for now.
pytestmark = pytest.mark.requires_tensorflow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def _guard():
    # Installed for this module only: with several test workers, any test file may run
    # next in this process, and tests elsewhere pass left-padded masks on purpose.
    cudnn_mask_guard.install()
    yield
    cudnn_mask_guard.uninstall()


def _classifier(layer, features=2):
    inputs = keras.Input((None, features))
    masked = keras.layers.Masking(0.0)(inputs)
    return keras.Model(inputs, keras.layers.Dense(1)(layer(masked)))


def _sequences(padding):
    rng = np.random.default_rng(0)
    ragged = [rng.normal(size=(length, 2)).astype("float32") + 5.0 for length in (3, 6, 4)]
    return lk.padding.pad_sequences(ragged, length=6, padding=padding)


@pytest.mark.parametrize("layer_class", [keras.layers.LSTM, keras.layers.GRU])
def test_post_padding_passes_the_guard(layer_class):
    model = _classifier(layer_class(4))
    assert model.predict(_sequences("post"), verbose=0).shape == (3, 1)


@pytest.mark.parametrize("layer_class", [keras.layers.LSTM, keras.layers.GRU])
def test_a_planted_pre_padded_mask_fails_like_on_a_gpu(layer_class):
    model = _classifier(layer_class(4))
    with pytest.raises(Exception, match="cuDNN mask guard"):
        model.predict(_sequences("pre"), verbose=0)


def test_masking_zero_over_real_zeros_fails():
    x = _sequences("post")
    x[0, 1] = 0.0  # a real step whose features are all zero: Masking(0.0) makes a hole
    with pytest.raises(Exception, match="cuDNN mask guard"):
        _classifier(keras.layers.LSTM(4)).predict(x, verbose=0)


def test_a_fully_masked_row_fails():
    x = _sequences("post")
    x[1] = 0.0
    with pytest.raises(Exception, match="cuDNN mask guard"):
        _classifier(keras.layers.LSTM(4)).predict(x, verbose=0)


def test_layers_off_the_cudnn_path_are_not_checked():
    layer = keras.layers.LSTM(4, use_cudnn=False)
    assert not cudnn_mask_guard.takes_cudnn_path(layer)
    assert _classifier(layer).predict(_sequences("pre"), verbose=0).shape == (3, 1)
    assert cudnn_mask_guard.takes_cudnn_path(keras.layers.LSTM(4))
    assert not cudnn_mask_guard.takes_cudnn_path(keras.layers.LSTM(4, recurrent_dropout=0.1))
    assert not cudnn_mask_guard.takes_cudnn_path(keras.layers.GRU(4, reset_after=False))


def test_the_guard_checks_inside_fit():
    model = _classifier(keras.layers.LSTM(4))
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(Exception, match="cuDNN mask guard"):
        model.fit(_sequences("pre"), np.zeros((3, 1)), epochs=1, verbose=0)


@pytest.mark.parametrize("seed", range(20))
def test_the_guard_agrees_with_check_cudnn_padding(seed):
    rng = np.random.default_rng(seed)
    mask = rng.random((4, 7)) < 0.7
    if seed % 2:  # right-padded masks too, some from the library
        padding = "post" if seed % 4 == 1 else "pre"
        mask = lk.padding.mask_from_lengths(rng.integers(1, 8, size=4), length=7, padding=padding)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = lk.padding.check_cudnn_padding(mask)
    assert bool(cudnn_mask_guard.right_padded(mask)) == expected


def test_the_test_command_installs_the_guard_in_every_notebook_kernel():
    environment = (ROOT / "scripts" / "_environment.sh").read_text(encoding="utf-8")
    assert "IPYTHONDIR" in environment and "profile_default/startup" in environment
    assert "cudnn_mask_guard.install()" in environment
    for script in ("test.sh", "notebooks.sh"):
        assert "use_mask_guard " in (ROOT / "scripts" / script).read_text(encoding="utf-8")


NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_notebook_feeds_pre_padded_masks_to_the_fast_path(path):
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    for line in code.splitlines():
        if re.search(r"""padding\s*=\s*["']pre["']""", line):
            # Allowed only where the notebook shows what the GPU refuses: with the generic
            # kernel (use_cudnn=False) or the library check that warns about it.
            assert "check_cudnn_padding" in line or "generic" in code, (path.name, line)
