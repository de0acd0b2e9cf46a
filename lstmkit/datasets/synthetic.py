"""Seeded synthetic tasks whose dependency length is an argument.

Vectorized and seeded: the same ``seed`` always gives the same arrays. Each function
checks the size of its result against the available memory before allocating it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmkit._validation import (
    check_allocation,
    check_float,
    check_int,
    check_random_state,
    received,
)

__all__ = ["make_adding_problem", "make_copy_memory", "make_eeg_bursts"]


def _check_size(
    num_samples: int,
    num_steps: int,
    bytes_per_step: int,
    *,
    length_name: str = "sequence_length",
    length: int | None = None,
) -> None:
    """Raise a ValueError naming ``num_samples`` if the arrays would not fit in memory."""
    check_allocation(
        num_samples * num_steps, bytes_per_step, name="num_samples", value=num_samples,
        hint=f"That is {num_samples:,} sequences of {num_steps:,} steps, about "
        f"{bytes_per_step} bytes per step while they are made. Use a smaller num_samples "
        f"or {length_name}"
        + ("" if length is None else f" (Received: {length_name}={length})")
        + ", or make the data in several smaller calls.",
    )

def make_adding_problem(
    num_samples: int,
    sequence_length: int,
    *,
    first_marker_before: int | None = None,
    second_marker_after: int | None = None,
    seed: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Make the adding problem: add the two marked values of a long random sequence.

    The classic long-memory test (Hochreiter & Schmidhuber, 1997). Channel 0 holds
    uniform random values in [0, 1), channel 1 is 1 at exactly two steps and 0
    elsewhere; the target is the sum of the two marked values. The first marker lies in
    steps ``[0, first_marker_before)`` and the second in
    ``[second_marker_after, sequence_length)``, so a model reading left to right must
    keep the first value for at least ``sequence_length - first_marker_before`` steps
    (the answer is read at the last step). Predicting 1.0 always gives a mean squared
    error of about 0.167: the baseline to beat.

    Args:
        num_samples: number of sequences.
        sequence_length: steps per sequence, at least 2.
        first_marker_before: the first marker is drawn uniformly before this step;
            ``None`` means ``sequence_length // 2`` (the first half, as in the classic
            task).
        second_marker_after: the second marker is drawn uniformly from this step to the
            end; ``None`` means ``sequence_length // 2`` (the second half). Must be
            ``>= first_marker_before``.
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        ``(x, y)``: ``x`` float32 of shape ``(num_samples, sequence_length, 2)`` (values,
        markers) and ``y`` float32 of shape ``(num_samples,)``.

    Example:
        >>> x, y = make_adding_problem(4, 100, seed=0)
        >>> x.shape, y.shape
        ((4, 100, 2), (4,))
        >>> x[..., 1].sum(axis=1).tolist()
        [2.0, 2.0, 2.0, 2.0]
        >>> bool(np.allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1)))
        True
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    sequence_length = check_int(
        sequence_length, "sequence_length", minimum=2,
        hint="The task needs room for two markers.",
    )
    half = sequence_length // 2
    first_marker_before = half if first_marker_before is None else check_int(
        first_marker_before, "first_marker_before", minimum=1, maximum=sequence_length - 1,
        hint=f"It must leave room for the second marker in a sequence of {sequence_length} steps.",
    )
    second_marker_after = half if second_marker_after is None else check_int(
        second_marker_after, "second_marker_after", minimum=1, maximum=sequence_length - 1,
        hint=f"The second marker must fall inside the {sequence_length} steps.",
    )
    if second_marker_after < first_marker_before:
        got = received(
            first_marker_before=first_marker_before, second_marker_after=second_marker_after
        )
        raise ValueError(
            "`second_marker_after` must be >= `first_marker_before` so the two marker "
            f"ranges do not overlap. {got} "
            "Raise second_marker_after or lower first_marker_before."
        )
    # Per step: the float64 draws, values, markers and the stacked (values, markers).
    _check_size(num_samples, sequence_length, 8 + 4 + 4 + 8)
    rng = check_random_state(seed)
    values = rng.random((num_samples, sequence_length)).astype(np.float32)
    first = rng.integers(0, first_marker_before, size=num_samples)
    second = rng.integers(second_marker_after, sequence_length, size=num_samples)
    rows = np.arange(num_samples)
    markers = np.zeros((num_samples, sequence_length), dtype=np.float32)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    targets = values[rows, first] + values[rows, second]
    return np.stack([values, markers], axis=-1), targets


def make_copy_memory(
    num_samples: int,
    delay: int,
    *,
    num_symbols: int = 8,
    copy_length: int = 10,
    seed: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Make the copy-memory task: read some symbols, wait ``delay`` steps, write them back.

    The task of Arjovsky et al. (2016). Each input sequence has ``copy_length`` random
    symbols, then blanks, then a delimiter at step ``copy_length + delay - 1``, then
    ``copy_length`` more blanks; the per-step target is blank everywhere except the last
    ``copy_length`` steps, which repeat the symbols. Sequences are
    ``delay + 2 * copy_length`` steps long. Codes: 0 blank, 1..``num_symbols`` the
    symbols, ``num_symbols + 1`` the delimiter (``num_symbols + 2`` codes in all). Always
    predicting blank, then a guess, gives a cross-entropy of
    ``copy_length * log(num_symbols) / (delay + 2 * copy_length)``: the baseline.

    Args:
        num_samples: number of sequences.
        delay: steps between the end of the symbols and the delimiter's step plus one,
            at least 1; each symbol must be remembered ``delay + copy_length`` steps.
        num_symbols: size of the alphabet to copy, at least 1.
        copy_length: symbols per sequence, at least 1.
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        ``(inputs, targets)``: both int32 of shape
        ``(num_samples, delay + 2 * copy_length)``.

    Example:
        >>> inputs, targets = make_copy_memory(2, 5, num_symbols=4, copy_length=3, seed=0)
        >>> inputs.shape
        (2, 11)
        >>> bool((targets[:, -3:] == inputs[:, :3]).all()), int(inputs[0, 3 + 5 - 1])
        (True, 5)
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    delay = check_int(delay, "delay", minimum=1)
    # Codes are int32 and the delimiter is num_symbols + 1.
    num_symbols = check_int(num_symbols, "num_symbols", minimum=1, maximum=2**31 - 2)
    copy_length = check_int(copy_length, "copy_length", minimum=1)
    total = delay + 2 * copy_length
    _check_size(num_samples, total, 4 + 4, length_name="delay", length=delay)  # inputs, targets
    rng = check_random_state(seed)
    symbols = rng.integers(1, num_symbols + 1, size=(num_samples, copy_length), dtype=np.int32)
    inputs = np.zeros((num_samples, total), dtype=np.int32)
    targets = np.zeros((num_samples, total), dtype=np.int32)
    inputs[:, :copy_length] = symbols
    inputs[:, copy_length + delay - 1] = num_symbols + 1
    targets[:, total - copy_length:] = symbols
    return inputs, targets


def make_eeg_bursts(
    num_samples: int,
    sequence_length: int,
    *,
    positive_fraction: float = 0.5,
    burst_length: int = 64,
    frequency: float = 0.1,
    noise: float = 1.0,
    seed: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Make EEG-like traces: 1/f background noise, with an oscillatory burst in some.

    For sequence classification (does the trace hold a burst?) and, with a small
    ``positive_fraction`` and the per-step mask as target, rare-event detection. The
    background is pink (1/f power) noise scaled to standard deviation ``noise``; a
    burst is a sine of ``frequency`` cycles per step and random phase under a Hann
    envelope of peak 1, ``burst_length`` steps long, at a uniformly random position.
    Each positive trace holds exactly one burst; exactly
    ``round(positive_fraction * num_samples)`` traces are positive, in random order. At
    a sampling rate of 256 Hz, ``frequency=10 / 256`` is a 10 Hz alpha burst.

    Args:
        num_samples: number of traces.
        sequence_length: steps per trace, at least 2 and at least ``burst_length``.
        positive_fraction: share of traces with a burst, in [0, 1].
        burst_length: steps per burst.
        frequency: cycles per step, in (0, 0.5] (0.5 is the Nyquist limit).
        noise: standard deviation of the background, >= 0 (the burst peak is 1).
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        ``(x, y, burst_mask)``: ``x`` float32 of shape
        ``(num_samples, sequence_length, 1)``; ``y`` int32 of shape ``(num_samples,)``,
        1 when the trace holds a burst; ``burst_mask`` int32 of shape
        ``(num_samples, sequence_length)``, 1 at the burst's steps.

    Example:
        >>> x, y, burst_mask = make_eeg_bursts(10, 500, burst_length=50, seed=0)
        >>> x.shape, int(y.sum()), burst_mask.sum(axis=1).tolist()
        ((10, 500, 1), 5, [50, 50, 0, 50, 50, 0, 50, 0, 0, 0])
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    sequence_length = check_int(sequence_length, "sequence_length", minimum=2)
    positive_fraction = check_float(
        positive_fraction, "positive_fraction", minimum=0.0, maximum=1.0
    )
    burst_length = check_int(
        burst_length, "burst_length", minimum=1, maximum=sequence_length,
        hint=f"A burst must fit in the sequence of {sequence_length} steps: shorten the "
        "burst or lengthen the sequence.",
    )
    frequency = check_float(
        frequency, "frequency", minimum=0.0, maximum=0.5, include_minimum=False,
        hint="It is in cycles per step; above 0.5 a sine cannot be sampled (Nyquist).",
    )
    noise = check_float(noise, "noise", minimum=0.0)
    # Per step: float64 noise, its spectrum and the background (complex and float64
    # temporaries), the int32 mask and the float32 result.
    _check_size(num_samples, sequence_length, 40)
    rng = check_random_state(seed)
    white = rng.standard_normal((num_samples, sequence_length))
    frequencies = np.fft.rfftfreq(sequence_length)
    scale = np.zeros_like(frequencies)
    scale[1:] = 1.0 / np.sqrt(frequencies[1:])  # amplitude ~ f^-1/2, power ~ 1/f
    background = np.fft.irfft(np.fft.rfft(white, axis=1) * scale, n=sequence_length, axis=1)
    background -= background.mean(axis=1, keepdims=True)
    background /= np.maximum(background.std(axis=1, keepdims=True), 1e-12)
    x = noise * background
    num_positive = int(round(positive_fraction * num_samples))
    labels = np.zeros(num_samples, dtype=np.int32)
    rows = np.sort(rng.permutation(num_samples)[:num_positive])
    labels[rows] = 1
    starts = rng.integers(0, sequence_length - burst_length + 1, size=num_positive)
    phases = rng.uniform(0.0, 2.0 * np.pi, size=(num_positive, 1))
    steps = np.arange(burst_length)
    envelope = 0.5 - 0.5 * np.cos(2.0 * np.pi * (steps + 1) / (burst_length + 1))
    bursts = envelope * np.sin(2.0 * np.pi * frequency * steps + phases)
    columns = starts[:, None] + steps
    x[rows[:, None], columns] += bursts
    burst_mask = np.zeros((num_samples, sequence_length), dtype=np.int32)
    burst_mask[rows[:, None], columns] = 1
    return x[..., None].astype(np.float32), labels, burst_mask
