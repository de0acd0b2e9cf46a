"""lstmkit.reduction.crop_dataset: RandomCropDataset."""

import numpy as np
import pytest

from lstmkit import reduction


def test_random_crop_dataset_batches_are_reproducible_and_fresh_each_epoch():
    x = np.arange(200, dtype="float32").reshape(10, 20, 1)
    labels = np.arange(10)
    data = reduction.RandomCropDataset(x, labels, crop_length=5, batch_size=4, seed=0)
    assert len(data) == 3
    crops, batch_labels = data[0]
    assert crops.shape == (4, 5, 1) and data[2][0].shape == (2, 5, 1)
    for crop, label in zip(crops, batch_labels, strict=True):
        start = int(crop[0, 0]) - label * 20
        assert 0 <= start <= 15
        np.testing.assert_array_equal(crop[:, 0], x[label, start : start + 5, 0])
    np.testing.assert_array_equal(data[1][0], data[1][0])  # same epoch, same batch
    again = reduction.RandomCropDataset(x, labels, crop_length=5, batch_size=4, seed=0)
    np.testing.assert_array_equal(again[0][0], crops)
    data.on_epoch_end()
    seen = np.concatenate([data[i][1] for i in range(len(data))])
    assert sorted(seen.tolist()) == list(range(10))  # every sample once per epoch
    with pytest.raises(ValueError, match=r"`sequences` and `labels` must have the same length"):
        reduction.RandomCropDataset(x, labels[:3], crop_length=5)
    # The shared dataset base names the valid range (negative indices count from the end).
    with pytest.raises(IndexError, match=r"`index` must be between -3 and 2 for 3 batches"):
        data[3]


def test_random_crop_dataset_trains_a_keras_model():
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(16, 30, 1)).astype("float32")
    labels = (x.mean(axis=(1, 2)) > 0).astype("float32")
    model = keras.Sequential(
        [keras.Input((8, 1)), keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(
        reduction.RandomCropDataset(x, labels, crop_length=8, batch_size=8, seed=0),
        epochs=2,
        verbose=0,
    )
    assert len(history.history["loss"]) == 2
    assert reduction.predict_over_crops(model, x, crop_length=8, num_crops=3).shape == (16, 1)


def test_random_crop_dataset_of_a_list_crops_inside_each_sequence():
    lengths = (6, 20, 9)
    sequences = [
        np.arange(1, n + 1, dtype="float32")[:, None] + 100 * i for i, n in enumerate(lengths)
    ]
    data = reduction.RandomCropDataset(sequences, np.arange(3), crop_length=5, batch_size=2, seed=1)
    for _ in range(20):
        for index in range(len(data)):
            crops, labels = data[index]
            for crop, label in zip(crops, labels, strict=True):
                first = int(crop[0, 0]) - 100 * label
                assert 1 <= first <= lengths[label] - 4  # inside the real steps, no padding
                np.testing.assert_array_equal(np.diff(crop[:, 0]), 1)
        data.on_epoch_end()
    with pytest.raises(ValueError, match=r"`crop_length` must be an integer between 1 and 6"):
        reduction.RandomCropDataset(sequences, np.arange(3), crop_length=7)


def test_random_crop_dataset_uses_the_shared_batch_names():
    x = np.zeros((5, 10, 1))
    data = reduction.RandomCropDataset(x, np.arange(5), crop_length=3, batch_size=2, shuffle=False)
    assert (data.batch_size, data.shuffle, data.num_items) == (2, False, 5)
    assert data[0][1].tolist() == [0, 1] and data[-1][1].tolist() == [4]
    with pytest.raises(TypeError, match="`shuffle`"):
        reduction.RandomCropDataset(x, np.arange(5), crop_length=3, shuffle="yes")
    with pytest.raises(ValueError, match="`seed`"):
        reduction.RandomCropDataset(x, np.arange(5), crop_length=3, seed=-1)
