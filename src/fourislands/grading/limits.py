"""How much time, memory and disk one submission may use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """The limits of one submission's run; the grader's clock, not the submission's, enforces time."""

    cell_seconds: float = 10.0
    total_seconds: float = 60.0
    memory_mb: int = 2048
    file_mb: int = 50
    disk_mb: int = 256
