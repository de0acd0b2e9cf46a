"""Bundled real time series: appliance signals, speech features, an anomaly, CO2.

Equal-length series come as ``float32`` arrays of shape ``(N, T, C)``; variable-length
series as lists of ``(T_i, C)`` ``float32`` arrays (pad them with
``lstmkit.pad_sequences``). Class labels are ``int32`` starting at 0, their names in the
module constants. Each loader checks its file's sha256 first.
"""

from __future__ import annotations

import gzip
import os
from typing import Any

import numpy as np

from lstmkit._validation import check_option
from lstmkit.datasets._files import _load_npz, _read_verified, _split_flat

__all__ = [
    "ACSF1_CLASSES",
    "JAPANESE_VOWELS_CLASSES",
    "PLAID_CLASSES",
    "load_acsf1",
    "load_co2",
    "load_japanese_vowels",
    "load_kdd_tsad_135",
    "load_plaid",
]

# ``(x_train, y_train), (x_test, y_test)`` with ``x`` an array or a list of arrays.
_ArraySplit = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
_ListSplit = tuple[tuple[list[np.ndarray], np.ndarray], tuple[list[np.ndarray], np.ndarray]]

#: ACSF1 categories in the order the source file's header lists them. The UCR archive
#: does not state which label number is which category, so treat the names as a guide.
ACSF1_CLASSES = (
    "mobile phone (charger)", "coffee machine", "computer station", "fridge and freezer",
    "hi-fi system", "lamp (CFL)", "laptop (charger)", "microwave oven", "printer",
    "television",
)
#: PLAID appliance types; the source header names class 0 and class 10 explicitly.
PLAID_CLASSES = (
    "air conditioner", "compact fluorescent lamp", "fan", "fridge", "hairdryer", "heater",
    "incandescent light bulb", "laptop", "microwave", "vacuum", "washing machine",
)
#: JapaneseVowels: label ``k`` is speaker ``k + 1`` of the original data.
JAPANESE_VOWELS_CLASSES = tuple(f"speaker {number}" for number in range(1, 10))


def load_acsf1(*, data_dir: str | os.PathLike | None = None) -> _ArraySplit:
    """Load ACSF1: appliance power consumption, 1,460 steps, 10 classes, 100 + 100.

    A long, equal-length classification benchmark from the UCR archive: power
    consumption of home appliances (z-normalized in the source). The archive describes
    the recordings as one hour sampled every 10 seconds; it does not document how they
    become 1,460 steps, nor which label is which appliance (``ACSF1_CLASSES`` is a guide,
    not a verified mapping). The steps nearly repeat every 4 steps (mean lag-4
    autocorrelation above 0.9), which notebook 04 shows.

    Args:
        data_dir: folder holding ``acsf1.npz``; ``None`` uses the bundled copy.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` float32 of shape
        ``(100, 1460, 1)``, ``y`` int32 of shape ``(100,)`` with labels 0..9 (10 per
        class in each split; names in ``ACSF1_CLASSES``). The published split.

    Raises:
        DatasetFileError: the file is missing or its sha256 is wrong.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_acsf1()
        >>> x_train.shape, x_train.dtype.name, y_test.shape
        ((100, 1460, 1), 'float32', (100,))
        >>> np.bincount(y_train).tolist()
        [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]
    """
    arrays = _load_npz("acsf1.npz", data_dir)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _load_variable_length(filename: str, data_dir: Any) -> _ListSplit:
    arrays = _load_npz(filename, data_dir)
    return (
        (_split_flat(arrays["train_values"], arrays["train_lengths"]), arrays["y_train"]),
        (_split_flat(arrays["test_values"], arrays["test_lengths"]), arrays["y_test"]),
    )


def load_plaid(*, data_dir: str | os.PathLike | None = None) -> _ListSplit:
    """Load PLAID: appliance current, variable length 100-1,344 steps, 11 classes.

    Long, variable-length and imbalanced (13 to 88 series per class): the benchmark for
    padding, masking, bucketing and class weights.

    Args:
        data_dir: folder holding ``plaid.npz``; ``None`` uses the bundled copy.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` a list of 537 float32 arrays of
        shape ``(T_i, 1)``, ``y`` int32 of shape ``(537,)`` with labels 0..10 (names in
        ``PLAID_CLASSES``). The published split.

    Raises:
        DatasetFileError: the file is missing or its sha256 is wrong.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_plaid()
        >>> len(x_train), len(x_test), x_train[0].shape[1], x_train[0].dtype.name
        (537, 537, 1, 'float32')
        >>> min(len(x) for x in x_train), max(len(x) for x in x_train)
        (100, 1344)
    """
    return _load_variable_length("plaid.npz", data_dir)


