"""lk.measure: elapsed time and peak extra resident memory of a block."""

import threading
import time

import numpy as np
import pytest

import lstmkit as lk


def test_measure_sees_a_short_lived_allocation():
    with lk.measure() as usage:
        block = np.ones((128, 1024, 1024), dtype="uint8")  # 128 MiB, touched
        time.sleep(0.05)
        del block
    assert usage.peak_memory_mb > 100
    assert 0.05 <= usage.seconds < 30
    assert usage.start_memory_mb > 0


def test_measure_reports_no_negative_memory_and_repr():
    with lk.measure() as usage:
        pass
    assert usage.peak_memory_mb >= 0
    assert repr(usage).startswith("measure(seconds=")


def test_measure_validates_interval():
    with pytest.raises(ValueError, match=r"`interval` must be a finite number > 0"):
        lk.measure(interval=0)


def _touch(mib):
    block = np.ones((mib, 1024, 1024), dtype="uint8")
    block[::4096] = 2
    return block


def test_an_outer_block_keeps_a_peak_from_before_an_inner_block():
    # Each block resets the kernel's peak on entry; the peak reached before that reset
    # must still count for the block around it.
    with lk.measure() as outer:
        block = _touch(128)
        del block
        with lk.measure() as inner:
            pass
    assert outer.peak_memory_mb > 100
    assert inner.peak_memory_mb < 50


def test_the_sampling_thread_is_the_fallback(monkeypatch):
    from lstmkit import profiling

    monkeypatch.setattr(profiling, "_reset_peak", lambda: False)
    with lk.measure(interval=0.001) as usage:
        block = _touch(128)
        time.sleep(0.05)
        del block
    assert usage.sampled
    assert usage.peak_memory_mb > 100


def test_on_linux_the_kernel_keeps_the_peak_and_no_thread_runs():
    from lstmkit import profiling

    if not profiling._reset_peak():
        pytest.skip("this system does not let a process reset its peak RSS")
    threads = threading.active_count()
    with lk.measure() as usage:
        during = threading.active_count()
        block = _touch(128)
        del block  # freed at once: a sampler could miss it, the kernel's peak cannot
    assert not usage.sampled and during == threads
    assert usage.peak_memory_mb > 100
