"""The bundled C. diphtheriae genome, its predicted genes, and labelled windows cut from it.

Each loader checks its files' sha256 first. Bases are coded A=0, C=1, G=2, T=3
(``DNA_ALPHABET``).
"""

from __future__ import annotations

import gzip
import os

import numpy as np

from lstmkit._validation import check_allocation, check_float, check_int, check_option, received
from lstmkit.datasets._files import _read_verified

__all__ = ["DNA_ALPHABET", "load_dna", "load_dna_windows"]

#: DNA integer codes: ``DNA_ALPHABET[code]``; code 4 is any other symbol (none occur in
#: the bundled genome).
DNA_ALPHABET = "ACGTN"

_DNA_CODES = np.full(256, 4, dtype=np.uint8)
for _code, _letters in enumerate(("Aa", "Cc", "Gg", "Tt")):
    for _letter in _letters:
        _DNA_CODES[ord(_letter)] = _code


def load_dna(
    *, data_dir: str | os.PathLike | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
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
        ValueError: an argument is out of range, or the windows would not fit in the
            available memory (a small ``stride`` makes many overlapping windows).

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
    num_windows = sum(
        (end - begin - window_length) // stride + 1
        for begin, end in ((0, border), (border, len(sequence)))
    )
    depth = 4 if encoding == "one_hot" else 1
    check_allocation(
        num_windows * window_length * depth, 4, name="stride", value=stride,
        hint=f"{num_windows:,} windows of {window_length} bases would not fit. Use a larger "
        "stride (fewer, less overlapping windows), a shorter window_length, or "
        "encoding='integer' (4 times smaller than one_hot).",
    )
    coding_count = np.concatenate([[0], np.cumsum(coding_mask, dtype=np.int64)])
    # Encode the genome once; each window is then a view into it, copied only by the
    # final indexing, so the result is the only large allocation.
    if encoding == "one_hot":
        encoded = np.eye(5, 4, dtype=np.float32)[sequence]  # code 4 (N) -> all zeros
    else:
        encoded = sequence.astype(np.int32)
    views = np.lib.stride_tricks.sliding_window_view(encoded, window_length, axis=0)
    if encoding == "one_hot":
        views = views.transpose(0, 2, 1)  # (windows, 4, window_length) -> (..., W, 4)

    def cut(begin: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        starts = np.arange(begin, end - window_length + 1, stride)
        if label == "center":
            labels = coding_mask[starts + window_length // 2]
        else:
            counts = coding_count[starts + window_length] - coding_count[starts]
            labels = 2 * counts >= window_length
        return np.ascontiguousarray(views[starts]), labels.astype(np.int32)

    return cut(0, border), cut(border, len(sequence))
