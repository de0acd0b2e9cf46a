"""What each Keras backend supports, and the clear error where one cannot do something."""

import keras
import numpy as np
import pytest

from lstmkit import tbptt


def _stateful_model():
    model = keras.Sequential([
        keras.Input(batch_shape=(2, 5, 1)),
        keras.layers.LSTM(3, stateful=True),
        keras.layers.Dense(1),
    ])
    model.compile("adam", "mse")
    return model


@pytest.mark.requires_torch
def test_the_tbptt_trainer_refuses_pytorch_with_the_reason_and_the_fix():
    # Keras's stateful LSTM assigns its state in place inside train_on_batch, on a tensor
    # that autograd still needs: the trainer refuses instead of training on wrong states.
    with pytest.raises(NotImplementedError, match=r"Received: backend 'torch'.*KERAS_BACKEND=jax"):
        tbptt.TruncatedBPTTTrainer(_stateful_model())


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_the_tbptt_trainer_runs_on_tensorflow_and_jax(backend):
    if keras.backend.backend() != backend:
        pytest.skip(f"Keras runs on {keras.backend.backend()}")
    trainer = tbptt.TruncatedBPTTTrainer(_stateful_model())
    x = np.ones((2, 10, 1), "float32")
    history = trainer.fit(x, np.zeros((2, 1), "float32"), epochs=1)
    assert len(history["loss"]) == 1