def load_japanese_vowels(*, data_dir: str | os.PathLike | None = None) -> _ListSplit:
    """Load JapaneseVowels (raw, variable length): 12 channels, 7-29 steps, 9 speakers.

    Short but of varying length: the quickest dataset for learning masks. These are the
    original lengths, not the resampled ``_eq_`` version.

    Args:
        data_dir: folder holding ``japanese_vowels.npz``; ``None`` uses the bundled copy.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` a list of float32 arrays of shape
        ``(T_i, 12)`` (270 train, 370 test), ``y`` int32 with labels 0..8 for speakers
        1..9. The published split.

    Raises:
        DatasetFileError: the file is missing or its sha256 is wrong.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_japanese_vowels()
        >>> len(x_train), len(x_test), x_train[0].shape[1]
        (270, 370, 12)
        >>> min(len(x) for x in x_train + x_test), max(len(x) for x in x_train + x_test)
        (7, 29)
    """
    return _load_variable_length("japanese_vowels.npz", data_dir)


def load_kdd_tsad_135(*, data_dir: str | os.PathLike | None = None) -> _ArraySplit:
    """Load KDD-TSAD 135 (UCR anomaly archive, InternalBleeding16): one rare anomaly.

    A single long physiological series whose only anomaly spans 12 of 7,501 points: the
    rare-event benchmark (per-step labels, PR-AUC, threshold choice).

    Args:
        data_dir: folder holding ``kdd_tsad_135.npz``; ``None`` uses the bundled copy.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x_train`` float32 of shape
        ``(1200,)``, the anomaly-free training part, with ``y_train`` int32 zeros;
        ``x_test`` float32 of shape ``(7501,)``, the whole series as published (its
        first 1,200 points are ``x_train``), with ``y_test`` int32 per-point labels,
        1 at the 12 anomalous points 4187-4198.

    Raises:
        DatasetFileError: the file is missing or its sha256 is wrong.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_kdd_tsad_135()
        >>> x_train.shape, x_test.shape, int(y_test.sum()), int(np.flatnonzero(y_test)[0])
        ((1200,), (7501,), 12, 4187)
    """
    arrays = _load_npz("kdd_tsad_135.npz", data_dir)
    train_length = int(arrays["train_length"])
    values, labels = arrays["values"], arrays["is_anomaly"]
    return (values[:train_length].copy(), labels[:train_length].copy()), (values, labels)


def load_co2(
    *, missing: str = "keep", data_dir: str | os.PathLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Load the Mauna Loa weekly CO2 series, March 1958 - December 2001 (2,284 weeks).

    A forecasting series with trend and yearly season. 59 weeks have no measurement.

    Args:
        missing: what to do with the missing weeks: ``"keep"`` leaves them as NaN (the
            raw series), ``"interpolate"`` fills them linearly in time from the
            neighbouring weeks, ``"drop"`` removes them (the dates then have gaps).
        data_dir: folder holding ``co2.csv.gz``; ``None`` uses the bundled copy.

    Returns:
        ``(dates, co2)``: ``dates`` of dtype ``datetime64[D]`` (weekly, Saturdays) and
        ``co2`` float32 in ppm, both of shape ``(2284,)`` (``(2225,)`` with ``"drop"``).

    Raises:
        DatasetFileError: the file is missing or its sha256 is wrong.

    Example:
        >>> dates, co2 = load_co2()
        >>> dates.shape, str(dates[0]), int(np.isnan(co2).sum())
        ((2284,), '1958-03-29', 59)
        >>> dates, co2 = load_co2(missing="interpolate")
        >>> bool(np.isnan(co2).any()), round(float(co2[6]), 2)
        (False, 317.2)
    """
    check_option(missing, "missing", ("keep", "interpolate", "drop"))
    text = gzip.decompress(_read_verified("co2.csv.gz", data_dir)).decode("ascii")
    rows = [line.split(",") for line in text.splitlines()[1:] if line.strip()]
    dates = np.array([f"{day[:4]}-{day[4:6]}-{day[6:8]}" for day, _ in rows], dtype="datetime64[D]")
    co2 = np.array([value if value else "nan" for _, value in rows], dtype=np.float32)
    present = ~np.isnan(co2)
    if missing == "drop":
        return dates[present], co2[present]
    if missing == "interpolate":
        days = dates.astype(np.int64)
        co2 = np.interp(days, days[present], co2[present]).astype(np.float32)
    return dates, co2
