"""Bundled real datasets and seeded synthetic tasks with a controlled dependency length.

Real data ships inside lstmkit (``data/`` in the repository, the package
``lstmkit._data`` once installed), a few MB in all, so nothing downloads at run time.
Each loader checks the bytes it reads against the sha256 recorded in lstmkit and in
``data/README.md`` and raises :class:`DatasetFileError` when the file is missing or
damaged. The loaders need only NumPy.

Label conventions: class labels are ``int32`` starting at 0; the class names are in the
module constants (``ACSF1_CLASSES``, ``PLAID_CLASSES``, ...). Equal-length series come
as ``float32`` arrays of shape ``(N, T, C)``; variable-length series as lists of
``(T_i, C)`` ``float32`` arrays (pad them with ``lstmkit.pad_sequences``).

The synthetic tasks (:func:`make_adding_problem`, :func:`make_copy_memory`,
:func:`make_motif_task`, :func:`make_eeg_bursts`) are vectorized and seeded: the same
``seed`` always gives the same arrays, and the distance over which a model must
remember something is an argument.

Modules: ``signals`` (ACSF1, PLAID, JapaneseVowels, KDD-TSAD 135, CO2), ``text`` (BBC
News, Shakespeare), ``dna`` (genome and windows), ``synthetic`` (adding problem, copy
memory, EEG-like bursts), ``motif`` (the DNA motif task).
"""

from lstmkit.datasets._files import DatasetFileError
from lstmkit.datasets.dna import DNA_ALPHABET, load_dna, load_dna_windows
from lstmkit.datasets.motif import make_motif_task
from lstmkit.datasets.signals import (
    ACSF1_CLASSES,
    JAPANESE_VOWELS_CLASSES,
    PLAID_CLASSES,
    load_acsf1,
    load_co2,
    load_japanese_vowels,
    load_kdd_tsad_135,
    load_plaid,
)
from lstmkit.datasets.synthetic import make_adding_problem, make_copy_memory, make_eeg_bursts
from lstmkit.datasets.text import (
    BBC_NEWS_TOPICS,
    SHAKESPEARE_PLAYS,
    load_bbc_news,
    load_shakespeare,
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
