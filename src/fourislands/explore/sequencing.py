"""The "eat and run" explorer (lesson 04): the game of model/economy.py as a widget, steps as a table.

The game is in model/economy.py and its chart in charts/economy.py; this module words a played
game (`summary_html`, `steps_html`) and shows it in the course's explorer (explore/explorer.py).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..charts.economy import EXPOSURE_EXPLORER_SIZE, exposure_chart
from ..model.economy import (
    FIELDS,
    NAMES,
    ORDERS,
    SIDES,
    VALUE_LIMIT,
    Game,
    Values,
    _fmt,
    _points_words,
    check_game,
    eight_points,
    explain,
    play,
    presets,
)
from .explorer import Explorer, View

CELL = "padding: 3px 8px; border: 1px solid #999; text-align: left; vertical-align: top;"
# The plan points under each of Japan's steps, as visible text (the title tooltip repeats them).
POINTS_LIST = "margin: 2px 0 0 0; padding-left: 0.8em; list-style: none; font-size: 90%; color: #333;"
# Where the explorer starts unless told: the order, the installments and the preset of values.
START = ("japan-first", 4, "both-gain")
STEPS_NOTE = "The steps, one by one: what is handed over, and each side's account"
# The sliders' labels are long: they wrap in a fixed width, and the row grows to hold them.
LABEL_STYLE = {"description_width": "150px"}
SLIDER_LAYOUT = {"width": "100%", "height": "auto"}
# Widget HTML takes the height of a control row as its line height: text reads better closer.
TEXT_LINES = "line-height: 1.45;"


def steps_html(game: Game) -> str:
    """Return the steps as an HTML table: what is handed over (with the plan points' texts, as
    visible text), and each side's account; '' for a game that is not ok."""
    if not game.ok:
        return ""
    head = "".join(
        f'<th scope="col" style="{CELL}">{label}</th>'
        for label in (
            "Step",
            "Handed over",
            "Japan: given / received / exposed",
            "Russia: given / received / exposed",
            "Would gain by stopping now",
        )
    )
    rows = []
    for step in game.steps:
        parts = []
        if step.japan_points:
            texts = [f"{p}. {game.points[p - 1]}" for p in step.japan_points]
            items = "".join(f"<li>{html.escape(t)}</li>" for t in texts)
            parts.append(
                f'<div><span title="{html.escape(" | ".join(texts), quote=True)}">Japan: plan '
                f"{_points_words(step.japan_points)}</span>"
                f'<ul style="{POINTS_LIST}">{items}</ul></div>'
            )
        if step.russia_part:
            parts.append(f"<div>Russia: {html.escape(step.russia_part)}</div>")
        accounts = [
            f"{_fmt(step.given(s))} / {_fmt(step.received(s))} / <strong>{_fmt(step.exposure(s))}</strong>"
            for s in SIDES
        ]
        stoppers = [f"{NAMES[s]} (+{_fmt(step.gain_by_stopping(s))})" for s in SIDES if step.would_stop(s)]
        cells = [
            str(step.number),
            "".join(parts),
            accounts[0],
            accounts[1],
            ", ".join(stoppers) or "nobody",
        ]
        rows.append("<tr>" + "".join(f'<td style="{CELL}">{c}</td>' for c in cells) + "</tr>")
    return (
        f'<table class="fi-steps" style="border-collapse: collapse; font-size: 90%; {TEXT_LINES}">'
        f"<tr>{head}</tr>{''.join(rows)}</table>"
        "<p><span class='fi-aside'>Given: at what it costs the giver. Received: at what it is worth to the "
        "receiver. Exposed: given minus received, when positive. Under each of Japan's steps are "
        "the points of the plan it hands over.</span></p>"
    )


def summary_html(game: Game) -> str:
    """Return the result in words for the page (a status region screen readers announce); '' for
    a game that is not ok: the explorer shows its message as the problem with the input."""
    if not game.ok:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in explain(game))
    return f'<div role="status" style="{TEXT_LINES}"><ul>{items}</ul></div>'


def preset_of(values: Values, presets: dict[str, tuple[str, Values, str]]) -> str | None:
    """Return the key of the preset with these values, or None when none has them."""
    return next((key for key, (_, preset, _) in presets.items() if preset == values), None)


