"""Run one submission's code in a forked, limited child process and collect its answers."""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import selectors
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field

from .snapshot import TooLarge, encoded_snapshot

OUTPUT_KEPT = 2000  # characters of printed output kept per cell, for the feedback


@dataclass(frozen=True)
class Limits:
    """How much time and memory one submission may use."""

    cell_seconds: float = 10.0
    total_seconds: float = 60.0
    memory_mb: int = 2048
    file_mb: int = 50


@dataclass(frozen=True)
class Step:
    """One cell to run: its code, a label for the feedback, and the answer variable to snapshot."""

    label: str
    code: str
    answer: str | None = None  # after the cell, snapshot this variable for question `question`
    question: str | None = None


@dataclass
class RunLog:
    """What happened when a submission ran: per cell errors, answer snapshots, how it ended."""

    snapshots: dict[str, str] = field(default_factory=dict)
    cell_errors: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    ended: str = "finished"  # finished, timeout, killed, exited
    last_cell: str | None = None
    finished: list[str] = field(default_factory=list)
    seconds: float = 0.0


class CellTimeout(BaseException):
    """Raised in the child when a cell runs too long (a BaseException: `except Exception` cannot hide it)."""


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


def _send(pipe: int, message: dict) -> None:
    """Write one JSON line to the parent (all of it: a pipe write can be partial)."""
    data = (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")
    while data:
        data = data[os.write(pipe, data) :]


def _describe(error: BaseException) -> str:
    """Return the last line of a traceback: the error type and message."""
    if isinstance(error, SystemExit):
        return f"the code called sys.exit({error.code!r}), which the grader treats as an error in this cell"
    if isinstance(error, CellTimeout):
        return "the cell ran past its time limit (an endless loop?)"
    if isinstance(error, MemoryError):
        return "the cell ran out of memory"
    return "".join(traceback.format_exception_only(type(error), error)).strip()[-400:]


def _child(steps: list[Step], limits: Limits, pipe: int, workdir: str, env: dict[str, str]) -> None:
    """Run the steps in this (forked) process, reporting to the parent; never returns."""
    os.setpgrp()  # so the parent can kill this child and anything it starts
    os.chdir(workdir)
    os.environ.update(env)
    megabyte = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * megabyte, limits.memory_mb * megabyte))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * megabyte, limits.file_mb * megabyte))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)

    def on_alarm(_signum, _frame):
        raise CellTimeout

    signal.signal(signal.SIGALRM, on_alarm)
    namespace: dict = {"__name__": "__main__"}
    for step in steps:
        _send(pipe, {"event": "start", "cell": step.label})
        output = CappedText(OUTPUT_KEPT)
        sys.stdout = sys.stderr = output
        error = None
        try:
            signal.setitimer(signal.ITIMER_REAL, limits.cell_seconds)
            exec(compile(step.code, step.label, "exec"), namespace)
        except BaseException as caught:  # the student's code may raise anything, SystemExit included
            error = _describe(caught)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        message = {"event": "end", "cell": step.label, "error": error, "output": output.value()}
        if step.answer is not None:
            try:
                message["snapshot"] = (
                    encoded_snapshot(namespace[step.answer]) if step.answer in namespace else None
                )
            except TooLarge as large:
                message["too_large"] = str(large)
            except BaseException as caught:  # a hostile object can fail while being read
                message["snapshot_error"] = _describe(caught)
            message["question"] = step.question
        _send(pipe, message)
    os._exit(0)


def run(steps: list[Step], limits: Limits, workdir: str, env: dict[str, str] | None = None) -> RunLog:
    """Run the steps in a forked child with the limits; return what it reported, whatever it did."""
    log = RunLog()
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe, not to coverage
        os.close(read_end)
        try:
            _child(steps, limits, write_end, workdir, env or {})
        finally:
            os._exit(70)
    os.close(write_end)
    selector = selectors.DefaultSelector()
    selector.register(read_end, selectors.EVENT_READ)
    buffer = b""
    cell_started = time.monotonic()
    deadline = started + limits.total_seconds
    # A grace period: the child's own alarm should end a slow cell first.
    cell_grace = limits.cell_seconds + 3.0
    while True:
        now = time.monotonic()
        wait = min(deadline - now, cell_started + cell_grace - now)
        if wait <= 0:
            log.ended = "timeout"
            break
        if not selector.select(timeout=wait):
            continue
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            message = json.loads(line)
            if message["event"] == "start":
                log.last_cell, cell_started = message["cell"], time.monotonic()
                continue
            log.finished.append(message["cell"])
            if message.get("error"):
                log.cell_errors[message["cell"]] = message["error"]
            if message.get("output"):
                log.outputs[message["cell"]] = message["output"]
            if message.get("question"):
                if message.get("snapshot"):
                    log.snapshots[message["question"]] = message["snapshot"]
                elif message.get("too_large"):
                    log.cell_errors[message["cell"]] = (
                        f"the answer is too large to grade ({message['too_large']})"
                    )
                elif message.get("snapshot_error"):
                    log.cell_errors[message["cell"]] = (
                        f"the answer could not be read: {message['snapshot_error']}"
                    )
    if log.ended == "timeout":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # anything the student's code started
    selector.close()
    os.close(read_end)
    if log.ended != "timeout" and len(log.finished) < len(steps):
        log.ended = "killed" if os.WIFSIGNALED(status) else "exited"
    log.seconds = time.monotonic() - started
    return log
