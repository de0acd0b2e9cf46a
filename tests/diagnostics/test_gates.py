"""Tests for lstmkit.gates: the NumPy reference LSTM, recorded gates, gradient norms over time."""

import keras
import numpy as np
import pytest

from lstmkit.gates import (
    ForgetBiasInitializer,
    GateActivations,
    gradient_norms_over_time,
    lstm_forward_numpy,
    record_gate_activations,
)
from lstmkit.layers.recurrent_dropout import VariationalLSTM, WeightDropLSTM


def _sequences(batch=3, steps=40, features=2, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, steps, features)).astype("float32")


def _trained_lstm(units=5):
    """A briefly trained LSTM, so the weights are not just their initial values."""
    keras.utils.set_random_seed(1)
    layer = keras.layers.LSTM(units, return_sequences=True)
    model = keras.Sequential([keras.Input((40, 2)), layer, keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), "mse")
    sequences = _sequences(batch=16)
    model.fit(sequences, sequences[:, :, :1] * 0.5, epochs=3, verbose=0)
    return layer


def test_recorded_gates_reproduce_the_layer_outputs():
    layer = _trained_lstm()
    sequences = _sequences(seed=3)
    gates = record_gate_activations(layer, sequences)
    assert isinstance(gates, GateActivations)
    outputs = keras.ops.convert_to_numpy(layer(sequences))
    np.testing.assert_allclose(gates.hidden_state, outputs, atol=1e-5)
    np.testing.assert_allclose(gates.output_gate * np.tanh(gates.cell_state), outputs, atol=1e-5)
    # The cell recurrence holds at every step: c_t = f_t * c_{t-1} + i_t * g_t.
    previous = np.concatenate([np.zeros_like(gates.cell_state[:, :1]), gates.cell_state[:, :-1]], 1)
    np.testing.assert_allclose(
        gates.cell_state,
        gates.forget_gate * previous + gates.input_gate * gates.candidate,
        atol=1e-5,
    )
    # The final states match the layer's own return_state output.
    twin = keras.layers.LSTM(5, return_state=True)
    twin(sequences)
    twin.set_weights(layer.get_weights())
    _, hidden, carry = (keras.ops.convert_to_numpy(state) for state in twin(sequences))
    np.testing.assert_allclose(gates.cell_state[:, -1], carry, atol=1e-5)
    np.testing.assert_allclose(gates.hidden_state[:, -1], hidden, atol=1e-5)
    for name in ("input_gate", "forget_gate", "output_gate"):
        values = getattr(gates, name)
        assert values.shape == (3, 40, 5) and values.dtype == np.float32
        assert values.min() >= 0 and values.max() <= 1


def test_recorded_gates_work_for_lstmkit_layers():
    sequences = _sequences(seed=4)
    for layer in (
        VariationalLSTM(3, recurrent_dropout_rate=0.5, return_sequences=True),
        WeightDropLSTM(3, return_sequences=True),
    ):
        outputs = keras.ops.convert_to_numpy(layer(sequences))
        gates = record_gate_activations(layer, sequences)
        np.testing.assert_allclose(gates.hidden_state, outputs, atol=1e-5)


def test_numpy_reference_matches_keras_with_and_without_an_initial_state():
    layer = _trained_lstm()
    sequences = _sequences(seed=6)
    weights = layer.get_weights()
    states = lstm_forward_numpy(sequences, *weights)
    assert states.hidden_state.dtype == np.float64 and states.hidden_state.shape == (3, 40, 5)
    outputs = keras.ops.convert_to_numpy(layer(sequences))
    np.testing.assert_allclose(states.hidden_state, outputs, atol=1e-5)
    rng = np.random.default_rng(7)
    hidden, carry = rng.normal(size=(2, 3, 5)).astype("float32")
    twin = keras.layers.LSTM(5, return_sequences=True)
    twin(sequences)
    twin.set_weights(weights)
    expected = keras.ops.convert_to_numpy(twin(sequences, initial_state=[hidden, carry]))
    started = lstm_forward_numpy(sequences, *weights, initial_state=(hidden, carry))
    np.testing.assert_allclose(started.hidden_state, expected, atol=1e-5)
    # The second half continues where the first half stopped.
    first = lstm_forward_numpy(sequences[:, :20], *weights)
    second = lstm_forward_numpy(
        sequences[:, 20:],
        *weights,
        initial_state=(first.hidden_state[:, -1], first.cell_state[:, -1]),
    )
    np.testing.assert_allclose(second.hidden_state, states.hidden_state[:, 20:], atol=1e-10)


def test_numpy_reference_applies_dropout_masks():
    sequences = _sequences(batch=2, steps=6, seed=8)
    rng = np.random.default_rng(9)
    kernel, recurrent_kernel = rng.normal(size=(2, 8)), rng.normal(size=(2, 8))
    bias = rng.normal(size=8)
    input_mask = np.array([[2.0, 0.0], [0.0, 2.0]])
    recurrent_mask = np.array([[0.0, 0.0], [2.0, 2.0]])
    masked = lstm_forward_numpy(
        sequences,
        kernel,
        recurrent_kernel,
        bias,
        input_mask=input_mask,
        recurrent_mask=recurrent_mask,
    )
    # Row 0: no recurrent signal at all; each step sees only its own (masked) input.
    for step in range(6):
        alone = lstm_forward_numpy(
            sequences[:1, step : step + 1] * input_mask[:1, None],
            kernel,
            recurrent_kernel,
            bias,
            initial_state=(
                np.zeros((1, 2)),
                masked.cell_state[:1, step - 1] if step else np.zeros((1, 2)),
            ),
        )
        np.testing.assert_allclose(masked.hidden_state[0, step], alone.hidden_state[0, 0])


