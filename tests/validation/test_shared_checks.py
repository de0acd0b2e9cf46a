"""The shared checks every module uses: sequences, labels, lengths, sizes, optional imports,
and the PyDataset base."""

import numpy as np
import pytest

from lstmkit import _validation as v
from lstmkit._batching import IndexBatchDataset, resolve_shuffle_seed


def test_check_sequences_rectangular_and_ragged():
    array = np.zeros((3, 5, 2), dtype="float32")
    assert v.check_sequences(array) is not None
    assert len(v.check_sequences(array, ragged=True)) == 3
    ragged = [np.zeros((4, 2)), np.zeros((6, 2))]
    assert [len(item) for item in v.check_sequences(ragged, ragged=True)] == [4, 6]
    with pytest.raises(ValueError, match=r"`sequences` must be one rectangular array.*4 to 6"):
        v.check_sequences(ragged)
    with pytest.raises(ValueError, match=r"`sequences\[1\]` is empty"):
        v.check_sequences([np.zeros(3), np.zeros(0)], ragged=True)
    with pytest.raises(ValueError, match="same feature shape"):
        v.check_sequences([np.zeros((3, 2)), np.zeros((3, 4))], ragged=True)
    with pytest.raises(TypeError, match="`tokens` must hold integer token ids"):
        v.check_sequences(np.zeros((2, 3)), "tokens", integer=True)
    with pytest.raises(ValueError, match="`tokens` must hold token ids >= 0"):
        v.check_sequences(np.array([[1, -2]]), "tokens", integer=True)


def test_check_labels_and_lengths():
    assert v.check_labels(np.array([0.0, 1.0, 2.0])).dtype == np.int64
    with pytest.raises(ValueError, match="`labels` must hold integer class indices"):
        v.check_labels(np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="`labels` must hold class indices >= 0"):
        v.check_labels(np.array([-1, 1]))
    with pytest.raises(ValueError, match="must have the same length"):
        v.check_labels([0, 1], sequences=np.zeros((3, 4)))
    assert v.check_lengths([3.0, 4.0]).tolist() == [3, 4]
    with pytest.raises(ValueError, match="`lengths` must all be >= 1"):
        v.check_lengths([3, 0])


def test_check_allocation_names_the_argument(monkeypatch):
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(1024))
    v.check_allocation(256, 4, name="length", value=256)  # exactly fits
    with pytest.raises(ValueError, match=r"`length` would make a result of 1\.0 KiB.*length=257"):
        v.check_allocation(257, 4, name="length", value=257)


def test_import_optional_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name == "optuna":
            raise ImportError("no optuna here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    monkeypatch.delitem(__import__("sys").modules, "optuna", raising=False)
    with pytest.raises(ImportError, match=r'pip install "lstmkit\[tuning\]"'):
        v.import_optional("optuna")


class Numbers(IndexBatchDataset):
    def make_batch(self, indices):
        return np.asarray(indices)


def test_index_batch_dataset_order_and_index_checks():
    dataset = Numbers(num_items=5, batch_size=2)
    assert len(dataset) == 3
    assert [dataset[i].tolist() for i in range(3)] == [[0, 1], [2, 3], [4]]
    assert dataset[-1].tolist() == [4]
    with pytest.raises(IndexError, match="`index` must be between -3 and 2"):
        dataset[3]
    with pytest.raises(TypeError, match="`index` must be an integer"):
        dataset[1.0]


def test_index_batch_dataset_shuffles_reproducibly_every_epoch():
    first, second = (Numbers(num_items=6, batch_size=6, shuffle=True, seed=3) for _ in range(2))
    epoch_one = first[0].tolist()
    assert epoch_one == second[0].tolist() and sorted(epoch_one) == list(range(6))
    first.on_epoch_end()
    assert first[0].tolist() != epoch_one  # a new order next epoch
    assert sorted(first[0].tolist()) == list(range(6))


def test_resolve_shuffle_seed_keeps_the_old_keyword():
    assert resolve_shuffle_seed(False, None, None, owner="X") == (False, None)
    with pytest.warns(DeprecationWarning, match=r"shuffle=True, seed=\.\.\."):
        assert resolve_shuffle_seed(False, None, 4, owner="X") == (True, 4)
    with pytest.raises(TypeError, match="either `seed` or the deprecated `shuffle_seed`"), \
            pytest.warns(DeprecationWarning):
        resolve_shuffle_seed(False, 1, 4, owner="X")
