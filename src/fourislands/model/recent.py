"""Lesson 06 logic: the events of 2018-2026 by theme, year and actor, the rupture of 2022, the Bluebook."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..data import resource
from ..dates import date_span, decimal_year
from ..errors import DataError
from ..words import and_list
from .history import LIST_LIMIT, chronological, month_label, themes

FIRST_YEAR = 2018  # the lesson's period begins on 1 January of this year
RUPTURE_ID = "russia-invades-ukraine-2022"  # the timeline row that splits the period in two
NOT_CLASSIFIED = "not classified"  # an event recent_actors has no row for (yet)
BEFORE, AFTER = "before", "after"  # the two halves of the period, split on the day of the invasion
ACTOR_LABELS = {"japan": "Japan", "russia": "Russia", "both": "both sides", "other": "others"}
PHRASES = ("sovereignty", "inherent_territory", "illegally_occupied")  # the ladder, mildest first
PHRASE_LABELS = {
    "sovereignty": "claims sovereignty",
    "inherent_territory": "'inherent territory'",
    "illegally_occupied": "'illegally occupied'",
}
USED, NOT_USED, NOT_REPORTED = "used", "not used", "not reported"
TERM = re.compile(r"^(?P<name>[a-z]+)-takes-office-\d{4}$")  # a prime minister's first day in the timeline
END_OF_TERM = re.compile(r"^(?P<name>[a-z]+)-resigns-\d{4}$")
WHOLE_PERIOD = "whole period"
# The parts of the period a student can choose -> the period value of recent_events (None: both).
HALVES = {WHOLE_PERIOD: None, "before the invasion": BEFORE, "from the invasion on": AFTER}


def _enum(table: str, column: str) -> list[str]:
    """Return the values a column of a table may take, in the order its schema lists them."""
    for field in resource(table)["schema"]["fields"]:
        if field["name"] == column:
            return list(field["constraints"]["enum"])
    raise DataError("data/datapackage.json", f"the table {table!r} has no column {column!r}")


def actors() -> list[str]:
    """Return the actors of recent_actors in the order its schema lists them (japan, russia, ...)."""
    return _enum("recent_actors", "actor")


def _start(date: str) -> dt.date:
    return date_span(date)[0]


# --- the period's events ------------------------------------------------------------------------


def rupture_date(timeline: pd.DataFrame) -> dt.date:
    """Return the day the timeline gives for Russia's full-scale invasion of Ukraine."""
    row = timeline.loc[timeline["id"] == RUPTURE_ID, "date"]
    if row.empty:
        raise DataError("data/timeline.csv", f"no row {RUPTURE_ID!r}: the lesson splits its period there")
    return _start(row.iloc[0])


def recent_events(
    timeline: pd.DataFrame, who: pd.DataFrame | None = None, first_year: int = FIRST_YEAR
) -> pd.DataFrame:
    """Return the timeline's events from 1 January of first_year on, in date order, with what lesson 06 reads.

    Added columns: start (the first day the date covers), year, x (the date as a decimal year, for
    charts), actor (from who, the recent_actors table: NOT_CLASSIFIED for an event it has no row
    for) and period: BEFORE when the last day the date covers is before the day of the invasion,
    else AFTER. The invasion itself is AFTER, and so is an event dated only by a month or year that
    includes the day (February 2022): only what surely came before counts as before.
    """
    start = timeline["date"].map(_start)
    events = chronological(timeline[start >= dt.date(first_year, 1, 1)])
    cut = rupture_date(timeline)
    actor = pd.Series(NOT_CLASSIFIED, index=events.index, dtype="object")
    if who is not None:
        by_event = who.set_index("timeline_id")["actor"]
        actor = events["id"].map(by_event).fillna(NOT_CLASSIFIED).astype(object)
    starts = events["date"].map(_start)
    return events.assign(
        start=starts,
        year=starts.map(lambda d: d.year).astype(int),
        x=events["date"].map(decimal_year),
        actor=actor,
        period=[BEFORE if date_span(d)[1] < cut else AFTER for d in events["date"]],
    ).reset_index(drop=True)


def events_per_year(events: pd.DataFrame, by: str = "theme") -> pd.DataFrame:
    """Return how many events each year holds, one column per theme (by='theme') or actor (by='actor').

    Every year from the first event's to the last's is a row, empty ones included; every theme or
    actor the schema knows is a column, in its order (NOT_CLASSIFIED last, if any event is).
    """
    if by not in ("theme", "actor"):
        raise ValueError(f"count by 'theme' or 'actor', not {by!r}")
    columns = themes() if by == "theme" else actors()
    if by == "actor" and (events["actor"] == NOT_CLASSIFIED).any():
        columns = [*columns, NOT_CLASSIFIED]
    if events.empty:
        return pd.DataFrame(columns=columns, dtype=int)
    years = range(int(events["year"].min()), int(events["year"].max()) + 1)
    table = pd.crosstab(events["year"], events[by]).reindex(index=years, columns=columns, fill_value=0)
    table.index.name, table.columns.name = "year", by
    return table.astype(int)


