"""Lesson 04 logic: the "eat and run" sequencing game: who moves first, how fast, who is exposed.

Reading 000 (`000_c55fc9a9d7e18f2c.txt`) says that "both sides still fear that the other will
“eat and run”": Japan that Russia takes its economic cooperation and gives no territory, Russia
that Japan takes the islands and then drops the projects. The game turns that into arithmetic.
Japan hands over its economic cooperation (the eight points of the 2016 plan, data/plan_items.csv)
and Russia a territorial step, each in a number of installments, in one of three orders: Japan
first, Russia first, or both together step by step.

After each step every side has *given* something (what it costs that side) and *received*
something (what it is worth to that side). Its **exposure** is what it has given beyond what it
has received: what it would lose if the other side stopped there. A side **would gain by
stopping** when what it still has to give costs it more than what it still has to receive is
worth to it. The four values are illustrative, not measured: the readings give the fears, not
their size. Each of the eight points counts as one eighth of Japan's cooperation, an assumption.

Plain functions on plain values (`play`, `explain`); the explorer (explore/sequencing.py) shows
them. Bad input gives a Game with ok False and a message in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..data import load
from ..errors import DataError
from ..words import and_list
from .inputs import finite_number

SIDES = ("japan", "russia")
NAMES = {"japan": "Japan", "russia": "Russia"}
ORDERS = {
    "japan-first": "Japan's economic cooperation first",
    "russia-first": "Russia's territorial step first",
    "simultaneous": "Simultaneous steps",
}
PLAN_LIST = "eight-point-plan"
VALUE_LIMIT = 20  # each value runs from 0 to 20 illustrative units
EPS = 1e-9


@dataclass(frozen=True)
class Values:
    """Illustrative values, in the same made-up units for both sides.

    japan_cost: what handing over the whole economic package costs Japan;
    russia_gain: what that package is worth to Russia;
    russia_cost: what the whole territorial step costs Russia (land, and the domestic price);
    japan_gain: what that step is worth to Japan.
    """

    japan_cost: float = 6
    russia_gain: float = 9
    russia_cost: float = 8
    japan_gain: float = 10

    def cost(self, side: str) -> float:
        return self.japan_cost if side == "japan" else self.russia_cost

    def gain(self, side: str) -> float:
        return self.japan_gain if side == "japan" else self.russia_gain


FIELDS = {
    "japan_cost": "Japan: cost of its cooperation",
    "russia_gain": "Russia: worth of that cooperation",
    "russia_cost": "Russia: cost of its territorial step",
    "japan_gain": "Japan: worth of that step",
}


def presets() -> dict[str, tuple[str, Values, str]]:
    """Return the value presets of the game (id -> label, values, what they mean), from data/."""
    table = load("sequencing_presets")
    return {
        str(row["id"]): (str(row["label"]), Values(*(int(row[name]) for name in FIELDS)), str(row["about"]))
        for row in table.to_dict("records")
    }


def fears() -> dict[str, tuple[str, str]]:
    """Return each side's fear, and both sides' ("both"), as (verbatim quote, reading cited), from data/."""
    cited_as = load("sources").set_index("id")["short"]  # a reading's name; none for an outside source
    found = {
        str(row["side"]): (str(row["quote"]), cited_as[row["source_id"]])
        for row in load("eat_and_run_fears").to_dict("records")
    }
    missing = [side for side in (*SIDES, "both") if side not in found]
    if missing:
        raise DataError("data/eat_and_run_fears.csv", f"no rows for the sides {missing}", column="side")
    not_read = [side for side, (_, reading) in found.items() if not isinstance(reading, str)]
    if not_read:
        raise DataError("data/eat_and_run_fears.csv", f"the fears of {not_read} are not from a reading")
    return found


@dataclass(frozen=True)
class Step:
    """The state after one step: who moved, what was handed over, and each side's account."""

    number: int
    mover: str  # "japan", "russia" or "both"
    japan_points: tuple[int, ...]  # plan points Japan hands over at this step
    russia_part: str  # "territorial step 2 of 4", or "" if Russia hands over nothing now
    given_: dict[str, float] = field(repr=False)
    received_: dict[str, float] = field(repr=False)
    to_stop_: dict[str, float] = field(repr=False)

    def given(self, side: str) -> float:
        """What the side has handed over so far, at what it costs that side."""
        return self.given_[side]

    def received(self, side: str) -> float:
        """What the side has received so far, at what it is worth to that side."""
        return self.received_[side]

    def net(self, side: str) -> float:
        return self.received_[side] - self.given_[side]

    def exposure(self, side: str) -> float:
        """Value given but not yet matched: what the side loses if the other stops here."""
        return max(0.0, self.given_[side] - self.received_[side])

    def gain_by_stopping(self, side: str) -> float:
        """What the side would gain by stopping now: its remaining cost minus its remaining worth."""
        return self.to_stop_[side]

    def would_stop(self, side: str) -> bool:
        return self.to_stop_[side] > EPS


