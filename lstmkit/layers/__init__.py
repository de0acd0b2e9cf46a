"""Custom Keras 3 layers for long sequences, all registered under the ``lstmkit`` package.

Every layer here supports masks where it consumes sequences, implements ``get_config``
and survives ``model.save("x.keras")`` / ``keras.models.load_model`` (import lstmkit
before loading, so Keras can find the registered classes).
"""

from lstmkit.layers.attention import AttentionPooling
from lstmkit.layers.bidirectional_halves import BidirectionalHalves
from lstmkit.layers.recurrent_dropout import VariationalLSTM, WeightDropLSTM

__all__ = ["AttentionPooling", "BidirectionalHalves", "VariationalLSTM", "WeightDropLSTM"]
