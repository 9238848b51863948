"""Survey explorer (lesson 05): pick an NHK table, groups and years; see a chart and the numbers.

The logic is plain functions on plain values: `select` checks a choice and returns the rows of
data/nhk_survey.csv it picks (with a sentence in words, never an exception on a student's
choice), `numbers` turns a selection into a small wide table with the change in percentage
points, and `chart` draws the chart that fits the selection. `survey_explorer()` is the thin
explorer over them (explorer.py): toggle buttons for the question and the chart, check boxes for
the groups, the years and for leaving out 'No answer'; the numbers folded under the chart.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field

import ipywidgets as widgets
import pandas as pd
from matplotlib.axes import Axes

from ..charts.survey import (
    GROUP_NAMES,
    GROUPS,
    NO_ANSWER,
    YEARS,
    answer_order,
    change_bars,
    question_ids,
    question_rows,
    question_text,
    signed,
    survey_bars,
    survey_slopes,
    table_number,
    without_no_answer,
)
from ..data import load
from ..figures import show
from ..words import and_list
from .explorer import Explorer, View

CHARTS = {
    "bars": "Bars: each answer, group and year",
    "slopes": "Slopes: 1991 to 2015",
    "change": "Change in points",
}
NEEDS_BOTH_YEARS = ("slopes", "change")
KIND_BUTTON_WIDTH = "calc(100% - 8px)"  # ipywidgets gives each toggle button 2 px margins and a border
NUMBERS_TITLE = "The numbers: percent of each group, change in percentage points"


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


def chart(selection: Selection, kind: str = "bars") -> tuple[Axes | None, str]:
    """Return the chart for a selection and a sentence about it (None and a reason if none fits).

    Slopes and the change in points need both years; with one year the bars are drawn instead,
    and the sentence says so.
    """
    if not selection.ok:
        return None, selection.message
    if kind not in CHARTS:
        return None, f"There is no chart {kind!r}. Choose one of {and_list(repr(k) for k in CHARTS)}."
    note = ""
    if kind in NEEDS_BOTH_YEARS and len(selection.years) < 2:
        note = (
            f"A {kind} chart compares 1991 with 2015: tick both years. Showing bars for {selection.years[0]}."
        )
        kind = "bars"
    common = {"groups": selection.groups, "drop_no_answer": selection.drop_no_answer}
    if kind == "bars":
        ax = survey_bars(selection.printed, selection.question_id, years=selection.years, **common)
    elif kind == "slopes":
        ax = survey_slopes(selection.printed, selection.question_id, **common)
    else:
        ax = change_bars(selection.printed, selection.question_id, **common)
    return ax, note


def numbers_html(table: pd.DataFrame) -> str:
    """Return the numbers table as a small HTML table (percent with one decimal, signed changes)."""
    if table.empty:
        return ""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = []
    for answer, row in table.iterrows():
        cells = []
        for column, value in row.items():
            text = "" if pd.isna(value) else (signed(value) if "change" in column else f"{value:.1f}")
            cells.append(f'<td style="text-align: right; padding: 2px 8px;">{text}</td>')
        body.append(f"<tr><th style='text-align: left;'>{html.escape(str(answer))}</th>{''.join(cells)}</tr>")
    return (
        '<table class="fi-survey-numbers" style="border-collapse: collapse; font-size: 90%;">'
        f"<caption style='text-align: left;'>Percent of each group; changes in percentage points"
        f"</caption><tr><th>answer</th>{head}</tr>{''.join(body)}</table>"
    )


class SurveyExplorer(Explorer):
    """Question buttons, group and year boxes, chart buttons; a chart, its sentence, the numbers."""

    title = "Survey explorer: what former residents and their descendants answered, 1991 and 2015"

    def __init__(
        self,
        survey: pd.DataFrame | None = None,
        question_id: str = "T1",
        groups: Iterable[str] = ("former_residents", "descendants"),
        kind: str = "bars",
    ) -> None:
        self.survey = load("nhk_survey") if survey is None else survey
        known = question_ids(self.survey)
        self.question = widgets.ToggleButtons(
            options=known,
            value=question_id if question_id in known else known[0],
            tooltips=[question_text(self.survey, q) for q in known],
            description="Question",
            style={"button_width": "auto"},
            layout={"width": "100%"},
        )
        self.question_words = widgets.HTML()
        start = set(groups) if not isinstance(groups, str) else {groups}
        self.group_boxes = {
            g: widgets.Checkbox(
                value=g in start, description=GROUP_NAMES[g], indent=False, layout={"width": "auto"}
            )
            for g in GROUPS
        }
        self.year_boxes = {
            y: widgets.Checkbox(value=True, description=str(y), indent=False, layout={"width": "auto"})
            for y in YEARS
        }
        self.drop_no_answer = widgets.Checkbox(
            value=False,
            description="Leave out 'No answer' (shares among those who answered)",
            indent=False,
            layout={"width": "auto"},
        )
        # The chart names are long: one button a line, each as wide as the column less its margins.
        self.kind = widgets.ToggleButtons(
            options=[(label, key) for key, label in CHARTS.items()],
            value=kind if kind in CHARTS else "bars",
            description="Chart",
            style={"button_width": KIND_BUTTON_WIDTH},
            layout={"width": "100%"},
        )
        self.table = widgets.HTML()  # the numbers, under the chart: up to ten columns wide
        controls = [
            self.question,
            self.question_words,
            widgets.HTML("<strong>Groups</strong>"),
            *self.group_boxes.values(),
            widgets.HTML("<strong>Years</strong>"),
            widgets.HBox(list(self.year_boxes.values()), layout={"flex_flow": "row wrap"}),
            self.drop_no_answer,
            self.kind,
        ]
        super().__init__(controls, notes={NUMBERS_TITLE: self.table})
        # Open: the table is short, and the lesson's tasks (and the room) read their numbers from it.
        self.notes.selected_index = 0
        self.last_selection: Selection | None = None
        self.last_numbers = pd.DataFrame()
        self.watch(
            self.question,
            self.kind,
            self.drop_no_answer,
            *self.group_boxes.values(),
            *self.year_boxes.values(),
        )
        self.refresh()

    def selection(self) -> Selection:
        """Return the selection the controls make."""
        return select(
            self.survey,
            self.question.value,
            [g for g, box in self.group_boxes.items() if box.value],
            [y for y, box in self.year_boxes.items() if box.value],
            self.drop_no_answer.value,
        )

    def view(self) -> View:
        """Select, then return the chart and its sentence; the numbers go in their folded note."""
        self.question_words.value = (
            f"<p><em>{html.escape(table_number(self.question.value))}:</em> "
            f"{html.escape(question_text(self.survey, self.question.value))}</p>"
        )
        self.last_selection = chosen = self.selection()
        self.last_numbers = numbers(chosen)  # empty for a selection that is not ok
        self.table.value = numbers_html(self.last_numbers)
        if not chosen.ok:
            return View(problem=chosen.message)
        ax, note = chart(chosen, self.kind.value)
        if ax is None:  # a chart the buttons do not offer
            return View(problem=note)
        summary = f"<p>{html.escape(chosen.message)}</p>"
        if note:
            summary += f"<p><strong>Note:</strong> {html.escape(note)}</p>"
        return View(summary=summary, figures=(show(ax),))


def survey_explorer(
    question_id: str = "T1",
    groups: Iterable[str] = ("former_residents", "descendants"),
    kind: str = "bars",
) -> SurveyExplorer:
    """Return the survey explorer: an NHK table, chosen groups and years, a chart and the numbers."""
    return SurveyExplorer(None, question_id, groups, kind)
