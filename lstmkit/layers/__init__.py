"""Custom Keras 3 layers for long sequences, all registered under the ``lstmkit`` package.

Every layer here supports masks where it consumes sequences, implements ``get_config``
and survives ``model.save("x.keras")`` / ``keras.models.load_model``.
"""

__all__: list[str] = []
