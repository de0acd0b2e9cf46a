"""lstmkit.imbalance.balanced_batches: batches with equal class counts."""

import keras
import numpy as np
import pytest

from lstmkit import imbalance


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    sequences = rng.normal(size=(30, 40, 2)).astype("float32")
    labels = np.array([0] * 24 + [1] * 6)
    return sequences, labels


def test_balanced_batches_are_balanced_seeded_and_reshuffled(data):
    sequences, labels = data
    batches = imbalance.BalancedBatchDataset(sequences, labels, batch_size=9, seed=3)
    assert len(batches) == 4
    seen = []
    for index in range(len(batches)):
        x_batch, y_batch = batches[index]
        assert x_batch.shape == (9, 40, 2)
        assert sorted(np.bincount(y_batch, minlength=2).tolist()) == [4, 5]
        seen.append(x_batch)
    # Majority sequences are not repeated within an epoch (18 draws from 24).
    majority_rows = [
        row
        for x_batch, (_, y_batch) in zip(seen, map(batches.__getitem__, range(4)), strict=True)
        for row, label in zip(x_batch, y_batch, strict=True)
        if label == 0
    ]
    assert len({row.tobytes() for row in majority_rows}) == len(majority_rows)
    same = imbalance.BalancedBatchDataset(sequences, labels, batch_size=9, seed=3)
    np.testing.assert_array_equal(same[0][0], seen[0])
    batches.on_epoch_end()
    assert not np.array_equal(batches[0][0], seen[0])
    with pytest.raises(IndexError, match="out of range"):
        batches[4]


def test_balanced_batches_train_a_model(data):
    sequences, labels = data
    batches = imbalance.BalancedBatchDataset(
        sequences, labels, batch_size=8, batches_per_epoch=3, seed=0
    )
    model = keras.Sequential(
        [keras.Input((40, 2)), keras.layers.LSTM(4), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile("adam", "binary_crossentropy")
    history = model.fit(batches, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_balanced_batches_errors(data):
    sequences, labels = data
    with pytest.raises(
        ValueError,
        match=r"`batch_size` must be an integer >= 2\. Received: batch_size=1\. Each batch",
    ):
        imbalance.BalancedBatchDataset(sequences, labels, batch_size=1)
    with pytest.raises(ValueError, match=r"at least 2 classes"):
        imbalance.BalancedBatchDataset(sequences, np.zeros(30, dtype=int))


def test_balanced_batches_refuse_an_epoch_too_large_to_plan(data):
    sequences, labels = data
    with pytest.raises(ValueError, match="`batches_per_epoch` must be an integer between 1 and"):
        imbalance.BalancedBatchDataset(sequences, labels, batch_size=8, batches_per_epoch=10**7)


def test_balanced_batches_plan_many_batches_quickly(data):
    sequences, labels = data
    batches = imbalance.BalancedBatchDataset(
        sequences, labels, batch_size=10, batches_per_epoch=100_000, seed=0
    )
    assert len(batches) == 100_000
    x_batch, y_batch = batches[-1]
    assert x_batch.shape == (10, 40, 2) and np.bincount(y_batch).tolist() == [5, 5]


def test_balanced_batches_without_shuffle_keep_their_plan(data):
    sequences, labels = data
    batches = imbalance.BalancedBatchDataset(sequences, labels, batch_size=9, shuffle=False, seed=1)
    first = batches[0][0]
    batches.on_epoch_end()
    np.testing.assert_array_equal(batches[0][0], first)
    with pytest.raises(TypeError, match="`shuffle` must be True or False"):
        imbalance.BalancedBatchDataset(sequences, labels, batch_size=9, shuffle="yes")
