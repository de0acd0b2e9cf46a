"""lstmkit.imbalance.resampling: whole-sequence resampling and SMOTE/ADASYN on 3-D arrays."""

import numpy as np
import pytest

from lstmkit import imbalance


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    sequences = rng.normal(size=(30, 40, 2)).astype("float32")
    labels = np.array([0] * 24 + [1] * 6)
    return sequences, labels


@pytest.mark.parametrize("method, expected", [("over", [24, 24]), ("under", [6, 6])])
def test_resample_sequences_keeps_whole_sequences(data, method, expected):
    sequences, labels = data
    before = sequences.copy()
    new_sequences, new_labels = imbalance.resample_sequences(
        sequences, labels, method=method, seed=0
    )
    assert np.bincount(new_labels).tolist() == expected
    assert new_sequences.shape == (sum(expected), 40, 2)
    # Every output row is an input row with the same label.
    for row, label in zip(new_sequences, new_labels, strict=True):
        match = np.flatnonzero((sequences == row).all(axis=(1, 2)))
        assert match.size == 1 and labels[match[0]] == label
    np.testing.assert_array_equal(sequences, before)
    again, _ = imbalance.resample_sequences(sequences, labels, method=method, seed=0)
    np.testing.assert_array_equal(again, new_sequences)


def test_resample_sequences_works_on_token_ids():
    tokens = np.arange(12).reshape(4, 3)
    new_tokens, new_labels = imbalance.resample_sequences(tokens, [0, 0, 0, 1], seed=1)
    assert new_tokens.dtype == tokens.dtype and np.bincount(new_labels).tolist() == [3, 3]


def test_resample_sequences_errors(data):
    sequences, labels = data
    with pytest.raises(
        ValueError, match=r"`method` must be one of 'over', 'under'\. Received: method='smote'"
    ):
        imbalance.resample_sequences(sequences, labels, method="smote")
    with pytest.raises(ValueError, match=r"`sequences` and `labels` must have the same length"):
        imbalance.resample_sequences(sequences, labels[:-1])
    with pytest.raises(ValueError, match=r"`sequences` must be a 2-D or 3-D array"):
        imbalance.resample_sequences(sequences[0, 0], labels[:2])


@pytest.mark.parametrize("method", ["smote", "adasyn"])
def test_synthesize_sequences_interpolates_within_the_minority_class(data, method):
    sequences, labels = data
    # ADASYN needs hard cases: put two majority sequences among the minority ones.
    sequences = sequences.copy()
    sequences[labels == 1] += 3.0
    sequences[:2] += 3.0
    before = sequences.copy()
    new_sequences, new_labels = imbalance.synthesize_sequences(
        sequences, labels, method=method, num_neighbors=3, seed=0
    )
    np.testing.assert_array_equal(sequences, before)
    np.testing.assert_array_equal(new_sequences[:30], sequences)
    assert new_sequences.dtype == np.float32 and new_sequences.shape[1:] == (40, 2)
    synthetic = new_sequences[30:]
    assert len(synthetic) > 0 and (new_labels[30:] == 1).all()
    # Each synthetic sequence lies on a segment between two minority sequences: every
    # step is inside the minority class's per-step range.
    minority = sequences[labels == 1]
    assert (synthetic >= minority.min(axis=0) - 1e-5).all()
    assert (synthetic <= minority.max(axis=0) + 1e-5).all()


def test_synthesize_sequences_errors(data):
    sequences, labels = data
    with pytest.raises(
        TypeError, match=r"`sequences` must be real-valued to interpolate.*resample_sequences"
    ):
        imbalance.synthesize_sequences(sequences.astype("int32"), labels)
    with pytest.raises(
        ValueError,
        match=r"`num_neighbors` must be smaller than the number of sequences in every class\. "
        r"Received: num_neighbors=6, but class 1 has 6 sequence\(s\)",
    ):
        imbalance.synthesize_sequences(sequences, labels, num_neighbors=6)
    with pytest.raises(ValueError, match=r"`method` must be one of 'smote', 'adasyn'"):
        imbalance.synthesize_sequences(sequences, labels, method="mixup")


@pytest.mark.parametrize("strategy", [None, [], 2.5, 0.0])
def test_resampling_names_a_bad_sampling_strategy(data, strategy):
    sequences, labels = data
    with pytest.raises((TypeError, ValueError), match="`sampling_strategy`"):
        imbalance.resample_sequences(sequences, labels, sampling_strategy=strategy)
    with pytest.raises((TypeError, ValueError), match="`sampling_strategy`"):
        imbalance.synthesize_sequences(sequences, labels, sampling_strategy=strategy)


def test_resampling_names_a_strategy_imbalanced_learn_refuses(data):
    sequences, labels = data
    with pytest.raises(ValueError, match="refused `sampling_strategy`"):
        imbalance.resample_sequences(sequences, labels, sampling_strategy="bad")
    with pytest.raises(ValueError, match="refused `sampling_strategy`"):
        imbalance.synthesize_sequences(sequences, labels, sampling_strategy="bad")
