"""Padding, truncation, masks and bucketing for sequences of different lengths.

A batch is a rectangle, so sequences of different lengths are padded to a common
length and a boolean mask tells the LSTM which steps are real. Three choices matter:

* **Which side to pad.** lstmkit pads at the end (``padding="post"``) by default: with
  a mask, Keras's fused cuDNN LSTM/GRU kernel accepts only right-padded masks (a
  left-padded mask fails on a GPU or forces the generic kernel, several times slower).
  ``keras.utils.pad_sequences`` defaults to ``"pre"``, which was the right choice for
  unmasked text models in Keras 1 and is the wrong one for masked models today.
* **The dtype.** ``keras.utils.pad_sequences`` defaults to ``dtype="int32"``, which
  silently rounds float features to integers; lstmkit defaults to float32.
* **How much padding.** Sorting sequences by length into batches (bucketing) pads each
  batch only to its own longest member (:func:`bucket_by_length`,
  :class:`BucketDataset`, :func:`padding_fraction`).
"""

from lstmkit.padding.bucketing import BucketDataset, bucket_by_length, padding_fraction
from lstmkit.padding.masks import (
    check_cudnn_padding,
    check_mask,
    lengths_from_mask,
    mask_from_lengths,
)
from lstmkit.padding.pad import pad_sequences

__all__ = [
    "BucketDataset",
    "bucket_by_length",
    "check_cudnn_padding",
    "check_mask",
    "lengths_from_mask",
    "mask_from_lengths",
    "pad_sequences",
    "padding_fraction",
]
