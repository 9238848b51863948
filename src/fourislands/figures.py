"""What every course figure shares: a title, a source line under all it draws, alt text, one PNG."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import ConnectionStyle
from matplotlib.path import Path
from matplotlib.transforms import Bbox

from .palette import JAPAN, LAND, NEUTRAL, PALETTE, RUSSIA, SEA  # noqa: F401  (charts import them here)
from .words import wrapped

DPI = 110
PAD_INCHES = 0.15  # white margin around a saved figure


def new_axes(ax: Axes | None = None, size: tuple[float, float] = (8.0, 4.5)) -> Axes:
    """Return ax, or the Axes of a new figure that pyplot does not track (so it shows only once)."""
    if ax is not None:
        return ax
    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # a canvas to measure text with, without pyplot
    return figure.add_subplot()


class _AllButSourceLine:
    """The box of everything an Axes draws but its source line, measured when it is drawn.

    The source line is placed under this box: no draw beforehand to measure where the tick
    labels, axis label and key end, and the line follows them wherever the layout moves them.
    """

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.line = None
        self.measured: tuple | None = None  # (the axes' size and limits, the box measured then)

    def __call__(self, renderer):
        # One layout and save asks many times. The box is kept in axes coordinates: it holds while
        # the axes keep their size and limits, wherever the layout or the tight save moves them,
        # and measuring all an axes draws is the dearest step of drawing a chart.
        ax = self.ax
        children = ax.get_children()
        # Rounded: the tight save moves the axes and their size comes back off in the last digit.
        size = (round(ax.bbox.width, 3), round(ax.bbox.height, 3))
        shape = (renderer.dpi, *size, tuple(ax.viewLim.bounds), len(children))
        if self.measured is None or self.measured[0] != shape:
            others = [a for a in children if a is not self.line and a.get_visible()]
            box = ax.get_tightbbox(renderer, bbox_extra_artists=others)
            self.measured = (shape, box.transformed(ax.transAxes.inverted()))
        return self.measured[1].transformed(ax.transAxes)


def source_line(table: str, source_ids: Iterable[str], extra: str = "") -> str:
    """Return a chart's source: its data file, the sources of the rows it draws (each once), extra."""
    ids = ", ".join(dict.fromkeys(source_ids))
    return wrapped(f"data/{table}.csv ({ids}){extra}", width=125)


def _leaving(box: Bbox, inside: np.ndarray, towards: np.ndarray) -> np.ndarray:
    """Return where the segment from a point inside box towards another point leaves the box."""
    step = towards - inside
    sides = ((step[0], inside[0], box.x0, box.x1), (step[1], inside[1], box.y0, box.y1))
    exits = [((high if d > 0 else low) - start) / d for d, start, low, high in sides if d != 0]
    t = min(exits, default=1.0)
    return inside + t * step if 0 <= t < 1 else inside  # not inside, or never leaving: uncut


class StraightLeader(ConnectionStyle.Arc3):
    """A straight leader from a label to what it names, cut where it leaves the label's box.

    matplotlib finds that point by bisection, testing the box at every step, and does so at every
    layout pass, measure and draw: a few milliseconds a leader, a tenth of a second for a map's
    labels. The box is a rectangle, so the point is computed. Use it with arrowstyle "-".
    """

    def __call__(self, posA, posB, shrinkA=2.0, shrinkB=2.0, patchA=None, patchB=None):
        start, end = np.asarray(posA, dtype=float), np.asarray(posB, dtype=float)
        if patchA is not None:
            start = _leaving(patchA.get_window_extent(), start, end)
        if patchB is not None:
            end = _leaving(patchB.get_window_extent(), end, start)
        length = float(np.hypot(*(end - start)))
        if length > shrinkA + shrinkB:  # as matplotlib: a gap of shrinkA and shrinkB pixels at the ends
            unit = (end - start) / length
            start, end = start + shrinkA * unit, end - shrinkB * unit
        return Path([start, end])


LEADER = {"arrowstyle": "-", "color": "#555555", "linewidth": 0.6, "connectionstyle": StraightLeader()}


