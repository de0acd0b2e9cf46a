"""lstmkit: train LSTMs on very long sequences with Keras 3.

Import it as ``import lstmkit as lk``. Each concern lives in its own module
(``lstmkit.datasets``, ``lstmkit.windowing``, ...); the most used names are
re-exported here.
"""

__version__ = "0.1.0"

from lstmkit import datasets
from lstmkit.profiling import measure, resident_memory_mb
from lstmkit.reproducibility import environment_report, set_seed
from lstmkit.results import load_results, save_results

__all__ = [
    "__version__",
    "datasets",
    "environment_report",
    "load_results",
    "measure",
    "resident_memory_mb",
    "save_results",
    "set_seed",
]
