"""The same weights give the same outputs on TensorFlow and JAX.

Each model is built and saved as a ``.keras`` file on the backend this run uses, then
loaded in a fresh process on the other one (``KERAS_BACKEND``), which runs it on the same
inputs: the TBPTT trainer (after one epoch of training, its chunked prediction carries
the state), every custom layer of :mod:`lstmkit.layers`, and the batches of every lstmkit
``PyDataset``. One subprocess serves every test, so the module costs one start-up.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from backend_twin import LAYER_MODELS, dataset_batches, save_models, tbptt_data, tbptt_model

from lstmkit import tbptt

HERE = Path(__file__).parent
OTHER = "jax" if keras.backend.backend() == "tensorflow" else "tensorflow"
# float32 recurrences summed in another order on each backend: equal to a few ulps.
ATOL = 1e-5


@pytest.fixture(scope="module")
def twin(tmp_path_factory):
    if importlib.util.find_spec(OTHER) is None:
        pytest.skip(f"the other backend ({OTHER}) is not installed")
    directory = tmp_path_factory.mktemp("twin")
    here = save_models(directory)
    environment = {**os.environ, "KERAS_BACKEND": OTHER, "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, str(HERE / "backend_twin.py"), str(directory)],
                   env=environment, check=True, timeout=600, capture_output=True)
    with np.load(directory / f"{OTHER}.npz") as other:
        return here, dict(other)


def test_the_tbptt_trainer_carries_the_state_and_equals_the_full_sequence():
    model = tbptt_model()
    x, _ = tbptt_data()
    full = keras.Sequential([keras.Input((None, x.shape[-1])), keras.layers.LSTM(6),
                             keras.layers.Dense(1)])
    full.set_weights(model.get_weights())
    chunked = tbptt.TruncatedBPTTTrainer(model).predict(x)
    np.testing.assert_allclose(chunked, keras.ops.convert_to_numpy(full(x)), atol=ATOL)
    # Only the first chunk differs between these inputs: the state must carry it to the end.
    changed = x.copy()
    changed[:, :5] += 1.0
    assert np.abs(tbptt.TruncatedBPTTTrainer(model).predict(changed) - chunked).min() > 1e-4


def test_the_trained_tbptt_model_predicts_the_same_on_the_other_backend(twin):
    here, other = twin
    np.testing.assert_allclose(other["tbptt"], here["tbptt"], atol=ATOL)


@pytest.mark.parametrize("name", LAYER_MODELS)
def test_every_custom_layer_gives_the_same_outputs_on_the_other_backend(twin, name):
    here, other = twin
    assert other[name].shape == here[name].shape
    np.testing.assert_allclose(other[name], here[name], atol=ATOL)


def test_every_pydataset_yields_the_same_batches_on_the_other_backend(twin):
    _, other = twin
    here = dataset_batches()
    assert sorted(here) == sorted(key for key in other if key.split("_")[0] in
                                  {"window", "balanced", "bucket", "crop"})
    for key, batch in here.items():
        np.testing.assert_array_equal(other[key], batch, err_msg=key)
