"""The "eat and run" explorer (lesson 04): the game of model/economy.py as a widget, steps as a table."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..charts.economy import exposure_chart
from ..figures import show, show_in
from ..model.economy import (
    FIELDS,
    NAMES,
    ORDERS,
    PRESETS,
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
)

CELL = "padding: 3px 8px; border: 1px solid #999; text-align: left; vertical-align: top;"
# The plan points under each of Japan's steps, as visible text (the title tooltip repeats them).
POINTS_LIST = "margin: 2px 0 0 0; padding-left: 0.8em; list-style: none; font-size: 90%; color: #333;"


def steps_html(game: Game) -> str:
    """Return the steps as an HTML table: what is handed over (with the plan points' texts, as
    visible text), and each side's account."""
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
        '<table class="fi-steps" style="border-collapse: collapse; font-size: 90%;">'
        f"<tr>{head}</tr>{''.join(rows)}</table>"
        "<p><small>Given: at what it costs the giver. Received: at what it is worth to the "
        "receiver. Exposed: given minus received, when positive. Under each of Japan's steps are "
        "the points of the plan it hands over.</small></p>"
    )


def summary_html(game: Game) -> str:
    """Return the result in words for the page (a status region screen readers announce)."""
    if not game.ok:
        return (
            '<div role="status" class="fi-explorer-message"><strong>Please check:</strong> '
            f"{html.escape(game.message)}</div>"
        )
    items = "".join(f"<li>{html.escape(line)}</li>" for line in explain(game))
    return f'<div role="status" class="fi-explorer-message"><ul>{items}</ul></div>'


class SequencingExplorer(widgets.VBox):
    """The sequencing game: order and installments, four values (or a preset), words, chart, table."""

    def __init__(self, order=None, installments=None, values=None) -> None:
        self.points = eight_points()
        start_order = "japan-first" if order is None else order
        start_n = 4 if installments is None else installments
        start_values = PRESETS["both-gain"][1] if values is None else values
        problem = check_game(start_order, start_n, start_values, self.points)
        notice = ""
        if problem:
            notice = (
                f'<div role="status" class="fi-explorer-message"><strong>Please check:</strong> '
                f"{html.escape(problem)} The explorer starts from Japan first, 4 installments, "
                "and the values where both gain.</div>"
            )
            start_order, start_n, start_values = "japan-first", 4, PRESETS["both-gain"][1]
        self.order = widgets.ToggleButtons(
            options=[(label, key) for key, label in ORDERS.items()],
            value=start_order,
            description="Who moves first:",
            style={"button_width": "auto", "description_width": "initial"},
            tooltips=[
                "Japan hands over all its cooperation first",
                "Russia makes its whole step first",
                "Both hand over a part at every step",
            ],
        )
        self.installments = widgets.IntSlider(
            value=int(start_n),
            min=1,
            max=len(self.points),
            description="Installments each",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.preset = widgets.ToggleButtons(
            options=[(label, key) for key, (label, _, _) in PRESETS.items()],
            value=None,
            description="Values:",
            style={"button_width": "auto", "description_width": "initial"},
            tooltips=[text for _, _, text in PRESETS.values()],
        )
        self.sliders = {
            name: widgets.IntSlider(
                value=int(round(float(getattr(start_values, name)))),
                min=0,
                max=VALUE_LIMIT,
                description=label,
                continuous_update=False,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="420px"),
            )
            for name, label in FIELDS.items()
        }
        self.about = widgets.HTML()
        self.notice = widgets.HTML(notice)
        self.summary = widgets.HTML()
        self.output = widgets.Output()
        self.output.add_class("fi-explorer-output")
        self.table = widgets.HTML()
        self.game: Game | None = None
        self.renders = 0
        self._syncing = False
        grid = widgets.GridBox(
            [
                widgets.HTML("<strong>Japan</strong>"),
                widgets.HTML("<strong>Russia</strong>"),
                self.sliders["japan_cost"],
                self.sliders["russia_gain"],
                self.sliders["japan_gain"],
                self.sliders["russia_cost"],
            ],
            layout=widgets.Layout(grid_template_columns="430px 430px", grid_gap="4px 12px"),
        )
        super().__init__(
            [
                widgets.HTML(
                    "<strong>Who moves first, and in how many steps?</strong> The values are "
                    f"illustrative units from 0 to {VALUE_LIMIT}, not measurements; the fears are "
                    "those of The Strange Rapprochement (reading 000)."
                ),
                self.order,
                self.installments,
                self.preset,
                self.about,
                grid,
                self.notice,
                self.summary,
                self.output,
                self.table,
            ]
        )
        self.add_class("fi-explorer")
        self._match_preset()
        self.order.observe(self._on_change, names="value")
        self.installments.observe(self._on_change, names="value")
        self.preset.observe(self._on_preset, names="value")
        for slider in self.sliders.values():
            slider.observe(self._on_values, names="value")
        self.redraw()

    @property
    def values(self) -> Values:
        return Values(**{name: slider.value for name, slider in self.sliders.items()})

    def _match_preset(self) -> None:
        """Light the preset button whose values the sliders hold, and describe it; else none."""
        current = self.values
        key = next((k for k, (_, v, _) in PRESETS.items() if v == current), None)
        self._syncing = True
        try:
            self.preset.value = key
        finally:
            self._syncing = False
        self.about.value = (
            f"<p><em>{html.escape(PRESETS[key][2])}</em></p>"
            if key
            else "<p><em>Your own values: no preset matches them.</em></p>"
        )

    def _on_preset(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        chosen = PRESETS[change["new"]][1]
        self._syncing = True
        try:
            for name, slider in self.sliders.items():
                slider.value = int(getattr(chosen, name))
        finally:
            self._syncing = False
        self._match_preset()
        self.redraw()

    def _on_values(self, _change) -> None:
        if self._syncing:
            return
        self._match_preset()
        self.redraw()

    def _on_change(self, _change) -> None:
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        words = " ".join(explain(self.game)) if self.game else ""
        bundle["text/plain"] = (
            f"Sequencing explorer (open this notebook in JupyterLab with a running kernel to use it). {words}"
        ).strip()
        return bundle

    def redraw(self) -> None:
        """Play the schedule, write it in words, draw the exposure chart and the table."""
        game = play(self.order.value, self.installments.value, self.values, self.points)
        self.game = game
        self.summary.value = summary_html(game)
        self.table.value = steps_html(game)
        if not game.ok:
            self.output.outputs = ()
            return
        show_in(self.output, show(exposure_chart(game)))
        self.renders += 1


def sequencing_explorer(order=None, installments=None, values=None) -> SequencingExplorer:
    """Return the sequencing explorer, starting from Japan first, 4 installments, both gain."""
    return SequencingExplorer(order=order, installments=installments, values=values)


__all__ = ["SequencingExplorer", "sequencing_explorer", "steps_html", "summary_html"]
