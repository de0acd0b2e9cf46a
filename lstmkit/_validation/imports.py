"""Import of optional dependencies with an error that names the extra to install."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["import_optional"]

# Which extra of lstmkit brings each optional module.
_EXTRAS = {
    "imblearn": ("imbalance", "imbalanced-learn"),
    "keras_tuner": ("tuning", "keras-tuner"),
    "optuna": ("tuning", "optuna"),
    "optuna_integration": ("tuning", "optuna-integration"),
    "dtaidistance": ("baselines", "dtaidistance"),
    "aeon": ("baselines", "aeon"),
    "psycopg": ("tuning", "psycopg[binary]"),
}


def import_optional(module: str, *, purpose: str = "This function") -> Any:
    """Import ``module``, or raise ``ImportError`` saying which extra provides it.

    Example:
        >>> import_optional("numpy").__name__
        'numpy'
        >>> import_optional("not_a_module_lstmkit_knows")
        Traceback (most recent call last):
        ...
        ImportError: This function needs the optional package `not_a_module_lstmkit_knows`. ...
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        extra, package = _EXTRAS.get(module, (None, module))
        how = (
            f'Install it with `pip install "lstmkit[{extra}]"` (or `pip install {package}`).'
            if extra
            else f"Install it with `pip install {package}`."
        )
        raise ImportError(
            f"{purpose} needs the optional package `{module}`. {how}"
        ) from error
