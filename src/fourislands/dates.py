"""Dates as the data gives them (1855, 1945-08, 1945-08-09): the days they cover, and where they fall."""

from __future__ import annotations

import calendar
import datetime as dt
import re

DATE_PATTERN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_span(date: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day a date of the data covers: '1904', '1945-08' or '1945-08-09'.

    Raises ValueError, in words, for anything else.
    """
    match = DATE_PATTERN.fullmatch(str(date).strip())
    if not match:
        raise ValueError(f"{date!r} is not a date like 1855, 1945-08 or 1945-08-09")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        return dt.date(year, month, day), dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{date!r} is not a real calendar date") from None


def decimal_year(date: str) -> float:
    """Return the middle of the period a date covers, as a year with a fraction (1945-08 -> 1945.62).

    Exact to the half day: a year falls at .5, a month at the middle of its days, a day at noon.
    """
    first, last = date_span(date)
    days_before = (first - dt.date(first.year, 1, 1)).days
    days_covered = (last - first).days + 1
    return first.year + (days_before + days_covered / 2) / (366 if calendar.isleap(first.year) else 365)


def year_of(date: str) -> int:
    """Return the year of a date of the data."""
    return date_span(date)[0].year
