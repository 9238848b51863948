"""What every course figure shares: a title, a source line under all it draws, alt text, one PNG."""

from __future__ import annotations

import base64
import html
import io
import struct
from collections.abc import Iterable

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import ConnectionStyle
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from .palette import JAPAN, LAND, NEUTRAL, PALETTE, RUSSIA, SEA  # noqa: F401  (charts import them here)
from .words import wrapped

DPI = 110
PAD_INCHES = 0.15  # white margin around a saved figure

# Where figures are shown, in CSS pixels, on a screen 1280 pixels wide: a lesson's output area in
# JupyterLab with the file browser open, and an explorer's figure column beside its controls. A
# figure drawn no wider than where it is shown is shown at its own size, and its text at the size
# it was set: at DPI, 7.5 points is 11.5 pixels, the least a student reads on a laptop.
LESSON_WIDTH_PX = 748
EXPLORER_WIDTH_PX = 570
EXPLORER_HEIGHT_PX = 730  # the explorer's figure: the notebook's visible height, less the title
LEAST_TEXT_PX = 11
# A projector app draws the same figures at more pixels per inch: its text is read from the back of
# a room, at least 16 pixels, and its figure column is wider (934 px) and shorter (630 px) than a
# lesson's.
PROJECTOR_DPI = 160
PROJECTOR_WIDTH_PX = 890
PROJECTOR_HEIGHT_PX = 630
PROJECTOR_TEXT_PX = 16
LESSON_SIZE = (LESSON_WIDTH_PX / DPI - 2 * PAD_INCHES, 4.2)  # inches: a lesson chart's default size
EXPLORER_WIDTH = EXPLORER_WIDTH_PX / DPI - 2 * PAD_INCHES  # inches: an explorer figure at most
# inches: an explorer figure shown in a projector app at most (tall figures are shrunk to fit)
PROJECTOR_HEIGHT = PROJECTOR_HEIGHT_PX / PROJECTOR_DPI - 2 * PAD_INCHES


def new_axes(ax: Axes | None = None, size: tuple[float, float] = LESSON_SIZE) -> Axes:
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
        # A map's equal aspect shrinks its box when it is measured and drawn: shrink it first, so the
        # size below is the one it keeps.
        ax.apply_aspect()
        children = ax.get_children()
        # Rounded: the tight save moves the axes and their size comes back off in the last digit.
        size = (round(ax.bbox.width, 3), round(ax.bbox.height, 3))
        shape = (renderer.dpi, *size, tuple(ax.viewLim.bounds), len(children))
        if self.measured is None or self.measured[0] != shape:
            # matplotlib's own list leaves out what is clipped to the axes (land, rings, bars): it
            # cannot reach past them, and measuring a coastline's every vertex is what costs most.
            others = [a for a in ax.get_default_bbox_extra_artists() if a is not self.line]
            box = ax.get_tightbbox(renderer, bbox_extra_artists=others)
            self.measured = (shape, box.transformed(ax.transAxes.inverted()))
        return self.measured[1].transformed(ax.transAxes)


# The average width of a character of DejaVu Sans (matplotlib's font), in ems: for wrapping text
# to a width before it is drawn. Bold runs about a quarter wider.
CHARACTER_EM = 0.53
BOLD_EM = 0.65


def characters_across(inches: float, points: float = 8.0, bold: bool = False) -> int:
    """Return about how many characters of text at `points` fit across `inches` (at least 8)."""
    return max(int(inches * 72 / (points * (BOLD_EM if bold else CHARACTER_EM))), 8)


def chart_width(ax: Axes) -> float:
    """Return the width in inches that ax's chart is laid out in (see chart_size)."""
    return chart_size(ax)[0]


def chart_height(ax: Axes) -> float:
    """Return the height in inches that ax's chart is laid out in (see chart_size)."""
    return chart_size(ax)[1]


