"""Seeding makes Keras runs repeatable; the environment report names the stack."""

import keras
import numpy as np
import pytest

import lstmkit as lk


def _weights_after_seed(seed):
    lk.set_seed(seed)
    layer = keras.layers.LSTM(4)
    layer.build((None, 3, 2))
    # the legacy global NumPy state is what set_seed must seed
    return [np.asarray(w) for w in layer.get_weights()], np.random.rand(3)  # noqa: NPY002


def test_same_seed_same_weights_and_numpy_draws():
    first_weights, first_draw = _weights_after_seed(11)
    second_weights, second_draw = _weights_after_seed(11)
    for a, b in zip(first_weights, second_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first_draw, second_draw)
    other_weights, _ = _weights_after_seed(12)
    assert not np.array_equal(first_weights[0], other_weights[0])


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), (2**32, ValueError)])
def test_set_seed_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="`seed` must be an integer"):
        lk.set_seed(bad)


def test_environment_report_lists_versions():
    report = lk.environment_report()
    assert report["keras"] == keras.__version__
    assert report["lstmkit"] == lk.__version__
    assert report["accelerator"] in {"CPU"} or report["accelerator"].endswith("GPU(s)")
