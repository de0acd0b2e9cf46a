"""Argument checks shared by every public function and layer in lstmkit.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind,
wrong value) *before* any work is done. Messages follow one pattern so users learn to
read them once:

    `window_length` must be an integer >= 1. Received: window_length=0. <how to fix>

Checks never modify their inputs: array checks return a ``numpy.asarray`` view or a
converted copy, never the caller's array changed in place. Functions that allocate from
user-given sizes call :func:`check_allocation` first, so an impossible size is a
``ValueError`` naming the argument rather than a ``MemoryError`` or a hang.
"""

from lstmkit._validation.arrays import (
    available_memory_bytes,
    check_allocation,
    check_array,
    check_mask,
    check_same_length,
)
from lstmkit._validation.imports import import_optional
from lstmkit._validation.scalars import (
    check_bool,
    check_float,
    check_int,
    check_option,
    check_random_state,
    message,
    received,
)
from lstmkit._validation.sequences import check_labels, check_lengths, check_sequences, is_ragged

__all__ = [
    "available_memory_bytes",
    "check_allocation",
    "check_array",
    "check_bool",
    "check_float",
    "check_int",
    "check_labels",
    "check_mask",
    "check_lengths",
    "check_option",
    "check_random_state",
    "check_same_length",
    "check_sequences",
    "import_optional",
    "is_ragged",
    "message",
    "received",
]
