"""Run one submission's cells beside its answers and report each as a line of JSON (the child side)."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from .snapshot import TooLarge, snapshot

OUTPUT_KEPT = 2000  # characters of printed output kept per cell, for the feedback
ERROR_KEPT = 300  # characters of an error message kept
NOTES_KEPT = 5  # notes kept per cell
SHELL_REFUSED = "the grader runs no other programs, so the shell command `{}` was not run"


class CellTimeout(BaseException):
    """Raised when a cell runs too long (a BaseException: `except Exception` cannot hide it)."""


class CappedText(io.TextIOBase):
    """A text stream that keeps the first characters written to it and drops the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.size = limit, [], 0

    def write(self, text: str) -> int:
        if self.size < self.limit:
            self.parts.append(str(text)[: self.limit - self.size])
            self.size += len(self.parts[-1])
        return len(text)

    def value(self) -> str:
        return "".join(self.parts)


def _short(text: str, limit: int = ERROR_KEPT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def describe(error: BaseException) -> str:
    """Return an error as one capped line: its type and the start of its message."""
    if isinstance(error, SystemExit):
        code = error.code if isinstance(error.code, (int, type(None))) else _short(str(error.code), 80)
        return f"the code called sys.exit({code!r}), which the grader treats as an error in this cell"
    if isinstance(error, CellTimeout):
        return "the cell ran past its time limit (an endless loop?)"
    if isinstance(error, MemoryError):
        return "the cell ran out of memory"
    name = type(error).__name__
    if isinstance(error, SyntaxError):
        return _short(f"{name}: {error.msg} (line {error.lineno})")
    try:
        message = str(error).strip()
    except BaseException:  # a student's exception whose __str__ itself fails
        message = "(its message could not be read)"
    first = message.splitlines()[0] if message else ""
    return _short(f"{name}: {first}" if first else name)


class Shell:
    """IPython's shell, made on first use, for the magics a submission's cells call.

    Cells arrive already transformed by IPython (`%time x` is `get_ipython().run_line_magic(...)`);
    this gives them the shell to call. Shell escapes are refused in words, and `%matplotlib`
    does nothing: the grader always draws off screen.
    """

    def __init__(self, namespace: dict, notes: list[str]) -> None:
        self.namespace, self.notes, self.shell = namespace, notes, None

    def __call__(self):
        if self.shell is None:
            self.shell = self._made()
        return self.shell

    def _made(self):
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False
        shell = InteractiveShell.instance(user_ns=self.namespace, config=config)
        notes = self.notes

        def refuse(command: str, *_args: Any, **_kwargs: Any) -> None:
            notes.append(_short(SHELL_REFUSED.format(str(command).strip()), 200))

        shell.system = shell.system_piped = shell.system_raw = refuse
        shell.getoutput = lambda command, *a, **k: refuse(command) or []
        shell.register_magic_function(lambda _line="": None, "line", "matplotlib")
        return shell


def _send(pipe: int, message: dict) -> None:
    """Write one JSON line to the grader (all of it: a pipe write can be partial)."""
    data = (json.dumps(message, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    while data:
        data = data[os.write(pipe, data) :]


def _answer_fields(namespace: dict, answer: str) -> dict:
    """Return the snapshot of an answer variable, or why there is none."""
    if answer not in namespace:
        return {"answer": None, "answer_error": None}
    try:
        return {"answer": snapshot(namespace[answer])}
    except TooLarge as large:
        return {"answer": None, "answer_error": f"the answer is too large to grade ({large})"}
    except BaseException as caught:  # a hostile object can fail in any way while being read
        return {"answer": None, "answer_error": f"the answer could not be read: {describe(caught)}"}


def _read_answer(namespace: dict, variable: str, seconds: float) -> dict:
    """Return an answer's snapshot, within a time limit (reading a hostile object can loop)."""
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return _answer_fields(namespace, variable)
    except CellTimeout:
        return {"answer": None, "answer_error": "reading the answer took too long"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def run_steps(steps: list[dict], cell_seconds: float, report: Callable[[dict], None]) -> None:
    """Run each step's code in one namespace, with a time limit per cell, reporting as it goes."""

    def on_alarm(_signum, _frame):
        raise CellTimeout

    signal.signal(signal.SIGALRM, on_alarm)
    namespace: dict = {"__name__": "__main__"}
    notes: list[str] = []
    namespace["get_ipython"] = Shell(namespace, notes)
    for step in steps:
        report({"event": "start", "cell": step["label"]})
        output = CappedText(OUTPUT_KEPT)
        sys.stdout = sys.stderr = output
        notes.clear()
        error = None
        try:
            signal.setitimer(signal.ITIMER_REAL, cell_seconds)
            exec(compile(step["code"], step["label"], "exec"), namespace)
        except BaseException as caught:  # the student's code may raise anything, SystemExit included
            error = describe(caught)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        message = {"event": "end", "cell": step["label"], "error": error, "output": output.value()}
        message["notes"] = list(notes[:NOTES_KEPT])
        if step["reads"]:
            message["answers"] = {
                question: _read_answer(namespace, variable, cell_seconds)
                for question, variable in step["reads"]
            }
        report(message)
    report({"event": "done"})


def serve(job_fd: int, report_fd: int) -> None:
    """Read the job from job_fd, run it and report on report_fd; never returns."""
    with os.fdopen(job_fd, "rb") as handle:
        job = json.loads(handle.read().decode("utf-8"))
    try:
        run_steps(job["steps"], float(job["cell_seconds"]), lambda message: _send(report_fd, message))
    finally:
        os._exit(0)
