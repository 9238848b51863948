"""Time each explorer's redraw after a control change, against drawing and encoding a bare figure.

Each explorer is made once (not timed), then its first choice control (toggle buttons, a tick
box or a drop-down, as a student meets them top to bottom) is moved through its values again and
again, and each change is timed until the explorer has redrawn (its handlers run synchronously).
The baseline, timed the same way in the same process for each explorer: a bare matplotlib figure
of the size that explorer's figure is drawn at, drawn and encoded as a PNG, the least a redraw
that shows a new chart of that size can cost.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator

import ipywidgets as widgets
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from timing import median_ms  # bench/ is on the path of a script run from it

from fourislands.explore.catalog import EXPLORERS
from fourislands.figures import DPI, EXPLORER_WIDTH_PX

matplotlib.use("agg")
GOAL_MS = 300.0
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


def baseline(width_px: int, height_px: int) -> None:
    """Draw and encode a bare figure of this size in pixels."""
    figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.add_subplot()
    figure.savefig(io.BytesIO(), format="png")


def figure_size(explorer: widgets.Widget) -> tuple[int, int]:
    """Return the pixel size of the first figure the explorer shows (a table: the lesson's column)."""
    for shown in explorer.last_view.figures:
        if hasattr(shown, "width_px"):
            return shown.width_px, shown.height_px
    return EXPLORER_WIDTH_PX, EXPLORER_WIDTH_PX * 3 // 4


def redraw_ms(explorer: widgets.Widget, repeats: int) -> tuple[str, float]:
    """Return the control moved and the median time of a redraw after moving it."""
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
    print(f"median redraw after a control change, {args.repeats} changes, against a bare figure of its size")
    for name, make in EXPLORERS.items():
        explorer = make()
        width, height = figure_size(explorer)
        base = median_ms(lambda: baseline(width, height), args.repeats)  # noqa: B023 (called at once)
        control, took = redraw_ms(explorer, args.repeats)
        verdict = "ok" if took <= GOAL_MS else f"over the {GOAL_MS:.0f} ms goal"
        print(
            f"  {name:<11} {took:6.1f} ms  (baseline {base:3.0f} ms at {width}x{height} px: "
            f"{took / base:4.1f}x)  {verdict}  [{control}]"
        )


if __name__ == "__main__":
    main()
