"""Checks of array arguments: rank, dtype, emptiness, NaN, matching lengths, masks, sizes."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from lstmkit._validation.scalars import message, received

__all__ = ["check_allocation", "check_array", "check_mask", "check_same_length"]


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
        raise TypeError(message(name, "an array", array, f"Pass a NumPy array for `{name}`."))
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




_FALLBACK_MEMORY_BYTES = 8 * 1024**3  # when the platform cannot report its memory


def available_memory_bytes() -> int:
    """Physical memory this process could still use (an upper bound for one allocation).

    ``LSTMKIT_MAX_ALLOCATION_BYTES`` overrides it (for tests, or a container whose limit
    the platform does not report); otherwise it is the machine's available physical
    memory, or 8 GiB where that cannot be read.
    """
    override = os.environ.get("LSTMKIT_MAX_ALLOCATION_BYTES")
    if override:
        return int(override)
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return _FALLBACK_MEMORY_BYTES


def _format_bytes(num_bytes: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if abs(num_bytes) < 1024 or unit == "TiB":
            return f"{num_bytes:,.0f} {unit}" if unit == "bytes" else f"{num_bytes:,.1f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:,.1f} PiB"  # pragma: no cover


def check_allocation(
    num_items: int | float, item_bytes: int, *, name: str, value: Any, hint: str = ""
) -> None:
    """Raise ``ValueError`` *before* allocating if a result would not fit in memory.

    Args:
        num_items: how many elements the result would hold (a Python int: no overflow).
        item_bytes: bytes per element (``np.dtype(...).itemsize``).
        name: the argument that decides the size, named in the message.
        value: that argument's value.
        hint: how to fix it (a smaller value, a stride, a generator instead of an array).

    Example:
        >>> check_allocation(10**12, 4, name="length", value=10**12)
        Traceback (most recent call last):
        ...
        ValueError: `length` would make a result of 3.6 TiB (1,000,000,000,000 elements ...
    """
    needed = int(num_items) * int(item_bytes)
    limit = available_memory_bytes()
    if needed > limit:
        raise ValueError(
            f"`{name}` would make a result of {_format_bytes(needed)} ({int(num_items):,} "
            f"elements of {item_bytes} bytes), more than the {_format_bytes(limit)} of memory "
            f"available. {received(**{name: value})} {hint or f'Use a smaller `{name}`.'}"
        )


def check_mask(mask: Any, name: str = "mask") -> np.ndarray:
    """Return ``mask`` as a 2-D boolean array; raise unless it holds booleans or 0 and 1.

    Args:
        mask: ``(num_sequences, steps)`` booleans, or numbers that are all 0 or 1.
        name: the argument's name, used in messages.

    Returns:
        A ``(num_sequences, steps)`` boolean array (a new one when ``mask`` was numeric).

    Example:
        >>> from lstmkit.padding import check_mask
        >>> check_mask([[1, 0]])
        array([[ True, False]])
        >>> check_mask([[0.5, 1.0]])
        Traceback (most recent call last):
        ...
        ValueError: `mask` must hold booleans (or 0 and 1). Received: mask with values ...
    """
    mask = check_array(mask, name, ndim=2)
    if mask.dtype.kind == "b":
        return mask
    bad = ~np.isin(mask, (0, 1))
    if bad.any():
        raise ValueError(
            f"`{name}` must hold booleans (or 0 and 1). Received: {name} with values other "
            f"than 0 and 1, such as {mask[bad].flat[0].item()!r}, at {int(bad.sum())} "
            f"position(s). "
            f"Build it with `mask_from_lengths`, or threshold it (`{name} > 0.5`)."
        )
    return mask.astype(bool)
