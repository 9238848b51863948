"""The split calculator (lesson 02): choose islands or an area share, see the land and the options.

The arithmetic is in model/negotiations.py; this module words its result and shows it as a widget.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from ..charts.negotiations import SPLIT_SIZE, split_map
from ..data import load
from ..model.negotiations import (
    PROMISE_1956,
    Split,
    SplitInputError,
    island_areas,
    island_names,
    matching_options,
    split_by_islands,
    split_by_share,
)
from .explorer import Explorer, View


def describe_split(split: Split, islands: pd.DataFrame, options: pd.DataFrame) -> str:
    """Return the split in words, as HTML: each side's land, the 1956 promise, matching options."""
    names = island_names(islands)
    to_japan = [names[i] for i in split.japan_islands]
    if split.partial_island:
        area = island_areas(islands)[split.partial_island]
        to_japan.append(
            f"{split.partial_km2:,.0f} km² of {names[split.partial_island]} "
            f"({100 * split.partial_km2 / area:.0f}% of its {area:,.0f} km²)"
        )
    japan_text = ", ".join(to_japan) if to_japan else "nothing (no island changes hands)"
    matches = matching_options(split, options, names=names)
    if matches:
        match_text = "".join(f"<li>{html.escape(m.label)}: {html.escape(m.how)}</li>" for m in matches)
        match_html = f"<p><strong>Settlement options it matches:</strong></p><ul>{match_text}</ul>"
    else:
        match_html = "<p><strong>Settlement options it matches:</strong> none of those listed.</p>"
    return (
        f"<p><strong>Japan receives:</strong> {html.escape(japan_text)}.</p>"
        "<table><tr><th></th><th>land (km²)</th><th>share of the land</th></tr>"
        f"<tr><td>Japan</td><td>{split.japan_km2:,.0f}</td><td>{split.japan_percent:.1f}%</td></tr>"
        f"<tr><td>Russia</td><td>{split.russia_km2:,.0f}</td>"
        f"<td>{split.russia_percent:.1f}%</td></tr></table>"
        f"<p><strong>The 1956 promise</strong> (Habomai and Shikotan, {split.promise_km2:,.0f} km²): "
        f"Japan's part covers {split.promise_covered_percent:.0f}% of it, and Japan's land is "
        f"{split.times_promise:.1f} times its area.</p>{match_html}"
    )


class SplitExplorer(Explorer):
    """The split calculator: choose islands or an area share, see the map, the land and the options."""

    title = "Split calculator: how much land each side gets"

    def __init__(self, projector: bool = False) -> None:
        self.islands, self.options = load("islands"), load("settlement_options")
        self.areas, names = island_areas(self.islands), island_names(self.islands)
        self.mode = widgets.ToggleButtons(
            options=[("Choose islands", "islands"), ("Choose an area share", "share")],
            value="islands",
            tooltips=["Tick the islands Japan receives", "Set the share of the land Japan receives"],
            style={"button_width": "auto"},
        )
        self.boxes = {
            island: widgets.Checkbox(
                value=island in PROMISE_1956,
                description=f"{names[island]} ({self.areas[island]:,.0f} km²)",
                indent=False,
                layout={"width": "auto"},  # the default width cuts a long name with an ellipsis
            )
            for island in self.areas
        }
        self.share = widgets.FloatSlider(
            value=50.0,
            min=0.0,
            max=100.0,
            step=0.1,
            description="Japan's share of the land (%)",
            readout_format=".1f",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"),
        )
        heading = widgets.HTML("<strong>Islands to Japan</strong> (the rest stay with Russia):")
        self.island_box = widgets.VBox([heading, *self.boxes.values()])
        self.share_box = widgets.VBox(
            [
                widgets.HTML(
                    "Japan receives whole islands in the order the options add them (Habomai, "
                    "Shikotan, Kunashiri/Kunashir, Etorofu/Iturup) and a part of the next one."
                ),
                self.share,
            ]
        )
        super().__init__([self.mode, self.island_box, self.share_box], projector=projector)
        self.summary.add_class("fi-split-summary")
        # For anyone driving the explorer from code (tests, an instructor's cell):
        self.controls = {
            "mode": self.mode,
            "islands": self.boxes,
            "share": self.share,
            "summary": self.summary,
        }
        self.split: Split | None = None  # the split last shown
        self.watch(self.mode, self.share, *self.boxes.values())
        self.refresh()

    def view(self) -> View:
        by_islands = self.mode.value == "islands"
        self.island_box.layout.display = None if by_islands else "none"
        self.share_box.layout.display = "none" if by_islands else None
        try:
            if by_islands:
                split = split_by_islands([i for i, box in self.boxes.items() if box.value], self.areas)
            else:
                split = split_by_share(self.share.value, self.areas)
        except SplitInputError as problem:
            return View(problem=str(problem))
        self.split = split
        summary = describe_split(split, self.islands, self.options)
        ax = split_map(self.islands, split, ax=self.kept_axes(SPLIT_SIZE))
        return View(summary=summary, figures=(self.show(ax),))


def split_explorer(projector: bool = False) -> SplitExplorer:
    """Return the split calculator: choose islands or an area share, see the land and the options."""
    return SplitExplorer(projector)
