"""A masked LSTM over token ids: the baseline text classifier of the series."""

from __future__ import annotations

import keras

from lstmkit._validation import check_int
from lstmkit.models._sizes import check_weights, lstm_weights

__all__ = ["build_text_classifier"]


def build_text_classifier(
    vocabulary_size: int, num_classes: int, *, embedding_dim: int = 32, units: int = 32
) -> keras.Sequential:
    """``Embedding(mask_zero=True) -> LSTM -> Dense(softmax)`` over right-padded token ids.

    Token id 0 is padding: the embedding masks it, so the LSTM stops at each document's
    last real token whatever the padding. The model is returned uncompiled (for example
    for :func:`lstmkit.training.fit_and_score`).

    Args:
        vocabulary_size: token ids run from 0 (padding) to ``vocabulary_size - 1``.
        num_classes: classes to predict (a softmax output), >= 2.
        embedding_dim: size of each token's vector.
        units: LSTM units.

    Returns:
        An uncompiled ``keras.Sequential`` taking ``(batch, steps)`` int token ids.

    Example:
        >>> import numpy as np
        >>> from lstmkit.models import build_text_classifier
        >>> model = build_text_classifier(1_000, 5)
        >>> model.count_params()  # 1,000 x 32 embedding, LSTM(32) on 32, Dense(5)
        40485
        >>> tokens = np.array([[4, 8, 15, 0, 0], [16, 23, 42, 7, 9]])
        >>> model.predict(tokens, verbose=0).shape
        (2, 5)
    """
    vocabulary_size = check_int(vocabulary_size, "vocabulary_size", minimum=2,
                                hint="Token ids run from 0 (padding) to vocabulary_size - 1.")
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    embedding_dim = check_int(embedding_dim, "embedding_dim", minimum=1)
    units = check_int(units, "units", minimum=1)
    check_weights(vocabulary_size * embedding_dim, name="vocabulary_size",
                  value=vocabulary_size)
    check_weights(lstm_weights(embedding_dim, units), name="units", value=units)
    check_weights((units + 1) * num_classes, name="num_classes", value=num_classes)
    return keras.Sequential([
        keras.Input((None,), dtype="int64"),
        keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
        keras.layers.LSTM(units),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])
