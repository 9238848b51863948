"""Grade submissions: each runs walled off in a fresh child, its answers are tested here, in parallel."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..exercise_build import exercise_names
from ..paths import data_dir
from .limits import Limits
from .sandbox import ForkServer
from .snapshot import SnapshotError, restore
from .students import Found, Submission, find_submissions, readable_id
from .submissions import Source, identify, load_source, plan, read_notebook
from .supervisor import RunLog, run_submission

WORKSPACE_PREFIX = "fourislands-grader-"
REASON_KEPT = 200
ENDINGS = {
    "timeout": "the notebook ran past its time limit, so the run was stopped",
    "killed": "the notebook's process was killed (for example by os.kill or a crash)",
    "exited": "the notebook's process exited early (for example by os._exit)",
    "cut": "the notebook closed its link to the grader, so the run was stopped",
    "lost": "the grader's worker process stopped during this notebook",
    "flooded": "the notebook sent the grader more output than it accepts, so the run was stopped",
}


@dataclass
class QuestionResult:
    """The score of one question, and why."""

    question: str
    points: float
    earned: float
    reason: str


@dataclass
class StudentResult:
    """Everything the gradebook and the feedback file need about one submission."""

    student: str
    file: str
    exercise: str | None
    status: str  # graded or rejected
    reason: str = ""
    questions: list[QuestionResult] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0  # how long its run took by the grader's clock (not saved: it varies)

    @property
    def key(self) -> tuple[str, str]:
        """The gradebook row this result fills: one per student and exercise."""
        return self.student, self.exercise or ""


def _short(text: str, limit: int = REASON_KEPT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _verdict(source: Source, question: str, value: Any) -> str | None:
    """Run a question's tests (public and hidden) on the restored answer; None when they pass."""
    import numpy as np
    import pandas as pd

    from ..data import load
    from ..exercises import Exercise
    from ..fingerprint import ____

    spec = source.graded[question]
    namespace = {"load": load, "pd": pd, "np": np, "ex": Exercise(source.name, grading=True), "____": ____}
    namespace[spec["answer"]] = value
    try:
        exec(compile(source.tests[question], f"tests of {question}", "exec"), namespace)
    except AssertionError as failed:
        text = str(failed).strip()
        if text.startswith(f"{question}: "):  # a public check, in words
            return _short(text.removeprefix(f"{question}: "))
        return "failed: a hidden check found the answer not yet right"
    except Exception as error:  # the tests could not even run on this answer (wrong type...)
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"the tests could not run on this answer ({type(error).__name__}: {_short(first, 150)})"
    return None


def _answer(source: Source, question: str, log: RunLog, notes: list[str]) -> tuple[Any, str | None]:
    """Return the answer to test and None, or None and the reason there is none to test."""
    cell = source.graded[question]["cell"]
    primary = log.answers.get(cell, {}).get(question)
    typed_anew = [
        (label, log.answers[label][question])
        for label in log.finished
        if label != cell and question in log.answers.get(label, {})
    ]
    typed_anew = [
        (label, a) for label, a in typed_anew if a.get("answer") and a["answer"].get("t") != "blank"
    ]
    if (primary is None or not primary.get("answer") or primary["answer"].get("t") == "blank") and typed_anew:
        label, primary = typed_anew[-1]
        notes.append(
            f"{question}: the answer cell does not hold your answer, so the one set in '{label}' was graded"
        )
    if primary is None:
        if cell in log.cell_errors:
            return None, log.cell_errors[cell]
        if cell not in log.finished:
            ending = ENDINGS.get(log.ended)
            return None, f"not reached: {ending}" if ending else "no answer cell was found for this question"
        return None, "the answer was not defined"
    if primary.get("answer") is None:
        return None, primary.get("answer_error") or log.cell_errors.get(cell) or "the answer was not defined"
    try:
        return restore(primary["answer"]), None
    except SnapshotError:
        return None, "the answer could not be read by the grader"


