"""The error the course raises for bad or missing data: it names the file, row and column."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """A data file is missing or breaks its schema; the message says where and why."""

    def __init__(
        self,
        file: str | Path,
        message: str,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.problem = message
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")
