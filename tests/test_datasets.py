"""Tests for lstmkit.datasets: bundled files, their checksums, loaders and synthetic tasks."""

import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmkit.datasets as datasets
from lstmkit.datasets import (
    DatasetFileError,
    load_acsf1,
    load_bbc_news,
    load_co2,
    load_dna,
    load_dna_windows,
    load_japanese_vowels,
    load_kdd_tsad_135,
    load_plaid,
    load_shakespeare,
    make_adding_problem,
    make_copy_memory,
    make_eeg_bursts,
    make_motif_task,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "datasets"

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


# ----------------------------------------------------------------------------- files
def test_registry_lists_every_bundled_file_and_matches_the_readme():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([\w.]+)` \| `([0-9a-f]{64})` \|$", readme, flags=re.M))
    assert listed == datasets._SHA256
    on_disk = {p.name for p in DATA.iterdir() if p.suffix in (".npz", ".gz")}
    assert on_disk == set(datasets._SHA256) == set(LOADER_OF_FILE)


def test_bundled_files_hash_to_the_registry_and_stay_small():
    total = 0
    for name, expected in datasets._SHA256.items():
        data = (DATA / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected, name
        total += len(data)
    assert total < 10_000_000
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert f"Total on disk: **{total:,} bytes" in readme


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of the bundled files that a test may damage."""
    for name in datasets._SHA256:
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
    assert datasets._SHA256[name] in message
    assert actual in message
    assert f"git checkout datasets/{name}" in message and "build.py" in message
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

    monkeypatch.setattr(datasets.hashlib, "sha256", counting_sha256)
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


def test_default_location_is_the_checkout_folder():
    assert datasets._locate("acsf1.npz", None) == DATA / "acsf1.npz"


def test_data_dir_must_be_a_path():
    with pytest.raises(TypeError, match=r"`data_dir` must be None, a string or a path\. Received: data_dir=3"):
        load_acsf1(data_dir=3)


# ----------------------------------------------------------------------------- loaders
def test_load_acsf1():
    (x_train, y_train), (x_test, y_test) = load_acsf1()
    assert x_train.shape == x_test.shape == (100, 1460, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int32
    assert np.bincount(y_train).tolist() == np.bincount(y_test).tolist() == [10] * 10
    assert np.isfinite(x_train).all() and len(datasets.ACSF1_CLASSES) == 10


def test_load_plaid():
    (x_train, y_train), (x_test, y_test) = load_plaid()
    assert len(x_train) == len(y_train) == 537 and len(x_test) == len(y_test) == 537
    lengths = [len(x) for x in x_train + x_test]
    assert min(lengths) == 100 and max(lengths) == 1344
    assert all(x.dtype == np.float32 and x.shape[1] == 1 for x in x_train)
    assert np.bincount(y_train).tolist() == [33, 88, 57, 19, 78, 18, 57, 86, 69, 19, 13]
    assert len(datasets.PLAID_CLASSES) == 11 and y_test.max() == 10


def test_load_japanese_vowels():
    (x_train, y_train), (x_test, y_test) = load_japanese_vowels()
    assert len(x_train) == 270 and len(x_test) == 370
    assert {x.shape[1] for x in x_train + x_test} == {12}
    lengths = [len(x) for x in x_train + x_test]
    assert min(lengths) == 7 and max(lengths) == 29
    assert np.bincount(y_train).tolist() == [30] * 9
    assert np.bincount(y_test).sum() == 370 and y_test.dtype == np.int32


def test_load_kdd_tsad_135():
    (x_train, y_train), (x_test, y_test) = load_kdd_tsad_135()
    assert x_train.shape == y_train.shape == (1200,)
    assert x_test.shape == y_test.shape == (7501,)
    assert x_test.dtype == np.float32 and y_test.dtype == np.int32
    assert y_train.sum() == 0 and y_test.sum() == 12
    assert np.flatnonzero(y_test).tolist() == list(range(4187, 4199))
    np.testing.assert_array_equal(x_test[:1200], x_train)


def test_load_co2_and_its_missing_values():
    dates, co2 = load_co2()
    assert dates.shape == co2.shape == (2284,) and co2.dtype == np.float32
    assert dates.dtype == np.dtype("datetime64[D]")
    assert str(dates[0]) == "1958-03-29" and str(dates[-1]) == "2001-12-29"
    assert (np.diff(dates) == np.timedelta64(7, "D")).all()
    assert np.isnan(co2).sum() == 59
    filled_dates, filled = load_co2(missing="interpolate")
    np.testing.assert_array_equal(filled_dates, dates)
    assert not np.isnan(filled).any()
    present = ~np.isnan(co2)
    np.testing.assert_array_equal(filled[present], co2[present])
    kept_dates, kept = load_co2(missing="drop")
    assert kept.shape == (2225,) and not np.isnan(kept).any() and len(kept_dates) == 2225
    with pytest.raises(ValueError, match=r"`missing` must be one of 'keep', 'interpolate', 'drop'\. Received: missing='fill'"):
        load_co2(missing="fill")


def test_load_bbc_news_split_is_stratified_seeded_and_complete():
    (x_train, y_train), (x_test, y_test) = load_bbc_news(test_fraction=0.2, seed=0)
    assert len(x_train) + len(x_test) == 2225 and isinstance(x_train[0], str)
    counts = np.bincount(np.concatenate([y_train, y_test]))
    assert counts.tolist() == [510, 386, 417, 511, 401]
    shortfall = np.round(counts * 0.2).astype(int) - np.bincount(y_test)
    assert set(shortfall.tolist()) <= {0, 1}  # one fewer when a duplicate pair does not fit
    assert not set(x_train) & set(x_test)  # duplicated articles stay in one part
    assert len(set(x_train + x_test)) == 2225 - 98
    (again_train, _), _ = load_bbc_news(test_fraction=0.2, seed=0)
    assert again_train == x_train
    (other_train, _), _ = load_bbc_news(test_fraction=0.2, seed=1)
    assert other_train != x_train
    assert max(len(text.split()) for text in x_train + x_test) == 4432
    assert any("£" in text for text in x_train + x_test)  # the Latin-1 file was decoded
    with pytest.raises(ValueError, match=r"`test_fraction` must be a finite number > 0.0 and < 1.0\. Received: test_fraction=1"):
        load_bbc_news(test_fraction=1)


def test_load_shakespeare():
    text = load_shakespeare()
    assert 900_000 < len(text) < 1_100_000 and text.isascii()
    assert "Gutenberg" not in text and "*** START" not in text
    assert text.startswith("HAMLET, PRINCE OF DENMARK")
    assert load_shakespeare(plays=["tempest"]).startswith("THE TEMPEST")
    two = load_shakespeare(plays=["macbeth", "lear"])
    assert two.startswith("MACBETH") and "THE TRAGEDY OF KING LEAR" in two
    with pytest.raises(ValueError, match=r"`plays` must be one of 'hamlet'.*Received: plays='king_john'"):
        load_shakespeare(plays=["king_john"])
    with pytest.raises(TypeError, match=r"`plays` must be None or a non-empty list"):
        load_shakespeare(plays="hamlet")


def test_load_dna():
    sequence, coding_mask, genes = load_dna()
    assert sequence.shape == coding_mask.shape == (2_463_666,)
    assert sequence.dtype == np.uint8 and coding_mask.dtype == bool
    assert set(np.unique(sequence).tolist()) == {0, 1, 2, 3}
    assert genes.shape == (2343, 3) and set(np.unique(genes[:, 2]).tolist()) == {-1, 1}
    assert (genes[:, 0] < genes[:, 1]).all()
    assert 0.85 < coding_mask.mean() < 0.92
    # The mask is the union of the gene intervals.
    start, end, _ = genes[10]
    assert coding_mask[start:end].all()
    # Predicted genes start with a start codon (ATG, GTG, TTG) on the forward strand.
    forward = genes[(genes[:, 2] == 1)][:50]
    codons = {"".join(datasets.DNA_ALPHABET[c] for c in sequence[s:s + 3]) for s in forward[:, 0] if s > 0}
    assert codons <= {"ATG", "GTG", "TTG"}


def test_load_dna_windows_is_split_by_position_and_labelled():
    sequence, coding_mask, _ = load_dna()
    (x_train, y_train), (x_test, y_test) = load_dna_windows(window_length=500, test_fraction=0.25)
    border = int(len(sequence) * 0.75)
    assert x_train.shape == ((border - 500) // 500 + 1, 500) and x_train.dtype == np.int32
    assert x_test.shape[0] == (len(sequence) - border - 500) // 500 + 1
    np.testing.assert_array_equal(x_train[1], sequence[500:1000])
    np.testing.assert_array_equal(x_test[0], sequence[border:border + 500])
    assert y_train[3] == int(coding_mask[3 * 500 + 250]) and y_train.dtype == np.int32
    assert 0 < y_test.mean() < 1
    (hot, hot_labels), _ = load_dna_windows(window_length=100, stride=50, encoding="one_hot", label="majority")
    assert hot.shape[1:] == (100, 4) and hot.dtype == np.float32
    np.testing.assert_array_equal(hot[3].argmax(axis=1), sequence[150:250])
    assert hot_labels[3] == int(coding_mask[150:250].mean() >= 0.5)
    with pytest.raises(ValueError, match=r"`window_length` must fit in both the training and the test part"):
        load_dna_windows(window_length=600_000, test_fraction=0.2)
    with pytest.raises(ValueError, match=r"`encoding` must be one of 'integer', 'one_hot'"):
        load_dna_windows(encoding="onehot")


def test_loaders_return_fresh_arrays():
    (x_train, _), _ = load_acsf1()
    x_train[:] = 0
    (again, _), _ = load_acsf1()
    assert again.any()


# ----------------------------------------------------------------------------- adding
def test_adding_problem_shapes_targets_and_seed():
    x, y = make_adding_problem(50, 200, seed=3)
    assert x.shape == (50, 200, 2) and y.shape == (50,) and x.dtype == y.dtype == np.float32
    assert (x[..., 1].sum(axis=1) == 2).all()
    np.testing.assert_allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1), rtol=1e-6)
    x_again, y_again = make_adding_problem(50, 200, seed=3)
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(make_adding_problem(50, 200, seed=4)[0], x)


@settings(max_examples=30, deadline=None)
@given(
    sequence_length=st.integers(2, 300),
    data=st.data(),
)
def test_adding_markers_sit_in_their_ranges(sequence_length, data):
    first_before = data.draw(st.integers(1, sequence_length - 1))
    second_after = data.draw(st.integers(first_before, sequence_length - 1))
    x, y = make_adding_problem(
        20, sequence_length, first_marker_before=first_before, second_marker_after=second_after, seed=0
    )
    marked = np.argwhere(x[..., 1] == 1)[:, 1].reshape(20, 2)
    assert (marked[:, 0] < first_before).all()
    assert (marked[:, 1] >= second_after).all()
    np.testing.assert_allclose(y, x[np.arange(20)[:, None], marked, 0].sum(axis=1), rtol=1e-6)


def test_adding_problem_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"`sequence_length` must be an integer >= 2\. Received: sequence_length=1\. The task needs room"):
        make_adding_problem(4, 1)
    with pytest.raises(ValueError, match=r"`first_marker_before` must be an integer between 1 and 99\. Received: first_marker_before=100"):
        make_adding_problem(4, 100, first_marker_before=100)
    with pytest.raises(ValueError, match=r"`second_marker_after` must be >= `first_marker_before`.*first_marker_before=60, second_marker_after=50"):
        make_adding_problem(4, 100, first_marker_before=60, second_marker_after=50)
    with pytest.raises(TypeError, match=r"`num_samples` must be an integer\. Received: num_samples=2\.5"):
        make_adding_problem(2.5, 100)
    with pytest.raises(ValueError, match=r"`seed` must be None, a non-negative integer"):
        make_adding_problem(4, 100, seed=-1)


# ----------------------------------------------------------------------------- copy memory
def test_copy_memory_layout():
    inputs, targets = make_copy_memory(30, 50, num_symbols=8, copy_length=10, seed=0)
    assert inputs.shape == targets.shape == (30, 70) and inputs.dtype == targets.dtype == np.int32
    assert ((inputs[:, :10] >= 1) & (inputs[:, :10] <= 8)).all()
    assert (inputs[:, 10 + 50 - 1] == 9).all()
    assert (np.delete(inputs, list(range(10)) + [59], axis=1) == 0).all()
    np.testing.assert_array_equal(targets[:, -10:], inputs[:, :10])
    assert (targets[:, :-10] == 0).all()
    np.testing.assert_array_equal(make_copy_memory(30, 50, seed=0)[0], make_copy_memory(30, 50, seed=0)[0])


def test_copy_memory_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"`delay` must be an integer >= 1\. Received: delay=0"):
        make_copy_memory(4, 0)
    with pytest.raises(ValueError, match=r"`copy_length` must be an integer >= 1\. Received: copy_length=0"):
        make_copy_memory(4, 10, copy_length=0)


# ----------------------------------------------------------------------------- motif
@settings(max_examples=25, deadline=None)
@given(
    sequence_length=st.integers(8, 400),
    motif=st.text(alphabet="ACGT", min_size=1, max_size=8),
    data=st.data(),
)
def test_motif_sits_where_the_parameters_say_and_nowhere_else(sequence_length, motif, data):
    distance = data.draw(st.integers(0, sequence_length - len(motif)))
    x, y, starts = make_motif_task(12, sequence_length, distance_from_end=distance, motif=motif, seed=1)
    assert x.shape == (12, sequence_length) and y.sum() == 6
    expected_start = sequence_length - distance - len(motif)
    assert (starts[y == 1] == expected_start).all() and (starts[y == 0] == -1).all()
    text = ["".join(datasets.DNA_ALPHABET[c] for c in row) for row in x]
    for row, label in zip(text, y, strict=True):
        found = [i for i in range(sequence_length - len(motif) + 1) if row.startswith(motif, i)]
        assert found == ([expected_start] if label else [])


def test_motif_task_one_hot_and_seed():
    x, y, starts = make_motif_task(10, 100, distance_from_end=30, encoding="one_hot", seed=5)
    assert x.shape == (10, 100, 4) and x.dtype == np.float32 and (x.sum(axis=2) == 1).all()
    codes, y_codes, _ = make_motif_task(10, 100, distance_from_end=30, seed=5)
    np.testing.assert_array_equal(x.argmax(axis=2), codes)
    np.testing.assert_array_equal(y, y_codes)
    assert codes.dtype == np.int32 and y.dtype == starts.dtype == np.int32


def test_motif_task_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"`distance_from_end` \+ len\(`motif`\) must be <= `sequence_length`.*distance_from_end=95, motif of length 6, sequence_length=100\. Use a longer sequence_length"):
        make_motif_task(10, 100, distance_from_end=95)
    with pytest.raises(ValueError, match=r"`motif` must be a non-empty string of the letters A, C, G, T\. Received: motif='TAXA'"):
        make_motif_task(10, 100, distance_from_end=5, motif="TAXA")
    with pytest.raises(ValueError, match=r"`num_samples` must be an integer >= 2\. Received: num_samples=1"):
        make_motif_task(1, 100, distance_from_end=5)
    with pytest.raises(TypeError, match="distance_from_end"):
        make_motif_task(10, 100)


# ----------------------------------------------------------------------------- EEG bursts
def test_eeg_bursts_labels_mask_and_signal():
    x, y, mask = make_eeg_bursts(40, 600, positive_fraction=0.25, burst_length=80, frequency=0.1, noise=0.0, seed=2)
    assert x.shape == (40, 600, 1) and x.dtype == np.float32
    assert y.sum() == 10 and mask.dtype == y.dtype == np.int32
    np.testing.assert_array_equal(mask.sum(axis=1), 80 * y)
    # With no noise the trace is exactly the burst: non-zero only under the mask.
    assert (x[..., 0][mask == 0] == 0).all()
    assert np.abs(x[..., 0][mask == 1]).max() > 0.5
    # Each burst is one contiguous run.
    runs = np.diff(np.pad(mask, ((0, 0), (1, 1))), axis=1)
    assert ((runs == 1).sum(axis=1) == y).all()
    # The dominant frequency of a burst is the requested one.
    row = int(np.flatnonzero(y)[0])
    burst = x[row, mask[row] == 1, 0]
    spectrum = np.abs(np.fft.rfft(burst, n=1000))
    assert abs(np.fft.rfftfreq(1000)[spectrum.argmax()] - 0.1) < 0.01


def test_eeg_background_is_scaled_noise_and_seeded():
    x, y, _ = make_eeg_bursts(20, 1000, positive_fraction=0.0, noise=2.0, seed=0)
    assert y.sum() == 0
    np.testing.assert_allclose(x[..., 0].std(axis=1), 2.0, rtol=1e-4)
    # 1/f: more power in the lowest tenth of frequencies than in the highest tenth.
    power = np.abs(np.fft.rfft(x[..., 0], axis=1)) ** 2
    assert power[:, 1:50].mean() > 10 * power[:, -50:].mean()
    np.testing.assert_array_equal(x, make_eeg_bursts(20, 1000, positive_fraction=0.0, noise=2.0, seed=0)[0])


def test_eeg_bursts_reject_bad_arguments():
    with pytest.raises(ValueError, match=r"`burst_length` must be an integer between 1 and 100\. Received: burst_length=200\. A burst must fit"):
        make_eeg_bursts(4, 100, burst_length=200)
    with pytest.raises(ValueError, match=r"`frequency` must be a finite number > 0.0 and <= 0.5\. Received: frequency=0.7\. .*Nyquist"):
        make_eeg_bursts(4, 100, burst_length=10, frequency=0.7)
    with pytest.raises(ValueError, match=r"`positive_fraction` must be a finite number >= 0.0 and <= 1.0\. Received: positive_fraction=1.5"):
        make_eeg_bursts(4, 100, burst_length=10, positive_fraction=1.5)
    with pytest.raises(ValueError, match=r"`noise` must be a finite number >= 0.0\. Received: noise=-1.0"):
        make_eeg_bursts(4, 100, burst_length=10, noise=-1.0)
