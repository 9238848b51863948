"""Self-check for exercise notebooks: ex.check, ex.hint and ex.solution, with saved progress."""

from __future__ import annotations

import base64
import html
import inspect
import json
import os
import sys
import zlib
from typing import Any

import ipywidgets as widgets

from .errors import DataError
from .fingerprint import Blank, ____, compare
from .lesson import Block
from .paths import data_dir
from .progress import record_event

__all__ = ["Exercise", "____"]
GRADING_VARIABLES = ("FOURISLANDS_GRADING", "NBGRADER_EXECUTION")
GRADING_NOTE = "These are the public checks; more checks run at grading."
ERROR_ADVICE = {
    "NameError": "a name is used before it exists: check its spelling, and run the cells above first.",
    "KeyError": "a column or key that does not exist: check its spelling against df.columns.",
    "AttributeError": "a method or attribute this kind of object does not have: check the name and the type.",
    "TypeError": "an operation on the wrong kind of value, such as adding text to a number.",
    "ValueError": "a value of the right type but the wrong form, such as text that is not a number.",
    "IndexError": "a position past the end of a list or table: check its length.",
    "ZeroDivisionError": "a division by zero: check that your selection is not empty.",
    "SyntaxError": "Python could not read the code: look for a missing bracket, quote or colon.",
}
STYLE = {"passed": "#0072B2", "failed": "#D55E00", "not attempted": "#7F7F7F", "error": "#CC79A7"}


def encoded(text: str) -> str:
    """Return text compressed and base64-encoded, so a solution is not read by accident."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"))).decode("ascii")


def decoded(text: str) -> str:
    """Return the text that encoded() packed."""
    return zlib.decompress(base64.b64decode(text)).decode("utf-8")


def friendly_error(error: BaseException) -> str:
    """Return an explanation of a Python error for someone learning pandas."""
    name = type(error).__name__
    advice = ERROR_ADVICE.get(name, "read the last line of the error message: it names the problem.")
    return f"Your code raised {name}: {str(error)[:200]}. This usually means {advice}"


class CheckResult(Block):
    """The outcome of a self-check: passed, failed, not attempted or error, with a message."""

    def __init__(self, question: str, status: str, message: str) -> None:
        self.question, self.status, self.message = question, status, message
        heading = {
            "passed": "\u2714 Passed",
            "failed": "\u2718 Not yet",
            "not attempted": "Not attempted",
            "error": "Error",
        }[status]
        note = f" {GRADING_NOTE}" if status == "passed" else ""
        page = (
            f'<div role="alert" class="fi-check-result fi-{status.replace(" ", "-")}" '
            f'style="border-left: 4px solid {STYLE[status]}; padding: 4px 10px;">'
            f"<strong>{question}: {heading}.</strong> {html.escape(message)}{note}</div>"
        )
        super().__init__(page, f"{question}: {heading}. {message}{note}")


def grading() -> bool:
    """Return True inside a grader run, where a check that does not pass raises."""
    return any(os.environ.get(name) for name in GRADING_VARIABLES)


class Exercise:
    """An exercise notebook's helper: public checks, hints in levels, and the solution on request."""

    def __init__(self, name: str, grading: bool = False) -> None:
        self.name = name
        self.lesson = name[:2]
        self.grading = grading  # the grader's own tests: checks raise, nothing is recorded
        self.hints_shown: dict[str, int] = {}
        self._spec: dict | None = None

    @property
    def spec(self) -> dict:
        """Return the exercise's public checks (read when first needed)."""
        if self._spec is None:
            path = data_dir() / "exercises" / f"{self.name}.json"
            try:
                self._spec = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise DataError(path, "no checks for this exercise: run `make exercises`") from None
        return self._spec

    def _question(self, question: str) -> dict:
        if question not in self.spec["questions"]:
            known = ", ".join(self.spec["questions"])
            raise DataError(
                f"data/exercises/{self.name}.json",
                f"no question {question!r}; the questions are {known}",
            )
        return self.spec["questions"][question]

    def result(self, question: str, value: Any) -> CheckResult:
        """Return the outcome of the public checks on value as an answer to question."""
        spec = self._question(question)
        if isinstance(value, Blank):
            return CheckResult(
                question,
                "not attempted",
                f"Replace ____ in the answer cell with your code ({spec['answer']} = ...).",
            )
        try:
            passed, message = compare(spec["fingerprint"], value, salt=f"{self.name}:{question}")
        except Exception as error:  # the student's object can fail in any way while being compared
            return CheckResult(question, "error", friendly_error(error))
        return CheckResult(question, "passed" if passed else "failed", message)

    def check(self, question: str) -> CheckResult:
        """Check the answer variable of question in the notebook; say what is wrong, not the answer."""
        spec = self._question(question)
        caller = inspect.currentframe().f_back.f_globals
        marking = self.grading or grading()
        # The last error a cell raised: the student's, unless grading (where failed tests raise too).
        error = None if marking else getattr(sys, "last_value", None)
        if error is not None:
            sys.last_value = None  # report an error once, for the check that follows it
            outcome = CheckResult(question, "error", friendly_error(error))
        elif spec["answer"] not in caller:
            outcome = CheckResult(
                question,
                "not attempted",
                f"{spec['answer']} is not defined yet: run the answer cell above first.",
            )
        else:
            outcome = self.result(question, caller[spec["answer"]])
        if marking:
            if outcome.status != "passed":
                raise AssertionError(f"{question}: {outcome.status}: {outcome.message}")
            return outcome
        record_event(self.lesson, f"{self.name}:{question}", f"check {outcome.status}")
        return outcome

    def hint(self, question: str) -> Block:
        """Return the next hint for question (hints come in levels, from a nudge to a method)."""
        hints = self._question(question)["hints"]
        level = min(self.hints_shown.get(question, 0) + 1, len(hints))
        self.hints_shown[question] = level
        record_event(self.lesson, f"{self.name}:{question}", f"hint {level}")
        more = " Ask again for the next hint." if level < len(hints) else ""
        text = f"Hint {level} of {len(hints)} for {question}: {hints[level - 1]}{more}"
        return Block(f'<div class="fi-hint"><strong>{html.escape(text)}</strong></div>', text)

    def solution(self, question: str, confirm: bool = False):
        """Return the solution of question after a confirmation (a button, or confirm=True).

        Never while grading: the grader's copy of the checks holds no solutions, and this says so.
        """
        spec = self._question(question)
        if self.grading or grading() or "solution" not in spec:
            text = f"Solutions are not available while grading ({question})."
            return Block(f"<p>{html.escape(text)}</p>", text)
        code = decoded(spec["solution"])
        shown = Block(f"<pre>{html.escape(code)}</pre>", code)
        if confirm:
            record_event(self.lesson, f"{self.name}:{question}", "solution shown")
            return shown
        warning = widgets.HTML(
            f"<p>Seeing the solution ends your own attempt at {question} (it is noted in your "
            "progress). Have you tried the hints?</p>"
        )
        button = widgets.Button(description="Show the solution", button_style="warning")
        output = widgets.HTML()

        def reveal(_button=None) -> None:
            record_event(self.lesson, f"{self.name}:{question}", "solution shown")
            output.value = shown.page
            button.disabled = True

        button.on_click(reveal)
        box = widgets.VBox([warning, button, output])
        box.add_class("fi-solution")
        return box
