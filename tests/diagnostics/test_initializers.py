"""Tests for lstmkit.initializers: ForgetBiasInitializer (still importable from gates)."""

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from lstmkit.gates import ForgetBiasInitializer as GatesForgetBiasInitializer
from lstmkit.initializers import ForgetBiasInitializer


def _sequences(batch=3, steps=40, features=2, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, steps, features)).astype("float32")


def test_forget_bias_initializer_keeps_its_old_import_and_registered_name():
    assert GatesForgetBiasInitializer is ForgetBiasInitializer
    assert (
        keras.saving.get_registered_name(ForgetBiasInitializer) == "lstmkit>ForgetBiasInitializer"
    )


def test_forget_bias_initializer_sets_only_the_forget_gate():
    bias = keras.ops.convert_to_numpy(ForgetBiasInitializer(-2.0)((12,)))
    np.testing.assert_array_equal(bias, [0] * 3 + [-2.0] * 3 + [0] * 6)
    layer = keras.layers.LSTM(
        3, bias_initializer=ForgetBiasInitializer(2.5), unit_forget_bias=False
    )
    layer(_sequences())
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.cell.bias)[3:6], [2.5] * 3)
    assert ForgetBiasInitializer.from_config(ForgetBiasInitializer(2.5).get_config()).value == 2.5


def test_forget_bias_initializer_errors():
    with pytest.raises(ValueError, match=r"shape \(4 \* units,\)\. Received: shape=\(3, 4\)"):
        ForgetBiasInitializer(1.0)((3, 4))
    with pytest.raises(ValueError, match=r"`value` must be a finite number\. Received: value=nan"):
        ForgetBiasInitializer(float("nan"))
    with pytest.raises(TypeError, match=r"`value` must be a number"):
        ForgetBiasInitializer("1")


def test_forget_bias_initializer_survives_saving_in_a_fresh_process(tmp_path):
    layer = keras.layers.LSTM(
        2, bias_initializer=ForgetBiasInitializer(3.0), unit_forget_bias=False
    )
    model = keras.Sequential([keras.Input((4, 1)), layer])
    model.save(tmp_path / "m.keras")
    script = textwrap.dedent(
        f"""
        import os
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        import keras
        import lstmkit.gates  # registers ForgetBiasInitializer
        model = keras.models.load_model({str(tmp_path / "m.keras")!r})
        print(model.layers[0].get_config()["bias_initializer"]["config"]["value"])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "3.0"
