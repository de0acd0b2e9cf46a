"""Bundled real datasets and seeded synthetic tasks with a controlled dependency length.

Real data ships inside lstmkit (``datasets/`` in the repository, the package
``lstmkit._data`` once installed), a few MB in all, so nothing downloads at run time.
Each loader checks its file against the sha256 recorded here and in
``datasets/README.md`` (hashed once per process) and raises :class:`DatasetFileError`
when the file is missing or damaged. The loaders need only NumPy.

Label conventions: class labels are ``int32`` starting at 0; the class names are in the
module constants (``ACSF1_CLASSES``, ``PLAID_CLASSES``, ...). Equal-length series come
as ``float32`` arrays of shape ``(N, T, C)``; variable-length series as lists of
``(T_i, C)`` ``float32`` arrays (pad them with ``lstmkit.pad_sequences``).

The synthetic tasks (:func:`make_adding_problem`, :func:`make_copy_memory`,
:func:`make_motif_task`, :func:`make_eeg_bursts`) are vectorized and seeded: the same
``seed`` always gives the same arrays, and the distance over which a model must
remember something is an argument.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lstmkit._validation import (
    check_float,
    check_int,
    check_option,
    check_random_state,
    received,
)

__all__ = [
    "ACSF1_CLASSES",
    "BBC_NEWS_TOPICS",
    "DNA_ALPHABET",
    "JAPANESE_VOWELS_CLASSES",
    "PLAID_CLASSES",
    "SHAKESPEARE_PLAYS",
    "DatasetFileError",
    "load_acsf1",
    "load_bbc_news",
    "load_co2",
    "load_dna",
    "load_dna_windows",
    "load_japanese_vowels",
    "load_kdd_tsad_135",
    "load_plaid",
    "load_shakespeare",
    "make_adding_problem",
    "make_copy_memory",
    "make_eeg_bursts",
    "make_motif_task",
]

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
#: DNA integer codes: ``DNA_ALPHABET[code]``; code 4 is any other symbol (none occur in
#: the bundled genome).
DNA_ALPHABET = "ACGTN"

# The bundled files and their sha256 (datasets/README.md lists the same values).
_SHA256 = {
    "acsf1.npz": "3a02d5c104698a34f07600537a03a53251c7bffeb74c78833da7b87a0c194abf",
    "bbc_news.jsonl.gz": "b65867b1f8fb9e3276cb140b250e6e54e75ead02b4275fcf8642b7721efd9315",
    "c_diphtheriae_genes.tsv.gz": "91fdd48ad2de433d0077ca4d60df06fdc8bd84193ba8fd32e0ba2a57245918d7",
    "c_diphtheriae_genome.fna.gz": "e9f88cc1a5c1f0e10f372df91852e44630cbeb1d424a34566ed159e5e94850b3",
    "co2.csv.gz": "148db9fa8c08756ffd6b17451da39312d882fd927f56697bcf813b6b08b2bd4a",
    "japanese_vowels.npz": "bce488a669b2f81875c9fed8737f7c8d295d257887aa86d703266938e2ada67e",
    "kdd_tsad_135.npz": "2f2ac7176b286cc34d7aec856f5d6fa1e1bc2566885819f30404da7b2da3430f",
    "plaid.npz": "0aaa49d84ef2c0c70edca3d630e1a4b1e3b8c9a69fed73c9f63bad0f67946265",
    "shakespeare.jsonl.gz": "55445e3f7e4b7012bb98a2d0988d34a6e41fbbd8bd1289348f6423aa1bb20674",
}

# (path, size, modification time) -> sha256, so each file is hashed once per process.
_HASH_CACHE: dict[tuple[str, int, int], str] = {}


class DatasetFileError(OSError):
    """A bundled data file is missing or its sha256 differs from the recorded one.

    A subclass of ``OSError``. The message names the file, the expected and the actual
    sha256 and how to restore the file.
    """


# ----------------------------------------------------------------------------- files
def _check_data_dir(data_dir: Any) -> Path | None:
    if data_dir is None:
        return None
    if not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(
            f"`data_dir` must be None, a string or a path. {received(data_dir=data_dir)} "
            "Leave it as None to use the data bundled with lstmkit."
        )
    return Path(data_dir)


def _locate(filename: str, data_dir: Path | None) -> Any:
    """Return the path of a bundled file: ``data_dir``, else the checkout, else the wheel."""
    if data_dir is not None:
        return data_dir / filename
    checkout = Path(__file__).resolve().parents[1] / "datasets" / filename
    if checkout.is_file():
        return checkout
    try:
        return importlib.resources.files("lstmkit._data") / filename
    except ModuleNotFoundError:
        return checkout


def _fix_hint(filename: str) -> str:
    return (
        "To restore it: reinstall lstmkit (`pip install --force-reinstall lstmkit`), or in a "
        f"source checkout run `git checkout datasets/{filename}`, or rebuild it with "
        "`python datasets/build.py` (see datasets/README.md)."
    )


def _read_verified(filename: str, data_dir: Any = None) -> bytes:
    """Return the bytes of a bundled file after checking its sha256."""
    directory = _check_data_dir(data_dir)
    expected = _SHA256[filename]
    path = _locate(filename, directory)
    if not path.is_file():
        raise DatasetFileError(
            f"The data file {path} is missing (expected sha256 {expected}; actual sha256: "
            f"none, there is no file). {_fix_hint(filename)}"
        )
    data = path.read_bytes()
    try:
        status = os.stat(path)
        key = (str(path), status.st_size, status.st_mtime_ns)
    except (OSError, TypeError):  # a resource that is not a real file (zip import)
        key = None
    actual = _HASH_CACHE.get(key) if key is not None else None
    if actual is None:
        actual = hashlib.sha256(data).hexdigest()
        if key is not None:
            _HASH_CACHE[key] = actual
    if actual != expected:
        raise DatasetFileError(
            f"The data file {path} is damaged: expected sha256 {expected}, actual sha256 "
            f"{actual}. {_fix_hint(filename)}"
        )
    return data


def _load_npz(filename: str, data_dir: Any) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(_read_verified(filename, data_dir)), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _split_flat(values: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    return np.split(values, np.cumsum(lengths)[:-1])


# ----------------------------------------------------------------------------- loaders
def load_acsf1(*, data_dir: str | os.PathLike | None = None):
    """Load ACSF1: appliance power consumption, 1,460 steps, 10 classes, 100 + 100.

    A long, equal-length classification benchmark: each series is a day of one
    appliance's power draw sampled every ~minute (z-normalized in the source).

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


