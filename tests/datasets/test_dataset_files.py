"""Tests for lstmkit.datasets._files: the bundled files, their checksums and the hash cache."""

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

import lstmkit.datasets as datasets
from lstmkit.datasets import (
    DatasetFileError,
    _files,
    load_acsf1,
    load_bbc_news,
    load_co2,
    load_dna,
    load_dna_windows,
    load_japanese_vowels,
    load_kdd_tsad_135,
    load_plaid,
    load_shakespeare,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

# Which loader reads which file (load_dna_windows reads the same files as load_dna).
LOADER_OF_FILE = {
    "acsf1.npz": load_acsf1,
    "plaid.npz": load_plaid,
    "japanese_vowels.npz": load_japanese_vowels,
    "kdd_tsad_135.npz": load_kdd_tsad_135,
    "co2.csv.gz": load_co2,
    "bbc_news.jsonl.gz": load_bbc_news,
    "shakespeare.jsonl.gz": load_shakespeare,
    "c_diphtheriae_genome.fna.gz": load_dna,
    "c_diphtheriae_genes.tsv.gz": load_dna_windows,
}


def test_registry_lists_every_bundled_file_and_matches_the_readme():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([\w.]+)` \| `([0-9a-f]{64})` \|$", readme, flags=re.M))
    assert listed == _files._SHA256
    on_disk = {p.name for p in DATA.iterdir() if p.suffix in (".npz", ".gz")}
    assert on_disk == set(_files._SHA256) == set(LOADER_OF_FILE)


def test_bundled_files_hash_to_the_registry_and_stay_small():
    total = 0
    for name, expected in _files._SHA256.items():
        data = (DATA / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected, name
        total += len(data)
    assert total < 10_000_000
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert f"Total on disk: **{total:,} bytes" in readme


def test_the_data_folder_holds_only_data_and_its_readme():
    # The build script lives in scripts/, outside the package that the wheel installs.
    assert not (DATA / "build.py").exists()
    assert (ROOT / "scripts" / "build_data.py").is_file()
    assert not (ROOT / "datasets").exists()


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of the bundled files that a test may damage."""
    for name in _files._SHA256:
        shutil.copyfile(DATA / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("name", sorted(LOADER_OF_FILE))
def test_one_damaged_byte_raises_an_error_naming_the_file_and_its_sha256(data_copy, name):
    path = data_copy / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    actual = hashlib.sha256(bytes(data)).hexdigest()
    with pytest.raises(DatasetFileError) as caught:
        LOADER_OF_FILE[name](data_dir=data_copy)
    message = str(caught.value)
    assert str(path) in message
    assert _files._SHA256[name] in message
    assert actual in message
    assert f"git checkout data/{name}" in message and "build_data.py" in message
    assert isinstance(caught.value, OSError)


def test_missing_file_raises_an_error_naming_the_path(tmp_path):
    with pytest.raises(DatasetFileError, match=r"acsf1\.npz is missing \(expected sha256 3a02d5c1"):
        load_acsf1(data_dir=tmp_path)
    with pytest.raises(DatasetFileError, match=re.escape(str(tmp_path / "co2.csv.gz"))):
        load_co2(data_dir=str(tmp_path))


def test_a_file_is_hashed_once_per_process_but_a_later_change_is_caught(data_copy, monkeypatch):
    calls = []
    real_sha256 = hashlib.sha256

    def counting_sha256(data=b""):
        calls.append(len(data))
        return real_sha256(data)

    monkeypatch.setattr(_files.hashlib, "sha256", counting_sha256)
    load_kdd_tsad_135(data_dir=data_copy)
    load_kdd_tsad_135(data_dir=data_copy)
    assert len(calls) == 1
    path = data_copy / "kdd_tsad_135.npz"
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(0, 0))  # a different modification time, whatever the clock
    with pytest.raises(DatasetFileError, match="is damaged"):
        load_kdd_tsad_135(data_dir=data_copy)


@pytest.mark.parametrize("name", ["kdd_tsad_135.npz", "co2.csv.gz"])
def test_a_same_size_edit_with_the_old_mtime_is_still_caught(data_copy, name):
    # Regression: the cache was keyed on (path, size, mtime), so an in-place edit that
    # kept the size and restored the modification time reused the old "verified" hash
    # and the loader failed later with BadZipFile (or gzip garbage) instead.
    path = data_copy / name
    loader = LOADER_OF_FILE[name]
    loader(data_dir=data_copy)  # verified and cached
    status = os.stat(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF
    with open(path, "r+b") as handle:  # in place: same file, same size
        handle.write(bytes(data))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (status.st_size, status.st_mtime_ns)
    with pytest.raises(DatasetFileError, match="is damaged"):
        loader(data_dir=data_copy)


def test_the_hash_cache_follows_the_bytes_read_not_only_the_metadata(data_copy, monkeypatch):
    # Even when every stat field looks unchanged, different bytes are hashed again.
    monkeypatch.setattr(_files, "_stat_key", lambda path: ("same", 1, 2, 3, 4))
    load_kdd_tsad_135(data_dir=data_copy)
    path = data_copy / "kdd_tsad_135.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetFileError, match="is damaged"):
        load_kdd_tsad_135(data_dir=data_copy)


def test_default_location_is_the_checkout_folder():
    located = _files._locate("acsf1.npz", None)
    checkout = Path(datasets.__file__).resolve().parents[2] / "data"
    if (checkout / "acsf1.npz").is_file():  # lstmkit imported from a source checkout
        assert checkout == DATA
        assert located == DATA / "acsf1.npz"
    else:  # lstmkit imported from an installed wheel: the file ships inside the package
        assert located.name == "acsf1.npz" and located.is_file()
        assert "lstmkit" in str(located) and "_data" in str(located)


def test_data_dir_must_be_a_path():
    with pytest.raises(
        TypeError, match=r"`data_dir` must be None, a string or a path\. Received: data_dir=3"
    ):
        load_acsf1(data_dir=3)


def test_the_error_is_importable_from_the_package():
    assert datasets.DatasetFileError is DatasetFileError
    assert DatasetFileError.__module__ == "lstmkit.datasets"
