"""lstmkit.reduction: truncation, token and signal summaries, random sampling, projections."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit import reduction


def _sequences(count=3, steps=12, channels=2, seed=0):
    return np.random.default_rng(seed).normal(size=(count, steps, channels)).astype("float32")


# --------------------------------------------------------------------------- truncate
@pytest.mark.parametrize(
    ("keep", "expected"),
    [("start", [0, 1, 2, 3]), ("end", [6, 7, 8, 9]), ("center", [3, 4, 5, 6])],
)
def test_truncate_keeps_the_expected_indices(keep, expected):
    steps = np.tile(np.arange(10), (2, 1))[:, :, None]
    result = reduction.truncate_sequences(steps, length=4, keep=keep)
    assert result.shape == (2, 4, 1)
    assert result[1, :, 0].tolist() == expected


def test_truncate_centre_of_odd_remainder_rounds_down():
    result = reduction.truncate_sequences(np.arange(9)[None, :], length=4, keep="center")
    assert result.tolist() == [[2, 3, 4, 5]]


def test_truncate_returns_a_copy_and_leaves_input_alone():
    x = _sequences()
    before = x.copy()
    result = reduction.truncate_sequences(x, length=12, keep="end")
    result[:] = 0
    np.testing.assert_array_equal(x, before)


def test_truncate_list_of_variable_lengths():
    sequences = [np.arange(6), np.arange(2), np.arange(10).reshape(5, 2)]
    result = reduction.truncate_sequences(sequences, length=3, keep="start")
    assert [r.tolist() for r in result[:2]] == [[0, 1, 2], [0, 1]]
    assert result[2].shape == (3, 2)
    result[1][0] = 99
    assert sequences[1][0] == 0


def test_truncate_errors():
    x = _sequences(steps=10)
    with pytest.raises(ValueError, match=r"`length` must be at most .* Received: length=20 for sequences of 10 steps"):
        reduction.truncate_sequences(x, length=20)
    with pytest.raises(ValueError, match=r"`keep` must be one of 'start', 'end', 'center'. Received: keep='middle'"):
        reduction.truncate_sequences(x, length=2, keep="middle")
    with pytest.raises(ValueError, match=r"`length` must be an integer >= 1. Received: length=0"):
        reduction.truncate_sequences(x, length=0)
    with pytest.raises(TypeError, match=r"`length` must be an integer"):
        reduction.truncate_sequences(x, length=2.5)
    with pytest.raises(ValueError, match=r"`sequences` must be a 2-D or 3-D array"):
        reduction.truncate_sequences(np.zeros(5), length=2)
    with pytest.raises(ValueError, match=r"`sequences` must hold at least one sequence"):
        reduction.truncate_sequences([], length=2)


@settings(max_examples=40, deadline=None)
@given(
    steps=st.integers(1, 40),
    length=st.integers(1, 40),
    keep=st.sampled_from(["start", "end", "center"]),
)
def test_truncate_span_is_contiguous_and_inside(steps, length, keep):
    x = np.arange(steps)[None, :]
    if length > steps:
        with pytest.raises(ValueError):
            reduction.truncate_sequences(x, length=length, keep=keep)
        return
    kept = reduction.truncate_sequences(x, length=length, keep=keep)[0]
    assert kept.size == length
    assert (np.diff(kept) == 1).all()
    if keep == "start":
        assert kept[0] == 0
    elif keep == "end":
        assert kept[-1] == steps - 1
    else:
        assert abs(kept[0] - (steps - 1 - kept[-1])) <= 1


# ----------------------------------------------------------------------------- text
TOKENS = np.array([[5, 2, 5, 7, 0], [5, 7, 3, 0, 0]])


def test_rank_tokens_by_count_then_id():
    assert reduction.rank_tokens(TOKENS).tolist() == [5, 7, 2, 3]
    assert reduction.rank_tokens([np.array([4, 4, 1]), np.array([1, 9])]).tolist() == [1, 4, 9]
    assert reduction.rank_tokens(np.zeros((2, 3), dtype=int)).size == 0


def test_drop_frequent_tokens_array_and_list():
    np.testing.assert_array_equal(
        reduction.drop_frequent_tokens(TOKENS, num_dropped=1), [[2, 7], [7, 3]]
    )
    np.testing.assert_array_equal(
        reduction.drop_frequent_tokens(TOKENS, num_dropped=2), [[2], [3]]
    )
    result = reduction.drop_frequent_tokens([np.array([5, 2, 5, 7]), np.array([5, 7, 3])], num_dropped=1)
    assert [r.tolist() for r in result] == [[2, 7], [7, 3]]
    assert reduction.drop_frequent_tokens(TOKENS, num_dropped=0).tolist() == [[5, 2, 5, 7], [5, 7, 3, 0]]


def test_keep_top_vocabulary_and_a_training_ranking():
    np.testing.assert_array_equal(
        reduction.keep_top_vocabulary(TOKENS, vocabulary_size=2), [[5, 5, 7], [5, 7, 0]]
    )
    ranking = reduction.rank_tokens(np.array([[3, 3, 3, 2]]))  # training set: 3 then 2
    np.testing.assert_array_equal(
        reduction.keep_top_vocabulary(TOKENS, vocabulary_size=1, ranking=ranking), [[0], [3]]
    )


def test_token_functions_leave_input_alone():
    before = TOKENS.copy()
    reduction.drop_frequent_tokens(TOKENS, num_dropped=1)
    reduction.keep_top_vocabulary(TOKENS, vocabulary_size=1)
    np.testing.assert_array_equal(TOKENS, before)


def test_token_errors():
    with pytest.raises(TypeError, match=r"`sequences` must hold integer token ids. Received: sequences with dtype float"):
        reduction.rank_tokens(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"`num_dropped` must be at most the number of ranked tokens \(4\). Received: num_dropped=9"):
        reduction.drop_frequent_tokens(TOKENS, num_dropped=9)
    with pytest.raises(ValueError, match=r"`vocabulary_size` must be an integer >= 1. Received: vocabulary_size=0"):
        reduction.keep_top_vocabulary(TOKENS, vocabulary_size=0)
    with pytest.raises(TypeError, match=r"`ranking` must be an integer array"):
        reduction.keep_top_vocabulary(TOKENS, vocabulary_size=1, ranking=np.array([1.5]))
    with pytest.raises(ValueError, match=r"token ids >= 0. Received: a smallest id of -1"):
        reduction.rank_tokens(np.array([[1, -1]]))
    with pytest.raises(TypeError, match=r"Received: sequences\[1\] with dtype float"):
        reduction.rank_tokens([np.array([1, 2]), np.array([1.0])])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 8), min_size=1, max_size=12), min_size=1, max_size=5),
    st.integers(0, 3),
)
def test_drop_frequent_tokens_array_matches_list(rows, num_dropped):
    arrays = [np.array(row) for row in rows]
    width = max(len(row) for row in rows)
    padded = np.zeros((len(rows), width), dtype=np.int64)
    for index, row in enumerate(rows):
        padded[index, : len(row)] = row
    ranking = reduction.rank_tokens(padded)
    num_dropped = min(num_dropped, ranking.size)
    from_list = reduction.drop_frequent_tokens(arrays, num_dropped=num_dropped, ranking=ranking)
    from_array = reduction.drop_frequent_tokens(padded, num_dropped=num_dropped, ranking=ranking)
    for index, kept in enumerate(from_list):
        assert from_array[index, : kept.size].tolist() == kept.tolist()
        assert (from_array[index, kept.size :] == 0).all()
        assert not np.isin(kept, ranking[:num_dropped]).any()


# -------------------------------------------------------------------------- signals
def test_pool_steps_exact_values():
    x = np.arange(14, dtype="float32").reshape(1, 7, 2)
    result = reduction.pool_steps(x, pool_size=2)
    assert result.shape == (1, 3, 2)
    np.testing.assert_allclose(result[0, :, 0], [1, 5, 9])
    assert reduction.pool_steps(x, pool_size=3, stride=2, reduction="max")[0, :, 1].tolist() == [5, 9, 13]


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
    with pytest.raises(ValueError, match=r"`pool_size` must be an integer between 1 and 10. Received: pool_size=11"):
        reduction.pool_steps(x, pool_size=11)
    with pytest.raises(ValueError, match=r"`reduction` must be one of 'mean', 'max'"):
        reduction.pool_steps(x, pool_size=2, reduction="median")
    with pytest.raises(ValueError, match=r"`num_segments` must be an integer between 1 and 10. Received: num_segments=20"):
        reduction.piecewise_aggregate(x, num_segments=20)
    with pytest.raises(ValueError, match=r"must not contain NaN"):
        reduction.piecewise_aggregate(np.full((1, 4), np.nan), num_segments=2)


def test_paa_equals_pooling_when_the_length_divides():
    x = _sequences(steps=12)
    np.testing.assert_allclose(
        reduction.piecewise_aggregate(x, num_segments=4), reduction.pool_steps(x, pool_size=3), rtol=1e-6
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


def test_strided_frontend_shape_and_validation():
    frontend = reduction.make_strided_frontend(filters=4, strides=2, pool_size=5, num_blocks=2)
    output = frontend(np.zeros((3, 1000, 2), dtype="float32"))
    assert tuple(output.shape) == (3, 10, 4)  # 1000 / (2 * 5) / (2 * 5)
    no_pool = reduction.make_strided_frontend(filters=4, strides=4, pool_size=1)
    assert tuple(no_pool(np.zeros((1, 100, 1), dtype="float32")).shape) == (1, 25, 4)
    with pytest.raises(ValueError, match=r"`num_blocks` must be an integer between 1 and 4. Received: num_blocks=5"):
        reduction.make_strided_frontend(num_blocks=5)


# ------------------------------------------------------------------ random sampling
def test_drop_random_steps_keeps_ordered_distinct_steps_seeded():
    x = np.tile(np.arange(50), (4, 1))[:, :, None] * np.array([1, -1])
    first = reduction.drop_random_steps(x, num_kept=10, seed=3)
    assert first.shape == (4, 10, 2)
    assert (np.diff(first[..., 0], axis=1) > 0).all()
    np.testing.assert_array_equal(first[..., 1], -first[..., 0])  # channels stay together
    np.testing.assert_array_equal(first, reduction.drop_random_steps(x, num_kept=10, seed=3))
    assert not np.array_equal(first[0], first[1])  # each sample gets its own subset
    np.testing.assert_array_equal(reduction.drop_random_steps(x, num_kept=50, seed=0), x)
    with pytest.raises(ValueError, match=r"`num_kept` must be an integer between 1 and 50. Received: num_kept=51"):
        reduction.drop_random_steps(x, num_kept=51)


def test_random_crops_values_starts_and_seed():
    x = np.arange(40).reshape(2, 20)
    crops, starts = reduction.random_crops(x, crop_length=5, num_crops=3, seed=1, return_starts=True)
    assert crops.shape == (6, 5) and starts.shape == (2, 3)
    assert starts.min() >= 0 and starts.max() <= 15
    for sample in range(2):
        for crop in range(3):
            start = starts[sample, crop]
            np.testing.assert_array_equal(crops[sample * 3 + crop], x[sample, start : start + 5])
    np.testing.assert_array_equal(crops, reduction.random_crops(x, crop_length=5, num_crops=3, seed=1))
    with pytest.raises(ValueError, match=r"`crop_length` must be an integer between 1 and 20. Received: crop_length=21"):
        reduction.random_crops(x, crop_length=21)
    with pytest.raises(TypeError, match=r"`return_starts` must be True or False"):
        reduction.random_crops(x, crop_length=2, return_starts=1)


def test_random_crops_cover_every_start():
    starts = reduction.random_crops(np.zeros((1, 10)), crop_length=8, num_crops=200, seed=0, return_starts=True)[1]
    assert set(starts.ravel().tolist()) == {0, 1, 2}


def test_evenly_spaced_crops_span_start_to_end():
    x = np.arange(20).reshape(1, 20, 1)
    crops = reduction.evenly_spaced_crops(x, crop_length=5, num_crops=4)
    assert [int(c[0, 0]) for c in crops] == [0, 5, 10, 15]
    centred = reduction.evenly_spaced_crops(x, crop_length=4, num_crops=1)
    assert centred[0, :, 0].tolist() == [8, 9, 10, 11]


class _LastStepModel:
    """Predicts the crop's last value: lets tests check averaging exactly."""

    def predict(self, x, batch_size=None, verbose=0):
        return x[:, -1, :]


