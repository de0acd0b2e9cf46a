"""Make long sequences shorter before an LSTM reads them.

An LSTM's cost grows with the number of steps and its memory of early steps fades, so
the cheapest fix for a very long sequence is often to give it fewer steps. Each
function here is one way to do that, and each keeps something and loses something:

* **Truncate** (:func:`truncate_sequences`): keep the start, the end or a centred span.
  Exact on what it keeps; blind to everything it cuts.
* **Summarize text** (:func:`rank_tokens`, :func:`drop_frequent_tokens`,
  :func:`keep_top_vocabulary`): remove tokens by frequency rank, so the same document
  needs fewer steps.
* **Summarize signals** (:func:`pool_steps`, :func:`piecewise_aggregate`,
  :func:`window_quantiles`, :func:`quantile_summary`, :func:`make_strided_frontend`):
  average (or max) neighbouring steps, describe each window by its value distribution, or learn the
  summary. Keeps slow shapes (or levels); loses short events (or their timing).
* **Random sampling** (:func:`drop_random_steps`, :func:`random_crops`,
  :class:`RandomCropDataset`, :func:`predict_over_crops`): train on random parts,
  predict by averaging over several parts.
* **Rearrange** (:func:`to_parallel_subsequences`): cut the sequence into pieces read
  side by side as features; ``k`` times fewer steps, nothing dropped.
* **Project** (:func:`hash_steps`, :func:`random_projection`): mix all steps into fewer
  by a fixed random map; keeps energy, loses order.

Every function takes the data first and keyword-only options, validates before doing
any work, never modifies its input and returns new arrays. Arrays are ``(N, T)`` or
``(N, T, C)``: samples, steps, channels. Sequences of different lengths are passed as a
list of unpadded arrays ``(T_i,)`` or ``(T_i, C)`` (truncation, tokens, crops and
summaries accept it): each sequence is then read over its real steps only, so padding
never ends up in a crop, a mean or a quantile.

:func:`make_strided_frontend` lives in :mod:`lstmkit.models.frontends` and is
re-exported here.
"""

from lstmkit.models.frontends import make_strided_frontend
from lstmkit.reduction.crop_dataset import RandomCropDataset
from lstmkit.reduction.folding import hash_steps, random_projection, to_parallel_subsequences
from lstmkit.reduction.sampling import (
    drop_random_steps,
    evenly_spaced_crops,
    predict_over_crops,
    random_crops,
)
from lstmkit.reduction.summaries import (
    append_differences,
    piecewise_aggregate,
    pool_steps,
    quantile_summary,
    window_quantiles,
)
from lstmkit.reduction.tokens import drop_frequent_tokens, keep_top_vocabulary, rank_tokens
from lstmkit.reduction.truncation import KEEP_OPTIONS, truncate_sequences

__all__ = [
    "KEEP_OPTIONS",
    "RandomCropDataset",
    "append_differences",
    "drop_frequent_tokens",
    "drop_random_steps",
    "evenly_spaced_crops",
    "hash_steps",
    "keep_top_vocabulary",
    "make_strided_frontend",
    "piecewise_aggregate",
    "pool_steps",
    "predict_over_crops",
    "quantile_summary",
    "random_crops",
    "random_projection",
    "rank_tokens",
    "to_parallel_subsequences",
    "truncate_sequences",
    "window_quantiles",
]
