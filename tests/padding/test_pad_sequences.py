"""Tests for lstmkit.padding.pad: padding round trips, truncation, sizes and fill values."""

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


def test_truncation_uses_the_shared_keep_steps_rule():
    from lstmkit.reduction.truncation import keep_steps

    sequences = _sequences([9, 4, 12], num_features=2)
    for truncating, keep in (("pre", "end"), ("post", "start")):
        padded = padding.pad_sequences(sequences, length=5, truncating=truncating)
        for row, sequence in enumerate(sequences):
            kept = keep_steps(sequence, 5, keep)
            np.testing.assert_array_equal(padded[row, : len(kept)], kept)


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
        (
            [np.ones((3, 2)), np.ones((4, 3))],
            {},
            ValueError,
            r"same feature shape.*\(3, 2\).*\(4, 3\)",
        ),
        ([np.ones(3), np.ones((3, 1))], {}, ValueError, r"same feature shape"),
        ([np.array([1.0, np.nan])], {}, ValueError, r"`sequences\[0\]` must not contain NaN"),
        ([np.ones((2, 2, 2))], {}, ValueError, r"`sequences\[0\]` must be a 1-D or 2-D array"),
        (
            [np.ones(3)],
            {"length": 0},
            ValueError,
            r"`length` must be an integer >= 1\. Received: length=0",
        ),
        (
            [np.ones(3)],
            {"padding": "left"},
            ValueError,
            r"`padding` must be one of 'post', 'pre'\. Received: padding='left'",
        ),
        (
            [np.ones(3)],
            {"truncating": "end"},
            ValueError,
            r"`truncating` must be one of 'post', 'pre'",
        ),
        # The shared sequence check also accepts one rectangular array, and says so.
        ("abc", {}, TypeError, r"`sequences` must be an array or a list of arrays"),
        (
            np.ones(4),
            {},
            ValueError,
            r"`sequences` must be a 2-D or 3-D array\. Received: sequences with shape \(4,\)",
        ),
    ],
)
def test_pad_sequences_errors(sequences, kwargs, error, match):
    with pytest.raises(error, match=match):
        padding.pad_sequences(sequences, **kwargs)


# --- regressions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "dtype"),
    [(1e40, "float32"), (-1e40, "float32"), (1e300, "float16"), (0.5, "int32"), (2**40, "int32"),
     (-1, "uint8"), (2, "bool")],
)
def test_padding_value_must_be_representable_in_the_dtype(value, dtype):
    # 1e40 used to become inf in float32, 0.5 silently 0 in int32.
    with pytest.raises(ValueError, match=r"`value` must be"):
        padding.pad_sequences([np.ones(2), np.ones(3)], value=value, dtype=dtype)


def test_representable_values_still_pad():
    padded = padding.pad_sequences([np.ones(1), np.ones(2)], value=0.1)
    assert padded[0, 1] == np.float32(0.1)
    padded = padding.pad_sequences([np.ones(1), np.ones(2)], value=1e40, dtype="float64")
    assert padded[0, 1] == 1e40
    padded = padding.pad_sequences([np.ones(1), np.ones(2)], value=-3, dtype="int8")
    assert padded.tolist() == [[1, -3], [1, 1]]
    with pytest.raises(TypeError, match=r"`dtype` must be a numeric NumPy dtype"):
        padding.pad_sequences([np.ones(1)], dtype="U3")


def test_huge_length_is_refused_before_allocating(monkeypatch):
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(8 * 1024**3))
    with pytest.raises(ValueError, match=r"`length` would make a result of"):
        padding.pad_sequences([np.ones(3), np.ones(2)], length=10**11)
