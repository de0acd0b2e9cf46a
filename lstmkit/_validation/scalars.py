"""Checks of scalar arguments (integers, floats, booleans, options, seeds) and the message format.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind,
wrong value) *before* any work is done. Messages follow one pattern so users learn to
read them once:

    `window_length` must be an integer >= 1. Received: window_length=0. <how to fix>

Checks never modify their inputs: array checks return a read-only-safe
``numpy.asarray`` view or a converted copy, never the caller's array changed in place.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_bool",
    "check_float",
    "check_int",
    "check_option",
    "check_random_state",
    "message",
    "received",
]


def received(**values: Any) -> str:
    """Format ``Received: name=value`` the same way everywhere.

    Arrays are summarised by shape and dtype so a message never prints a million numbers.
    """
    parts = []
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            shown = f"array of shape {value.shape} and dtype {value.dtype}"
        elif isinstance(value, str):
            shown = repr(value)
        else:
            text = repr(value)
            shown = text if len(text) <= 80 else text[:77] + "..."
        parts.append(f"{name}={shown}")
    return "Received: " + ", ".join(parts) + "."


def message(name: str, expected: str, value: Any, hint: str) -> str:
    text = f"`{name}` must be {expected}. {received(**{name: value})}"
    return f"{text} {hint}" if hint else text


def check_int(
    value: Any,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    hint: str = "",
) -> int:
    """Return ``value`` as a Python ``int`` after checking its type and range.

    Booleans are rejected (``True`` is an ``int`` in Python, but never a length).
    NumPy integers are accepted.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        expected = "an integer"
        fix = hint or f"Pass a whole number for `{name}`."
        raise TypeError(message(name, expected, value, fix))
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if minimum is not None and maximum is not None:
            expected = f"an integer between {minimum} and {maximum}"
        elif minimum is not None:
            expected = f"an integer >= {minimum}"
        else:
            expected = f"an integer <= {maximum}"
        raise ValueError(message(name, expected, value, hint))
    return value


def check_float(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    include_minimum: bool = True,
    include_maximum: bool = True,
    hint: str = "",
) -> float:
    """Return ``value`` as a finite Python ``float`` within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message(name, "a number", value, hint or f"Pass a float for `{name}`."))
    value = float(value)
    low_ok = minimum is None or (value >= minimum if include_minimum else value > minimum)
    high_ok = maximum is None or (value <= maximum if include_maximum else value < maximum)
    if not np.isfinite(value) or not (low_ok and high_ok):
        bounds = []
        if minimum is not None:
            bounds.append(f"{'>=' if include_minimum else '>'} {minimum}")
        if maximum is not None:
            bounds.append(f"{'<=' if include_maximum else '<'} {maximum}")
        expected = "a finite number" + (" " + " and ".join(bounds) if bounds else "")
        raise ValueError(message(name, expected, value, hint))
    return value


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a ``bool`` (or NumPy bool); raise ``TypeError`` otherwise."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(message(name, "True or False", value, ""))
    return bool(value)


def check_option(value: Any, name: str, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of the allowed strings ``options``."""
    choices = ", ".join(repr(option) for option in options)
    if not isinstance(value, str):
        raise TypeError(message(name, f"one of the strings {choices}", value, ""))
    if value not in options:
        raise ValueError(message(name, f"one of {choices}", value, ""))
    return value


def check_random_state(seed: Any, name: str = "seed") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from ``None``, an int or a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    expected = "None, a non-negative integer or a numpy.random.Generator"
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(message(name, expected, seed, ""))
    if seed < 0:
        raise ValueError(message(name, expected, seed, "Use a seed >= 0."))
    return np.random.default_rng(int(seed))
