"""Tests for lstmkit.padding: padding round trips, masks, bucketing, the cuDNN check."""

import warnings

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


lengths_strategy = st.lists(st.integers(1, 30), min_size=1, max_size=25)


# --- pad_sequences ----------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    lengths=lengths_strategy,
    num_features=st.sampled_from([None, 1, 4]),
    side=st.sampled_from(["post", "pre"]),
)
def test_pad_then_unpad_round_trips(lengths, num_features, side):
    sequences = _sequences(lengths, num_features)
    copies = [sequence.copy() for sequence in sequences]
    padded = padding.pad_sequences(sequences, padding=side)
    assert padded.shape[:2] == (len(lengths), max(lengths)) and padded.dtype == np.float32
    mask = padding.mask_from_lengths(lengths, padding=side)
    np.testing.assert_array_equal(padding.lengths_from_mask(mask, padding=side), lengths)
    np.testing.assert_array_equal(padded[~mask], 0)
    for row, sequence in enumerate(sequences):
        np.testing.assert_array_equal(padded[row][mask[row]], sequence)
        np.testing.assert_array_equal(sequence, copies[row])


@settings(max_examples=60, deadline=None)
@given(
    lengths=lengths_strategy,
    length=st.integers(1, 30),
    truncating=st.sampled_from(["post", "pre"]),
    side=st.sampled_from(["post", "pre"]),
)
def test_truncation_keeps_the_chosen_end(lengths, length, truncating, side):
    sequences = _sequences(lengths)
    padded = padding.pad_sequences(sequences, length=length, padding=side, truncating=truncating)
    mask = padding.mask_from_lengths(lengths, length=length, padding=side)
    for row, sequence in enumerate(sequences):
        kept = sequence[-length:] if truncating == "pre" else sequence[:length]
        np.testing.assert_array_equal(padded[row][mask[row]], kept)


def test_pad_sequences_matches_keras_when_asked_for_the_same_options():
    import keras

    sequences = [[1.5, 2.5], [3.0, 4.0, 5.0, 6.0, 7.0]]
    ours = padding.pad_sequences(sequences, length=4, padding="pre", truncating="pre")
    theirs = keras.utils.pad_sequences(sequences, maxlen=4, dtype="float32")
    np.testing.assert_array_equal(ours, theirs)
    # Keras's default dtype rounds float features: the reason lstmkit defaults to float32.
    assert keras.utils.pad_sequences(sequences)[0, -1] == 2


def test_pad_sequences_accepts_an_array_and_a_custom_value():
    padded = padding.pad_sequences(np.ones((2, 3, 2)), length=4, value=-1.0)
    assert padded.shape == (2, 4, 2) and (padded[:, 3] == -1).all()


@pytest.mark.parametrize(
    ("sequences", "kwargs", "error", "match"),
    [
        ([], {}, ValueError, r"`sequences` must hold at least one sequence"),
        ([np.ones(3), np.ones(0)], {}, ValueError, r"`sequences\[1\]` is empty"),
        ([np.ones((3, 2)), np.ones((4, 3))], {}, ValueError, r"same feature shape.*\(3, 2\).*\(4, 3\)"),
        ([np.ones(3), np.ones((3, 1))], {}, ValueError, r"same feature shape"),
        ([np.array([1.0, np.nan])], {}, ValueError, r"`sequences\[0\]` must not contain NaN"),
        ([np.ones((2, 2, 2))], {}, ValueError, r"`sequences\[0\]` must be a 1-D or 2-D array"),
        ([np.ones(3)], {"length": 0}, ValueError, r"`length` must be an integer >= 1\. Received: length=0"),
        ([np.ones(3)], {"padding": "left"}, ValueError, r"`padding` must be one of 'post', 'pre'\. Received: padding='left'"),
        ([np.ones(3)], {"truncating": "end"}, ValueError, r"`truncating` must be one of 'post', 'pre'"),
        ("abc", {}, TypeError, r"`sequences` must be a list of arrays"),
        (np.ones(4), {}, ValueError, r"as one array must be 2-D .* Received: sequences with shape \(4,\)"),
    ],
)
def test_pad_sequences_errors(sequences, kwargs, error, match):
    with pytest.raises(error, match=match):
        padding.pad_sequences(sequences, **kwargs)


# --- masks ------------------------------------------------------------------------


