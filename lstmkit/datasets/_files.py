"""Locate the bundled data files and check each one against its recorded sha256.

The files live in ``data/`` of a source checkout and in the package ``lstmkit._data`` of
an installed wheel. Every loader reads a whole file into memory and checks those very
bytes, so a file changed on disk after an earlier load is still caught.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import os
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from lstmkit._validation import received

__all__ = ["DatasetFileError"]

# The bundled files and their sha256 (data/README.md lists the same values).
_SHA256 = {
    "acsf1.npz": "3a02d5c104698a34f07600537a03a53251c7bffeb74c78833da7b87a0c194abf",
    "bbc_news.jsonl.gz": "b65867b1f8fb9e3276cb140b250e6e54e75ead02b4275fcf8642b7721efd9315",
    "c_diphtheriae_genes.tsv.gz":
        "91fdd48ad2de433d0077ca4d60df06fdc8bd84193ba8fd32e0ba2a57245918d7",
    "c_diphtheriae_genome.fna.gz":
        "e9f88cc1a5c1f0e10f372df91852e44630cbeb1d424a34566ed159e5e94850b3",
    "co2.csv.gz": "148db9fa8c08756ffd6b17451da39312d882fd927f56697bcf813b6b08b2bd4a",
    "japanese_vowels.npz": "bce488a669b2f81875c9fed8737f7c8d295d257887aa86d703266938e2ada67e",
    "kdd_tsad_135.npz": "2f2ac7176b286cc34d7aec856f5d6fa1e1bc2566885819f30404da7b2da3430f",
    "plaid.npz": "0aaa49d84ef2c0c70edca3d630e1a4b1e3b8c9a69fed73c9f63bad0f67946265",
    "shakespeare.jsonl.gz": "55445e3f7e4b7012bb98a2d0988d34a6e41fbbd8bd1289348f6423aa1bb20674",
}

# The repository folder that holds the data files in a source checkout.
_CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"

# Verified files, so each one is sha256-hashed once per process. The key holds what
# ``os.stat`` says about the file (path, size, inode, modification and change times)
# and a CRC-32 of the bytes actually read: restoring the modification time after an
# in-place edit of the same size changes the CRC (and the change time), so such a file
# is hashed again instead of being trusted from the cache.
_HASH_CACHE: dict[tuple[Any, ...], str] = {}


class DatasetFileError(OSError):
    """A bundled data file is missing or its sha256 differs from the recorded one.

    A subclass of ``OSError``, raised by every ``load_*`` function of
    :mod:`lstmkit.datasets`. The message names the file, the expected and the actual
    sha256 and how to restore the file.

    Example:
        >>> import tempfile
        >>> from lstmkit.datasets import load_acsf1
        >>> with tempfile.TemporaryDirectory() as empty:
        ...     load_acsf1(data_dir=empty)
        Traceback (most recent call last):
        ...
        lstmkit.datasets.DatasetFileError: The data file ... is missing ...
    """

    __module__ = "lstmkit.datasets"  # where users import it from (tracebacks, pickling)


def _check_data_dir(data_dir: Any) -> Path | None:
    if data_dir is None:
        return None
    if not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(
            f"`data_dir` must be None, a string or a path. {received(data_dir=data_dir)} "
            "Leave it as None to use the data bundled with lstmkit."
        )
    path = Path(data_dir)
    if not path.is_dir():
        raise ValueError(
            f"`data_dir` must be an existing folder. {received(data_dir=data_dir)} "
            "Pass the folder that holds lstmkit's data files, or leave it as None to use "
            "the data bundled with lstmkit."
        )
    return path


def _locate(filename: str, data_dir: Path | None) -> Any:
    """Return the path of a bundled file: ``data_dir``, else the checkout, else the wheel."""
    if data_dir is not None:
        return data_dir / filename
    checkout = _CHECKOUT_DATA / filename
    if checkout.is_file():
        return checkout
    try:
        return importlib.resources.files("lstmkit._data") / filename
    except ModuleNotFoundError:
        return checkout


def _fix_hint(filename: str) -> str:
    return (
        "To restore it: reinstall lstmkit (`pip install --force-reinstall lstmkit`), or in a "
        f"source checkout run `git checkout data/{filename}`, or rebuild it with "
        "`python scripts/build_data.py` (see data/README.md)."
    )


def _stat_key(path: Any) -> tuple[Any, ...] | None:
    try:
        status = os.stat(path)
    except (OSError, TypeError):  # a resource that is not a real file (zip import)
        return None
    return (
        str(path), status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns,
    )


def _read_verified(filename: str, data_dir: Any = None) -> bytes:
    """Return the bytes of a bundled file after checking their sha256."""
    directory = _check_data_dir(data_dir)
    expected = _SHA256[filename]
    path = _locate(filename, directory)
    if not path.is_file():
        raise DatasetFileError(
            f"The data file {path} is missing (expected sha256 {expected}; actual sha256: "
            f"none, there is no file). {_fix_hint(filename)}"
        )
    before = _stat_key(path)
    data = path.read_bytes()
    # Cache only when the file did not change while it was read; the CRC ties the cached
    # hash to these bytes, not to the file's metadata alone.
    key = None
    if before is not None and before == _stat_key(path):
        key = (*before, len(data), zlib.crc32(data))
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
