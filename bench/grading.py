"""Grade a batch of 20 submissions with the course grader and with nbgrader; compare time and scores."""

from __future__ import annotations

import copy
import os
import tempfile
import time
from pathlib import Path

import nbformat

from fourislands.exercise_build import questions, solution_path
from fourislands.grading.grader import grade
from fourislands.grading.nbgrader_compat import nbgrader_scores
from fourislands.grading.runner import Limits
from fourislands.paths import project_root

EXERCISE = "05-survey"
CELL_SECONDS = 10


def batch() -> tuple[dict[str, nbformat.NotebookNode], dict[str, dict[str, float]]]:
    """Return 20 submissions and the score each question of each deserves (scored on its own)."""
    solution = nbformat.read(solution_path(EXERCISE), as_version=4)
    released = nbformat.read(project_root() / "exercises" / f"{EXERCISE}.ipynb", as_version=4)
    graded, _ = questions(solution)
    names = list(graded)
    right = {q: spec["solution"] for q, spec in graded.items()}
    full = {q: float(spec["points"]) for q, spec in graded.items()}

    def submission(changes: dict[str, str]) -> nbformat.NotebookNode:
        notebook = copy.deepcopy(released)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            question = grade_id.removesuffix("-answer")
            if grade_id.endswith("-answer"):
                cell.source = changes.get(question, right[question])
        return notebook

    cases, expected = {}, {}
    for n in range(14):
        cases[f"correct-{n:02d}"], expected[f"correct-{n:02d}"] = submission({}), dict(full)
    broken = {
        "not-attempted": (names[1], f"{graded[names[1]]['answer']} = ____", False),
        # Broken answers sit where no later answer builds on them (q2 here), except the kill.
        "wrong-value": (names[1], f"{graded[names[1]]['answer']} = None", False),
        "endless-loop": (names[1], "while True:\n    pass", False),
        "raises": (names[1], "raise ValueError('oops')", False),
        "sys-exit": (names[3], "import sys\nsys.exit(1)", False),
        "kills-its-process": (names[4], "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", True),
    }
    for student, (question, code, stops) in broken.items():
        cases[student] = submission({question: code})
        later = names[names.index(question) + 1 :] if stops else []
        expected[student] = {q: 0.0 if q == question or q in later else full[q] for q in names}
    return cases, expected


def right_count(scores: dict, expected: dict) -> int:
    """Return how many submissions got exactly the scores they deserve."""
    count = 0
    for student, wanted in expected.items():
        got = scores.get(student) or {}
        count += all(float(got.get(q, 0.0)) == points for q, points in wanted.items())
    return count


def main() -> None:
    cases, expected = batch()
    folder = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    paths = {}
    for student, notebook in cases.items():
        paths[student] = folder / "submitted" / f"{student}.ipynb"
        paths[student].parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, paths[student])
    start = time.perf_counter()
    results = grade([folder / "submitted"], limits=Limits(cell_seconds=CELL_SECONDS))
    ours_seconds = time.perf_counter() - start
    ours = {r.student: {q.question: q.earned for q in r.questions} for r in results}
    start = time.perf_counter()
    theirs = nbgrader_scores(EXERCISE, paths, folder, timeout=CELL_SECONDS)
    nbgrader_seconds = time.perf_counter() - start
    print(f"{len(cases)} submissions of {EXERCISE} on {os.cpu_count()} cores, {CELL_SECONDS} s per cell:")
    for label, seconds, scores in (
        ("fourislands grade", ours_seconds, ours),
        ("nbgrader autograde", nbgrader_seconds, theirs),
    ):
        print(f"  {label:<19} {seconds:6.1f} s, scores right {right_count(scores, expected)}/{len(cases)}")
    print(f"  ratio (nbgrader / fourislands): {nbgrader_seconds / ours_seconds:.1f}x")
    for student in sorted(expected):
        mine = ours.get(student) or {}
        other = {q: s for q, s in (theirs.get(student) or {}).items() if q in expected[student]}
        if mine != expected[student] or other != expected[student]:
            print(f"  {student}: deserved {expected[student]}, ours {mine}, nbgrader {other}")


if __name__ == "__main__":
    main()
