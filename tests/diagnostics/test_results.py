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


def test_rejects_keys_that_would_collide_or_cannot_be_json_keys(tmp_path):
    with pytest.raises(
        ValueError, match=r"written the same. Received: keys 1 and '1' in metrics"
    ):
        lk.save_results("x", headline="h", metrics={1: "a", "1": "b"}, directory=tmp_path)
    with pytest.raises(ValueError, match=r"`metrics` must not hold two keys"):
        lk.save_results(
            "x", headline="h", metrics={"m": {np.int64(2): 1, "2": 2}}, directory=tmp_path
        )
    with pytest.raises(TypeError, match=r"`metrics` keys must be strings"):
        lk.save_results("x", headline="h", metrics={(1, 2): 3}, directory=tmp_path)
    with pytest.raises(TypeError, match=r"`metrics` keys must be strings"):
        lk.save_results("x", headline="h", metrics={True: 3}, directory=tmp_path)
    assert not (tmp_path / "x.json").exists()
    lk.save_results("x", headline="h", metrics={4: 1.0, "n": {8: 2}}, directory=tmp_path)
    assert lk.load_results("x", directory=tmp_path)["metrics"] == {"4": 1.0, "n": {"8": 2}}


def test_corrupt_results_file_names_its_path_and_the_fix(tmp_path):
    (tmp_path / "05_cut.json").write_text('{"notebook": "05_cut", "headl')
    with pytest.raises(
        ValueError,
        match=r"05_cut\.json is not valid JSON.*Delete it and run "
        r"notebooks/05_cut\.ipynb again",
    ):
        lk.load_results("05_cut", directory=tmp_path)
    # Valid JSON that save_results never writes (a list) used to be returned as is.
    (tmp_path / "05_list.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"05_list\.json must hold an object with a 'metrics'"):
        lk.load_results("05_list", directory=tmp_path)


@pytest.mark.parametrize("name", ["../../x", "..", "a\\b", "sub/x", ""])
def test_notebook_names_cannot_leave_the_directory(tmp_path, name):
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ValueError, match="`notebook` must be a notebook's file stem"):
        lk.load_results(name, directory=tmp_path / "a" / "b")
    with pytest.raises(ValueError, match="`notebook` must be a notebook's file stem"):
        lk.save_results(name, headline="h", metrics={}, directory=tmp_path)


def test_directory_must_be_a_path(tmp_path):
    with pytest.raises(TypeError, match="`directory` must be a folder path"):
        lk.save_results("x", headline="h", metrics={}, directory=None)
    with pytest.raises(TypeError, match="`directory` must be a folder path"):
        lk.load_results("x", directory=3)
