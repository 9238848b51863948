"""The one shape of every explorer: controls beside the figure, the summary under it, one redraw path."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import ipywidgets as widgets

from ..figures import DPI, PROJECTOR_DPI, CourseFigure, KeptFigure, show, show_in
from ..keyboard import SCOPE_CLASS, keyboard_scope
from ..palette import VERMILION

# The figure keeps its shape and fits the column and the screen: with the controls beside it and
# the page scrolled to the explorer, the first control and the whole figure are seen together
# (JupyterLab at 1280x900, a projector at 1280x720). While a redraw runs the figure is dimmed and
# the status line says so, for a redraw takes a moment and a click must be seen to count.
EXPLORER_CSS = """<style>
.fi-explorer { grid-column-gap: 16px; grid-row-gap: 6px; align-items: start; }
.fi-explorer .fi-explorer-title { margin: 0; }
.fi-explorer .fi-explorer-controls, .fi-explorer .fi-explorer-figure { min-width: 0; }
.fi-explorer-controls .widget-label, .fi-explorer-controls .widget-html-content,
.fi-explorer-controls .widget-checkbox label, .fi-explorer-controls .widget-radio-box label {
  white-space: normal; height: auto; line-height: 1.35; }
.fi-explorer-controls .widget-checkbox, .fi-explorer-controls .widget-radio-box,
.fi-explorer-controls .widget-slider { width: auto; height: auto; }
.fi-explorer .fi-explorer-summary .widget-html-content, .fi-explorer .widget-accordion .widget-html-content {
  line-height: 1.45; white-space: normal; }
.fi-explorer-controls .widget-toggle-buttons { height: auto; flex-wrap: wrap; }
.fi-explorer-controls .widget-toggle-button { white-space: normal; height: auto;
  min-height: var(--jp-widgets-inline-height, 28px); }
.fi-explorer .fi-explorer-output .jp-OutputArea-prompt,
.jp-OutputArea-child:has(> .jp-OutputArea-output .fi-explorer) > .jp-OutputArea-prompt,
.jp-OutputArea:has(.fi-explorer) > .jp-OutputArea-promptOverlay { display: none; }
.fi-explorer .fi-explorer-output figure { margin: 0; }
.fi-explorer .fi-explorer-output img { display: block; max-width: 100%; width: auto; height: auto;
  max-height: calc(100vh - 170px); object-fit: contain; object-position: left top; }
