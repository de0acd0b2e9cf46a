"""lstmkit.distribute: data-parallel fits on two logical CPU devices, and what is refused.

TensorFlow's devices are fixed when it starts, so the two-device checks run in a fresh
Python process.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import pytest
import tensorflow as tf

from lstmkit import distribute

pytestmark = pytest.mark.requires_tensorflow  # tf.distribute, and TensorFlow imported above

SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    from lstmkit import distribute

    devices = distribute.split_cpu(2)
    import keras

    def build(stateful=False):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((6, 2), batch_size=8 if stateful else None)
        hidden = keras.layers.LSTM(4, stateful=stateful)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return model

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 6, 2)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    single = build()
    single_loss = single.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    strategy = distribute.mirrored_strategy(devices)
    with strategy.scope():
        parallel = distribute.check_distributable(build())
    parallel_loss = parallel.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    difference = max(
        float(np.max(np.abs(a - b)))
        for a, b in zip(single.get_weights(), parallel.get_weights())
    )
    result = {
        "replicas": strategy.num_replicas_in_sync,
        "weight_difference": difference,
        "moved": float(np.max(np.abs(single.get_weights()[0] - build().get_weights()[0]))),
        "losses": [single_loss.history["loss"], parallel_loss.history["loss"]],
    }
    # What Keras itself does with a stateful LSTM under the strategy.
    with strategy.scope():
        stateful = build(stateful=True)
    try:
        stateful.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        result["keras_stateful"] = "trained"
    except Exception as error:
        result["keras_stateful"] = f"{type(error).__name__}: {error}"
    try:
        distribute.check_distributable(stateful)
    except ValueError as error:
        result["check"] = str(error)
    with strategy.scope():
        try:
            distribute.check_no_strategy("TruncatedBPTTTrainer.fit")
        except RuntimeError as error:
            result["no_strategy"] = str(error)
    try:
        distribute.split_cpu(3)
    except RuntimeError as error:
        result["late_split"] = str(error)
    print("RESULT " + json.dumps(result))
""")


@pytest.fixture(scope="module")
def two_devices(tmp_path_factory):
    script = tmp_path_factory.mktemp("distribute") / "two_devices.py"
    script.write_text(SCRIPT)
    completed = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = [row for row in completed.stdout.splitlines() if row.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


def test_a_data_parallel_fit_matches_the_single_device_fit(two_devices):
    # Same seed, same global batch, SGD: the averaged gradients of the two halves of a
    # batch are the gradient of the whole batch, so the weights agree.
    assert two_devices["replicas"] == 2
    assert two_devices["moved"] > 1e-3  # training changed the weights
    assert two_devices["weight_difference"] < 1e-5
    single, parallel = two_devices["losses"]
    assert parallel == pytest.approx(single, rel=1e-5)


def test_a_stateful_lstm_under_a_strategy_is_refused_with_the_reason(two_devices):
    # Keras fails inside the layer: each device gets half the batch, the state is whole.
    assert "batch size" in two_devices["keras_stateful"]
    assert "Received batch size: 4" in two_devices["keras_stateful"]
    assert two_devices["check"].startswith(
        "`model` must have no stateful recurrent layer to be trained data-parallel"
    )
    assert "Train it on one device" in two_devices["check"]
    assert "cannot run inside a MirroredStrategy scope" in two_devices["no_strategy"]
    assert "`split_cpu` must run before TensorFlow is initialised" in two_devices["late_split"]


def test_checks_in_this_process():
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(3)])
    assert distribute.check_distributable(model) is model
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        distribute.check_distributable("model")
    distribute.check_no_strategy()  # outside any strategy: nothing happens
    with pytest.raises(ValueError, match="`devices` must be a non-empty list"):
        distribute.mirrored_strategy([])
    with distribute.mirrored_strategy(["/cpu:0"]).scope():
        assert tf.distribute.has_strategy()
        with pytest.raises(RuntimeError, match="cannot run inside a MirroredStrategy scope"):
            distribute.check_no_strategy()