def _result(submission: Submission, source: Source, steps_plan, log: RunLog) -> StudentResult:
    """Return the scored result of a run."""
    result = StudentResult(
        submission.student,
        str(submission.path),
        source.name,
        "graded",
        written=steps_plan.written,
        notes=steps_plan.notes + log.notes,
        outputs=log.outputs,
        seconds=round(log.seconds, 2),
    )
    if log.ended != "finished":
        result.notes.append(f"{ENDINGS[log.ended]} during cell '{log.last_cell}'")
    for question, spec in source.graded.items():
        points = float(spec["points"])
        if question not in steps_plan.answered:
            reason = "no answer cell was found for this question"
        else:
            value, reason = _answer(source, question, log, result.notes)
            if reason is None:
                reason = _verdict(source, question, value)
                if spec["cell"] in log.cell_errors:
                    result.notes.append(
                        f"{question}: the answer cell raised an error ({log.cell_errors[spec['cell']]})"
                    )
        result.questions.append(
            QuestionResult(question, points, points if reason is None else 0.0, reason or "passed")
        )
    return result


def _clean_stale_workspaces() -> None:
    """Remove what a grader killed mid-run left behind (its pid is in the folder's name)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKSPACE_PREFIX}*"):
        try:
            pid = int(folder.name.removeprefix(WORKSPACE_PREFIX).split("-")[0])
            if folder.stat().st_uid != os.getuid():
                continue
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, OSError):
            continue


def _workspace() -> Path:
    """Return a new folder holding what the fork server may see: the course data, without solutions."""
    _clean_stale_workspaces()
    workspace = Path(tempfile.mkdtemp(prefix=f"{WORKSPACE_PREFIX}{os.getpid()}-"))
    data = workspace / "course" / "data"
    shutil.copytree(data_dir(), data, ignore=shutil.ignore_patterns("quizzes"))
    for checks in (data / "exercises").glob("*.json"):
        spec = json.loads(checks.read_text(encoding="utf-8"))
        for question in spec.get("questions", {}).values():
            question.pop("solution", None)  # the public checks stay; the solutions never enter
        checks.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    import matplotlib

    seed = workspace / "matplotlib-seed"
    seed.mkdir()
    for font_list in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copy(font_list, seed)
    for folder, _folders, files in os.walk(workspace / "course"):
        for name in files:
            os.chmod(Path(folder) / name, 0o444)
    return workspace


def sandbox_line(server: ForkServer) -> str:
    """Return the one line the grader says about the sandbox before grading."""
    if server.isolated:
        return "sandbox: on (bubblewrap; each submission alone, no network, no view of solutions or outputs)"
    return (
        f"WARNING: submissions are not sandboxed ({server.problem}); a submission can read and change "
        "what this user can. Use --sandbox required to refuse instead."
    )


def root_line(server: ForkServer) -> str | None:
    """Return the one line the grader says before grading when it runs as root, or None.

    As root, a flaw in the sandbox, or no sandbox at all, would hand a submission the machine.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    if server.isolated:
        return (
            "WARNING: the grader runs as root. The sandbox still holds: each submission runs as the "
            "unprivileged user nobody of its own user namespace, with no capabilities and nothing of "
            "the host to read; but grade as an ordinary user where you can."
        )
    return (
        "WARNING: the grader runs as root and submissions are not sandboxed: a submission can read and "
        "change anything on this machine. Grade as an ordinary user, with --sandbox required."
    )


def _prepared(submission: Submission, sources: dict[str, Source], forced: str | None):
    """Return (source, plan, note) for a submission, or a rejected StudentResult."""
    notebook, problem = read_notebook(submission.path)
    if notebook is None:
        return StudentResult(submission.student, str(submission.path), None, "rejected", problem)
    name, note = identify(notebook, sources, forced)
    if name is None:
        return StudentResult(
            submission.student,
            str(submission.path),
            None,
            "rejected",
            "not one of the course's exercise notebooks",
        )
    steps_plan = plan(sources[name], notebook)
    if note:
        steps_plan.notes.insert(0, note)
    return sources[name], steps_plan


def _distinct_students(prepared: list[tuple[Submission, Any]]) -> list[tuple[Submission, Any]]:
    """Give two files of one student for one exercise ids of their own, from their paths."""
    rows: dict[tuple[str, str], list[int]] = {}
    for position, (submission, item) in enumerate(prepared):
        exercise = (item.exercise or "") if isinstance(item, StudentResult) else item[0].name
        rows.setdefault((submission.student, exercise), []).append(position)
    for positions in rows.values():
        if len(positions) < 2:
            continue
        for position in positions:
            submission, item = prepared[position]
            own = f"{submission.student}~{readable_id(Path(submission.relative).with_suffix('').as_posix())}"
            renamed = Submission(submission.path, own[:120], submission.relative)
            if isinstance(item, StudentResult):
                item.student = renamed.student
            prepared[position] = (renamed, item)
    return prepared


