"""Checks on what a student typed or passed, shared by the lessons' logic."""

from __future__ import annotations

import math
from numbers import Real


def finite_number(value: object) -> float | None:
    """Return value as a finite float, or None when it is not a usable number (True is not 1 here)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
