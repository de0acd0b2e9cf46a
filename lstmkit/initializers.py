"""Weight initializers for recurrent layers.

:class:`ForgetBiasInitializer` starts an LSTM's forget gate open (or closed) by a chosen
amount, where Keras's ``unit_forget_bias=True`` always uses 1.0.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from lstmkit._validation import check_float

__all__ = ["ForgetBiasInitializer"]


@keras.saving.register_keras_serializable(package="lstmkit")
class ForgetBiasInitializer(keras.initializers.Initializer):
    """Bias initializer for an LSTM: ``value`` on the forget gate, 0 on the other gates.

    Use it to choose how open the forget gate starts: a positive bias (sigmoid(1) = 0.73,
    sigmoid(3) = 0.95) keeps the cell state from decaying early in training, which helps
    long memory; a negative one makes the cell forget quickly. Keras's
    ``unit_forget_bias=True`` is the special case ``value=1``. Pass it together with
    ``unit_forget_bias=False``, otherwise Keras ignores it for the forget gate.

    Args:
        value: the forget-gate bias, a finite number.

    It is registered as ``"lstmkit>ForgetBiasInitializer"`` (the name it had in
    ``lstmkit.gates``), so models saved with it before the move still load.

    Example:
        >>> import keras, numpy as np
        >>> from lstmkit.initializers import ForgetBiasInitializer
        >>> layer = keras.layers.LSTM(2, bias_initializer=ForgetBiasInitializer(3.0),
        ...                           unit_forget_bias=False)
        >>> _ = layer(np.zeros((1, 4, 1), dtype="float32"))
        >>> np.asarray(layer.cell.bias).tolist()
        [0.0, 0.0, 3.0, 3.0, 0.0, 0.0, 0.0, 0.0]
    """

    def __init__(self, value: float = 1.0) -> None:
        self.value = check_float(value, "value", hint="Use a forget-gate bias such as 1.0.")

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        shape = tuple(int(size) for size in shape)
        if len(shape) != 1 or shape[0] % 4 != 0 or shape[0] == 0:
            raise ValueError(
                "ForgetBiasInitializer must initialize an LSTM bias of shape (4 * units,). "
                f"Received: shape={shape}. Use it as keras.layers.LSTM(..., "
                "bias_initializer=ForgetBiasInitializer(value), unit_forget_bias=False)."
            )
        units = shape[0] // 4
        bias = np.zeros(shape, dtype="float32")
        bias[units : 2 * units] = self.value
        return keras.ops.convert_to_tensor(bias, dtype=dtype or keras.backend.floatx())

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}
