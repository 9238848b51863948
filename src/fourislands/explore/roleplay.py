"""Lesson 07 role-play scorer: the widget and its HTML, over the scoring of model/seminar.py.

`roleplay_explorer()` is the thin ipywidgets view (an Explorer): a toggle row for the scenario
(the red lines of 2026, the default, or of 2018), radio buttons for the four parts and buttons for
starting positions in a column beside the map, the verdict under it, and the reasons for every
score and the score chart folded in notes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets
import pandas as pd

from ..charts.seminar import EXPLORER_SIZE, package_map, package_score_chart
from ..data import load
from ..figures import show_in
from ..lesson import source_html
from ..model.seminar import (
    ACCESS,
    CROSSED,
    DEFAULT_SCENARIO,
    ECONOMY,
    KEPT,
    NOT_AT_STAKE,
    PARTLY,
    SCENARIOS,
    SECURITY,
    SIDES,
    WEIGHTINGS,
    Package,
    PackageScore,
    check_package,
    evidence,
    presets,
    score_package,
)
from .explorer import Explorer, View, problem_html, starting_notice

# A symbol beside each red line's status, so the status does not rest on its word alone.
SYMBOLS = {KEPT: "\u2714", PARTLY: "\u25d0", CROSSED: "\u2718", NOT_AT_STAKE: "\u2013"}


# ---------------------------------------------------------------------------- in words, as HTML


def _percent(value: float) -> str:
    """A poll share at the data's precision (one decimal at most): 63.9, 75, not 64 or 75.0."""
    return f"{round(float(value), 1):g}"


def _status(status: str) -> str:
    return f"{SYMBOLS[status]} {status}"


def summary_html(score: PackageScore) -> str:
    """Return the package and its verdict as HTML that screen readers announce."""
    if not score.ok:
        return problem_html(score.message)
    parts = "".join(f"<li><strong>{html.escape(p)}:</strong> {html.escape(v)}</li>" for p, v in score.parts())
    return (
        f'<div role="status" class="fi-explorer-message"><p><strong>The package</strong></p><ul>{parts}</ul>'
        f"<p>{html.escape(score.message)}</p></div>"
    )


def details_html(score: PackageScore, sources: pd.DataFrame | None = None) -> str:
    """Return every red line and every poll of a scored package, with the reason, as HTML."""
    if not score.ok:
        return ""
    sources = load("sources").set_index("id") if sources is None else sources
    blocks = []
    for side, name in SIDES.items():
        rows = "".join(
            "<tr>"
            f"<td style='white-space: nowrap;'>{html.escape(_status(c.status))}</td>"
            f"<td>{html.escape(c.statement)}<br><span class='fi-aside'>{source_html(c.source_id, sources)}"
            f"{', reading issue ' + html.escape(c.issue_id) if c.issue_id else ''}; "
            f"weight {c.weight:g}</span></td>"
            f"<td>{html.escape(c.reason)}</td></tr>"
            for c in score.lines
            if c.side == side
        )
        blocks.append(
            f"<p><strong>{name}'s red lines of {html.escape(score.scenario)}:</strong> "
            f"{score.red_line_score(side):.0f} of 100 kept "
            f"({html.escape(WEIGHTINGS[score.weighting])})</p><table class='fi-red-lines'>"
            f"<tr><th>status</th><th>red line</th><th>why</th></tr>{rows}</table>"
        )
    polls = "".join(
        f"<li><strong>{html.escape(o.group)} ({html.escape(o.poll)}), {html.escape(o.measure)}: "
        f"{_percent(o.score)}%.</strong> {html.escape(o.reason)} "
        f"<span class='fi-aside'>({source_html(o.sources[0], sources)})</span></li>"
        for o in score.opinions
    )
    blocks.append(f"<p><strong>The publics</strong></p><ul>{polls}</ul>")
    why = (
        "They are the course's choice, not the readings'"
        if score.weighting == "illustrative"
        else "The readings give no weights, so this is one choice among others"
    )
    blocks.append(
        "<p><span class='fi-aside'>"
        f"Scenario: {html.escape(SCENARIOS[score.scenario])}. "
        f"Weights: {html.escape(WEIGHTINGS[score.weighting])}. {why}. A kept line counts 1, "
        "partly kept 0.5, crossed 0, and lines not at stake are left out of a side's score.</span></p>"
    )
    return "".join(blocks)


