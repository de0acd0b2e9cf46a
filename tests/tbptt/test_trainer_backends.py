"""Which Keras backends the trainer runs on, and the clear error where one cannot."""

import keras
import pytest
from tbptt_models import data, stateful

from lstmkit import tbptt


@pytest.mark.requires_torch
def test_the_tbptt_trainer_refuses_pytorch_with_the_reason_and_the_fix():
    # Keras's stateful LSTM assigns its state in place inside train_on_batch, on a tensor
    # that autograd still needs: the trainer refuses instead of training on wrong states.
    with pytest.raises(NotImplementedError, match=r"Received: backend 'torch'.*KERAS_BACKEND=jax"):
        tbptt.TruncatedBPTTTrainer(stateful())


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_the_tbptt_trainer_runs_on_tensorflow_and_jax(backend):
    if keras.backend.backend() != backend:
        pytest.skip(f"Keras runs on {keras.backend.backend()}")
    trainer = tbptt.TruncatedBPTTTrainer(stateful())
    x, y = data()
    history = trainer.fit(x, y, epochs=1)
    assert len(history["loss"]) == 1
