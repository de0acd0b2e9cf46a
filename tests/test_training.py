"""lstmkit.training: the notebooks' shared recipe gives exactly the hand-written result."""

import math

import keras
import matplotlib
import numpy as np
import pytest

import lstmkit as lk
from lstmkit.training import ExperimentLog, TrainingRecord, fit_and_score, plot_learning_curves
from lstmkit.training.fitting import _converged

matplotlib.use("Agg")


def _data(num=96, steps=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num, steps, 2)).astype("float32")
    y = (x[:, -1, 0] + x[:, 0, 1] > 0).astype("float32")
    return x, y


def _model(num_outputs=1, steps=8):
    activation = "sigmoid" if num_outputs == 1 else "softmax"
    return keras.Sequential([keras.Input((steps, 2)), keras.layers.LSTM(4),
                             keras.layers.Dense(num_outputs, activation=activation)])


def _by_hand(model, train, test, *, epochs, batch_size=32, learning_rate=3e-3,
             validation_split=0.2):
    """The helper the notebooks used to copy, verbatim apart from the measurement."""
    x_fit, y_fit = train
    steps = epochs * math.ceil(len(x_fit) * (1 - validation_split) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    binary = model.output_shape[-1] == 1
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x_fit, y_fit, epochs=epochs, batch_size=batch_size,
                        validation_split=validation_split, verbose=0)
    accuracy = float(model.evaluate(*test, verbose=0)[1])
    return accuracy, history.history


@pytest.mark.parametrize("num_outputs", [1, 3])
def test_same_numbers_as_the_hand_written_recipe(num_outputs):
    x, y = _data()
    if num_outputs == 3:
        y = (np.digitize(x[:, -1, 0], [-0.5, 0.5])).astype("int64")
    train, test = (x[:64], y[:64]), (x[64:], y[64:])
    lk.set_seed(7)
    expected_accuracy, expected_history = _by_hand(_model(num_outputs), train, test, epochs=3,
                                                   learning_rate=1e-2)
    lk.set_seed(7)
    model = _model(num_outputs)
    record = fit_and_score(model, train, test=test, validation_split=0.2, epochs=3,
                           learning_rate=1e-2)
    assert isinstance(record, TrainingRecord)
    assert record.metrics["accuracy"] == expected_accuracy
    assert record.history == expected_history
    assert record.epochs_run == 3 and record.stopped_by == "epochs"
    assert record.train_seconds > 0 and record.peak_memory_mb >= 0
    assert record.summary()["accuracy"] == expected_accuracy


def test_constant_schedule_with_validation_data_and_clipnorm_matches_keras():
    x, y = _data()
    lk.set_seed(3)
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0),
                  loss="binary_crossentropy", metrics=["accuracy"])
    expected = model.fit(x[:64], y[:64], validation_data=(x[64:], y[64:]), epochs=2,
                         batch_size=16, class_weight={0: 1.0, 1: 2.0}, verbose=0).history
    lk.set_seed(3)
    record = fit_and_score(_model(), (x[:64], y[:64]), validation_data=(x[64:], y[64:]),
                           epochs=2, batch_size=16, learning_rate=1e-2, schedule="constant",
                           clipnorm=1.0, class_weight={0: 1.0, 1: 2.0})
    assert record.history == expected
    assert record.metrics == {}


def test_early_stopping_restores_the_best_weights():
    x, y = _data(num=128)
    y_noisy = y.copy()
    y_noisy[96:] = 1 - y_noisy[96:]  # validation labels flipped: validation loss gets worse
    lk.set_seed(0)
    model = _model()
    record = fit_and_score(model, (x, y_noisy), validation_split=0.25, epochs=6,
                           learning_rate=3e-2, schedule="constant", patience=1)
    assert record.stopped_by == "early_stopping" and record.converged
    assert record.epochs_run < 6
    best = record.history["val_loss"][record.best_epoch - 1]
    assert best == min(record.history["val_loss"])
    assert record.best_epoch < record.epochs_run
    restored = model.evaluate(x[96:], y_noisy[96:], verbose=0, return_dict=True)["loss"]
    assert restored == pytest.approx(best, rel=1e-5)


def test_time_budget_stops_after_the_epoch_that_passes_it():
    x, y = _data()
    lk.set_seed(0)
    record = fit_and_score(_model(), (x, y), epochs=5, time_budget_s=0.0)
    assert record.stopped_by == "time_budget"
    assert record.epochs_run == 1 and not record.converged


def test_converged_rule():
    assert _converged([1.0, 0.5, 0.499])
    assert not _converged([1.0, 0.5, 0.4])  # still improving by 20% per epoch
    assert not _converged([0.5, 0.6, 0.6])  # ended above the first epoch
    assert not _converged([1.0])
    assert not _converged([1.0, float("nan"), 0.5])


def test_best_epoch_maximizes_accuracy_like_monitors():
    x, y = _data()
    lk.set_seed(0)
    record = fit_and_score(_model(), (x, y), validation_split=0.25, epochs=3,
                           monitor="val_accuracy")
    accuracy = record.history["val_accuracy"]
    assert record.best_epoch == int(np.argmax(accuracy)) + 1