def test_predict_over_crops_averages_per_sample():
    x = np.arange(20, dtype="float32").reshape(2, 10, 1)
    result = reduction.predict_over_crops(_LastStepModel(), x, crop_length=4, num_crops=3)
    # crops end at steps 3, 6, 9 -> mean 6 for sample 0, 16 for sample 1
    np.testing.assert_allclose(result, [[6.0], [16.0]])
    random = reduction.predict_over_crops(_LastStepModel(), x, crop_length=10, num_crops=2, placement="random", seed=0)
    np.testing.assert_allclose(random, [[9.0], [19.0]])
    with pytest.raises(TypeError, match=r"`model` must have a `predict` method"):
        reduction.predict_over_crops(x, x, crop_length=2)
    with pytest.raises(ValueError, match=r"`placement` must be one of 'even', 'random'"):
        reduction.predict_over_crops(_LastStepModel(), x, crop_length=2, placement="all")


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
    with pytest.raises(IndexError, match=r"out of range"):
        data[3]


def test_random_crop_dataset_trains_a_keras_model():
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(16, 30, 1)).astype("float32")
    labels = (x.mean(axis=(1, 2)) > 0).astype("float32")
    model = keras.Sequential([keras.Input((8, 1)), keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(reduction.RandomCropDataset(x, labels, crop_length=8, batch_size=8, seed=0), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert reduction.predict_over_crops(model, x, crop_length=8, num_crops=3).shape == (16, 1)


# ------------------------------------------------------------------------ rearrange
def test_parallel_subsequences_layouts_exact():
    x = np.arange(12).reshape(1, 6, 2)  # step t holds [2t, 2t + 1]
    contiguous = reduction.to_parallel_subsequences(x, num_subsequences=2)
    assert contiguous.shape == (1, 3, 4)
    assert contiguous[0, 0].tolist() == [0, 1, 6, 7]  # step 0 and step 3
    interleaved = reduction.to_parallel_subsequences(x, num_subsequences=3, layout="interleaved")
    assert interleaved.shape == (1, 2, 6)
    assert interleaved[0, 1].tolist() == [6, 7, 8, 9, 10, 11]  # steps 3, 4, 5


def test_parallel_subsequences_keep_every_value_and_errors():
    x = _sequences(steps=12, channels=3)
    result = reduction.to_parallel_subsequences(x, num_subsequences=4)
    np.testing.assert_array_equal(np.sort(result.ravel()), np.sort(x.ravel()))
    with pytest.raises(ValueError, match=r"`num_subsequences` must divide .* Received: num_subsequences=5 for sequences of 12 steps. Truncate to 10 steps"):
        reduction.to_parallel_subsequences(x, num_subsequences=5)
    with pytest.raises(ValueError, match=r"`layout` must be one of 'contiguous', 'interleaved'"):
        reduction.to_parallel_subsequences(x, num_subsequences=2, layout="zigzag")


# -------------------------------------------------------------------------- project
def test_hash_steps_exact_and_seeded():
    x = np.arange(1, 9, dtype="float32")[None, :]
    unsigned = reduction.hash_steps(x, num_steps=3, seed=5, use_sign=False)
    assert unsigned.shape == (1, 3) and unsigned.sum() == x.sum()
    signed = reduction.hash_steps(x, num_steps=3, seed=5)
    np.testing.assert_array_equal(signed, reduction.hash_steps(x, num_steps=3, seed=5))
    buckets = np.random.default_rng(5).integers(0, 3, size=8)
    np.testing.assert_array_equal(unsigned[0], np.bincount(buckets, weights=x[0], minlength=3))
    three_d = reduction.hash_steps(np.stack([x, 2 * x], axis=-1), num_steps=3, seed=5)
    np.testing.assert_allclose(three_d[..., 1], 2 * signed)


def test_random_projection_is_linear_seeded_and_3d():
    x = _sequences(steps=40, channels=2)
    projected = reduction.random_projection(x, num_steps=10, seed=1)
    assert projected.shape == (3, 10, 2) and projected.dtype == np.float32
    matrix = np.random.default_rng(1).normal(0, 1 / np.sqrt(10), size=(40, 10)).astype("float32")
    np.testing.assert_allclose(projected[0, :, 1], x[0, :, 1] @ matrix, rtol=1e-5)
    np.testing.assert_array_equal(projected, reduction.random_projection(x, num_steps=10, seed=1))
    with pytest.raises(ValueError, match=r"`num_steps` must be an integer between 1 and 40. Received: num_steps=41"):
        reduction.random_projection(x, num_steps=41)
    with pytest.raises(ValueError, match=r"`seed` must be an integer >= 0. Received: seed=-1"):
        reduction.hash_steps(x, num_steps=2, seed=-1)


# ------------------------------------------------------------------ general contract
ARRAY_FUNCTIONS = [
    lambda x: reduction.truncate_sequences(x, length=5, keep="center"),
    lambda x: reduction.pool_steps(x, pool_size=3),
    lambda x: reduction.piecewise_aggregate(x, num_segments=5),
    lambda x: reduction.drop_random_steps(x, num_kept=4, seed=0),
    lambda x: reduction.random_crops(x, crop_length=4, num_crops=2, seed=0),
    lambda x: reduction.evenly_spaced_crops(x, crop_length=4, num_crops=2),
    lambda x: reduction.to_parallel_subsequences(x, num_subsequences=3),
    lambda x: reduction.hash_steps(x, num_steps=4),
    lambda x: reduction.random_projection(x, num_steps=4),
    lambda x: reduction.window_quantiles(x, num_windows=3, num_quantiles=4),
]


@pytest.mark.parametrize("function", ARRAY_FUNCTIONS)
def test_inputs_are_never_modified_and_outputs_never_alias(function):
    x = _sequences(steps=12)
    x.setflags(write=False)  # any write to the input would raise
    result = function(x)
    assert not np.shares_memory(result, x)
    result_2d = function(x[..., 0])  # (N, T) input works too
    assert result_2d.shape[0] in (3, 6) and not np.shares_memory(result_2d, x)


# ------------------------------------------------------------------ window quantiles
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
    with pytest.raises(ValueError, match=r"`num_windows` must divide .* Received: num_windows=5 for sequences of 12 steps. Truncate to 10"):
        reduction.window_quantiles(x, num_windows=5, num_quantiles=3)
    with pytest.raises(ValueError, match=r"`num_quantiles` must be an integer >= 2. Received: num_quantiles=1"):
        reduction.window_quantiles(x, num_windows=2, num_quantiles=1)


def test_unseen_tokens_are_kept_by_drop_and_dropped_by_top_vocabulary():
    ranking = reduction.rank_tokens(np.array([[5, 5, 7]]))  # training: 5 then 7
    test_ids = np.array([[9, 5, 7, 0]])                      # 9 never seen in training
    assert reduction.drop_frequent_tokens(test_ids, num_dropped=1, ranking=ranking).tolist() == [[9, 7]]
    assert reduction.keep_top_vocabulary(test_ids, vocabulary_size=2, ranking=ranking).tolist() == [[5, 7]]
    as_list = reduction.drop_frequent_tokens([np.array([9, 5, 7])], num_dropped=1, ranking=ranking)
    assert as_list[0].tolist() == [9, 7]
