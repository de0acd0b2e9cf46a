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

Chunks start at step 0: chunk 0 holds steps ``0 .. chunk_length - 1``, chunk ``j``
holds ``j * chunk_length .. (j + 1) * chunk_length - 1``, and the last chunk ends at the
last step (it is shorter when the length does not divide; see :func:`chunk_bounds`).

Keras 3 makes this easy to get wrong (``PITFALLS.md``): a stateful model needs a fixed
batch size (``keras.Input(batch_shape=(batch_size, chunk_length, features))``;
``batch_input_shape`` is rejected), ``predict``/``evaluate`` default to batch 32, a
short last batch is silently broadcast by Keras 3.15 and crashes 3.13,
``Model.reset_states()`` is gone (each recurrent layer has ``reset_state()``), and
validation inside ``fit`` runs from, and changes, the training state.
:class:`TruncatedBPTTTrainer` handles all of it with public Keras API only: it runs
``train_on_batch`` / ``test_on_batch`` / ``predict_on_batch`` chunk by chunk, resets
every recurrent layer before each batch of sequences, never shuffles steps, checks the
sample count divides the batch size, and saves and restores the states around
validation.
"""

from __future__ import annotations

import numbers
from typing import Any

import keras
import numpy as np

from lstmkit._validation import (
    check_array,
    check_bool,
    check_int,
    check_option,
    check_random_state,
    check_same_length,
    received,
)

__all__ = [
    "TruncatedBPTTTrainer",
    "chunk_bounds",
    "get_recurrent_states",
    "recurrent_layers",
    "reset_recurrent_states",
    "set_recurrent_states",
]

_LOSS_ON = ("every_chunk", "last_chunk")


def chunk_bounds(sequence_length: int, *, chunk_length: int) -> list[tuple[int, int]]:
    """Return the ``(start, stop)`` steps of each chunk of a sequence, in reading order.

    Use it to see which steps land in which chunk. Chunks start at step 0 and each
    holds ``chunk_length`` steps; when the length does not divide, the *last* chunk
    holds the remainder (``sequence_length % chunk_length`` steps).

    Args:
        sequence_length: steps per sequence, >= 1.
        chunk_length: steps per chunk, between 1 and ``sequence_length``.

    Returns:
        A list of ``ceil(sequence_length / chunk_length)`` pairs; chunk ``j`` covers
        ``range(start, stop)``.

    Example:
        >>> from lstmkit import tbptt
        >>> tbptt.chunk_bounds(10, chunk_length=4)
        [(0, 4), (4, 8), (8, 10)]
        >>> bounds = tbptt.chunk_bounds(50_000, chunk_length=100)
        >>> len(bounds), bounds[0], bounds[-1]
        (500, (0, 100), (49900, 50000))
    """
    sequence_length = check_int(sequence_length, "sequence_length", minimum=1)
    chunk_length = check_int(
        chunk_length, "chunk_length", minimum=1, maximum=sequence_length,
        hint=f"A chunk cannot be longer than the sequence of {sequence_length} steps.",
    )
    return [
        (start, min(start + chunk_length, sequence_length))
        for start in range(0, sequence_length, chunk_length)
    ]


def _check_model(model: Any) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be a keras.Model. Received: model of type {type(model).__name__}. "
            "Build one with keras.Sequential or the functional API."
        )
    return model


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
        if isinstance(layer, keras.layers.Bidirectional):
            visit(layer.forward_layer)
            visit(layer.backward_layer)
            return
        inner = getattr(layer, "layer", None)  # TimeDistributed and other wrappers
        if isinstance(inner, keras.layers.Layer):
            visit(inner)
        for child in getattr(layer, "layers", []) if isinstance(layer, keras.Model) else []:
            visit(child)

    for layer in model.layers:
        visit(layer)
    return found


def reset_recurrent_states(model: keras.Model) -> None:
    """Zero the state of every stateful recurrent layer of ``model``.

    The Keras 3 replacement for ``model.reset_states()``: call it before feeding the
    first chunk of new sequences, so no state leaks from one sequence to the next.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit import tbptt
        >>> model = keras.Sequential([keras.Input(batch_shape=(2, 4, 1)),
        ...                           keras.layers.LSTM(3, stateful=True)])
        >>> _ = model.predict_on_batch(np.ones((2, 4, 1), "float32"))
        >>> tbptt.reset_recurrent_states(model)
        >>> float(np.abs(tbptt.get_recurrent_states(model)[0][0]).max())
        0.0
    """
    for layer in recurrent_layers(model):
        if layer.stateful:
            layer.reset_state()


def get_recurrent_states(model: keras.Model) -> list[list[np.ndarray]]:
    """Return a copy of the state of every stateful recurrent layer, as NumPy arrays.

    One list per stateful layer (for an LSTM: ``[h, c]``, each ``(batch_size, units)``);
    an empty list for a layer that has not run yet. Pair it with
    :func:`set_recurrent_states` to evaluate without disturbing training.
    """
    states = []
    for layer in recurrent_layers(model):
        if layer.stateful:
            variables = layer.states or []
            states.append([np.array(keras.ops.convert_to_numpy(v)) for v in variables])
    return states


def set_recurrent_states(model: keras.Model, states: list[list[np.ndarray]]) -> None:
    """Write states saved by :func:`get_recurrent_states` back into ``model``.

    Raises:
        ValueError: ``states`` does not match the model's stateful layers.
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


