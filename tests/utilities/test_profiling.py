"""lk.measure: elapsed time and peak extra resident memory of a block."""

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
