"""Lesson 05 logic: the NHK survey tables (1991 vs 2015), the change between them, and the polls' shares.

Plain functions on plain values: data access on data/nhk_survey.csv (`question_rows`,
`question_text`), the arithmetic of the lesson (`change_table`, `without_no_answer`,
`point_and_relative_change`, `implied_share_of_group`), the reading of a poll's printed figure
(`printed_share`), and the explorer's choice checked in words (`select`, `numbers`). The charts
(charts/survey.py) and the survey explorer (explore/survey.py) use them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from numbers import Real

import pandas as pd

from ..dates import date_span, year_of
from ..errors import DataError
from ..words import and_list

GROUPS = ("former_residents", "descendants", "total")
GROUP_NAMES = {
    "former_residents": "Former residents",
    "descendants": "Descendants",
    "total": "Total (both groups)",
}
YEARS = (1991, 2015)
NO_ANSWER = "No answer"
# Fractions written out in words, as a reading may print them ("about two third").
WORD_FRACTIONS = {
    "half": 50.0,
    "one third": 100 / 3,
    "two third": 200 / 3,
    "one quarter": 25.0,
    "three quarter": 75.0,
}


# --- the data -------------------------------------------------------------------------------------


def question_ids(survey: pd.DataFrame) -> list[str]:
    """Return the question ids (T1-T4) in the order of the table."""
    return list(dict.fromkeys(survey["question_id"]))


def question_text(survey: pd.DataFrame, question_id: str) -> str:
    """Return the question as printed in the table caption."""
    rows = survey[survey["question_id"] == question_id]
    if rows.empty:
        raise DataError(
            "data/nhk_survey.csv", f"no question {question_id!r}; the questions are {question_ids(survey)}"
        )
    return str(rows["question"].iloc[0])


def table_number(question_id: str) -> str:
    """Return 'Table 1' for 'T1'."""
    return f"Table {str(question_id).lstrip('T')}"


def _checked_choice(values: Iterable | None, known: Sequence, what: str) -> list:
    if values is None:
        return list(known)
    values = [values] if isinstance(values, str | int) else list(values)
    unknown = [v for v in values if v not in known]
    if unknown:
        raise DataError("data/nhk_survey.csv", f"no {what} {unknown}; the {what}s are {list(known)}")
    return [k for k in known if k in values]  # in the table's order, without repeats


def question_rows(
    survey: pd.DataFrame,
    question_id: str,
    groups: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Return the rows of one question for the chosen groups and years, in the table's order."""
    question_text(survey, question_id)  # raises for an unknown question
    groups = _checked_choice(groups, GROUPS, "group")
    years = _checked_choice(years, YEARS, "year")
    mask = (survey["question_id"] == question_id) & survey["group"].isin(groups) & survey["year"].isin(years)
    return survey[mask].reset_index(drop=True)


def answer_order(rows: pd.DataFrame) -> list[str]:
    """Return the answers in the order the table prints them."""
    return list(dict.fromkeys(rows["answer"]))


# --- the arithmetic -------------------------------------------------------------------------------


