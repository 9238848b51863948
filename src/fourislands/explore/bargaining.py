"""The bargaining game: Su Wang's "revised prisoner's dilemma" as a 2x2 payoff matrix.

Su Wang 2013 describes the Japan-Russia bargain as "a revised prisoner
dilemma in which Japan can only choose 'cooperation'", and concludes that "it is Russia's
interest to keep choosing 'defection'". She gives no numbers. The payoffs here are ranks the
student can edit (higher is better for that side), not measured values.

The logic is plain functions on a matrix {(japan_move, russia_move): (japan_payoff,
russia_payoff)}; `bargaining_explorer()` is a thin explorer (explorer.py) on top of them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass

import ipywidgets as widgets

from ..data import load
from .explorer import Explorer, View

MOVES = ("cooperate", "defect")
PLAYERS = ("japan", "russia")
NAMES = {"japan": "Japan", "russia": "Russia"}
# What each move stands for in the readings.
MEANING = {
    ("japan", "cooperate"): "keep investing and buying energy",
    ("japan", "defect"): "hold back investment and trade",
    ("russia", "cooperate"): "make a territorial concession",
    ("russia", "defect"): "make no territorial concession",
}
PAYOFF_LIMIT = 10  # the editable cells run from -10 to 10

Matrix = dict[tuple[str, str], tuple[float, float]]


def presets() -> dict[str, tuple[str, Matrix]]:
    """Return the preset matrices (id -> what the preset means, matrix), from data/bargaining_presets.csv.

    Their payoffs are illustrative ranks, 0 (worst) to 5 (best) for each side.
    """
    return {
        str(row["id"]): (
            str(row["about"]),
            {
                (j, r): (int(row[f"{j[0]}{r[0]}_japan"]), int(row[f"{j[0]}{r[0]}_russia"]))
                for j in MOVES
                for r in MOVES
            },
        )
        for row in load("bargaining_presets").to_dict("records")
    }


def preset_labels() -> list[tuple[str, str]]:
    """Return the presets' button labels and ids, in the table's order."""
    table = load("bargaining_presets")
    return [(str(label), str(key)) for label, key in zip(table["label"], table["id"], strict=True)]


class PayoffError(ValueError):
    """A payoff matrix the game cannot use; the message says what is wrong, in words."""


def _other(player: str) -> str:
    return "russia" if player == "japan" else "japan"


def _cell(player: str, own: str, theirs: str) -> tuple[str, str]:
    return (own, theirs) if player == "japan" else (theirs, own)


def _payoff(matrix: Mapping, player: str, own: str, theirs: str) -> float:
    return matrix[_cell(player, own, theirs)][PLAYERS.index(player)]


def check_matrix(matrix: Mapping) -> Matrix:
    """Return the matrix with float payoffs, or raise PayoffError saying what is wrong."""
    if not isinstance(matrix, Mapping):
        raise PayoffError("The payoff matrix must map (Japan's move, Russia's move) to two payoffs.")
    cells = [(j, r) for j in MOVES for r in MOVES]
    missing = [c for c in cells if c not in matrix]
    if missing:
        listed = "; ".join(f"Japan {j}s, Russia {r}s" for j, r in missing)
        raise PayoffError(f"The matrix has no payoffs for: {listed}.")
    extra = [c for c in matrix if c not in cells]
    if extra:
        raise PayoffError(f"The moves are 'cooperate' and 'defect'; the matrix also has {extra}.")
    checked: Matrix = {}
    for cell in cells:
        pair = matrix[cell]
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise PayoffError(f"Each cell needs two payoffs (Japan's, Russia's); {cell} has {pair!r}.")
        values = []
        for who, value in zip(PLAYERS, pair, strict=True):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise PayoffError(f"{NAMES[who]}'s payoff in {cell} must be a number, not {value!r}.")
            if not math.isfinite(value):
                raise PayoffError(f"{NAMES[who]}'s payoff in {cell} must be a finite number.")
            values.append(float(value))
        checked[cell] = (values[0], values[1])
    return checked


def best_responses(matrix: Mapping, player: str) -> dict[str, tuple[str, ...]]:
    """Return, for each move of the other side, the player's best move(s) (both on a tie)."""
    if player not in PLAYERS:
        raise PayoffError(f"The player must be 'japan' or 'russia', not {player!r}.")
    matrix = check_matrix(matrix)
    replies = {}
    for theirs in MOVES:
        payoffs = {own: _payoff(matrix, player, own, theirs) for own in MOVES}
        best = max(payoffs.values())
        replies[theirs] = tuple(m for m in MOVES if payoffs[m] == best)
    return replies


