"""Bad values into every public function and class: a clear error or a result, nothing else.

For each public callable there is one valid example call (``EXAMPLES``). The test then
replaces one argument at a time with each value of ``BAD_VALUES`` and checks that the call

- succeeds, or raises ``ValueError``/``TypeError`` whose message names an argument in
  backticks (lstmkit's message pattern), or a documented ``IndexError`` for a batch number;
- finishes within ``TIME_LIMIT_S`` seconds (no hang, no multi-gigabyte allocation first);
- leaves every array it was given unchanged.

A public name without an example fails ``test_every_public_callable_has_an_example``, so a
new function cannot skip the fuzzing.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import signal
import types
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import keras
import numpy as np
import pytest

import lstmkit

TIME_LIMIT_S = 20
BAD_VALUES: list[Any] = [
    None,
    "bad",
    -1,
    0,
    2.5,
    10**12,
    float("nan"),
    True,
    [],
    np.zeros((0,)),
    np.full((2, 3), np.nan, dtype="float32"),
    {"a": 1},
]
# Arguments whose every value is legitimate or which hold callables/objects the fuzz
# cannot meaningfully replace (a verbose flag, a Keras layer passed through unchanged).
SKIPPED_ARGUMENTS = {"kwargs", "args", "others", "name", "verbose", "dtype"}
PACKAGES = [
    "classification",
    "datasets",
    "distribute",
    "gates",
    "imbalance",
    "initializers",
    "layers",
    "length_selection",
    "models",
    "padding",
    "profiling",
    "reduction",
    "reproducibility",
    "results",
    "schedules",
    "tbptt",
    "training",
    "tuning",
    "windowing",
]

rng = np.random.default_rng(0)
SERIES = rng.normal(size=200).astype("float32")
SEQUENCES = rng.normal(size=(12, 40, 2)).astype("float32")
LABELS = np.array([0, 1] * 6)
RAGGED = [rng.normal(size=(length, 2)).astype("float32") for length in (5, 9, 7, 12)]
TOKENS = rng.integers(1, 30, size=(6, 20))
SCORES = np.linspace(0.05, 0.95, 12)
MASK = np.ones((4, 12), dtype=bool)
MASK[0, 5:] = False


def tiny_model() -> keras.Model:
    inputs = keras.Input((40, 2))
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.LSTM(3)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def stateful_model() -> keras.Model:
    model = keras.Sequential(
        [keras.Input(batch_shape=(4, 10, 2)), keras.layers.LSTM(3, stateful=True),
         keras.layers.Dense(1)]
    )
    model.compile("adam", "mse")
    return model


def call(function: Callable, *args: Any, **kwargs: Any) -> tuple[Callable, tuple, dict]:
    return function, args, kwargs


def _example(name: str) -> tuple[Callable, tuple, dict]:
    lk = lstmkit
    examples: dict[str, Callable[[], tuple[Callable, tuple, dict]]] = {
        # windowing
        "windowing.count_windows": lambda: call(lk.windowing.count_windows, 200, window_length=8),
        "windowing.make_windows": lambda: call(lk.windowing.make_windows, SERIES, window_length=8),
        "windowing.WindowDataset": lambda: call(
            lk.windowing.WindowDataset, SERIES, window_length=8, horizon=1, batch_size=16
        ),
        "windowing.chronological_split": lambda: call(lk.windowing.chronological_split, SERIES),
        "windowing.walk_forward_splits": lambda: call(
            lk.windowing.walk_forward_splits, SERIES, num_folds=3
        ),
        "windowing.FeatureScaler": lambda: call(
            lambda method="standard", data=SEQUENCES: lk.windowing.FeatureScaler(method=method)
            .fit(data).transform(data)
        ),
        "windowing.scale_splits": lambda: call(lk.windowing.scale_splits, SEQUENCES, SEQUENCES),
        # padding
        "padding.pad_sequences": lambda: call(lk.padding.pad_sequences, RAGGED),
        "padding.mask_from_lengths": lambda: call(lk.padding.mask_from_lengths, [3, 5, 1]),
        "padding.lengths_from_mask": lambda: call(lk.padding.lengths_from_mask, MASK),
        "padding.check_cudnn_padding": lambda: call(lk.padding.check_cudnn_padding, "post"),
        "padding.bucket_by_length": lambda: call(
            lk.padding.bucket_by_length, [5, 9, 7, 12], batch_size=2
        ),
        "padding.padding_fraction": lambda: call(lk.padding.padding_fraction, [5, 9, 7, 12]),
        "padding.BucketDataset": lambda: call(
            lk.padding.BucketDataset, RAGGED, np.arange(4), batch_size=2
        ),
        # reduction
        "reduction.truncate_sequences": lambda: call(
            lk.reduction.truncate_sequences, SEQUENCES, length=10
        ),
        "reduction.rank_tokens": lambda: call(lk.reduction.rank_tokens, TOKENS),
        "reduction.drop_frequent_tokens": lambda: call(
            lk.reduction.drop_frequent_tokens, TOKENS, num_dropped=3
        ),
        "reduction.keep_top_vocabulary": lambda: call(
            lk.reduction.keep_top_vocabulary, TOKENS, vocabulary_size=10
        ),
        "reduction.pool_steps": lambda: call(lk.reduction.pool_steps, SEQUENCES, pool_size=4),
        "reduction.append_differences": lambda: call(lk.reduction.append_differences, RAGGED),
        "reduction.piecewise_aggregate": lambda: call(
            lk.reduction.piecewise_aggregate, SEQUENCES, num_segments=8
        ),
        "reduction.window_quantiles": lambda: call(
            lk.reduction.window_quantiles, SEQUENCES, num_windows=4, num_quantiles=3
        ),
        "reduction.quantile_summary": lambda: call(
            lk.reduction.quantile_summary, SEQUENCES, num_windows=4, num_quantiles=3
        ),
        "reduction.make_strided_frontend": lambda: call(lk.reduction.make_strided_frontend),
        "reduction.drop_random_steps": lambda: call(
            lk.reduction.drop_random_steps, SEQUENCES, num_kept=10, seed=0
        ),
        "reduction.random_crops": lambda: call(
            lk.reduction.random_crops, SEQUENCES, crop_length=10, seed=0
        ),
        "reduction.evenly_spaced_crops": lambda: call(
            lk.reduction.evenly_spaced_crops, SEQUENCES, crop_length=10, num_crops=3
        ),
        "reduction.predict_over_crops": lambda: call(
            lk.reduction.predict_over_crops, MODELS["tiny"], SEQUENCES, crop_length=40,
            num_crops=1,
        ),
        "reduction.RandomCropDataset": lambda: call(
            lk.reduction.RandomCropDataset, SEQUENCES, LABELS, crop_length=10, batch_size=4
        ),
        "reduction.to_parallel_subsequences": lambda: call(
            lk.reduction.to_parallel_subsequences, SEQUENCES, num_subsequences=4
        ),
        "reduction.hash_steps": lambda: call(lk.reduction.hash_steps, SEQUENCES, num_steps=8),
        "reduction.random_projection": lambda: call(
            lk.reduction.random_projection, SEQUENCES, num_steps=8
        ),
        # models
        "models.build_lstm_autoencoder": lambda: call(
            lk.models.build_lstm_autoencoder, 40, 2, code_size=4, units=4
        ),
        "models.build_code_classifier": lambda: call(
            lk.models.build_code_classifier, MODELS["encoder"], 3
        ),
        "models.build_text_classifier": lambda: call(
            lk.models.build_text_classifier, 50, 3, embedding_dim=4, units=4
        ),
        "models.build_seq2seq_forecaster": lambda: call(
            lk.models.build_seq2seq_forecaster, 20, 5, 1, units=4
        ),
        "models.build_recurrent_model": lambda: call(
            lk.models.build_recurrent_model, {"units": 4}, input_shape=(10, 2), num_outputs=1,
            loss="mse", total_steps=10,
        ),
        "models.make_strided_frontend": lambda: call(lk.models.make_strided_frontend),
        "models.last_steps": lambda: call(lk.models.last_steps, SEQUENCES, 10),
        # layers (constructors validate; calls are covered by the layers' own tests)
        "layers.AttentionPooling": lambda: call(lk.layers.AttentionPooling),
        "layers.BidirectionalHalves": lambda: call(
            lk.layers.BidirectionalHalves, keras.layers.LSTM(3)
        ),
        "layers.VariationalLSTM": lambda: call(lk.layers.VariationalLSTM, 3),
        "layers.WeightDropLSTM": lambda: call(lk.layers.WeightDropLSTM, 3),
        # gates, initializers, schedules
        "gates.record_gate_activations": lambda: call(
            lk.gates.record_gate_activations, MODELS["tiny"].layers[1], SEQUENCES[:2]
        ),
        "gates.gradient_norms_over_time": lambda: call(
            lk.gates.gradient_norms_over_time, MODELS["tiny"], SEQUENCES[:4], LABELS[:4]
        ),
        "gates.ForgetBiasInitializer": lambda: call(lk.gates.ForgetBiasInitializer, 2.0),
        "gates.lstm_forward_numpy": lambda: call(
            lk.gates.lstm_forward_numpy, SEQUENCES[:2], *MODELS["tiny"].layers[1].get_weights()[:3]
        ),
        "initializers.ForgetBiasInitializer": lambda: call(
            lk.initializers.ForgetBiasInitializer, 2.0
        ),
        "schedules.WarmupDecaySchedule": lambda: call(
            lk.schedules.WarmupDecaySchedule, 1e-3, total_steps=100, warmup_steps=10
        ),
        # imbalance
        "imbalance.compute_class_weights": lambda: call(
            lk.imbalance.compute_class_weights, LABELS
        ),
        "imbalance.sequence_sample_weights": lambda: call(
            lk.imbalance.sequence_sample_weights, MASK.astype(int), class_weight={0: 1.0, 1: 2.0}
        ),
        "imbalance.resample_sequences": lambda: call(
            lk.imbalance.resample_sequences, SEQUENCES, LABELS, seed=0
        ),
        "imbalance.synthesize_sequences": lambda: call(
            lk.imbalance.synthesize_sequences, SEQUENCES, np.array([0] * 9 + [1] * 3),
            num_neighbors=2, seed=0,
        ),
        "imbalance.BalancedBatchDataset": lambda: call(
            lk.imbalance.BalancedBatchDataset, SEQUENCES, LABELS, batch_size=4
        ),
        "imbalance.select_threshold": lambda: call(
            lk.imbalance.select_threshold, LABELS, SCORES
        ),
        "imbalance.evaluate_scores": lambda: call(lk.imbalance.evaluate_scores, LABELS, SCORES),
        # sequence lengths
        "length_selection.autocorrelation": lambda: call(
            lk.length_selection.autocorrelation, SERIES, max_lag=20
        ),
        "length_selection.lagged_mutual_information": lambda: call(
            lk.length_selection.lagged_mutual_information, SERIES, lags=[1, 2, 5]
        ),
        "length_selection.choose_sequence_length": lambda: call(
            lk.length_selection.choose_sequence_length, {10: 1.0, 20: 0.9, 40: 0.89}
        ),
        # truncated BPTT
        "tbptt.chunk_bounds": lambda: call(lk.tbptt.chunk_bounds, 100, chunk_length=30),
        "tbptt.recurrent_layers": lambda: call(lk.tbptt.recurrent_layers, MODELS["stateful"]),
        "tbptt.carry_states": lambda: call(lk.tbptt.carry_states, MODELS["stateful"]),
        "tbptt.reset_recurrent_states": lambda: call(
            lk.tbptt.reset_recurrent_states, MODELS["stateful"]
        ),
        "tbptt.get_recurrent_states": lambda: call(
            lk.tbptt.get_recurrent_states, MODELS["stateful"]
        ),
        "tbptt.set_recurrent_states": lambda: call(
            lk.tbptt.set_recurrent_states, MODELS["stateful"],
            lk.tbptt.get_recurrent_states(MODELS["stateful"]),
        ),
        "tbptt.TruncatedBPTTTrainer": lambda: call(
            lambda model=MODELS["stateful"], x=SEQUENCES[:4, :20], y=LABELS[:4], chunk_length=10:
            lk.tbptt.TruncatedBPTTTrainer(model, chunk_length=chunk_length).fit(x, y, epochs=1)
        ),
        # tuning
        "tuning.Choice": lambda: call(lk.tuning.Choice, (1, 2)),
        "tuning.IntRange": lambda: call(lk.tuning.IntRange, 1, 4),
        "tuning.FloatRange": lambda: call(lk.tuning.FloatRange, 0.1, 0.5),
        "tuning.SearchSpace": lambda: call(
            lk.tuning.SearchSpace, {"units": lk.tuning.Choice((8, 16))}
        ),
        "tuning.default_search_space": lambda: call(lk.tuning.default_search_space),
        "tuning.create_study": lambda: call(
            lk.tuning.create_study, "fuzz", storage=None
        ),
        "tuning.check_tuner_trials": lambda: call(lk.tuning.check_tuner_trials, TUNER),
        # shared studies (an in-memory study; workers are started and killed at once)
        "tuning.LocalPostgres": lambda: call(lk.tuning.LocalPostgres),  # starts on __enter__
        "tuning.fail_stale_trials": lambda: call(lk.tuning.fail_stale_trials, STUDY(), 60),
        "tuning.load_objective": lambda: call(lk.tuning.load_objective, "math:sqrt"),
        "tuning.make_storage": lambda: call(lk.tuning.make_storage, "sqlite:///fuzz.db"),
        "tuning.study_report": lambda: call(lk.tuning.study_report, STUDY()),
        "tuning.wait_for_workers": lambda: call(lk.tuning.wait_for_workers, [FINISHED()]),
        # data parallelism
        "distribute.check_distributable": lambda: call(
            lk.distribute.check_distributable, MODELS["tiny"]
        ),
        "distribute.check_no_strategy": lambda: call(lk.distribute.check_no_strategy),
        "distribute.mirrored_strategy": lambda: call(lk.distribute.mirrored_strategy, ["/cpu:0"]),

        # training (tiny data, one epoch: each bad value costs at most one short fit)
        "training.fit_and_score": lambda: call(
            lambda model=MODELS["fit"], train=(SEQUENCES[:, :5], LABELS), epochs=1, batch_size=6,
            learning_rate=1e-3, schedule="cosine", patience=None, time_budget_s=2.0,
            validation_split=0.25, clipnorm=None:
            lk.training.fit_and_score(
                model, train, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                schedule=schedule, patience=patience, time_budget_s=time_budget_s,
                validation_split=validation_split, clipnorm=clipnorm,
            )
        ),
        "training.ExperimentLog": lambda: call(
            lambda line=None, width=10, digits=None, accuracy=0.5:
            lk.training.ExperimentLog(line=line, width=width, digits=digits).add(
                task="t", accuracy=accuracy
            )
        ),
        "training.plot_learning_curves": lambda: call(
            lk.training.plot_learning_curves, {"a": {"loss": [1.0, 0.5]}}
        ),
        "padding.check_mask": lambda: call(lk.padding.check_mask, MASK),
        # results, profiling, reproducibility
        "results.save_results": lambda: call(
            lk.results.save_results, "fuzz", headline="h", metrics={"a": 1}, directory=TMP["dir"]
        ),
        "results.load_results": lambda: call(
            lk.results.load_results, "fuzz", directory=TMP["dir"]
        ),
        "profiling.measure": lambda: call(lk.profiling.measure),
        "profiling.resident_memory_mb": lambda: call(lk.profiling.resident_memory_mb),
        "reproducibility.set_seed": lambda: call(lk.reproducibility.set_seed, 1),
        "reproducibility.environment_report": lambda: call(lk.reproducibility.environment_report),
    }
    return examples[name]()


def STUDY() -> Any:  # noqa: N802 - reads like the constant it stands for
    return lstmkit.tuning.create_study("fuzz", storage=None)


def FINISHED() -> Any:  # noqa: N802
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process


MODELS: dict[str, Any] = {}
TMP: dict[str, Any] = {}

# Names fuzzed elsewhere or that are not callables a user passes values to.
NOT_FUZZED = {
    "datasets.DatasetFileError",  # an exception class
    "gates.GateActivations",  # a result record
    "training.TrainingRecord",  # a result record
    "tuning.run_study",  # needs a live study and objective: tests/tuning covers bad input
    "tuning.walk_forward_score",  # trains models per fold: tests/tuning covers bad input
    # Start processes or run a study until it is full (num_trials=10**12 is a valid, endless
    # request): tests/tuning/test_workers.py covers their bad input.
    "tuning.start_workers",
    "tuning.run_worker",
    # Changes the process's devices; only valid before TensorFlow starts (tests/distribute).
    "distribute.split_cpu",
    # Each call trains networks for up to its time budget; scikit-learn's estimator checks
    # in tests/classification cover its bad input (fit, predict, parameters).
    "classification.LongSequenceClassifier",
}


def public_callables() -> list[str]:
    """``package.name`` of every public function and class, each object once.

    A name re-exported by another package (``tuning.WarmupDecaySchedule`` is
    ``schedules.WarmupDecaySchedule``) is fuzzed under the package that defines it.
    """
    found: dict[int, str] = {}
    for package in PACKAGES:
        try:
            module = importlib.import_module(f"lstmkit.{package}")
        except ImportError:  # pragma: no cover - a package this version does not have
            continue
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            if not (inspect.isfunction(value) or inspect.isclass(value)):
                continue
            home = getattr(value, "__module__", "")
            defined_here = home == f"lstmkit.{package}" or home.startswith(f"lstmkit.{package}.")
            if id(value) not in found or defined_here:
                found[id(value)] = f"{package}.{name}"
    return sorted(found.values())


def dataset_examples() -> dict[str, tuple[Callable, tuple, dict]]:
    lk = lstmkit
    return {
        "datasets." + name: call(getattr(lk.datasets, name))
        for name in lk.datasets.__all__
        if name.startswith("load_")
    } | {
        "datasets.make_adding_problem": call(lk.datasets.make_adding_problem, 8, 50, seed=0),
        "datasets.make_copy_memory": call(lk.datasets.make_copy_memory, 8, 20, seed=0),
        "datasets.make_motif_task": call(
            lk.datasets.make_motif_task, 8, 50, distance_from_end=5, seed=0
        ),
        "datasets.make_eeg_bursts": call(lk.datasets.make_eeg_bursts, 8, 200, seed=0),
    }


class _FinishedTrials:
    """The part of a KerasTuner tuner that `check_tuner_trials` reads: two finished trials."""

    def __init__(self) -> None:
        trial = types.SimpleNamespace(status="COMPLETED", message=None)
        self.oracle = types.SimpleNamespace(trials={"0": trial, "1": trial})


TUNER = _FinishedTrials()


@pytest.fixture(autouse=True)
def _work_in_a_temporary_folder(tmp_path, monkeypatch):
    """Bad paths ("bad", -1, ...) create files relative to the working directory."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module", autouse=True)
