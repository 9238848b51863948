"""What every course figure shares: a colour-blind-safe palette, a title, a source line, alt text."""

from __future__ import annotations

import base64
import html
import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Okabe-Ito: distinguishable with every common form of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
JAPAN = "#E69F00"
RUSSIA = "#0072B2"
NEUTRAL = "#7F7F7F"
LAND = "#E8E2D0"
SEA = "#EAF2F8"
DPI = 110


def new_axes(ax: Axes | None = None, size: tuple[float, float] = (8.0, 4.5)) -> Axes:
    """Return ax, or the Axes of a new figure that pyplot does not track (so it shows only once)."""
    if ax is not None:
        return ax
    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # a canvas to measure text with, without pyplot
    return figure.add_subplot()


def finish(ax: Axes, title: str, source: str, alt: str) -> Axes:
    """Give ax its title, a source line under the figure and alt text; return ax."""
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    # Under everything the axes draw (tick labels, axis label): measured, then placed there.
    ax.figure.canvas.draw()
    bottom = ax.get_tightbbox(ax.figure.canvas.get_renderer()).y0
    y = ax.transAxes.inverted().transform((0, bottom))[1]
    ax.annotate(
        f"Source: {source}",
        xy=(0, y),
        xycoords="axes fraction",
        xytext=(0, -4),
        textcoords="offset points",
        fontsize=8,
        color="#444444",
        ha="left",
        va="top",
        annotation_clip=False,
    )
    ax.fourislands_alt = alt  # read by show() for the <img alt> of the figure
    ax.fourislands_source = source
    return ax


class CourseFigure:
    """A finished figure as notebooks show it: a PNG with alt text, and the alt text as plain text."""

    def __init__(self, ax: Axes) -> None:
        self.alt = getattr(ax, "fourislands_alt", "")
        self.source = getattr(ax, "fourislands_source", "")
        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.15)
        self.png = buffer.getvalue()

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