def nash_equilibria(matrix: Mapping) -> list[tuple[str, str]]:
    """Return the cells (Japan's move, Russia's move) where each side's move is a best reply."""
    matrix = check_matrix(matrix)
    japan, russia = best_responses(matrix, "japan"), best_responses(matrix, "russia")
    return [(j, r) for j in MOVES for r in MOVES if j in japan[r] and r in russia[j]]


def dominant_strategy(matrix: Mapping, player: str) -> tuple[str, bool] | None:
    """Return (move, strict) if one move is best whatever the other side does, else None.

    `strict` is True when the move does strictly better against every move of the other side.
    """
    replies = best_responses(matrix, player)
    for move in MOVES:
        if all(move in best for best in replies.values()):
            strict = all(best == (move,) for best in replies.values())
            if strict or not all(len(best) == 2 for best in replies.values()):
                return move, strict
    return None


def better_for_both(matrix: Mapping, cell: tuple[str, str]) -> list[tuple[str, str]]:
    """Return the cells that give both sides strictly more than `cell` (the 'dilemma')."""
    matrix = check_matrix(matrix)
    japan, russia = matrix[cell]
    return [c for c, (j, r) in matrix.items() if j > japan and r > russia]


def _fmt(value: float) -> str:
    return f"{value:g}"


def _cell_words(cell: tuple[str, str]) -> str:
    return f"Japan {cell[0]}s and Russia {cell[1]}s"


def explain(matrix: Mapping) -> list[str]:
    """Return the game in sentences: each side's best replies, dominant moves, equilibria, and
    what would have to change for cooperating to pay."""
    matrix = check_matrix(matrix)
    lines = []
    for player in PLAYERS:
        other = _other(player)
        for theirs in MOVES:
            c = _payoff(matrix, player, "cooperate", theirs)
            d = _payoff(matrix, player, "defect", theirs)
            if c > d:
                verdict = f"cooperating pays (by {_fmt(c - d)})"
            elif d > c:
                verdict = f"defecting pays (by {_fmt(d - c)})"
            else:
                verdict = "both moves pay the same"
            lines.append(
                f"If {NAMES[other]} {theirs}s, {NAMES[player]} gets {_fmt(c)} by cooperating and "
                f"{_fmt(d)} by defecting: {verdict}."
            )
        dominant = dominant_strategy(matrix, player)
        if dominant:
            move, strict = dominant
            kind = "a dominant strategy" if strict else "a weakly dominant strategy"
            how = "more" if strict else "at least as well"
            lines.append(
                f"{NAMES[player]}: {move} ({MEANING[(player, move)]}) is {kind}: it pays {how} "
                f"whatever {NAMES[other]} does."
            )
        else:
            lines.append(
                f"{NAMES[player]} has no dominant strategy: its best move depends on {NAMES[other]}'s."
            )
    equilibria = nash_equilibria(matrix)
    if not equilibria:
        lines.append(
            "No cell is an equilibrium: in every cell one side would rather switch. (With mixed "
            "strategies there is always one, but that is beyond this game.)"
        )
    for cell in equilibria:
        j, r = matrix[cell]
        lines.append(
            f"Equilibrium: {_cell_words(cell)} (Japan {_fmt(j)}, Russia {_fmt(r)}): neither side "
            "gains by switching alone."
        )
        for better in better_for_both(matrix, cell):
            bj, br = matrix[better]
            lines.append(
                f"The dilemma: both would do better if {_cell_words(better)} (Japan {_fmt(bj)}, "
                f"Russia {_fmt(br)}), but neither can get there by switching alone."
            )
    for cell in equilibria:
        for player in PLAYERS:
            own, theirs = (cell[0], cell[1]) if player == "japan" else (cell[1], cell[0])
            if own != "defect":
                continue
            c = _payoff(matrix, player, "cooperate", theirs)
            d = _payoff(matrix, player, "defect", theirs)
            lines.append(
                f"When would cooperating pay {NAMES[player]} here? With {NAMES[_other(player)]} "
                f"choosing to {theirs}, {NAMES[player]}'s payoff for cooperating would have to rise above "
                f"{_fmt(d)} (it is {_fmt(c)}), or its payoff for defecting fall below {_fmt(c)}."
            )
    return lines


