"""The shared argument checks: types, ranges and the wording users will read."""

import numpy as np
import pytest

from lstmkit import _validation as v


def test_check_int_accepts_numpy_integers_and_returns_int():
    value = v.check_int(np.int64(5), "window_length", minimum=1)
    assert value == 5 and type(value) is int


@pytest.mark.parametrize("bad", [True, 2.5, "3", None])
def test_check_int_rejects_non_integers_with_type_error(bad):
    with pytest.raises(
        TypeError, match=r"`window_length` must be an integer\. Received: window_length="
    ):
        v.check_int(bad, "window_length")


def test_check_int_range_message_names_bounds_and_value():
    with pytest.raises(
        ValueError, match=r"`stride` must be an integer >= 1\. Received: stride=0\."
    ):
        v.check_int(0, "stride", minimum=1)
    with pytest.raises(ValueError, match=r"between 1 and 10\. Received: units=11\. Use fewer"):
        v.check_int(11, "units", minimum=1, maximum=10, hint="Use fewer.")


def test_check_float_bounds_and_non_finite():
    assert v.check_float(0.5, "rate", minimum=0, maximum=1, include_maximum=False) == 0.5
    with pytest.raises(
        ValueError, match=r"`rate` must be a finite number >= 0 and < 1\. Received: rate=1\.0"
    ):
        v.check_float(1.0, "rate", minimum=0, maximum=1, include_maximum=False)
    with pytest.raises(ValueError, match="finite"):
        v.check_float(float("nan"), "rate")
    with pytest.raises(TypeError, match="`rate` must be a number"):
        v.check_float("0.1", "rate")


def test_check_option_and_bool():
    assert v.check_option("pre", "side", ("pre", "post")) == "pre"
    with pytest.raises(
        ValueError, match=r"`side` must be one of 'pre', 'post'\. Received: side='left'"
    ):
        v.check_option("left", "side", ("pre", "post"))
    with pytest.raises(TypeError, match="one of the strings"):
        v.check_option(1, "side", ("pre", "post"))
    with pytest.raises(TypeError, match=r"`shuffle` must be True or False\. Received: shuffle=1"):
        v.check_bool(1, "shuffle")


def test_check_array_rank_nan_empty_and_dtype():
    series = np.arange(6, dtype="float32")
    out = v.check_array(series, "series", ndim=(1, 2))
    assert out is series  # no copy when nothing needs converting
    with pytest.raises(
        ValueError,
        match=r"`series` must be a 1-D or 2-D array\. Received: series with shape \(2, 3, 1\)",
    ):
        v.check_array(series.reshape(2, 3, 1), "series", ndim=(1, 2))
    with pytest.raises(ValueError, match=r"must not contain NaN.*1 non-finite value"):
        v.check_array(np.array([1.0, np.nan]), "series")
    with pytest.raises(ValueError, match=r"at least 1 item"):
        v.check_array(np.zeros((0, 3)), "series")
    with pytest.raises(
        TypeError, match=r"`labels` must hold numbers\. Received: labels with dtype <U1"
    ):
        v.check_array(np.array(["a", "b"]), "labels")
    with pytest.raises(TypeError, match="could not be converted"):
        v.check_array([[1.0], [1.0, 2.0]], "sequences", dtype="float32")


def test_check_array_never_modifies_its_input():
    series = np.array([3, 1, 2])
    converted = v.check_array(series, "series", dtype="float32")
    converted[0] = 99
    np.testing.assert_array_equal(series, [3, 1, 2])


def test_check_same_length():
    v.check_same_length("x", [1, 2], "y", [3, 4])
    with pytest.raises(ValueError, match=r"len\(x\)=2, len\(y\)=3\. Pass one label"):
        v.check_same_length("x", [1, 2], "y", [1, 2, 3])


def test_check_random_state():
    first = v.check_random_state(3).integers(0, 1000, 5)
    np.testing.assert_array_equal(first, v.check_random_state(3).integers(0, 1000, 5))
    generator = np.random.default_rng(0)
    assert isinstance(v.check_random_state(generator), np.random.Generator)
    with pytest.raises(
        ValueError, match=r"`seed` must be None, a non-negative integer.*Received: seed=-1"
    ):
        v.check_random_state(-1)
    with pytest.raises(TypeError, match=r"Received: seed=1\.5"):
        v.check_random_state(1.5)


def test_received_summarises_arrays():
    text = v.received(x=np.zeros((1000, 3), dtype="float32"))
    assert text == "Received: x=array of shape (1000, 3) and dtype float32."
