"""Run one submission through the fork server: the grader's clock, and only valid reports believed.

The child reports each cell as a line of JSON. Everything it sends may be forged by the student's
code, so every line is size-capped, parsed as JSON (never unpickled), checked against
REPORT_SCHEMA, and accepted only in the order the grader sent the cells. Time belongs to the
grader: a deadline per cell and per submission ends the child whatever it does (a closed pipe, a
stopped process, a blocked alarm).
"""

from __future__ import annotations

import json
import os
import selectors
import time
from dataclasses import dataclass, field

from ..jsonschema_fast import jsonschema_module
from .limits import Limits
from .runner import ERROR_KEPT, NOTES_KEPT, OUTPUT_KEPT
from .sandbox import ForkServer
from .snapshot import MAX_BYTES

GRACE_SECONDS = 3.0  # after a cell's own alarm should have stopped it
KILL_WAIT_SECONDS = 10.0
MAX_LINE = MAX_BYTES + 65_536
MAX_REPORT = 64 * 1024 * 1024
MAX_ANSWERS_PER_CELL = 50
TEXT = {"type": "string", "maxLength": ERROR_KEPT + 100}
REPORT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "One line a submission's child reports to the grader",
    "oneOf": [
        {
            "type": "object",
            "properties": {"event": {"const": "start"}, "cell": {"type": "string", "maxLength": 200}},
            "required": ["event", "cell"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "event": {"const": "end"},
                "cell": {"type": "string", "maxLength": 200},
                "error": {"oneOf": [TEXT, {"type": "null"}]},
                "output": {"type": "string", "maxLength": OUTPUT_KEPT},
                "notes": {"type": "array", "maxItems": NOTES_KEPT, "items": TEXT},
                "answers": {
                    "type": "object",
                    "maxProperties": MAX_ANSWERS_PER_CELL,
                    "additionalProperties": {
                        "type": "object",
                        "properties": {
                            "answer": {"oneOf": [{"type": "object", "required": ["t"]}, {"type": "null"}]},
                            "answer_error": {"oneOf": [TEXT, {"type": "null"}]},
                        },
                        "required": ["answer"],
                        "additionalProperties": False,
                    },
                },
            },
            "required": ["event", "cell", "error", "output"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"event": {"const": "done"}},
            "required": ["event"],
            "additionalProperties": False,
        },
    ],
}
VALIDATOR = jsonschema_module().Draft202012Validator(REPORT_SCHEMA)


@dataclass(frozen=True)
class Step:
    """One cell to run: a label for the feedback, its code, and the answers to read after it."""

    label: str
    code: str
    reads: tuple[tuple[str, str], ...] = ()  # (question, answer variable) pairs


@dataclass
class RunLog:
    """What happened when a submission ran: per cell errors, answers and output, and how it ended."""

    answers: dict[str, dict[str, dict]] = field(default_factory=dict)  # cell -> question -> snapshot
    cell_errors: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ended: str = "finished"  # finished, timeout, killed, exited, cut, lost, flooded
    last_cell: str | None = None
    finished: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Reading:
    """The grader's side of one run: which cell it expects next, and what it has been told."""

    def __init__(self, steps: list[Step], log: RunLog) -> None:
        self.steps, self.log = steps, log
        self.position = 0  # the index of the step expected to start next
        self.running: Step | None = None
        self.done = False

    def accept(self, line: bytes) -> bool:
        """Apply one report line if it is valid and in order; return whether the cell changed."""
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            return False
        if not VALIDATOR.is_valid(message):
            return False
        event = message["event"]
        if event == "start" and self.running is None and self.position < len(self.steps):
            step = self.steps[self.position]
            if message["cell"] == step.label:
                self.running, self.log.last_cell = step, step.label
                return True
        elif event == "end" and self.running is not None and message["cell"] == self.running.label:
            self._record(self.running, message)
            self.running, self.position = None, self.position + 1
            return True
        elif event == "done" and self.running is None and self.position == len(self.steps):
            self.done = True
        return False

    def _record(self, step: Step, message: dict) -> None:
        log = self.log
        log.finished.append(step.label)
        if message["error"]:
            log.cell_errors[step.label] = message["error"]
        if message["output"]:
            log.outputs[step.label] = message["output"]
        log.notes += [f"cell '{step.label}': {note}" for note in message.get("notes", [])]
        wanted = {question for question, _ in step.reads}
        log.answers[step.label] = {q: a for q, a in message.get("answers", {}).items() if q in wanted}


def _closed_ending(job, still_running: bool) -> str:
    """Return how a run ended whose report pipe closed before it said it was done."""
    if still_running:
        return "cut"  # it closed the pipe and went on: the grader stopped it
    if job.code is None:
        return "lost"
    return "killed" if job.code > 128 else "exited"


def run_submission(server: ForkServer, name: str, steps: list[Step], limits: Limits) -> RunLog:
    """Run the steps in a fresh, walled-off child; return what it reported, whatever it did."""
    log = RunLog()
    started = time.monotonic()
    job_read, job_write = os.pipe()
    report_read, report_write = os.pipe()
    generation = server.generation
    job = server.run(name, job_read, report_write)
    os.close(job_read)
    os.close(report_write)
    payload = json.dumps(
        {
            "cell_seconds": limits.cell_seconds,
            "steps": [{"label": s.label, "code": s.code, "reads": [list(r) for r in s.reads]} for s in steps],
        }
    ).encode()
    reading = _Reading(steps, log)
    os.set_blocking(job_write, False)
    selector = selectors.DefaultSelector()
    selector.register(report_read, selectors.EVENT_READ)
    selector.register(job_write, selectors.EVENT_WRITE)
    deadline = started + limits.total_seconds
    cell_deadline = started + limits.cell_seconds + GRACE_SECONDS
    buffer, received, ended, still_running = b"", 0, None, False
    try:
        while ended is None:
            now = time.monotonic()
            if now >= min(deadline, cell_deadline):
                ended = "timeout"
                break
            for key, _ in selector.select(timeout=min(deadline, cell_deadline) - now):
                if key.fd == job_write:
                    try:
                        payload = payload[os.write(job_write, payload[:65536]) :]
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:  # the child is gone before reading all of its cells
                        payload = b""
                    if not payload:  # all sent: closing tells the child there is no more
                        selector.unregister(job_write)
                        os.close(job_write)
                        job_write = -1
                    continue
                chunk = os.read(report_read, 1 << 16)
                if not chunk:  # the child closed its end: whatever it does now, it cannot report
                    # An ending process closes it too: wait a moment to tell the two apart.
                    still_running = not job.ended.wait(0.5)
                    ended = "closed"
                    break
                received += len(chunk)
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if len(line) <= MAX_LINE and reading.accept(line):
                        cell_deadline = time.monotonic() + limits.cell_seconds + GRACE_SECONDS
                if reading.done:
                    ended = "finished"
                    break
                if received > MAX_REPORT or len(buffer) > MAX_LINE:
                    ended = "flooded"
                    break
    finally:
        if not job.ended.is_set():
            server.kill(name)
        if not job.ended.wait(KILL_WAIT_SECONDS):
            server.restart(generation)  # the server did not answer: start over, its children die
        selector.close()
        if job_write >= 0:
            os.close(job_write)
        os.close(report_read)
        server.forget(name)
    log.seconds = time.monotonic() - started
    if ended == "closed":
        ended = _closed_ending(job, still_running)
    log.ended = ended
    return log