class TruncatedBPTTTrainer:
    """Train, evaluate and predict a stateful recurrent model chunk by chunk (TBPTT).

    Use it when sequences are too long to backpropagate through in one piece. Build
    the model for *one chunk* with a fixed batch size and ``stateful=True`` recurrent
    layers::

        inputs = keras.Input(batch_shape=(batch_size, chunk_length, features))
        hidden = keras.layers.LSTM(32, stateful=True)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(num_classes)(hidden))
        model.compile(...)

    Each batch of ``batch_size`` whole sequences is cut into chunks (see
    :func:`chunk_bounds`); the recurrent layers are reset, then the chunks are fed in
    order, so the state carries across the whole sequence while the gradient stops at
    every chunk border (the module docstring explains the two lengths). Steps are
    never shuffled; with ``shuffle_sequences=True`` only the order of whole sequences
    changes between epochs.

    Two kinds of targets, told apart by the model's output:

    * **One target per sequence** (classification, regression): the model outputs
      ``(batch_size, ...)`` without a time axis and ``y`` holds one target per
      sequence. With ``loss_on="last_chunk"`` only the last chunk is trained (earlier
      chunks only advance the state): the gradient never reaches anything read more
      than one chunk before the end. With ``loss_on="every_chunk"`` (the default)
      every chunk is trained to predict the sequence's target from the state so far,
      so each chunk learns to *keep* what earlier chunks stored.
    * **One target per step** (labelling, forecasting): the model returns sequences,
      ``(batch_size, chunk_length, ...)``, and ``y`` has shape
      ``(num_samples, sequence_length, ...)``; every chunk is trained on its own steps.

    Validation (``validation_data`` in :meth:`fit`), :meth:`evaluate` and
    :meth:`predict` run chunk by chunk with the same batch size; the training states
    are saved before and restored after, so validation never disturbs training.

    Args:
        model: a compiled ``keras.Model`` with one input of fixed batch size and
            ``stateful=True`` recurrent layers (``compile`` is needed for ``fit`` and
            ``evaluate`` only).
        chunk_length: steps per chunk. ``None`` takes it from the model's input
            (``batch_shape[1]``). A model whose time axis is ``None`` accepts a shorter
            last chunk; one with a fixed time axis needs lengths that divide.
        loss_on: ``"every_chunk"`` or ``"last_chunk"``, for one target per sequence.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit import tbptt
        >>> keras.utils.set_random_seed(0)
        >>> model = keras.Sequential([keras.Input(batch_shape=(4, 10, 1)),
        ...                           keras.layers.LSTM(8, stateful=True),
        ...                           keras.layers.Dense(1)])
        >>> model.compile("adam", "mse")
        >>> x = np.random.default_rng(0).normal(size=(8, 50, 1)).astype("float32")
        >>> y = x[:, :10, 0].mean(axis=1)  # the target depends on the first chunk
        >>> trainer = tbptt.TruncatedBPTTTrainer(model)
        >>> history = trainer.fit(x, y, epochs=2)
        >>> sorted(history), len(history["loss"])
        (['chunk_loss', 'loss'], 2)
        >>> trainer.predict(x).shape  # one prediction per sequence, after 5 chunks
        (8, 1)
    """

    def __init__(
        self, model: keras.Model, *, chunk_length: int | None = None, loss_on: str = "every_chunk"
    ) -> None:
        model = _check_model(model)
        if len(model.inputs or []) != 1 or len(model.outputs or []) != 1:
            raise ValueError(
                "`model` must have exactly one input and one output. Received: "
                f"{len(model.inputs or [])} input(s), {len(model.outputs or [])} output(s). "
                "Concatenate several inputs into one feature axis."
            )
        input_shape = tuple(model.inputs[0].shape)
        if len(input_shape) < 2 or input_shape[0] is None:
            raise ValueError(
                "`model` must have a fixed batch size for stateful training. Received: "
                f"input shape {input_shape}. Build it with "
                "keras.Input(batch_shape=(batch_size, chunk_length, features)) "
                "(Keras 3 rejects `batch_input_shape`)."
            )
        layers = recurrent_layers(model)
        if not layers:
            raise ValueError(
                "`model` must contain a recurrent layer (LSTM, GRU, SimpleRNN or RNN). "
                f"Received: a model with layers {[layer.name for layer in model.layers]}."
            )
        not_stateful = [layer.name for layer in layers if not layer.stateful]
        if not_stateful:
            raise ValueError(
                "Every recurrent layer of `model` must be built with stateful=True, or "
                f"its state is not carried from chunk to chunk. Received: {not_stateful} "
                "with stateful=False. Rebuild them with stateful=True."
            )
        model_chunk_length = input_shape[1]
        if chunk_length is None:
            if model_chunk_length is None:
                raise ValueError(
                    "`chunk_length` must be given when the model's time axis is None. "
                    f"Received: chunk_length=None, input shape {input_shape}. Pass "
                    "chunk_length=100, for example."
                )
            chunk_length = model_chunk_length
        chunk_length = check_int(chunk_length, "chunk_length", minimum=1)
        if model_chunk_length is not None and chunk_length != model_chunk_length:
            raise ValueError(
                "`chunk_length` must equal the model's time axis when that is fixed. "
                f"{received(chunk_length=chunk_length)} The model's input shape is "
                f"{input_shape}. Pass chunk_length={model_chunk_length} or leave it None."
            )
        self.loss_on = check_option(loss_on, "loss_on", _LOSS_ON)
        output_shape = tuple(model.outputs[0].shape)
        self.per_step = len(output_shape) >= 3 and output_shape[1] == model_chunk_length
        if self.per_step and self.loss_on == "last_chunk":
            raise ValueError(
                "`loss_on` must be 'every_chunk' for a model with one output per step "
                f"(output shape {output_shape}). {received(loss_on=loss_on)} Every chunk "
                "has its own targets; use loss_on='every_chunk'."
            )
        self.model = model
        self.batch_size = int(input_shape[0])
        self.chunk_length = chunk_length
        self.fixed_chunk_length = model_chunk_length is not None
        self._input_shape = input_shape

    # ------------------------------------------------------------------ checks
    def _check_inputs(self, x: Any, name: str = "x") -> np.ndarray:
        x = check_array(x, name, ndim=len(self._input_shape))
        expected = self._input_shape[2:]
        if any(want is not None and want != got for want, got in zip(expected, x.shape[2:], strict=True)):
            raise ValueError(
                f"`{name}` must have shape (num_samples, sequence_length, *{expected}) to "
                f"match the model's input. Received: {name} with shape {x.shape}."
            )
        num_samples, sequence_length = x.shape[0], x.shape[1]
        if num_samples % self.batch_size:
            keep = num_samples - num_samples % self.batch_size
            pad = self.batch_size - num_samples % self.batch_size
            drop = f"Drop {num_samples - keep} ({name}[:{keep}]), or pad" if keep else "Pad"
            raise ValueError(
                f"The number of sequences in `{name}` must be a multiple of the model's "
                f"batch size {self.batch_size}: a stateful model cannot take a short last "
                f"batch (Keras 3.15 silently broadcasts it, 3.13 crashes). Received: "
                f"{num_samples} sequences. {drop} with {pad} more (for example repeated "
                f"sequences), or rebuild the model with a batch size that divides {num_samples}."
            )
        if sequence_length < self.chunk_length:
            raise ValueError(
                f"`{name}` must have at least chunk_length={self.chunk_length} steps. "
                f"Received: {name} with shape {x.shape}. Use a shorter chunk_length."
            )
        if self.fixed_chunk_length and sequence_length % self.chunk_length:
            extra = sequence_length % self.chunk_length
            raise ValueError(
                f"The length of `{name}` must be a multiple of chunk_length="
                f"{self.chunk_length} for a model with a fixed time axis. Received: "
                f"{name} with shape {x.shape} ({extra} steps left over). Drop the first "
                f"{extra} steps ({name}[:, {extra}:]), or build the model with "
                "keras.Input(batch_shape=(batch_size, None, features)) to accept a "
                "shorter last chunk."
            )
        return x

    def _check_targets(self, x: np.ndarray, y: Any, name: str = "y") -> np.ndarray:
        y = check_array(y, name)
        check_same_length("x" if name == "y" else "x_val", x, name, y)
        if self.per_step and (y.ndim < 2 or y.shape[1] != x.shape[1]):
            raise ValueError(
                f"`{name}` must hold one target per step, shape (num_samples, "
                f"sequence_length, ...), because the model returns sequences. Received: "
                f"{name} with shape {y.shape} for x with shape {x.shape}."
            )
        return y

    def _check_compiled(self) -> None:
        if getattr(self.model, "optimizer", None) is None:
            raise ValueError(
                "`model` must be compiled before fit or evaluate. Call "
                "model.compile(optimizer, loss, metrics=...) first."
            )

    # ------------------------------------------------------------------ loops
    def _batches(self, num_samples: int, order: np.ndarray | None = None):
        """Yield the rows of each batch: a slice (no copy) in order, else index arrays."""
        for start in range(0, num_samples, self.batch_size):
            if order is None:
                yield slice(start, start + self.batch_size)
            else:
                yield order[start : start + self.batch_size]

    def _run_batch(self, x: np.ndarray, y: np.ndarray | None, rows: Any, mode: str):
        """Feed one batch of whole sequences chunk by chunk; return logs or outputs.

        Only one chunk is copied at a time, so memory does not grow with the length.
        """
        reset_recurrent_states(self.model)
        bounds = chunk_bounds(x.shape[1], chunk_length=self.chunk_length)
        y_batch = None if y is None or self.per_step else y[rows]
        logs, weights, outputs = [], [], []
        for index, (start, stop) in enumerate(bounds):
            x_chunk = np.ascontiguousarray(x[rows, start:stop])
            last = index == len(bounds) - 1
            if mode == "predict":
                output = self.model.predict_on_batch(x_chunk)
                if self.per_step or last:
                    outputs.append(np.asarray(output))
                continue
            trained = self.per_step or last or (mode == "train" and self.loss_on == "every_chunk")
            if not trained:
                self.model.predict_on_batch(x_chunk)  # only advances the state
                continue
            y_chunk = np.ascontiguousarray(y[rows, start:stop]) if self.per_step else y_batch
            # Keras 3.13 accumulates metrics across *_on_batch calls (3.15 resets them):
            # reset so each call reports its own chunk on both.
            self.model.reset_metrics()
            if mode == "train":
                log = self.model.train_on_batch(x_chunk, y_chunk, return_dict=True)
            else:
                log = self.model.test_on_batch(x_chunk, y_chunk, return_dict=True)
            logs.append({key: float(value) for key, value in log.items()})
            weights.append(stop - start)
        if mode == "predict":
            return np.concatenate(outputs, axis=1) if self.per_step else outputs[-1]
        return logs, weights

    def _summarize(self, logs: list[dict[str, float]], weights: list[int]) -> dict[str, float]:
        """Average per-chunk logs: over all steps (per step) or the last chunk (per sequence)."""
        if self.per_step:
            total = float(sum(weights))
            return {
                key: sum(log[key] * weight for log, weight in zip(logs, weights, strict=True)) / total
                for key in logs[0]
            }
        return dict(logs[-1])

    def fit(
        self,
        x: Any,
        y: Any,
        *,
        epochs: int = 1,
        validation_data: tuple[Any, Any] | None = None,
        shuffle_sequences: bool = True,
        seed: Any = None,
        verbose: int = 0,
    ) -> dict[str, list[float]]:
        """Train with truncated BPTT; return the per-epoch history.

        Args:
            x: ``(num_samples, sequence_length, features)`` inputs (or
                ``(num_samples, sequence_length)`` for a model that takes 2-D input,
                such as one starting with ``Embedding``); ``num_samples`` must be a
                multiple of the model's batch size.
            y: one target per sequence, or ``(num_samples, sequence_length, ...)``
                targets for a model that returns sequences.
            epochs: passes over the data, >= 1.
            validation_data: optional ``(x_val, y_val)`` evaluated after each epoch
                with :meth:`evaluate` (training states saved and restored around it).
            shuffle_sequences: change the order of whole sequences between epochs
                (steps inside a sequence are never shuffled).
            seed: seed for that order: an int or a NumPy Generator for a repeatable
                order; ``None`` draws a fresh order on every call (``set_seed`` does not
                reach it).
            verbose: 0 silent, 1 or 2 one line per epoch.

        Returns:
            A History-like dict of lists, one value per epoch: ``loss`` and each
            compiled metric, as averaged over batches. For one target per sequence
            these are measured on the last chunk (the prediction that counts), and
            with ``loss_on="every_chunk"`` ``chunk_loss`` is the mean loss over all
            chunks. For targets per step they are averaged over all steps. With
            validation data, ``val_`` keys follow.
        """
        self._check_compiled()
        x = self._check_inputs(x)
        y = self._check_targets(x, y)
        epochs = check_int(epochs, "epochs", minimum=1)
        shuffle_sequences = check_bool(shuffle_sequences, "shuffle_sequences")
        if isinstance(verbose, bool) or not isinstance(verbose, numbers.Integral):
            raise TypeError(f"`verbose` must be 0, 1 or 2. {received(verbose=verbose)}")
        rng = check_random_state(seed)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError(
                    "`validation_data` must be a pair (x_val, y_val). Received: "
                    f"{type(validation_data).__name__}."
                )
            x_val = self._check_inputs(validation_data[0], "x_val")
            y_val = self._check_targets(x_val, validation_data[1], "y_val")
        history: dict[str, list[float]] = {}
        for epoch in range(epochs):
            order = rng.permutation(len(x)) if shuffle_sequences else None
            summaries, chunk_losses = [], []
            for rows in self._batches(len(x), order):
                logs, weights = self._run_batch(x, y, rows, "train")
                summaries.append(self._summarize(logs, weights))
                chunk_losses.append(float(np.mean([log["loss"] for log in logs])))
            epoch_logs = {key: float(np.mean([s[key] for s in summaries])) for key in summaries[0]}
            if not self.per_step and self.loss_on == "every_chunk":
                epoch_logs["chunk_loss"] = float(np.mean(chunk_losses))
            if validation_data is not None:
                validation = self.evaluate(x_val, y_val)
                epoch_logs.update({f"val_{key}": value for key, value in validation.items()})
            for key, value in epoch_logs.items():
                history.setdefault(key, []).append(value)
            if verbose:
                shown = " - ".join(f"{key}: {value:.4f}" for key, value in epoch_logs.items())
                print(f"Epoch {epoch + 1}/{epochs} - {shown}")
        self.history = history
        return history

    def evaluate(self, x: Any, y: Any) -> dict[str, float]:
        """Return the compiled loss and metrics, running each sequence chunk by chunk.

        The states that training left are saved first and restored after, so this can
        be called at any point of training. For one target per sequence the figures
        come from the last chunk's prediction; for targets per step from every step.

        Returns:
            ``{"loss": ..., "<metric>": ...}`` averaged over batches.
        """
        self._check_compiled()
        x = self._check_inputs(x)
        y = self._check_targets(x, y)
        saved = get_recurrent_states(self.model)
        try:
            summaries = []
            for rows in self._batches(len(x)):
                logs, weights = self._run_batch(x, y, rows, "test")
                summaries.append(self._summarize(logs, weights))
        finally:
            if all(saved):
                set_recurrent_states(self.model, saved)
        return {key: float(np.mean([s[key] for s in summaries])) for key in summaries[0]}

    def predict(self, x: Any) -> np.ndarray:
        """Return the model's outputs, running each sequence chunk by chunk.

        Returns:
            For one target per sequence, the outputs after the last chunk,
            ``(num_samples, ...)``; for a model that returns sequences, the outputs of
            every step, ``(num_samples, sequence_length, ...)``. Training states are
            restored afterwards.
        """
        x = self._check_inputs(x)
        saved = get_recurrent_states(self.model)
        try:
            outputs = [self._run_batch(x, None, rows, "predict") for rows in self._batches(len(x))]
        finally:
            if all(saved):
                set_recurrent_states(self.model, saved)
        return np.concatenate(outputs, axis=0)