def _load_variable_length(filename: str, data_dir: Any):
    arrays = _load_npz(filename, data_dir)
    return (
        (_split_flat(arrays["train_values"], arrays["train_lengths"]), arrays["y_train"]),
        (_split_flat(arrays["test_values"], arrays["test_lengths"]), arrays["y_test"]),
    )


def load_plaid(*, data_dir: str | os.PathLike | None = None):
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


def load_japanese_vowels(*, data_dir: str | os.PathLike | None = None):
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


def load_kdd_tsad_135(*, data_dir: str | os.PathLike | None = None):
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


def load_co2(*, missing: str = "keep", data_dir: str | os.PathLike | None = None):
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


def _stratified_split(
    labels: np.ndarray, groups: np.ndarray, test_fraction: float, rng: np.random.Generator
):
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
):
    """Load BBC News: 2,225 articles (up to 4,432 words) in 5 topics, split by topic.

    Long documents for text classification. The data has no published split, so this
    draws a stratified one: each topic contributes ``round(test_fraction * count)``
    articles to the test part. The same ``seed`` always gives the same split. Both parts
    come in random order (Keras's ``validation_split`` takes the *last* samples, so a
    topic-sorted order would give a one-topic validation set).

    Args:
        test_fraction: share of each topic held out for testing, in (0, 1).
        seed: ``None``, an int or a ``numpy.random.Generator`` for the split.
        data_dir: folder holding ``bbc_news.jsonl.gz``; ``None`` uses the bundled copy.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` lists of article strings (the
        first line is the headline), ``y`` int32 labels 0..4 (names in
        ``BBC_NEWS_TOPICS``). With the default ``test_fraction=0.2``: 1,781 + 444.

    Raises:
        DatasetFileError: the file is missing or its sha256 is wrong.

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
    labels = np.array([BBC_NEWS_TOPICS.index(record["topic"]) for record in records], dtype=np.int32)
    # 98 articles appear twice (same topic): keep both copies in the same part.
    first_index: dict[str, int] = {}
    groups = np.array([first_index.setdefault(text, len(first_index)) for text in texts])
    train_index, test_index = _stratified_split(labels, groups, test_fraction, rng)
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


_DNA_CODES = np.full(256, 4, dtype=np.uint8)
for _code, _letters in enumerate(("Aa", "Cc", "Gg", "Tt")):
    for _letter in _letters:
        _DNA_CODES[ord(_letter)] = _code


def load_dna(*, data_dir: str | os.PathLike | None = None):
    """Load the C. diphtheriae NCTC11397 genome with its predicted genes (2.46 Mb).

    The genome (RefSeq GCF_001457455.1, one chromosome) and the 2,343 genes that
    Prodigal (pyrodigal 3.7.1, single-genome mode) predicts on both strands. 88.6% of
    the bases lie in a predicted gene ("coding"), the rest are "intergenic".
    :func:`load_dna_windows` cuts labelled windows from it.

    Args:
        data_dir: folder holding ``c_diphtheriae_genome.fna.gz`` and
            ``c_diphtheriae_genes.tsv.gz``; ``None`` uses the bundled copies.

    Returns:
        ``(sequence, coding_mask, genes)``: ``sequence`` uint8 of shape ``(2463666,)``
        with codes A=0, C=1, G=2, T=3 (``DNA_ALPHABET``); ``coding_mask`` bool of the
        same shape, True inside a predicted gene on either strand; ``genes`` int64 of
        shape ``(2343, 3)`` with columns start, end (0-based, end exclusive) and strand
        (+1 or -1).

    Raises:
        DatasetFileError: a file is missing or its sha256 is wrong.

    Example:
        >>> sequence, coding_mask, genes = load_dna()
        >>> sequence.shape, sequence.dtype.name, genes.shape
        ((2463666,), 'uint8', (2343, 3))
        >>> "".join(DNA_ALPHABET[code] for code in sequence[:8]), genes[0].tolist()
        ('GTGTGGAA', [0, 1659, 1])
    """
    fasta = gzip.decompress(_read_verified("c_diphtheriae_genome.fna.gz", data_dir))
    letters = b"".join(line.strip() for line in fasta.splitlines() if not line.startswith(b">"))
    sequence = _DNA_CODES[np.frombuffer(letters, dtype=np.uint8)]
    table = gzip.decompress(_read_verified("c_diphtheriae_genes.tsv.gz", data_dir)).decode("ascii")
    genes = np.array(
        [line.split("\t") for line in table.splitlines()[1:] if line], dtype=np.int64
    ).reshape(-1, 3)
    # +1 at each gene start, -1 after its end: a running sum > 0 means inside a gene.
    change = np.zeros(len(sequence) + 1, dtype=np.int64)
    np.add.at(change, genes[:, 0], 1)
    np.add.at(change, genes[:, 1], -1)
    coding_mask = np.cumsum(change[:-1]) > 0
    return sequence, coding_mask, genes


def load_dna_windows(
    *,
    window_length: int = 1000,
    stride: int | None = None,
    test_fraction: float = 0.2,
    label: str = "center",
    encoding: str = "integer",
    data_dir: str | os.PathLike | None = None,
):
    """Cut coding / intergenic windows from the bundled genome, split by position.

    Long DNA classification. Training windows come from the first
    ``1 - test_fraction`` of the genome and test windows from the rest, and no window
    crosses that border, so no base is in both parts (leak-free). Labels come from
    :func:`load_dna`'s predicted genes; intergenic windows are the minority class.

    Args:
        window_length: bases per window.
        stride: bases between the starts of consecutive windows; ``None`` means
            ``window_length`` (windows tile without overlap).
        test_fraction: share of the genome, at its end, used for test windows, in (0, 1).
        label: ``"center"``: 1 when the window's centre base (index
            ``window_length // 2``) is coding (about 89% are); ``"majority"``: 1 when at
            least half of its bases are coding (about 96% are at 1,000 bases).
        encoding: ``"integer"`` gives int32 codes 0-3 (A, C, G, T) of shape
            ``(N, window_length)``; ``"one_hot"`` gives float32 of shape
            ``(N, window_length, 4)``.
        data_dir: folder holding the genome files; ``None`` uses the bundled copies.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` with ``y`` int32 of shape ``(N,)``:
        1 coding, 0 intergenic. With the defaults 1,970 train and 492 test windows; the
        first training window covers bases 0-999, the first test window starts at base
        1,970,932.

    Raises:
        DatasetFileError: a file is missing or its sha256 is wrong.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_dna_windows(window_length=1000)
        >>> x_train.shape, x_test.shape, x_train.dtype.name
        ((1970, 1000), (492, 1000), 'int32')
        >>> (x_train, _), _ = load_dna_windows(window_length=200, encoding="one_hot")
        >>> x_train.shape
        (9854, 200, 4)
    """
    window_length = check_int(window_length, "window_length", minimum=1)
    stride = window_length if stride is None else check_int(stride, "stride", minimum=1)
    test_fraction = check_float(
        test_fraction, "test_fraction", minimum=0.0, maximum=1.0, include_minimum=False,
        include_maximum=False, hint="Use for example test_fraction=0.2.",
    )
    check_option(label, "label", ("center", "majority"))
    check_option(encoding, "encoding", ("integer", "one_hot"))
    sequence, coding_mask, _ = load_dna(data_dir=data_dir)
    border = int(len(sequence) * (1.0 - test_fraction))
    shortest_part = min(border, len(sequence) - border)
    if window_length > shortest_part:
        raise ValueError(
            f"`window_length` must fit in both the training and the test part of the genome "
            f"({shortest_part} bases for the smaller one). "
            f"{received(window_length=window_length, test_fraction=test_fraction)} "
            "Use a shorter window or a test_fraction closer to 0.5."
        )
    coding_count = np.concatenate([[0], np.cumsum(coding_mask, dtype=np.int64)])

    def cut(begin: int, end: int):
        starts = np.arange(begin, end - window_length + 1, stride)
        windows = np.lib.stride_tricks.sliding_window_view(sequence, window_length)[starts]
        if label == "center":
            labels = coding_mask[starts + window_length // 2]
        else:
            labels = 2 * (coding_count[starts + window_length] - coding_count[starts]) >= window_length
        if encoding == "one_hot":
            x = np.eye(5, 4, dtype=np.float32)[windows]  # code 4 (N) -> all zeros
        else:
            x = windows.astype(np.int32)
        return x, labels.astype(np.int32)

    return cut(0, border), cut(border, len(sequence))


# ----------------------------------------------------------------------------- synthetic
def make_adding_problem(
    num_samples: int,
    sequence_length: int,
    *,
    first_marker_before: int | None = None,
    second_marker_after: int | None = None,
    seed: Any = None,
):
    """Make the adding problem: add the two marked values of a long random sequence.

    The classic long-memory test (Hochreiter & Schmidhuber, 1997). Channel 0 holds
    uniform random values in [0, 1), channel 1 is 1 at exactly two steps and 0
    elsewhere; the target is the sum of the two marked values. The first marker lies in
    steps ``[0, first_marker_before)`` and the second in
    ``[second_marker_after, sequence_length)``, so a model reading left to right must
    keep the first value for at least ``sequence_length - first_marker_before`` steps
    (the answer is read at the last step). Predicting 1.0 always gives a mean squared error of about 0.167: the
    baseline to beat.

    Args:
        num_samples: number of sequences.
        sequence_length: steps per sequence, at least 2.
        first_marker_before: the first marker is drawn uniformly before this step;
            ``None`` means ``sequence_length // 2`` (the first half, as in the classic
            task).
        second_marker_after: the second marker is drawn uniformly from this step to the
            end; ``None`` means ``sequence_length // 2`` (the second half). Must be
            ``>= first_marker_before``.
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        ``(x, y)``: ``x`` float32 of shape ``(num_samples, sequence_length, 2)`` (values,
        markers) and ``y`` float32 of shape ``(num_samples,)``.

    Example:
        >>> x, y = make_adding_problem(4, 100, seed=0)
        >>> x.shape, y.shape
        ((4, 100, 2), (4,))
        >>> x[..., 1].sum(axis=1).tolist()
        [2.0, 2.0, 2.0, 2.0]
        >>> bool(np.allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1)))
        True
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    sequence_length = check_int(
        sequence_length, "sequence_length", minimum=2,
        hint="The task needs room for two markers.",
    )
    half = sequence_length // 2
    first_marker_before = half if first_marker_before is None else check_int(
        first_marker_before, "first_marker_before", minimum=1, maximum=sequence_length - 1,
        hint=f"It must leave room for the second marker in a sequence of {sequence_length} steps.",
    )
    second_marker_after = half if second_marker_after is None else check_int(
        second_marker_after, "second_marker_after", minimum=1, maximum=sequence_length - 1,
        hint=f"The second marker must fall inside the {sequence_length} steps.",
    )
    if second_marker_after < first_marker_before:
        raise ValueError(
            "`second_marker_after` must be >= `first_marker_before` so the two marker "
            f"ranges do not overlap. {received(first_marker_before=first_marker_before, second_marker_after=second_marker_after)} "
            "Raise second_marker_after or lower first_marker_before."
        )
    rng = check_random_state(seed)
    values = rng.random((num_samples, sequence_length)).astype(np.float32)
    first = rng.integers(0, first_marker_before, size=num_samples)
    second = rng.integers(second_marker_after, sequence_length, size=num_samples)
    rows = np.arange(num_samples)
    markers = np.zeros((num_samples, sequence_length), dtype=np.float32)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    targets = values[rows, first] + values[rows, second]
    return np.stack([values, markers], axis=-1), targets


def make_copy_memory(
    num_samples: int,
    delay: int,
    *,
    num_symbols: int = 8,
    copy_length: int = 10,
    seed: Any = None,
):
    """Make the copy-memory task: read some symbols, wait ``delay`` steps, write them back.

    The task of Arjovsky et al. (2016). Each input sequence has ``copy_length`` random
    symbols, then blanks, then a delimiter at step ``copy_length + delay - 1``, then
    ``copy_length`` more blanks; the per-step target is blank everywhere except the last
    ``copy_length`` steps, which repeat the symbols. Sequences are
    ``delay + 2 * copy_length`` steps long. Codes: 0 blank, 1..``num_symbols`` the
    symbols, ``num_symbols + 1`` the delimiter (``num_symbols + 2`` codes in all). Always
    predicting blank, then a guess, gives a cross-entropy of
    ``copy_length * log(num_symbols) / (delay + 2 * copy_length)``: the baseline.

    Args:
        num_samples: number of sequences.
        delay: steps between the end of the symbols and the delimiter's step plus one,
            at least 1; each symbol must be remembered ``delay + copy_length`` steps.
        num_symbols: size of the alphabet to copy, at least 1.
        copy_length: symbols per sequence, at least 1.
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        ``(inputs, targets)``: both int32 of shape
        ``(num_samples, delay + 2 * copy_length)``.

    Example:
        >>> inputs, targets = make_copy_memory(2, 5, num_symbols=4, copy_length=3, seed=0)
        >>> inputs.shape
        (2, 11)
        >>> bool((targets[:, -3:] == inputs[:, :3]).all()), int(inputs[0, 3 + 5 - 1])
        (True, 5)
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    delay = check_int(delay, "delay", minimum=1)
    num_symbols = check_int(num_symbols, "num_symbols", minimum=1)
    copy_length = check_int(copy_length, "copy_length", minimum=1)
    rng = check_random_state(seed)
    total = delay + 2 * copy_length
    symbols = rng.integers(1, num_symbols + 1, size=(num_samples, copy_length), dtype=np.int32)
    inputs = np.zeros((num_samples, total), dtype=np.int32)
    targets = np.zeros((num_samples, total), dtype=np.int32)
    inputs[:, :copy_length] = symbols
    inputs[:, copy_length + delay - 1] = num_symbols + 1
    targets[:, total - copy_length:] = symbols
    return inputs, targets


def make_motif_task(
    num_samples: int,
    sequence_length: int,
    *,
    distance_from_end: int,
    motif: str = "TATAAT",
    encoding: str = "integer",
    seed: Any = None,
):
    """Make a DNA task: does the sequence hold a motif, planted far from the end?

    Random DNA (A, C, G, T uniform); exactly half the sequences (``num_samples // 2``,
    in random order) are positives with ``motif`` planted so that it ends
    ``distance_from_end`` steps before the end: at steps
    ``[sequence_length - distance_from_end - len(motif), sequence_length - distance_from_end)``.
    Chance occurrences are removed, so the motif appears nowhere in negatives and only
    at the planted place in positives: the label depends on those steps alone, and a
    model reading left to right must remember them for ``distance_from_end`` steps.

    Args:
        num_samples: number of sequences, at least 2 (one of each class).
        sequence_length: bases per sequence.
        distance_from_end: steps between the motif's last base and the end (0 puts it
            at the very end).
        motif: the motif, letters A, C, G, T (case-insensitive).
        encoding: ``"integer"`` gives int32 codes 0-3 (A, C, G, T) of shape
            ``(num_samples, sequence_length)``; ``"one_hot"`` gives float32 of shape
            ``(num_samples, sequence_length, 4)``.
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        ``(x, y, motif_starts)``: ``x`` as above, ``y`` int32 of shape ``(num_samples,)``
        (1 = has the motif), ``motif_starts`` int32 of shape ``(num_samples,)``, the step
        where the motif starts, -1 for negatives.

    Example:
        >>> x, y, starts = make_motif_task(6, 50, distance_from_end=10, motif="GATTACA", seed=0)
        >>> x.shape, int(y.sum()), sorted(set(starts.tolist()))
        ((6, 50), 3, [-1, 33])
        >>> row = int(np.flatnonzero(y)[0])
        >>> "".join(DNA_ALPHABET[code] for code in x[row, 33:40])
        'GATTACA'
    """
    num_samples = check_int(
        num_samples, "num_samples", minimum=2, hint="The task needs one sequence of each class."
    )
    sequence_length = check_int(sequence_length, "sequence_length", minimum=1)
    distance_from_end = check_int(distance_from_end, "distance_from_end", minimum=0)
    if not isinstance(motif, str):
        raise TypeError(f"`motif` must be a string of A, C, G, T. {received(motif=motif)}")
    motif_upper = motif.upper()
    if not motif_upper or set(motif_upper) - set("ACGT"):
        raise ValueError(
            f"`motif` must be a non-empty string of the letters A, C, G, T. "
            f"{received(motif=motif)} Use for example motif='TATAAT'."
        )
    check_option(encoding, "encoding", ("integer", "one_hot"))
    motif_length = len(motif_upper)
    if distance_from_end + motif_length > sequence_length:
        raise ValueError(
            "`distance_from_end` + len(`motif`) must be <= `sequence_length` so the motif "
            f"fits. Received: distance_from_end={distance_from_end}, motif of length "
            f"{motif_length}, sequence_length={sequence_length}. Use a longer "
            "sequence_length or a smaller distance_from_end."
        )
    rng = check_random_state(seed)
    pattern = _DNA_CODES[np.frombuffer(motif_upper.encode("ascii"), dtype=np.uint8)].astype(np.int32)
    codes = rng.integers(0, 4, size=(num_samples, sequence_length), dtype=np.int32)
    labels = np.zeros(num_samples, dtype=np.int32)
    positives = np.sort(rng.permutation(num_samples)[: num_samples // 2])
    labels[positives] = 1
    start = sequence_length - distance_from_end - motif_length
    starts = np.where(labels == 1, start, -1).astype(np.int32)
    codes[positives[:, None], start + np.arange(motif_length)] = pattern
    num_places = sequence_length - motif_length + 1
    for _ in range(1000):  # repair rounds, each vectorized; a handful suffice in practice
        hits = np.ones((num_samples, num_places), dtype=bool)
        for offset in range(motif_length):
            hits &= codes[:, offset:offset + num_places] == pattern[offset]
        hits[positives, start] = False
        if not hits.any():
            break
        rows, places = np.nonzero(hits)
        planted = starts[rows]
        # Change a base of the stray occurrence that lies outside the planted motif.
        changed = np.where((planted >= 0) & (places < planted), places, places + motif_length - 1)
        shift = rng.integers(1, 4, size=len(rows), dtype=np.int32)
        codes[rows, changed] = (codes[rows, changed] + shift) % 4
    else:  # pragma: no cover - never seen; guards against an endless loop
        raise RuntimeError(f"Could not remove chance occurrences of motif {motif!r}.")
    x = np.eye(4, dtype=np.float32)[codes] if encoding == "one_hot" else codes
    return x, labels, starts


def make_eeg_bursts(
    num_samples: int,
    sequence_length: int,
    *,
    positive_fraction: float = 0.5,
    burst_length: int = 64,
    frequency: float = 0.1,
    noise: float = 1.0,
    seed: Any = None,
):
    """Make EEG-like traces: 1/f background noise, with an oscillatory burst in some.

    For sequence classification (does the trace hold a burst?) and, with a small
    ``positive_fraction`` and the per-step mask as target, rare-event detection. The
    background is pink (1/f power) noise scaled to standard deviation ``noise``; a
    burst is a sine of ``frequency`` cycles per step and random phase under a Hann
    envelope of peak 1, ``burst_length`` steps long, at a uniformly random position.
    Each positive trace holds exactly one burst; exactly
    ``round(positive_fraction * num_samples)`` traces are positive, in random order. At
    a sampling rate of 256 Hz, ``frequency=10 / 256`` is a 10 Hz alpha burst.

    Args:
        num_samples: number of traces.
        sequence_length: steps per trace, at least 2 and at least ``burst_length``.
        positive_fraction: share of traces with a burst, in [0, 1].
        burst_length: steps per burst.
        frequency: cycles per step, in (0, 0.5] (0.5 is the Nyquist limit).
        noise: standard deviation of the background, >= 0 (the burst peak is 1).
        seed: ``None``, an int or a ``numpy.random.Generator``.

    Returns:
        ``(x, y, burst_mask)``: ``x`` float32 of shape
        ``(num_samples, sequence_length, 1)``; ``y`` int32 of shape ``(num_samples,)``,
        1 when the trace holds a burst; ``burst_mask`` int32 of shape
        ``(num_samples, sequence_length)``, 1 at the burst's steps.

    Example:
        >>> x, y, burst_mask = make_eeg_bursts(10, 500, burst_length=50, seed=0)
        >>> x.shape, int(y.sum()), burst_mask.sum(axis=1).tolist()
        ((10, 500, 1), 5, [50, 50, 0, 50, 50, 0, 50, 0, 0, 0])
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    sequence_length = check_int(sequence_length, "sequence_length", minimum=2)
    positive_fraction = check_float(positive_fraction, "positive_fraction", minimum=0.0, maximum=1.0)
    burst_length = check_int(
        burst_length, "burst_length", minimum=1, maximum=sequence_length,
        hint=f"A burst must fit in the sequence of {sequence_length} steps: shorten the "
        "burst or lengthen the sequence.",
    )
    frequency = check_float(
        frequency, "frequency", minimum=0.0, maximum=0.5, include_minimum=False,
        hint="It is in cycles per step; above 0.5 a sine cannot be sampled (Nyquist).",
    )
    noise = check_float(noise, "noise", minimum=0.0)
    rng = check_random_state(seed)
    white = rng.standard_normal((num_samples, sequence_length))
    frequencies = np.fft.rfftfreq(sequence_length)
    scale = np.zeros_like(frequencies)
    scale[1:] = 1.0 / np.sqrt(frequencies[1:])  # amplitude ~ f^-1/2, power ~ 1/f
    background = np.fft.irfft(np.fft.rfft(white, axis=1) * scale, n=sequence_length, axis=1)
    background -= background.mean(axis=1, keepdims=True)
    background /= np.maximum(background.std(axis=1, keepdims=True), 1e-12)
    x = noise * background
    num_positive = int(round(positive_fraction * num_samples))
    labels = np.zeros(num_samples, dtype=np.int32)
    rows = np.sort(rng.permutation(num_samples)[:num_positive])
    labels[rows] = 1
    starts = rng.integers(0, sequence_length - burst_length + 1, size=num_positive)
    phases = rng.uniform(0.0, 2.0 * np.pi, size=(num_positive, 1))
    steps = np.arange(burst_length)
    envelope = 0.5 - 0.5 * np.cos(2.0 * np.pi * (steps + 1) / (burst_length + 1))
    bursts = envelope * np.sin(2.0 * np.pi * frequency * steps + phases)
    columns = starts[:, None] + steps
    x[rows[:, None], columns] += bursts
    burst_mask = np.zeros((num_samples, sequence_length), dtype=np.int32)
    burst_mask[rows[:, None], columns] = 1
    return x[..., None].astype(np.float32), labels, burst_mask
