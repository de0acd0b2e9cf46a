"""Make a CPU run fail where a GPU run would: masks the fused cuDNN kernel cannot take.

On a GPU, Keras 3 runs `LSTM` and `GRU` on NVIDIA's fused cuDNN kernel, which accepts a
mask only when it is right-padded (real steps first, padding last) with no fully masked
row; any other mask stops `fit`/`predict` with "You are passing a RNN mask that does not
correspond to right-padded sequences". A CPU never runs that kernel, so a notebook that
feeds a left-padded mask, or a `Masking(0.0)` that turns real zeros inside a sequence into
holes, passes every CPU test and then crashes on Colab's T4.

`install()` wraps `keras.layers.LSTM.call` and `keras.layers.GRU.call` with the same
check, for the layers that would take the cuDNN path (default activations, no recurrent
dropout, not unrolled, `use_cudnn` "auto" or True). scripts/test.sh installs it in every
notebook kernel of the nbval run (an IPython start-up file), so every masked model the
notebooks build is checked on the masks they actually feed it. Nothing is printed unless
a mask fails.
"""

from __future__ import annotations

import functools

import keras

MESSAGE = (
    "cuDNN mask guard: this RNN mask is not right-padded (or masks a whole row), so on a "
    "GPU Keras's fused cuDNN kernel would stop with 'You are passing a RNN mask that does "
    "not correspond to right-padded sequences'. Pad with padding='post', mask with an "
    "explicit mask or an out-of-range pad value (not Masking(0.0) over data with real "
    "zeros), or pass use_cudnn=False."
)


def takes_cudnn_path(layer: keras.layers.Layer) -> bool:
    """Whether `layer` (an LSTM or GRU) would run on the fused cuDNN kernel on a GPU."""
    if getattr(layer, "use_cudnn", "auto") not in ("auto", True):
        return False
    cell = getattr(layer, "cell", layer)
    if getattr(cell, "recurrent_dropout", 0) or getattr(layer, "unroll", False):
        return False
    if not getattr(cell, "use_bias", True):
        return False
    if isinstance(layer, keras.layers.GRU) and not getattr(cell, "reset_after", True):
        return False
    return (
        cell.activation is keras.activations.tanh
        and cell.recurrent_activation is keras.activations.sigmoid
    )


def right_padded(mask):
    """A scalar boolean tensor: every row is True* then False*, and no row is all False."""
    mask = keras.ops.cast(mask, "bool")
    counts = keras.ops.sum(keras.ops.cast(mask, "int32"), axis=1)
    steps = keras.ops.arange(keras.ops.shape(mask)[1])
    expected = keras.ops.expand_dims(steps, 0) < keras.ops.expand_dims(counts, 1)
    return keras.ops.logical_and(
        keras.ops.all(keras.ops.equal(mask, expected)), keras.ops.all(counts > 0)
    )


def check(mask) -> None:
    """Fail, eagerly or inside a traced function, when `mask` is not cuDNN-compatible."""
    import tensorflow as tf  # the notebooks' backend; tf.debugging works in graphs too

    tf.debugging.Assert(right_padded(mask), [MESSAGE])


def _guarded(call):
    @functools.wraps(call)
    def wrapper(self, sequences, *args, **kwargs):
        mask = kwargs.get("mask")
        if mask is None and len(args) >= 2:
            mask = args[1]
        if mask is not None and takes_cudnn_path(self):
            check(mask)
        return call(self, sequences, *args, **kwargs)

    wrapper.__cudnn_mask_guard__ = True
    return wrapper


def install() -> None:
    """Wrap LSTM.call and GRU.call with the check (once; later calls change nothing)."""
    for layer_class in (keras.layers.LSTM, keras.layers.GRU):
        if not getattr(layer_class.call, "__cudnn_mask_guard__", False):
            layer_class.call = _guarded(layer_class.call)


def uninstall() -> None:
    """Undo :func:`install` (tests that install it in the test process call this after)."""
    for layer_class in (keras.layers.LSTM, keras.layers.GRU):
        if getattr(layer_class.call, "__cudnn_mask_guard__", False):
            layer_class.call = layer_class.call.__wrapped__
