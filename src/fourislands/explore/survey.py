"""Survey explorer (lesson 05): pick an NHK table, groups and years; see a chart and the numbers.

The logic is in model/survey.py: `select` checks a choice and returns the rows it picks (with a
sentence in words, never an exception on a student's choice), `numbers` turns a selection into a
small wide table. Here `chart` draws the chart that fits the selection (charts/survey.py),
`numbers_html` shows the table, and `survey_explorer()` is the thin explorer over them
(explorer.py): toggle buttons for the question and the chart, check boxes for the groups, the
years and for leaving out 'No answer'; the numbers folded under the chart.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets
import pandas as pd
from matplotlib.axes import Axes

from ..charts.survey import change_bars, survey_bars, survey_slopes
from ..data import load
from ..figures import EXPLORER_WIDTH
from ..model.survey import (
    GROUP_NAMES,
    GROUPS,
    YEARS,
    Selection,
    numbers,
    question_ids,
    question_text,
    select,
    signed,
    table_number,
)
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
# The charts as wide as the figure column, and short enough that, with the source line under them,
# a projector app shows them whole at its DPI (figures.PROJECTOR_HEIGHT).
CHART_SIZE = (EXPLORER_WIDTH, 3.1)


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
    common = {"groups": selection.groups, "drop_no_answer": selection.drop_no_answer, "size": CHART_SIZE}
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
        projector: bool = False,
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
        super().__init__(controls, notes={NUMBERS_TITLE: self.table}, projector=projector)
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
        return View(summary=summary, figures=(self.show(ax),))


def survey_explorer(
    question_id: str = "T1",
    groups: Iterable[str] = ("former_residents", "descendants"),
    kind: str = "bars",
    projector: bool = False,
) -> SurveyExplorer:
    """Return the survey explorer: an NHK table, chosen groups and years, a chart and the numbers."""
    return SurveyExplorer(None, question_id, groups, kind, projector)