def test_numpy_reference_bad_arguments():
    sequences = _sequences(batch=1, steps=3)
    with pytest.raises(ValueError, match=r"`kernel`, `recurrent_kernel` and `bias` must have"):
        lstm_forward_numpy(sequences, np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8))
    with pytest.raises(ValueError, match=r"`input_mask` must have shape \(1, 2\)"):
        lstm_forward_numpy(
            sequences, np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), input_mask=np.ones((1, 3))
        )
    with pytest.raises(TypeError, match=r"`initial_state` must be a pair"):
        lstm_forward_numpy(
            sequences, np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), initial_state=np.zeros(2)
        )


def test_recorded_gates_exact_numbers():
    layer = keras.layers.LSTM(1)
    layer(np.zeros((1, 2, 1), "float32"))
    layer.set_weights(
        [np.full((1, 4), 0.5, "float32"), np.full((1, 4), -0.5, "float32"), np.zeros(4, "float32")]
    )
    gates = record_gate_activations(layer, np.ones((1, 2, 1), "float32"))
    # Step 0: every gate pre-activation is 0.5, c = sigmoid(.5) * tanh(.5).
    assert gates.forget_gate[0, 0, 0] == pytest.approx(0.6224593, abs=1e-6)
    assert gates.cell_state[0, 0, 0] == pytest.approx(0.6224593 * 0.4621172, abs=1e-6)
    assert gates.hidden_state[0, 1, 0] == pytest.approx(
        float(keras.ops.convert_to_numpy(layer(np.ones((1, 2, 1))))[0, 0]), abs=1e-6
    )


@pytest.mark.parametrize(
    ("layer", "sequences", "error", "message"),
    [
        (
            keras.layers.GRU(2),
            _sequences(),
            TypeError,
            r"`layer` must be a keras.layers.LSTM.*Received: layer of type GRU",
        ),
        (keras.layers.LSTM(2), _sequences(), ValueError, r"`layer` must be built"),
        (
            keras.layers.LSTM(2, activation="relu"),
            _sequences(),
            ValueError,
            r"activation='tanh'.*Received: activations \('relu', 'sigmoid'\)",
        ),
        (
            keras.layers.LSTM(2, go_backwards=True),
            _sequences(),
            ValueError,
            r"Received: go_backwards=True",
        ),
        (keras.layers.LSTM(2), _sequences()[0], ValueError, r"`sequences` must be a 3-D array"),
        (
            keras.layers.LSTM(2),
            _sequences(features=3),
            ValueError,
            r"`sequences` must have 2 features",
        ),
    ],
)
def test_record_gate_activations_bad_arguments(layer, sequences, error, message):
    if "built" not in message:
        layer(_sequences())
    with pytest.raises(error, match=message):
        record_gate_activations(layer, sequences)


def test_gradient_norms_vanish_for_simple_rnn_not_for_lstm():
    sequences = _sequences(batch=16, steps=60, features=1, seed=5)
    targets = np.zeros((16, 1), "float32")
    open_forget_gate = ForgetBiasInitializer(3.0)
    recurrent_layers = {
        "simple": keras.layers.SimpleRNN(16),
        "lstm": keras.layers.LSTM(16, bias_initializer=open_forget_gate, unit_forget_bias=False),
    }
    norms = {}
    for name, recurrent in recurrent_layers.items():
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input((60, 1)), recurrent, keras.layers.Dense(1, bias_initializer="ones")]
        )
        model.compile("sgd", "mse")
        norms[name] = gradient_norms_over_time(model, sequences, targets)  # compiled loss
        assert norms[name].shape == (60,) and np.all(np.isfinite(norms[name]))
    assert norms["simple"][0] < norms["simple"][-1] * 1e-2  # vanishes over 60 steps
    assert norms["lstm"][0] > norms["lstm"][-1] * 1e-2
    assert norms["lstm"][0] > norms["simple"][0]


def test_gradient_norms_match_a_hand_computed_case():
    # y = sum_t w * x_t  ->  d(mean((y - 0)^2))/dx_t = 2 * y * w for every t.
    model = keras.Sequential(
        [
            keras.Input((3, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, use_bias=False, kernel_initializer="ones"),
        ]
    )
    inputs = np.ones((1, 3, 1), "float32")
    norms = gradient_norms_over_time(model, inputs, np.zeros((1, 1)), loss="mse")
    np.testing.assert_allclose(norms, [6.0, 6.0, 6.0], rtol=1e-6)


def test_gradient_norms_bad_arguments():
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"`loss` must be given when the model is not compiled"):
        gradient_norms_over_time(model, _sequences(steps=5, features=1), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"`inputs` and `targets` must have the same length"):
        gradient_norms_over_time(
            model, _sequences(steps=5, features=1), np.zeros((2, 1)), loss="mse"
        )
    with pytest.raises(ValueError, match=r"`inputs` must be a 3-D array"):
        gradient_norms_over_time(model, np.zeros((3, 5)), np.zeros((3, 1)), loss="mse")


def test_gradient_norms_name_an_unknown_loss():
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="`loss` must be a Keras loss name"):
        gradient_norms_over_time(
            model, _sequences(steps=5, features=1), np.zeros((3, 1)), loss="bad"
        )
