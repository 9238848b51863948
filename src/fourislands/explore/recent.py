"""Explorer for lesson 06: the events of 2018-2026, chosen by part of the period, years, who acted and theme.

The choosing is done by model/recent.py (`filter_recent`, `event_lines`), which returns the events
with a sentence in words and never raises on a student's choice; the chart is
charts/recent.py's lanes. The explorer only reads the controls and shows what they choose.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..charts.recent import SWIMLANE_EXPLORER_SIZE, period_swimlanes
from ..data import load
from ..model.history import month_label, themes
from ..model.recent import (
    ACTOR_LABELS,
    HALVES,
    LIST_LIMIT,
    WHOLE_PERIOD,
    RecentSelection,
    actors,
    event_lines,
    filter_recent,
    recent_events,
    rupture_date,
)
from .explorer import Explorer, View, group_heading
from .timeline import event_list

ABOUT = (
    "<p>Every mark is one row of the course's <code>timeline</code> table dated 2018 or later, with "
    "its source and a verbatim quote. The timeline holds the events the course chose to record: a "
    "count of marks says how much the course records of a kind, not how much happened.</p>"
    "<p><strong>Who acted</strong> is the course's reading of each row (the table "
    "<code>recent_actors</code>): <em>Japan</em> or <em>Russia</em> when one government, its leader "
    "or officials made the move (Russia's joint patrols with China count as Russia's); <em>both "
    "sides</em> for summits, agreements, mutual expulsions and the fishing associations' deals; "
    "<em>others</em> for polls, analysts, a third country and the killing of Abe. Read a row's own "
    "words before you lean on its class.</p>"
)


def _box(description: str) -> widgets.Checkbox:
    return widgets.Checkbox(value=True, description=description, indent=False, layout={"width": "auto"})


class RecentExplorer(Explorer):
    """Part-of-period buttons, a year range, actor and theme boxes beside the lanes; the events under them."""

    title = "Since 2018: the events by who acted, theme and year"

    def __init__(self, timeline: pd.DataFrame | None = None, who: pd.DataFrame | None = None) -> None:
        timeline = load("timeline") if timeline is None else timeline
        who = load("recent_actors") if who is None else who
        self.cut = rupture_date(timeline)
        self.events = recent_events(timeline, who)
        first, last = int(self.events["year"].min()), int(self.events["year"].max())
        self.half = widgets.ToggleButtons(
            options=list(HALVES),
            value=WHOLE_PERIOD,
            tooltips=[
                "every event from January 2018",
                f"events before {month_label(self.cut.isoformat())}",
                f"events from {month_label(self.cut.isoformat())} on",
            ],
            style={"button_width": "auto"},
            layout={"width": "100%"},
        )
        self.years = widgets.IntRangeSlider(
            value=(first, last),
            min=first,
            max=last,
            step=1,
            description="Years",
            continuous_update=False,
            style={"description_width": "initial"},
            layout={"width": "95%"},
        )
        self.actor_boxes = {a: _box(ACTOR_LABELS[a]) for a in actors()}
        self.theme_boxes = {t: _box(t) for t in themes()}
        row = {"flex_flow": "row wrap"}
        super().__init__(
            [
                group_heading("Part of the period"),
                self.half,
                self.years,
                group_heading("Who acted"),
                widgets.HBox(list(self.actor_boxes.values()), layout=row),
                group_heading("Themes"),
                widgets.HBox(list(self.theme_boxes.values()), layout=row),
            ],
            notes={"Where the events come from, and who 'acted'": widgets.HTML(ABOUT)},
        )
        self.last_selection: RecentSelection | None = None
        self.watch(self.half, self.years, *self.actor_boxes.values(), *self.theme_boxes.values())
        self.refresh()

    def selection(self) -> RecentSelection:
        """Return the events the controls choose."""
        return filter_recent(
            self.events,
            [t for t, box in self.theme_boxes.items() if box.value],
            [a for a, box in self.actor_boxes.items() if box.value],
            self.years.value,
            self.half.value,
        )

    def view(self) -> View:
        chosen = self.selection()
        self.last_selection = chosen
        if not chosen.ok:
            return View(problem=chosen.message)
        low, high = self.years.value
        span = str(low) if low == high else f"{low}-{high}"
        part = "" if self.half.value == WHOLE_PERIOD else f", {self.half.value}"
        numbered = len(chosen.events) <= LIST_LIMIT  # then the list below names every number
        ax = period_swimlanes(
            chosen.events,
            ax=self.kept_axes(SWIMLANE_EXPLORER_SIZE),
            cut=self.cut,
            title=f"{span}{part}: {len(chosen.events)} events",
            numbered=numbered,
            years=(low, high),
            size=SWIMLANE_EXPLORER_SIZE,
        )
        summary = event_list(chosen.message, event_lines(chosen), len(chosen.events), numbered)
        return View(summary=summary, figures=(self.show(ax),))


def recent_explorer(timeline: pd.DataFrame | None = None, who: pd.DataFrame | None = None) -> RecentExplorer:
    """Return the explorer of the events since 2018 (the timeline and recent_actors tables)."""
    return RecentExplorer(timeline, who)
