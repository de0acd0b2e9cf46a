"""Results files: what notebooks leave for the head-to-head and the runner."""

import json

import numpy as np
import pytest

import lstmkit as lk


def test_round_trip_converts_numpy_values(tmp_path):
    path = lk.save_results(
        "04_truncation",
        headline="keeps 0.8 accuracy",
        metrics={"accuracy": np.float32(0.5), "epochs": np.int64(3), "curve": [np.float64(1.0)]},
        directory=tmp_path,
    )
    assert path == tmp_path / "04_truncation.json"
    loaded = lk.load_results("04_truncation", directory=tmp_path)
    assert loaded == {
        "notebook": "04_truncation",
        "headline": "keeps 0.8 accuracy",
        "metrics": {"accuracy": 0.5, "epochs": 3, "curve": [1.0]},
    }
    assert json.loads(path.read_text())["metrics"]["epochs"] == 3


def test_rejects_nan_and_objects(tmp_path):
    with pytest.raises(ValueError, match=r"finite numbers\. Received: metrics\['loss'\]=nan"):
        lk.save_results("x", headline="h", metrics={"loss": float("nan")}, directory=tmp_path)
    with pytest.raises(TypeError, match=r"Received: metrics\['model'\] of type object"):
        lk.save_results("x", headline="h", metrics={"model": object()}, directory=tmp_path)
    with pytest.raises(ValueError, match="`headline` must be a non-empty sentence"):
        lk.save_results("x", headline=" ", metrics={}, directory=tmp_path)
    with pytest.raises(ValueError, match="`notebook` must be a notebook's file stem"):
        lk.save_results("a/b", headline="h", metrics={}, directory=tmp_path)


def test_missing_results_file_names_the_notebook_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Run notebooks/03_sequences_as_is\.ipynb first"):
        lk.load_results("03_sequences_as_is", directory=tmp_path)
