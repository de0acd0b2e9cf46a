"""Refuse layer sizes whose weights would not fit in memory, before Keras allocates them."""

from __future__ import annotations

from typing import Any

from lstmkit._validation import check_allocation

__all__ = ["check_weights", "lstm_weights"]


def lstm_weights(inputs: int, units: int) -> int:
    """Weights of one ``keras.layers.LSTM(units)`` reading ``inputs`` features."""
    return 4 * units * (inputs + units + 1)


def check_weights(count: int, *, name: str, value: Any) -> None:
    """``ValueError`` naming ``name`` if ``count`` float32 weights would not fit in memory."""
    check_allocation(
        count, 4, name=name, value=value,
        hint=f"The model's weights would not fit in memory; use a smaller `{name}`.",
    )
