"""Write and read the TBPTT trainer's backup: everything needed to resume a run exactly.

One ``.npz`` file holds the model's variables (weights and random-seed states), the
optimizer's variables (moments, iteration count), the recurrent states when the run
stopped inside a batch, and a JSON record of the position (epoch, batch, chunk), the
logs of the unfinished epoch, the history and the shuffling generator's state. It is
written to a temporary file first and then renamed over the old one, so an interruption
while writing leaves the previous backup intact.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import keras
import numpy as np

from lstmkit.tbptt._carry import state_variables

BACKUP_NAME = "tbptt_backup.npz"


def backup_path(backup_dir: str | os.PathLike) -> Path:
    return Path(backup_dir) / BACKUP_NAME


def _arrays(variables: list[Any]) -> list[np.ndarray]:
    return [np.array(keras.ops.convert_to_numpy(v)) for v in variables]


def _model_variables(model: keras.Model) -> list[Any]:
    """The model's variables without the recurrent states (stored apart, mid-batch only)."""
    states = {id(variable) for variable in state_variables(model)}
    return [variable for variable in model.variables if id(variable) not in states]


def _optimizer_variables(model: keras.Model) -> list[Any]:
    optimizer = model.optimizer
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    return list(optimizer.variables)


def write_backup(
    backup_dir: str | os.PathLike,
    model: keras.Model,
    record: dict[str, Any],
    states: list[list[np.ndarray]] | None,
) -> None:
    """Write the model, optimizer, states and ``record`` atomically into ``backup_dir``."""
    directory = Path(backup_dir)
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {"record": np.array(json.dumps(record))}
    for i, value in enumerate(_arrays(_model_variables(model))):
        arrays[f"variable_{i}"] = value
    for i, value in enumerate(_arrays(_optimizer_variables(model))):
        arrays[f"optimizer_{i}"] = value
    for i, layer_states in enumerate(states or []):
        for j, value in enumerate(layer_states):
            arrays[f"state_{i}_{j}"] = value
    temporary = directory / (BACKUP_NAME + ".tmp.npz")
    with open(temporary, "wb") as handle:
        np.savez(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, backup_path(directory))


def _assign(variables: list[Any], arrays: list[np.ndarray], what: str, where: Path) -> None:
    if len(variables) != len(arrays) or any(
        tuple(v.shape) != a.shape for v, a in zip(variables, arrays, strict=False)
    ):
        raise ValueError(
            f"`backup_dir` holds a backup whose {what} do not match this model "
            f"({len(arrays)} saved, {len(variables)} in the model). Received: "
            f"backup_dir={str(where.parent)!r}. Resume with the same model and optimizer, "
            "or delete the backup to start afresh."
        )
    for variable, value in zip(variables, arrays, strict=True):
        variable.assign(value)


def read_backup(
    backup_dir: str | os.PathLike, model: keras.Model
) -> tuple[dict[str, Any], list[list[np.ndarray]]] | None:
    """Restore the model and optimizer from ``backup_dir``; return (record, states) or None."""
    path = backup_path(backup_dir)
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as saved:
        keys = set(saved.files)
        record = json.loads(str(saved["record"]))

        def indexed(prefix: str) -> list[np.ndarray]:
            count = sum(1 for key in keys if key.startswith(prefix))
            return [saved[f"{prefix}{i}"] for i in range(count)]

        variables = indexed("variable_")
        optimizer = indexed("optimizer_")
        states = []
        for i in range(record["num_state_layers"]):
            states.append(indexed(f"state_{i}_"))
    _assign(_model_variables(model), variables, "model variables", path)
    _assign(_optimizer_variables(model), optimizer, "optimizer variables", path)
    return record, states


def remove_backup(backup_dir: str | os.PathLike) -> None:
    path = backup_path(backup_dir)
    if path.exists():
        path.unlink()
