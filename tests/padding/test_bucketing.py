"""Tests for lstmkit.padding.bucketing: buckets, padding fractions and BucketDataset."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit import padding


def _sequences(lengths, num_features=None, seed=0):
    rng = np.random.default_rng(seed)
    shape = () if num_features is None else (num_features,)
    # Offset by 1 so no real step equals the padding value 0.
    return [(rng.random((length, *shape)) + 1).astype("float32") for length in lengths]


def _bucket_dataset(*args, shuffle_seed=None, **kwargs):
    """Build with the deprecated `shuffle_seed=` keyword, which must keep working."""
    if shuffle_seed is None:
        return padding.BucketDataset(*args, **kwargs)
    with pytest.warns(DeprecationWarning, match=r"shuffle_seed=\.\.\.\)` is deprecated"):
        return padding.BucketDataset(*args, shuffle_seed=shuffle_seed, **kwargs)


lengths_strategy = st.lists(st.integers(1, 30), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(lengths=lengths_strategy, batch_size=st.integers(1, 8), seed=st.integers(0, 1000))
def test_buckets_partition_indices_and_waste_no_more_than_random_batches(
    lengths, batch_size, seed
):
    for shuffle in (False, True):
        batches = padding.bucket_by_length(
            lengths, batch_size=batch_size, shuffle=shuffle, seed=seed
        )
        joined = np.sort(np.concatenate(batches))
        np.testing.assert_array_equal(joined, np.arange(len(lengths)))
        sizes = sorted(len(batch) for batch in batches)
        assert sizes[1:] == [batch_size] * (len(sizes) - 1) and 1 <= sizes[0] <= batch_size
        if not shuffle:
            longest = [max(lengths[i] for i in batch) for batch in batches]
            assert longest == sorted(longest)  # shortest batches first
        random_order = np.random.default_rng(seed).permutation(len(lengths))
        random_batches = [
            random_order[i : i + batch_size] for i in range(0, len(lengths), batch_size)
        ]
        # Sorted batches, with the smaller one placed best, minimise the padding.
        assert padding.padding_fraction(lengths, batches=batches) <= padding.padding_fraction(
            lengths, batches=random_batches
        ) + 1e-12
        assert (
            padding.padding_fraction(lengths, batches=batches)
            <= padding.padding_fraction(lengths) + 1e-12
        )


def test_bucket_shuffle_is_seeded():
    lengths = np.random.default_rng(0).integers(1, 50, size=200)
    first = padding.bucket_by_length(lengths, batch_size=16, shuffle=True, seed=1)
    again = padding.bucket_by_length(lengths, batch_size=16, shuffle=True, seed=1)
    other = padding.bucket_by_length(lengths, batch_size=16, shuffle=True, seed=2)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


def test_the_smaller_batch_goes_where_it_saves_most():
    batches = padding.bucket_by_length([2, 1, 2], batch_size=2)
    assert [batch.tolist() for batch in batches] == [[1], [0, 2]]
    assert padding.padding_fraction([2, 1, 2], batches=batches) == 0
    # One very long sequence: it is cheaper alone than padding a full batch to it.
    batches = padding.bucket_by_length([1, 1, 1, 1, 100], batch_size=2)
    assert [batch.tolist() for batch in batches] == [[0, 1], [2, 3], [4]]


@settings(max_examples=40, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 30), min_size=1, max_size=9), batch_size=st.integers(1, 4)
)
def test_bucketing_matches_the_best_placement_by_brute_force(lengths, batch_size):
    import itertools

    lengths = np.array(lengths)
    order = np.argsort(lengths, kind="stable")
    num_full, remainder = divmod(len(lengths), batch_size)
    best = None
    for slot in range(num_full + 1 if remainder else 1):
        sizes = (
            [batch_size] * slot
            + ([remainder] if remainder else [])
            + [batch_size] * (num_full - slot)
        )
        edges = [0, *itertools.accumulate(sizes)]
        groups = [order[a:b] for a, b in zip(edges, edges[1:], strict=False)]
        fraction = padding.padding_fraction(lengths, batches=groups)
        best = fraction if best is None else min(best, fraction)
    ours = padding.padding_fraction(
        lengths, batches=padding.bucket_by_length(lengths, batch_size=batch_size)
    )
    assert abs(ours - best) < 1e-12


def test_padding_fraction_values_and_errors():
    assert padding.padding_fraction([2, 2]) == 0
    assert padding.padding_fraction([1, 3], length=2) == 0.25
    with pytest.raises(
        ValueError, match=r"`batches\[0\]` must hold indices into `lengths` \(0 to 1\)"
    ):
        padding.padding_fraction([1, 3], batches=[np.array([0, 2])])
    with pytest.raises(TypeError, match=r"list of index arrays, not one flat array"):
        padding.padding_fraction([1, 3], batches=np.array([0, 1]))
    with pytest.raises(ValueError, match=r"`batch_size` must be an integer >= 1"):
        padding.bucket_by_length([1, 2], batch_size=0)


def test_bucket_dataset_batches_pad_to_their_own_longest():
    lengths = [5, 1, 4, 2, 7, 3, 6]
    sequences = _sequences(lengths, num_features=2)
    labels = np.arange(7)
    dataset = _bucket_dataset(sequences, labels, batch_size=3, shuffle_seed=0)
    assert len(dataset) == 3
    seen = []
    for index in range(len(dataset)):
        x, y = dataset[index]
        assert x.shape[1] == max(lengths[label] for label in y) and x.shape[2] == 2
        for row, label in enumerate(y):
            np.testing.assert_array_equal(x[row, : lengths[label]], sequences[label])
        seen.extend(y.tolist())
    assert sorted(seen) == list(range(7))


def test_bucket_dataset_errors_and_pre_padding_warning():
    sequences = _sequences([3, 4])
    with pytest.raises(ValueError, match=r"`sequences` and `labels` must have the same length"):
        padding.BucketDataset(sequences, np.arange(3))
    with pytest.warns(
        UserWarning, match=r"padding='pre' with a mask takes Keras LSTM/GRU layers off the fused"
    ):
        padding.BucketDataset(sequences, padding="pre")


def test_shuffle_seed_gives_the_same_batches_as_before_and_as_seed():
    # Before the shared base: a generator seeded with `shuffle_seed` drew one bucketing
    # seed per epoch, the first at construction.
    lengths = np.random.default_rng(0).integers(1, 40, size=50)
    sequences = _sequences(lengths)
    generator = np.random.default_rng(5)
    expected = []
    for _ in range(3):
        seed = int(generator.integers(2**32))
        expected.append(
            padding.bucket_by_length(lengths, batch_size=8, shuffle=True, seed=seed)
        )
    old = _bucket_dataset(sequences, batch_size=8, shuffle_seed=5)
    new = padding.BucketDataset(sequences, batch_size=8, shuffle=True, seed=5)
    assert old.shuffle_seed == 5 and new.seed == 5
    for batches in expected:
        for dataset in (old, new):
            got = dataset.batches
            # The only change on top of bucketing: the second batch may be swapped.
            assert sorted(map(tuple, got)) == sorted(map(tuple, batches))
            assert np.array_equal(got[0], batches[0])
            dataset.on_epoch_end()
    assert all(
        np.array_equal(a, b)
        for a, b in zip(_bucket_dataset(sequences, batch_size=8, shuffle_seed=5).batches,
                        padding.BucketDataset(sequences, batch_size=8, shuffle=True,
                                              seed=5).batches, strict=True)
    )


# --- regressions --------------------------------------------------------------------


def test_padding_fraction_of_no_batches_is_a_clear_error():
    # Used to raise ZeroDivisionError.
    with pytest.raises(ValueError, match=r"`batches` must hold at least one batch"):
        padding.padding_fraction([1, 2], batches=[])
    with pytest.raises(ValueError, match=r"`batches\[0\]` must have at least 1 item"):
        padding.padding_fraction([1, 2], batches=[np.array([], dtype=int)])


def test_bucket_dataset_checks_value_and_batch_memory(monkeypatch):
    sequences = _sequences([3, 4])
    with pytest.raises(ValueError, match=r"`value` must be representable in dtype float32"):
        padding.BucketDataset(sequences, value=1e40)
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(1024))
    long_sequences = [np.ones(1000, dtype="float32"), np.ones(10, dtype="float32")]
    with pytest.raises(ValueError, match=r"`batch_size` would make a result of"):
        padding.BucketDataset(long_sequences, batch_size=2)


@pytest.mark.slow
def test_bucket_dataset_trains_with_model_fit():
    import keras

    keras.utils.set_random_seed(0)
    lengths = np.random.default_rng(0).integers(3, 30, size=64)
    sequences = _sequences(lengths, num_features=2)
    labels = (lengths > 15).astype("int32")
    dataset = padding.BucketDataset(sequences, labels, batch_size=16, shuffle=True, seed=0)
    model = keras.Sequential(
        [
            keras.Input((None, 2)),
            keras.layers.Masking(0.0),
            keras.layers.LSTM(4),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(dataset, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.slow
def test_bucket_dataset_fits_when_the_first_two_batches_have_the_same_length():
    import keras

    # Sorted batches have longest steps 5, 5, 9: Keras would fix the time axis at 5.
    sequences = _sequences([5, 5, 5, 5, 9, 9], num_features=1)
    dataset = padding.BucketDataset(sequences, np.zeros(6, dtype="int32"), batch_size=2)
    assert [dataset[index][0].shape[1] for index in range(3)][:2] == [5, 9]
    model = keras.Sequential(
        [keras.Input((None, 1)), keras.layers.Masking(0.0), keras.layers.LSTM(2)]
    )
    model.compile(optimizer="sgd", loss="mse")
    model.fit(dataset, epochs=2, verbose=0)
    for seed in range(5):
        shuffled = _bucket_dataset(sequences, batch_size=2, shuffle_seed=seed)
        lengths = [shuffled[index].shape[1] for index in range(3)]
        assert lengths[0] != lengths[1]
