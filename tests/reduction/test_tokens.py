"""lstmkit.reduction.tokens: rank tokens, drop frequent ones, keep a top vocabulary."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit import reduction

TOKENS = np.array([[5, 2, 5, 7, 0], [5, 7, 3, 0, 0]])


def test_rank_tokens_by_count_then_id():
    assert reduction.rank_tokens(TOKENS).tolist() == [5, 7, 2, 3]
    assert reduction.rank_tokens([np.array([4, 4, 1]), np.array([1, 9])]).tolist() == [1, 4, 9]
    assert reduction.rank_tokens(np.zeros((2, 3), dtype=int)).size == 0


def test_drop_frequent_tokens_array_and_list():
    np.testing.assert_array_equal(
        reduction.drop_frequent_tokens(TOKENS, num_dropped=1), [[2, 7], [7, 3]]
    )
    np.testing.assert_array_equal(reduction.drop_frequent_tokens(TOKENS, num_dropped=2), [[2], [3]])
    result = reduction.drop_frequent_tokens(
        [np.array([5, 2, 5, 7]), np.array([5, 7, 3])], num_dropped=1
    )
    assert [r.tolist() for r in result] == [[2, 7], [7, 3]]
    assert reduction.drop_frequent_tokens(TOKENS, num_dropped=0).tolist() == [
        [5, 2, 5, 7],
        [5, 7, 3, 0],
    ]


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
    with pytest.raises(
        TypeError,
        match=r"`sequences` must hold integer token ids. Received: sequences with dtype float",
    ):
        reduction.rank_tokens(np.zeros((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"`num_dropped` must be at most the number of ranked tokens \(4\). "
        r"Received: num_dropped=9",
    ):
        reduction.drop_frequent_tokens(TOKENS, num_dropped=9)
    with pytest.raises(
        ValueError, match=r"`vocabulary_size` must be an integer >= 1. Received: vocabulary_size=0"
    ):
        reduction.keep_top_vocabulary(TOKENS, vocabulary_size=0)
    with pytest.raises(TypeError, match=r"`ranking` must be an integer array"):
        reduction.keep_top_vocabulary(TOKENS, vocabulary_size=1, ranking=np.array([1.5]))
    with pytest.raises(ValueError, match=r"token ids >= 0. Received: a smallest id of -1"):
        reduction.rank_tokens(np.array([[1, -1]]))
    # Ragged lists used to skip that check: the same -1 in a list of sequences is refused too.
    for function, kwargs in [(reduction.rank_tokens, {}),
                             (reduction.drop_frequent_tokens, {"num_dropped": 1}),
                             (reduction.keep_top_vocabulary, {"vocabulary_size": 1})]:
        with pytest.raises(ValueError, match=r"token ids >= 0"):
            function([np.array([1, 2]), np.array([3, -1])], **kwargs)
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


def test_unseen_tokens_are_kept_by_drop_and_dropped_by_top_vocabulary():
    ranking = reduction.rank_tokens(np.array([[5, 5, 7]]))  # training: 5 then 7
    test_ids = np.array([[9, 5, 7, 0]])  # 9 never seen in training
    assert reduction.drop_frequent_tokens(test_ids, num_dropped=1, ranking=ranking).tolist() == [
        [9, 7]
    ]
    assert reduction.keep_top_vocabulary(test_ids, vocabulary_size=2, ranking=ranking).tolist() == [
        [5, 7]
    ]
    as_list = reduction.drop_frequent_tokens([np.array([9, 5, 7])], num_dropped=1, ranking=ranking)
    assert as_list[0].tolist() == [9, 7]
