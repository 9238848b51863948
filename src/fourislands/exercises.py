"""Self-check for exercise notebooks: ex.check, ex.hint and ex.solution, with saved progress."""

from __future__ import annotations

import ast
import base64
import functools
import html
import inspect
import json
import os
import re
import zlib
from typing import Any

import ipywidgets as widgets
from IPython import get_ipython

from .errors import DataError
from .essay_length import essay_length, length_verdict, saved_notebook
from .fingerprint import Blank, ____, compare
from .lesson import Block
from .palette import BLUE, NEUTRAL, PURPLE, SKY, VERMILION
from .paths import data_dir, home_setting_note
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
    "KeyboardInterrupt": "the cell was stopped (interrupted) before it ended: run it again and let it end.",
}
STYLE = {"passed": BLUE, "failed": VERMILION, "not attempted": NEUTRAL, "error": PURPLE}
# In code Python cannot read (a cell with a syntax error), a name before `=`, `+=`, `:=`... is taken
# as assigned: a guess, good enough to tell which answer cell failed.
ASSIGNMENT = re.compile(r"(?<![\w.])([^\W\d]\w*)\s*(?:[-+*/%@&|^:]|//|\*\*|<<|>>)?=(?!=)")


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
    try:  # a syntax error's own text names the cell's temporary file, which means nothing to a student
        detail = f"{error.msg} (line {error.lineno})" if isinstance(error, SyntaxError) else str(error)[:200]
    except Exception:  # the student's own exception class can fail even here
        detail = ""
    return f"Your code raised {f'{name}: {detail}' if detail else name}. This usually means {advice}"


