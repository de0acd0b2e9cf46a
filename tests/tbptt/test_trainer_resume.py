"""Backup and resume of TruncatedBPTTTrainer.fit: an interrupted run ends like an unbroken one."""

import numpy as np
import pytest
from tbptt_models import Recorder, data, stateful

from lstmkit import tbptt

EPOCHS = 4


def _fit(model, **kwargs):
    x, y = data(num_samples=8)
    x_val, y_val = data(num_samples=4, seed=2)
    trainer = tbptt.TruncatedBPTTTrainer(model, **kwargs.pop("trainer", {}))
    trainer.fit(
        x, y, epochs=EPOCHS, seed=0, validation_data=(x_val, y_val),
        sample_weight=np.linspace(0.5, 1.5, 8), **kwargs,
    )
    return trainer


def _assert_same_run(resumed, reference):
    for got, want in zip(resumed.model.get_weights(), reference.model.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert set(resumed.history) == set(reference.history)
    for key, values in reference.history.items():
        np.testing.assert_allclose(resumed.history[key], values, rtol=1e-6, err_msg=key)


@pytest.mark.parametrize("backup_freq", ["epoch", "batch"])
def test_a_run_interrupted_by_a_callback_resumes_to_the_same_weights(tmp_path, backup_freq):
    reference = _fit(stateful(seed=3))
    interrupted = tbptt.TruncatedBPTTTrainer(stateful(seed=3))
    with pytest.raises(RuntimeError, match="interrupted"):
        _fit(
            interrupted.model, backup_dir=tmp_path, backup_freq=backup_freq,
            callbacks=[Recorder(raise_at=(2, 1))],  # third epoch, second batch
        )
    assert (tmp_path / "tbptt_backup.npz").exists()
    # a fresh model with other weights and a fresh optimizer: all of it comes from the backup
    resumed = _fit(stateful(seed=11), backup_dir=tmp_path, backup_freq=backup_freq)
    _assert_same_run(resumed, reference)
    assert not (tmp_path / "tbptt_backup.npz").exists()  # removed once the run finished


@pytest.mark.parametrize(
    ("loss_on", "failing_call"),
    # every_chunk trains 4 chunks a batch: call 11 is epoch 1, batch 0, chunk 2.
    # last_chunk trains only chunk 3 of each batch: call 4 is epoch 1, batch 1, after
    # chunks 0-2 advanced the state (and were backed up).
    [("every_chunk", 11), ("last_chunk", 4)],
)
def test_a_run_interrupted_inside_a_batch_resumes_at_the_same_chunk(
    tmp_path, loss_on, failing_call
):
    """Back up after every chunk; stop in the middle of a sequence; resume there."""
    options = {"trainer": {"loss_on": loss_on}}
    reference = _fit(stateful(seed=3), **options)
    model = stateful(seed=3)
    calls = {"count": 0}
    train_on_batch = model.train_on_batch

    def failing_train_on_batch(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == failing_call:
            raise RuntimeError("interrupted")
        return train_on_batch(*args, **kwargs)

    model.train_on_batch = failing_train_on_batch
    with pytest.raises(RuntimeError, match="interrupted"):
        _fit(model, backup_dir=tmp_path, backup_freq=1, **options)
    assert calls["count"] == failing_call
    resumed = _fit(stateful(seed=11), backup_dir=tmp_path, backup_freq=1, **options)
    _assert_same_run(resumed, reference)


def test_a_backup_of_other_data_is_refused(tmp_path):
    x, y = data(num_samples=8)
    model = stateful()
    with pytest.raises(RuntimeError, match="interrupted"):
        tbptt.TruncatedBPTTTrainer(model).fit(
            x, y, epochs=2, backup_dir=tmp_path, callbacks=[Recorder(raise_at=(1, 0))]
        )
    x_long, y_long = data(num_samples=8, sequence_length=30)
    with pytest.raises(ValueError, match="`backup_dir` holds a backup of a run on other data"):
        tbptt.TruncatedBPTTTrainer(stateful()).fit(x_long, y_long, backup_dir=tmp_path)
    with pytest.raises(ValueError, match="`backup_freq` must be 'epoch', 'batch'"):
        tbptt.TruncatedBPTTTrainer(model).fit(x, y, backup_dir=tmp_path, backup_freq="chunk")
