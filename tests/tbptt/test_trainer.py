"""Tests for lstmkit.tbptt.trainer: carried state, resets, validation, errors, learning."""

import keras
import numpy as np
import pytest
from tbptt_models import BATCH, CHUNK, FEATURES, JIT_COMPILE, data, full_sequence_twin, stateful

from lstmkit import tbptt


def test_chunked_prediction_equals_the_full_sequence_model():
    model = stateful()
    x, _ = data(num_samples=8, sequence_length=20)
    chunked = tbptt.TruncatedBPTTTrainer(model).predict(x)
    full = keras.ops.convert_to_numpy(full_sequence_twin(model)(x))
    assert chunked.shape == (8, 1)
    np.testing.assert_allclose(chunked, full, atol=1e-5)


def test_chunked_per_step_prediction_equals_the_full_sequence_model():
    model = stateful(return_sequences=True)
    x, _ = data(num_samples=8, sequence_length=20)
    trainer = tbptt.TruncatedBPTTTrainer(model)
    assert trainer.per_step
    chunked = trainer.predict(x)
    full = keras.ops.convert_to_numpy(full_sequence_twin(model, return_sequences=True)(x))
    assert chunked.shape == (8, 20, 1)
    np.testing.assert_allclose(chunked, full, atol=1e-5)


def test_a_free_time_axis_accepts_a_shorter_last_chunk():
    model = stateful(chunk=None)
    x, _ = data(num_samples=4, sequence_length=13)
    trainer = tbptt.TruncatedBPTTTrainer(model, chunk_length=5)  # chunks 5, 5, 3
    full = keras.ops.convert_to_numpy(full_sequence_twin(model)(x))
    np.testing.assert_allclose(trainer.predict(x), full, atol=1e-5)


def test_states_are_reset_between_batches_of_sequences():
    model = stateful()
    x, _ = data(num_samples=8)
    trainer = tbptt.TruncatedBPTTTrainer(model)
    both = trainer.predict(x)
    second_alone = trainer.predict(x[BATCH:])
    np.testing.assert_allclose(both[BATCH:], second_alone, atol=1e-6)
    assert not np.allclose(both[:BATCH], both[BATCH:])


def test_validation_does_not_change_training_state_or_training():
    x, y = data(num_samples=8)
    x_val, y_val = data(num_samples=4, seed=2)
    with_validation, without = stateful(seed=3), stateful(seed=3)
    trainer = tbptt.TruncatedBPTTTrainer(with_validation)
    # a state left in the middle of a sequence survives evaluate and predict
    with_validation.predict_on_batch(x[:BATCH, :CHUNK])
    before = tbptt.get_recurrent_states(with_validation)
    trainer.evaluate(x_val, y_val)
    trainer.predict(x_val)
    for saved, now in zip(before[0], tbptt.get_recurrent_states(with_validation)[0], strict=True):
        np.testing.assert_array_equal(saved, now)
    # training with validation gives exactly the weights training without it gives
    history = trainer.fit(x, y, epochs=2, validation_data=(x_val, y_val), seed=0)
    tbptt.TruncatedBPTTTrainer(without).fit(x, y, epochs=2, seed=0)
    for first, second in zip(with_validation.get_weights(), without.get_weights(), strict=True):
        np.testing.assert_array_equal(first, second)
    assert set(history) == {"loss", "mae", "chunk_loss", "val_loss", "val_mae"}
    assert all(len(values) == 2 for values in history.values())


def test_evaluate_matches_the_loss_of_the_full_sequence_model():
    model = stateful()
    x, y = data(num_samples=8)
    figures = tbptt.TruncatedBPTTTrainer(model).evaluate(x, y)
    full = keras.ops.convert_to_numpy(full_sequence_twin(model)(x))[:, 0]
    assert figures["loss"] == pytest.approx(float(np.mean((full - y) ** 2)), rel=1e-4)



def test_indivisible_sample_count_says_how_to_fix_it():
    trainer = tbptt.TruncatedBPTTTrainer(stateful())
    x, y = data(num_samples=10)
    message = (
        r"must be a multiple of the model's batch size 4.*Received: 10 sequences\. "
        r"Drop 2 \(x\[:8\]\), or pad with 2 more"
    )
    with pytest.raises(ValueError, match=message):
        trainer.fit(x, y)
    with pytest.raises(ValueError, match=message):
        trainer.predict(x)
    with pytest.raises(ValueError, match=r"Received: 3 sequences\. Pad with 1 more"):
        trainer.predict(x[:3])
    with pytest.raises(ValueError, match=r"in `x_val` must be a multiple.*Received: 6 sequences"):
        trainer.fit(x[:8], y[:8], validation_data=(x[:6], y[:6]))