def _as_python(line: str) -> str:
    """Return a line of a cell as Python: `%time q1 = ...` keeps its statement, a `!` shell line goes."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith("%"):
        return indent + "".join(stripped.split(None, 1)[1:])
    return indent if stripped.startswith("!") else line


@functools.lru_cache(maxsize=4)  # a cell is read twice, as it starts and as it ends
def assigned_names(source: str) -> frozenset[str]:
    """Return the names a notebook cell assigns (guessed from `name =` when it is not valid Python)."""
    code = "\n".join(_as_python(line) for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset(ASSIGNMENT.findall(code))
    return frozenset(
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    )


class AnswerCells:
    """For each name, how the latest cell that assigns it ended, told by IPython's cell events.

    A cell that is still running has not failed: a check in the answer cell itself judges the value.
    Only the explanation of an error is kept, not the error, whose traceback holds the cell's data.
    """

    def __init__(self) -> None:
        self.failures: dict[str, str] = {}

    def started(self, info: Any) -> None:
        """Forget the failures of the names the starting cell assigns (IPython's pre_run_cell)."""
        for name in assigned_names(info.raw_cell):
            self.failures.pop(name, None)

    def finished(self, result: Any) -> None:
        """Remember how the cell ended for each name it assigns (IPython's post_run_cell)."""
        if result is None:  # IPython itself failed before it ran the cell
            return
        error = result.error_in_exec if result.error_before_exec is None else result.error_before_exec
        for name in assigned_names(result.info.raw_cell):
            if error is None:
                self.failures.pop(name, None)
            else:
                self.failures[name] = friendly_error(error)


def shell_answer_cells() -> AnswerCells | None:
    """Return the AnswerCells of the running IPython shell (registered once per shell), or None."""
    shell = get_ipython()
    if shell is None:  # plain Python: there are no cells, and a check judges the value only
        return None
    for callback in shell.events.callbacks["post_run_cell"]:
        if isinstance(getattr(callback, "__self__", None), AnswerCells):
            return callback.__self__
    cells = AnswerCells()
    shell.events.register("pre_run_cell", cells.started)
    shell.events.register("post_run_cell", cells.finished)
    return cells


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
            f"<strong>{html.escape(question)}: {heading}.</strong> {html.escape(message)}{note}</div>"
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
        self._spec: dict | None = None  # read when first needed: the build runs the set-up before it exists
        self.answer_cells = None if self._marking() else shell_answer_cells()

    def _marking(self) -> bool:
        """Return True when checks are marks (the grader): a check that does not pass raises."""
        return self.grading or grading()

    @property
    def spec(self) -> dict:
        """Return the exercise's public checks; say which exercises there are when the name is wrong."""
        if self._spec is None:
            folder = data_dir() / "exercises"
            try:
                self._spec = json.loads((folder / f"{self.name}.json").read_text(encoding="utf-8"))
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                names = ", ".join(sorted(path.stem for path in folder.glob("*.json")))
                known = (
                    f"the exercises are {names}" if names else f"this folder holds none{home_setting_note()}"
                )
                raise DataError(folder, f"no exercise named {self.name!r}; {known}") from None
        return self._spec

    def _misnamed(self, question: Any) -> CheckResult | None:
        """Return an error naming the questions when question is not one of them, else None."""
        names = list(self.spec["questions"])
        listed = f"The questions are {', '.join(names)}."
        if not isinstance(question, str):
            quoted = f'"{names[0]}"'
            return CheckResult(
                "Question",
                "error",
                f"Give the question's name in quotes, such as {quoted}, not the answer. {listed}",
            )
        if question in names:
            return None
        near = [name for name in names if name.lower() == question.strip().lower()]
        guess = f" Did you mean {near[0]!r}?" if near else ""
        return CheckResult(question[:40], "error", f"There is no question {question[:40]!r}.{guess} {listed}")

    def result(self, question: str, value: Any) -> CheckResult:
        """Return the outcome of the public checks on value as an answer to question."""
        spec = self.spec["questions"][question]
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

    def _outcome(self, question: str, namespace: dict) -> CheckResult:
        """Return the check of question's answer variable in namespace, unless its cell failed last time."""
        answer = self.spec["questions"][question]["answer"]
        cells = None if self._marking() else self.answer_cells
        failure = None if cells is None else cells.failures.get(answer)
        if failure is not None:
            return CheckResult(
                question,
                "error",
                f"The cell that sets {answer} did not run to the end the last time. {failure} "
                "Once that cell runs to the end, check again.",
            )
        if answer not in namespace:
            return CheckResult(
                question, "not attempted", f"{answer} is not defined yet: run the answer cell above first."
            )
        return self.result(question, namespace[answer])

    def check(self, question: str) -> CheckResult:
        """Check the answer variable of question in the notebook; say what is wrong, not the answer.

        Only the cell that sets the answer can make a check report an error, and only if it failed
        the last time it ran: an error anywhere else, an interrupt or a restart changes nothing.
        """
        namespace = inspect.currentframe().f_back.f_globals
        outcome = self._misnamed(question)
        if outcome is None:
            outcome = self._outcome(question, namespace)
            if not self._marking():
                record_event(self.lesson, f"{self.name}:{question}", f"check {outcome.status}")
        if self._marking() and outcome.status != "passed":
            raise AssertionError(f"{question}: {outcome.status}: {outcome.message}")
        return outcome

    def word_count(self, answer: str = "w1") -> Block:
        """Return how many words the essay holds in the saved notebook, against the length asked.

        It counts the notebook file, so it says when that was saved and to save before counting.
        """
        essays = {name: spec for name, spec in self.spec.get("written", {}).items() if "words" in spec}
        if answer not in essays:
            listed = ", ".join(essays) or "none"
            return CheckResult(
                str(answer)[:40], "error", f"No essay {str(answer)[:40]!r}; the essays: {listed}."
            )
        fewest, most = essays[answer]["words"]
        within, sentence = length_verdict(essay_length(saved_notebook(self.name), answer), fewest, most)
        advice = " The count is of the saved notebook: after editing, press Ctrl+S and run this cell again."
        colour = BLUE if within else NEUTRAL
        page = (
            f'<div role="status" class="fi-word-count" style="border-left: 4px solid {colour}; '
            f'padding: 4px 10px;"><strong>Word count.</strong> {html.escape(sentence + advice)}</div>'
        )
        return Block(page, f"Word count. {sentence}{advice}")

    def hint(self, question: str) -> Block:
        """Return the next hint for question (hints come in levels, from a nudge to a method)."""
        misnamed = self._misnamed(question)
        if misnamed is not None:
            return misnamed
        hints = self.spec["questions"][question]["hints"]
        level = min(self.hints_shown.get(question, 0) + 1, len(hints))
        self.hints_shown[question] = level
        record_event(self.lesson, f"{self.name}:{question}", f"hint {level}")
        more = " Ask again for the next hint." if level < len(hints) else ""
        heading = f"Hint {level} of {len(hints)} for {question}:"
        text = f"{heading} {hints[level - 1]}{more}"
        # Boxed like a check's result, the heading in bold and the hint itself in plain text.
        page = (
            f'<div role="note" class="fi-hint" style="border-left: 4px solid {SKY}; padding: 4px 10px;">'
            f"<strong>{html.escape(heading)}</strong> {html.escape(hints[level - 1] + more)}</div>"
        )
        return Block(page, text)

    def solution(self, question: str, confirm: bool = False):
        """Return the solution of question after a confirmation (a button, or confirm=True).

        Never while grading: the grader's copy of the checks holds no solutions, and this says so.
        """
        misnamed = self._misnamed(question)
        if misnamed is not None:
            return misnamed
        spec = self.spec["questions"][question]
        if self._marking() or "solution" not in spec:
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