@dataclass(frozen=True)
class Game:
    """A played schedule: ok, a message, the order, the installments, the values and the steps."""

    ok: bool
    message: str
    order: str = ""
    installments: int = 0
    values: Values | None = None
    steps: tuple[Step, ...] = ()
    points: tuple[str, ...] = ()  # the plan's points, in order

    @property
    def order_label(self) -> str:
        return ORDERS.get(self.order, "")

    def deal_gain(self, side: str) -> float:
        """What the side ends with if every step is taken: worth received minus cost given."""
        return self.values.gain(side) - self.values.cost(side)

    def peak(self, side: str) -> tuple[float, int]:
        """Return (largest exposure, the first step where it occurs); (0, 0) if never exposed."""
        best = max(self.steps, key=lambda s: (s.exposure(side), -s.number), default=None)
        if best is None or best.exposure(side) <= EPS:
            return 0.0, 0
        return best.exposure(side), best.number

    def eat_and_run_steps(self, runner: str) -> list[Step]:
        """Steps after which `runner` gains by stopping while the other side is exposed."""
        victim = _other(runner)
        return [s for s in self.steps if s.would_stop(runner) and s.exposure(victim) > EPS]

    def installment_risk(self, side: str) -> float:
        """The largest single installment the side hands over, at what it costs the side."""
        return _largest_installment(self, side)

    def summary(self) -> list[str]:
        return explain(self)


def _largest_installment(game: Game, side: str) -> float:
    before = 0.0
    largest = 0.0
    for step in game.steps:
        largest = max(largest, step.given(side) - before)
        before = step.given(side)
    return largest


def _other(side: str) -> str:
    return "russia" if side == "japan" else "japan"


def _fmt(value: float) -> str:
    """A value for words: at most two decimals, no trailing zeros."""
    rounded = round(value, 2)
    return f"{rounded:g}" if rounded != 0 else "0"


def eight_points(plan_items=None) -> tuple[str, ...]:
    """Return the texts of the eight-point plan, in order, from the plan_items table."""
    plans = load("plan_items") if plan_items is None else plan_items
    rows = plans[plans["list"] == PLAN_LIST].sort_values("position")
    if rows.empty:
        raise DataError("data/plan_items.csv", f"no rows with list {PLAN_LIST!r}")
    return tuple(str(t) for t in rows["text"])


def group_sizes(points: int, installments: int) -> list[int]:
    """Split `points` into `installments` groups as evenly as possible, larger groups first."""
    base, extra = divmod(points, installments)
    return [base + 1] * extra + [base] * (installments - extra)


