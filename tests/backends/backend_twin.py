"""Build the same models and datasets on two Keras backends and record their outputs.

``python backend_twin.py DIR`` (run with another ``KERAS_BACKEND``) loads every ``.keras``
file in DIR that :func:`save_models` wrote on the first backend, runs it on the inputs
saved beside it, rebuilds the datasets of :func:`dataset_batches` from their seeds, and
writes everything to ``DIR/<backend>.npz`` for ``test_cross_backend.py`` to compare.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import lstmkit  # noqa: E402, F401  (registers the custom layers for loading)
from lstmkit import imbalance, layers, padding, reduction, tbptt, windowing  # noqa: E402

BATCH, CHUNK, FEATURES, LENGTH = 4, 5, 2, 20
LAYER_MODELS = ("attention_pooling", "bidirectional_halves", "variational_lstm",
                "weight_drop_lstm")


def _inputs(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=shape).astype("float32")
    x[1, -3:] = 0.0  # padding at the end of one sequence, for the masked models
    return x


def layer_models() -> dict[str, keras.Model]:
    """One small model per custom layer (masked where the layer consumes masks)."""
    def model(*hidden: keras.layers.Layer) -> keras.Model:
        inputs = keras.Input((7, 3))
        outputs = keras.layers.Masking()(inputs)
        for layer in hidden:
            outputs = layer(outputs)
        return keras.Model(inputs, outputs)

    keras.utils.set_random_seed(0)
    models = {
        "attention_pooling": model(keras.layers.LSTM(4, return_sequences=True),
                                   layers.AttentionPooling(units=3)),
        "bidirectional_halves": model(
            layers.BidirectionalHalves(keras.layers.LSTM(4))),
        "variational_lstm": model(layers.VariationalLSTM(
            4, dropout_rate=0.3, recurrent_dropout_rate=0.3, seed=1)),
        "weight_drop_lstm": model(layers.WeightDropLSTM(4, weight_dropout_rate=0.5, seed=1)),
    }
    assert tuple(models) == LAYER_MODELS
    return models


def tbptt_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(batch_shape=(BATCH, CHUNK, FEATURES)),
        keras.layers.LSTM(6, stateful=True),
        keras.layers.Dense(1),
    ])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    return model


def tbptt_data() -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(1).normal(size=(8, LENGTH, FEATURES)).astype("float32")
    return x, x[:, :CHUNK, 0].mean(axis=1)


def save_models(directory: Path) -> dict[str, np.ndarray]:
    """Save every model (the TBPTT one after one epoch) and return their outputs here."""
    outputs = {}
    for name, model in layer_models().items():
        x = _inputs(2, (3, 7, 3))
        np.save(directory / f"{name}.npy", x)
        model.save(directory / f"{name}.keras")
        outputs[name] = keras.ops.convert_to_numpy(model(x, training=False))
    model = tbptt_model()
    x, y = tbptt_data()
    trainer = tbptt.TruncatedBPTTTrainer(model)
    trainer.fit(x, y, epochs=1, shuffle_sequences=False)
    model.save(directory / "tbptt.keras")
    outputs["tbptt"] = trainer.predict(x)
    return outputs


def run_saved(directory: Path) -> dict[str, np.ndarray]:
    """Load the saved models on this backend and run them on the same inputs."""
    outputs = {}
    for name in LAYER_MODELS:
        model = keras.models.load_model(directory / f"{name}.keras")
        x = np.load(directory / f"{name}.npy")
        outputs[name] = keras.ops.convert_to_numpy(model(x, training=False))
    model = keras.models.load_model(directory / "tbptt.keras")
    outputs["tbptt"] = tbptt.TruncatedBPTTTrainer(model).predict(tbptt_data()[0])
    return outputs


def dataset_batches() -> dict[str, np.ndarray]:
    """The first and last batch of each lstmkit PyDataset, built from fixed seeds."""
    rng = np.random.default_rng(3)
    labels = np.array([0] * 27 + [1] * 5)
    datasets = {
        "window": windowing.WindowDataset(np.arange(40, dtype="float32"), window_length=6,
                                          horizon=2, batch_size=8, shuffle=True, seed=0),
        "balanced": imbalance.BalancedBatchDataset(
            rng.normal(size=(32, 9, 2)).astype("float32"), labels, batch_size=8, seed=0),
        "bucket": padding.BucketDataset(
            [np.arange(n, dtype="float32") for n in (5, 1, 4, 2, 7, 3)],
            labels=np.arange(6), batch_size=2),
        "crop": reduction.RandomCropDataset(
            rng.normal(size=(10, 50, 1)), np.arange(10), crop_length=20, batch_size=4,
            seed=0),
    }
    batches = {}
    for name, dataset in datasets.items():
        for index in (0, len(dataset) - 1):
            for part, array in enumerate(dataset[index]):
                batches[f"{name}_{index}_{part}"] = keras.ops.convert_to_numpy(array)
    return batches


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    results = {**run_saved(folder), **dataset_batches()}
    np.savez(folder / f"{keras.backend.backend()}.npz", **results)