def grade(
    submissions: list[Path] | Found,
    forced: str | None = None,
    limits: Limits | None = None,
    jobs: int | None = None,
    sandbox: str = "auto",
    on_result: Callable[[StudentResult], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> list[StudentResult]:
    """Grade every submission, in parallel; return results sorted by student and exercise.

    Raises SandboxUnavailable when sandbox="required" and it cannot run here. Every result is
    passed to on_result as soon as it is known, so a caller can save it at once.
    """
    limits = limits or Limits()
    found = submissions if isinstance(submissions, Found) else find_submissions(list(submissions))
    names = exercise_names()
    if forced is not None and forced not in names:
        raise ValueError(f"no exercise named {forced!r}; the exercises are {names}")
    sources = {name: load_source(name) for name in names}  # read once, before any submission runs
    prepared = _distinct_students([(s, _prepared(s, sources, forced)) for s in found.submissions])
    results: list[StudentResult] = []
    lock = threading.Lock()

    def keep(result: StudentResult) -> None:
        with lock:
            results.append(result)
            if on_result is not None:
                on_result(result)

    for _submission, item in prepared:
        if isinstance(item, StudentResult):
            keep(item)
    to_run = [(s, item) for s, item in prepared if not isinstance(item, StudentResult)]
    if not to_run:
        return sorted(results, key=lambda r: r.key)
    workspace = _workspace()
    server = ForkServer(workspace, sandbox, limits)
    stopping = threading.Event()

    def graded(number: int, submission: Submission, source: Source, steps_plan) -> StudentResult:
        log = run_submission(server, f"{number}", steps_plan.steps, limits)
        if log.ended == "lost" and not stopping.is_set():  # the worker died under it: once more
            server.restart(server.generation)
            log = run_submission(server, f"{number}-again", steps_plan.steps, limits)
        return _result(submission, source, steps_plan, log)

    try:
        server.start()
        if announce is not None:
            announce(sandbox_line(server))
            as_root = root_line(server)
            if as_root is not None:
                announce(as_root)
        with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            futures = {
                pool.submit(graded, number, submission, *item): submission
                for number, (submission, item) in enumerate(to_run)
            }
            _progress(0, len(futures))
            try:
                for done, future in enumerate(as_completed(futures), start=1):
                    keep(_outcome(future, futures[future]))
                    _progress(done, len(futures))
            except BaseException:  # Ctrl-C or SIGTERM: stop every run now; what is graded is kept
                stopping.set()
                for future in futures:
                    future.cancel()
                server.stop()
                raise
    finally:
        server.stop()
        shutil.rmtree(workspace, ignore_errors=True)
    return sorted(results, key=lambda r: r.key)


def _outcome(future, submission: Submission) -> StudentResult:
    """Return a finished run's result; a grader error becomes a rejection that says so."""
    try:
        return future.result()
    except Exception as error:  # a last line of defence: one file must not stop the class
        problem = f"{type(error).__name__}: {_short(str(error))}"
        reason = f"the grader could not process this file ({problem})"
        return StudentResult(submission.student, str(submission.path), None, "rejected", reason)


def _progress(done: int, total: int) -> None:
    """Draw a progress bar on stderr (a terminal only: in a log it would be noise)."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done == total else ""
    sys.stderr.write(f"\rgrading [{'#' * filled}{'-' * (width - filled)}] {done}/{total}{end}")
    sys.stderr.flush()


def results_json(results: list[StudentResult]) -> str:
    """Return results as JSON text (kept beside the gradebook, to merge manual scores later)."""
    saved = [{k: v for k, v in asdict(r).items() if k != "seconds"} for r in results]  # the same files again
    return json.dumps(saved, indent=1, ensure_ascii=False, sort_keys=True)


def results_from_json(text: str) -> list[StudentResult]:
    """Return results saved by results_json."""
    loaded = []
    for item in json.loads(text):
        item["questions"] = [QuestionResult(**q) for q in item["questions"]]
        loaded.append(StudentResult(**item))
    return loaded
