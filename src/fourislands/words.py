"""Words the course writes in messages and figures: lists in plain English."""

from __future__ import annotations

from collections.abc import Iterable


def and_list(items: Iterable[object], quoted: bool = False, none: str = "") -> str:
    """Return items as an English list: 'a', 'a and b', 'a, b and c'; none when there are none.

    quoted: put each item in single quotes, as messages name choices ('war' and 'treaty').
    """
    words = [f"'{item}'" if quoted else str(item) for item in items]
    if not words:
        return none
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