def test_model_errors():
    with pytest.raises(
        TypeError,
        match=(
            "`model` must be a keras.Model. Received: model of type str"
        ),
    ):
        tbptt.TruncatedBPTTTrainer("lstm")
    free_batch = keras.Sequential([keras.Input((CHUNK, FEATURES)), keras.layers.LSTM(3)])
    with pytest.raises(ValueError, match=r"fixed batch size.*keras.Input\(batch_shape="):
        tbptt.TruncatedBPTTTrainer(free_batch)
    not_stateful = keras.Sequential([
        keras.Input(batch_shape=(BATCH, CHUNK, FEATURES)), keras.layers.LSTM(3, name="memory")
    ])
    with pytest.raises(
        ValueError,
        match=(
            r"stateful=True.*Received: \['memory'\] with stateful=False"
        ),
    ):
        tbptt.TruncatedBPTTTrainer(not_stateful)
    dense_only = keras.Sequential(
        [keras.Input(batch_shape=(BATCH, CHUNK, FEATURES)), keras.layers.Dense(1)]
    )
    with pytest.raises(ValueError, match="must contain a recurrent layer"):
        tbptt.TruncatedBPTTTrainer(dense_only)


def test_argument_errors():
    model = stateful()
    with pytest.raises(
        ValueError,
        match=(
            r"`chunk_length` must equal the model's time axis.*chunk_length=7"
        ),
    ):
        tbptt.TruncatedBPTTTrainer(model, chunk_length=7)
    with pytest.raises(ValueError, match=r"`loss_on` must be one of 'every_chunk', 'last_chunk'"):
        tbptt.TruncatedBPTTTrainer(model, loss_on="first_chunk")
    with pytest.raises(
        ValueError,
        match=(
            "`chunk_length` must be given when the model's time axis is None"
        ),
    ):
        tbptt.TruncatedBPTTTrainer(stateful(chunk=None))
    with pytest.raises(
        ValueError,
        match=(
            "`loss_on` must be 'every_chunk' for a model with one output per step"
        ),
    ):
        tbptt.TruncatedBPTTTrainer(stateful(return_sequences=True), loss_on="last_chunk")
    trainer = tbptt.TruncatedBPTTTrainer(model)
    x, y = data(num_samples=8, sequence_length=12)
    with pytest.raises(
        ValueError,
        match=(
            r"multiple of chunk_length=5.*Drop the first 2 steps \(x\[:, 2:\]\)"
        ),
    ):
        trainer.fit(x, y)
    x, y = data(num_samples=8)
    with pytest.raises(ValueError, match="`x` and `y` must have the same length"):
        trainer.fit(x, y[:4])
    with pytest.raises(ValueError, match=r"`x` must have shape \(num_samples, sequence_length"):
        trainer.predict(x[..., :1])
    with pytest.raises(ValueError, match="must be compiled before fit or evaluate"):
        tbptt.TruncatedBPTTTrainer(stateful(compile_model=False)).fit(x, y)
    per_step = tbptt.TruncatedBPTTTrainer(stateful(return_sequences=True))
    with pytest.raises(ValueError, match="`y` must hold one target per step"):
        per_step.fit(x, y)



def _marker_task(num_samples, sequence_length, seed):
    """The class is a +1/-1 marker at step 0; the label is read at the last step."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=num_samples)
    x = rng.normal(scale=0.1, size=(num_samples, sequence_length, FEATURES)).astype("float32")
    x[:, 0, 0] = np.where(labels == 1, 1.0, -1.0)
    return x, labels.astype("float32")


@pytest.mark.slow
def test_the_state_carries_a_first_chunk_signal_to_the_label():
    """Signal in chunk 0, label after 6 chunks: every-chunk training learns it."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(batch_shape=(16, 10, FEATURES)),
        keras.layers.LSTM(8, stateful=True),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(
        keras.optimizers.Adam(0.02), "binary_crossentropy", metrics=["accuracy"],
        jit_compile=JIT_COMPILE,
    )
    x, y = _marker_task(64, 60, seed=0)
    x_test, y_test = _marker_task(32, 60, seed=1)
    trainer = tbptt.TruncatedBPTTTrainer(model, loss_on="every_chunk")
    history = trainer.fit(x, y, epochs=8, seed=0)
    assert history["loss"][-1] < history["loss"][0]
    assert trainer.evaluate(x_test, y_test)["accuracy"] >= 0.9


@pytest.mark.slow
def test_per_step_targets_are_learned():
    """Sequence labelling: each step's target is the previous step's first feature."""
    keras.utils.set_random_seed(0)
    model = stateful(batch=8, chunk=10, return_sequences=True)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 40, FEATURES)).astype("float32")
    y = np.concatenate([np.zeros((16, 1)), x[:, :-1, 0]], axis=1)[..., None].astype("float32")
    history = tbptt.TruncatedBPTTTrainer(model).fit(x, y, epochs=15, seed=0)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