def period_years(events: pd.DataFrame, cut: dt.date, first_year: int = FIRST_YEAR) -> tuple[float, float]:
    """Return how many years the two halves last: 1 January of first_year to the day before the cut,
    and the cut to the last day the latest event covers."""
    last = max(date_span(d)[1] for d in events["date"])
    before = (cut - dt.date(first_year, 1, 1)).days / 365.25
    after = ((last - cut).days + 1) / 365.25
    return before, after


def before_and_after(events: pd.DataFrame, cut: dt.date, by: str = "theme") -> pd.DataFrame:
    """Return, for each theme (or actor), the events before and after the cut, and per year of each half.

    The halves are of different lengths (period_years), so the per-year rates, not the counts, are
    what compare. The last row, 'all', adds them up.
    """
    before_years, after_years = period_years(events, cut)
    keys = themes() if by == "theme" else actors()
    halves = pd.crosstab(events[by], events["period"]).reindex(
        index=keys, columns=[BEFORE, AFTER], fill_value=0
    )
    halves.loc["all"] = halves.sum()
    table = pd.DataFrame(
        {
            "before": halves[BEFORE].astype(int),
            "after": halves[AFTER].astype(int),
            "before_per_year": halves[BEFORE] / before_years,
            "after_per_year": halves[AFTER] / after_years,
        }
    )
    table.index.name = by
    return table


# --- choosing events (the explorer) ---------------------------------------------------------------


@dataclass
class RecentSelection:
    """What a filter found: the events (possibly none), a sentence about them, and whether it worked."""

    events: pd.DataFrame
    message: str
    ok: bool


def _chosen(value: object, known: list[str], what: str) -> tuple[list[str] | None, str]:
    """Return the chosen names (None: all), or a message saying what is wrong with the choice."""
    if value is None:
        return list(known), ""
    if isinstance(value, str) or not isinstance(value, Iterable):
        return None, f"Give the {what}s as a list of names, e.g. {known[:2]}."
    wanted = list(value)
    unknown = [str(v) for v in wanted if v not in known]
    if unknown:
        return (
            None,
            f"Unknown {what} {and_list(unknown, quoted=True)}; "
            f"the {what}s are {and_list(known, quoted=True)}.",
        )
    if not wanted:
        return None, f"Tick at least one {what} to see its events."
    return wanted, ""


def filter_recent(
    events: pd.DataFrame,
    chosen_themes: object = None,
    chosen_actors: object = None,
    years: object = None,
    half: object = None,
) -> RecentSelection:
    """Return the events of the chosen themes, by the chosen actors, in a range of years (both ends in).

    half: a key of HALVES ('before the invasion', 'from the invasion on' or 'whole period'). None
    chooses all. A choice that cannot be used comes back with ok False and a sentence that says
    what to do; this function does not raise on a student's choice.
    """
    empty = events.iloc[0:0]
    wanted_themes, problem = _chosen(chosen_themes, themes(), "theme")
    if wanted_themes is None:
        return RecentSelection(empty, problem, False)
    known_actors = actors() + ([NOT_CLASSIFIED] if (events["actor"] == NOT_CLASSIFIED).any() else [])
    wanted_actors, problem = _chosen(chosen_actors, known_actors, "actor")
    if wanted_actors is None:
        return RecentSelection(empty, problem, False)
    if half is None:
        half = WHOLE_PERIOD
    if not isinstance(half, str) or half not in HALVES:
        return RecentSelection(
            empty, f"There is no part {half!r}; choose {and_list(HALVES, quoted=True)}.", False
        )
    first, last = int(events["year"].min()), int(events["year"].max())
    if years is None:
        years = (first, last)
    try:
        if isinstance(years, str | bytes) or any(isinstance(y, bool) for y in years):
            raise TypeError
        low, high = (int(y) for y in years)
    except (TypeError, ValueError):
        return RecentSelection(empty, f"Give the years as two numbers, e.g. ({first}, {last}).", False)
    if low > high:
        low, high = high, low
    mask = events["theme"].isin(wanted_themes) & events["actor"].isin(wanted_actors)
    mask &= events["year"].between(low, high)
    if HALVES[half] is not None:
        mask &= events["period"] == HALVES[half]
    chosen = events[mask]
    span = str(low) if low == high else f"{low}-{high}"
    if chosen.empty:
        message = f"No event in {span} ({half}) matches: tick more themes or actors, or widen the years."
        return RecentSelection(chosen, message, False)
    counts = chosen["period"].value_counts()
    by_actor = chosen["actor"].value_counts()
    who = and_list(f"{by_actor[a]} by {ACTOR_LABELS.get(a, a)}" for a in known_actors if a in by_actor)
    message = (
        f"{len(chosen)} event{'s' if len(chosen) != 1 else ''} in {span}: "
        f"{counts.get(BEFORE, 0)} before the invasion of Ukraine, {counts.get(AFTER, 0)} from it on; {who}."
    )
    return RecentSelection(chosen, message, True)


