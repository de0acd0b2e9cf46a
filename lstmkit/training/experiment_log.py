"""One printed line and one stored dictionary per experiment."""

from __future__ import annotations

from typing import Any

from lstmkit._validation import check_int, message

__all__ = ["ExperimentLog"]


class ExperimentLog:
    """Collect one dictionary per experiment and print each as one aligned line.

    Use it instead of a notebook-level list: ``.entries`` goes to ``lk.save_results``
    and ``.frame()`` to a table.

    Args:
        line: optional format string for the printed line, filled with the entry's
            fields (``"{task:>20} | accuracy {accuracy:.2f}"``). By default every field
            is printed as ``name value``: strings padded to ``width``, floats with
            three decimals.
        width: padding of string fields in the default line.
        digits: optional ``{field: decimals}``: those fields are stored rounded (the
            printed line uses the exact values).

    Example:
        >>> from lstmkit.training import ExperimentLog
        >>> log = ExperimentLog()
        >>> _ = log.add(task="motif", technique="LSTM", accuracy=0.8125)
        task motif      | technique LSTM       | accuracy 0.812
        >>> log.frame().shape
        (1, 3)
    """

    def __init__(
        self, *, line: str | None = None, width: int = 10, digits: dict[str, int] | None = None
    ) -> None:
        if line is not None and not isinstance(line, str):
            raise TypeError(message("line", "a format string or None", line, ""))
        self.line = line
        if digits is not None and not (
            isinstance(digits, dict)
            and all(isinstance(key, str) for key in digits)
            and all(isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 15
                    for value in digits.values())
        ):
            raise TypeError(message("digits", "None or a dict {field name: decimals 0-15}",
                                    digits, 'For example digits={"accuracy": 3}.'))
        self.digits = dict(digits or {})
        self.width = check_int(width, "width", minimum=0, maximum=200)
        self.entries: list[dict[str, Any]] = []

    def format(self, entry: dict[str, Any]) -> str:
        """Return the printed line for ``entry``."""
        if self.line is not None:
            return self.line.format(**entry)
        parts = []
        for name, value in entry.items():
            if isinstance(value, float):
                parts.append(f"{name} {value:.3f}")
            else:
                parts.append(f"{name} {value!s:<{self.width}}")
        return " | ".join(parts).rstrip()

    def add(self, **fields: Any) -> dict[str, Any]:
        """Append ``fields`` as one entry, print its line and return the entry."""
        text = self.format(fields)
        entry = {name: round(value, self.digits[name]) if name in self.digits else value
                 for name, value in fields.items()}
        self.entries.append(entry)
        print(text)
        return entry

    def frame(self) -> Any:
        """Return the entries as a pandas ``DataFrame`` (one row per entry)."""
        import pandas as pd

        return pd.DataFrame(self.entries)

    def __len__(self) -> int:
        return len(self.entries)
