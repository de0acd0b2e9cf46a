"""The classifier's training batches: random crops, batches of similar lengths, bucket widths."""

import numpy as np
import pytest

from lstmkit.classification._network import CropDataset
from lstmkit.classification._preprocess import bucket_width, pad_batch


def _ragged(count, seed=0):
    lengths = np.random.default_rng(seed).integers(5, 100, size=count)
    return [np.full((n, 2), i, dtype="float32") for i, n in enumerate(lengths)]


def _epoch(dataset):
    labels, padded = [], 0
    for index in range(len(dataset)):
        (x, mask), y = dataset[index]
        labels += list(y)
        padded += mask.size - int(mask.sum())
    return labels, padded


@pytest.mark.parametrize("count", [203, 256, 7])
def test_every_series_once_per_epoch_in_batches_of_similar_lengths(count):
    sequences = _ragged(count)
    dataset = CropDataset(sequences, np.arange(count), fraction=1.0, batch_size=8, seed=0)
    orders = []
    for _ in range(3):
        labels, padded = _epoch(dataset)
        assert sorted(labels) == list(range(count))
        orders.append(labels)
        # Shuffled batches of lengths 5-99 pad about half their steps; sorted ones little.
        total = sum(len(s) for s in sequences)
        if count >= 64:  # a handful of series shares one batch whatever their lengths
            assert padded < 0.15 * total
        dataset.on_epoch_end()
    assert orders[0] != orders[1] != orders[2]  # the batches change from epoch to epoch


@pytest.mark.parametrize("seed", range(10))
def test_the_first_two_batches_differ_in_width(seed):
    # Keras on TensorFlow fixes a PyDataset's shapes from its first two batches.
    sequences = [np.zeros((n, 1), "float32") for n in [10] * 16 + [20] * 16]
    dataset = CropDataset(sequences, np.zeros(32), fraction=0.5, batch_size=8, seed=seed)
    for _ in range(3):
        assert dataset[0][0][0].shape[1] != dataset[1][0][0].shape[1]
        dataset.on_epoch_end()


def test_one_length_keeps_the_plain_shuffle():
    sequences = [np.zeros((30, 1), "float32") for _ in range(20)]
    dataset = CropDataset(sequences, np.arange(20), fraction=0.5, batch_size=6, seed=1)
    shuffled = np.random.default_rng(1).permutation(20)
    np.testing.assert_array_equal(dataset.order, shuffled)
    assert dataset[0][0][0].shape == (6, 15, 1)


def test_bucket_widths_pad_with_a_mask_and_keep_the_values():
    sequences = _ragged(5, seed=3)
    lengths = np.array([len(s) for s in sequences])
    x, mask = pad_batch(sequences, bucket=True)
    assert x.shape[1] == bucket_width(lengths.max()) >= lengths.max()
    np.testing.assert_array_equal(mask.sum(axis=1), lengths)
    for row, sequence in enumerate(sequences):
        np.testing.assert_array_equal(x[row, : len(sequence)], sequence)
        assert not x[row, len(sequence) :].any()
    widths = {bucket_width(n) for n in range(1, 1345)}
    assert len(widths) == 21  # 1,344 lengths, 21 batch shapes at most
    assert all(bucket_width(n) < 1.5 * n + 1 for n in range(1, 1345))