.fi-explorer .fi-explorer-output { transition: opacity 0.15s; }
.fi-explorer.fi-busy .fi-explorer-output { opacity: 0.45; }
.fi-explorer .fi-explorer-status { min-height: 1.4em; font-style: italic;
  color: var(--jp-ui-font-color2, #555555); }
.fi-explorer .fi-aside { color: var(--jp-ui-font-color2, #555555); }
.fi-explorer .fi-explorer-problem { border-left: 4px solid VERMILION; padding: 4px 10px; }
@media (max-width: 900px) {
  .fi-explorer { grid-template-columns: minmax(0, 1fr) !important;
    grid-template-areas: "title" "controls" "figure" "summary" "notes" !important; }
}
</style>""".replace("VERMILION", VERMILION)
BUSY_TEXT = "Drawing\u2026"


class Shown(Protocol):
    """What an explorer shows as its figure: a chart (figures.CourseFigure), or a table, with alt text."""

    alt: str

    def _repr_mimebundle_(self, include=None, exclude=None): ...


@dataclass(frozen=True)
class View:
    """What one redraw shows: a summary (HTML) and the figures under it, or a problem with the input.

    A problem is a sentence that says what to change; with one, the explorer shows it and no figure.
    """

    summary: str = ""
    figures: tuple[Shown, ...] = ()
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def plain_text(fragment: str) -> str:
    """Return an HTML fragment as one line of plain text (for pages without a kernel, and tests)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S | re.I)
    text = _BLOCK_TAG.sub(" ", text)  # a paragraph, item or cell ends a word
    text = re.sub(r"<[^>]+>", "", text)  # bold, links and the like do not
    return " ".join(html.unescape(text).split())


_BLOCK_TAG = re.compile(r"</?(p|div|br|li|ul|ol|tr|td|th|table|h[1-6]|details|summary|figure)\b[^>]*>", re.I)


def group_heading(text: str) -> widgets.HTML:
    """Return the name of a group of controls, shown above it in the column."""
    return widgets.HTML(f"<strong>{html.escape(text)}</strong>")


def problem_html(message: str) -> str:
    """Return what an explorer shows for input it cannot use: the message, marked and announced."""
    return (
        '<div role="status" class="fi-explorer-problem"><strong>Please check:</strong> '
        f"{html.escape(message)}</div>"
    )


def starting_notice(message: str | None) -> widgets.HTML:
    """Return a notice for the top of the controls: a starting value the explorer could not use
    (given in code, not chosen with a control), said once and kept; hidden when there is none."""
    return widgets.HTML(
        "" if not message else f'<p role="status" class="fi-explorer-problem">{html.escape(message)}</p>',
        layout={"display": None if message else "none"},
    )


class Explorer(widgets.GridBox):
    """An explorer: controls in a column, the figure beside them, the summary under it, notes folded.

    A subclass builds its controls, passes them here, and implements `view()`, which reads the
    controls and returns a View; it never raises on what a student chose. Every control passed to
    `watch()` redraws on change. `holding()` sets several controls with a single redraw at the end
    (a preset), and a change made while a redraw runs is drawn once that one ends, never nested.
    """

    title = "Explorer"

    def __init__(
        self,
        controls: Sequence[widgets.Widget],
        notes: Mapping[str, widgets.Widget] | None = None,
        controls_width: str = "300px",
        projector: bool = False,
    ) -> None:
        # A projector app draws its figures at more pixels per inch: the same chart, larger text.
        self.dpi = PROJECTOR_DPI if projector else DPI
        self._kept: dict[tuple[float, float], KeptFigure] = {}
        self.status = widgets.HTML(layout={"margin": "0"})
        self.status.add_class("fi-explorer-status")
        self.summary = widgets.HTML()
        self.summary.add_class("fi-explorer-summary")
        self.output = widgets.Output()
        self.output.add_class("fi-explorer-output")
        heading = widgets.HTML(f'<h4 class="fi-explorer-title">{html.escape(self.title)}</h4>{EXPLORER_CSS}')
        panel = widgets.VBox(list(controls), layout={"grid_area": "controls"})
        panel.add_class("fi-explorer-controls")
        figure = widgets.VBox([self.status, self.output], layout={"grid_area": "figure"})
        figure.add_class("fi-explorer-figure")
        self.summary.layout.grid_area = "summary"
        heading.layout.grid_area = "title"
        children = [heading, panel, figure, self.summary, keyboard_scope()]
        self.notes = None
        if notes:
            self.notes = widgets.Accordion(
                children=list(notes.values()), titles=tuple(notes), selected_index=None
            )
            self.notes.layout.grid_area = "notes"
            children.append(self.notes)
        super().__init__(
            children=children,
            layout=widgets.Layout(
                grid_template_columns=f"minmax(220px, {controls_width}) minmax(0, 1fr)",
                grid_template_areas='"title title" "controls figure" "controls summary" "notes notes"',
                width="100%",
            ),
        )
        self.add_class("fi-explorer")
        self.add_class(SCOPE_CLASS)
        self.last_view: View | None = None
        self.renders = 0  # figures drawn, for tests and benchmarks
        self._drawing = False
        self._holds = 0
        self._stale = False

    # --- what a subclass provides -----------------------------------------------------------------

    def view(self) -> View:
        """Return what the controls now ask for: a View, or a View with a problem for bad input."""
        raise NotImplementedError

    def show(self, ax) -> CourseFigure:
        """Return the figure of ax as this explorer shows it (at a projector's size in an app)."""
        return show(ax, self.dpi)

    def kept_axes(self, size: tuple[float, float]):
        """Return empty Axes on the figure this explorer keeps for charts of this size (inches).

        A chart drawn on it at every redraw measures only the texts that changed (KeptFigure).
        """
        if size not in self._kept:
            self._kept[size] = KeptFigure(size, self.dpi)
        return self._kept[size].axes()

    # --- wiring --------------------------------------------------------------------------------------

    def watch(self, *controls: widgets.Widget) -> None:
        """Redraw whenever one of these controls changes its value."""
        for control in controls:
            control.observe(self.refresh, names="value")

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Change several controls at once: one redraw when the block ends, none on the way."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
        if not self._holds and self._stale:
            self.refresh()

    def refresh(self, _change: object = None) -> None:
        """Redraw from the controls; a change that arrives during a redraw is drawn right after it."""
        self._stale = True
        if self._holds or self._drawing:
            return
        self._drawing = True
        self.add_class("fi-busy")
        self.status.value = BUSY_TEXT
        try:
            while self._stale:
                self._stale = False
                self._show(self.view())
        finally:
            self._drawing = False
            self.remove_class("fi-busy")
            self.status.value = ""

    def _show(self, view: View) -> None:
        self.last_view = view
        if view.problem:
            self.summary.value = problem_html(view.problem)
            self.output.outputs = ()
            return
        self.summary.value = view.summary
        show_in(self.output, *view.figures)
        self.renders += len(view.figures)

    # --- for readers without a kernel ---------------------------------------------------------------

    @property
    def figure_alt(self) -> str:
        """Return the alt text of the figures shown last ('' when none)."""
        figures = self.last_view.figures if self.last_view else ()
        return " ".join(f.alt for f in figures)

    def as_text(self) -> str:
        """Return what the explorer shows now, in words: the problem, or the summary and figure alt."""
        view = self.last_view
        if view is None:
            return ""
        if view.problem:
            return f"Please check: {view.problem}"
        return " ".join(part for part in (plain_text(view.summary), self.figure_alt) if part)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        # Without a kernel (a page exported to HTML) the widget cannot draw: say what it shows.
        bundle["text/plain"] = (
            f"{self.title} (open this notebook in JupyterLab with a running kernel to use it). "
            f"{self.as_text()}"
        ).strip()
        return bundle