def without_no_answer(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the rows without 'No answer', each share recomputed among those who answered.

    Within each question, group and year, the remaining shares are divided by their sum and
    multiplied by 100, so they add up to 100 and keep their ratios to each other. The printed
    share is kept in a column `printed_percent`.
    """
    kept = rows[rows["answer"] != NO_ANSWER].copy()
    kept["printed_percent"] = kept["percent"]
    sums = kept.groupby(["question_id", "group", "year"])["percent"].transform("sum")
    kept["percent"] = (kept["percent"] / sums * 100).astype("Float64")
    return kept.reset_index(drop=True)


def change_table(
    survey: pd.DataFrame,
    question_id: str,
    groups: Iterable[str] | None = None,
    drop_no_answer: bool = False,
) -> pd.DataFrame:
    """Return one row per answer and group: the 1991 and 2015 shares and the change.

    `change_points` is 2015 minus 1991, in percentage points; `relative_percent` is that change as
    a percentage of the 1991 share (empty where the 1991 share is 0).
    """
    rows = question_rows(survey, question_id, groups)
    if drop_no_answer:
        rows = without_no_answer(rows)
    wide = rows.pivot_table(index=["answer", "group"], columns="year", values="percent", sort=False)
    wide = wide.reset_index().rename(columns={1991: "percent_1991", 2015: "percent_2015"})
    wide.columns.name = None
    wide["change_points"] = wide["percent_2015"] - wide["percent_1991"]
    before = wide["percent_1991"].where(wide["percent_1991"] != 0)
    wide["relative_percent"] = wide["change_points"] / before * 100
    order = {a: n for n, a in enumerate(answer_order(rows))}
    wide["_a"] = wide["answer"].map(order)
    wide["_g"] = wide["group"].map({g: n for n, g in enumerate(GROUPS)})
    wide = wide.sort_values(["_a", "_g"]).drop(columns=["_a", "_g"]).reset_index(drop=True)
    for column in ("percent_1991", "percent_2015", "change_points", "relative_percent"):
        wide[column] = wide[column].astype(float)
    return wide


def change_table_from_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the 1991 and 2015 shares and the change in points, for rows already selected.

    Like `change_table` without `relative_percent` and the sorting; an answer and group that lack
    one of the years are left out.
    """
    wide = rows.pivot_table(index=["answer", "group"], columns="year", values="percent", sort=False)
    wide = wide.dropna().reset_index().rename(columns={1991: "percent_1991", 2015: "percent_2015"})
    wide.columns.name = None
    wide["percent_1991"] = wide["percent_1991"].astype(float)
    wide["percent_2015"] = wide["percent_2015"].astype(float)
    wide["change_points"] = wide["percent_2015"] - wide["percent_1991"]
    return wide


def _finite(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"The {name} share must be a number from 0 to 100, not {value!r}.")
    value = float(value)
    if not 0 <= value <= 100:
        raise ValueError(f"The {name} share must lie between 0 and 100; {value:g} does not.")
    return value


def point_and_relative_change(before, after) -> tuple[float, float]:
    """Return (change in percentage points, change in percent of the first share).

    `point_and_relative_change(90, 78)` is (-12.0, -13.33...): a fall of 12 points, which is
    13.3% of the 90 there were. Raises ValueError, in words, for shares outside 0-100 and for a
    relative change from 0.
    """
    before, after = _finite(before, "first"), _finite(after, "second")
    if before == 0:
        raise ValueError("A relative change from a share of 0 is not defined: give the change in points.")
    points = after - before
    return points, points / before * 100


def implied_share_of_group(total: float, former: float, descendants: float) -> float:
    """Return the share of former residents among respondents implied by a Total row.

    If the Total is a weighted average, total = w * former + (1 - w) * descendants, so
    w = (total - descendants) / (former - descendants). Raises ValueError when the two groups gave
    the same share (then any mix gives that Total).
    """
    total, former, descendants = (
        _finite(v, n) for v, n in ((total, "total"), (former, "former"), (descendants, "descendants"))
    )
    if former == descendants:
        raise ValueError("The two groups gave the same share, so the Total cannot tell how they were mixed.")
    return (total - descendants) / (former - descendants)


# --- the wording ----------------------------------------------------------------------------------


def signed(value: float) -> str:
    """Return a change in points with its sign and one decimal: '+2.9', '\u221213.9', '0.0'."""
    shown = round(float(value), 1)
    return "0.0" if shown == 0 else f"{shown:+.1f}".replace("-", "\u2212")


def printed_share(percent, value_as_printed: str) -> tuple[float | None, str]:
    """Return (share to draw, kind) for a poll row: kind 'exact', 'lower bound' or 'approximate'.

    A printed percent is exact unless the printed value says 'more than' (a lower bound); a
    fraction in words ('about two third') is drawn at its value and marked approximate. Returns
    (None, 'not printed') when the reading gives no figure that can be drawn.
    """
    printed = str(value_as_printed or "").lower()
    if percent is not None and not pd.isna(percent):
        kind = "lower bound" if re.search(r"more than|over|at least", printed) else "exact"
        return float(percent), kind
    for words, value in WORD_FRACTIONS.items():
        if words in printed:
            return value, "approximate"
    return None, "not printed"


# --- the explorer's choice ------------------------------------------------------------------------


@dataclass
class Selection:
    """What a choice picked: the rows (possibly none), a sentence about them, and whether it worked."""

    ok: bool
    message: str
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    printed: pd.DataFrame = field(default_factory=pd.DataFrame)
    question_id: str = ""
    groups: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    drop_no_answer: bool = False


def _as_list(value, what: str) -> tuple[list | None, str]:
    """Return a choice as a list, or None and a message when it is not a list of choices."""
    if value is None:
        return None, f"Choose at least one {what}."
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [value], ""
    try:
        return list(value), ""
    except TypeError:
        return (
            None,
            f"Give the {what}s as a list, e.g. {list(GROUPS[:2]) if what == 'group' else list(YEARS)}.",
        )


def select(
    survey: pd.DataFrame,
    question_id: object,
    groups: object = ("former_residents", "descendants"),
    years: object = YEARS,
    drop_no_answer: bool = False,
) -> Selection:
    """Return the rows of one NHK question for the chosen groups and years.

    question_id: 'T1' to 'T4'. groups: any of 'former_residents', 'descendants', 'total'. years:
    any of 1991 and 2015. With drop_no_answer, the 'No answer' rows are left out and the other
    shares recomputed among those who answered. A choice that cannot be used comes back with ok
    False and a message that says what to do; this function does not raise on bad choices.
    """
    known_questions = question_ids(survey)
    if not isinstance(question_id, str) or question_id not in known_questions:
        return Selection(
            False, f"There is no question {question_id!r}. Choose one of {and_list(known_questions)}."
        )
    chosen_groups, problem = _as_list(groups, "group")
    if chosen_groups is None:
        return Selection(False, problem, question_id=question_id)
    unknown = [g for g in chosen_groups if g not in GROUPS]
    if unknown:
        return Selection(
            False,
            f"There is no group {and_list(repr(u) for u in unknown)}; the groups are {and_list(GROUPS)}.",
            question_id=question_id,
        )
    if not chosen_groups:
        return Selection(False, "Tick at least one group to see its answers.", question_id=question_id)
    chosen_years, problem = _as_list(years, "year")
    if chosen_years is None:
        return Selection(False, problem, question_id=question_id)
    bad_years = [y for y in chosen_years if isinstance(y, bool) or y not in YEARS]
    if bad_years:
        return Selection(
            False,
            f"The survey was taken in {and_list(YEARS)} only, not in {and_list(repr(y) for y in bad_years)}.",
            question_id=question_id,
        )
    if not chosen_years:
        return Selection(False, "Tick at least one year to see its answers.", question_id=question_id)
    printed = question_rows(survey, question_id, chosen_groups, chosen_years)
    rows = without_no_answer(printed) if drop_no_answer else printed
    groups_t = tuple(g for g in GROUPS if g in chosen_groups)
    years_t = tuple(y for y in YEARS if y in chosen_years)
    who = and_list(GROUP_NAMES[g].lower() for g in groups_t)
    when = and_list(years_t)
    message = f"{table_number(question_id)}, '{question_text(survey, question_id)}': {who}, {when}."
    if drop_no_answer:
        message += (
            f" '{NO_ANSWER}' is left out and each share recomputed among those who answered, so each "
            "group's shares add up to 100 in each year."
        )
    if "total" in groups_t:
        message += " The Total mixes the two groups, weighted by how many of each answered (not printed)."
    return Selection(True, message, rows, printed, question_id, groups_t, years_t, bool(drop_no_answer))


def numbers(selection: Selection) -> pd.DataFrame:
    """Return the selection as a small table: one row per answer, one column per group and year.

    With both years chosen, each group also gets a column with the change from 1991 to 2015 in
    percentage points. Shares are rounded to one decimal, as printed, and the change is taken
    between the rounded shares. An unusable selection gives an empty table.
    """
    if not selection.ok or selection.rows.empty:
        return pd.DataFrame()
    rows = selection.rows
    values = rows.set_index(["answer", "group", "year"])["percent"].astype(float)
    table = pd.DataFrame(index=pd.Index(answer_order(rows), name="answer"))
    for group in selection.groups:
        for year in selection.years:
            shares = [values.get((a, group, year)) for a in table.index]
            table[f"{GROUP_NAMES[group]} {year}"] = pd.Series(shares, index=table.index, dtype=float).round(1)
        if len(selection.years) == 2:
            first, last = (f"{GROUP_NAMES[group]} {y}" for y in YEARS)
            # From the rounded shares, so that the table's own columns add up.
            table[f"{GROUP_NAMES[group]} change (points)"] = (table[last] - table[first]).round(1)
    return table.astype(float) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0


# --- voices behind the numbers (data/voices.csv) ---------------------------------------------------

# The groups in the order the lesson shows them, each with its heading. population holds counts of
# people, not voices: the cards show it as a small table first.
VOICE_GROUPS = (
    ("population", "How many people, then and now"),
    ("islander", "Russian islanders"),
    ("former_resident", "Japanese former residents and their League"),
    ("ainu", "The Ainu, and who speaks for the islands' first inhabitants"),
    ("russian_scholar", "Russian scholars"),
    ("japanese_scholar", "Japanese scholars"),
)
VOICE_COLUMNS = (
    "id",
    "group",
    "who",
    "role",
    "country",
    "date",
    "precision",
    "quote",
    "language",
    "quote_gloss",
    "summary",
    "counted",
    "people",
    "source_id",
)


def _voices_checked(voices: pd.DataFrame) -> pd.DataFrame:
    """Return the voices in date order (by the first day each date covers; ties keep their order),
    or raise a DataError that names what is missing or unknown."""
    missing = [c for c in VOICE_COLUMNS if c not in voices.columns]
    if missing:
        raise DataError("data/voices.csv", f"the rows lack the columns {and_list(missing, quoted=True)}")
    known = [key for key, _ in VOICE_GROUPS]
    unknown = sorted(set(voices["group"].dropna()) - set(known))
    if unknown:
        raise DataError(
            "data/voices.csv",
            f"no group {and_list(repr(u) for u in unknown)}; the groups are {and_list(known)}",
            column="group",
        )
    unglossed = voices[(voices["language"] != "en") & voices["quote_gloss"].isna()]
    if not unglossed.empty:
        raise DataError(
            "data/voices.csv",
            f"{and_list(unglossed['id'])}: a quote that is not in English needs the course's translation "
            "in quote_gloss",
            column="quote_gloss",
        )
    return voices.loc[voices["date"].map(lambda d: date_span(d)[0]).sort_values(kind="stable").index]


def voice_groups(voices: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Return the voices (not the population counts) group by group, in the order of VOICE_GROUPS:
    (group, heading, rows in date order) for each group that has a row. The heading names the years
    its voices span: 'Russian islanders, 1999-2019'."""
    ordered = _voices_checked(voices)
    groups = []
    for key, label in VOICE_GROUPS:
        rows = ordered[ordered["group"] == key]
        if key == "population" or rows.empty:
            continue
        first, last = year_of(rows["date"].iloc[0]), max(year_of(d) for d in rows["date"])
        years = str(first) if first == last else f"{first}-{last}"
        groups.append((key, f"{label}, {years}", rows))
    return groups


@dataclass(frozen=True)
class Population:
    """The counts of people among the voices: the Japanese of 1945, the former residents still alive
    (in date order), today's islanders in the two Russian districts and their total, which adds
    counts of different dates and so is given to the nearest hundred."""

    in_1945: pd.DataFrame
    alive: pd.DataFrame
    islanders: pd.DataFrame
    islanders_total: int
    islanders_about: int


def population(voices: pd.DataFrame) -> Population:
    """Return the population rows of the voices, sorted into what they count."""
    rows = _voices_checked(voices)
    rows = rows[rows["group"] == "population"]
    lacking = rows[rows["counted"].isna() | rows["people"].isna()]
    if not lacking.empty:
        raise DataError(
            "data/voices.csv",
            f"{and_list(lacking['id'])}: a population row needs what it counts (counted) and how many "
            "(people)",
        )
    islanders = rows[rows["counted"] == "islanders_today"]
    total = int(islanders["people"].sum())
    return Population(
        in_1945=rows[rows["counted"] == "japanese_1945"],
        alive=rows[rows["counted"] == "former_residents_alive"],
        islanders=islanders,
        islanders_total=total,
        islanders_about=int(round(total, -2)),
    )