def _fixtures(tmp_path_factory):
    keras.utils.set_random_seed(0)
    MODELS["tiny"] = tiny_model()
    MODELS["fit"] = keras.Sequential(
        [keras.Input((5, 2)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")]
    )
    MODELS["stateful"] = stateful_model()
    MODELS["encoder"] = lstmkit.models.build_lstm_autoencoder(40, 2, code_size=4, units=4)[0]
    TMP["dir"] = tmp_path_factory.mktemp("results")
    lstmkit.results.save_results("fuzz", headline="h", metrics={"a": 1}, directory=TMP["dir"])
    yield


def example_for(name: str) -> tuple[Callable, tuple, dict]:
    if name.startswith("datasets."):
        return dataset_examples()[name]
    return _example(name)


@contextmanager
def time_limit(seconds: int, what: str):
    def _raise(signum, frame):
        raise TimeoutError(f"{what} ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(values: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    arrays = []
    for value in values:
        if isinstance(value, np.ndarray):
            arrays.append((value, value.copy()))
        elif isinstance(value, list):
            arrays.extend((item, item.copy()) for item in value if isinstance(item, np.ndarray))
    return arrays


def check_call(function: Callable, args: tuple, kwargs: dict, what: str) -> str:
    """Run one call; return "ok" or "error"; fail the test on anything else."""
    watched = snapshot(list(args) + list(kwargs.values()))
    try:
        with time_limit(TIME_LIMIT_S, what):
            function(*args, **kwargs)
        outcome = "ok"
    except (ValueError, TypeError) as error:
        text = str(error)
        assert "`" in text, f"{what}: {type(error).__name__} without an argument name: {text}"
        outcome = "error"
    except IndexError as error:
        assert "`index`" in str(error), f"{what}: unexpected IndexError: {error}"
        outcome = "error"
    except RuntimeError as error:
        # Documented: too few completed trials is what check_tuner_trials is for.
        documented = ("check_tuner_trials",)
        assert any(name in what for name in documented), f"{what}: raised RuntimeError: {error}"
        outcome = "error"
    except FileNotFoundError as error:
        # load_results documents it for a notebook that has not saved results yet.
        assert "load_results" in what or "data_dir" in what, f"{what}: {error}"
        outcome = "error"
    except (MemoryError, ZeroDivisionError, AttributeError, KeyError,
            OverflowError, AssertionError, FloatingPointError) as error:
        pytest.fail(f"{what}: raised {type(error).__name__}: {error}")
    for original, kept in watched:
        same = np.array_equal(original, kept, equal_nan=original.dtype.kind == "f")
        assert same, f"{what}: modified an input array"
    return outcome


def signature_of(function: Callable) -> inspect.Signature | None:
    try:
        return inspect.signature(function)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return None


def parameters(function: Callable) -> list[str]:
    signature = signature_of(function)
    if signature is None:  # pragma: no cover
        return []
    return [
        name
        for name, parameter in signature.parameters.items()
        if name not in SKIPPED_ARGUMENTS
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    ]


def test_every_public_callable_has_an_example():
    missing = []
    for name in public_callables():
        if name in NOT_FUZZED:
            continue
        try:
            example_for(name)
        except KeyError:
            missing.append(name)
    assert not missing, f"public callables without a fuzz example: {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in public_callables() if n not in NOT_FUZZED])
def test_bad_values_give_clear_errors(name):
    if name.startswith("distribute.") and keras.backend.backend() != "tensorflow":
        pytest.skip("lstmkit.distribute wraps tf.distribute: off TensorFlow it refuses to run")
    if name.startswith("tbptt.TruncatedBPTT") and keras.backend.backend() == "torch":
        pytest.skip("the trainer refuses PyTorch (tests/tbptt/test_trainer_backends.py)")
    function, args, kwargs = example_for(name)
    assert check_call(function, args, kwargs, f"{name} (valid example)") == "ok"
    signature = signature_of(function)
    for parameter in parameters(function):
        for bad in BAD_VALUES:
            bound = signature.bind(*args, **kwargs)
            bound.arguments[parameter] = copy.deepcopy(bad)
            check_call(function, bound.args, bound.kwargs, f"{name}({parameter}={bad!r})")