def test_mask_errors():
    with pytest.raises(ValueError, match=r"fully masked rows.*first at row 1"):
        padding.lengths_from_mask(np.array([[1, 0], [0, 0]], dtype=bool))
    with pytest.raises(ValueError, match=r"contiguous run of True at the start.*row 0: \[1, 0, 1\]"):
        padding.lengths_from_mask(np.array([[1, 0, 1], [1, 1, 1]], dtype=bool))
    with pytest.raises(ValueError, match=r"It is a valid padding='pre' mask: pass padding='pre'"):
        padding.lengths_from_mask(np.array([[0, 1, 1]], dtype=bool))
    with pytest.raises(ValueError, match=r"`mask` must hold booleans \(or 0 and 1\)"):
        padding.lengths_from_mask(np.array([[2, 1]]))
    with pytest.raises(ValueError, match=r"`mask` must be a 2-D array"):
        padding.lengths_from_mask(np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match=r"`lengths` must all be >= 1.*minimum 0 at position 1"):
        padding.mask_from_lengths([3, 0])
    with pytest.raises(TypeError, match=r"`lengths` must hold whole numbers"):
        padding.mask_from_lengths([1.5, 2])


def test_mask_functions_do_not_change_inputs():
    mask = np.array([[1, 1, 0]], dtype=bool)
    lengths = np.array([2, 3])
    padding.lengths_from_mask(mask)
    padding.mask_from_lengths(lengths, length=2)
    assert mask.tolist() == [[True, True, False]] and lengths.tolist() == [2, 3]


# --- bucketing --------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(lengths=lengths_strategy, batch_size=st.integers(1, 8), seed=st.integers(0, 1000))
def test_buckets_partition_indices_and_waste_no_more_than_random_batches(lengths, batch_size, seed):
    for shuffle in (False, True):
        batches = padding.bucket_by_length(lengths, batch_size=batch_size, shuffle=shuffle, seed=seed)
        joined = np.sort(np.concatenate(batches))
        np.testing.assert_array_equal(joined, np.arange(len(lengths)))
        sizes = sorted(len(batch) for batch in batches)
        assert sizes[1:] == [batch_size] * (len(sizes) - 1) and 1 <= sizes[0] <= batch_size
        if not shuffle:
            longest = [max(lengths[i] for i in batch) for batch in batches]
            assert longest == sorted(longest)  # shortest batches first
        random_order = np.random.default_rng(seed).permutation(len(lengths))
        random_batches = [random_order[i : i + batch_size] for i in range(0, len(lengths), batch_size)]
        # Sorted batches, with the smaller one placed best, minimise the padding.
        assert padding.padding_fraction(lengths, batches=batches) <= padding.padding_fraction(
            lengths, batches=random_batches
        ) + 1e-12
        assert padding.padding_fraction(lengths, batches=batches) <= padding.padding_fraction(lengths) + 1e-12


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
@given(lengths=st.lists(st.integers(1, 30), min_size=1, max_size=9), batch_size=st.integers(1, 4))
def test_bucketing_matches_the_best_placement_by_brute_force(lengths, batch_size):
    import itertools

    lengths = np.array(lengths)
    order = np.argsort(lengths, kind="stable")
    num_full, remainder = divmod(len(lengths), batch_size)
    best = None
    for slot in range(num_full + 1 if remainder else 1):
        sizes = [batch_size] * slot + ([remainder] if remainder else []) + [batch_size] * (num_full - slot)
        edges = [0, *itertools.accumulate(sizes)]
        groups = [order[a:b] for a, b in zip(edges, edges[1:], strict=False)]
        fraction = padding.padding_fraction(lengths, batches=groups)
        best = fraction if best is None else min(best, fraction)
    ours = padding.padding_fraction(lengths, batches=padding.bucket_by_length(lengths, batch_size=batch_size))
    assert abs(ours - best) < 1e-12


def test_padding_fraction_values_and_errors():
    assert padding.padding_fraction([2, 2]) == 0
    assert padding.padding_fraction([1, 3], length=2) == 0.25
    with pytest.raises(ValueError, match=r"`batches\[0\]` must hold indices into `lengths` \(0 to 1\)"):
        padding.padding_fraction([1, 3], batches=[np.array([0, 2])])
    with pytest.raises(TypeError, match=r"list of index arrays, not one flat array"):
        padding.padding_fraction([1, 3], batches=np.array([0, 1]))
    with pytest.raises(ValueError, match=r"`batch_size` must be an integer >= 1"):
        padding.bucket_by_length([1, 2], batch_size=0)