def score_html(score: PackageScore, sources: pd.DataFrame | None = None) -> str:
    """Return a scored package in words, as HTML: the verdict, every red line, every poll."""
    return summary_html(score) + details_html(score, sources)


# ---------------------------------------------------------------------------- the widget

# The notes under the explorer, folded, in this order: the reasons, then the score chart.
DETAILS_NOTE = "Why: every red line and poll, with its reason and source"
CHART_NOTE = "The scores as a bar chart"
CHART_INDEX = 1
# The explorer's column is narrow: each group's name goes above its choices, and a long
# button label wraps instead of being cut off.
ROLEPLAY_CSS = """<style>
.fi-roleplay .fi-explorer-controls .widget-radio { flex-direction: column; align-items: stretch; }
.fi-roleplay .fi-explorer-controls .widget-radio > .widget-label { width: auto; text-align: left;
  font-weight: bold; margin: 6px 0 2px 0; }
.fi-roleplay .fi-explorer-controls .widget-button { white-space: normal; height: auto;
  min-height: var(--jp-widgets-inline-height, 28px); }
</style>"""


def publics_html(score: PackageScore) -> str:
    """Return the three publics' shares in one paragraph ('' for a package that was not scored)."""
    if not score.ok:
        return ""
    shares = "; ".join(
        f"{html.escape(o.group)} ({html.escape(o.poll)}), {html.escape(o.measure)}: {_percent(o.score)}%"
        for o in score.opinions
    )
    return f"<p><strong>The publics:</strong> {shares}.</p>"


# The scenario row: few words a button, so that the row stays one line in the narrow column.
SCENARIO_BUTTONS = {
    "2026": ("2026: now", "The red lines that bind in 2026, the seminar's default"),
    "2018": ("2018: the readings", "The red lines of 2018, as the readings report them"),
}


def _scenario_row(value: str) -> widgets.ToggleButtons:
    """Return the scenario's toggle row: the keyboard scope announces it as a radio group.

    Its class fi-setting marks a control that changes the verdict's words but not the map.
    """
    row = widgets.ToggleButtons(
        options=[(label, key) for key, (label, _) in SCENARIO_BUTTONS.items()],
        value=value,
        description="Red lines of",
        tooltips=[about for _, about in SCENARIO_BUTTONS.values()],
        style={"button_width": "auto", "description_width": "initial"},
        layout=widgets.Layout(width="auto"),
    )
    row.add_class("fi-setting")
    return row


def _radio(options: Mapping[str, tuple[str, str]], value: str, description: str) -> widgets.RadioButtons:
    return widgets.RadioButtons(
        options=[(label, key) for key, (label, _) in options.items()],
        value=value,
        description=description,
        layout=widgets.Layout(width="auto"),
        style={"description_width": "initial"},
    )


