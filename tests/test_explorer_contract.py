"""The explorer contract: one layout, one redraw path, one guard, a busy state, one result, text."""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as widgets
import pytest
from course_root import ROOT

from fourislands import explore, figures
from fourislands.explore.catalog import EXPLORERS
from fourislands.explore.explorer import BUSY_TEXT, Explorer, View, plain_text, starting_notice


class Doubler(Explorer):
    """A small explorer for the contract: doubles a number; says what to do for a negative one."""

    title = "Doubler"

    def __init__(self, rewrite_to: int | None = None) -> None:
        self.number = widgets.IntText(value=1)
        self.other = widgets.IntText(value=0)
        super().__init__([self.number, self.other], notes={"Long table": widgets.HTML("<p>rows</p>")})
        self.rewrite_to = rewrite_to
        self.seen: list[tuple[int, int]] = []  # the values each view() read
        self.during: list[tuple[bool, str]] = []  # busy class and status while view() ran
        self.depth = self.deepest = 0
        self.watch(self.number, self.other)
        self.refresh()

    def view(self) -> View:
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)
        try:
            self.during.append(("fi-busy" in self._dom_classes, self.status.value))
            self.seen.append((self.number.value, self.other.value))
            if self.rewrite_to is not None and self.number.value != self.rewrite_to:
                self.number.value = self.rewrite_to  # a view that moves a control, as a preset does
            if self.number.value < 0:
                return View(problem="Choose a number of 0 or more.")
            return View(summary=f"<p>Twice {self.number.value} is <b>{2 * self.number.value}</b>.</p>")
        finally:
            self.depth -= 1


def test_the_layout_puts_controls_beside_the_figure_and_folds_the_notes():
    explorer = Doubler()
    assert "fi-explorer" in explorer._dom_classes
    areas = explorer.layout.grid_template_areas
    assert '"controls figure"' in areas and '"controls summary"' in areas
    columns = explorer.layout.grid_template_columns.split(" ", 1)
    assert columns[0].startswith("minmax(") and "1fr" in columns[1]
    placed = {child.layout.grid_area for child in explorer.children}
    assert {"title", "controls", "figure", "summary", "notes"} <= placed
    assert explorer.notes.selected_index is None and explorer.notes.titles == ("Long table",)
    assert "fi-explorer-output" in explorer.output._dom_classes


def test_a_change_redraws_once_and_shows_busy_only_while_drawing():
    explorer = Doubler()
    explorer.number.value = 21
    assert explorer.seen[-1] == (21, 0) and len(explorer.seen) == 2
    assert "42" in explorer.summary.value
    assert all(busy and status == BUSY_TEXT for busy, status in explorer.during)
    assert "fi-busy" not in explorer._dom_classes and explorer.status.value == ""


def test_bad_input_gives_one_message_and_no_figure():
    explorer = Doubler()
    explorer.number.value = -3
    assert explorer.last_view.problem and not explorer.last_view.ok
    assert "Please check" in explorer.summary.value and "0 or more" in explorer.summary.value
    assert explorer.output.outputs == ()
    assert explorer.as_text() == "Please check: Choose a number of 0 or more."
    explorer.number.value = 4
    assert explorer.last_view.ok and "8" in explorer.summary.value


def test_holding_sets_several_controls_with_one_redraw():
    explorer = Doubler()
    before = len(explorer.seen)
    with explorer.holding():
        explorer.number.value = 5
        explorer.other.value = 7
        with explorer.holding():  # nested holds redraw once, when the outer one ends
            explorer.number.value = 6
        assert len(explorer.seen) == before
    assert explorer.seen[before:] == [(6, 7)]


def test_a_control_moved_during_a_redraw_is_drawn_after_it_never_inside_it():
    explorer = Doubler(rewrite_to=10)
    explorer.number.value = 3
    assert explorer.deepest == 1, "view() ran inside another view()"
    assert explorer.seen[-1] == (10, 0) and "20" in explorer.summary.value


