"""Truncated backpropagation through time (TBPTT) for Keras 3 stateful recurrent models.

A sequence of 50,000 steps is too long to backpropagate through in one piece: the
activations of every step are kept for the backward pass, so memory (and, here, time
per step) grows with the length. Truncated BPTT cuts each sequence into *chunks* of
``chunk_length`` steps and feeds them in order to a model whose recurrent layers are
``stateful=True``. Two lengths then matter, and they differ:

* **How far the state carries: the whole sequence.** The last state of chunk ``i`` is
  the first state of chunk ``i + 1``, so what the model reads in the first chunk can
  still shape its prediction at the very end, 50,000 steps later.
* **How far the gradient flows: one chunk.** A stateful layer keeps its state in a
  variable; the next chunk reads that variable as a constant, so the backward pass
  stops at the chunk border. The model can *use* an old state, but it can only *learn*
  to write into the state what is useful within ``chunk_length`` steps (or, with
  ``loss_on="every_chunk"``, what helps every chunk's own prediction).

Chunks start at step 0 (see :func:`chunk_bounds`); the last one is shorter when the
length does not divide.

What a stateful Keras 3 model needs, and what :class:`TruncatedBPTTTrainer` does about it:

* The batch size is part of the state's shape, so it must be fixed:
  ``keras.Input(batch_shape=(batch_size, chunk_length, features))`` (the old
  ``batch_input_shape`` argument is rejected by Keras 3).
* Row ``i`` of one batch continues row ``i`` of the previous one, so the rows must not
  be shuffled between chunks: the trainer never shuffles steps, only whole sequences
  between epochs.
* ``Model.reset_states()`` no longer exists; each recurrent layer has its own
  ``reset_state()``. The trainer resets every one of them before each new batch.
* The number of sequences must divide by the batch size: a short last batch is
  silently broadcast to the full batch by Keras 3.15 and crashes Keras 3.13. The
  trainer refuses such data and says how many sequences to drop or add.
* The states are variables but are not written into ``.keras`` files: a saved model
  starts from zero state. The trainer's backup (``fit(backup_dir=...)``) stores them
  when it stops in the middle of a sequence.
* Keras 3.13 keeps adding to the metrics across ``train_on_batch`` calls (3.15 resets
  them each call); the trainer resets them before every chunk so each call reports
  its own chunk.
* Evaluating or predicting runs the same stateful layers, so it would overwrite the
  training state; the trainer saves the states before and restores them after.
* On JAX, Keras's compiled steps drop the updates of the (untracked) state variables:
  a stateful model's ``predict_on_batch`` or ``train_on_batch`` leaves its state at zero.
  The trainer registers the states on the model while it runs (:func:`carry_states`, which
  also serves a loop written by hand), so they carry on JAX as on TensorFlow; PyTorch is
  refused with the reason (``lstmkit/tbptt/_carry.py``).
"""

from lstmkit.tbptt.chunks import chunk_bounds
from lstmkit.tbptt.recurrent_state import (
    carry_states,
    get_recurrent_states,
    recurrent_layers,
    reset_recurrent_states,
    set_recurrent_states,
)
from lstmkit.tbptt.trainer import TruncatedBPTTTrainer

__all__ = [
    "TruncatedBPTTTrainer",
    "carry_states",
    "chunk_bounds",
    "get_recurrent_states",
    "recurrent_layers",
    "reset_recurrent_states",
    "set_recurrent_states",
]