def chart_size(ax: Axes) -> tuple[float, float]:
    """Return the size in inches of the rectangle ax's chart is laid out in.

    That is its figure's size, but for a KeptFigure, whose chart takes the middle of a figure with
    margins around it: a chart that sizes its text and keys to its width reads it from here.
    """
    width, height = ax.figure.get_size_inches()
    engine = ax.figure.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        _, _, share_x, share_y = engine.get()["rect"]
        return width * share_x, height * share_y
    return width, height


def source_width(ax: Axes, inset: float = 0.0) -> int:
    """Return how many characters of ax's source line fit across its figure, starting inset inches in.

    The line starts at the axes' left edge: inset is what the y tick labels take left of it.
    """
    return characters_across(chart_width(ax) - inset) - len("Source: ")


def title_width(ax: Axes, inset: float = 0.0) -> int:
    """Return how many characters of ax's title (12-point bold) fit across its figure, less inset inches."""
    return characters_across(chart_width(ax) - inset, 12, bold=True)


def source_line(table: str, source_ids: Iterable[str], extra: str = "", width: int = 125) -> str:
    """Return a chart's source: its data file, the sources of the rows it draws (each once), extra.

    Broken into lines of `width` characters: the line starts under the axes, and one that runs past
    the figure's edge widens the PNG (`characters_across` gives a width in inches as characters).
    """
    ids = ", ".join(dict.fromkeys(source_ids))
    return wrapped(f"data/{table}.csv ({ids}){extra}", width=width)


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
    ax.fourislands_above = above  # png() reuses what it measures for the image's tight box
    ax.fourislands_alt = alt  # read by show() for the <img alt> of the figure
    ax.fourislands_source = source
    return ax


def least_text_px(figure: Figure, dpi: float = DPI) -> float:
    """Return the size of the smallest text the figure draws, in pixels of its PNG at dpi."""
    undrawn = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            # Axis.draw draws only the ticks inside the view; the others keep labels, unseen.
            drawn = {label for tick in axis._update_ticks() for label in (tick.label1, tick.label2)}
            every = [
                label
                for tick in axis.get_major_ticks() + axis.get_minor_ticks()
                for label in (tick.label1, tick.label2)
            ]
            undrawn.update(label for label in every if label not in drawn)
    sizes = [
        text.get_fontsize()
        for text in figure.findobj(Text)
        if text not in undrawn and text.get_visible() and text.get_text().strip()
    ]
    return min(sizes, default=0.0) * dpi / 72


def _drawn_box(figure: Figure, renderer) -> Bbox:
    """Return the box of everything the figure draws but its source lines, in inches.

    For a figure of finished axes and nothing else, that is the union of what each axes' source
    line measured to sit under (kept for the draw that follows): measuring every text of a chart
    is the dearest step of saving it, and `figure.get_tightbbox` would do it once more.
    """
    measured = [getattr(ax, "fourislands_above", None) for ax in figure.axes]
    alone = not (figure.texts or figure.legends or figure.images or figure.patches or figure.lines)
    if not measured or not all(measured) or not alone:
        return figure.get_tightbbox(renderer)
    inches = figure.dpi_scale_trans.inverted()
    return Bbox.union([above(renderer).transformed(inches) for above in measured])