def matrix_html(matrix: Mapping) -> str:
    """Return the matrix as an HTML table: best replies and equilibria marked in words."""
    matrix = check_matrix(matrix)
    japan, russia = best_responses(matrix, "japan"), best_responses(matrix, "russia")
    equilibria = set(nash_equilibria(matrix))
    head = "".join(
        f"<th>Russia {r}s<br><span class='fi-aside'>({MEANING[('russia', r)]})</span></th>" for r in MOVES
    )
    rows = []
    for j in MOVES:
        cells = []
        for r in MOVES:
            pj, pr = matrix[(j, r)]
            notes = []
            if j in japan[r]:
                notes.append("Japan's best reply")
            if r in russia[j]:
                notes.append("Russia's best reply")
            star = "<br><strong>\u2605 equilibrium</strong>" if (j, r) in equilibria else ""
            style = "border: 3px solid #000;" if (j, r) in equilibria else "border: 1px solid #999;"
            cells.append(
                f'<td style="{style} padding: 4px 8px; text-align: center;">'
                f"Japan {_fmt(pj)}, Russia {_fmt(pr)}<br>"
                f"<span class='fi-aside'>{'; '.join(notes) or '&nbsp;'}"
                f"</span>{star}</td>"
            )
        rows.append(
            f"<tr><th>Japan {j}s<br><span class='fi-aside'>({MEANING[('japan', j)]})</span></th>"
            f"{''.join(cells)}</tr>"
        )
    return (
        '<table class="fi-payoffs" style="border-collapse: collapse;">'
        f"<tr><th></th>{head}</tr>{''.join(rows)}</table>"
    )


@dataclass(frozen=True)
class MatrixFigure:
    """The payoff matrix shown where an explorer shows its figure: an HTML table and its words."""

    table: str
    alt: str  # the matrix in words, for readers without the table (the explorer's as_text)

    def _repr_mimebundle_(self, include=None, exclude=None):
        page = f'<figure class="fi-figure fi-payoff-matrix">{self.table}</figure>'
        return {"text/html": page, "text/plain": self.alt}, {}


def matrix_words(matrix: Mapping) -> str:
    """Return the matrix in words: each cell's payoffs, whose best reply it is, the equilibria."""
    matrix = check_matrix(matrix)
    japan, russia = best_responses(matrix, "japan"), best_responses(matrix, "russia")
    equilibria = set(nash_equilibria(matrix))
    cells = []
    for j, r in matrix:
        notes = [
            f"{NAMES[p]}'s best reply"
            for p, ok in (("japan", j in japan[r]), ("russia", r in russia[j]))
            if ok
        ]
        if (j, r) in equilibria:
            notes.append("an equilibrium")
        pj, pr = matrix[(j, r)]
        extra = f" ({'; '.join(notes)})" if notes else ""
        cells.append(f"if {_cell_words((j, r))}, Japan gets {_fmt(pj)} and Russia {_fmt(pr)}{extra}")
    return f"Payoff matrix: {'; '.join(cells)}."


