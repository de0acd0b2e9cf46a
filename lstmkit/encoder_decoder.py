"""Moved to :mod:`lstmkit.models.encoder_decoder`; kept so old imports keep working."""

from lstmkit.models.encoder_decoder import (
    build_code_classifier,
    build_lstm_autoencoder,
    build_seq2seq_forecaster,
)

__all__ = ["build_code_classifier", "build_lstm_autoencoder", "build_seq2seq_forecaster"]
