"""Learned front-ends that shorten a long sequence before an LSTM reads it."""

from __future__ import annotations

import keras

from lstmkit._validation import check_float, check_int

__all__ = ["make_strided_frontend"]


def make_strided_frontend(
    *,
    filters: int = 32,
    kernel_size: int = 8,
    strides: int = 4,
    pool_size: int = 4,
    num_blocks: int = 1,
    momentum: float = 0.9,
    name: str = "strided_frontend",
) -> keras.Sequential:
    """Return a small learned front-end that shortens a sequence before an LSTM.

    Each block is ``Conv1D(filters, kernel_size, strides, padding="same")`` →
    ``BatchNormalization(momentum)`` → ReLU → ``MaxPooling1D(pool_size)``, so one block
    divides the length by ``strides * pool_size`` (16 by default: 1,460 steps become
    91). Unlike fixed pooling, the convolution learns *which* local shapes to keep, so
    short events survive the shortening. It does not pass masks on: use it on
    unpadded, equal-length input.

    Batch normalization uses batch statistics in training and running averages at
    inference. Keras's default momentum (0.99) makes those averages follow the training
    statistics over hundreds of steps; on a small data set (a few steps per epoch) they
    still lag at the end of training and inference sees badly scaled activations. The
    default here, 0.9, forgets in tens of steps; raise it towards 0.99 only for large
    data sets with many steps per epoch.

    Args:
        filters: output channels of each convolution.
        kernel_size: steps each convolution sees.
        strides: convolution stride (the first shortening factor).
        pool_size: max-pooling window and stride (the second factor); 1 for none.
        num_blocks: how many blocks to stack, 1-4.
        momentum: the batch normalization momentum, in ``[0, 1)``: the weight of the
            old running statistics at each training step.
        name: the Keras name of the returned block.

    Returns:
        A ``keras.Sequential`` mapping ``(batch, T, C)`` to
        ``(batch, ceil(T / strides) // pool_size, filters)`` per block.

    Example:
        >>> import numpy as np
        >>> from lstmkit.models import make_strided_frontend
        >>> frontend = make_strided_frontend(filters=8)
        >>> tuple(frontend(np.zeros((2, 1460, 1), "float32")).shape)
        (2, 91, 8)
    """
    filters = check_int(filters, "filters", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    strides = check_int(strides, "strides", minimum=1)
    pool_size = check_int(pool_size, "pool_size", minimum=1)
    num_blocks = check_int(num_blocks, "num_blocks", minimum=1, maximum=4)
    momentum = check_float(
        momentum, "momentum", minimum=0.0, maximum=1.0, include_maximum=False,
        hint="0.9 suits small data sets; 0.99 (Keras's default) needs many steps per epoch.",
    )
    if not isinstance(name, str) or not name:
        raise TypeError(f"`name` must be a non-empty string. Received: name={name!r}.")
    layers = []
    for index in range(num_blocks):
        layers += [
            keras.layers.Conv1D(
                filters, kernel_size, strides=strides, padding="same", name=f"conv_{index}"
            ),
            keras.layers.BatchNormalization(momentum=momentum, name=f"norm_{index}"),
            keras.layers.Activation("relu", name=f"relu_{index}"),
        ]
        if pool_size > 1:
            layers.append(keras.layers.MaxPooling1D(pool_size, name=f"pool_{index}"))
    return keras.Sequential(layers, name=name)
