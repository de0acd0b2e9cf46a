"""Find, reset, save and restore the states of a model's stateful recurrent layers.

Keras 3 removed ``Model.reset_states()``: each recurrent layer has its own
``reset_state()``, and the state lives in the layer's ``states`` variables. These helpers
walk a model (nested models and wrappers included) to reach every one of them.

On JAX, a stateful model's own ``predict_on_batch`` / ``train_on_batch`` do not advance
these variables (an eager call ``model(x)`` does); inside :func:`carry_states` they do,
and :class:`~lstmkit.tbptt.TruncatedBPTTTrainer` uses it for every batch.
"""

from __future__ import annotations

import contextlib
from typing import Any

import keras
import numpy as np

__all__ = [
    "carry_states",
    "get_recurrent_states",
    "recurrent_layers",
    "reset_recurrent_states",
    "set_recurrent_states",
]


def _check_model(model: Any) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be a keras.Model. Received: model of type {type(model).__name__}. "
            "Build one with keras.Sequential or the functional API."
        )
    return model


def _children(layer: Any) -> list[Any]:
    """The layers wrapped by ``layer``: both directions, a wrapped layer, a nested model."""
    forward = getattr(layer, "forward_layer", None)
    backward = getattr(layer, "backward_layer", None)
    if isinstance(forward, keras.layers.Layer) and isinstance(backward, keras.layers.Layer):
        return [forward, backward]  # keras.layers.Bidirectional, lstmkit BidirectionalHalves
    children = []
    inner = getattr(layer, "layer", None)  # TimeDistributed and other wrappers
    if isinstance(inner, keras.layers.Layer):
        children.append(inner)
    if isinstance(layer, keras.Model):
        children.extend(getattr(layer, "layers", []))
    return children


def recurrent_layers(model: keras.Model) -> list[keras.layers.RNN]:
    """Return every recurrent layer of ``model`` (LSTM, GRU, SimpleRNN, RNN), nested too.

    ``Model.reset_states()`` is gone in Keras 3; this is how to find the layers whose
    ``reset_state()`` to call. Layers inside nested models and ``Bidirectional`` /
    ``TimeDistributed`` wrappers are included.

    Args:
        model: a Keras model.

    Returns:
        The recurrent layers in the order of ``model.layers`` (depth first).

    Example:
        >>> import keras
        >>> from lstmkit import tbptt
        >>> model = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(3),
        ...                           keras.layers.Dense(1)])
        >>> [layer.__class__.__name__ for layer in tbptt.recurrent_layers(model)]
        ['LSTM']
    """
    model = _check_model(model)
    found: list[keras.layers.RNN] = []

    def visit(layer: Any) -> None:
        if isinstance(layer, keras.layers.RNN):
            found.append(layer)
            return
        for child in _children(layer):
            visit(child)

    for layer in model.layers:
        visit(layer)
    return found


def reset_recurrent_states(model: keras.Model) -> None:
    """Zero the state of every stateful recurrent layer of ``model``.

    The Keras 3 replacement for ``model.reset_states()``: call it before feeding the
    first chunk of new sequences, so no state leaks from one sequence to the next.

    Args:
        model: a Keras model.

    Returns:
        None; the states are zeroed in place.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit import tbptt
        >>> model = keras.Sequential([keras.Input(batch_shape=(2, 4, 1)),
        ...                           keras.layers.LSTM(3, stateful=True)])
        >>> _ = model(np.ones((2, 4, 1), "float32"))  # advances the state
        >>> tbptt.reset_recurrent_states(model)
        >>> float(np.abs(tbptt.get_recurrent_states(model)[0][0]).max())
        0.0
    """
    for layer in recurrent_layers(model):
        if layer.stateful:
            layer.reset_state()


