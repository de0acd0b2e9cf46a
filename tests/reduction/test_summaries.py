"""lstmkit.reduction.summaries: pooling, PAA and window quantiles."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit import reduction


def _sequences(count=3, steps=12, channels=2, seed=0):
    return np.random.default_rng(seed).normal(size=(count, steps, channels)).astype("float32")


def test_pool_steps_exact_values():
    x = np.arange(14, dtype="float32").reshape(1, 7, 2)
    result = reduction.pool_steps(x, pool_size=2)
    assert result.shape == (1, 3, 2)
    np.testing.assert_allclose(result[0, :, 0], [1, 5, 9])
    assert reduction.pool_steps(x, pool_size=3, stride=2, reduction="max")[0, :, 1].tolist() == [
        5,
        9,
        13,
    ]


def test_pool_steps_matches_keras_average_pooling():
    import keras

    x = _sequences(steps=30)
    expected = keras.layers.AveragePooling1D(pool_size=4, strides=3)(x)
    np.testing.assert_allclose(
        reduction.pool_steps(x, pool_size=4, stride=3), np.asarray(expected), rtol=1e-6
    )


def test_pool_steps_integers_become_float32():
    assert reduction.pool_steps(np.arange(4)[None, :], pool_size=2).dtype == np.float32


def test_pool_and_paa_errors():
    x = _sequences(steps=10)
    with pytest.raises(
        ValueError, match=r"`pool_size` must be an integer between 1 and 10. Received: pool_size=11"
    ):
        reduction.pool_steps(x, pool_size=11)
    with pytest.raises(ValueError, match=r"`reduction` must be one of 'mean', 'max'"):
        reduction.pool_steps(x, pool_size=2, reduction="median")
    with pytest.raises(
        ValueError,
        match=r"`num_segments` must be an integer between 1 and 10. Received: num_segments=20",
    ):
        reduction.piecewise_aggregate(x, num_segments=20)
    with pytest.raises(ValueError, match=r"must not contain NaN"):
        reduction.piecewise_aggregate(np.full((1, 4), np.nan), num_segments=2)


def test_paa_equals_pooling_when_the_length_divides():
    x = _sequences(steps=12)
    np.testing.assert_allclose(
        reduction.piecewise_aggregate(x, num_segments=4),
        reduction.pool_steps(x, pool_size=3),
        rtol=1e-6,
    )


def _paa_reference(values, num_segments):
    """The textbook definition: repeat each value M times, then average blocks of T."""
    steps = values.shape[0]
    return np.repeat(values, num_segments).reshape(num_segments, steps).mean(axis=1)


@settings(max_examples=50, deadline=None)
@given(steps=st.integers(1, 50), data=st.data())
def test_paa_matches_textbook_definition(steps, data):
    num_segments = data.draw(st.integers(1, steps))
    values = np.random.default_rng(steps).normal(size=steps)
    result = reduction.piecewise_aggregate(values[None, :], num_segments=num_segments)[0]
    np.testing.assert_allclose(result, _paa_reference(values, num_segments), atol=1e-9)
    assert np.isclose(result.mean(), values.mean())


def test_window_quantiles_exact_and_layout():
    x = np.array([[3, 1, 2, 9, 0, 0, 0, 5]], dtype="float32")
    result = reduction.window_quantiles(x, num_windows=2, num_quantiles=3)
    np.testing.assert_allclose(result, [[[1, 2.5, 9], [0, 0, 5]]])
    two_channels = np.stack([x, -x], axis=-1)
    result = reduction.window_quantiles(two_channels, num_windows=1, num_quantiles=2)
    assert result.shape == (1, 1, 4)
    assert result[0, 0].tolist() == [0, 9, -9, 0]  # channel 0 min/max, then channel 1


def test_window_quantiles_ignore_order_inside_a_window_and_errors():
    x = _sequences(steps=12, channels=2)
    shuffled = x[:, [2, 0, 1, 5, 3, 4, 8, 6, 7, 11, 9, 10]]  # shuffle inside windows of 3
    np.testing.assert_allclose(
        reduction.window_quantiles(x, num_windows=4, num_quantiles=3),
        reduction.window_quantiles(shuffled, num_windows=4, num_quantiles=3),
    )
    with pytest.raises(
        ValueError,
        match=r"`num_windows` must be an integer between 1 and 12. Received: num_windows=13",
    ):
        reduction.window_quantiles(x, num_windows=13, num_quantiles=3)
    with pytest.raises(
        ValueError, match=r"`num_quantiles` must be an integer >= 2. Received: num_quantiles=1"
    ):
        reduction.window_quantiles(x, num_windows=2, num_quantiles=1)


# ------------------------------------------------------------------ uneven windows
def _quantiles_reference(sequence, num_windows, num_quantiles):
    """Per window of np.array_split, per channel: quantiles 0, ..., 1."""
    levels = np.linspace(0, 1, num_quantiles)
    return np.stack(
        [
            np.concatenate([np.quantile(window[:, c], levels) for c in range(sequence.shape[1])])
            for window in np.array_split(sequence, num_windows)
        ]
    )


@settings(max_examples=30, deadline=None)
@given(steps=st.integers(1, 40), quantiles=st.integers(2, 5), data=st.data())
def test_window_quantiles_uneven_windows_follow_array_split(steps, quantiles, data):
    num_windows = data.draw(st.integers(1, steps))
    x = _sequences(count=2, steps=steps, channels=2, seed=steps)
    result = reduction.window_quantiles(x, num_windows=num_windows, num_quantiles=quantiles)
    assert result.shape == (2, num_windows, 2 * quantiles)
    for sample in range(2):
        np.testing.assert_allclose(
            result[sample], _quantiles_reference(x[sample], num_windows, quantiles), rtol=1e-6
        )


def test_window_quantiles_uneven_windows_keep_every_step():
    x = np.arange(10, dtype="float32")[None, :]  # windows [0..3] [4..6] [7..9]
    result = reduction.window_quantiles(x, num_windows=3, num_quantiles=2)
    assert result[0].tolist() == [[0, 3], [4, 6], [7, 9]]


# ------------------------------------------------------------------ variable lengths
RAGGED = [np.arange(1, 9, dtype="float32"), np.arange(1, 5, dtype="float32")]  # no zeros


def test_summaries_of_a_list_use_only_each_sequences_real_steps():
    padded = np.zeros((2, 8), dtype="float32")
    padded[0], padded[1, :4] = RAGGED[0], RAGGED[1]
    # Each summary of the list equals the summary of that sequence alone (no padding).
    pooled = reduction.pool_steps(RAGGED, pool_size=2)
    assert [p.tolist() for p in pooled] == [[1.5, 3.5, 5.5, 7.5], [1.5, 3.5]]
    paa = reduction.piecewise_aggregate(RAGGED, num_segments=2)
    np.testing.assert_allclose(paa, [[2.5, 6.5], [1.5, 3.5]])
    quantiles = reduction.window_quantiles(RAGGED, num_windows=2, num_quantiles=2)
    np.testing.assert_allclose(quantiles[:, :, :], [[[1, 4], [5, 8]], [[1, 2], [3, 4]]])
    for index, sequence in enumerate(RAGGED):
        np.testing.assert_allclose(
            reduction.window_quantiles(sequence[None], num_windows=2, num_quantiles=2)[0],
            quantiles[index],
        )
    # The padded array mixes zeros into the second sequence's summaries.
    assert reduction.piecewise_aggregate(padded, num_segments=2)[1].tolist() == [2.5, 0.0]


def test_summaries_of_a_list_with_channels_and_errors():
    ragged = [_sequences(count=1, steps=steps)[0] for steps in (9, 5, 12)]
    assert reduction.piecewise_aggregate(ragged, num_segments=3).shape == (3, 3, 2)
    assert reduction.window_quantiles(ragged, num_windows=2, num_quantiles=3).shape == (3, 2, 6)
    assert [p.shape for p in reduction.pool_steps(ragged, pool_size=2)] == [(4, 2), (2, 2), (6, 2)]
    with pytest.raises(ValueError, match=r"`num_segments` must be an integer between 1 and 5"):
        reduction.piecewise_aggregate(ragged, num_segments=6)
    with pytest.raises(ValueError, match=r"`pool_size` must be an integer between 1 and 5"):
        reduction.pool_steps(ragged, pool_size=6)


def test_window_quantiles_checks_the_allocation_first(monkeypatch):
    monkeypatch.setenv("LSTMKIT_MAX_ALLOCATION_BYTES", str(10**6))
    with pytest.raises(ValueError, match="`num_quantiles`"):
        reduction.window_quantiles(_sequences(), num_windows=2, num_quantiles=10**6)


def test_quantile_summary_puts_value_and_change_quantiles_side_by_side():
    x = np.array([[0, 0, 4, 4, 4, 1]], dtype="float32")  # changes: 0 4 0 0 3 0
    result = reduction.quantile_summary(x, num_windows=2, num_quantiles=2)
    assert result.shape == (1, 2, 4)
    assert result[0].tolist() == [[0, 4, 0, 4], [1, 4, 0, 3]]
    x = _sequences(steps=30)
    changes = np.abs(np.diff(x, axis=1, append=x[:, -1:]))
    np.testing.assert_allclose(
        reduction.quantile_summary(x, num_windows=4, num_quantiles=3),
        np.concatenate([
            reduction.window_quantiles(x, num_windows=4, num_quantiles=3),
            reduction.window_quantiles(changes, num_windows=4, num_quantiles=3),
        ], axis=-1),
    )
    ragged = reduction.quantile_summary([x[0], x[1, :7]], num_windows=3, num_quantiles=2)
    np.testing.assert_allclose(
        ragged[1], reduction.quantile_summary(x[1:2, :7], num_windows=3, num_quantiles=2)[0]
    )
    with pytest.raises(ValueError, match="`num_quantiles`"):
        reduction.quantile_summary(x, num_windows=2, num_quantiles=1)


def test_append_differences_on_arrays_and_ragged_lists_without_touching_the_input():
    series = np.array([[1.0, 4.0, 2.0], [0.0, 0.0, 5.0]], dtype="float32")
    before = series.copy()
    out = reduction.append_differences(series)
    assert out.shape == (2, 3, 2) and out.dtype == np.float32
    np.testing.assert_array_equal(out[..., 0], series)
    np.testing.assert_array_equal(out[..., 1], [[0, 3, -2], [0, 0, 5]])
    np.testing.assert_array_equal(series, before)
    two_channels = np.stack([series, 10 * series], axis=-1)
    out = reduction.append_differences(two_channels)  # the channels, then their changes
    np.testing.assert_array_equal(out[..., 3], [[0, 30, -20], [0, 0, 50]])
    ragged = reduction.append_differences([np.array([2, 3]), np.array([1.0, 1.0, 4.0])])
    assert [part.shape for part in ragged] == [(2, 2), (3, 2)]
    np.testing.assert_array_equal(ragged[1][:, 1], [0, 0, 3])
    assert ragged[0].dtype == np.float32  # integers become float32
