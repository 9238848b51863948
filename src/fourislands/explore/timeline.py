"""Lesson 01 explorers: the timeline filtered by era, theme and source; the map of border lines.

The filtering is done by plain functions on plain values in model/history.py (filter_events,
event_lines, layer_choice), which return results with a message in words and never raise on a
student's choice. The explorers (see explore/explorer.py) only read the controls, call those
functions and return what they found as a View.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets
import pandas as pd

from ..charts.history import MAP_SIZE, TIMELINE_EXPLORER_SIZE, border_map, timeline_chart
from ..data import load
from ..model.history import (
    ALL_ERAS,
    LIST_LIMIT,
    ORIGINS,
    Selection,
    border_lines,
    eras,
    event_lines,
    filter_events,
    layer_choice,
    themes,
)
from .explorer import Explorer, View, group_heading


def _toggles(options: list[str], value: str, tooltips: list[str]) -> widgets.ToggleButtons:
    """Return toggle buttons sized to their words, which wrap within the column."""
    return widgets.ToggleButtons(
        options=options, value=value, tooltips=tooltips, style={"button_width": "auto"}
    )


class TimelineExplorer(Explorer):
    """Era buttons, theme boxes and source buttons beside a timeline chart; the events listed under it."""

    title = "Timeline explorer: the events of an era, by theme and source"

    def __init__(self, timeline: pd.DataFrame | None = None, era: str = ALL_ERAS) -> None:
        self.timeline = load("timeline") if timeline is None else timeline
        known = eras(self.timeline)
        labels = [e.label for e in known]
        self.era = _toggles(labels, era if era in labels else ALL_ERAS, [e.about for e in known])
        self.theme_boxes = {
            t: widgets.Checkbox(value=True, description=t, indent=False, layout={"width": "auto"})
            for t in themes()
        }
        self.origin = _toggles(
            list(ORIGINS),
            "all sources",
            ["every event", "only events a reading reports", "only outside sources"],
        )
        theme_row = widgets.HBox(list(self.theme_boxes.values()), layout={"flex_flow": "row wrap"})
        super().__init__(
            [
                group_heading("Era"),
                self.era,
                group_heading("Themes"),
                theme_row,
                group_heading("Sources"),
                self.origin,
            ]
        )
        self.watch(self.era, self.origin, *self.theme_boxes.values())
        self.refresh()

    def selection(self) -> Selection:
        """Return the events the controls choose."""
        chosen = [t for t, box in self.theme_boxes.items() if box.value]
        return filter_events(self.timeline, self.era.value, chosen, self.origin.value)

    def view(self) -> View:
        chosen = self.selection()
        if not chosen.ok:
            return View(problem=chosen.message)
        era = "all eras" if self.era.value == ALL_ERAS else self.era.value
        title = f"Timeline: {era}, {len(chosen.events)} events"
        numbered = len(chosen.events) <= LIST_LIMIT  # then the list below names every number
        ax = timeline_chart(
            chosen.events,
            ax=self.kept_axes(TIMELINE_EXPLORER_SIZE),
            title=title,
            full=self.timeline,
            numbered=numbered,
        )
        summary = event_list(chosen.message, event_lines(chosen), len(chosen.events), numbered)
        return View(summary=summary, figures=(self.show(ax),))


def event_list(message: str, lines: list[str], count: int, numbered: bool) -> str:
    """Return the HTML under a chart of count events: the message, then the lines, earliest first.

    Past LIST_LIMIT events the last line says how many more there are. The list is the key to the
    chart's numbers (numbered: the chart numbers its marks), needed at every change, so it sits
    under the chart. An event may name an amount in dollars: MathJax must not read two of them as
    LaTeX.
    """
    lines = list(lines)
    more = lines.pop() if count > LIST_LIMIT else ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    heading = "The events, earliest first" + (" (numbered as on the chart)" if numbered else "")
    return (
        '<div class="mathjax_ignore tex2jax_ignore">'
        f'<p role="status">{html.escape(message)}</p>'
        f"<p><strong>{heading}</strong></p><ol>{items}</ol>"
        + (f"<p>{html.escape(more)}</p>" if more else "")
        + "</div>"
    )


def timeline_explorer(timeline: pd.DataFrame | None = None, era: str = ALL_ERAS) -> TimelineExplorer:
    """Return the timeline explorer widget (the timeline table, filtered by era, theme, source)."""
    return TimelineExplorer(timeline, era)


class BorderExplorer(Explorer):
    """One checkbox per border line (1855, 1875, 1905, 1945) beside the map of the region."""

    title = "Border lines: tick a year to draw its line on the map"

    def __init__(self, timeline: pd.DataFrame | None = None, layers: Iterable[str] | None = None):
        self.timeline = load("timeline") if timeline is None else timeline
        lines = border_lines(self.timeline)
        start = set(lines["layer"]) if layers is None else {str(x) for x in layers}
        self.boxes = {
            row.layer: widgets.Checkbox(
                value=row.layer in start,
                description=row.label,
                indent=False,
                layout={"width": "auto"},
            )
            for row in lines.itertuples()
        }
        super().__init__([group_heading("Border lines"), *self.boxes.values()])
        self.layers: list[str] = []  # the lines last drawn
        self.watch(*self.boxes.values())
        self.refresh()

    def view(self) -> View:
        chosen, sentence = layer_choice({layer: box.value for layer, box in self.boxes.items()}, self.boxes)
        self.layers = chosen
        summary = f'<p role="status">{html.escape(sentence)}</p>'
        ax = border_map(self.timeline, chosen, ax=self.kept_axes(MAP_SIZE))
        return View(summary=summary, figures=(self.show(ax),))


def border_explorer(
    timeline: pd.DataFrame | None = None, layers: Iterable[str] | None = None
) -> BorderExplorer:
    """Return the map with a checkbox for each border line; layers: the years ticked at first."""
    return BorderExplorer(timeline, layers)
