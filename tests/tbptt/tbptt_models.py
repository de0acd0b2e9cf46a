"""Tiny stateful models and data shared by the tests of lstmkit.tbptt."""

import keras
import numpy as np

BATCH, CHUNK, FEATURES, UNITS = 4, 5, 2, 6
# The trainer runs one compiled step per chunk. TensorFlow's XLA would compile each new
# chunk shape for seconds; on JAX, jit_compile=False means uncompiled eager execution
# (many times slower per step), so each backend gets its fast setting.
JIT_COMPILE = False if keras.backend.backend() == "tensorflow" else "auto"


def stateful(*, batch=BATCH, chunk=CHUNK, return_sequences=False, seed=0, compile_model=True):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(batch_shape=(batch, chunk, FEATURES)),
        keras.layers.LSTM(UNITS, stateful=True, return_sequences=return_sequences),
        keras.layers.Dense(1),
    ])
    if compile_model:
        model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"],
                      jit_compile=JIT_COMPILE)
    return model


def full_sequence_twin(stateful_model, *, return_sequences=False):
    """A non-stateful model over the whole sequence with the same weights."""
    model = keras.Sequential([
        keras.Input((None, FEATURES)),
        keras.layers.LSTM(UNITS, return_sequences=return_sequences),
        keras.layers.Dense(1),
    ])
    model.set_weights(stateful_model.get_weights())
    return model


def data(num_samples=8, sequence_length=20, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_samples, sequence_length, FEATURES)).astype("float32")
    return x, x[:, :CHUNK, 0].mean(axis=1)


class Recorder(keras.callbacks.Callback):
    """Record the calls; raise or stop at a given (epoch, batch)."""

    def __init__(self, *, raise_at=None, error=RuntimeError, stop_at=None):
        super().__init__()
        self.calls, self.epoch_logs = [], []
        self.raise_at, self.error, self.stop_at = raise_at, error, stop_at
        self.epoch = None

    def on_train_begin(self, logs=None):
        self.calls.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.calls.append(f"epoch_begin {epoch}")

    def on_train_batch_begin(self, batch, logs=None):
        if self.raise_at == (self.epoch, batch):
            raise self.error("interrupted")

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(f"batch_end {self.epoch} {batch} {sorted(logs)}")
        if self.stop_at == (self.epoch, batch):
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_logs.append(dict(logs))
        self.calls.append(f"epoch_end {epoch}")

    def on_train_end(self, logs=None):
        self.calls.append("train_end")
