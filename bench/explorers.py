"""Time each explorer's redraw after a control change, against drawing and encoding a bare figure.

Each explorer is made once (not timed), then its first choice control (toggle buttons, a tick
box or a drop-down, as a student meets them top to bottom) is moved through its values again and
again, and each change is timed until the explorer has redrawn (its handlers run synchronously).
The baseline, timed the same way in the same process: a bare matplotlib figure of the course's
size, drawn and encoded as a PNG, the least a redraw that shows a new chart can cost.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Iterator

import ipywidgets as widgets
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from timing import median_ms  # bench/ is on the path of a script run from it

from fourislands.explore.bargaining import bargaining_explorer
from fourislands.explore.ranges import range_explorer
from fourislands.explore.roleplay import roleplay_explorer
from fourislands.explore.sequencing import sequencing_explorer
from fourislands.explore.split import split_explorer
from fourislands.explore.survey import survey_explorer
from fourislands.explore.timeline import border_explorer, timeline_explorer
from fourislands.figures import DPI

matplotlib.use("agg")
GOAL_MS = 300.0
EXPLORERS: dict[str, Callable[[], widgets.Widget]] = {
    "timeline": timeline_explorer,
    "borders": border_explorer,
    "split": split_explorer,
    "bargaining": bargaining_explorer,
    "ranges": range_explorer,
    "sequencing": sequencing_explorer,
    "survey": survey_explorer,
    "roleplay": roleplay_explorer,
}
CHOICES = (widgets.ToggleButtons, widgets.Dropdown, widgets.RadioButtons, widgets.Checkbox)


def controls(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    """Yield the choice controls inside widget, depth first, in the order they are shown."""
    if isinstance(widget, CHOICES):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from controls(child)


def values_of(control: widgets.Widget) -> list:
    """Return the values a control can take."""
    if isinstance(control, widgets.Checkbox):
        return [not control.value, control.value]
    return [value for _, value in control._options_full] if hasattr(control, "_options_full") else []


def baseline() -> None:
    """Draw and encode a bare figure of the course's size."""
    figure = Figure(figsize=(8.0, 4.5), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.add_subplot()
    figure.savefig(io.BytesIO(), format="png")


def redraw_ms(make: Callable[[], widgets.Widget], repeats: int) -> tuple[str, float]:
    """Return the control moved and the median time of a redraw after moving it."""
    explorer = make()
    control = next(c for c in controls(explorer) if len(values_of(c)) > 1)
    values = values_of(control)
    position = [values.index(control.value) if control.value in values else 0]

    def move() -> None:
        position[0] = (position[0] + 1) % len(values)
        control.value = values[position[0]]

    move()  # the first change may fill caches: not timed
    label = getattr(control, "description", "") or type(control).__name__
    return label, median_ms(move, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="redraws timed per explorer")
    args = parser.parse_args()
    base = median_ms(baseline, args.repeats)
    print(f"median redraw after a control change, {args.repeats} changes; baseline {base:.0f} ms")
    for name, make in EXPLORERS.items():
        control, took = redraw_ms(make, args.repeats)
        verdict = "ok" if took <= GOAL_MS else f"over the {GOAL_MS:.0f} ms goal"
        print(f"  {name:<11} {took:6.1f} ms  ({took / base:4.1f}x the baseline)  {verdict}  [{control}]")


if __name__ == "__main__":
    main()