def png(figure: Figure, dpi: float = DPI) -> bytes:
    """Return the figure as PNG at dpi, laid out once and drawn once.

    `savefig(bbox_inches="tight")` on a figure with a layout engine lays it out and draws it
    without rendering to measure it, then lays it out again and draws it for real. Here the layout
    runs once, the tight box is measured on that layout, and the figure is drawn once, engine off.
    A figure that holds its whole tight box (a KeptFigure's margins) is drawn on its own canvas and
    cut out; others are saved to the box, which may reach past the figure.
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
        boxes = [_drawn_box(figure, renderer)]
        for ax in figure.axes:
            line = getattr(ax, "fourislands_source_line", None)
            if line is not None and line.get_visible():
                boxes.append(line.get_window_extent(renderer).transformed(figure.dpi_scale_trans.inverted()))
        tight = Bbox.union(boxes).padded(PAD_INCHES)
        width, height = figure.get_size_inches()
        if dpi == figure.dpi and tight.x0 >= 0 and tight.y0 >= 0 and tight.x1 <= width and tight.y1 <= height:
            return _cut_out(figure, tight)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches=tight, pil_kwargs={"compress_level": 3})
    finally:
        if engine is not None:
            figure.set_layout_engine(engine)
    return buffer.getvalue()


def _cut_out(figure: Figure, box: Bbox) -> bytes:
    """Draw the figure on its own canvas and return the part inside box (inches) as PNG.

    The canvas keeps its renderer while the figure keeps its size, and with it the sizes of the
    texts it has measured: a figure drawn again and again measures only the texts that changed.
    """
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())
    height = pixels.shape[0]
    x0, y0, x1, y1 = (np.array(box.extents) * figure.dpi).round().astype(int)
    buffer = io.BytesIO()
    # zlib level 3 packs the flat-coloured charts as small as level 6, the default, in 2/3 the time.
    Image.fromarray(pixels[height - y1 : height - y0, x0:x1]).convert("RGB").save(
        buffer, format="png", compress_level=3
    )
    return buffer.getvalue()


class KeptFigure:
    """A figure an explorer draws into at every redraw, with room around it to cut its image from.

    The chart is laid out in a rectangle of `size` inches in the middle of a larger figure: what
    reaches past it (a source line, a key beside the map) still lies on the canvas, so `png()` cuts
    the image out of one drawing, and the texts that stay the same from redraw to redraw are
    measured once.
    """

    MARGIN = 1.5  # inches on every side

    def __init__(self, size: tuple[float, float], dpi: float = DPI) -> None:
        width, height = size
        whole = (width + 2 * self.MARGIN, height + 2 * self.MARGIN)
        self.figure = Figure(figsize=whole, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.figure.get_layout_engine().set(
            rect=(self.MARGIN / whole[0], self.MARGIN / whole[1], width / whole[0], height / whole[1])
        )

    def axes(self) -> Axes:
        """Return a new, empty Axes on the figure, all it showed before cleared away."""
        self.figure.clear()
        return self.figure.add_subplot()


class CourseFigure:
    """A finished figure as notebooks show it: a PNG with alt text, and the alt text as plain text.

    It knows its size in pixels and the size of its smallest text, and says both on its <img>
    (`data-text-px`), so a page can tell how large that text is where the image is shown.
    """

    def __init__(self, ax: Axes, dpi: float = DPI) -> None:
        self.alt = getattr(ax, "fourislands_alt", "")
        self.source = getattr(ax, "fourislands_source", "")
        self.png = png(ax.figure, dpi)
        self.text_px = least_text_px(ax.figure, dpi)
        self.width_px, self.height_px = struct.unpack(">II", self.png[16:24])  # the PNG's IHDR

    def shown_text_px(self, width_px: float, height_px: float = float("inf")) -> float:
        """Return the smallest text's size as shown in a box this wide and high (never enlarged)."""
        return self.text_px * min(1.0, width_px / self.width_px, height_px / self.height_px)

    def _repr_mimebundle_(self, include=None, exclude=None):
        encoded = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        page = (
            f'<figure class="fi-figure"><img src="data:image/png;base64,{encoded}" alt="{alt}" '
            f'data-text-px="{self.text_px:.1f}"></figure>'
        )
        data = {"image/png": encoded, "text/html": page, "text/plain": f"Figure: {self.alt}"}
        return data, {"image/png": {"alt": self.alt}}


def note_under(ax: Axes, above, text: str, offset: tuple[float, float] = (3, -6), **style) -> None:
    """Write text under an artist of ax (a key beside a map), at its left edge, wherever it is placed."""
    ax.annotate(
        text,
        xy=(0, 0),
        xycoords=above,
        xytext=offset,
        textcoords="offset points",
        ha="left",
        va="top",
        **style,
    )


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


def show(ax: Axes, dpi: float = DPI) -> CourseFigure:
    """Return the figure of ax ready to display at dpi, with its alt text."""
    return CourseFigure(ax, dpi)


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