def test_arguments_are_checked():
    x, y = _data()
    with pytest.raises(ValueError, match="`schedule`"):
        fit_and_score(_model(), (x, y), epochs=1, schedule="linear")
    with pytest.raises(ValueError, match="`epochs`"):
        fit_and_score(_model(), (x, y), epochs=0)
    with pytest.raises(ValueError, match="`validation_split`"):
        fit_and_score(_model(), (x, y), epochs=1, validation_split=0.2,
                      validation_data=(x, y))
    with pytest.raises(TypeError, match="`train`"):
        fit_and_score(_model(), x, epochs=1)


def test_log_prints_one_aligned_line_per_entry(capsys):
    log = ExperimentLog()
    first = log.add(task="motif", technique="LSTM", accuracy=0.8125)
    log.add(task="adding", technique="GRU", accuracy=0.5)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["task motif      | technique LSTM       | accuracy 0.812",
                     "task adding     | technique GRU        | accuracy 0.500"]
    assert first == {"task": "motif", "technique": "LSTM", "accuracy": 0.8125}
    assert log.entries == [first, {"task": "adding", "technique": "GRU", "accuracy": 0.5}]
    assert list(log.frame().columns) == ["task", "technique", "accuracy"] and len(log) == 2


def test_log_with_a_custom_line(capsys):
    log = ExperimentLog(line="{task:>8} | {technique:<6} accuracy {accuracy:.2f}")
    fields = {"task": "motif", "technique": "LSTM", "accuracy": 0.8125}
    log.add(**fields)
    assert capsys.readouterr().out == "   motif | LSTM   accuracy 0.81\n"
    assert fields == {"task": "motif", "technique": "LSTM", "accuracy": 0.8125}


def test_log_a_record_keeps_it_for_the_curves_and_refuses_what_it_cannot_read(capsys):
    record = TrainingRecord(metrics={"accuracy": 0.5, "auc": 0.7}, history={"loss": [1.0]},
                            epochs_run=1, best_epoch=1, converged=False, stopped_by="epochs",
                            train_seconds=2.0, peak_memory_mb=0.0)
    log = ExperimentLog()
    entry = log.add_record(record, metric="auc", task="motif", technique="LSTM", steps=500)
    assert entry == {"task": "motif", "technique": "LSTM", "steps": 500, "auc": 0.7,
                     "epochs_run": 1, "stopped_by": "epochs", "converged": False,
                     "train_seconds": 2.0}
    assert log.records == {"motif: LSTM": record} and "auc 0.700" in capsys.readouterr().out
    with pytest.raises(ValueError, match=r"`metric` must be one of the record's test metrics "
                                         r"\['accuracy', 'auc'\]. Received: metric='mae'"):
        log.add_record(record, metric="mae", task="motif")
    with pytest.raises(TypeError, match=r"`record` must be a TrainingRecord"):
        log.add_record({"accuracy": 0.5}, task="motif")
    assert len(log) == 1


def test_plot_learning_curves_returns_axes():
    import matplotlib.pyplot as plt

    record = TrainingRecord(metrics={}, history={"loss": [1.0, 0.5], "val_loss": [1.1, 0.9]},
                            epochs_run=2, best_epoch=2, converged=False, stopped_by="epochs",
                            train_seconds=1.0, peak_memory_mb=0.0)
    _, ax = plt.subplots()
    returned = plot_learning_curves([record, {"loss": [0.8, 0.7]}], ax=ax)
    assert returned is ax and len(ax.lines) == 3
    with pytest.raises(ValueError, match="`metric`"):
        plot_learning_curves([record], metric="accuracy")
    plt.close("all")


class _Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows], self.y[rows]


def test_a_pydataset_trains_like_a_hand_written_fit():
    x, y = _data()
    lk.set_seed(5)
    model = _model()
    steps = 2 * len(_Batches(x[:64], y[:64], 16))
    model.compile(optimizer=keras.optimizers.Adam(
        keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=steps)),
        loss="binary_crossentropy", metrics=["accuracy"])
    expected = model.fit(_Batches(x[:64], y[:64], 16), epochs=2, verbose=0).history
    lk.set_seed(5)
    record = fit_and_score(_model(), _Batches(x[:64], y[:64], 16), epochs=2)
    assert record.history == expected
    with pytest.raises(ValueError, match="`validation_split`"):
        fit_and_score(_model(), _Batches(x, y, 16), epochs=1, validation_split=0.2)


def test_a_zero_validation_split_means_no_validation():
    x, y = _data()
    lk.set_seed(0)
    record = fit_and_score(_model(), (x, y), epochs=2, validation_split=0.0)
    assert sorted(record.history) == ["accuracy", "loss"]
    assert record.costs() == {"train_seconds": record.train_seconds,
                              "peak_memory_mb": record.peak_memory_mb}


def test_log_stores_rounded_fields_and_prints_exact_ones(capsys):
    log = ExperimentLog(line="{task} {accuracy:.4f}", digits={"accuracy": 2})
    entry = log.add(task="a", accuracy=0.123456)
    assert capsys.readouterr().out == "a 0.1235\n"
    assert entry == {"task": "a", "accuracy": 0.12} and log.entries == [entry]