def test_a_page_without_a_kernel_says_what_the_explorer_shows():
    explorer = Doubler()
    explorer.number.value = 2
    text = explorer._repr_mimebundle_()["text/plain"]
    assert text.startswith("Doubler (open this notebook in JupyterLab")
    assert text.endswith("Twice 2 is 4.")


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>A &amp; B</p><ul><li>one</li><li>two</li></ul>", "A & B one two"),
        ("<style>p { color: red }</style><p>shown</p>", "shown"),
        ("<p>Japan: <strong>60%</strong>, Russia: 70%.</p><p>Next</p>", "Japan: 60%, Russia: 70%. Next"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
        ("plain", "plain"),
    ],
)
def test_plain_text_keeps_the_words_and_drops_the_markup(fragment, text):
    assert plain_text(fragment) == text


# What the base class alone provides: a subclass that redefined one would have a second copy.
SHARED = ("refresh", "holding", "watch", "as_text", "_show", "_repr_mimebundle_", "figure_alt")


def test_every_explorer_module_is_in_the_catalog():
    folder = Path(explore.__file__).parent
    modules = {f"fourislands.explore.{p.stem}" for p in folder.glob("*.py")} - {
        "fourislands.explore.__init__",
        "fourislands.explore.explorer",
        "fourislands.explore.catalog",
    }
    assert modules == {make.__module__ for make in EXPLORERS.values()}


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorer_follows_the_contract_and_starts_drawn(name):
    explorer = EXPLORERS[name]()
    assert isinstance(explorer, Explorer)
    for member in SHARED:
        assert getattr(type(explorer), member) is getattr(Explorer, member), f"{name} redefines {member}"
    assert type(explorer).title != Explorer.title, f"{name} has no title of its own"
    assert explorer.last_view is not None and explorer.last_view.ok, explorer.as_text()
    assert explorer.summary.value and explorer.as_text()
    assert "fi-busy" not in explorer._dom_classes and explorer.status.value == ""
    controls = next(c for c in explorer.children if c.layout.grid_area == "controls")
    assert controls.children, f"{name} has no controls in its column"


def test_a_starting_notice_is_hidden_when_empty_and_escapes_what_it_says():
    assert starting_notice(None).value == "" and starting_notice(None).layout.display == "none"
    shown = starting_notice("Latitude <b>91</b> is off the map.")
    assert shown.layout.display is None and 'role="status"' in shown.value
    assert "&lt;b&gt;91&lt;/b&gt;" in shown.value and "<b>" not in shown.value


# The explorers a projector app shows: the factory each app notebook imports.
IN_APPS = {
    name
    for name, make in EXPLORERS.items()
    for app in (ROOT / "apps").glob("0*.ipynb")
    if re.search(
        rf"from {re.escape(make.__module__)} import {make.__name__}\b", app.read_text(encoding="utf-8")
    )
}


def test_every_app_shows_an_explorer_of_its_own():
    # Else an app whose import this test could not read would go untested on the projector.
    assert len(IN_APPS) == len(list((ROOT / "apps").glob("0*.ipynb")))


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorer_figure_shows_its_text_at_11_px_beside_the_controls(name):
    explorer = EXPLORERS[name]()
    for shown in explorer.last_view.figures:
        if not hasattr(shown, "text_px"):
            continue  # a table, not an image
        assert shown.width_px <= figures.EXPLORER_WIDTH_PX, f"{name}: drawn wider than its column"
        text = shown.shown_text_px(figures.EXPLORER_WIDTH_PX, figures.EXPLORER_HEIGHT_PX)
        assert text >= figures.LEAST_TEXT_PX, f"{name}: smallest text {text:.1f} px as shown"


@pytest.mark.parametrize("name", sorted(IN_APPS))
def test_every_app_explorer_draws_for_the_back_of_the_room(name):
    explorer = EXPLORERS[name](projector=True)
    assert explorer.dpi == figures.PROJECTOR_DPI
    assert explorer.last_view.figures, f"{name} shows no figure in its app"
    for shown in explorer.last_view.figures:
        text = shown.shown_text_px(figures.PROJECTOR_WIDTH_PX, figures.PROJECTOR_HEIGHT_PX)
        assert text >= figures.PROJECTOR_TEXT_PX, f"{name}: smallest text {text:.1f} px on the projector"