class RoleplayExplorer(Explorer):
    """The role-play scorer: a package's four parts in a column, the map, the verdict, the reasons."""

    title = "Role-play scorer: a package against each side's red lines and publics"

    def __init__(
        self,
        package: Package | tuple | None = None,
        draw_map: bool = True,
        projector: bool = False,
        scenario: str = DEFAULT_SCENARIO,
    ) -> None:
        self.evidence = evidence()
        self.sources = load("sources").set_index("id")
        self.islands = load("islands")
        positions = presets()
        default = Package(*positions["The 1956 text plus guarantees"])
        start, notice = default, None
        if isinstance(package, Package):
            start = package
        elif isinstance(package, tuple | list) and 1 <= len(package) <= 4:
            start = Package(*package)
        elif package is not None:
            notice = "Give the starting package as Package(...) or a tuple of up to four choices."
        notice = notice or check_package(
            start.territory, start.security, start.economy, start.access, self.evidence
        )
        if notice:
            start = default
            notice = f"{notice} The explorer starts from the 1956 text instead."
        if not isinstance(scenario, str) or scenario not in SCENARIOS:
            unknown = (
                f"There is no scenario {str(scenario)[:40]!r}: the explorer starts in {DEFAULT_SCENARIO}."
            )
            notice = f"{notice} {unknown}" if notice else unknown
            scenario = DEFAULT_SCENARIO
        territories = {k: (t.label, "") for k, t in self.evidence.territories.items()}
        self.scenario = _scenario_row(scenario)
        self.territory = _radio(territories, start.territory, "Territory")
        self.security = _radio(SECURITY, start.security, "Security on transferred islands")
        self.economy = _radio(ECONOMY, start.economy, "Economy")
        self.access = _radio(ACCESS, start.access, "Access for former residents")
        self.weighting = _radio({k: (v, "") for k, v in WEIGHTINGS.items()}, "illustrative", "Weights")
        self.draw_map = widgets.Checkbox(
            value=draw_map, description="Draw the map", indent=False, layout={"width": "auto"}
        )
        self.presets = []
        for label in positions:
            button = widgets.Button(description=label, layout=widgets.Layout(width="auto"), tooltip=label)
            button.on_click(lambda _b, chosen=label: self.use(Package(*positions[chosen])))
            self.presets.append(button)
        # A starting package the controls cannot show: say so beside them, and start from the default.
        self.notice = starting_notice(notice)
        self.details = widgets.HTML()
        self.chart = widgets.Output()
        self.last_score: PackageScore | None = None
        self._charted: PackageScore | None = None  # the score the chart in its note shows
        choices = (self.territory, self.security, self.economy, self.access, self.weighting, self.draw_map)
        super().__init__(
            [
                widgets.HTML(
                    "<strong>Build a package:</strong> one choice in each group, or start from a "
                    f"position.{ROLEPLAY_CSS}"
                ),
                self.notice,
                self.scenario,
                widgets.HTML("<strong>Start from:</strong>", layout={"margin": "6px 0 0 0"}),
                *self.presets,
                *choices,
            ],
            notes={DETAILS_NOTE: self.details, CHART_NOTE: self.chart},
            controls_width="340px",
            projector=projector,
        )
        self.add_class("fi-roleplay")
        # The chart costs as much as the map: it is drawn only while its note is open.
        self.notes.observe(lambda _change: self._draw_chart(), names="selected_index")
        self.watch(self.scenario, *choices)
        self.refresh()

    @property
    def package(self) -> Package:
        """The package the controls show."""
        return Package(self.territory.value, self.security.value, self.economy.value, self.access.value)

    def use(self, package: Package) -> None:
        """Set every control to a package, then redraw once."""
        with self.holding():
            self.territory.value = package.territory
            self.security.value = package.security
            self.economy.value = package.economy
            self.access.value = package.access

    def view(self) -> View:
        """Score the package the controls show: the map, the verdict, the reasons in the notes."""
        score = score_package(
            self.package, weighting=self.weighting.value, scenario=self.scenario.value, ev=self.evidence
        )
        self.last_score = score
        self._draw_chart()
        if not score.ok:
            self.details.value = ""
            return View(problem=score.message)
        self.details.value = details_html(score, self.sources)
        figures = (
            (self.show(package_map(self.islands, score, ax=self.kept_axes(EXPLORER_SIZE))),)
            if self.draw_map.value
            else ()
        )
        return View(summary=summary_html(score) + publics_html(score), figures=figures)

    def _draw_chart(self) -> None:
        """Draw the score chart into its note while the note is open; empty it while it is folded."""
        score = self.last_score
        if score is self._charted:
            return
        if self.notes.selected_index == CHART_INDEX and score is not None and score.ok:
            show_in(self.chart, self.show(package_score_chart(score, size=EXPLORER_SIZE)))
            self.renders += 1
            self._charted = score
        else:
            self.chart.outputs = ()  # drawn again when the note is opened
            self._charted = None


def roleplay_explorer(
    package: Package | tuple | None = None,
    draw_map: bool = True,
    projector: bool = False,
    scenario: str = DEFAULT_SCENARIO,
) -> RoleplayExplorer:
    """Return the role-play explorer, starting from `package` (default: the 1956 text plus guarantees).

    `scenario` chooses the red lines it starts with: '2026' (the default, the lines that bind now)
    or '2018' (the lines the readings report); a toggle row beside the map switches between them.
    """
    return RoleplayExplorer(package, draw_map, projector, scenario)
