"""Tests for lstmkit.datasets.dna: the genome, its genes and the labelled windows."""

import numpy as np
import pytest

import lstmkit.datasets as datasets
from lstmkit.datasets import load_dna, load_dna_windows


def test_load_dna():
    sequence, coding_mask, genes = load_dna()
    assert sequence.shape == coding_mask.shape == (2_463_666,)
    assert sequence.dtype == np.uint8 and coding_mask.dtype == bool
    assert set(np.unique(sequence).tolist()) == {0, 1, 2, 3}
    assert genes.shape == (2343, 3) and set(np.unique(genes[:, 2]).tolist()) == {-1, 1}
    assert (genes[:, 0] < genes[:, 1]).all()
    assert 0.85 < coding_mask.mean() < 0.92
    # The mask is the union of the gene intervals.
    start, end, _ = genes[10]
    assert coding_mask[start:end].all()
    # Predicted genes start with a start codon (ATG, GTG, TTG) on the forward strand.
    forward = genes[(genes[:, 2] == 1)][:50]
    codons = {
        "".join(datasets.DNA_ALPHABET[c] for c in sequence[s:s + 3])
        for s in forward[:, 0]
        if s > 0
    }
    assert codons <= {"ATG", "GTG", "TTG"}


def test_load_dna_windows_is_split_by_position_and_labelled():
    sequence, coding_mask, _ = load_dna()
    (x_train, y_train), (x_test, y_test) = load_dna_windows(window_length=500, test_fraction=0.25)
    border = int(len(sequence) * 0.75)
    assert x_train.shape == ((border - 500) // 500 + 1, 500) and x_train.dtype == np.int32
    assert x_test.shape[0] == (len(sequence) - border - 500) // 500 + 1
    np.testing.assert_array_equal(x_train[1], sequence[500:1000])
    np.testing.assert_array_equal(x_test[0], sequence[border:border + 500])
    assert y_train[3] == int(coding_mask[3 * 500 + 250]) and y_train.dtype == np.int32
    assert 0 < y_test.mean() < 1
    (hot, hot_labels), _ = load_dna_windows(
        window_length=100, stride=50, encoding="one_hot", label="majority"
    )
    assert hot.shape[1:] == (100, 4) and hot.dtype == np.float32
    np.testing.assert_array_equal(hot[3].argmax(axis=1), sequence[150:250])
    assert hot_labels[3] == int(coding_mask[150:250].mean() >= 0.5)
    with pytest.raises(
        ValueError,
        match=r"`window_length` must fit in both the training and the test part",
    ):
        load_dna_windows(window_length=600_000, test_fraction=0.2)
    with pytest.raises(ValueError, match=r"`encoding` must be one of 'integer', 'one_hot'"):
        load_dna_windows(encoding="onehot")


def test_load_dna_windows_checks_the_size_before_allocating(monkeypatch):
    # Regression: stride=1 with one_hot asked for about 29 GiB before failing (or
    # swapping); the size is now checked first and the error names `stride`.
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(4 * 2**30))
    with pytest.raises(ValueError, match="`stride`") as caught:
        load_dna_windows(stride=1, encoding="one_hot")
    message = str(caught.value)
    assert "Received: stride=1" in message and "GiB" in message
    with pytest.raises(ValueError, match="`stride`"):
        load_dna_windows(stride=1)  # integer codes: about 9 GiB
    (x_train, _), (x_test, _) = load_dna_windows(window_length=100, stride=100)
    assert x_train.shape[1:] == x_test.shape[1:] == (100,)


def test_load_dna_windows_one_hot_matches_the_integer_codes():
    (codes, labels), (test_codes, _) = load_dna_windows(window_length=64, stride=40)
    (hot, hot_labels), (test_hot, _) = load_dna_windows(
        window_length=64, stride=40, encoding="one_hot"
    )
    assert hot.shape == (*codes.shape, 4) and hot.flags.c_contiguous
    np.testing.assert_array_equal(hot.argmax(axis=2), codes)
    np.testing.assert_array_equal(test_hot.argmax(axis=2), test_codes)
    np.testing.assert_array_equal(hot_labels, labels)
    assert codes.flags.c_contiguous and codes.dtype == np.int32
