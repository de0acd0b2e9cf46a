"""Carry the recurrent states through Keras's compiled steps on every backend.

A stateful Keras 3 recurrent layer keeps its state in variables that it creates
*untracked*, so that they stay out of saved weights (their shape holds the batch size).
On TensorFlow that does not matter: a compiled step captures the variables by reference
and the layer's ``assign`` writes through. On JAX it does: Keras runs every step
*statelessly* (``stateless_call`` inside ``jax.jit``) and threads through it only the
variables the model tracks. An untracked state is read as a constant and its update is
dropped, so after ``train_on_batch`` or ``predict_on_batch`` the state is still zero and
every chunk silently starts afresh.

The trainer therefore registers the state variables on the model as non-trainable
variables for the duration of its calls (:func:`carried_states`), the way
``BatchNormalization`` keeps its moving statistics: Keras's own step then reads them
as inputs, returns their new values and writes them back after each call, on every
backend. The states are unregistered afterwards, so ``model.weights``, saved ``.keras``
files and callbacks see the model exactly as the user built it.

Why not carry the state explicitly, with ``return_state=True`` and ``initial_state``
inputs held as arrays by the trainer? ``train_on_batch`` returns the loss, not the
outputs, so the new state would need a second forward pass per chunk (about a third more
work), that pass would run without the training-time dropout the step used, and the
user's graph (nested models, wrappers) would have to be rebuilt around new state inputs.
Registering the variables keeps one step per chunk and the exact semantics of a stateful
layer on TensorFlow: the state carries across the sequence, the gradient stops at every
chunk border.

On PyTorch, Keras 3's stateful recurrent layers fail inside ``train_on_batch`` (the state
is assigned in place on a tensor that autograd still needs); :func:`check_backend`
refuses that backend with the reason instead of training on wrong states.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import keras

from lstmkit.tbptt.recurrent_state import recurrent_layers

_ATTRIBUTE = "_lstmkit_tbptt_states"
# Backends whose compiled steps only see tracked variables: the states are registered there.
_REGISTER_ON = ("jax",)
_SUPPORTED = ("tensorflow", "jax")


def check_backend(what: str) -> None:
    """Raise a clear error on a Keras backend that cannot carry a stateful layer's state."""
    backend = keras.backend.backend()
    if backend not in _SUPPORTED:
        raise NotImplementedError(
            f"{what} needs a Keras backend that carries the state of stateful recurrent "
            f"layers across calls: {' or '.join(_SUPPORTED)}. Received: backend "
            f"{backend!r}, where Keras's stateful LSTM fails inside train_on_batch. Set "
            "KERAS_BACKEND=jax or KERAS_BACKEND=tensorflow before importing keras."
        )


def state_variables(model: keras.Model) -> list[keras.Variable]:
    """The state variables of every stateful recurrent layer of ``model``, in order."""
    found = []
    for layer in recurrent_layers(model):
        if layer.stateful and layer.states is not None:
            found.extend(layer.states)
    return found


@contextlib.contextmanager
def carried_states(model: keras.Model) -> Iterator[None]:
    """Register the states as ``model``'s non-trainable variables while the block runs.

    Only where the backend needs it (JAX) and only for states the model does not track
    already; the registration is undone on exit, even after an exception.

    The states are held in one list attribute, emptied before it is deleted: deleting a
    layer attribute that *is* a variable makes Keras run a full ``gc.collect()`` (about
    0.4 s each time, once per batch here), while emptying a tracked list untracks its
    variables without one.
    """
    registered = False
    if keras.backend.backend() in _REGISTER_ON:
        tracked = {id(variable) for variable in model.non_trainable_variables}
        untracked = [v for v in state_variables(model) if id(v) not in tracked]
        if untracked:
            setattr(model, _ATTRIBUTE, untracked)  # a Keras layer tracks the list it holds
            registered = True
    try:
        yield
    finally:
        if registered:
            getattr(model, _ATTRIBUTE).clear()  # untracks each variable
            delattr(model, _ATTRIBUTE)
