"""The one base for lstmkit's ``keras.utils.PyDataset`` classes.

Every dataset in lstmkit serves batches of indices into something it holds (windows,
padded sequences, crops, balanced draws). They share three things, kept here once:
the batch count, the check of the batch index Keras asks for, and seeded shuffling at
the end of each epoch. The argument names are the same everywhere: ``batch_size``,
``shuffle`` (a bool) and ``seed`` (None, an int or a ``numpy.random.Generator``).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import keras
import numpy as np

from lstmkit._validation import check_bool, check_int, check_random_state, received

__all__ = ["IndexBatchDataset", "resolve_shuffle_seed"]


def resolve_shuffle_seed(
    shuffle: bool, seed: Any, shuffle_seed: Any, *, owner: str
) -> tuple[bool, Any]:
    """Map the old ``shuffle_seed=k`` keyword onto ``shuffle=True, seed=k`` (with a warning)."""
    if shuffle_seed is None:
        return check_bool(shuffle, "shuffle"), seed
    warnings.warn(
        f"`{owner}(shuffle_seed=...)` is deprecated: pass `shuffle=True, seed=...` instead "
        f"(the same names as every other lstmkit dataset).",
        DeprecationWarning,
        stacklevel=3,
    )
    if seed is not None:
        raise TypeError(
            f"Pass either `seed` or the deprecated `shuffle_seed` to `{owner}`, not both. "
            f"{received(seed=seed, shuffle_seed=shuffle_seed)}"
        )
    return True, shuffle_seed


class IndexBatchDataset(keras.utils.PyDataset):
    """Batches of item indices with seeded per-epoch shuffling; subclasses build batches.

    Subclasses call ``super().__init__(num_items=..., batch_size=..., shuffle=...,
    seed=..., **kwargs)`` once their data is checked, then implement
    :meth:`make_batch`, which receives the indices of one batch. ``dataset[i]`` checks
    ``i`` (negative indices count from the end, as for a list).

    Attributes:
        num_items: how many items an epoch visits.
        batch_size: items per batch (the last batch may be smaller).
        shuffle: whether the order is redrawn every epoch.
        seed: the seed given; the generator is ``numpy.random.default_rng(seed)``.
    """

    def __init__(
        self,
        *,
        num_items: int,
        batch_size: int,
        shuffle: bool = False,
        seed: Any = None,
        **kwargs: Any,
    ) -> None:
        self.num_items = check_int(num_items, "num_items", minimum=1)
        self.batch_size = check_int(batch_size, "batch_size", minimum=1)
        self.shuffle = check_bool(shuffle, "shuffle")
        self.seed = seed
        self.generator = check_random_state(seed)
        super().__init__(**kwargs)
        # In order, batch i is items [i * batch_size, ...): no index array of num_items
        # (16 MB for 2 million windows) is needed until shuffling asks for one.
        self.order: np.ndarray | None = None
        self.on_epoch_end()

    def __len__(self) -> int:
        return math.ceil(self.num_items / self.batch_size)

    def check_index(self, index: Any) -> int:
        """Return ``index`` as a batch number in ``[0, len(self))``, or raise."""
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(f"`index` must be an integer batch number. {received(index=index)}")
        position = int(index) + len(self) if index < 0 else int(index)
        if not 0 <= position < len(self):
            raise IndexError(
                f"`index` must be between {-len(self)} and {len(self) - 1} for "
                f"{len(self)} batches. {received(index=index)}"
            )
        return position

    def batch_indices(self, index: int) -> np.ndarray:
        """The item indices of batch ``index`` in the current epoch's order."""
        start = index * self.batch_size
        if self.order is None:
            return np.arange(start, min(start + self.batch_size, self.num_items))
        return self.order[start : start + self.batch_size]

    def __getitem__(self, index: int) -> Any:
        return self.make_batch(self.batch_indices(self.check_index(index)))

    def make_batch(self, indices: np.ndarray) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def on_epoch_end(self) -> None:
        """Draw the next epoch's order (only when shuffling)."""
        if self.shuffle:
            self.order = self.generator.permutation(self.num_items)
