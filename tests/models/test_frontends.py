"""lstmkit.models.frontends: the strided convolutional front-end."""

import keras
import numpy as np
import pytest

from lstmkit import reduction
from lstmkit.models import make_strided_frontend


def test_strided_frontend_shape_and_validation():
    frontend = reduction.make_strided_frontend(filters=4, strides=2, pool_size=5, num_blocks=2)
    output = frontend(np.zeros((3, 1000, 2), dtype="float32"))
    assert tuple(output.shape) == (3, 10, 4)  # 1000 / (2 * 5) / (2 * 5)
    no_pool = reduction.make_strided_frontend(filters=4, strides=4, pool_size=1)
    assert tuple(no_pool(np.zeros((1, 100, 1), dtype="float32")).shape) == (1, 25, 4)
    with pytest.raises(
        ValueError, match=r"`num_blocks` must be an integer between 1 and 4. Received: num_blocks=5"
    ):
        reduction.make_strided_frontend(num_blocks=5)


def _train_frontend(**kwargs):
    """Train a tiny classifier on 64 short series (24 steps); return the front-end and data."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = (3.0 + 5.0 * rng.normal(size=(64, 64, 1))).astype("float32")  # far from mean 0, var 1
    y = rng.integers(0, 2, size=64).astype("float32")
    frontend = make_strided_frontend(filters=4, kernel_size=4, strides=2, pool_size=2, **kwargs)
    model = keras.Sequential(
        [
            keras.Input((64, 1)),
            frontend,
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    model.fit(x, y, batch_size=16, epochs=6, verbose=0)
    return frontend, x


def test_frontend_inference_matches_training_after_a_few_steps_on_small_data():
    # With Keras's default momentum (0.99) the running statistics still sit near their
    # initial values after 24 steps, so inference output differed by ~86% from training.
    frontend, x = _train_frontend()
    training = keras.ops.convert_to_numpy(frontend(x, training=True))
    inference = keras.ops.convert_to_numpy(frontend(x, training=False))
    assert np.abs(training - inference).mean() < 0.1 * np.abs(training).mean()


def test_frontend_momentum_is_configurable_and_checked():
    frontend = make_strided_frontend(filters=2, momentum=0.5, num_blocks=2)
    norms = [layer for layer in frontend.layers if "norm" in layer.name]
    assert [layer.momentum for layer in norms] == [0.5, 0.5]
    assert make_strided_frontend(filters=2).layers[1].momentum == 0.9
    with pytest.raises(ValueError, match="`momentum`"):
        make_strided_frontend(momentum=1.0)
    with pytest.raises(TypeError, match="`momentum`"):
        make_strided_frontend(momentum="0.9")
