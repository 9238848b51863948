"""Lesson 01 explorers: the timeline filtered by era, theme and source; the map of border lines.

The filtering is done by plain functions on plain values (filter_events, event_lines,
layer_choice), which return results with a message in words and never raise on a student's
choice. The explorers (see explore/explorer.py) only read the controls, call those functions and
return what they found as a View.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import ipywidgets as widgets
import pandas as pd

from ..charts.history import (
    after_readings,
    border_lines,
    border_map,
    chronological,
    month_label,
    readings_end,
    themes,
    timeline_chart,
)
from ..data import load
from ..dates import date_span
from ..figures import show
from ..words import and_list
from .explorer import Explorer, View

ALL_ERAS = "All"
# What the student picks -> the origin value in the timeline table (None: both).
ORIGINS = {"all sources": None, "readings": "reading", "outside sources": "outside"}
LIST_LIMIT = 12


@dataclass(frozen=True)
class Era:
    """A stretch of time the explorer can show: events that begin between first and last."""

    label: str
    first: dt.date | None
    last: dt.date | None
    about: str

    def holds(self, date: str) -> bool:
        """Return True when an event with this date begins inside the era."""
        start = date_span(date)[0]
        return (self.first is None or start >= self.first) and (self.last is None or start <= self.last)


@dataclass
class Selection:
    """What a filter found: the events (possibly none), a sentence about them, and whether it worked."""

    events: pd.DataFrame
    message: str
    ok: bool
    after: pd.Series = field(default_factory=lambda: pd.Series(dtype=bool))


def eras(timeline: pd.DataFrame) -> list[Era]:
    """Return the eras of the course, the last two split where the readings end."""
    end = date_span(readings_end(timeline))[1]
    return [
        Era(ALL_ERAS, None, None, "every event in the timeline"),
        Era("to 1905", None, dt.date(1905, 12, 31), "first contact and the treaties of 1855-1905"),
        Era("1906-1950", dt.date(1906, 1, 1), dt.date(1950, 12, 31), "the Pacific war and 1945"),
        Era("1951-1990", dt.date(1951, 1, 1), dt.date(1990, 12, 31), "San Francisco, 1956, Cold War"),
        Era("1991-2012", dt.date(1991, 1, 1), dt.date(2012, 12, 31), "Yeltsin, Putin, Medvedev"),
        Era(
            f"2013-{month_label(readings_end(timeline))}",
            dt.date(2013, 1, 1),
            end,
            "Abe and Putin, to the last event the readings report",
        ),
        Era(
            "after the readings",
            end + dt.timedelta(days=1),
            None,
            "events the readings could not report: outside sources only",
        ),
    ]


def filter_events(
    timeline: pd.DataFrame,
    era: object = ALL_ERAS,
    chosen_themes: object = None,
    origin: object = "all sources",
) -> Selection:
    """Return the events of an era, in the chosen themes, from the chosen kind of source.

    chosen_themes: an iterable of theme names (None: every theme). origin: 'all sources',
    'readings' or 'outside sources'. A choice that cannot be used comes back as a Selection with
    ok False and a message that says what to do; this function does not raise on bad choices.
    """
    empty = timeline.iloc[0:0]
    known_eras = {e.label: e for e in eras(timeline)}
    if not isinstance(era, str) or era not in known_eras:
        return Selection(
            empty, f"There is no era {era!r}. Choose one of {and_list(known_eras, quoted=True)}.", False
        )
    all_themes = themes()
    if chosen_themes is None:
        wanted = list(all_themes)
    elif isinstance(chosen_themes, str) or not isinstance(chosen_themes, Iterable):
        return Selection(empty, "Give the themes as a list of names, e.g. ['war', 'treaty'].", False)
    else:
        wanted = list(chosen_themes)
        unknown = [t for t in wanted if t not in all_themes]
        if unknown:
            message = (
                f"Unknown theme {and_list(map(str, unknown), quoted=True)}; "
                f"the themes are {and_list(all_themes, quoted=True)}."
            )
            return Selection(empty, message, False)
    if not wanted:
        return Selection(empty, "Tick at least one theme to see its events.", False)
    if not isinstance(origin, str) or origin not in ORIGINS:
        message = f"There is no source choice {origin!r}. Choose one of {and_list(ORIGINS, quoted=True)}."
        return Selection(empty, message, False)
    chosen = known_eras[era]
    mask = timeline["date"].map(chosen.holds).astype(bool) & timeline["theme"].isin(wanted)
    if ORIGINS[origin] is not None:
        mask &= timeline["origin"] == ORIGINS[origin]
    events = timeline[mask]
    after = after_readings(timeline)[mask]
    if events.empty:
        message = (
            f"No event matches: era '{era}', source '{origin}', themes {and_list(wanted, quoted=True)}. "
            "Tick more themes or choose another era."
        )
        end = readings_end(timeline)
        if chosen.first is not None and chosen.first > date_span(end)[1]:
            message += f" The readings end in {month_label(end)}: none reports a later event."
        return Selection(events, message, False, after)
    years = events["date"].map(lambda d: date_span(d)[0].year)
    n_reading = int((events["origin"] == "reading").sum())
    n_outside = len(events) - n_reading
    message = (
        f"{len(events)} event{'s' if len(events) != 1 else ''}, {years.min()} to {years.max()}: "
        f"{n_reading} reported in the readings, {n_outside} from outside sources"
    )
    message += f", {int(after.sum())} of them after the readings." if after.any() else "."
    return Selection(events, message, True, after)


def event_lines(selection: Selection, limit: int = LIST_LIMIT) -> list[str]:
    """Return one line per event, in date order, at most limit, then how many more there are."""
    if not selection.ok:
        return []
    files = load("sources").set_index("id")["file"]
    order = chronological(selection.events)
    lines = []
    for index in order.index[: max(limit, 0)]:
        row = selection.events.loc[index]
        where = (
            f"reading {files[row['source_id']]}"
            if row["origin"] == "reading"
            else f"outside source {row['source_id']}"
        )
        tag = " [after the readings]" if bool(selection.after.get(index, False)) else ""
        lines.append(f"{row['date']}: {row['event']} ({row['theme']}; {where}){tag}")
    more = len(order) - len(lines)
    if more > 0:
        lines.append(f"... and {more} more: choose a narrower era or fewer themes to see them.")
    return lines


def layer_choice(ticked: Mapping[str, object], known: Iterable[str]) -> tuple[list[str], str]:
    """Return the layers to draw, in date order, and a sentence about them.

    ticked: {layer: ticked?}, e.g. {'1855': True, '1875': False}. Unknown layers and values that
    are not True or False are reported in the sentence and left out.
    """
    known = list(known)
    if not isinstance(ticked, Mapping):
        return [], "Give the layers as a mapping such as {'1855': True}."
    unknown = [str(k) for k in ticked if k not in known]
    chosen = [layer for layer in known if ticked.get(layer) is True]
    notes = []
    if unknown:
        notes.append(f"There is no line {and_list(unknown, quoted=True)}; the lines are {and_list(known)}.")
    odd = [str(k) for k, v in ticked.items() if k in known and not isinstance(v, bool)]
    if odd:
        notes.append(f"Tick or untick {and_list(odd, quoted=True)} (True or False).")
    if chosen:
        lines = and_list(chosen)
        notes.insert(0, f"Showing the {lines} line{'s' if len(chosen) > 1 else ''}.")
    else:
        notes.insert(0, "No line is ticked: the map shows the islands only. Tick a year to draw it.")
    return chosen, " ".join(notes)


# --- the widgets ------------------------------------------------------------------------------


def _heading(text: str) -> widgets.HTML:
    """Return the name of a group of controls, shown above it in the column."""
    return widgets.HTML(f"<strong>{html.escape(text)}</strong>")


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
                _heading("Era"),
                self.era,
                _heading("Themes"),
                theme_row,
                _heading("Sources"),
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
        ax = timeline_chart(chosen.events, title=title, full=self.timeline, numbered=numbered)
        # The list is the key to the chart's numbers, needed at every change: under the chart.
        lines = event_lines(chosen)
        more = lines.pop() if len(chosen.events) > LIST_LIMIT else ""
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        heading = "The events, earliest first" + (" (numbered as on the chart)" if numbered else "")
        summary = (
            f'<p role="status">{html.escape(chosen.message)}</p>'
            f"<p><strong>{heading}</strong></p><ol>{items}</ol>"
            + (f"<p>{html.escape(more)}</p>" if more else "")
        )
        return View(summary=summary, figures=(show(ax),))


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
        super().__init__([_heading("Border lines"), *self.boxes.values()])
        self.layers: list[str] = []  # the lines last drawn
        self.watch(*self.boxes.values())
        self.refresh()

    def view(self) -> View:
        chosen, sentence = layer_choice({layer: box.value for layer, box in self.boxes.items()}, self.boxes)
        self.layers = chosen
        summary = f'<p role="status">{html.escape(sentence)}</p>'
        return View(summary=summary, figures=(show(border_map(self.timeline, chosen)),))


def border_explorer(
    timeline: pd.DataFrame | None = None, layers: Iterable[str] | None = None
) -> BorderExplorer:
    """Return the map with a checkbox for each border line; layers: the years ticked at first."""
    return BorderExplorer(timeline, layers)
