"""Results files: each notebook saves its headline figures so others can gather them.

A notebook ends with ``lk.save_results("04_truncation", headline=..., metrics={...})``.
The head-to-head notebook and ``scripts/run_notebooks.py`` read them back, so every
number in the comparison table was computed by the notebook that teaches it.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from pathlib import Path
from typing import Any

__all__ = ["load_results", "save_results"]


def _check_notebook(notebook: Any) -> str:
    """A notebook's file stem: no folder part, so the file stays inside ``directory``."""
    if (
        not isinstance(notebook, str)
        or not notebook.strip()
        or notebook in (".", "..")
        or any(separator in notebook for separator in ("/", "\\", "\0"))
    ):
        raise ValueError(
            f"`notebook` must be a notebook's file stem such as '04_truncation', without "
            f"a folder or '..'. Received: notebook={notebook!r}. Pass the folder as "
            f"`directory` instead."
        )
    return notebook


def _check_directory(directory: Any) -> Path:
    if not isinstance(directory, (str, os.PathLike)) or not str(directory).strip():
        raise TypeError(
            f"`directory` must be a folder path (a string or a pathlib.Path). "
            f"Received: directory={directory!r}."
        )
    return Path(directory)


def _clean_key(key: Any, where: str) -> str:
    """JSON object keys are strings: keep strings, write integers as their digits."""
    if isinstance(key, str):
        return key
    if isinstance(key, numbers.Integral) and not isinstance(key, bool):
        return str(int(key))
    raise TypeError(
        f"`metrics` keys must be strings (or integers, written as strings). Received: a key "
        f"{key!r} of type {type(key).__name__} in {where}. Convert it, for example with "
        f"str(...)."
    )


def _clean(value: Any, where: str) -> Any:
    """Convert NumPy scalars and containers to JSON types; reject NaN and objects."""
    if isinstance(value, dict):
        cleaned: dict[str, Any] = {}
        originals: dict[str, Any] = {}
        for key, item in value.items():
            text = _clean_key(key, where)
            if text in cleaned:
                raise ValueError(
                    f"`metrics` must not hold two keys that are written the same. Received: "
                    f"keys {originals[text]!r} and {key!r} in {where}, both saved as "
                    f"{text!r}, so one value would be lost. Rename one of them."
                )
            originals[text] = key
            cleaned[text] = _clean(item, f"{where}[{key!r}]")
        return cleaned
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
        metrics: figures to keep (numbers, strings, lists, nested dicts). Dict keys are
            strings; integer keys are written as strings (``{1: ...}`` loads back as
            ``{"1": ...}``), and two keys written the same (``1`` and ``"1"``) are an
            error rather than one value silently replacing the other.
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
    notebook = _check_notebook(notebook)
    if not isinstance(headline, str) or not headline.strip():
        raise ValueError(
            f"`headline` must be a non-empty sentence. Received: headline={headline!r}."
        )
    if not isinstance(metrics, dict):
        raise TypeError(
            f"`metrics` must be a dict. Received: metrics of type {type(metrics).__name__}."
        )
    payload = {
        "notebook": notebook,
        "headline": headline.strip(),
        "metrics": _clean(metrics, "metrics"),
    }
    path = _check_directory(directory) / f"{notebook}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_results(notebook: str, *, directory: str | Path = "results") -> dict[str, Any]:
    """Read a results file written by :func:`save_results`.

    Use it to gather the figures another notebook measured, for example in a comparison
    table.

    Args:
        notebook: the notebook's file stem, as given to :func:`save_results` (no folder).
        directory: the folder the file was written to.

    Returns:
        ``{"notebook": ..., "headline": ..., "metrics": {...}}``.

    Raises:
        FileNotFoundError: naming the file and the notebook to run to create it.
        ValueError: the file is not valid JSON or not what :func:`save_results` writes
            (naming the file and how to recreate it), or ``notebook`` holds a folder part
            or ``..``.

    Example:
        >>> import tempfile, lstmkit as lk
        >>> folder = tempfile.mkdtemp()
        >>> _ = lk.save_results("demo", headline="h", metrics={"n": 1}, directory=folder)
        >>> lk.load_results("demo", directory=folder)["headline"]
        'h'
    """
    notebook = _check_notebook(notebook)
    path = _check_directory(directory) / f"{notebook}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"No results file at {path}. Run notebooks/{notebook}.ipynb first; it writes "
            f"this file in its last section."
        )
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(
            f"The results file {path} is not valid JSON ({error}); it was probably cut off "
            f"by an interrupted run or edited by hand. Delete it and run "
            f"notebooks/{notebook}.ipynb again to rewrite it."
        ) from error
    if not isinstance(results, dict) or not isinstance(results.get("metrics"), dict):
        raise ValueError(
            f"The results file {path} must hold an object with a 'metrics' object, as "
            f"save_results writes it. Received: {type(results).__name__} content. Delete it "
            f"and run notebooks/{notebook}.ipynb again to rewrite it."
        )
    return results
