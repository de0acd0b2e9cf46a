"""One printed line and one stored dictionary per experiment."""

from __future__ import annotations

from typing import Any

from lstmkit._validation import check_int, message
from lstmkit.training.fitting import TrainingRecord

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
        self.records: dict[str, TrainingRecord] = {}

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

    def add_record(
        self, record: TrainingRecord, *, metric: str = "accuracy", **fields: Any
    ) -> dict[str, Any]:
        """Log one :func:`fit_and_score` run: ``fields``, its test score and its training.

        The entry holds ``fields`` (for example ``task`` and ``technique``), then
        ``record.metrics[metric]`` under the name ``metric``, then ``epochs_run``,
        ``stopped_by``, ``converged`` and ``train_seconds``. The record itself is kept in
        ``records`` under the string values of ``fields`` joined by ``": "``, ready for
        :func:`plot_learning_curves`.

        Example:
            >>> from lstmkit.training import ExperimentLog, TrainingRecord
            >>> run = TrainingRecord(metrics={"accuracy": 0.75}, history={"loss": [0.9, 0.5]},
            ...                      epochs_run=2, best_epoch=2, converged=False,
            ...                      stopped_by="epochs", train_seconds=1.5, peak_memory_mb=0.0)
            >>> log = ExperimentLog(line="{task}: {technique} {accuracy:.2f}")
            >>> log.add_record(run, task="motif", technique="LSTM")["epochs_run"]
            motif: LSTM 0.75
            2
            >>> list(log.records)
            ['motif: LSTM']
        """
        if not isinstance(record, TrainingRecord):
            raise TypeError(message("record", "a TrainingRecord (what fit_and_score returns)",
                                    record, ""))
        if not isinstance(metric, str) or metric not in record.metrics:
            raise ValueError(
                f"`metric` must be one of the record's test metrics {sorted(record.metrics)}. "
                f"Received: metric={metric!r}. Pass test=(x, y) to fit_and_score to measure "
                f"them, or name one of those."
            )
        label = ": ".join(str(value) for value in fields.values() if isinstance(value, str))
        self.records[label] = record
        return self.add(**fields, **{metric: record.metrics[metric]},
                        epochs_run=record.epochs_run, stopped_by=record.stopped_by,
                        converged=record.converged, train_seconds=record.train_seconds)

    def frame(self) -> Any:
        """Return the entries as a pandas ``DataFrame`` (one row per entry)."""
        import pandas as pd

        return pd.DataFrame(self.entries)

    def __len__(self) -> int:
        return len(self.entries)