def finish(ax: Axes, title: str, source: str, alt: str) -> Axes:
    """Give ax its title, a source line under all it draws and alt text; return ax."""
    # The title sits just above the axes: no chart has an axis on top to dodge, and a title placed
    # by matplotlib (no y) is re-placed by measuring the whole y axis at every layout and draw.
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold", y=1.0)
    above = _AllButSourceLine(ax)
    above.line = ax.annotate(
        f"Source: {source}",
        xy=(0, 0),
        xycoords=("axes fraction", above),
        xytext=(0, -4),
        textcoords="offset points",
        fontsize=8,
        color="#444444",
        ha="left",
        va="top",
        annotation_clip=False,
    )
    # Out of the layout: the layout engine measures what is in it, and measuring the line means
    # measuring the whole axes once more. png() makes room for it in the saved image instead.
    above.line.set_in_layout(False)
    ax.fourislands_source_line = above.line
    ax.fourislands_alt = alt  # read by show() for the <img alt> of the figure
    ax.fourislands_source = source
    return ax


def png(figure: Figure) -> bytes:
    """Return the figure as PNG, laid out once and drawn once.

    `savefig(bbox_inches="tight")` on a figure with a layout engine lays it out and draws it
    without rendering to measure it, then lays it out again and draws it for real. Here the layout
    runs once, the tight box is measured on that layout, and the figure is drawn once, engine off.
    """
    engine = figure.get_layout_engine()
    if engine is not None:
        engine.execute(figure)
        # No engine at all, not "none": savefig draws the whole figure once more, without
        # rendering, for any engine, the placeholder that "none" leaves included.
        with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            figure.set_layout_engine(None)
    try:
        # A tight box: a long source line or a label beside the plot may reach past the figure.
        renderer = figure.canvas.get_renderer()
        boxes = [figure.get_tightbbox(renderer)]
        for ax in figure.axes:
            line = getattr(ax, "fourislands_source_line", None)
            if line is not None and line.get_visible():
                boxes.append(line.get_window_extent(renderer).transformed(figure.dpi_scale_trans.inverted()))
        tight = Bbox.union(boxes).padded(PAD_INCHES)
        buffer = io.BytesIO()
        # zlib level 3 packs the flat-coloured charts as small as level 6, the default, in 2/3 the time.
        figure.savefig(buffer, format="png", dpi=DPI, bbox_inches=tight, pil_kwargs={"compress_level": 3})
    finally:
        if engine is not None:
            figure.set_layout_engine(engine)
    return buffer.getvalue()


class CourseFigure:
    """A finished figure as notebooks show it: a PNG with alt text, and the alt text as plain text."""

    def __init__(self, ax: Axes) -> None:
        self.alt = getattr(ax, "fourislands_alt", "")
        self.source = getattr(ax, "fourislands_source", "")
        self.png = png(ax.figure)

    def _repr_mimebundle_(self, include=None, exclude=None):
        encoded = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        page = f'<figure class="fi-figure"><img src="data:image/png;base64,{encoded}" alt="{alt}"></figure>'
        data = {"image/png": encoded, "text/html": page, "text/plain": f"Figure: {self.alt}"}
        return data, {"image/png": {"alt": self.alt}}


def legend_below(ax: Axes, handles: list, columns: int, gap: float) -> None:
    """Put the key under the chart, centred, gap axes-heights down: on the chart it hides data."""
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -gap),
        ncols=columns,
        fontsize=8.5,
        frameon=False,
    )


def show(ax: Axes) -> CourseFigure:
    """Return the figure of ax ready to display, with its alt text."""
    return CourseFigure(ax)


def show_in(output, *shown: object) -> None:
    """Make an ipywidgets Output show these objects (figures, usually), replacing what it showed.

    Setting the outputs directly (what Output.append_display_data does) works the same in a
    kernel, in tests without one, and in a notebook run by nbclient, where the `with output:`
    form can stall the run when the explorer itself is not displayed.
    """
    outputs = []
    for item in shown:
        data, metadata = item._repr_mimebundle_()
        outputs.append({"output_type": "display_data", "data": data, "metadata": metadata})
    output.outputs = tuple(outputs)