def check_game(order, installments, values, points) -> str | None:
    """Return what is wrong with the inputs, in words; None when all is well."""
    if not isinstance(order, str) or order not in ORDERS:
        choices = ", ".join(f"'{o}'" for o in ORDERS)
        return f"The order must be one of {choices}, not {str(order)[:40]!r}."
    if not points or not all(isinstance(p, str) and p.strip() for p in points):
        return "The plan needs at least one point, each a piece of text."
    if installments is None or (isinstance(installments, str) and not installments.strip()):
        return "Please give a number of installments: it is empty."
    if isinstance(installments, bool) or not isinstance(installments, int):
        number = finite_number(installments)
        if number is None or number != int(number):
            return f"The number of installments must be a whole number, not {str(installments)[:40]!r}."
    if not 1 <= int(installments) <= len(points):
        return (
            f"The number of installments must be from 1 to {len(points)} (one point of the plan at "
            f"least in each); {installments!r} is outside."
        )
    if not isinstance(values, Values):
        return "The values must be given as Values(japan_cost, russia_gain, russia_cost, japan_gain)."
    for name, label in FIELDS.items():
        value = getattr(values, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return f"Please give a value for '{label}': it is empty."
        number = finite_number(value)
        if number is None:
            return f"'{label}' must be a number, not {str(value)[:40]!r}."
        if not 0 <= number <= VALUE_LIMIT:
            return f"'{label}' must be from 0 to {VALUE_LIMIT}; {number:g} is outside."
    return None


def play(order, installments, values=None, points: Sequence[str] | None = None) -> Game:
    """Play a schedule and return every step's account for both sides.

    order: 'japan-first', 'russia-first' or 'simultaneous'; installments: how many parts each
    side's contribution is split into (1 to the number of plan points); values: a Values (the
    'both-gain' preset if None); points: the plan's texts (the eight-point plan if None).
    Never raises on bad input: the Game has ok False and says what is wrong.
    """
    values = presets()["both-gain"][1] if values is None else values
    points = eight_points() if points is None else tuple(points)
    problem = check_game(order, installments, values, points)
    if problem:
        return Game(False, problem)
    n = int(installments)
    values = Values(*(float(getattr(values, name)) for name in FIELDS))
    sizes = group_sizes(len(points), n)
    japan_parts: list[tuple[int, ...]] = []
    start = 0
    for size in sizes:
        japan_parts.append(tuple(range(start + 1, start + size + 1)))
        start += size
    # Each move is (mover, japan points, russia installment number or 0).
    moves: list[tuple[str, tuple[int, ...], int]]
    if order == "japan-first":
        moves = [("japan", part, 0) for part in japan_parts] + [("russia", (), k) for k in range(1, n + 1)]
    elif order == "russia-first":
        moves = [("russia", (), k) for k in range(1, n + 1)] + [("japan", part, 0) for part in japan_parts]
    else:
        moves = [("both", part, k) for k, part in enumerate(japan_parts, start=1)]
    japan_share = 0.0  # share of Japan's package handed over
    russia_share = 0.0  # share of Russia's territorial step handed over
    steps = []
    for number, (mover, part, k) in enumerate(moves, start=1):
        japan_share += len(part) / len(points)
        if k:
            russia_share = k / n
        given = {"japan": values.japan_cost * japan_share, "russia": values.russia_cost * russia_share}
        received = {"japan": values.japan_gain * russia_share, "russia": values.russia_gain * japan_share}
        to_stop = {
            "japan": values.japan_cost * (1 - japan_share) - values.japan_gain * (1 - russia_share),
            "russia": values.russia_cost * (1 - russia_share) - values.russia_gain * (1 - japan_share),
        }
        steps.append(
            Step(
                number=number,
                mover=mover,
                japan_points=part,
                russia_part=f"territorial step {k} of {n}" if k else "",
                given_=given,
                received_=received,
                to_stop_={s: (0.0 if abs(v) < EPS else v) for s, v in to_stop.items()},
            )
        )
    message = (
        f"{ORDERS[order]}, {n} installment{'s' if n != 1 else ''} each: {len(steps)} "
        f"step{'s' if len(steps) != 1 else ''}."
    )
    return Game(True, message, order, n, values, tuple(steps), points)


def _ranges(numbers: list[int]) -> str:
    """'1, 2, 3, 5' -> '1-3 and 5'."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in spans]
    return and_list(parts)


def _points_words(points: tuple[int, ...]) -> str:
    if not points:
        return ""
    if len(points) == 1:
        return f"point {points[0]}"
    return f"points {_ranges(list(points))}"


def explain(game: Game) -> list[str]:
    """Return the game in sentences: the schedule, what the whole deal gives each side, each
    side's largest exposure, and the steps at which a side could 'eat and run'."""
    if not game.ok:
        return [game.message]
    v, n = game.values, game.installments
    sizes = group_sizes(len(game.points), n)
    size_words = ", ".join(str(s) for s in sizes)
    total = len(game.points)
    if game.order == "japan-first":
        lines = [
            f"Japan hands over the {total} points of its plan in {n} installment"
            f"{'s' if n != 1 else ''} ({size_words} points), and only then does Russia make its "
            f"territorial step, in {n} part{'s' if n != 1 else ''}: {len(game.steps)} steps in all."
        ]
    elif game.order == "russia-first":
        lines = [
            f"Russia makes its territorial step in {n} part{'s' if n != 1 else ''}, and only then "
            f"does Japan hand over the {total} points of its plan, in {n} installment"
            f"{'s' if n != 1 else ''} ({size_words} points): {len(game.steps)} steps in all."
        ]
    elif n == 1:
        lines = [
            f"In a single step Japan hands over all {total} points of its plan while Russia makes "
            "its whole territorial step."
        ]
    else:
        lines = [
            f"In each of {n} steps Japan hands over part of its plan ({size_words} points) while "
            f"Russia makes its part of the territorial step (1/{n} each time)."
        ]
    for side in SIDES:
        gain = game.deal_gain(side)
        what = "the territorial step" if side == "japan" else "the cooperation"
        own = "its cooperation" if side == "japan" else "its territorial step"
        lines.append(
            f"If every step is taken, {NAMES[side]} ends {_fmt(abs(gain))} "
            f"{'better' if gain > EPS else 'worse' if gain < -EPS else 'no better'} off"
            f"{'' if abs(gain) > EPS else ' and no worse'}: {what} is worth {_fmt(v.gain(side))} to it "
            f"and {own} costs it {_fmt(v.cost(side))}."
        )
    for side in SIDES:
        if game.deal_gain(side) <= EPS:
            lines.append(
                f"With these values {NAMES[side]} does not want the whole deal: whatever the order, "
                "it does better by never starting. No schedule can rescue a deal that one side values "
                "at no more than its cost."
            )
    for side in SIDES:
        peak, at = game.peak(side)
        if peak > EPS and at == len(game.steps):
            lines.append(
                f"After the last step {NAMES[side]} is {_fmt(peak)} worse off than if nothing had been "
                "done: the whole deal costs it more than it brings."
            )
        elif peak > EPS:
            step = game.steps[at - 1]
            lines.append(
                f"{NAMES[side]}'s exposure peaks at {_fmt(peak)} after step {at}: it has given what "
                f"costs it {_fmt(step.given(side))} and received what is worth "
                f"{_fmt(step.received(side))} to it. If {NAMES[_other(side)]} stopped there, "
                f"{NAMES[side]} would be {_fmt(peak)} worse off than if nothing had been done."
            )
        else:
            lines.append(
                f"{NAMES[side]} is never exposed after a step: at every point what it has received "
                "is worth at least what it has given."
            )
    feared = fears()
    for runner in SIDES:
        victim = _other(runner)
        stops = game.eat_and_run_steps(runner)
        if not stops:
            continue
        best = max(stops, key=lambda s: (s.gain_by_stopping(runner), -s.number))
        quote, reading = feared[victim]
        lines.append(
            f"After step{'s' if len(stops) > 1 else ''} {_ranges([s.number for s in stops])}, "
            f"{NAMES[runner]} would gain by stopping while {NAMES[victim]} is exposed (most after "
            f"step {best.number}: {_fmt(best.gain_by_stopping(runner))}): it has received what is "
            f"worth {_fmt(best.received(runner))} to it and still owes what costs it "
            f"{_fmt(v.cost(runner) - best.given(runner))}. This is {NAMES[victim]}'s fear of being "
            f"'eaten and run' from; {reading} puts it as “{quote}”."
        )
    if game.order == "simultaneous":
        lines.append(
            f"Within a step, whoever hands over first risks at most one installment: "
            f"{_fmt(game.installment_risk('japan'))} for Japan, "
            f"{_fmt(game.installment_risk('russia'))} for Russia. More, smaller steps make "
            "that risk smaller; one step means trusting the other side for the whole deal."
        )
    lines.append("The values are illustrative, not measured: the readings give the fears, not their size.")
    return lines


# --- the view ---------------------------------------------------------------------------------


# Cell style for the steps table: padding so the columns do not run together, and borders.
