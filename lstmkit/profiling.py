"""Measure wall time and peak memory of a block of code, the same way in every notebook.

TensorFlow allocates outside Python's allocator, so ``tracemalloc`` cannot see a model's
activations. :class:`measure` therefore reads the process's resident memory (RSS) and
reports the peak *above the level at entry*: the extra memory the block needed. It is what
a user sees in a task manager and it includes TensorFlow's buffers.

On Linux the kernel keeps that peak itself (``VmHWM`` in ``/proc/self/status``), and
writing ``5`` to ``/proc/self/clear_refs`` resets it to the current RSS: the peak is then
exact and costs nothing while the block runs. Where that reset is not allowed (other
systems, some sandboxes) a background thread samples the RSS every ``interval`` seconds
instead. That thread wakes 200 times a second and takes Python's GIL each time (around a
small Keras ``fit`` on a 2-core CPU it added about 4% to the fit's CPU time), and it can
miss a spike shorter than its interval: it is only the fallback.

Memory that an allocator keeps after a block (TensorFlow and glibc both reuse freed
pages) is not seen again as *extra* by a later block, so the first large block in a
process looks most expensive. Benchmarks that compare peaks run each case in a fresh
process; notebooks measure their cases in the same order on every run.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from lstmkit._validation import check_float

__all__ = ["measure", "resident_memory_mb"]

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")
# The measure blocks open now: resetting the kernel's peak for a nested block first
# hands the peak so far to the blocks around it.
_OPEN: list[measure] = []


def _status_mb(field: str) -> float | None:
    """A ``/proc/self/status`` field in MiB (``VmRSS``, ``VmHWM``), or None off Linux."""
    try:
        text = _STATUS.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak RSS (VmHWM) to the current RSS; False where not allowed."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    # A kernel that accepted the write but kept the old peak would report a stale one.
    peak, resident = _status_mb("VmHWM"), _status_mb("VmRSS")
    return peak is not None and resident is not None and peak - resident < 16.0


def resident_memory_mb() -> float:
    """Return this process's resident memory in MiB (Linux ``/proc``; elsewhere ``psutil``).

    Example:
        >>> import lstmkit as lk
        >>> lk.resident_memory_mb() > 0
        True
    """
    rss = _status_mb("VmRSS")
    if rss is not None:
        return rss
    try:
        import psutil
    except ImportError as error:  # pragma: no cover - non-Linux without psutil
        raise RuntimeError(
            "Reading memory needs /proc (Linux) or the psutil package. "
            "Install it with `pip install psutil`."
        ) from error
    return psutil.Process(os.getpid()).memory_info().rss / 2**20  # pragma: no cover


class measure:
    """Context manager that records elapsed seconds and peak extra memory.

    Use it around ``model.fit`` (or any block) to compare techniques fairly in one
    process. On Linux the peak is the kernel's own (exact, and free while the block runs);
    elsewhere memory is sampled every ``interval`` seconds, so a spike shorter than that
    can be missed (the default of 5 ms catches a training step's activations).

    Args:
        interval: seconds between memory samples where the kernel's peak cannot be
            reset, > 0.

    Attributes (after the block):
        seconds: wall-clock time of the block.
        peak_memory_mb: the highest resident memory seen, minus the memory at entry
            (MiB, never negative).
        start_memory_mb: resident memory at entry (MiB).
        sampled: True when a background thread sampled the memory (the kernel's peak
            could not be reset).

    Example:
        >>> import numpy as np
        >>> import lstmkit as lk
        >>> with lk.measure() as usage:
        ...     block = np.ones((64, 1024, 1024), dtype="uint8")  # 64 MiB
        ...     block[::4096] = 2
        >>> usage.peak_memory_mb > 40, usage.seconds < 60
        (True, True)
    """

    def __init__(self, *, interval: float = 0.005) -> None:
        self.interval = check_float(
            interval, "interval", minimum=0, include_minimum=False, maximum=10
        )
        self.seconds = float("nan")
        self.peak_memory_mb = float("nan")
        self.start_memory_mb = float("nan")
        self.sampled = False
        self._stop = threading.Event()
        self._peak = 0.0
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, resident_memory_mb())
            self._stop.wait(self.interval)

    @staticmethod
    def _hand_peak_to_open_blocks() -> None:
        peak = _status_mb("VmHWM")
        if peak is not None:
            for block in _OPEN:
                if not block.sampled:
                    block._peak = max(block._peak, peak)

    def __enter__(self) -> measure:
        self._hand_peak_to_open_blocks()
        self.sampled = not _reset_peak()
        self.start_memory_mb = resident_memory_mb()
        self._peak = self.start_memory_mb
        if self.sampled:
            self._stop.clear()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        _OPEN.append(self)
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self._hand_peak_to_open_blocks()
        if self in _OPEN:
            _OPEN.remove(self)
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        self._peak = max(self._peak, resident_memory_mb())
        self.peak_memory_mb = max(0.0, self._peak - self.start_memory_mb)

    def __repr__(self) -> str:
        return f"measure(seconds={self.seconds:.3f}, peak_memory_mb={self.peak_memory_mb:.1f})"
