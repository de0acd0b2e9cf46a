"""The 0.1 name of :mod:`lstmkit.length_selection` (lag statistics, choosing a length).

The module was renamed because ``sequence_length`` is also the argument name used all
over lstmkit; this name keeps working for code written against lstmkit 0.1.
"""

from lstmkit.length_selection import (
    autocorrelation,
    choose_sequence_length,
    lagged_mutual_information,
)

__all__ = ["autocorrelation", "choose_sequence_length", "lagged_mutual_information"]
