"""Argument checks shared by every public function and layer in lstmkit.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind,
wrong value) *before* any work is done. Messages follow one pattern so users learn to
read them once:

    `window_length` must be an integer >= 1. Received: window_length=0. <how to fix>

Checks never modify their inputs: array checks return a read-only-safe
``numpy.asarray`` view or a converted copy, never the caller's array changed in place.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_array",
    "check_bool",
    "check_float",
    "check_int",
    "check_option",
    "check_random_state",
    "check_same_length",
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


def _message(name: str, expected: str, value: Any, hint: str) -> str:
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
        raise TypeError(_message(name, expected, value, hint or f"Pass a whole number for `{name}`."))
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if minimum is not None and maximum is not None:
            expected = f"an integer between {minimum} and {maximum}"
        elif minimum is not None:
            expected = f"an integer >= {minimum}"
        else:
            expected = f"an integer <= {maximum}"
        raise ValueError(_message(name, expected, value, hint))
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
        raise TypeError(_message(name, "a number", value, hint or f"Pass a float for `{name}`."))
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
        raise ValueError(_message(name, expected, value, hint))
    return value


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a ``bool`` (or NumPy bool); raise ``TypeError`` otherwise."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(_message(name, "True or False", value, ""))
    return bool(value)


def check_option(value: Any, name: str, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of the allowed strings ``options``."""
    choices = ", ".join(repr(option) for option in options)
    if not isinstance(value, str):
        raise TypeError(_message(name, f"one of the strings {choices}", value, ""))
    if value not in options:
        raise ValueError(_message(name, f"one of {choices}", value, ""))
    return value


def check_array(
    array: Any,
    name: str,
    *,
    ndim: int | Iterable[int] | None = None,
    dtype: Any = None,
    numeric: bool = True,
    allow_nan: bool = False,
    min_length: int = 1,
) -> np.ndarray:
    """Return ``array`` as a NumPy array after checking rank, type, emptiness and NaN.

    Args:
        array: anything ``numpy.asarray`` accepts.
        name: the argument's name, used in messages.
        ndim: the allowed number of dimensions (an int or several).
        dtype: convert to this dtype (a copy only when the dtype differs).
        numeric: require a boolean, integer or floating dtype.
        allow_nan: accept NaN and infinite values.
        min_length: the smallest allowed size of the first axis.

    Returns:
        A NumPy array; the caller's object is never modified.
    """
    if array is None:
        raise TypeError(_message(name, "an array", array, f"Pass a NumPy array for `{name}`."))
    try:
        result = np.asarray(array, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"`{name}` could not be converted to a NumPy array"
            f"{'' if dtype is None else f' of dtype {np.dtype(dtype)}'}: {error}. "
            f"Pass a rectangular array of numbers; for sequences of different lengths, "
            f"pad them first with `lstmkit.pad_sequences`."
        ) from error
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if result.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"`{name}` must be a {wanted} array. Received: {name} with shape "
                f"{result.shape} ({result.ndim}-D). Reshape it, for example with "
                f"`{name}[..., None]` to add a feature axis."
            )
    if numeric and result.dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` must hold numbers. Received: {name} with dtype {result.dtype}. "
            f"Convert it with `np.asarray({name}, dtype='float32')`."
        )
    if result.ndim >= 1 and result.shape[0] < min_length:
        raise ValueError(
            f"`{name}` must have at least {min_length} item(s) along its first axis. "
            f"Received: {name} with shape {result.shape}."
        )
    if result.ndim == 0 and min_length > 0 and ndim is None:
        raise ValueError(f"`{name}` must be an array, not a scalar. {received(**{name: array})}")
    if not allow_nan and result.dtype.kind == "f" and (bad := _count_non_finite(result)):
        raise ValueError(
            f"`{name}` must not contain NaN or infinite values. Received: {name} with "
            f"{bad} non-finite value(s) out of {result.size}. Fill or drop them first, "
            f"for example with `pandas.Series.interpolate()`."
        )
    return result


_FINITE_CHECK_CHUNK = 1 << 16  # elements per chunk: the NaN check's scratch stays small


def _count_non_finite(array: np.ndarray) -> int:
    """Count NaN/inf values chunk by chunk along the first axis.

    ``np.isfinite`` on the whole array would allocate a mask as large as the input; in
    chunks the extra memory stays constant, so validating a long series stays cheap.
    """
    if array.ndim == 0:
        return int(not np.isfinite(array))
    if array.size == 0:
        return 0
    rows = max(1, _FINITE_CHECK_CHUNK // max(1, array[0].size))
    return sum(
        int(part.size - np.count_nonzero(np.isfinite(part)))
        for part in (array[start : start + rows] for start in range(0, len(array), rows))
    )


def check_same_length(first_name: str, first: Any, second_name: str, second: Any) -> None:
    """Raise ``ValueError`` unless two arrays have the same size along their first axis."""
    first_length, second_length = len(first), len(second)
    if first_length != second_length:
        raise ValueError(
            f"`{first_name}` and `{second_name}` must have the same length. Received: "
            f"len({first_name})={first_length}, len({second_name})={second_length}. "
            f"Pass one label (or target) per sample."
        )


def check_random_state(seed: Any, name: str = "seed") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from ``None``, an int or a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    expected = "None, a non-negative integer or a numpy.random.Generator"
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(_message(name, expected, seed, ""))
    if seed < 0:
        raise ValueError(_message(name, expected, seed, "Use a seed >= 0."))
    return np.random.default_rng(int(seed))
