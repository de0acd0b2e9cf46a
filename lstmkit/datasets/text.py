"""Bundled long texts: BBC News articles (classification) and Shakespeare (language models).

Each loader checks its file's sha256 first. Labels are ``int32`` starting at 0.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmkit._validation import check_float, check_option, check_random_state, received
from lstmkit.datasets._files import _read_verified

__all__ = ["BBC_NEWS_TOPICS", "SHAKESPEARE_PLAYS", "load_bbc_news", "load_shakespeare"]

#: BBC News topics, label ``k`` is ``BBC_NEWS_TOPICS[k]``.
BBC_NEWS_TOPICS = ("business", "entertainment", "politics", "sports", "tech")
#: The bundled plays, key -> title, in the order :func:`load_shakespeare` joins them.
SHAKESPEARE_PLAYS = {
    "hamlet": "Hamlet, Prince of Denmark",
    "macbeth": "Macbeth",
    "lear": "King Lear",
    "othello": "Othello, the Moor of Venice",
    "romeo_and_juliet": "Romeo and Juliet",
    "julius_caesar": "Julius Caesar",
    "tempest": "The Tempest",
    "midsummer_nights_dream": "A Midsummer Night's Dream",
}


def _stratified_split(
    labels: np.ndarray, groups: np.ndarray, test_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a stratified split that keeps each group whole, parts in random order."""
    test_parts, train_parts = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        member_groups, sizes = np.unique(groups[members], return_counts=True)
        order = rng.permutation(len(member_groups))
        # Whole groups go to the test part while it stays within its target size.
        in_test = np.cumsum(sizes[order]) <= round(len(members) * test_fraction)
        is_test = np.isin(groups[members], member_groups[order][in_test])
        test_parts.append(members[is_test])
        train_parts.append(members[~is_test])
    return rng.permutation(np.concatenate(train_parts)), rng.permutation(np.concatenate(test_parts))


def load_bbc_news(
    *, test_fraction: float = 0.2, seed: Any = 0, data_dir: str | os.PathLike | None = None
) -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """Load BBC News: 2,225 articles (up to 4,432 words) in 5 topics, split by topic.

    Long documents for text classification. The data has no published split, so this
    draws a stratified one: each topic contributes ``round(test_fraction * count)``
    articles to the test part. The same ``seed`` always gives the same split. Both parts
    come in random order (Keras's ``validation_split`` takes the *last* samples, so a
    topic-sorted order would give a one-topic validation set).

    Args:
        test_fraction: share of each topic held out for testing, in (0, 1); it must
            leave at least one article of every topic in each part (0.01 to 0.99 do).
        seed: ``None``, an int or a ``numpy.random.Generator`` for the split.
        data_dir: folder holding ``bbc_news.jsonl.gz``; ``None`` uses the bundled copy.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` lists of article strings (the
        first line is the headline), ``y`` int32 labels 0..4 (names in
        ``BBC_NEWS_TOPICS``). With the default ``test_fraction=0.2``: 1,781 + 444.

    Raises:
        DatasetFileError: the file is missing or its sha256 is wrong.
        ValueError: ``test_fraction`` would leave a topic without articles in one part.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_bbc_news(seed=0)
        >>> len(x_train), len(x_test), np.bincount(y_test).tolist()
        (1781, 444, [102, 77, 83, 102, 80])
        >>> (_, again), _ = load_bbc_news(seed=0)  # the same seed, the same split
        >>> bool((again == y_train).all())
        True
    """
    test_fraction = check_float(
        test_fraction, "test_fraction", minimum=0.0, maximum=1.0, include_minimum=False,
        include_maximum=False, hint="Use for example test_fraction=0.2.",
    )
    rng = check_random_state(seed)
    text = gzip.decompress(_read_verified("bbc_news.jsonl.gz", data_dir)).decode("utf-8")
    records = [json.loads(line) for line in text.splitlines() if line]
    texts = [record["text"] for record in records]
    topics = [BBC_NEWS_TOPICS.index(record["topic"]) for record in records]
    labels = np.array(topics, dtype=np.int32)
    # 98 articles appear twice (same topic): keep both copies in the same part.
    first_index: dict[str, int] = {}
    groups = np.array([first_index.setdefault(text, len(first_index)) for text in texts])
    train_index, test_index = _stratified_split(labels, groups, test_fraction, rng)
    num_topics = len(BBC_NEWS_TOPICS)
    train_counts = np.bincount(labels[train_index], minlength=num_topics)
    test_counts = np.bincount(labels[test_index], minlength=num_topics)
    if train_counts.min() == 0 or test_counts.min() == 0:
        raise ValueError(
            "`test_fraction` must leave at least one article of every topic in both the "
            f"training and the test part. {received(test_fraction=test_fraction)} It gave "
            f"{train_counts.tolist()} training and {test_counts.tolist()} test articles per "
            "topic. Use a value between 0.01 and 0.99, for example test_fraction=0.2."
        )
    return (
        ([texts[i] for i in train_index], labels[train_index]),
        ([texts[i] for i in test_index], labels[test_index]),
    )


def load_shakespeare(
    *, plays: Sequence[str] | None = None, data_dir: str | os.PathLike | None = None
) -> str:
    """Load about 1 MB of Shakespeare: eight whole plays, public domain (Gutenberg).

    For character-level language models. The plays are Hamlet, Macbeth, King Lear,
    Othello, Romeo and Juliet, Julius Caesar, The Tempest and A Midsummer Night's Dream
    (keys in ``SHAKESPEARE_PLAYS``), without Project Gutenberg headers or licence text.

    Args:
        plays: keys of the plays to return, in the order given; ``None`` returns all
            eight in the order of ``SHAKESPEARE_PLAYS``. Holding one play out is a
            leak-free validation set.
        data_dir: folder holding ``shakespeare.jsonl.gz``; ``None`` uses the bundled copy.

    Returns:
        One string: the plays joined by a blank line (1,036,482 characters for all eight,
        ASCII only).

    Raises:
        DatasetFileError: the file is missing or its sha256 is wrong.

    Example:
        >>> text = load_shakespeare()
        >>> len(text), text.splitlines()[0]
        (1036482, 'HAMLET, PRINCE OF DENMARK')
        >>> load_shakespeare(plays=["macbeth"]).splitlines()[0]
        'MACBETH'
    """
    keys = list(SHAKESPEARE_PLAYS)
    if plays is not None:
        if isinstance(plays, str) or not isinstance(plays, Sequence) or len(plays) == 0:
            raise TypeError(
                f"`plays` must be None or a non-empty list of play keys. {received(plays=plays)} "
                f"Use for example plays=['hamlet']; the keys are {keys}."
            )
        for play in plays:
            check_option(play, "plays", keys)
        keys = list(plays)
    text = gzip.decompress(_read_verified("shakespeare.jsonl.gz", data_dir)).decode("utf-8")
    by_key = {record["play"]: record["text"] for record in map(json.loads, text.splitlines())}
    return "\n".join(by_key[key] for key in keys)
