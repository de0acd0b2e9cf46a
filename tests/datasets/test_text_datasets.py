"""Tests for lstmkit.datasets.text: BBC News and Shakespeare."""

import numpy as np
import pytest

from lstmkit.datasets import load_bbc_news, load_shakespeare


def test_load_bbc_news_split_is_stratified_seeded_and_complete():
    (x_train, y_train), (x_test, y_test) = load_bbc_news(test_fraction=0.2, seed=0)
    assert len(x_train) + len(x_test) == 2225 and isinstance(x_train[0], str)
    counts = np.bincount(np.concatenate([y_train, y_test]))
    assert counts.tolist() == [510, 386, 417, 511, 401]
    shortfall = np.round(counts * 0.2).astype(int) - np.bincount(y_test)
    assert set(shortfall.tolist()) <= {0, 1}  # one fewer when a duplicate pair does not fit
    assert not set(x_train) & set(x_test)  # duplicated articles stay in one part
    assert len(set(x_train + x_test)) == 2225 - 98
    (again_train, _), _ = load_bbc_news(test_fraction=0.2, seed=0)
    assert again_train == x_train
    (other_train, _), _ = load_bbc_news(test_fraction=0.2, seed=1)
    assert other_train != x_train
    assert max(len(text.split()) for text in x_train + x_test) == 4432
    assert any("£" in text for text in x_train + x_test)  # the Latin-1 file was decoded
    with pytest.raises(
        ValueError,
        match=r"`test_fraction` must be a finite number > 0.0 and < 1.0\. Received: "
              r"test_fraction=1",
    ):
        load_bbc_news(test_fraction=1)


def test_load_shakespeare():
    text = load_shakespeare()
    assert 900_000 < len(text) < 1_100_000 and text.isascii()
    assert "Gutenberg" not in text and "*** START" not in text
    assert text.startswith("HAMLET, PRINCE OF DENMARK")
    assert load_shakespeare(plays=["tempest"]).startswith("THE TEMPEST")
    two = load_shakespeare(plays=["macbeth", "lear"])
    assert two.startswith("MACBETH") and "THE TRAGEDY OF KING LEAR" in two
    with pytest.raises(
        ValueError,
        match=r"`plays` must be one of 'hamlet'.*Received: plays='king_john'",
    ):
        load_shakespeare(plays=["king_john"])
    with pytest.raises(TypeError, match=r"`plays` must be None or a non-empty list"):
        load_shakespeare(plays="hamlet")


@pytest.mark.parametrize("test_fraction", [0.9999, 0.0001])
def test_bbc_news_keeps_every_topic_on_both_sides(test_fraction):
    # Regression: test_fraction=0.9999 used to return no training article at all.
    with pytest.raises(ValueError, match="`test_fraction`") as caught:
        load_bbc_news(test_fraction=test_fraction)
    assert f"Received: test_fraction={test_fraction}" in str(caught.value)
    assert "at least one article of every topic" in str(caught.value)
    (_, y_train), (_, y_test) = load_bbc_news(test_fraction=0.01)
    assert (np.bincount(y_train, minlength=5) > 0).all()
    assert (np.bincount(y_test, minlength=5) > 0).all()