def test_bucket_dataset_batches_pad_to_their_own_longest():
    lengths = [5, 1, 4, 2, 7, 3, 6]
    sequences = _sequences(lengths, num_features=2)
    labels = np.arange(7)
    dataset = padding.BucketDataset(sequences, labels, batch_size=3, shuffle_seed=0)
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
    with pytest.warns(UserWarning, match=r"padding='pre' with a mask takes Keras LSTM/GRU layers off the fused cuDNN"):
        padding.BucketDataset(sequences, padding="pre")


# --- the cuDNN check --------------------------------------------------------------


def test_check_cudnn_padding():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert padding.check_cudnn_padding("post")
        assert padding.check_cudnn_padding("pre", use_mask=False)
        assert padding.check_cudnn_padding(padding.mask_from_lengths([2, 3]))
    with pytest.warns(UserWarning, match=r"off the fused cuDNN kernel.*padding='post'"):
        assert not padding.check_cudnn_padding("pre")
    with pytest.warns(UserWarning, match=r"needs right-padded masks.*valid padding='pre' mask"):
        assert not padding.check_cudnn_padding(padding.mask_from_lengths([2, 3], padding="pre"))
    with pytest.warns(UserWarning, match=r"fully masked"):
        assert not padding.check_cudnn_padding(np.array([[True, False], [False, False]]))
    with pytest.raises(ValueError, match=r"`padding_or_mask` must be one of 'post', 'pre'"):
        padding.check_cudnn_padding("both")


# --- masking in a real LSTM -------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("use_explicit_mask", [False, True])
def test_masked_lstm_predictions_do_not_depend_on_padding(use_explicit_mask):
    import keras

    keras.utils.set_random_seed(0)
    num_features = 3
    inputs = keras.Input((None, num_features))
    if use_explicit_mask:
        mask_input = keras.Input((None,), dtype="bool")
        outputs = keras.layers.LSTM(8)(inputs, mask=mask_input)
        model = keras.Model([inputs, mask_input], keras.layers.Dense(2)(outputs))
    else:
        masked = keras.layers.Masking(mask_value=0.0)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.LSTM(8)(masked)))
    lengths = [4, 9, 13]
    sequences = _sequences(lengths, num_features)

    def predict(length):
        padded = padding.pad_sequences(sequences, length=length)
        if use_explicit_mask:
            return model.predict([padded, padding.mask_from_lengths(lengths, length=length)], verbose=0)
        return model.predict(padded, verbose=0)

    alone = np.concatenate([predict_one(model, s, use_explicit_mask) for s in sequences])
    for length in (13, 20, 64):
        np.testing.assert_allclose(predict(length), alone, atol=1e-5)
    pre_padded = padding.pad_sequences(sequences, length=20, padding="pre")
    if use_explicit_mask:
        pre_mask = padding.mask_from_lengths(lengths, length=20, padding="pre")
        np.testing.assert_allclose(model.predict([pre_padded, pre_mask], verbose=0), alone, atol=1e-5)
    else:
        np.testing.assert_allclose(model.predict(pre_padded, verbose=0), alone, atol=1e-5)
        # Control: the same layers without the mask do read the padding.
        unmasked = keras.Model(inputs, model.layers[-1](model.layers[-2](inputs)))
        assert np.abs(unmasked.predict(padding.pad_sequences(sequences, length=64), verbose=0) - alone).max() > 1e-3


def predict_one(model, sequence, use_explicit_mask):
    x = sequence[None]
    if use_explicit_mask:
        return model.predict([x, np.ones(x.shape[:2], dtype=bool)], verbose=0)
    return model.predict(x, verbose=0)


@pytest.mark.slow
def test_bucket_dataset_trains_with_model_fit():
    import keras

    keras.utils.set_random_seed(0)
    lengths = np.random.default_rng(0).integers(3, 30, size=64)
    sequences = _sequences(lengths, num_features=2)
    labels = (lengths > 15).astype("int32")
    dataset = padding.BucketDataset(sequences, labels, batch_size=16, shuffle_seed=0)
    model = keras.Sequential(
        [keras.Input((None, 2)), keras.layers.Masking(0.0), keras.layers.LSTM(4), keras.layers.Dense(1, activation="sigmoid")]
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
    model = keras.Sequential([keras.Input((None, 1)), keras.layers.Masking(0.0), keras.layers.LSTM(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(dataset, epochs=2, verbose=0)
    for seed in range(5):
        shuffled = padding.BucketDataset(sequences, batch_size=2, shuffle_seed=seed)
        lengths = [shuffled[index].shape[1] for index in range(3)]
        assert lengths[0] != lengths[1]
