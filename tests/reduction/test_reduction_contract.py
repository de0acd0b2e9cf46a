"""Every array function of lstmkit.reduction leaves its input alone and returns new arrays."""

import numpy as np
import pytest

from lstmkit import reduction


def _sequences(count=3, steps=12, channels=2, seed=0):
    return np.random.default_rng(seed).normal(size=(count, steps, channels)).astype("float32")


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