def event_lines(selection: RecentSelection, limit: int = LIST_LIMIT) -> list[str]:
    """Return one line per chosen event, in date order, at most limit, then how many more there are."""
    if not selection.ok:
        return []
    rows = selection.events
    lines = [
        f"{month_label(r.date)}: {r.event} ({ACTOR_LABELS.get(r.actor, r.actor)}; {r.theme})"
        for r in rows.head(max(limit, 0)).itertuples()
    ]
    more = len(rows) - len(lines)
    if more > 0:
        lines.append(f"... and {more} more: choose fewer years, themes or actors to list them all.")
    return lines


# --- the Diplomatic Bluebook's wording -------------------------------------------------------------


def bluebook_ladder(wording: pd.DataFrame) -> pd.DataFrame:
    """Return one row per edition (year) a source reports on, one column per phrase of PHRASES.

    Each cell is USED, NOT_USED or NOT_REPORTED (no row for that edition and phrase: unknown, not
    absent). Two more columns: rungs (how many phrases the edition is known to use) and reported
    (how many of the three are known either way). Two rows for one edition and phrase must agree.
    """
    years = wording["date"].map(lambda d: _start(d).year)
    ladder = pd.DataFrame(NOT_REPORTED, index=sorted(set(years)), columns=list(PHRASES), dtype=object)
    ladder.index.name = "edition"
    for year, row in zip(years, wording.itertuples(), strict=True):
        if row.phrase not in PHRASES:
            raise DataError(
                "data/bluebook_wording.csv", f"{row.id}: no phrase {row.phrase!r}", column="phrase"
            )
        value = USED if bool(row.used) else NOT_USED
        if ladder.loc[year, row.phrase] not in (NOT_REPORTED, value):
            raise DataError(
                "data/bluebook_wording.csv",
                f"{row.id}: the {year} edition is said both to use and not to use {row.phrase}",
            )
        ladder.loc[year, row.phrase] = value
    ladder["rungs"] = (ladder[list(PHRASES)] == USED).sum(axis=1).astype(int)
    ladder["reported"] = (ladder[list(PHRASES)] != NOT_REPORTED).sum(axis=1).astype(int)
    return ladder


def wording_changes(ladder: pd.DataFrame) -> pd.DataFrame:
    """Return each change of a phrase between editions a source reports on: edition, phrase, change, since.

    change is 'dropped' (used in the edition before, known for that phrase, and not used now) or
    'restored' (not used then, used now). since is that edition before: the change happened at
    some edition after it, up to this one. Editions not reported for a phrase are skipped over.
    """
    rows = []
    for phrase in PHRASES:
        known = list(ladder.loc[ladder[phrase] != NOT_REPORTED, phrase].items())
        for (since, before), (year, now) in zip(known, known[1:], strict=False):
            if before != now:
                change = "restored" if now == USED else "dropped"
                rows.append({"edition": year, "phrase": phrase, "change": change, "since": since})
    table = pd.DataFrame(rows, columns=["edition", "phrase", "change", "since"])
    order = table["phrase"].map(PHRASES.index)
    table = table.assign(order=order).sort_values(["edition", "order"], kind="stable")
    return table.drop(columns="order").reset_index(drop=True)


# --- who governed ------------------------------------------------------------------------------------


def prime_ministers(events: pd.DataFrame) -> pd.DataFrame:
    """Return Japan's prime ministers of the period, in order: name, from, to, days, timeline_id.

    A term begins on the date of its '<name>-takes-office-<year>' row and ends when the next
    begins; the prime minister in office when the period opens is named by the first
    '<name>-resigns-<year>' row before any term begins, and counted from the period's first day.
    The last term runs to the last event of the period ('to' is blank: still in office then).
    """
    terms = [(m["name"], r.start, r.id) for r in events.itertuples() if (m := TERM.match(r.id))]
    ends = [(m["name"], r.start, r.id) for r in events.itertuples() if (m := END_OF_TERM.match(r.id))]
    first_term = terms[0][1] if terms else None
    opening = [e for e in ends if first_term is None or e[1] < first_term]
    if opening:
        terms.insert(0, (opening[0][0], dt.date(int(events["year"].min()), 1, 1), opening[0][2]))
    last_day = max(date_span(d)[1] for d in events["date"])
    rows = []
    for n, (name, begins, row_id) in enumerate(terms):
        ends_on = terms[n + 1][1] if n + 1 < len(terms) else None
        rows.append(
            {
                "name": name.capitalize(),
                "from": begins,
                "to": ends_on,
                "days": ((ends_on or last_day) - begins).days,
                "timeline_id": row_id,
            }
        )
    return pd.DataFrame(rows, columns=["name", "from", "to", "days", "timeline_id"])