class BargainingExplorer(Explorer):
    """The bargaining game: editable payoffs, best replies, equilibria, and words."""

    title = "Bargaining game: Su Wang's revised prisoner's dilemma"

    def __init__(self) -> None:
        self.presets = presets()  # read once: a redraw compares the cells with the preset
        self.preset = widgets.ToggleButtons(
            options=preset_labels(),
            value="su-wang",
            style={"button_width": "auto"},
        )
        self.about = widgets.HTML()
        self.cells: dict[tuple[tuple[str, str], str], widgets.BoundedIntText] = {
            ((j, r), player): widgets.BoundedIntText(
                min=-PAYOFF_LIMIT,
                max=PAYOFF_LIMIT,
                description=NAMES[player],
                layout=widgets.Layout(width="100%"),
                style={"description_width": "55px"},
            )
            for j in MOVES
            for r in MOVES
            for player in PLAYERS
        }
        items = [widgets.HTML("")] + [widgets.HTML(f"<strong>Russia {r}s</strong>") for r in MOVES]
        for j in MOVES:
            items.append(widgets.HTML(f"<strong>Japan {j}s</strong>"))
            items += [widgets.VBox([self.cells[((j, r), p)] for p in PLAYERS]) for r in MOVES]
        # Fits the 420px controls column: the row names wrap, the number boxes share the rest.
        grid = widgets.GridBox(
            items,
            layout=widgets.Layout(grid_template_columns="96px minmax(0, 1fr) minmax(0, 1fr)", grid_gap="6px"),
        )
        note = widgets.HTML(
            "<span class='fi-aside'>"
            f"Payoffs are ranks you can edit, from {-PAYOFF_LIMIT} to {PAYOFF_LIMIT} (higher "
            "is better for that side); a number outside is set to the nearest limit. Su Wang gives "
            "the structure of the game, not these numbers.</span>"
        )
        super().__init__([self.preset, self.about, grid, note], controls_width="420px")
        self.summary.add_class("fi-bargaining-summary")
        self.matrix: Matrix | None = None  # the matrix last shown
        self.preset.observe(self.load_preset, names="value")
        self.watch(*self.cells.values())
        self.load_preset()

    def load_preset(self, _change: object = None) -> None:
        """Fill the payoff cells from the chosen preset: one redraw, after the last cell."""
        text, matrix = self.presets[self.preset.value]
        with self.holding():
            self.about.value = f"<p>{html.escape(text)}</p>"
            for (cell, player), box in self.cells.items():
                box.value = int(matrix[cell][PLAYERS.index(player)])
            self.refresh()  # the preset's words change even when no cell does

    def payoffs(self) -> dict:
        """Return the matrix the cells hold now, unchecked."""
        return {
            (j, r): (self.cells[((j, r), "japan")].value, self.cells[((j, r), "russia")].value)
            for j in MOVES
            for r in MOVES
        }

    def view(self) -> View:
        try:
            matrix = check_matrix(self.payoffs())
            preset = check_matrix(self.presets[self.preset.value][1])
            figure = MatrixFigure(matrix_html(matrix), matrix_words(matrix))
            sentences = explain(matrix)
        except PayoffError as problem:
            return View(problem=str(problem))
        self.matrix = matrix
        warning = (
            "<p><em>You have changed the payoffs: the preset's description, under its buttons, is "
            "for the preset's numbers.</em></p>"
            if matrix != preset
            else ""
        )
        items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
        return View(summary=f"{warning}<ul>{items}</ul>", figures=(figure,))


def bargaining_explorer() -> BargainingExplorer:
    """Return the bargaining game: editable payoffs, best replies, equilibria, and words."""
    return BargainingExplorer()
