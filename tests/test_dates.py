"""Dates of the data: the days each covers, and one place on a year axis for all the charts."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from fourislands.dates import date_span, decimal_year, year_of


@given(st.dates(min_value=dt.date(1700, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_day_a_month_and_a_year_fall_in_the_middle_of_what_they_cover(day):
    text = day.isoformat()
    month, year = text[:7], text[:4]
    assert date_span(text) == (day, day)
    assert year_of(text) == year_of(month) == year_of(year) == day.year
    # Every day lies inside its month and its year on the axis, and the month inside its year.
    first, last = date_span(month)
    assert first <= day <= last
    assert day.year < decimal_year(text) < day.year + 1
    assert decimal_year(first.isoformat()) <= decimal_year(month) <= decimal_year(last.isoformat())
    assert decimal_year(year) == day.year + 0.5
    # Consecutive days are one day apart on the axis, within a year.
    following = day + dt.timedelta(days=1)
    if following.year == day.year:
        length = 366 if (day.year % 4 == 0 and day.year % 100 != 0) or day.year % 400 == 0 else 365
        assert abs(decimal_year(following.isoformat()) - decimal_year(text) - 1 / length) < 1e-9