def get_recurrent_states(model: keras.Model) -> list[list[np.ndarray]]:
    """Return a copy of the state of every stateful recurrent layer, as NumPy arrays.

    Pair it with :func:`set_recurrent_states` to evaluate without disturbing training,
    or to store the state of a run in the middle of a sequence.

    Args:
        model: a Keras model.

    Returns:
        One list per stateful layer (for an LSTM: ``[h, c]``, each
        ``(batch_size, units)``); an empty list for a layer that has not run yet.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit import tbptt
        >>> model = keras.Sequential([keras.Input(batch_shape=(2, 4, 1)),
        ...                           keras.layers.LSTM(3, stateful=True)])
        >>> _ = model(np.ones((2, 4, 1), "float32"))  # advances the state
        >>> [state.shape for state in tbptt.get_recurrent_states(model)[0]]
        [(2, 3), (2, 3)]
    """
    states = []
    for layer in recurrent_layers(model):
        if layer.stateful:
            variables = layer.states or []
            states.append([np.array(keras.ops.convert_to_numpy(v)) for v in variables])
    return states


def set_recurrent_states(model: keras.Model, states: list[list[np.ndarray]]) -> None:
    """Write states saved by :func:`get_recurrent_states` back into ``model``.

    Args:
        model: the Keras model the states came from.
        states: what :func:`get_recurrent_states` returned.

    Returns:
        None; the layers' state variables are assigned in place.

    Raises:
        ValueError: ``states`` does not match the model's stateful layers.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit import tbptt
        >>> model = keras.Sequential([keras.Input(batch_shape=(2, 4, 1)),
        ...                           keras.layers.LSTM(3, stateful=True)])
        >>> _ = model(np.ones((2, 4, 1), "float32"))  # advances the state
        >>> saved = tbptt.get_recurrent_states(model)
        >>> tbptt.reset_recurrent_states(model)
        >>> tbptt.set_recurrent_states(model, saved)
        >>> bool(np.abs(tbptt.get_recurrent_states(model)[0][0]).max() > 0)
        True
    """
    layers = [layer for layer in recurrent_layers(model) if layer.stateful]
    if not isinstance(states, (list, tuple)) or len(states) != len(layers):
        count = len(states) if isinstance(states, (list, tuple)) else type(states).__name__
        raise ValueError(
            f"`states` must hold one list per stateful recurrent layer ({len(layers)}). "
            f"Received: {count}. Pass what get_recurrent_states(model) returned."
        )
    for layer, values in zip(layers, states, strict=True):
        variables = layer.states or []
        if len(values) != len(variables):
            raise ValueError(
                f"`states` for layer '{layer.name}' must hold {len(variables)} arrays. "
                f"Received: {len(values)}. Pass what get_recurrent_states(model) returned."
            )
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)


def carry_states(model: keras.Model) -> contextlib.AbstractContextManager[None]:
    """Let Keras's own compiled calls carry ``model``'s recurrent states, on any backend.

    On TensorFlow, ``model.predict_on_batch(chunk)`` advances the state of a stateful
    layer. On JAX it does not: Keras runs a compiled, stateless step that passes through
    only the variables the model tracks, and a stateful layer's state variables are
    untracked, so the state stays at zero and every call starts afresh, with no error.
    Inside this block the state variables are registered with the model, so
    ``predict_on_batch``, ``test_on_batch`` and ``train_on_batch`` carry them there too
    (TensorFlow needs nothing, and nothing changes there). On exit the model is as it
    was: its weights, and what ``model.save`` writes, never include the states.
    :class:`TruncatedBPTTTrainer` uses this for every batch; use it to step a stateful
    model by hand (generating text one character per call, say).

    Args:
        model: a built Keras model with stateful recurrent layers (nested ones too).

    Returns:
        A context manager; enter it once around all the calls of one sequence.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit import tbptt
        >>> model = keras.Sequential([keras.Input(batch_shape=(1, 1, 1)),
        ...                           keras.layers.LSTM(2, stateful=True)])
        >>> with tbptt.carry_states(model):
        ...     first = model.predict_on_batch(np.ones((1, 1, 1), "float32"))
        ...     second = model.predict_on_batch(np.ones((1, 1, 1), "float32"))
        >>> bool(np.abs(keras.ops.convert_to_numpy(second - first)).max() > 0)  # state carried
        True
    """
    model = _check_model(model)
    from lstmkit.tbptt._carry import carried_states  # _carry imports this module

    return carried_states(model)
