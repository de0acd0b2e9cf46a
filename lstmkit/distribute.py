"""Data-parallel training on one machine with Keras's own TensorFlow engine.

``tf.distribute.MirroredStrategy`` copies the model to every device, splits each global
batch between them, and averages the gradients before one shared update: with plain SGD
and the same global batch, a fit on two devices ends with the weights of a fit on one
(``tests/distribute`` checks it to 1e-5). What works and what does not, in Keras 3:

- **MirroredStrategy** (one machine, several GPUs, or CPU devices for a try):
  works for models without state. Build and compile the model inside
  ``strategy.scope()``; ``fit`` splits the batch itself.
- **Stateful recurrent layers** (``stateful=True``, and so
  :class:`lstmkit.tbptt.TruncatedBPTTTrainer`): not supported. Each device sees part of
  the batch, but the state holds one row per sequence of the *whole* batch, so Keras
  fails with a batch-size mismatch deep inside the layer; splitting the state by device
  is not something Keras 3 does. :func:`check_distributable` refuses such a model
  before training, and :func:`check_no_strategy` lets a stateful trainer refuse to run
  under a strategy. Train them on one device (one GPU holds the whole batch in one
  program), or cut the sequences into stateless windows (:mod:`lstmkit.windowing`).
- **MultiWorkerMirroredStrategy** (several machines): broken with Keras 3 (Keras issue
  20585, TensorFlow issue 72388). Scale a *search* over machines instead
  (:mod:`lstmkit.tuning.workers`) and train each model on one machine.
- ``keras.distribution.DataParallel`` is Keras's own multi-device API, but only on the
  JAX backend. :func:`split_cpu` and :func:`mirrored_strategy` need the TensorFlow
  backend and say so on any other; :func:`check_distributable` and
  :func:`check_no_strategy` work on every backend.
"""

from __future__ import annotations

from typing import Any

import keras

from lstmkit._validation import check_int, received

__all__ = ["check_distributable", "check_no_strategy", "mirrored_strategy", "split_cpu"]


def _require_tensorflow(name: str) -> None:
    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise RuntimeError(
            f"{name} builds a tf.distribute strategy, which needs Keras's TensorFlow "
            f"backend. Received: backend {backend!r}. Set KERAS_BACKEND=tensorflow before "
            "importing keras, or use keras.distribution.DataParallel on JAX."
        )


def split_cpu(num_devices: int) -> list[str]:
    """Make TensorFlow show the CPU as ``num_devices`` logical devices; return their names.

    Use it to try data parallelism without GPUs (tests, notebooks). It must run before
    TensorFlow starts using devices, so call it first thing in a fresh process: a
    notebook's kernel that has already trained a model has to be restarted.

    Args:
        num_devices: logical CPU devices wanted, >= 1.

    Returns:
        The device names, ``["/cpu:0", "/cpu:1", ...]``.

    Raises:
        RuntimeError: TensorFlow was already initialised with another number of devices,
            or Keras runs on another backend.
    """
    _require_tensorflow("split_cpu")
    import tensorflow as tf

    num_devices = check_int(num_devices, "num_devices", minimum=1)
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(num_devices)]
        )
    except RuntimeError as error:
        existing = len(tf.config.list_logical_devices("CPU"))
        if existing != num_devices:
            raise RuntimeError(
                f"`split_cpu` must run before TensorFlow is initialised; it already shows "
                f"{existing} CPU device(s), not num_devices={num_devices}. Call it first "
                f"in a fresh process (restart the notebook's kernel)."
            ) from error
    return [f"/cpu:{index}" for index in range(num_devices)]


def mirrored_strategy(devices: list[str] | None = None) -> Any:
    """A ``tf.distribute.MirroredStrategy`` over ``devices`` (None: every GPU, else the CPU).

    Example:
        >>> strategy = mirrored_strategy(["/cpu:0"])
        >>> strategy.num_replicas_in_sync
        1
    """
    _require_tensorflow("mirrored_strategy")
    import tensorflow as tf

    if devices is not None and (
        not isinstance(devices, (list, tuple)) or not devices
        or not all(isinstance(device, str) for device in devices)
    ):
        raise ValueError(
            f"`devices` must be a non-empty list of device names or None. "
            f"{received(devices=devices)} For example ['/gpu:0', '/gpu:1']."
        )
    # On CPUs NCCL is missing: reduce through one device, which needs no extra library.
    cross = None
    if devices is not None and all("cpu" in device.lower() for device in devices):
        cross = tf.distribute.ReductionToOneDevice()
    return tf.distribute.MirroredStrategy(devices, cross_device_ops=cross)


def _stateful_layers(model: keras.Model) -> list[str]:
    from lstmkit.tbptt.recurrent_state import recurrent_layers

    return [layer.name for layer in recurrent_layers(model) if layer.stateful]


def check_distributable(model: Any) -> Any:
    """Return ``model`` if data-parallel training can train it; raise if it cannot.

    Call it on a model before fitting it under a ``tf.distribute`` strategy. A model with
    a stateful recurrent layer is refused with the reason and what to do instead, rather
    than the batch-size mismatch Keras raises from inside the layer.

    Args:
        model: a ``keras.Model``.

    Returns:
        ``model`` itself.

    Raises:
        TypeError: ``model`` is not a ``keras.Model``.
        ValueError: it has stateful recurrent layers.

    Example:
        >>> model = keras.Sequential([keras.Input((5, 1), batch_size=4),
        ...                           keras.layers.LSTM(3, stateful=True)])
        >>> check_distributable(model)
        Traceback (most recent call last):
        ...
        ValueError: `model` must have no stateful recurrent layer to be trained data-parallel...
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be a keras.Model. Received: model of type {type(model).__name__}."
        )
    stateful = _stateful_layers(model)
    if stateful:
        raise ValueError(
            f"`model` must have no stateful recurrent layer to be trained data-parallel. "
            f"Received: model with stateful layer(s) {stateful}. Each device sees only part "
            f"of every batch, while a stateful layer keeps one state row per sequence of "
            f"the whole batch, which Keras 3 does not split between devices. Train it on "
            f"one device (one GPU holds the whole batch), or train a stateless model on "
            f"windows (lstmkit.windowing) data-parallel instead."
        )
    return model


def check_no_strategy(name: str = "This trainer") -> None:
    """Raise ``RuntimeError`` when called inside a ``tf.distribute`` strategy's scope.

    For code that trains stateful recurrent models (truncated BPTT): call it before
    training so a strategy set up around it fails at once, with the reason.

    Example:
        >>> check_no_strategy("TruncatedBPTTTrainer.fit")  # no strategy: nothing happens
    """
    if keras.backend.backend() != "tensorflow":
        return  # tf.distribute strategies exist on the TensorFlow backend only
    import tensorflow as tf

    if tf.distribute.has_strategy():
        strategy = type(tf.distribute.get_strategy()).__name__
        raise RuntimeError(
            f"{name} cannot run inside a {strategy} scope: it trains stateful recurrent "
            f"layers, whose state holds one row per sequence of the whole batch, and under "
            f"a tf.distribute strategy each device sees only part of the batch. Train it "
            f"outside the strategy's scope, on one device."
        )
