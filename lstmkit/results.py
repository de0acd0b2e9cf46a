"""Results files: each notebook saves its headline figures so others can gather them.

A notebook ends with ``lk.save_results("04_truncation", headline=..., metrics={...})``.
The head-to-head notebook and ``scripts/run_notebooks.py`` read them back, so every
number in the comparison table was computed by the notebook that teaches it.
"""

from __future__ import annotations

import json
import math
import numbers
from pathlib import Path
from typing import Any

__all__ = ["load_results", "save_results"]


def _clean(value: Any, where: str) -> Any:
    """Convert NumPy scalars and containers to JSON types; reject NaN and objects."""
    if isinstance(value, dict):
        return {str(k): _clean(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(
                f"`metrics` must hold finite numbers. Received: {where}={value}. "
                "A NaN usually means training diverged; fix that before saving."
            )
        return value
    raise TypeError(
        f"`metrics` values must be numbers, strings, lists or dicts. Received: {where} "
        f"of type {type(value).__name__}. Convert it, for example with float(...)."
    )


def save_results(
    notebook: str, *, headline: str, metrics: dict[str, Any], directory: str | Path = "results"
) -> Path:
    """Write ``<directory>/<notebook>.json`` with a one-line headline and figures.

    Args:
        notebook: the notebook's stem, for example ``"01_lstm_from_scratch"``.
        headline: one sentence with the notebook's main measured result.
        metrics: figures to keep (numbers, strings, lists, nested dicts).
        directory: where to write; relative paths are relative to the working
            directory, which is the notebook's folder under Jupyter and nbval.

    Returns:
        The path written.

    Example:
        >>> import tempfile, lstmkit as lk
        >>> folder = tempfile.mkdtemp()
        >>> path = lk.save_results("demo", headline="acc 0.9", metrics={"acc": 0.9},
        ...                        directory=folder)
        >>> lk.load_results("demo", directory=folder)["metrics"]
        {'acc': 0.9}
    """
    if not isinstance(notebook, str) or not notebook or "/" in notebook:
        raise ValueError(
            f"`notebook` must be a notebook's file stem such as '04_truncation'. "
            f"Received: notebook={notebook!r}."
        )
    if not isinstance(headline, str) or not headline.strip():
        raise ValueError(f"`headline` must be a non-empty sentence. Received: headline={headline!r}.")
    if not isinstance(metrics, dict):
        raise TypeError(f"`metrics` must be a dict. Received: metrics of type {type(metrics).__name__}.")
    payload = {"notebook": notebook, "headline": headline.strip(), "metrics": _clean(metrics, "metrics")}
    path = Path(directory) / f"{notebook}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_results(notebook: str, *, directory: str | Path = "results") -> dict[str, Any]:
    """Read a results file written by :func:`save_results`.

    Raises:
        FileNotFoundError: naming the file and the notebook to run to create it.
    """
    path = Path(directory) / f"{notebook}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"No results file at {path}. Run notebooks/{notebook}.ipynb first; it writes "
            f"this file in its last section."
        )
    return json.loads(path.read_text(encoding="utf-8"))
