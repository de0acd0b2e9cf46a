"""Tests of TruncatedBPTTTrainer.fit's model.fit-like behaviour: callbacks, weights, output."""

import keras
import numpy as np
import pytest
from tbptt_models import Recorder, data, stateful

from lstmkit import tbptt


def test_callbacks_are_called_like_model_fit():
    x, y = data(num_samples=8)
    recorder = Recorder()
    history = tbptt.TruncatedBPTTTrainer(stateful()).fit(
        x, y, epochs=2, validation_data=(x, y), callbacks=[recorder], seed=0
    )
    batch = "['loss', 'mae']"
    assert recorder.calls == [
        "train_begin",
        "epoch_begin 0", f"batch_end 0 0 {batch}", f"batch_end 0 1 {batch}", "epoch_end 0",
        "epoch_begin 1", f"batch_end 1 0 {batch}", f"batch_end 1 1 {batch}", "epoch_end 1",
        "train_end",
    ]
    assert recorder.epoch_logs[-1] == {key: values[-1] for key, values in history.items()}
    assert "val_loss" in recorder.epoch_logs[0]


def test_keras_backup_and_restore_is_refused_with_the_trainers_own_backup_named(tmp_path):
    # It used to be accepted: it restored the weights, but the trainer restarted at epoch 0.
    x, y = data(num_samples=8)
    trainer = tbptt.TruncatedBPTTTrainer(stateful())
    backup = keras.callbacks.BackupAndRestore(str(tmp_path))
    with pytest.raises(ValueError, match=r"`callbacks` must not hold .*BackupAndRestore.*"
                       r"fit\(backup_dir=\.\.\.\)"):
        trainer.fit(x, y, epochs=1, callbacks=[backup])
    with pytest.raises(TypeError, match=r"`callbacks` must be a list of keras.callbacks"):
        trainer.fit(x, y, epochs=1, callbacks=["EarlyStopping"])
    assert not list(tmp_path.iterdir())  # refused before anything ran


def test_early_stopping_and_stop_training_are_honoured():
    x, y = data(num_samples=8)
    trainer = tbptt.TruncatedBPTTTrainer(stateful())
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=0, min_delta=10.0)
    history = trainer.fit(x, y, epochs=6, validation_data=(x, y), callbacks=[stopper])
    assert len(history["val_loss"]) == 2  # the second epoch did not improve by 10
    recorder = Recorder(stop_at=(1, 0))
    history = trainer.fit(x, y, epochs=6, callbacks=[recorder])
    assert len(history["loss"]) == 2 and recorder.calls[-3:] == [
        "batch_end 1 0 ['loss', 'mae']", "epoch_end 1", "train_end"
    ]


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_model_checkpoint_writes_the_weights(tmp_path):
    x, y = data(num_samples=8)
    path = tmp_path / "best.weights.h5"
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_weights_only=True)
    model = stateful()
    tbptt.TruncatedBPTTTrainer(model).fit(x, y, epochs=2, callbacks=[checkpoint])
    assert path.exists()
    copy = stateful(seed=9)
    copy.load_weights(path)
    for saved, trained in zip(copy.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, trained)


def test_initial_epoch_counts_like_model_fit():
    x, y = data(num_samples=8)
    recorder = Recorder()
    history = tbptt.TruncatedBPTTTrainer(stateful()).fit(
        x, y, epochs=4, initial_epoch=2, callbacks=[recorder]
    )
    assert len(history["loss"]) == 2
    ends = [call for call in recorder.calls if call.startswith("epoch_end")]
    assert ends == ["epoch_end 2", "epoch_end 3"]
    with pytest.raises(ValueError, match="`initial_epoch` must be an integer between 0 and 3"):
        tbptt.TruncatedBPTTTrainer(stateful()).fit(x, y, epochs=4, initial_epoch=4)


def test_sample_weight_weighs_each_sequence():
    x, y = data(num_samples=8)
    model = stateful()
    trainer = tbptt.TruncatedBPTTTrainer(model)
    plain = trainer.evaluate(x, y)["loss"]
    assert trainer.evaluate(x, y, sample_weight=np.full(8, 2.0))["loss"] == pytest.approx(
        2 * plain, rel=1e-5
    )
    before = model.get_weights()
    trainer.fit(x, y, epochs=1, sample_weight=np.zeros(8))  # zero weight: nothing learned
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_allclose(old, new, atol=1e-7)
    per_step = tbptt.TruncatedBPTTTrainer(stateful(return_sequences=True))
    weights = np.ones((8, 20))
    history = per_step.fit(x, x[..., :1], sample_weight=weights, validation_data=(x, x[..., :1]))
    assert np.isfinite(history["loss"][0]) and np.isfinite(history["val_loss"][0])


def test_verbose_shows_progress_and_zero_is_silent(capsys):
    x, y = data(num_samples=8)
    trainer = tbptt.TruncatedBPTTTrainer(stateful())
    trainer.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    trainer.fit(x, y, epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "loss:" in out
    trainer.fit(x, y, epochs=1, verbose=1)
    assert "2/2" in capsys.readouterr().out  # a progress bar over the 2 batches
    with pytest.raises(ValueError, match="`verbose` must be 0, 1 or 2"):
        trainer.fit(x, y, verbose=3)


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_history_keeps_the_completed_epochs_when_interrupted(error):
    x, y = data(num_samples=8)
    trainer = tbptt.TruncatedBPTTTrainer(stateful())
    trainer.fit(x, y, epochs=3)
    assert len(trainer.history["loss"]) == 3
    with pytest.raises(error, match="interrupted"):
        trainer.fit(x, y, epochs=5, callbacks=[Recorder(raise_at=(2, 1), error=error)])
    assert len(trainer.history["loss"]) == 2  # this run's two epochs, not the last run's
    assert len(trainer.history["chunk_loss"]) == 2
