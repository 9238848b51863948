"""Grade submissions: run each isolated, score each question on its own, in parallel."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..exercise_build import exercise_names, solution_path
from ..paths import data_dir
from .runner import Limits, run
from .snapshot import restore
from .submissions import cell_keys, identify, plan, read_notebook, source, student_id

ENDINGS = {
    "timeout": "the notebook ran past its time limit, so the run was stopped",
    "killed": "the notebook's process was killed (for example by os.kill or a crash)",
    "exited": "the notebook's process exited early (for example by os._exit)",
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


def submission_files(paths: list[Path]) -> list[Path]:
    """Return the files to grade: the files named, and every visible file inside folders named."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.parts)
            )
        else:
            found.append(path)
    return found


def _tests(name: str) -> dict[str, tuple[str, float, str]]:
    """Return {question: (test cell source, points, answer variable)} from the solution notebook."""
    solution, _released, graded, _written = source(name)
    sources = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in solution.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    }
    return {q: (sources[q], float(spec["points"]), spec["answer"]) for q, spec in graded.items()}


def _verdict(name: str, question: str, test: str, answer: str, snapshot: str) -> str | None:
    """Run a question's tests (public and hidden) on the restored answer; None when they pass."""
    import numpy as np
    import pandas as pd

    from ..data import load
    from ..exercises import Exercise
    from ..fingerprint import ____

    namespace = {"load": load, "pd": pd, "np": np, "ex": Exercise(name), "____": ____}
    namespace[answer] = restore(json.loads(snapshot))
    try:
        exec(compile(test, f"tests of {question}", "exec"), namespace)
    except AssertionError as failed:
        text = str(failed).strip()
        if text.startswith(f"{question}: "):  # a public check, in words
            return text.removeprefix(f"{question}: ")
        return "failed: a hidden check found the answer not yet right"
    except Exception as error:  # the tests could not even run on this answer (wrong type...)
        return f"the tests could not run on this answer ({type(error).__name__}: {str(error)[:150]})"
    return None


def grade_one(path: str, student: str, forced: str | None, limits: Limits, known: dict) -> StudentResult:
    """Grade one file; never raises: a problem becomes the result's reason."""
    try:
        return _graded(path, student, forced, limits, known)
    except Exception as error:  # a last line of defence: one odd file must not stop the class
        reason = f"the grader could not process this file ({type(error).__name__}: {str(error)[:200]})"
        return StudentResult(student, path, None, "rejected", reason)


def _graded(path: str, student: str, forced: str | None, limits: Limits, known: dict) -> StudentResult:
    """Grade one file (grade_one catches what this raises)."""
    notebook, problem = read_notebook(Path(path))
    if notebook is None:
        return StudentResult(student, path, None, "rejected", problem)
    name = identify(notebook, known, forced)
    if name is None:
        return StudentResult(student, path, None, "rejected", "not one of the course's exercise notebooks")
    steps = plan(name, notebook)
    workdir = tempfile.mkdtemp(prefix=f"grade-{student}-")
    try:
        private = Path(workdir) / "course"
        shutil.copytree(data_dir(), private / "data")
        env = {
            "FOURISLANDS_HOME": str(private),
            "FOURISLANDS_PROGRESS": str(Path(workdir) / "progress.json"),
        }
        log = run(steps.steps, limits, workdir, env)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = StudentResult(
        student, path, name, "graded", written=steps.written, notes=steps.notes, outputs=log.outputs
    )
    if log.ended != "finished":
        result.notes.append(f"{ENDINGS[log.ended]} during cell '{log.last_cell}'")
    for question, (test, points, answer) in _tests(name).items():
        cell = f"{question}-answer"
        if question not in steps.answered:
            reason = "no answer cell was found for this question"
        elif question not in log.snapshots:
            reason = log.cell_errors.get(cell) or (
                f"not reached: {ENDINGS[log.ended]}"
                if log.ended != "finished"
                else "the answer was not defined"
            )
        else:
            reason = _verdict(name, question, test, answer, log.snapshots[question])
            if cell in log.cell_errors:
                result.notes.append(f"{question}: the answer cell raised an error ({log.cell_errors[cell]})")
        earned = points if reason is None else 0.0
        result.questions.append(QuestionResult(question, points, earned, reason or "passed"))
    return result


def _warm_up(home: str) -> None:
    """Prepare a worker: the grader's own data copy, grading mode, heavy imports done once."""
    os.environ["FOURISLANDS_HOME"] = home
    os.environ["FOURISLANDS_GRADING"] = "1"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401  (imported once here, inherited by every forked child)

    from .. import exercises  # noqa: F401
    from ..data import load, table_names

    for name in table_names():
        load(name)  # parsed once per worker; every forked child finds them cached


def _progress(done: int, total: int) -> None:
    """Draw a progress bar on stderr (a terminal only: in a log it would be noise)."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done == total else ""
    sys.stderr.write(f"\rgrading [{'#' * filled}{'-' * (width - filled)}] {done}/{total}{end}")
    sys.stderr.flush()


def grade(
    paths: list[Path], forced: str | None = None, limits: Limits | None = None, jobs: int | None = None
) -> list[StudentResult]:
    """Grade every submission in paths, in parallel; return results sorted by student."""
    limits = limits or Limits()
    files = submission_files(paths)
    taken: set[str] = set()
    students = [student_id(f, taken) for f in files]
    known = {name: cell_keys(name) for name in exercise_names()}
    if forced is not None and forced not in known:
        raise ValueError(f"no exercise named {forced!r}; the exercises are {sorted(known)}")
    home = tempfile.mkdtemp(prefix="fourislands-grader-")
    try:
        # The grader's own copy of data and solutions: nothing a submission does changes what tests read.
        # geo/ included: answers may draw maps or measure distances (exercise 03).
        shutil.copytree(data_dir(), Path(home) / "data", ignore=shutil.ignore_patterns("quizzes"))
        shutil.copytree(solution_path(exercise_names()[0]).parent, Path(home) / "solutions")
        jobs = jobs or os.cpu_count() or 1
        results = []
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_warm_up, initargs=(home,)
        ) as pool:
            futures = [
                pool.submit(grade_one, str(f), s, forced, limits, known)
                for f, s in zip(files, students, strict=True)
            ]
            _progress(0, len(futures))
            for done, future in enumerate(as_completed(futures), start=1):
                results.append(future.result())
                _progress(done, len(futures))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return sorted(results, key=lambda r: r.student)


def results_json(results: list[StudentResult]) -> str:
    """Return results as JSON text (kept beside the gradebook, to merge manual scores later)."""
    return json.dumps([asdict(r) for r in results], indent=1, ensure_ascii=False, sort_keys=True)


def results_from_json(text: str) -> list[StudentResult]:
    """Return results saved by results_json."""
    loaded = []
    for item in json.loads(text):
        item["questions"] = [QuestionResult(**q) for q in item["questions"]]
        loaded.append(StudentResult(**item))
    return loaded
