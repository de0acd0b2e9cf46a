"""Tests for lstmkit.padding.masks: masks from lengths and back, the one mask check, cuDNN."""

import warnings

import numpy as np
import pytest

from lstmkit import imbalance, padding


def _sequences(lengths, num_features=None, seed=0):
    rng = np.random.default_rng(seed)
    shape = () if num_features is None else (num_features,)
    # Offset by 1 so no real step equals the padding value 0.
    return [(rng.random((length, *shape)) + 1).astype("float32") for length in lengths]


def test_mask_errors():
    with pytest.raises(ValueError, match=r"fully masked rows.*first at row 1"):
        padding.lengths_from_mask(np.array([[1, 0], [0, 0]], dtype=bool))
    with pytest.raises(
        ValueError, match=r"contiguous run of True at the start.*row 0: \[1, 0, 1\]"
    ):
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


# --- regressions --------------------------------------------------------------------


@pytest.mark.parametrize("use_mask", [True, False])
def test_every_mask_function_refuses_a_fractional_mask(use_mask):
    # A 0.5 mask used to be refused by lengths_from_mask but only warned about (or, with
    # use_mask=False, accepted) by check_cudnn_padding.
    mask = np.array([[1.0, 0.5], [1.0, 1.0]])
    with pytest.raises(ValueError, match=r"`mask` must hold booleans \(or 0 and 1\)"):
        padding.lengths_from_mask(mask)
    with pytest.raises(ValueError, match=r"`padding_or_mask` must hold booleans \(or 0 and 1\)"):
        padding.check_cudnn_padding(mask, use_mask=use_mask)
    with pytest.raises(ValueError, match=r"`mask` must hold booleans.*such as 0\.5"):
        padding.check_mask(mask)
    # sequence_sample_weights used to cast it with astype(bool): 0.5 counted as a real step.
    with pytest.raises(ValueError, match=r"`mask` must hold booleans.*such as 0\.5"):
        imbalance.sequence_sample_weights(np.zeros((2, 2), dtype=int), mask=mask)


def test_zero_one_masks_are_accepted_everywhere():
    mask = np.array([[1, 1, 0], [1, 1, 1]], dtype="float32")
    np.testing.assert_array_equal(padding.lengths_from_mask(mask), [2, 3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert padding.check_cudnn_padding(mask)
    assert padding.check_mask(mask).dtype == bool


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
            mask = padding.mask_from_lengths(lengths, length=length)
            return model.predict([padded, mask], verbose=0)
        return model.predict(padded, verbose=0)

    alone = np.concatenate([predict_one(model, s, use_explicit_mask) for s in sequences])
    for length in (13, 20, 64):
        np.testing.assert_allclose(predict(length), alone, atol=1e-5)
    pre_padded = padding.pad_sequences(sequences, length=20, padding="pre")
    if use_explicit_mask:
        pre_mask = padding.mask_from_lengths(lengths, length=20, padding="pre")
        np.testing.assert_allclose(
            model.predict([pre_padded, pre_mask], verbose=0), alone, atol=1e-5
        )
    else:
        np.testing.assert_allclose(model.predict(pre_padded, verbose=0), alone, atol=1e-5)
        # Control: the same layers without the mask do read the padding.
        unmasked = keras.Model(inputs, model.layers[-1](model.layers[-2](inputs)))
        padded = padding.pad_sequences(sequences, length=64)
        assert np.abs(unmasked.predict(padded, verbose=0) - alone).max() > 1e-3


def predict_one(model, sequence, use_explicit_mask):
    x = sequence[None]
    if use_explicit_mask:
        return model.predict([x, np.ones(x.shape[:2], dtype=bool)], verbose=0)
    return model.predict(x, verbose=0)
