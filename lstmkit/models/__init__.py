"""Model builders: recurrent classifiers/regressors, encoder-decoders, learned front-ends.

* :mod:`lstmkit.models.recurrent`: :func:`build_recurrent_model` (a stacked LSTM from a
  dict of hyperparameters, as a search suggests them), ``DEFAULT_CONFIG``,
  :func:`last_steps`.
* :mod:`lstmkit.models.encoder_decoder`: LSTM autoencoder, code classifier, seq2seq
  forecaster.
* :mod:`lstmkit.models.frontends`: :func:`make_strided_frontend`, a convolutional
  block that shortens a long sequence before an LSTM.
* :mod:`lstmkit.models.text`: :func:`build_text_classifier`, a masked LSTM over token ids.
"""

from lstmkit.models.encoder_decoder import (
    build_code_classifier,
    build_lstm_autoencoder,
    build_seq2seq_forecaster,
)
from lstmkit.models.frontends import make_strided_frontend
from lstmkit.models.recurrent import DEFAULT_CONFIG, build_recurrent_model, last_steps
from lstmkit.models.text import build_text_classifier

__all__ = [
    "DEFAULT_CONFIG",
    "build_code_classifier",
    "build_lstm_autoencoder",
    "build_recurrent_model",
    "build_seq2seq_forecaster",
    "build_text_classifier",
    "last_steps",
    "make_strided_frontend",
]