class SequencingExplorer(Explorer):
    """The sequencing game: order and installments, four values (or a preset), words, chart, table."""

    title = "Sequencing game: who moves first, and in how many steps?"

    def __init__(self, order=None, installments=None, values=None) -> None:
        self.points = eight_points()
        self.presets = presets()
        usual = (START[0], START[1], self.presets[START[2]][1])
        start = (
            usual[0] if order is None else order,
            usual[1] if installments is None else installments,
            usual[2] if values is None else values,
        )
        # Bad starting choices (from code, not from the controls) are shown once as the problem;
        # the controls start where they always do.
        self.start_problem = check_game(*start, self.points) or ""
        start_order, start_n, start_values = usual if self.start_problem else start
        self.order = widgets.ToggleButtons(
            options=[(label, key) for key, label in ORDERS.items()],
            value=start_order,
            style={"button_width": "auto"},
            tooltips=[
                "Japan hands over all its cooperation first",
                "Russia makes its whole step first",
                "Both hand over a part at every step",
            ],
            layout={"width": "100%"},
        )
        self.installments = widgets.IntSlider(
            value=int(start_n),
            min=1,
            max=len(self.points),
            description="Installments each",
            continuous_update=False,
            style=LABEL_STYLE,
            layout=SLIDER_LAYOUT,
        )
        self.preset = widgets.ToggleButtons(
            options=[(label, key) for key, (label, _, _) in self.presets.items()],
            value=None,
            style={"button_width": "auto"},
            tooltips=[text for _, _, text in self.presets.values()],
            layout={"width": "100%"},
        )
        self.sliders = {
            name: widgets.IntSlider(
                value=int(round(float(getattr(start_values, name)))),
                min=0,
                max=VALUE_LIMIT,
                description=label,
                continuous_update=False,
                style=LABEL_STYLE,
                layout=SLIDER_LAYOUT,
            )
            for name, label in FIELDS.items()
        }
        self.about = widgets.HTML()  # what the lit preset stands for
        self.table = widgets.HTML(layout={"overflow": "auto"})  # the steps, in a folded note
        self.game: Game | None = None  # the game shown last
        s = self.sliders
        super().__init__(
            [
                widgets.HTML(
                    "<strong>Who moves first?</strong> Each side fears the other will "
                    "“eat and run” (The Strange Rapprochement, 2017)."
                ),
                self.order,
                self.installments,
                widgets.HTML(
                    f"<strong>Values</strong>: illustrative units from 0 to {VALUE_LIMIT}, not "
                    "measurements. Choose a preset or set the four sliders."
                ),
                self.preset,
                self.about,
                widgets.HTML("<strong>Japan's cooperation</strong>"),
                s["japan_cost"],
                s["russia_gain"],
                widgets.HTML("<strong>Russia's territorial step</strong>"),
                s["russia_cost"],
                s["japan_gain"],
            ],
            notes={STEPS_NOTE: self.table},
            controls_width="340px",
        )
        self.watch(self.order, self.installments, *self.sliders.values())
        self.preset.observe(self._on_preset, names="value")
        self.refresh()

    @property
    def values(self) -> Values:
        return Values(**{name: slider.value for name, slider in self.sliders.items()})

    def _on_preset(self, change) -> None:
        """Set the four sliders to the chosen preset, with one redraw for all four."""
        if change["new"] is None:
            return
        chosen = self.presets[change["new"]][1]
        with self.holding():
            for name, slider in self.sliders.items():
                slider.value = int(getattr(chosen, name))

    def view(self) -> View:
        """Light the preset the sliders match, play the schedule, and show it: words, chart, table."""
        values = self.values
        key = preset_of(values, self.presets)
        self.preset.value = key  # the same values again when lit: no slider moves, no redraw
        about = self.presets[key][2] if key else "Your own values: no preset matches them."
        self.about.value = f"<p><em>{html.escape(about)}</em></p>"
        if self.start_problem:
            problem, self.start_problem = self.start_problem, ""
            return View(
                problem=f"{problem} The controls show where the explorer starts instead: Japan "
                "first, 4 installments, the values where both gain. Move one to play."
            )
        game = play(self.order.value, self.installments.value, values, self.points)
        self.game = game
        self.table.value = steps_html(game)
        if not game.ok:
            return View(problem=game.message)
        chart = exposure_chart(game, ax=self.kept_axes(EXPOSURE_EXPLORER_SIZE))  # a column's width
        return View(summary=summary_html(game), figures=(self.show(chart),))


def sequencing_explorer(order=None, installments=None, values=None) -> SequencingExplorer:
    """Return the sequencing explorer, starting from Japan first, 4 installments, both gain."""
    return SequencingExplorer(order=order, installments=installments, values=values)


__all__ = ["SequencingExplorer", "sequencing_explorer", "steps_html", "summary_html"]
